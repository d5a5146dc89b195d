/**
 * The Effect 4 provider's errors: every status and every client-side failure of `Chat.send` /
 * `Chat.stream` as the `AiError` reason that fits, with our tagged error as the reason's `cause`, the
 * fields effect/ai's reason has filled from what we know, and the API key nowhere.
 */
import { describe, expect, it } from "@effect/vitest"
import type * as AiError from "effect/ai/AiError"
import * as LanguageModel from "effect/ai/LanguageModel"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { inspect } from "node:util"
import { statusTable } from "../../test/support/secret.js"
import { Errors } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import { httpClients, SECRET } from "./support/harness.js"
import { withModel } from "./support/languageModel.js"

type ReasonTag = AiError.AiErrorReason["_tag"]

// The reason of each status of the shared table (the emulator's 403 is OpenRouter's moderation refusal).
const reasonOf: Readonly<Record<number, ReasonTag>> = {
  400: "InvalidRequestError",
  401: "AuthenticationError",
  402: "QuotaExhaustedError",
  403: "ContentPolicyError",
  404: "InvalidRequestError",
  408: "InternalProviderError",
  413: "InvalidRequestError",
  422: "InvalidRequestError",
  429: "RateLimitError",
  500: "InternalProviderError",
  502: "InternalProviderError",
  503: "InternalProviderError",
  524: "InternalProviderError",
  529: "InternalProviderError",
  418: "UnknownError",
  504: "InternalProviderError"
}

const causeOf = (error: AiError.AiError): unknown => (error.reason as { readonly cause?: unknown }).cause

/** The key shows nowhere: not in the message, the printed error, its JSON, nor its cause's. */
const expectNoSecret = (error: AiError.AiError) => {
  for (const text of [error.message, String(error), inspect(error, { depth: 8 }), JSON.stringify(error)]) {
    expect(text).not.toContain(SECRET)
  }
  expect(inspect(causeOf(error), { depth: 8 })).not.toContain(SECRET)
}

const failures = {
  generateText: LanguageModel.generateText({ prompt: "Hi" }).pipe(Effect.flip),
  streamText: Stream.runDrain(LanguageModel.streamText({ prompt: "Hi" })).pipe(Effect.flip)
} as const

describe.each(httpClients)("AiError reasons over %s", (_name, http) => {
  for (const method of ["generateText", "streamText"] as const) {
    it.live.each(statusTable)(
      `${method}: status %s (%s) is the reason that fits, our error its cause`,
      ([status, tag]) =>
        withModel(http, Testing.error(status, status === 429 ? { retryAfter: 7 } : {}), () =>
          Effect.gen(function*() {
            const expected = reasonOf[status]
            if (expected === undefined) throw new Error(`no expected reason for status ${status}`)
            const error = yield* failures[method]
            expect(error.module).toBe("OpenRouterLanguageModel")
            expect(error.method).toBe(method)
            expect(error.reason._tag).toBe(expected)
            const cause = causeOf(error)
            expect(Errors.isStatusError(cause)).toBe(true)
            expect((cause as Errors.StatusError)._tag).toBe(tag)
            const http = (error.reason as { readonly http?: typeof AiError.HttpContext.Type }).http
            expect(http?.response?.status).toBe(status)
            const body = (cause as Errors.StatusError).body
            expect(http?.body).toBe(typeof body === "string" ? body : JSON.stringify(body))
            expect(http?.body).toContain("error")
            expect((error.reason as { readonly metadata: AiError.ProviderMetadata }).metadata.openrouter).toMatchObject(
              {
                status
              }
            )
            // effect/ai's retry decision agrees with ours
            expect(error.isRetryable).toBe(Errors.isRetryable(cause as Errors.StatusError))
            expectNoSecret(error)
          }))
    )
  }

  it.live("401 is AuthenticationError InvalidKey; a 403 that is not a moderation refusal is InsufficientPermissions", () =>
    withModel(
      http,
      [Testing.error(401), Testing.error(403, { metadata: null, message: "Key disabled" })],
      () =>
        Effect.gen(function*() {
          const unauthorized = yield* failures.generateText
          const forbidden = yield* failures.generateText
          expect(unauthorized.reason._tag === "AuthenticationError" && unauthorized.reason.kind).toBe("InvalidKey")
          expect(forbidden.reason._tag === "AuthenticationError" && forbidden.reason.kind).toBe(
            "InsufficientPermissions"
          )
          expect(forbidden.reason._tag === "AuthenticationError" && forbidden.reason.description).toBe("Key disabled")
        })
    ))

  it.live("429: RateLimitError with the server's Retry-After, which AiError.retryAfter delegates to", () =>
    withModel(http, Testing.error(429, { retryAfter: 7 }), () =>
      Effect.gen(function*() {
        const error = yield* failures.generateText
        expect(error.reason._tag).toBe("RateLimitError")
        expect(Duration.toSeconds(error.retryAfter!)).toBe(7)
        expect(error.isRetryable).toBe(true)
      })))

  it.live("402: a temporary limit keeps its retry hint (resetAt, retryAfterMillis); out of credits has none", () =>
    withModel(
      http,
      [
        Testing.error(402, {
          retryAfter: 3,
          metadata: { limit_source: "in_flight_budget", remedy_hint: "Retry after the in-flight requests finish" }
        }),
        Testing.error(402),
        Testing.error(402, { metadata: { limit_source: "daily", resets_at: "2030-01-02T03:04:05.000Z" } })
      ],
      () =>
        Effect.gen(function*() {
          const before = Date.now()
          const temporary = yield* failures.generateText
          const outOfCredits = yield* failures.generateText
          const dated = yield* failures.generateText
          if (temporary.reason._tag !== "QuotaExhaustedError") throw new Error(temporary.reason._tag)
          expect(temporary.reason.metadata.openrouter).toMatchObject({
            temporary: true,
            retryAfterMillis: 3000,
            limitSource: "in_flight_budget",
            remedyHint: "Retry after the in-flight requests finish"
          })
          const resetAt = DateTime.toEpochMillis(temporary.reason.resetAt!)
          expect(resetAt).toBeGreaterThanOrEqual(before + 3000)
          if (outOfCredits.reason._tag !== "QuotaExhaustedError") throw new Error(outOfCredits.reason._tag)
          expect(outOfCredits.reason.resetAt).toBeUndefined()
          expect(outOfCredits.reason.metadata.openrouter).toMatchObject({ temporary: false })
          if (dated.reason._tag !== "QuotaExhaustedError") throw new Error(dated.reason._tag)
          expect(DateTime.formatIso(dated.reason.resetAt!)).toBe("2030-01-02T03:04:05.000Z")
        })
    ))

  it.live("400 from an upstream provider names the request field at fault (its error.param)", () =>
    withModel(
      http,
      Testing.error(400, {
        message: "Provider returned error",
        metadata: {
          provider_name: "OpenAI",
          raw: JSON.stringify({ error: { message: "Unsupported value", param: "reasoning.effort" } })
        }
      }),
      () =>
        Effect.gen(function*() {
          const error = yield* failures.generateText
          if (error.reason._tag !== "InvalidRequestError") throw new Error(error.reason._tag)
          expect(error.reason.parameter).toBe("reasoning.effort")
          expect(error.reason.metadata.openrouter).toMatchObject({
            providerName: "OpenAI",
            providerMessage: "Unsupported value"
          })
        })
    ))

  it.live("an error object in a 200 body is the reason of its code, our error its cause", () =>
    withModel(
      http,
      Testing.raw({
        status: 200,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ error: { code: 502, message: "Upstream failed" } })
      }),
      () =>
        Effect.gen(function*() {
          const error = yield* failures.generateText
          expect(error.reason._tag).toBe("InternalProviderError")
          expect(Errors.isStatusError(causeOf(error))).toBe(true)
          expect((causeOf(error) as Errors.StatusError).message).toBe("Upstream failed")
        })
    ))

  it.live("a refused connection is NetworkError (TransportError) with the ConnectionError as cause", () =>
    withModel(
      http,
      Testing.completion(),
      () =>
        Effect.gen(function*() {
          for (const method of ["generateText", "streamText"] as const) {
            const error = yield* failures[method]
            if (error.reason._tag !== "NetworkError") throw new Error(error.reason._tag)
            expect(error.reason.reason).toBe("TransportError")
            expect(error.reason.method).toBe("POST")
            expect(error.reason.url).toBe("http://127.0.0.1:9/api/v1/chat/completions")
            expect(error.reason.cause).toBeInstanceOf(Errors.ConnectionError)
            expect(error.isRetryable).toBe(true)
            expectNoSecret(error)
          }
        }),
      { client: { baseUrl: "http://127.0.0.1:9/api/v1" } }
    ))

  it.live("a request timeout is NetworkError (TransportError) with the TimeoutError as cause", () =>
    withModel(
      http,
      Testing.hang(),
      () =>
        Effect.gen(function*() {
          const error = yield* failures.generateText
          if (error.reason._tag !== "NetworkError") throw new Error(error.reason._tag)
          expect(error.reason.cause).toBeInstanceOf(Errors.TimeoutError)
          expect((error.reason.cause as Errors.TimeoutError).limit).toBe("request")
        }),
      { client: { timeout: "300 millis" } }
    ))

  it.live("an invalid request is InvalidRequestError naming the field, our InvalidRequestError its cause; nothing is sent", () =>
    withModel(
      http,
      Testing.completion(),
      (server) =>
        Effect.gen(function*() {
          const error = yield* failures.generateText
          if (error.reason._tag !== "InvalidRequestError") throw new Error(error.reason._tag)
          expect(error.reason.parameter).toBe("temperature")
          expect(error.reason.constraint).toBeDefined()
          expect(causeOf(error)).toBeInstanceOf(Errors.InvalidRequestError)
          expect((yield* server.requests).length).toBe(0)
        }),
      { config: { temperature: 5 } }
    ))

  it.live("a body that is not a chat completion is InvalidResponseError with the ResponseDecodeError as cause", () =>
    withModel(
      http,
      Testing.raw({ status: 200, headers: { "content-type": "text/html" }, body: "<html>proxy</html>" }),
      () =>
        Effect.gen(function*() {
          const error = yield* failures.generateText
          if (error.reason._tag !== "InvalidResponseError") throw new Error(error.reason._tag)
          expect(causeOf(error)).toBeInstanceOf(Errors.ResponseDecodeError)
          expect(error.reason.http?.body).toContain("<html>proxy</html>")
        })
    ))

  it.live("a mid-stream error is InternalProviderError with the MidStreamError as cause", () =>
    withModel(
      http,
      Testing.midStreamError({
        after: 1,
        deltas: ["x"],
        code: 429,
        message: "Slow down",
        errorType: "rate_limit_exceeded"
      }),
      () =>
        Effect.gen(function*() {
          const error = yield* failures.streamText
          if (error.reason._tag !== "InternalProviderError") throw new Error(error.reason._tag)
          expect(causeOf(error)).toBeInstanceOf(Errors.MidStreamError)
          expect(error.reason.metadata.openrouter).toMatchObject({ code: 429, errorType: "rate_limit_exceeded" })
          expectNoSecret(error)
        })
    ))
})
