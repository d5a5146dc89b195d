/**
 * Provider errors: the HTTP part is shared with the Effect 3 edition
 * (`test/support/providerErrorsSuite.ts`), this file gives it the Effect 4 edition's pieces and holds
 * the error metadata's decoding and the 402 retries, which drive the Effect clock.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as TestClock from "effect/testing/TestClock"
import { providerErrorsSuite } from "../../test/support/providerErrorsSuite.js"
import { Chat, Errors, OpenRouterConfig, Retry, Schema as S } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import { wired } from "./support/callsEffect4.js"

const request: Chat.ChatRequest = { model: "openai/o3", messages: [{ role: "user", content: "Hi" }] }

providerErrorsSuite(wired)

describe("error metadata", () => {
  it("types limit_source, remedy_hint, resets_at, available_providers, requested_providers and is_byok", () => {
    const metadata = {
      limit_source: "in_flight_budget",
      remedy_hint: "Retry shortly",
      resets_at: "2026-01-01T00:00:00Z",
      available_providers: ["openai", "azure"],
      requested_providers: ["groq"],
      is_byok: false,
      model_slug: "openai/gpt-4o",
      something_new: { kept: true }
    }
    const decoded = S.decodeErrorResponse({ error: { code: 402, message: "limit", metadata } })
    expect(Result.getOrThrow(decoded).error.metadata).toEqual(metadata)
    expect(
      Result.isFailure(S.decodeErrorResponse({ error: { code: 402, message: "x", metadata: { limit_source: 1 } } }))
    )
      .toBe(true)
    expect(Result.isFailure(S.decodeErrorResponse({ error: { code: 402, message: "x", metadata: { resets_at: {} } } })))
      .toBe(true)
  })
})

// ---------------------------------------------------------------------------------------------
// 402: temporary limits are transient
// ---------------------------------------------------------------------------------------------

const inProcess = (script: Testing.Script, retry?: Retry.Policy | false) =>
  Layer.merge(
    Testing.layer(script),
    OpenRouterConfig.layer({ apiKey: Redacted.make("sk-test"), baseUrl: "http://emulator.test/api/v1", retry })
  )

const settle = Effect.yieldNow.pipe(Effect.repeat({ times: 20 }))
const requestCount = Effect.map(Testing.requests, (r) => r.length)

const temporaryLimit = (retryAfter?: number) =>
  Testing.error(402, {
    message: "Your in-flight spending budget is exhausted; retry shortly",
    metadata: { limit_source: "in_flight_budget", remedy_hint: "Retry after the in-flight requests finish" },
    ...(retryAfter === undefined ? {} : { retryAfter })
  })

describe("402 with a temporary limit", () => {
  it.effect("is retried after its Retry-After under the default policy", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(Chat.send(request))
      yield* settle
      expect(yield* requestCount).toBe(1)
      yield* TestClock.adjust("2999 millis")
      yield* settle
      expect(yield* requestCount).toBe(1)
      yield* TestClock.adjust("1 millis")
      yield* settle
      expect(yield* requestCount).toBe(2)
      const response = yield* Fiber.join(fiber)
      expect(response.choices[0]!.message!.content).toBe("ok")
    }).pipe(Effect.provide(inProcess([temporaryLimit(3), Testing.completion({ content: "ok" })]))))

  it.effect("is transient only with both limit_source and Retry-After", () =>
    Effect.gen(function*() {
      const withBoth = yield* Effect.flip(Chat.send(request))
      const withoutRetryAfter = yield* Effect.flip(Chat.send(request))
      const outOfCredits = yield* Effect.flip(Chat.send(request))
      expect(withBoth._tag).toBe("PaymentRequiredResponseError")
      expect(Errors.isRetryable(withBoth)).toBe(true)
      expect(Errors.isRetryable(withoutRetryAfter)).toBe(false)
      expect(Errors.isRetryable(outOfCredits)).toBe(false)
      expect(Duration.toSeconds(Errors.retryAfter(withBoth)!)).toBe(3)
    }).pipe(
      Effect.provide(inProcess([temporaryLimit(3), temporaryLimit(), Testing.error(402, { retryAfter: 3 })], false))
    ))

  it.effect("fails an out-of-credits 402 at once under the default policy", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Chat.send(request))
      expect(error._tag).toBe("PaymentRequiredResponseError")
      expect(yield* requestCount).toBe(1)
    }).pipe(Effect.provide(inProcess([Testing.error(402), Testing.completion()]))))
})
