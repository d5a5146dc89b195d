/**
 * The stream's retry in the Effect 4 edition (`internal/chat/stream.ts`, `retryUntilContent`): a failure
 * before any content is retried under the policy and leaves no trace (the opening chunk is not shown
 * twice); once content was emitted, never; on giving up, the error carries the attempts.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Chat, Retry } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import { httpClients, withServer } from "./support/harness.js"

const request: Chat.ChatRequest = { model: "m", messages: [{ role: "user", content: "Hi" }] }
const fast = Retry.make({ retries: 2, baseDelay: "1 millis", maxDelay: "5 millis", jitter: 0 })

describe.each(httpClients)("Chat.stream retries over %s", (_name, http) => {
  it.live("retries a stream that fails with an overloaded provider before any content", () =>
    withServer(
      http,
      [
        Testing.midStreamError({ after: 0, code: 529, errorType: "provider_overloaded" }),
        Testing.stream({ deltas: ["fine ", "now"] })
      ],
      (server) =>
        Effect.gen(function*() {
          const chunks = yield* Stream.runCollect(Chat.stream(request))
          // One opening (role) chunk: the failed attempt's was held back, never shown.
          expect(chunks.filter((c) => c.choices[0]?.delta?.role === "assistant")).toHaveLength(1)
          const response = yield* Chat.collect(Stream.fromIterable(chunks))
          expect(response.choices[0]!.message!.content).toBe("fine now")
          expect(yield* server.requests).toHaveLength(2)
        }),
      { retry: fast }
    ))

  it.live("retries a stream whose status is 503 before it starts", () =>
    withServer(http, [Testing.error(503), Testing.stream({ deltas: ["ok"] })], (server) =>
      Effect.gen(function*() {
        const response = yield* Chat.collect(Chat.stream(request))
        expect(response.choices[0]!.message!.content).toBe("ok")
        expect(yield* server.requests).toHaveLength(2)
      }), { retry: fast }))

  it.live("never retries a stream once content was emitted", () =>
    withServer(
      http,
      [Testing.midStreamError({ after: 2, code: 529, errorType: "provider_overloaded" }), Testing.stream()],
      (server) =>
        Effect.gen(function*() {
          const seen: Array<string> = []
          const error = yield* Chat.stream(request).pipe(
            Stream.runForEach((c) => Effect.sync(() => seen.push(c.choices[0]?.delta?.content ?? ""))),
            Effect.flip
          )
          expect(error._tag).toBe("MidStreamError")
          if (error._tag === "MidStreamError") expect(error.contentEmitted).toBe(true)
          expect(seen.join("")).not.toBe("")
          expect(yield* server.requests).toHaveLength(1)
        }),
      { retry: fast }
    ))

  it.live("gives up after the policy's retries with the attempts on the error", () =>
    withServer(http, [Testing.error(503), Testing.error(503), Testing.error(503)], (server) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Stream.runDrain(Chat.stream(request)))
        expect(error._tag).toBe("ServiceUnavailableResponseError")
        expect(error.attempts).toBe(3)
        expect(yield* server.requests).toHaveLength(3)
      }), { retry: fast }))
})
