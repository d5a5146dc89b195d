/**
 * What an `InvalidRequestError` says about a bad request field: one issue per path, in words
 * ("temperature: expected a number or null, got \"0.7\""), for every kind of union in the request
 * schema (nullable numbers, literal enums, messages chosen by `role`, content parts, `tool_choice`,
 * `stop`, provider routing), not one line per union member that refused the value.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Chat, type Errors, Testing } from "../src/index.js"
import { requestIssueTable, user } from "./support/errorTables.js"

const failure = (request: unknown, kind: "send" | "stream") =>
  (kind === "send"
    ? Chat.send(request as Chat.ChatRequest)
    : Stream.runDrain(Chat.stream(request as Chat.ChatRequest))).pipe(
      Effect.flip,
      Effect.provide(Testing.layerWithConfig(Testing.completion()))
    )

const lines = (error: Errors.StreamError): ReadonlyArray<string> => {
  if (error._tag !== "InvalidRequestError") throw new Error(`expected InvalidRequestError, got ${error._tag}`)
  return error.issues.map((issue) => `${issue.path}: ${issue.message}`)
}

describe("request issues", () => {
  for (const [what, request, expected] of requestIssueTable) {
    it.effect(`${what}: one issue per path, in words`, () =>
      Effect.gen(function*() {
        for (const kind of ["send", "stream"] as const) {
          const error = yield* failure(request, kind)
          expect(lines(error)).toEqual(expected)
          expect(error.message).toBe(`Invalid request: ${expected.join("; ")}`)
        }
      }))
  }

  it.effect("a long string value is shown cut, with the path first", () =>
    Effect.gen(function*() {
      const error = yield* failure({ messages: [user], temperature: "x".repeat(100_000) }, "send")
      const [line] = lines(error)
      expect(line).toMatch(/^temperature: expected a number or null, got "x+…"$/)
      expect(line!.length).toBeLessThan(200)
    }))

  it.effect("two bad fields give two issues, each at its own path", () =>
    Effect.gen(function*() {
      const error = yield* failure({ messages: [user], temperature: "hot", top_p: "high" }, "send")
      const found = lines(error)
      // The schema stops at the first bad field unless told otherwise; every issue is still one per path.
      expect(new Set(found.map((line) => line.split(":")[0])).size).toBe(found.length)
      expect(found[0]).toBe(`temperature: expected a number or null, got "hot"`)
    }))
})
