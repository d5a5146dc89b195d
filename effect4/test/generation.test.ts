/**
 * `Generation.get`: the HTTP part is shared with the Effect 3 edition (`test/support/generationSuite.ts`),
 * this file gives it the Effect 4 edition's pieces and holds the waiting, retries and timeouts (on the
 * Effect clock with a scripted HttpClient), the in-process lookup and the schema.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as TestClock from "effect/testing/TestClock"
import { generationSuite } from "../../test/support/generationSuite.js"
import * as Chat from "../src/Chat.js"
import { OpenRouterConfig } from "../src/Client.js"
import * as Errors from "../src/Errors.js"
import * as Generation from "../src/Generation.js"
import * as Retry from "../src/Retry.js"
import * as S from "../src/Schema.js"
import * as Testing from "../src/Testing.js"
import { wired } from "./support/callsEffect4.js"

const getOrThrow = <A>(result: Result.Result<A, unknown>): A => {
  if (Result.isFailure(result)) throw new Error(String(result.failure))
  return result.success
}

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
const settle = Effect.yieldNow.pipe(Effect.repeat({ times: 20 }))

describe("Generation.get waiting for the stats", () => {
  it.effect("fails a wait that is not a duration with InvalidRequestError and sends nothing", () => {
    const server = scripted([[200, stats]])
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Generation.get("gen-1", { wait: "soon" as never }))
      expect(error._tag).toBe("InvalidRequestError")
      expect(server.calls()).toBe(0)
    }).pipe(Effect.provide(server.layer))
  })

  it.effect("retries a 404 until the stats appear (after 250 ms, then doubling)", () => {
    const server = scripted([notYet, notYet, [200, stats]])
    return Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(Generation.get("gen-1", { wait: "10 seconds" }))
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
      const fiber = yield* Effect.forkChild(Effect.flip(Generation.get("gen-1", { wait: "3 seconds" })))
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
      const fiber = yield* Effect.forkChild(Generation.get("gen-1", { retry: Retry.make({ jitter: 0 }) }))
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
      const fiber = yield* Effect.forkChild(Effect.flip(Generation.get("gen-1", { timeout: "2 seconds" })))
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
    expect(getOrThrow(S.decodeGenerationResponse(specExample))).toEqual(specExample)
    const typed = Object.keys(S.Generation.schema.fields)
    for (const key of Object.keys(specExample.data)) expect(typed).toContain(key)
  })

  it("is tolerant: only id is required, nulls and unknown values are kept", () => {
    const sparse = { data: { id: "gen-1", total_cost: null, api_type: "something_new", extra: { a: 1 } } }
    expect(getOrThrow(S.decodeGenerationResponse(sparse))).toEqual(sparse)
    expect(Result.isFailure(S.decodeGenerationResponse({ data: { total_cost: 1 } }))).toBe(true)
    expect(Result.isFailure(S.decodeGenerationResponse({ data: { id: "gen-1", total_cost: "1" } }))).toBe(true)
  })
})
