/**
 * `Generation.get`: the HTTP part is shared with the Effect 4 edition (`test/support/generationSuite.ts`),
 * this file gives it the Effect 3 edition's pieces and holds the waiting, retries and timeouts (on the
 * Effect clock with a scripted HttpClient), the in-process lookup and the schema.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { Chat, Errors, Generation, OpenRouterConfig, Retry, Schema as S } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import { wired } from "./support/callsEffect3.js"
import { generationSuite } from "./support/generationSuite.js"

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

generationSuite(wired)

// ---------------------------------------------------------------------------------------------
// Waiting, retries and timeouts (TestClock, a scripted HttpClient)
// ---------------------------------------------------------------------------------------------

const stats = { data: { id: "gen-1", total_cost: 0.002, model: "openai/gpt-4o", something_new: 1 } }

/** An HttpClient answering lookups from `answers` in order (the last one repeats). */
const scripted = (answers: ReadonlyArray<readonly [number, unknown]>) => {
  let calls = 0
  const client = HttpClient.make((req) =>
    Effect.sync(() => {
      const [status, body] = answers[Math.min(calls++, answers.length - 1)]!
      return HttpClientResponse.fromWeb(
        req,
        new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })
      )
    })
  )
  const layer = Layer.merge(
    Layer.succeed(HttpClient.HttpClient, client),
    OpenRouterConfig.layer({ apiKey: Redacted.make("sk-test"), baseUrl: "http://emulator.test/api/v1", retry: false })
  )
  return { layer, calls: () => calls }
}

const notYet = [404, { error: { code: 404, message: "Generation not found" } }] as const
const settle = Effect.yieldNow().pipe(Effect.repeatN(20))

describe("Generation.get waiting for the stats", () => {
  it.effect("retries a 404 until the stats appear (after 250 ms, then doubling)", () => {
    const server = scripted([notYet, notYet, [200, stats]])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Generation.get("gen-1", { wait: "10 seconds" }))
      yield* settle
      expect(server.calls()).toBe(1)
      yield* TestClock.adjust("250 millis")
      yield* settle
      expect(server.calls()).toBe(2)
      yield* TestClock.adjust("499 millis")
      yield* settle
      expect(server.calls()).toBe(2)
      yield* TestClock.adjust("1 millis")
      yield* settle
      expect(server.calls()).toBe(3)
      const result = yield* Fiber.join(fiber)
      expect(result).toEqual(stats.data)
    }).pipe(Effect.provide(server.layer))
  })

  it.effect("gives up with NotFoundResponseError once the wait is over", () => {
    const server = scripted([notYet])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip(Generation.get("gen-1", { wait: "3 seconds" })))
      yield* settle
      for (let i = 0; i < 40; i++) {
        yield* TestClock.adjust("250 millis")
        yield* settle
      }
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("NotFoundResponseError")
      // 0, 0.25, 0.75, 1.75, 3.75 (past the 3 seconds: not sent)
      expect(server.calls()).toBe(4)
    }).pipe(Effect.provide(server.layer))
  })

  it.effect("retries a transient failure under the retry policy, like Chat.send", () => {
    const server = scripted([[503, { error: { code: 503, message: "busy" } }], [200, stats]])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Generation.get("gen-1", { retry: Retry.make({ jitter: 0 }) }))
      yield* settle
      yield* TestClock.adjust("500 millis")
      yield* settle
      expect(server.calls()).toBe(2)
      expect((yield* Fiber.join(fiber)).id).toBe("gen-1")
    }).pipe(Effect.provide(server.layer))
  })

  it.effect("fails a body that is not a generation record with ResponseDecodeError", () => {
    const server = scripted([[200, { data: { total_cost: 1 } }]])
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Generation.get("gen-1"))
      expect(error._tag).toBe("ResponseDecodeError")
      expect(error.message).toContain("not a generation record")
    }).pipe(Effect.provide(server.layer))
  })

  it.effect("times out a lookup that does not answer", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip(Generation.get("gen-1", { timeout: "2 seconds" })))
      yield* settle
      yield* TestClock.adjust("2 seconds")
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("TimeoutError")
      expect(Errors.isRetryable(error)).toBe(true)
    }).pipe(Effect.provide(Layer.merge(
      Layer.succeed(HttpClient.HttpClient, HttpClient.make(() => Effect.never)),
      OpenRouterConfig.layer({ apiKey: Redacted.make("sk-test"), baseUrl: "http://emulator.test/api/v1", retry: false })
    ))))
})

describe("Generation.get in-process (Testing.layer)", () => {
  it.effect("answers from the completions the in-process emulator served", () =>
    Effect.gen(function*() {
      const response = yield* Chat.send(request)
      const found = yield* Generation.get(response.id!)
      expect(found.id).toBe(response.id)
      expect(found.streamed).toBe(false)
    }).pipe(Effect.provide(Testing.layerWithConfig(Testing.completion(), { retry: false }))))
})

describe("Schema.GenerationResponse", () => {
  // The example of `GenerationResponse` in OpenRouter's OpenAPI document (getGeneration).
  const specExample = {
    data: {
      api_type: "completions",
      app_id: 12345,
      cache_discount: null,
      cancelled: false,
      created_at: "2024-07-15T23:33:19.433273+00:00",
      data_region: "global",
      external_user: "user-123",
      finish_reason: "stop",
      generation_time: 1200,
      http_referer: "https://openrouter.ai/",
      id: "gen-3bhGkxlo4XFrqiabUM7NDtwDzWwG",
      is_byok: false,
      latency: 1250,
      model: "sao10k/l3-stheno-8b",
      moderation_latency: 50,
      native_finish_reason: "stop",
      native_tokens_cached: 3,
      native_tokens_completion: 25,
      native_tokens_completion_images: 0,
      native_tokens_prompt: 10,
      native_tokens_reasoning: 5,
      num_fetches: 0,
      num_input_audio_prompt: 0,
      num_media_completion: 0,
      num_media_prompt: 1,
      num_search_results: 5,
      origin: "https://openrouter.ai/",
      preset_id: "a9e8d400-592a-494f-908c-375efa66cafd",
      provider_name: "Infermatic",
      provider_responses: null,
      request_id: "req-1727282430-aBcDeFgHiJkLmNoPqRsT",
      router: "openrouter/auto",
      service_tier: "priority",
      session_id: null,
      streamed: true,
      tokens_completion: 25,
      tokens_prompt: 10,
      total_cost: 0.0015,
      upstream_id: "chatcmpl-791bcf62-080e-4568-87d0-94c72e3b4946",
      upstream_inference_cost: 0.0012,
      usage: 0.0015,
      user_agent: "Mozilla/5.0",
      web_search_engine: "exa"
    }
  }

  it("decodes the spec's example unchanged, and every field it shows is typed", () => {
    expect(Either.getOrThrow(S.decodeGenerationResponse(specExample))).toEqual(specExample)
    const typed = Object.keys(S.Generation.fields)
    for (const key of Object.keys(specExample.data)) expect(typed).toContain(key)
  })

  it("is tolerant: only id is required, nulls and unknown values are kept", () => {
    const sparse = { data: { id: "gen-1", total_cost: null, api_type: "something_new", extra: { a: 1 } } }
    expect(Either.getOrThrow(S.decodeGenerationResponse(sparse))).toEqual(sparse)
    expect(Either.isLeft(S.decodeGenerationResponse({ data: { total_cost: 1 } }))).toBe(true)
    expect(Either.isLeft(S.decodeGenerationResponse({ data: { id: "gen-1", total_cost: "1" } }))).toBe(true)
  })
})
