import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { Chat, OpenRouterConfig, type Schema } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import { httpClients, withServer } from "./support/harness.js"

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

const chunk = (content: string) =>
  `data: ${
    JSON.stringify({
      id: "gen-1",
      object: "chat.completion.chunk",
      created: 1700000000,
      model: "openai/gpt-4o",
      choices: [{ index: 0, delta: { content }, finish_reason: null }]
    })
  }\n\n`

const text = (chunks: ReadonlyArray<Schema.ChatStreamChunk>) =>
  chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("")

describe.each(httpClients)("the end of a stream over %s", (_name, http) => {
  it.live("a body that ends soon after [DONE] finishes on its own: the request is not aborted", () =>
    withServer(
      http,
      [
        Testing.raw({
          headers: { "content-type": "text/event-stream" },
          body: [chunk("a"), chunk("b"), "data: [DONE]\n\n", Testing.pause("50 millis"), ": bye\n\n"]
        }),
        Testing.stream({ deltas: ["c"] })
      ],
      (server) =>
        Effect.gen(function*() {
          expect(text(yield* Stream.runCollect(Chat.stream(request)))).toBe("ab")
          expect(text(yield* Stream.runCollect(Chat.stream(request)))).toBe("c")
          // Ending the stream at [DONE] would abort the first request while its body is still open.
          expect(yield* server.aborted).toBe(0)
        })
    ))

  it.live("a body left open after [DONE] is cut off after a short grace, and the stream succeeds", () =>
    withServer(
      http,
      Testing.raw({
        headers: { "content-type": "text/event-stream" },
        body: [chunk("x"), "data: [DONE]\n\n", Testing.pause("30 seconds"), chunk("ignored")]
      }),
      (server) =>
        Effect.gen(function*() {
          const started = Date.now()
          expect(text(yield* Stream.runCollect(Chat.stream(request)))).toBe("x")
          expect(Date.now() - started).toBeLessThan(20_000)
          yield* server.awaitAbort
        })
    ))

  it.live("stopping after the last chunk, before the body ended, still closes the connection", () =>
    withServer(
      http,
      Testing.raw({
        headers: { "content-type": "text/event-stream" },
        body: [chunk("x"), Testing.pause("30 seconds"), "data: [DONE]\n\n"]
      }),
      (server) =>
        Effect.gen(function*() {
          expect(text(yield* Stream.runCollect(Stream.take(Chat.stream(request), 1)))).toBe("x")
          yield* server.awaitAbort
        })
    ))
})

describe("the end of a stream (in-process test kit: every abort is counted)", () => {
  const config = OpenRouterConfig.layer({ apiKey: Redacted.make("k"), retry: false })
  it.live("a body that ends soon after [DONE] is read to its end, not aborted", () =>
    Effect.gen(function*() {
      expect(text(yield* Stream.runCollect(Chat.stream(request)))).toBe("ab")
      expect(yield* Testing.aborted).toBe(0)
    }).pipe(Effect.provide(Layer.merge(
      Testing.layer(Testing.raw({
        headers: { "content-type": "text/event-stream" },
        body: [chunk("a"), chunk("b"), "data: [DONE]\n\n", Testing.pause("50 millis"), ": bye\n\n"]
      })),
      config
    ))))

  it.live("stopping before the body ended aborts the request", () =>
    Effect.gen(function*() {
      expect(text(yield* Stream.runCollect(Stream.take(Chat.stream(request), 1)))).toBe("a")
      expect(yield* Testing.aborted).toBe(1)
    }).pipe(Effect.provide(Layer.merge(
      Testing.layer(Testing.raw({
        headers: { "content-type": "text/event-stream" },
        body: [chunk("a"), Testing.pause("30 seconds"), chunk("b"), "data: [DONE]\n\n"]
      })),
      config
    ))))
})
