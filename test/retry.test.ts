/**
 * Retries: the policy's timing on the TestClock through a swapped HttpClient, in this file; the
 * exchanges over a real socket are shared with the Effect 4 edition (`test/support/retrySuite.ts`).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/TestClock"
import { Chat, Errors, OpenRouterConfig, Retry } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import { wired } from "./support/callsEffect3.js"
import { retrySuite } from "./support/retrySuite.js"

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

/** In-process emulator (a swapped HttpClient) plus config; `retry` is the configured default. */
const inProcess = (script: Testing.Script, retry?: Retry.Policy | false) =>
  Layer.merge(
    Testing.layer(script),
    OpenRouterConfig.layer({ apiKey: Redacted.make("sk-test"), baseUrl: "http://emulator.test/api/v1", retry })
  )

const requestCount = Effect.map(Testing.requests, (r) => r.length)

/** Lets forked fibers run up to their next sleep. */
const settle = Effect.yieldNow().pipe(Effect.repeatN(20))

const noJitter = Retry.make({ jitter: 0 })

/** Sends, and checks that the retry goes out exactly `millis` after the first attempt, not a millisecond sooner. */
const retriesAfter = (millis: number) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Chat.send(request))
    yield* settle
    yield* TestClock.adjust(Duration.millis(millis - 1))
    yield* settle
    expect(yield* requestCount).toBe(1)
    yield* TestClock.adjust("1 millis")
    yield* settle
    expect(yield* requestCount).toBe(2)
    yield* Fiber.join(fiber)
  })

describe("Retry policy (TestClock, swapped HttpClient)", () => {
  it("has the documented defaults", () => {
    const p = Retry.defaultPolicy
    expect(p.retries).toBe(2)
    expect(Duration.toMillis(p.baseDelay)).toBe(500)
    expect(p.factor).toBe(2)
    expect(Duration.toMillis(p.maxDelay)).toBe(8000)
    expect(p.jitter).toBe(0.25)
    expect(Duration.toMillis(p.maxRetryAfter)).toBe(60_000)
  })

  it.effect("waits exactly the exponential backoff between attempts", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Chat.send(request))
      yield* settle
      expect(yield* requestCount).toBe(1)
      yield* TestClock.adjust("499 millis")
      yield* settle
      expect(yield* requestCount).toBe(1)
      yield* TestClock.adjust("1 millis")
      yield* settle
      expect(yield* requestCount).toBe(2)
      yield* TestClock.adjust("999 millis")
      yield* settle
      expect(yield* requestCount).toBe(2)
      yield* TestClock.adjust("1 millis")
      yield* settle
      expect(yield* requestCount).toBe(3)
      const response = yield* Fiber.join(fiber)
      expect(response.choices[0]!.message!.content).toBe("ok")
    }).pipe(
      Effect.provide(
        inProcess([Testing.error(500), Testing.error(502), Testing.completion({ content: "ok" })], noJitter)
      )
    ))

  it.effect("caps the delay at maxDelay", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.either(Chat.send(request)))
      yield* settle
      for (const [wait, expected] of [[1000, 2], [3000, 3], [3000, 4]] as const) {
        yield* TestClock.adjust(Duration.millis(wait - 1))
        yield* settle
        expect(yield* requestCount).toBe(expected - 1)
        yield* TestClock.adjust("1 millis")
        yield* settle
        expect(yield* requestCount).toBe(expected)
      }
      yield* Fiber.join(fiber)
    }).pipe(Effect.provide(inProcess(
      Testing.error(503),
      Retry.make({ retries: 3, baseDelay: "1 second", factor: 10, maxDelay: "3 seconds", jitter: 0 })
    ))))

  it.effect("keeps jittered delays within [1 - jitter, 1] of the backoff", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.either(Chat.send(request)))
      yield* settle
      yield* TestClock.adjust("499 millis")
      yield* settle
      expect(yield* requestCount).toBe(1)
      yield* TestClock.adjust("501 millis")
      yield* settle
      expect(yield* requestCount).toBe(2)
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(inProcess(Testing.error(503), Retry.make({ baseDelay: "1 second", jitter: 0.5 })))))

  for (
    const [label, reply, millis] of [
      ["Retry-After in seconds", Testing.error(429, { retryAfter: 3 }), 3000],
      ["Retry-After as an HTTP date", Testing.error(429, { retryAfter: "Thu, 01 Jan 1970 00:00:04 GMT" }), 4000],
      ["retry-after-ms", Testing.error(503, { headers: { "retry-after-ms": "1500" } }), 1500]
    ] as const
  ) {
    it.effect(`waits the server's ${label}`, () =>
      retriesAfter(millis).pipe(Effect.provide(inProcess([reply, Testing.completion()], noJitter))))
  }

  describe("X-RateLimit-Reset when no retry-after-ms / Retry-After was sent", () => {
    const now = Date.parse("2026-01-01T00:00:00Z")
    const freeLimit = (headers: Record<string, string>, bodyHeaders?: Record<string, string>) =>
      Testing.error(429, {
        message: "Rate limit exceeded: free-models-per-min.",
        headers,
        ...(bodyHeaders === undefined ? {} : { metadata: { headers: bodyHeaders } })
      })
    for (
      const [label, reply, millis] of [
        ["the header (epoch ms)", freeLimit({ "X-RateLimit-Reset": String(now + 2500) }), 2500],
        ["metadata.headers of the body", freeLimit({}, { "X-RateLimit-Reset": String(now + 4000) }), 4000],
        [
          "the header over metadata.headers",
          freeLimit({ "x-ratelimit-reset": String(now + 1000) }, { "X-RateLimit-Reset": String(now + 9000) }),
          1000
        ]
      ] as const
    ) {
      it.effect(`waits until the reset from ${label}`, () =>
        Effect.zipRight(TestClock.setTime(now), retriesAfter(millis)).pipe(
          Effect.provide(inProcess([reply, Testing.completion()], noJitter))
        ))
    }

    it.effect("fails at once when the reset is further away than maxRetryAfter", () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(now)
        const error = yield* Effect.flip(Chat.send(request))
        expect(Duration.toMillis(Errors.retryAfter(error)!)).toBe(61_000)
        expect(error.attempts).toBe(1)
        expect(yield* requestCount).toBe(1)
      }).pipe(Effect.provide(inProcess([freeLimit({}, { "X-RateLimit-Reset": String(now + 61_000) })]))))
  })

  it.effect("fails at once when the server asks for a longer wait than maxRetryAfter", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Chat.send(request))
      expect(error._tag).toBe("TooManyRequestsResponseError")
      expect(Duration.toSeconds(Errors.retryAfter(error)!)).toBe(120)
      expect(error.attempts).toBe(1)
      expect(yield* requestCount).toBe(1)
    }).pipe(Effect.provide(inProcess([Testing.error(429, { retryAfter: 120 }), Testing.completion()]))))

  for (const status of [400, 401, 402, 403, 404, 413, 422]) {
    it.effect(`does not retry a ${status}`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Chat.send(request))
        expect(Errors.isStatusError(error) && error.status).toBe(status)
        expect(yield* requestCount).toBe(1)
      }).pipe(Effect.provide(inProcess([Testing.error(status), Testing.completion()]))))
  }

  it.effect("does not retry an undecodable response", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Chat.send(request))
      expect(error._tag).toBe("ResponseDecodeError")
      expect(yield* requestCount).toBe(1)
    }).pipe(Effect.provide(inProcess([Testing.raw({ body: "not json" }), Testing.completion()]))))

  it.effect("does not retry an availability error marked retryable: false", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Chat.send(request))
      expect(error._tag).toBe("ServiceUnavailableResponseError")
      expect(yield* requestCount).toBe(1)
    }).pipe(Effect.provide(inProcess([
      Testing.error(503, { errorExtra: { availability: { code: "model_deprecated", retryable: false } } }),
      Testing.completion()
    ]))))

  it.effect("makes one attempt with retry: false", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Chat.send(request, { retry: false }))
      expect(error._tag).toBe("ServiceUnavailableResponseError")
      expect(yield* requestCount).toBe(1)
    }).pipe(Effect.provide(inProcess([Testing.error(503), Testing.completion()]))))

  it.effect("lets a per-call policy override the configured one", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Chat.send(request, { retry: noJitter }))
      yield* settle
      yield* TestClock.adjust("500 millis")
      yield* settle
      yield* Fiber.join(fiber)
      expect(yield* requestCount).toBe(2)
    }).pipe(Effect.provide(inProcess([Testing.error(503), Testing.completion()], false))))

  it.effect("follows a custom Schedule", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip(Chat.send(request)))
      yield* settle
      yield* TestClock.adjust("1999 millis")
      yield* settle
      expect(yield* requestCount).toBe(1)
      yield* TestClock.adjust("1 millis")
      yield* settle
      expect(yield* requestCount).toBe(2)
      const error = yield* Fiber.join(fiber)
      expect(error.attempts).toBe(2)
      expect(yield* requestCount).toBe(2)
    }).pipe(Effect.provide(inProcess(
      Testing.error(502),
      Retry.fromSchedule(Schedule.spaced("2 seconds").pipe(Schedule.intersect(Schedule.recurs(1))))
    ))))

  it.effect("returns the last typed error with the number of attempts", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip(Chat.send(request)))
      yield* settle
      yield* TestClock.adjust("10 seconds")
      yield* settle
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("ProviderOverloadedResponseError")
      expect(error).toBeInstanceOf(Errors.ProviderOverloadedResponseError)
      expect(error.attempts).toBe(3)
      expect(error.message).toBe("overloaded for the third time")
      expect(error.stack).toContain("ProviderOverloadedResponseError")
      expect(yield* requestCount).toBe(3)
    }).pipe(
      Effect.provide(
        inProcess([
          Testing.error(502),
          Testing.error(503),
          Testing.error(529, { message: "overloaded for the third time" })
        ], noJitter)
      )
    ))

  it.effect("ends at once when interrupted while sleeping between attempts", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Chat.send(request))
      yield* settle
      yield* TestClock.adjust("100 millis")
      const exit = yield* Fiber.interrupt(fiber)
      expect(Exit.isInterrupted(exit)).toBe(true)
      expect(yield* requestCount).toBe(1)
    }).pipe(Effect.provide(inProcess([Testing.error(503), Testing.completion()]))))

  it.effect("fails a slow call with TimeoutError after the request timeout", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip(Chat.send(request, { timeout: "2 seconds", retry: false })))
      yield* settle
      yield* TestClock.adjust("2 seconds")
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("TimeoutError")
      if (error._tag !== "TimeoutError") return
      expect(error.limit).toBe("request")
      expect(Duration.toMillis(error.duration)).toBe(2000)
    }).pipe(Effect.provide(inProcess(Testing.delay(Testing.completion(), "1 minute")))))

  it.effect("gives each attempt the full timeout", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Chat.send(request, { timeout: "2 seconds", retry: noJitter }))
      yield* settle
      yield* TestClock.adjust("2 seconds")
      yield* settle
      yield* TestClock.adjust("500 millis")
      yield* settle
      yield* TestClock.adjust("1500 millis")
      yield* settle
      const response = yield* Fiber.join(fiber)
      expect(response.choices[0]!.message!.content).toBe("late but fine")
      expect(yield* requestCount).toBe(2)
    }).pipe(Effect.provide(inProcess([
      Testing.delay(Testing.completion(), "1 minute"),
      Testing.delay(Testing.completion({ content: "late but fine" }), "1500 millis")
    ]))))
})

retrySuite(wired, Retry.make)
