import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { inspect } from "node:util"
import { statusTable } from "../../test/support/secret.js"
import { Chat, Errors, OpenRouterConfig } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import { httpClients, SECRET, withServer } from "./support/harness.js"

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

const expectNoSecret = (value: unknown) => {
  expect(String(value)).not.toContain(SECRET)
  expect(JSON.stringify(value)).not.toContain(SECRET)
  expect(inspect(value, { depth: 20 })).not.toContain(SECRET)
}

describe.each(httpClients)("Chat.send over %s", (_name, http) => {
  for (const [status, tag] of statusTable) {
    it.live(`fails a ${status} with ${tag} carrying OpenRouter's message, code and headers`, () =>
      withServer(
        http,
        Testing.error(status, {
          message: `upstream said ${status}`,
          code: status,
          headers: { "x-generation-id": "gen-err-1" }
        }),
        () =>
          Effect.gen(function*() {
            const error = yield* Effect.flip(Chat.send(request))
            expect(error._tag).toBe(tag)
            if (!Errors.isStatusError(error)) throw new Error("not a status error")
            expect(error.status).toBe(status)
            expect(error.message).toBe(`upstream said ${status}`)
            expect(error.code).toBe(status)
            expect(error.generationId).toBe("gen-err-1")
            expect(error.headers["x-generation-id"]).toBe("gen-err-1")
            expect(error.body).toMatchObject({ error: { message: `upstream said ${status}` } })
            expectNoSecret(error)
          })
      ))
  }

  it.live("fails an HTML error page with the status class, carrying the raw text", () =>
    withServer(
      http,
      Testing.error(502, {
        body: "<html><body>502 Bad Gateway</body></html>",
        headers: { "content-type": "text/html" }
      }),
      () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(Chat.send(request))
          expect(error._tag).toBe("BadGatewayResponseError")
          if (error._tag !== "BadGatewayResponseError") return
          expect(error.body).toBe("<html><body>502 Bad Gateway</body></html>")
          expect(error.message).toContain("Bad gateway")
          expect(error.message).toContain("502 Bad Gateway")
        })
    ))

  it.live("fails an empty error body with the status class", () =>
    withServer(http, Testing.error(503, { body: "" }), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Chat.send(request))
        expect(error._tag).toBe("ServiceUnavailableResponseError")
        expect(error.message).toBe("Service unavailable (empty body)")
      })))

  it.live("fails a 200 whose body is an error object with the status error for error.code", () =>
    withServer(
      http,
      Testing.raw({
        status: 200,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ error: { code: 402, message: "Insufficient credits" } })
      }),
      () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(Chat.send(request))
          expect(error._tag).toBe("PaymentRequiredResponseError")
          expect(error.message).toBe("Insufficient credits")
        })
    ))

  it.live("fails malformed JSON with ResponseDecodeError holding an excerpt", () =>
    withServer(
      http,
      Testing.raw({ status: 200, headers: { "content-type": "application/json" }, body: "{\"id\": \"gen-1\", \"choi" }),
      () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(Chat.send(request))
          expect(error._tag).toBe("ResponseDecodeError")
          if (error._tag !== "ResponseDecodeError") return
          expect(error.excerpt).toBe("{\"id\": \"gen-1\", \"choi")
          expect(error.issue).toContain("not JSON")
        })
    ))

  it.live("bounds the excerpt of a huge undecodable body", () =>
    withServer(
      http,
      Testing.raw({ status: 200, headers: { "content-type": "application/json" }, body: "x".repeat(100_000) }),
      () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(Chat.send(request))
          if (error._tag !== "ResponseDecodeError") throw new Error(error._tag)
          expect(error.excerpt.length).toBeLessThan(2200)
        })
    ))

  it.live("fails a JSON body that is not a chat completion with ResponseDecodeError", () =>
    withServer(
      http,
      Testing.raw({ status: 200, headers: { "content-type": "application/json" }, body: "{\"hello\":1}" }),
      () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(Chat.send(request))
          expect(error._tag).toBe("ResponseDecodeError")
        })
    ))

  it.live("returns the decoded completion and keeps unknown response fields", () =>
    withServer(
      http,
      Testing.completion({
        content: "Hello there",
        extra: { brand_new_field: { nested: true } },
        finishReason: "a_reason_nobody_listed"
      }),
      () =>
        Effect.gen(function*() {
          const response = yield* Chat.send(request)
          expect(response.choices[0]!.message!.content).toBe("Hello there")
          expect(response.choices[0]!.finish_reason).toBe("a_reason_nobody_listed")
          expect((response as unknown as Record<string, unknown>).brand_new_field).toEqual({ nested: true })
          expect(response.usage?.total_tokens).toBeGreaterThan(0)
        })
    ))

  it.live("passes unknown request fields through to the wire unchanged", () =>
    withServer(http, Testing.completion(), (server) =>
      Effect.gen(function*() {
        const withExtras = {
          ...request,
          reasoning: { effort: "high", some_future_flag: true },
          future_top_level: { a: [1, 2] }
        } as Chat.ChatRequest
        yield* Chat.send(withExtras)
        const [sent] = yield* server.requests
        expect(sent!.body).toMatchObject({
          model: "openai/gpt-4o",
          reasoning: { effort: "high", some_future_flag: true },
          future_top_level: { a: [1, 2] }
        })
      })))

  it.live("sends every header to the server", () =>
    withServer(
      http,
      Testing.completion(),
      (server) =>
        Effect.gen(function*() {
          yield* Chat.send(request, { headers: { "x-session-id": "s-1" } })
          const [sent] = yield* server.requests
          expect(sent!.method).toBe("POST")
          expect(sent!.path).toBe("/api/v1/chat/completions")
          expect(sent!.headers).toMatchObject({
            "authorization": `Bearer ${SECRET}`,
            "http-referer": "https://example.app",
            "x-openrouter-title": "Example",
            "x-title": "Example",
            "x-openrouter-categories": "cli-agent",
            "x-openrouter-metadata": "enabled",
            "content-type": "application/json",
            "accept": "application/json",
            "x-session-id": "s-1"
          })
          expect(sent!.headers["user-agent"]).toMatch(/^effect-openrouter\/\d+\.\d+\.\d+/)
        }),
      { httpReferer: "https://example.app", appTitle: "Example", appCategories: ["cli-agent"], metadata: true }
    ))

  it.live("sends no trace headers when no tracer is installed (the HTTP client opens no span)", () =>
    withServer(http, Testing.completion(), (server) =>
      Effect.gen(function*() {
        yield* Chat.send(request)
        const [sent] = yield* server.requests
        expect(sent!.headers["traceparent"]).toBeUndefined()
        expect(sent!.headers["b3"]).toBeUndefined()
      })))

  it.live("never sends an invalid request", () =>
    withServer(http, Testing.completion(), (server) =>
      Effect.gen(function*() {
        const bad = { ...request, temperature: 7 } as Chat.ChatRequest
        const error = yield* Effect.flip(Chat.send(bad))
        expect(error._tag).toBe("InvalidRequestError")
        if (error._tag === "InvalidRequestError") expect(error.issues.map((i) => i.path)).toContain("temperature")
        const noToolCallId = {
          messages: [{ role: "tool", content: "42" }]
        } as unknown as Chat.ChatRequest
        const error2 = yield* Effect.flip(Chat.send(noToolCallId))
        expect(error2._tag).toBe("InvalidRequestError")
        expect(error2.message).toContain("messages.0")
        expect(yield* server.requests).toHaveLength(0)
      })))

  it.live("exposes Retry-After on 429 and 503 as a Duration", () =>
    withServer(
      http,
      [Testing.error(429, { retryAfter: 7 }), Testing.error(503, { headers: { "retry-after-ms": "1500" } })],
      () =>
        Effect.gen(function*() {
          const e429 = yield* Effect.flip(Chat.send(request))
          expect(e429._tag).toBe("TooManyRequestsResponseError")
          expect(Duration.toMillis(Errors.retryAfter(e429)!)).toBe(7000)
          const e503 = yield* Effect.flip(Chat.send(request))
          expect(e503._tag).toBe("ServiceUnavailableResponseError")
          expect(Duration.toMillis(Errors.retryAfter(e503)!)).toBe(1500)
        })
    ))

  it.live("decodes moderation metadata on a 403", () =>
    withServer(
      http,
      Testing.error(403, {
        message: "Input flagged",
        metadata: { reasons: ["violence"], flagged_input: "some text", provider_name: "OpenAI", model_slug: "gpt-4o" }
      }),
      () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(Chat.send(request))
          if (error._tag !== "ForbiddenResponseError") throw new Error(error._tag)
          expect(error.metadata).toMatchObject({
            reasons: ["violence"],
            flagged_input: "some text",
            model_slug: "gpt-4o"
          })
        })
    ))

  it.live("decodes provider error metadata and error_type", () =>
    withServer(
      http,
      Testing.error(502, {
        metadata: { provider_name: "Anthropic", raw: "{\"type\":\"overloaded\"}", error_type: "provider_unavailable" }
      }),
      () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(Chat.send(request))
          if (error._tag !== "BadGatewayResponseError") throw new Error(error._tag)
          expect(error.metadata?.provider_name).toBe("Anthropic")
          expect(error.metadata?.raw).toBe("{\"type\":\"overloaded\"}")
          expect(error.errorType).toBe("provider_unavailable")
        })
    ))

  it.live("decodes availability errors and honours retryable: false", () =>
    withServer(
      http,
      Testing.error(503, {
        message: "No endpoints found",
        errorExtra: {
          error_type: "no_endpoints",
          http_status: 503,
          availability: {
            code: "no_endpoints",
            retryable: false,
            requested_models: ["x/y"],
            docs_url: "https://openrouter.ai/docs"
          }
        }
      }),
      () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(Chat.send(request))
          if (error._tag !== "ServiceUnavailableResponseError") throw new Error(error._tag)
          expect(error.availability?.code).toBe("no_endpoints")
          expect(error.availability?.retryable).toBe(false)
          expect(error.errorType).toBe("no_endpoints")
          expect(Errors.isRetryable(error)).toBe(false)
        })
    ))

  it.live("keeps the key out of every error", () =>
    withServer(
      http,
      [
        Testing.error(401),
        Testing.raw({ status: 200, headers: { "content-type": "application/json" }, body: "nope" }),
        Testing.reset({ after: 0 })
      ],
      () =>
        Effect.gen(function*() {
          for (let i = 0; i < 3; i++) {
            const error = yield* Effect.flip(Chat.send(request))
            expectNoSecret(error)
            expectNoSecret(error.message)
          }
        })
    ))
})

describe("Chat.send transport failures", () => {
  for (const [name, http] of httpClients) {
    it.effect(`fails with ConnectionError when nothing listens (${name})`, () =>
      Chat.send(request).pipe(
        Effect.flip,
        Effect.provide(http),
        // Port 9 (discard) on loopback: nothing listens there, the connection is refused.
        Effect.provide(
          OpenRouterConfig.layer({ apiKey: Redacted.make(SECRET), baseUrl: "http://127.0.0.1:9/api/v1", retry: false })
        ),
        Effect.map((error) => {
          expect(error._tag).toBe("ConnectionError")
          if (error._tag === "ConnectionError") expect(error.reason).toBe("RequestFailed")
          expectNoSecret(error)
        })
      ))
  }
})
