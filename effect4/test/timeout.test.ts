/**
 * The request timeout of the Effect 4 edition (`internal/transport/timeout.ts`): on the live clock a plain timer
 * aborts the request (the server sees the connection close), under `TestClock` it is
 * `Effect.timeoutOrElse`; either way the call fails with `TimeoutError` (`limit: "request"`), and
 * each attempt of a retried call gets the full timeout.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/testing/TestClock"
import { MAX_TIMER_MS } from "../../src/internal/transport/timer.js"
import { Chat, OpenRouterConfig } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import { httpClients, withServer } from "./support/harness.js"

const request: Chat.ChatRequest = { model: "m", messages: [{ role: "user", content: "Hi" }] }

describe.each(httpClients)("request timeout over %s", (_name, http) => {
  it.live("fails a body that never ends with TimeoutError (request) and closes the connection", () =>
    withServer(http, Testing.hang(), (server) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Chat.send(request, { timeout: "300 millis" }))
        expect(error._tag).toBe("TimeoutError")
        if (error._tag !== "TimeoutError") return
        expect(error.limit).toBe("request")
        expect(Duration.toMillis(error.duration)).toBe(300)
        yield* server.awaitAbort
        expect(yield* server.aborted).toBeGreaterThanOrEqual(1)
      })))

  it.live("bounds the wait for a stream's headers, not the stream", () =>
    withServer(http, Testing.stream({ deltas: ["a", "b"] }), () =>
      Effect.gen(function*() {
        const chunks = yield* Stream.runCollect(Chat.stream(request, { timeout: "10 seconds" }))
        expect(chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("")).toBe("ab")
      })))
})

// Limits no platform timer holds: each must leave the call unbounded, not fire after 1 ms.
const unbounded: ReadonlyArray<readonly [string, Chat.Options["timeout"]]> = [
  ["Infinity milliseconds", Infinity],
  ["Duration.infinity", Duration.infinity],
  ["30 days", "30 days"],
  ["one millisecond past the timer's limit", MAX_TIMER_MS + 1]
]

describe.each(httpClients)("unbounded request timeout over %s", (_name, http) => {
  for (const [label, timeout] of unbounded) {
    it.live(`a timeout of ${label} does not fire: the late answer arrives`, () =>
      withServer(
        http,
        Testing.delay(Testing.completion({ content: "late" }), "100 millis"),
        () =>
          Effect.gen(function*() {
            const response = yield* Chat.send(request, { timeout })
            expect(response.choices[0]?.message?.content).toBe("late")
          })
      ))
  }
})

describe("request timeout under TestClock", () => {
  const layer = (script: Testing.Script) =>
    Layer.merge(
      Testing.layer(script),
      OpenRouterConfig.layer({ apiKey: Redacted.make("sk-test"), baseUrl: "http://emulator.test/api/v1", retry: false })
    )

  it.effect("fires when the test clock passes the timeout, and not before", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(Effect.flip(Chat.send(request, { timeout: "5 seconds" })))
      yield* TestClock.adjust("4999 millis")
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 millis")
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("TimeoutError")
    }).pipe(Effect.provide(layer(Testing.hang()))))
})

describe("request timeout on the live clock, two HTTP clients in one runtime", () => {
  // The client each call's timeout wraps (`HttpClient.withScope`) is made once per client: a call must
  // still go through the client of its own context.
  const layer = (content: string) =>
    Layer.merge(
      Testing.layer(Testing.completion({ content })),
      OpenRouterConfig.layer({ apiKey: Redacted.make("sk-test"), baseUrl: "http://emulator.test/api/v1" })
    )
  const a = layer("from a")
  const b = layer("from b")

  it.live("each call goes through the client in its context", () =>
    Effect.gen(function*() {
      const answer = (l: typeof a) =>
        Effect.map(Chat.send(request).pipe(Effect.provide(l)), (r) => r.choices[0]?.message?.content)
      expect([yield* answer(a), yield* answer(b), yield* answer(a), yield* answer(b)]).toEqual([
        "from a",
        "from b",
        "from a",
        "from b"
      ])
    }))
})
