/**
 * Retries: the policy's timing on the TestClock, in this file; the exchanges over a real socket (the
 * stream's retry before any content, `retryUntilContent` in `internal/chat/stream.ts`, among them) are
 * shared with the Effect 3 edition (`test/support/retrySuite.ts`).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/testing/TestClock"
import { retrySuite } from "../../test/support/retrySuite.js"
import * as Errors from "../src/Errors.js"
import * as Retry from "../src/Retry.js"
import { wired } from "./support/callsEffect4.js"

const status = (code: number, extra: Partial<Errors.StatusErrorFields> = {}): Errors.StatusError =>
  Errors.fromStatus(code, { message: `HTTP ${code}`, headers: {}, body: null, ...extra })

/**
 * An operation that fails with the given errors in turn, then succeeds with "ok"; `attempts` counts
 * the runs so far.
 */
const script = (failures: ReadonlyArray<Errors.StreamError>) => {
  let attempts = 0
  const run: Effect.Effect<string, Errors.StreamError> = Effect.suspend(() => {
    const failure = failures[attempts++]
    return failure === undefined ? Effect.succeed("ok") : Effect.fail(failure)
  })
  return { run, attempts: () => attempts }
}

/** Lets forked fibers run up to their next sleep. */
const settle = Effect.yieldNow.pipe(Effect.repeat({ times: 20 }))

/** Advances the test clock by `millis` and returns the attempts made by then. */
const after = (millis: number, attempts: () => number) =>
  Effect.gen(function*() {
    yield* TestClock.adjust(Duration.millis(millis))
    yield* settle
    return attempts()
  })

const noJitter = Retry.make({ jitter: 0 })

describe("Retry.make", () => {
  it("has the documented defaults", () => {
    const p = Retry.defaultPolicy
    expect(p._tag).toBe("Backoff")
    expect(p.retries).toBe(2)
    expect(Duration.toMillis(p.baseDelay)).toBe(500)
    expect(p.factor).toBe(2)
    expect(Duration.toMillis(p.maxDelay)).toBe(8000)
    expect(p.jitter).toBe(0.25)
    expect(Duration.toMillis(p.maxRetryAfter)).toBe(60_000)
    expect(p.while).toBe(Errors.isRetryable)
    expect(Retry.isTransient).toBe(Errors.isRetryable)
  })

  it("takes duration inputs as strings", () => {
    const p = Retry.make({ baseDelay: "2 seconds", maxDelay: "1 minute", maxRetryAfter: 1500 })
    expect(Duration.toMillis(p.baseDelay)).toBe(2000)
    expect(Duration.toMillis(p.maxDelay)).toBe(60_000)
    expect(Duration.toMillis(p.maxRetryAfter)).toBe(1500)
  })

  // Options it cannot use (retries -1, jitter 1.5, factor 0.5, ...) no longer throw: the policy is refused
  // by `Chat.send` with an InvalidRequestError, one table for both editions in `test/support/badInputSuite.ts`.

  it.each([[0, 500], [1, 1000], [2, 2000], [3, 4000], [4, 8000], [5, 8000], [10, 8000]] as const)(
    "backoff before retry %i is %i ms (doubling, capped at 8 s)",
    (retry, millis) => {
      expect(Duration.toMillis(Retry.backoff(Retry.defaultPolicy, retry))).toBe(millis)
    }
  )
})

describe("Retry.retry (TestClock)", () => {
  it.effect("waits exactly the exponential backoff between attempts", () =>
    Effect.gen(function*() {
      const op = script([status(500), status(502)])
      const fiber = yield* Effect.forkChild(Retry.retry(op.run, noJitter))
      yield* settle
      expect(op.attempts()).toBe(1)
      expect(yield* after(499, op.attempts)).toBe(1)
      expect(yield* after(1, op.attempts)).toBe(2)
      expect(yield* after(999, op.attempts)).toBe(2)
      expect(yield* after(1, op.attempts)).toBe(3)
      expect(yield* Fiber.join(fiber)).toBe("ok")
    }))

  it.effect("caps the delay at maxDelay", () =>
    Effect.gen(function*() {
      const op = script([status(500), status(500), status(500), status(500)])
      const policy = Retry.make({ jitter: 0, retries: 4, baseDelay: "1 second", maxDelay: "3 seconds" })
      const fiber = yield* Effect.forkChild(Retry.retry(op.run, policy))
      yield* settle
      for (const [wait, expected] of [[1000, 2], [2000, 3], [3000, 4], [3000, 5]] as const) {
        expect(yield* after(wait - 1, op.attempts)).toBe(expected - 1)
        expect(yield* after(1, op.attempts)).toBe(expected)
      }
      expect(yield* Fiber.join(fiber)).toBe("ok")
    }))

  it.effect("jitter shortens a delay by at most its fraction", () =>
    Effect.gen(function*() {
      const op = script([status(500)])
      const fiber = yield* Effect.forkChild(Retry.retry(op.run, Retry.make({ jitter: 0.25 })))
      yield* settle
      // the first delay is in [375, 500] ms
      expect(yield* after(374, op.attempts)).toBe(1)
      expect(yield* after(126, op.attempts)).toBe(2)
      expect(yield* Fiber.join(fiber)).toBe("ok")
    }))

  it.effect("gives up after `retries` retries with the last error, its attempts recorded", () =>
    Effect.gen(function*() {
      const op = script([status(500), status(502), status(503), status(500)])
      const fiber = yield* Effect.forkChild(Effect.flip(Retry.retry(op.run, noJitter)))
      yield* settle
      yield* after(500, op.attempts)
      yield* after(1000, op.attempts)
      const error = yield* Fiber.join(fiber)
      expect(op.attempts()).toBe(3)
      expect(error._tag).toBe("ServiceUnavailableResponseError")
      expect(error.attempts).toBe(3)
    }))

  it.effect.each([400, 401, 403, 404, 413, 422])("does not retry a %i", (code) =>
    Effect.gen(function*() {
      const op = script([status(code)])
      const error = yield* Effect.flip(Retry.retry(op.run, noJitter))
      expect(op.attempts()).toBe(1)
      expect(error.attempts).toBe(1)
    }))

  it.effect("does not retry an invalid request, and leaves it as it is", () =>
    Effect.gen(function*() {
      const invalid = new Errors.InvalidRequestError({ message: "bad", issues: [] })
      const op = script([invalid])
      const error = yield* Effect.flip(Retry.retry(op.run, noJitter))
      expect(op.attempts()).toBe(1)
      expect(error).toBe(invalid)
    }))

  it.effect("waits the server's Retry-After instead of the backoff", () =>
    Effect.gen(function*() {
      const op = script([status(429, { retryAfter: Duration.seconds(3) })])
      const fiber = yield* Effect.forkChild(Retry.retry(op.run, noJitter))
      yield* settle
      expect(yield* after(2999, op.attempts)).toBe(1)
      expect(yield* after(1, op.attempts)).toBe(2)
      expect(yield* Fiber.join(fiber)).toBe("ok")
    }))

  it.effect("fails at once when the server asks for longer than maxRetryAfter", () =>
    Effect.gen(function*() {
      const op = script([status(429, { retryAfter: Duration.seconds(61) })])
      const error = yield* Effect.flip(Retry.retry(op.run, noJitter))
      expect(op.attempts()).toBe(1)
      expect(Duration.toMillis(Errors.retryAfter(error)!)).toBe(61_000)
    }))

  it.effect("retries only what `while` accepts", () =>
    Effect.gen(function*() {
      const onlyTimeouts = Retry.make({ jitter: 0, while: (e) => e._tag === "TimeoutError" })
      const op = script([status(500)])
      yield* Effect.flip(Retry.retry(op.run, onlyTimeouts))
      expect(op.attempts()).toBe(1)
    }))

  it.effect("runs once with `false`, the error untouched", () =>
    Effect.gen(function*() {
      const failure = status(500)
      const op = script([failure])
      const result = yield* Effect.result(Retry.retry(op.run, false))
      expect(op.attempts()).toBe(1)
      expect(Result.isFailure(result) && result.failure).toBe(failure)
    }))
})

describe("Retry.fromSchedule (TestClock)", () => {
  const everySecondThrice = Retry.fromSchedule(Schedule.max([Schedule.spaced("1 second"), Schedule.recurs(3)]))

  it("keeps the transient check and the default maxRetryAfter", () => {
    expect(everySecondThrice._tag).toBe("FromSchedule")
    expect(everySecondThrice.while).toBe(Errors.isRetryable)
    expect(Duration.toMillis(everySecondThrice.maxRetryAfter)).toBe(60_000)
  })

  it.effect("follows the schedule's delays and count", () =>
    Effect.gen(function*() {
      const op = script([status(500), status(500), status(500), status(500)])
      const fiber = yield* Effect.forkChild(Effect.flip(Retry.retry(op.run, everySecondThrice)))
      yield* settle
      for (const expected of [2, 3, 4]) {
        expect(yield* after(999, op.attempts)).toBe(expected - 1)
        expect(yield* after(1, op.attempts)).toBe(expected)
      }
      const error = yield* Fiber.join(fiber)
      expect(error.attempts).toBe(4)
    }))

  it.effect("still refuses a final failure and still honours Retry-After", () =>
    Effect.gen(function*() {
      const final = script([status(401)])
      yield* Effect.flip(Retry.retry(final.run, everySecondThrice))
      expect(final.attempts()).toBe(1)

      const asked = script([status(503, { retryAfter: Duration.seconds(5) })])
      const fiber = yield* Effect.forkChild(Retry.retry(asked.run, everySecondThrice))
      yield* settle
      expect(yield* after(4999, asked.attempts)).toBe(1)
      expect(yield* after(1, asked.attempts)).toBe(2)
      expect(yield* Fiber.join(fiber)).toBe("ok")
    }))
})

retrySuite(wired, Retry.make)
