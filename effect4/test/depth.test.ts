/**
 * Model output of any depth: an answer nested up to `MAX_DEPTH` levels decodes, one level more (and
 * 5,000 levels, where an unbounded walk overflows the stack) is the entry point's typed error, never
 * a defect; a huge but shallow answer is fine. For each entry point of the Effect 4 edition:
 * `Structured.send`, `Structured.stream` (through the shared partial parser) and `Structured.decode`.
 * The levels, the nested JSON and the test of the bound itself are shared with the Effect 3 edition
 * (`test/support/depth.ts`).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import {
  ACCEPTED,
  depthOf,
  nested,
  nestingBoundSuite,
  type Node,
  piecesOf,
  REFUSED,
  TOO_DEEP
} from "../../test/support/depth.js"
import { Structured, Testing } from "../src/index.js"
import type * as S from "../src/Schema.js"

const Node: Schema.Codec<Node> = Schema.Struct({
  child: Schema.NullOr(Schema.suspend((): Schema.Codec<Node> => Node))
}).annotate({ identifier: "Node" })

const request = { model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "Nest" }] }

const responseWith = (content: string): S.ChatResponse =>
  ({
    id: "gen-1",
    choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content } }]
  }) as unknown as S.ChatResponse

const provide = (script: Testing.Script) => Effect.provide(Testing.layerWithConfig(script, { retry: false }))

nestingBoundSuite({ describe, it, expect })

// A defect (a stack overflow) would fail these tests: Effect.flip only turns typed failures into values.
describe("the nesting bound on model output", () => {
  for (const levels of ACCEPTED) {
    it.effect(`Structured.send decodes an answer ${levels} levels deep`, () =>
      Effect.gen(function*() {
        const result = yield* Structured.send(Node, request)
        expect(depthOf(result.value)).toBe(levels)
      }).pipe(provide(Testing.completion({ content: nested(levels) }))))

    it.effect(`Structured.stream shows partial values and ends with the value of an answer ${levels} levels deep`, () =>
      Effect.gen(function*() {
        const events = yield* Stream.runCollect(Structured.stream(Node, request))
        expect(events.filter((e) => e._tag === "Partial").length).toBeGreaterThan(0)
        const last = events.at(-1)!
        if (last._tag !== "Final") throw new Error("no final event")
        expect(depthOf(last.value)).toBe(levels)
      }).pipe(provide(Testing.stream({ deltas: piecesOf(nested(levels)) }))))

    it.effect(`Structured.decode decodes a reply ${levels} levels deep`, () =>
      Effect.gen(function*() {
        const value = yield* Structured.decode(Node, responseWith(nested(levels)))
        expect(depthOf(value)).toBe(levels)
      }))
  }
  for (const levels of REFUSED) {
    it.effect(`Structured.send: an answer ${levels} levels deep is OutputDecodeError, not a defect`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Structured.send(Node, request))
        expect(error._tag).toBe("OutputDecodeError")
        expect(error.message).toContain(TOO_DEEP)
      }).pipe(provide(Testing.completion({ content: nested(levels) }))))

    it.effect(`Structured.stream: an answer ${levels} levels deep fails with OutputDecodeError, not a defect`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Stream.runDrain(Structured.stream(Node, request)))
        expect(error._tag).toBe("OutputDecodeError")
        expect(error.message).toContain(TOO_DEEP)
      }).pipe(provide(Testing.stream({ deltas: piecesOf(nested(levels)) }))))

    it.effect(`Structured.decode: a reply ${levels} levels deep is OutputDecodeError, not a defect`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Structured.decode(Node, responseWith(nested(levels))))
        expect(error._tag).toBe("OutputDecodeError")
        expect(error.message).toContain(TOO_DEEP)
      }))

    it.effect(`Structured.decode with extract "lenient": a reply ${levels} levels deep is OutputDecodeError`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(
          Structured.decode(Node, responseWith(`Here:\n${nested(levels)}`), { extract: "lenient" })
        )
        expect(error._tag).toBe("OutputDecodeError")
      }))
  }

  it.effect("a huge shallow answer (100,000 items) decodes", () => {
    const Items = Schema.Struct({ items: Schema.Array(Schema.Struct({ n: Schema.Number })) })
    const value = { items: Array.from({ length: 100_000 }, (_, n) => ({ n })) }
    return Effect.gen(function*() {
      const result = yield* Structured.send(Items, request)
      expect(result.value.items.length).toBe(100_000)
      expect(result.value.items[99_999]).toEqual({ n: 99_999 })
    }).pipe(provide(Testing.jsonAnswer(Items, value)))
  })
})
