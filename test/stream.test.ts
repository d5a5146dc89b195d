/**
 * `Chat.stream` over both HTTP clients: the body shared with the Effect 4 edition is
 * `test/support/streamSuite.ts`; this file gives it the Effect 3 edition's pieces and holds what a
 * program does with the stream in Effect's own terms (a slow consumer, stopping early, interrupting).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import { Chat, type Schema } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import { wired } from "./support/callsEffect3.js"
import { httpClients, withServer } from "./support/harness.js"
import { streamSuite } from "./support/streamSuite.js"

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

const run = (options?: Chat.Options) => Stream.runCollect(Chat.stream(request, options)).pipe(Effect.map(Chunk.toArray))

const text = (chunks: ReadonlyArray<Schema.ChatStreamChunk>) =>
  chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("")

streamSuite<Testing.Reply>({
  ...wired,
  hasContent: Chat.hasContent
})

describe.each(httpClients)("Chat.stream over %s", (_name, http) => {
  it.scopedLive("never times out a consumer that is slower than idleTimeout", () =>
    withServer(http, Testing.stream({ deltas: ["a", "b", "c"] }), () =>
      Effect.gen(function*() {
        const chunks = yield* Chat.stream(request, { idleTimeout: "100 millis" }).pipe(
          Stream.tap(() => Effect.sleep("250 millis")),
          Stream.runCollect
        )
        expect(text(Chunk.toArray(chunks))).toBe("abc")
      })))

  it.scopedLive("closes the connection when the consumer stops early", () =>
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

  // The server holds the response headers back: the stream is cancelled while the request is in flight.
  const headersLate = Testing.delay(Testing.stream({ deltas: ["late"] }), "1 hour")

  for (
    const [when, script] of [
      ["while the body streams", Testing.hang({ after: 2 })],
      ["before its response headers", headersLate]
    ] as const
  ) {
    it.scopedLive(`closes the connection when the consuming fiber is interrupted ${when}`, () =>
      withServer(http, script, (server) =>
        Effect.gen(function*() {
          const fiber = yield* Effect.fork(run())
          yield* untilReceived(server)
          const exit = yield* Fiber.interrupt(fiber)
          expect(Exit.isInterrupted(exit)).toBe(true)
          yield* server.awaitAbort
          expect(yield* server.aborted).toBe(1)
          expect((yield* server.requests).length).toBe(1)
        })))
  }

  it.scopedLive("a stream that times out before its response headers aborts the request", () =>
    withServer(http, headersLate, (server) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(run({ timeout: "300 millis", retry: false }))
        expect(error._tag).toBe("TimeoutError")
        yield* server.awaitAbort
        expect(yield* server.aborted).toBe(1)
        expect((yield* server.requests).length).toBe(1)
      })))
})

/** Waits until the server has received a request. */
const untilReceived = (server: { readonly requests: Effect.Effect<ReadonlyArray<unknown>> }) =>
  Effect.repeat(server.requests, {
    until: (requests) => requests.length > 0,
    schedule: Schedule.spaced("10 millis")
  })
