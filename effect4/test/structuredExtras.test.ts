/**
 * The Effect 3 fixes of this round carried into the Effect 4 edition's Structured (ports of i22's
 * test/extract.test.ts and the Structured part of i20b's test/depth.test.ts), and the Restart event:
 * - `extract: "lenient"`: JSON out of a fenced block or after prose, only when exactly one candidate
 *   parses and decodes; otherwise the usual typed error about the content as it is;
 * - model output nested deeper than `MAX_DEPTH` is `OutputDecodeError`, never a stack overflow;
 * - `Structured.stream` with `retries` emits `Restart` before a re-ask's partial values.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { MAX_DEPTH } from "../../src/internal/json.js"
import { Structured, Testing } from "../src/index.js"
import type * as S from "../src/Schema.js"
import { httpClients, withServer } from "./support/harness.js"

const Point = Schema.Struct({ x: Schema.Number, label: Schema.String })
const point = { x: 1, label: "a" }
const json = JSON.stringify(point)
const other = JSON.stringify({ x: 2, label: "b" })
const request = { model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "Go" }] }

const responseWith = (content: string): S.ChatResponse =>
  ({
    id: "gen-1",
    choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content } }]
  }) as unknown as S.ChatResponse

const cases: ReadonlyArray<readonly [string, string, "ok" | "OutputNotJsonError" | "OutputDecodeError"]> = [
  ["a fence with a language", "```json\n" + json + "\n```", "ok"],
  ["a fence without a language", "```\n" + json + "\n```", "ok"],
  ["a fence after prose and before prose", "Here it is:\n```json\n" + json + "\n```\nAnything else?", "ok"],
  ["a fence of four backticks", "````json\n" + json + "\n````", "ok"],
  ["prose before", "Sure! The point is " + json, "ok"],
  ["prose after", json + "\nHope this helps.", "ok"],
  ["prose before and after", "The answer: " + json + " (as asked).", "ok"],
  ["two fences, one of which decodes", "```json\n{\"x\": \"no\"}\n```\nand\n```json\n" + json + "\n```", "ok"],
  [
    "two fences that both decode (ambiguous)",
    "```json\n" + json + "\n```\n```json\n" + other + "\n```",
    "OutputNotJsonError"
  ],
  ["no JSON at all", "I cannot answer that.", "OutputNotJsonError"],
  ["a fence with broken JSON", "```json\n{\"x\": 1,\n```", "OutputNotJsonError"],
  ["JSON that parses but does not decode", "Here: {\"x\": \"one\", \"label\": \"a\"}", "OutputNotJsonError"],
  ["bare JSON that does not decode", "{\"x\": \"one\", \"label\": \"a\"}", "OutputDecodeError"]
]

describe("extract: \"lenient\"", () => {
  for (const [what, content, expected] of cases) {
    it.effect(`${what}: ${expected === "ok" ? "the JSON is taken" : expected}`, () =>
      Effect.gen(function*() {
        const result = yield* Effect.result(Structured.decode(Point, responseWith(content), { extract: "lenient" }))
        if (expected === "ok") {
          expect(Result.getOrThrow(result)).toStrictEqual(point)
        } else {
          if (Result.isSuccess(result)) throw new Error("expected a failure")
          expect(result.failure._tag).toBe(expected)
          // The error is about the content as the model sent it.
          if ("text" in result.failure) expect(result.failure.text).toBe(content)
        }
      }))
  }

  it.effect("is off by default: a fenced answer is OutputNotJsonError", () =>
    Effect.gen(function*() {
      const fenced = "```json\n" + json + "\n```"
      for (const options of [undefined, { extract: "exact" as const }]) {
        const error = yield* Effect.flip(Structured.decode(Point, responseWith(fenced), options))
        expect(error._tag).toBe("OutputNotJsonError")
      }
    }))

  it.effect("an unknown extract mode is an InvalidRequestError, and Structured.send sends nothing", () =>
    Effect.gen(function*() {
      const decoded = yield* Effect.flip(Structured.decode(Point, responseWith(json), { extract: "loose" as never }))
      expect(decoded._tag).toBe("InvalidRequestError")
      const sent = yield* Effect.flip(Structured.send(Point, request, { extract: "loose" as never }))
      expect(sent._tag).toBe("InvalidRequestError")
      expect(yield* Testing.requests).toHaveLength(0)
    }).pipe(Effect.provide(Testing.layerWithConfig(Testing.completion({ content: json }), { retry: false }))))
})

describe.each(httpClients)("over %s", (_name, http) => {
  it.live("Structured.send and Structured.stream take the fenced JSON, and stream its partial values", () =>
    Effect.gen(function*() {
      const content = "Sure:\n```json\n" + json + "\n```"
      const sent = yield* withServer(
        http,
        Testing.notJsonAnswer(content),
        () => Structured.send(Point, request, { extract: "lenient" })
      )
      expect(sent.value).toStrictEqual(point)
      const events = yield* withServer(
        http,
        Testing.notJsonAnswer(content, { stream: true, pieceSize: 3 }),
        () => Stream.runCollect(Structured.stream(Point, request, { extract: "lenient" }))
      )
      expect(events.at(-1)).toMatchObject({ _tag: "Final", value: point })
      const partials = events.flatMap((e) => e._tag === "Partial" ? [e.value] : [])
      expect(partials.length).toBeGreaterThan(1)
      expect(partials).toContainEqual({ x: 1 })
    }))

  it.live("Structured.stream emits Restart (attempt, error) before a re-ask's partial values", () =>
    withServer(
      http,
      [
        Testing.mismatchedAnswer({ x: "one", label: "a" }, { stream: true }),
        Testing.jsonAnswer(Point, point, { stream: true })
      ],
      () =>
        Effect.gen(function*() {
          const events = yield* Stream.runCollect(Structured.stream(Point, request, { retries: 1 }))
          const restarts = events.flatMap((e, i) => e._tag === "Restart" ? [{ e, i }] : [])
          expect(restarts).toHaveLength(1)
          const { e: restart, i: at } = restarts[0]!
          if (restart._tag !== "Restart") throw new Error("not a restart")
          expect(restart.attempt).toBe(2)
          expect(restart.error._tag).toBe("OutputDecodeError")
          // The first answer's partial values come before it, the second's after it.
          expect(events.slice(0, at)).toContainEqual({ _tag: "Partial", value: { x: "one", label: "a" } })
          expect(events.slice(at + 1).some((e) => e._tag === "Partial")).toBe(true)
          expect(events.at(-1)).toMatchObject({ _tag: "Final", value: point, attempts: 2 })
        })
    ))

  it.live("without a re-ask there is no Restart event", () =>
    withServer(http, Testing.jsonAnswer(Point, point, { stream: true }), () =>
      Effect.gen(function*() {
        const events = yield* Stream.runCollect(Structured.stream(Point, request, { retries: 2 }))
        expect(events.filter((e) => e._tag === "Restart")).toHaveLength(0)
      })))
})

interface Node {
  readonly child: Node | null
}
const Node: Schema.Codec<Node> = Schema.Struct({
  child: Schema.NullOr(Schema.suspend((): Schema.Codec<Node> => Node))
}).annotate({ identifier: "Node" })

/** `{"child":{"child":...null}}` with `levels` objects: JSON nested `levels` deep. */
const nested = (levels: number): string => `${"{\"child\":".repeat(levels - 1)}{"child":null}${"}".repeat(levels - 1)}`

/** The depth of a decoded node, walked without recursion. */
const depthOf = (node: Node): number => {
  let depth = 1
  for (let n = node.child; n !== null; n = n.child) depth++
  return depth
}

const ACCEPTED = [MAX_DEPTH - 1, MAX_DEPTH]
const REFUSED = [MAX_DEPTH + 1, 5000]

/** Content pieces of at most 1,000 characters, so the stream parser sees the text in many pushes. */
const piecesOf = (text: string): Array<string> => {
  const out: Array<string> = []
  for (let i = 0; i < text.length; i += 1000) out.push(text.slice(i, i + 1000))
  return out
}

const provide = (script: Testing.Script) => Effect.provide(Testing.layerWithConfig(script, { retry: false }))

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
  }
  for (const levels of REFUSED) {
    it.effect(`Structured.send: an answer ${levels} levels deep is OutputDecodeError, not a defect`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Structured.send(Node, request))
        expect(error._tag).toBe("OutputDecodeError")
        expect(error.message).toContain(`nested deeper than ${MAX_DEPTH} levels`)
      }).pipe(provide(Testing.completion({ content: nested(levels) }))))

    it.effect(`Structured.stream: an answer ${levels} levels deep fails with OutputDecodeError, not a defect`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Stream.runDrain(Structured.stream(Node, request)))
        expect(error._tag).toBe("OutputDecodeError")
      }).pipe(provide(Testing.stream({ deltas: piecesOf(nested(levels)) }))))
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
