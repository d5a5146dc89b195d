/**
 * The test kit as a user meets it: every scripted answer kind, consumed through `Chat` with
 * `Testing.layerWithConfig` (in-process, no socket), request recording and sequences.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/testing/TestClock"
import { Chat, Errors, Testing } from "../src/index.js"

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }
const collectText = Chat.collect(Chat.stream(request)).pipe(Effect.map((r) => r.choices[0]?.message?.content))

describe("Testing through Chat", () => {
  it.effect("completion: content, tool calls and usage", () =>
    Effect.gen(function*() {
      const response = yield* Chat.send(request)
      const message = response.choices[0]!.message!
      expect(message.content).toBe("Checking")
      expect(message.tool_calls?.[0]?.function?.name).toBe("lookup")
      expect(JSON.parse(message.tool_calls![0]!.function!.arguments!)).toEqual({ q: "x" })
      expect(response.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 2, cost: 0.001 })
    }).pipe(Effect.provide(Testing.layerWithConfig(
      Testing.completion({
        content: "Checking",
        toolCalls: [{ name: "lookup", arguments: { q: "x" } }],
        usage: { prompt_tokens: 4, completion_tokens: 2, cost: 0.001 }
      })
    ))))

  it.effect("stream: deltas, keep-alives and a usage chunk, ending at [DONE]", () =>
    Effect.gen(function*() {
      const response = yield* Chat.collect(Chat.stream(request))
      expect(response.choices[0]!.message!.content).toBe("Hello, world")
      expect(response.usage?.cost).toBe(0.25)
    }).pipe(Effect.provide(Testing.layerWithConfig(
      Testing.stream({ deltas: ["Hello", ", ", "world"], keepAlive: 2, usage: { cost: 0.25 } })
    ))))

  for (const status of [400, 401, 402, 403, 404, 408, 413, 422, 429, 500, 502, 503, 524, 529, 418]) {
    it.effect(`error(${status}): the typed error for the status`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Chat.send(request))
        expect(Errors.isStatusError(error)).toBe(true)
        if (Errors.isStatusError(error)) expect(error.status).toBe(status)
        expect(error.message.length).toBeGreaterThan(0)
      }).pipe(Effect.provide(Testing.layerWithConfig(Testing.error(status), { retry: false }))))
  }

  it.effect("midStreamError after N chunks", () =>
    Effect.gen(function*() {
      const seen = yield* Chat.stream(request).pipe(
        Stream.filter(Chat.hasContent),
        Stream.runCollect,
        Effect.result
      )
      expect(Result.isFailure(seen)).toBe(true)
      if (Result.isFailure(seen)) {
        expect(seen.failure._tag).toBe("MidStreamError")
      }
    }).pipe(Effect.provide(Testing.layerWithConfig(Testing.midStreamError({ after: 3 }), { retry: false }))))

  it.effect("truncated: a ConnectionError after the chunks", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(collectText)
      expect(error._tag).toBe("ConnectionError")
    }).pipe(Effect.provide(Testing.layerWithConfig(Testing.truncated({ after: 2 }), { retry: false }))))

  it.effect("reset: a ConnectionError mid-stream", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(collectText)
      expect(error._tag).toBe("ConnectionError")
    }).pipe(Effect.provide(Testing.layerWithConfig(Testing.reset({ after: 2 }), { retry: false }))))

  it.effect("hang: the client's abort is recorded", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(Stream.runDrain(Chat.stream(request)))
      yield* Effect.yieldNow.pipe(Effect.repeat({ times: 50 }))
      yield* Fiber.interrupt(fiber)
      yield* Testing.awaitAbort
      expect(yield* Testing.aborted).toBe(1)
    }).pipe(Effect.provide(Testing.layerWithConfig(Testing.hang({ after: 1 }), { retry: false }))))

  it.effect("delay: the answer waits on the Effect clock", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(Chat.send(request))
      yield* TestClock.adjust("4 seconds")
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 second")
      const response = yield* Fiber.join(fiber)
      expect(response.choices[0]!.message!.content).toBe("late")
    }).pipe(
      Effect.provide(Testing.layerWithConfig(Testing.delay(Testing.completion({ content: "late" }), "5 seconds")))
    ))

  it.effect("idle timeout: fails exactly when no data event came for idleTimeout, keep-alives notwithstanding", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(
        Effect.flip(Stream.runDrain(Chat.stream(request, { idleTimeout: "30 seconds" })))
      )
      yield* TestClock.adjust("29 seconds")
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 second")
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("TimeoutError")
      if (error._tag === "TimeoutError") expect(error.limit).toBe("idle")
      yield* Testing.awaitAbort
    }).pipe(
      Effect.provide(Testing.layerWithConfig(Testing.hang({ after: 1, keepAliveEvery: "1 second" }), { retry: false }))
    ))

  it.effect("idle timeout: a data event resets the deadline", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(Stream.runCollect(Chat.stream(request, { idleTimeout: "30 seconds" })))
      // 20 s between events, 80 s in all: more than the idle timeout overall, never between two events.
      for (let i = 0; i < 20; i++) {
        yield* Effect.yieldNow.pipe(Effect.repeat({ times: 20 }))
        yield* TestClock.adjust("5 seconds")
      }
      const chunks = yield* Fiber.join(fiber)
      expect(chunks.length).toBeGreaterThan(3)
    }).pipe(Effect.provide(Testing.layerWithConfig(
      Testing.stream({ deltas: ["a", "b", "c"], chunkDelay: "20 seconds" }),
      { retry: false }
    ))))

  it.effect("retryAfter: exposed on the error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Chat.send(request))
      expect(Duration.toSeconds(Errors.retryAfter(error)!)).toBe(90)
    }).pipe(Effect.provide(Testing.layerWithConfig(Testing.error(429, { retryAfter: 90 })))))

  it.effect("a sequence answers retries in order, and the requests are recorded", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(Chat.send(request, { headers: { "x-trace": "t1" } }))
      yield* TestClock.adjust("10 seconds")
      const response = yield* Fiber.join(fiber)
      expect(response.choices[0]!.message!.content).toBe("third")
      const requests = yield* Testing.requests
      expect(requests).toHaveLength(3)
      for (const r of requests) {
        expect(r.headers["x-trace"]).toBe("t1")
        expect(r.body).toMatchObject({ model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] })
      }
    }).pipe(Effect.provide(Testing.layerWithConfig([
      Testing.error(503),
      Testing.error(429, { retryAfter: 1 }),
      Testing.completion({ content: "third" })
    ]))))

  it.effect("a function script answers from the request", () =>
    Effect.gen(function*() {
      const chunks = yield* Stream.runCollect(Chat.stream({ ...request, model: "echo/model" }))
      expect(chunks[0]!.model).toBe("echo/model")
    }).pipe(Effect.provide(Testing.layerWithConfig((req) =>
      Testing.stream({ model: (req.body as { model: string }).model, deltas: ["x"] })
    ))))
})
