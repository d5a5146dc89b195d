/**
 * `extract: "lenient"`: the JSON of an answer taken out of a fenced block or from after prose, only
 * when exactly one candidate parses and decodes; otherwise the usual typed error about the content as
 * it is. Table tests over `Structured.decode`, plus `Structured.send` and `Structured.stream` against the
 * in-process emulator.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Structured, Testing } from "../src/index.js"
import type * as S from "../src/Schema.js"

const Point = Schema.Struct({ x: Schema.Number, label: Schema.String })
const point = { x: 1, label: "a" }
const json = JSON.stringify(point)
const other = JSON.stringify({ x: 2, label: "b" })

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
        const result = yield* Effect.either(Structured.decode(Point, responseWith(content), { extract: "lenient" }))
        if (expected === "ok") {
          expect(result).toMatchObject({ _tag: "Right", right: point })
        } else {
          expect(result._tag).toBe("Left")
          if (result._tag === "Left") {
            expect(result.left._tag).toBe(expected)
            // The error is about the content as the model sent it.
            if ("text" in result.left) expect(result.left.text).toBe(content)
          }
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
      const sent = yield* Effect.flip(
        Structured.send(Point, { messages: [{ role: "user", content: "Go" }] }, { extract: "loose" as never })
      )
      expect(sent._tag).toBe("InvalidRequestError")
      expect(yield* Testing.requests).toHaveLength(0)
    }).pipe(Effect.provide(Testing.layerWithConfig(Testing.completion({ content: json }), { retry: false }))))

  it.effect("Structured.send and Structured.stream take the fenced JSON, and stream its partial values", () =>
    Effect.gen(function*() {
      const content = "Sure:\n```json\n" + json + "\n```"
      const request = { messages: [{ role: "user" as const, content: "Go" }] }
      const sent = yield* Structured.send(Point, request, { extract: "lenient" }).pipe(
        Effect.provide(Testing.layerWithConfig(Testing.notJsonAnswer(content), { retry: false }))
      )
      expect(sent.value).toStrictEqual(point)
      const events = yield* Stream.runCollect(Structured.stream(Point, request, { extract: "lenient" })).pipe(
        Effect.provide(Testing.layerWithConfig(Testing.notJsonAnswer(content, { stream: true, pieceSize: 3 }), {
          retry: false
        }))
      )
      const all = [...events]
      expect(all.at(-1)).toMatchObject({ _tag: "Final", value: point })
      const partials = all.flatMap((e) => e._tag === "Partial" ? [e.value] : [])
      expect(partials.length).toBeGreaterThan(1)
      expect(partials).toContainEqual({ x: 1 })
    }))
})
