import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/testing/TestClock"
import { inspect } from "node:util"
import { Chat, Errors, OpenRouterConfig, Retry, Schema as S } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import { httpClients, withServer } from "./support/harness.js"

const request: Chat.ChatRequest = { model: "openai/o3", messages: [{ role: "user", content: "Hi" }] }

const upstreamJson = JSON.stringify(
  {
    error: {
      message: "Unsupported value: 'none' is not supported with the 'o3' model.",
      type: "invalid_request_error",
      param: "reasoning.effort",
      code: "unsupported_value"
    }
  },
  null,
  2
)

const providerError = (raw: unknown, providerName = "OpenAI") =>
  Testing.error(400, { message: "Provider returned error", metadata: { provider_name: providerName, raw } })

describe.each(httpClients)("provider errors over %s", (_name, http) => {
  it.live("unpacks a JSON metadata.raw: the provider's name and own message, OpenRouter's message kept", () =>
    withServer(http, providerError(upstreamJson), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Chat.send(request))
        if (!Errors.isStatusError(error)) throw new Error(`not a status error: ${error._tag}`)
        expect(error.message).toBe("Provider returned error")
        expect(error.providerName).toBe("OpenAI")
        expect(error.providerMessage).toBe("Unsupported value: 'none' is not supported with the 'o3' model.")
        expect(error.providerError).toEqual(JSON.parse(upstreamJson))
      })))

  it.live("keeps a metadata.raw that is not JSON as its text", () =>
    withServer(http, providerError("upstream is rate-limited, retry shortly", "BaseTen"), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Chat.send(request))
        if (!Errors.isStatusError(error)) throw new Error("not a status error")
        expect(error.providerName).toBe("BaseTen")
        expect(error.providerMessage).toBe("upstream is rate-limited, retry shortly")
        expect(error.providerError).toBe("upstream is rate-limited, retry shortly")
      })))

  it.live("bounds a huge metadata.raw", () =>
    withServer(http, providerError(`{"error":{"message":"${"x".repeat(100_000)}"}}`), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Chat.send(request))
        if (!Errors.isStatusError(error)) throw new Error("not a status error")
        expect(typeof error.providerError).toBe("string")
        expect((error.providerError as string).length).toBeLessThan(3000)
        expect(error.providerMessage!.length).toBeLessThan(3000)
      })))

  it.live("shows the provider and its message in the printed error", () =>
    withServer(http, providerError(upstreamJson), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Chat.send(request))
        const printed = String(error)
        expect(printed).toContain("BadRequestResponseError: Provider returned error")
        expect(printed).toContain("provider OpenAI: Unsupported value: 'none'")
        expect(inspect(error)).toContain("provider OpenAI: Unsupported value: 'none'")
      })))

  it.live("prints an error without provider details as before", () =>
    withServer(http, Testing.error(401, { message: "No auth credentials found" }), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Chat.send(request))
        expect(String(error)).toBe("UnauthorizedResponseError: No auth credentials found")
        expect(Cause.pretty(Cause.fail(error))).toContain("No auth credentials found")
      })))

  it.live("unpacks the provider of a mid-stream error and names the generation", () =>
    withServer(
      http,
      Testing.midStreamError({
        after: 2,
        id: "gen-mid-1",
        providerName: "Anthropic",
        metadata: { raw: "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}" }
      }),
      () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(Stream.runDrain(Chat.stream(request)))
          if (error._tag !== "MidStreamError") throw new Error(error._tag)
          expect(error.providerName).toBe("Anthropic")
          expect(error.providerMessage).toBe("Overloaded")
          expect(error.generationId).toBe("gen-mid-1")
          expect(String(error)).toContain("provider Anthropic: Overloaded")
        })
    ))

  it.live("names the generation of a stream cut off before [DONE]", () =>
    withServer(http, Testing.truncated({ after: 3, id: "gen-cut-1" }), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Stream.runDrain(Chat.stream(request)))
        if (error._tag !== "ConnectionError") throw new Error(error._tag)
        expect(error.reason).toBe("StreamCutOff")
        expect(error.generationId).toBe("gen-cut-1")
      })))

  it.live("names the generation (X-Generation-Id) of a completion whose body was cut off", () =>
    withServer(
      http,
      Testing.raw({
        headers: { "content-type": "application/json", "x-generation-id": "gen-send-cut" },
        body: "{\"id\": \"gen-send-cut\", \"choi",
        ending: "reset"
      }),
      () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(Chat.send(request))
          if (error._tag !== "ConnectionError") throw new Error(error._tag)
          expect(error.generationId).toBe("gen-send-cut")
        })
    ))

  it.live("names the generation of a stream whose connection is reset", () =>
    withServer(http, Testing.reset({ after: 3, id: "gen-reset-1" }), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Stream.runDrain(Chat.stream(request)))
        if (error._tag !== "ConnectionError") throw new Error(error._tag)
        expect(error.generationId).toBe("gen-reset-1")
      })))
})

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
