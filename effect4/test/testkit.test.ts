/**
 * The test kit as a user meets it, with `Testing.layerWithConfig` (in-process, no socket): the answer
 * kinds that need no clock are shared with the Effect 3 edition (`test/support/testkitSuite.ts`); this
 * file gives it the Effect 4 edition's calls and holds what drives the Effect clock: delays, idle
 * timeouts, retries answered in order, an interrupted hang.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/testing/TestClock"
import { testkitSuite } from "../../test/support/testkitSuite.js"
import { Chat, Testing } from "../src/index.js"
import { callsWithConfig, wired } from "./support/callsEffect4.js"

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

testkitSuite(wired, callsWithConfig)

describe("Testing through Chat", () => {
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
})
