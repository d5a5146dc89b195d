/**
 * The Effect 3 fixes of this round carried into the Effect 4 edition's Structured (ports of i22's
 * test/extract.test.ts), and the Restart event (model output of any depth is `depth.test.ts`'s):
 * - `extract: "lenient"`: JSON out of a fenced block or after prose, only when exactly one candidate
 *   parses and decodes; otherwise the usual typed error about the content as it is;
 * - `Structured.stream` with `retries` emits `Restart` before a re-ask's partial values.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
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
