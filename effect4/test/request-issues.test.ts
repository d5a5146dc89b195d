/**
 * What an `InvalidRequestError` says about a bad request field in the Effect 4 edition: one issue per
 * path, in words ("temperature: expected a number or null, got \"0.7\""), for every kind of union in
 * the request schema, over `Chat.send` and `Chat.stream` with both HttpClient layers against the
 * emulator, which receives nothing. The Effect 3 twin is `test/request-issues.test.ts`; rows whose
 * wording differs (Effect 4's own check descriptions and union narrowing) are listed in the README's
 * "Effect 4" table.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { requestIssueTable, user } from "../../test/support/errorTables.js"
import { Chat, type Errors } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import { httpClients, withServer } from "./support/harness.js"

// Effect 4 narrows the object members of a union by the value before trying them: only the generic
// tool_choice object (type: a string) is tried, so "function" is not listed as in Effect 3 (README,
// "Effect 4" table).
const effect4Words: Readonly<Record<string, ReadonlyArray<string>>> = {
  "a tool_choice object whose type is not a string": ["tool_choice.type: expected a string, got 3"]
}

const table = requestIssueTable.map(([what, request, expected]) =>
  [what, request, effect4Words[what] ?? expected] as const
)

const failure = (request: unknown, kind: "send" | "stream") =>
  Effect.flip(
    kind === "send"
      ? Chat.send(request as Chat.ChatRequest)
      : Stream.runDrain(Chat.stream(request as Chat.ChatRequest))
  )

const lines = (error: Errors.StreamError): ReadonlyArray<string> => {
  if (error._tag !== "InvalidRequestError") throw new Error(`expected InvalidRequestError, got ${error._tag}`)
  return error.issues.map((issue) => `${issue.path}: ${issue.message}`)
}

describe.each(httpClients)("request issues over %s", (_name, http) => {
  for (const [what, request, expected] of table) {
    it.live(`${what}: one issue per path, in words, and nothing sent`, () =>
      withServer(http, Testing.completion(), (server) =>
        Effect.gen(function*() {
          for (const kind of ["send", "stream"] as const) {
            const error = yield* failure(request, kind)
            expect(lines(error)).toEqual(expected)
            expect(error.message).toBe(`Invalid request: ${expected.join("; ")}`)
          }
          expect(yield* server.requests).toEqual([])
        })))
  }
})

describe("request issues", () => {
  const offline = (request: unknown) =>
    Effect.provide(failure(request, "send"), Testing.layerWithConfig(Testing.completion()))

  it.effect("a long string value is shown cut, with the path first", () =>
    Effect.gen(function*() {
      const error = yield* offline({ messages: [user], temperature: "x".repeat(100_000) })
      const [line] = lines(error)
      expect(line).toMatch(/^temperature: expected a number or null, got "x+…"$/)
      expect(line!.length).toBeLessThan(200)
    }))

  it.effect("two bad fields give two issues, each at its own path", () =>
    Effect.gen(function*() {
      const error = yield* offline({ messages: [user], temperature: "hot", top_p: "high" })
      const found = lines(error)
      // The schema stops at the first bad field unless told otherwise; every issue is still one per path.
      expect(new Set(found.map((line) => line.split(":")[0])).size).toBe(found.length)
      expect(found[0]).toBe(`temperature: expected a number or null, got "hot"`)
    }))
})
