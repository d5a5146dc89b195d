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
import { Chat, type Errors } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import { httpClients, withServer } from "./support/harness.js"

const user = { role: "user", content: "Hi" }

/** [what is wrong, the request, the issues expected (path: message), in order]. */
const table: ReadonlyArray<readonly [string, unknown, ReadonlyArray<string>]> = [
  ["a number given as a string", { messages: [user], temperature: "0.7" }, [
    `temperature: expected a number or null, got "0.7"`
  ]],
  ["a number out of its range", { messages: [user], temperature: 5 }, [
    "temperature: expected a number between 0 and 2, got 5"
  ]],
  ["a fraction where an integer goes", { messages: [user], top_k: 1.5 }, ["top_k: expected an integer, got 1.5"]],
  ["a number for a nullable boolean", { messages: [user], logprobs: 1 }, [
    "logprobs: expected a boolean or null, got 1"
  ]],
  ["an unknown literal", { messages: [user], route: "x" }, [`route: expected "fallback", "sort" or null, got "x"`]],
  ["a number for a literal enum", { messages: [user], service_tier: 3 }, [
    `service_tier: expected "auto", "default", "fast", "flex", "priority", "scale" or null, got 3`
  ]],
  ["an unknown literal in an array", { messages: [user], modalities: ["video"] }, [
    `modalities.0: expected "text", "image" or "audio", got "video"`
  ]],
  ["a model that is not a string", { messages: [user], model: 3 }, ["model: expected a string, got 3"]],
  ["an unknown role", { messages: [{ role: "usr", content: "Hi" }] }, [
    `messages.0.role: expected "system", "developer", "user", "assistant" or "tool", got "usr"`
  ]],
  ["a message without a role", { messages: [{ content: "Hi" }] }, ["messages.0.role: is missing"]],
  ["a message that is not an object", { messages: ["Hi"] }, [`messages.0: expected an object, got "Hi"`]],
  ["a tool message without its call id", { messages: [user, { role: "tool", content: "42" }] }, [
    "messages.1.tool_call_id: is missing"
  ]],
  ["user content of the wrong kind", { messages: [{ role: "user", content: 3 }] }, [
    "messages.0.content: expected a string or an array, got 3"
  ]],
  ["assistant content of the wrong kind", { messages: [user, { role: "assistant", content: 5 }] }, [
    "messages.1.content: expected a string, an array or null, got 5"
  ]],
  ["an unknown content part type", { messages: [{ role: "user", content: [{ type: "txt", text: "Hi" }] }] }, [
    `messages.0.content.0.type: expected "text", "image_url", "input_audio", "video_url", "input_video" or "file", got "txt"`
  ]],
  ["a text part without text", { messages: [{ role: "user", content: [{ type: "text" }] }] }, [
    "messages.0.content.0.text: is missing"
  ]],
  ["an unknown tool_choice", { messages: [user], tool_choice: "always" }, [
    `tool_choice: expected "none", "auto", "required" or an object, got "always"`
  ]],
  // Effect 4 narrows the object members by the value before trying them: only the generic one (type: a
  // string) is tried, so "function" is not listed as in Effect 3 (README, "Effect 4" table).
  ["a tool_choice object whose type is not a string", { messages: [user], tool_choice: { type: 3 } }, [
    "tool_choice.type: expected a string, got 3"
  ]],
  ["stop of the wrong kind", { messages: [user], stop: 3 }, ["stop: expected a string, an array or null, got 3"]],
  ["too many stop sequences", { messages: [user], stop: ["a", "b", "c", "d", "e"] }, [
    `stop: expected an array of at most 4 item(s), got ["a","b","c","d","e"]`
  ]],
  ["an unknown provider sort", { messages: [user], provider: { sort: "fastest" } }, [
    `provider.sort: expected "price", "throughput", "latency", "exacto", an object or null, got "fastest"`
  ]],
  ["no messages", { messages: [] }, ["messages: expected an array of at least 1 item(s), got []"]],
  ["a request that is not an object", 3, ["(request): expected an object, got 3"]]
]

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
