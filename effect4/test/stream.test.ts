/**
 * `Chat.stream` over both HTTP clients: the body shared with the Effect 3 edition is
 * `test/support/streamSuite.ts`; this file gives it the Effect 4 edition's pieces and holds what a
 * program does with the stream in Effect's own terms (a slow consumer, stopping early, interrupting).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import { streamSuite } from "../../test/support/streamSuite.js"
import { Chat, Retry, type Schema } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import { wired } from "./support/callsEffect4.js"
import { httpClients, withServer } from "./support/harness.js"

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

const run = (options?: Chat.Options) => Stream.runCollect(Chat.stream(request, options))

const text = (chunks: ReadonlyArray<Schema.ChatStreamChunk>) =>
  chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("")

streamSuite<Testing.Reply>({
  ...wired,
  hasContent: Chat.hasContent
})

describe.each(httpClients)("Chat.stream over %s", (_name, http) => {
  // What the Effect 3 edition's `sseEvents` (src/internal/transport/sseStream.ts) guarantees, here of the parser
  // inside `decodeEvents`: each attempt of a retried stream parses with a fresh parser (the shared
  // suite checks the events pending at the end of a body).
  const sseBody = (events: ReadonlyArray<string>, pending: string) =>
    events.map((event) => `data: ${event}\n\n`).join("") + `data: ${pending}`

  it.live("parses each attempt of a retried stream afresh: an event cut off in the first is not joined to the next", () =>
    withServer(
      http,
      [
        Testing.raw({
          body: sseBody([], `{"id":"gen-1","choices":[{"index":0,"delta":{"content":"lost`),
          headers: { "content-type": "text/event-stream" },
          ending: "reset"
        }),
        Testing.stream({ deltas: ["fine ", "now"] })
      ],
      (server) =>
        Effect.gen(function*() {
          expect(text(yield* run())).toBe("fine now")
          expect(yield* server.requests).toHaveLength(2)
        }),
      { retry: Retry.make({ retries: 1, baseDelay: "1 millis", jitter: 0 }) }
    ))

  it.live("never times out a consumer that is slower than idleTimeout", () =>
    withServer(http, Testing.stream({ deltas: ["a", "b", "c"] }), () =>
      Effect.gen(function*() {
        const chunks = yield* Chat.stream(request, { idleTimeout: "100 millis" }).pipe(
          Stream.tap(() => Effect.sleep("250 millis")),
          Stream.runCollect
        )
        expect(text(chunks)).toBe("abc")
      })))

  it.live("closes the connection when the consumer stops early", () =>
    withServer(
      http,
      Testing.stream({ deltas: Testing.pieces(10_000), chunkDelay: "5 millis" }),
      (server) =>
        Effect.gen(function*() {
          const taken = yield* Chat.stream(request).pipe(
            Stream.filter(Chat.hasContent),
            Stream.take(3),
            Stream.runCollect
          )
          expect(taken.length).toBe(3)
          yield* server.awaitAbort
          expect(yield* server.aborted).toBe(1)
        })
    ))

  it.live("closes the connection when the consuming fiber is interrupted", () =>
    withServer(http, Testing.hang({ after: 2 }), (server) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(run())
        yield* Effect.sleep("100 millis")
        yield* Fiber.interrupt(fiber)
        yield* server.awaitAbort
      })))
})
