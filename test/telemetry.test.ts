/**
 * Telemetry through a real OpenTelemetry pipeline (`@effect/opentelemetry`'s NodeSdk with the SDK's
 * in-memory span exporter and an in-memory metric exporter) over real loopback sockets, with both HTTP
 * clients: the span tree, names, kinds and attributes of each kind of call, the retry events, the
 * metric values, and that neither the API key nor (by default) the message content is exported.
 *
 * Effect's metrics live in one global registry, so each test uses model names of its own and reads only
 * the data points tagged with them.
 */
import * as LanguageModel from "@effect/ai/LanguageModel"
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import { SpanKind, SpanStatusCode } from "@opentelemetry/api"
import type { DataPoint, Histogram, ResourceMetrics } from "@opentelemetry/sdk-metrics"
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader
} from "@opentelemetry/sdk-metrics"
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base"
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import { Chat, type Client, OpenRouterConfig, Retry } from "../src/index.js"
import * as OpenRouterLanguageModel from "../src/OpenRouterLanguageModel.js"
import * as Testing from "../src/Testing.js"
import type * as TestServer from "../src/TestServer.js"
import { httpClients, recordingTracer, SECRET, withServer } from "./support/harness.js"

/** Text that only the prompt holds, and text that only the completion holds. */
const PROMPT = "PROMPT-CANARY-7f3a: what is my secret plan?"
const ANSWER = "ANSWER-CANARY-91be: the plan is safe"

let modelCounter = 0
/** A model name no other test uses, so that its metric data points are its own. */
const uniqueModel = (label: string) => `test/${label}-${++modelCounter}-${Math.random().toString(36).slice(2, 8)}`

const request = (model: string, extra: Record<string, unknown> = {}): Chat.ChatRequest => ({
  model,
  messages: [{ role: "user", content: PROMPT }],
  ...extra
})

interface Exported {
  readonly spans: ReadonlyArray<ReadableSpan>
  readonly metrics: ReadonlyArray<ResourceMetrics>
}

/**
 * Runs `body` against the emulator with an OpenTelemetry SDK installed and returns what it exported.
 */
const traced = <A, E>(
  http: Layer.Layer<HttpClient.HttpClient>,
  script: Testing.Script,
  body: (server: TestServer.TestServer) => Effect.Effect<A, E, HttpClient.HttpClient | Client.OpenRouterConfig>,
  options: Partial<Client.OpenRouterConfigOptions> = {}
): Effect.Effect<Exported & { readonly result: A }, E> =>
  Effect.gen(function*() {
    const spanExporter = new InMemorySpanExporter()
    const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
    const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 })
    const sdk = NodeSdk.layer(() => ({
      resource: { serviceName: "telemetry-test" },
      spanProcessor: new SimpleSpanProcessor(spanExporter),
      metricReader: reader
    }))
    // Read before the SDK shuts down: the in-memory exporters forget everything on shutdown.
    return yield* Effect.scoped(withServer(http, script, body, options)).pipe(
      Effect.tap(() => Effect.promise(() => reader.forceFlush())),
      Effect.map((result) => ({
        result,
        spans: [...spanExporter.getFinishedSpans()],
        metrics: [...metricExporter.getMetrics()]
      })),
      Effect.provide(sdk)
    )
  })

const chatSpans = (spans: ReadonlyArray<ReadableSpan>) => spans.filter((s) => s.name.startsWith("chat"))
const httpSpans = (spans: ReadonlyArray<ReadableSpan>) => spans.filter((s) => s.name.startsWith("http.client"))
const only = (spans: ReadonlyArray<ReadableSpan>): ReadableSpan => {
  expect(spans).toHaveLength(1)
  return spans[0]!
}
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId

/** The data points of a metric carrying `gen_ai.request.model: model`. */
const points = <T = number>(
  exported: ReadonlyArray<ResourceMetrics>,
  name: string,
  model: string
): Array<DataPoint<T> & { readonly unit: string }> => {
  // Cumulative: the last export holds everything.
  const last = exported[exported.length - 1]
  const found: Array<DataPoint<T> & { readonly unit: string }> = []
  for (const scope of last?.scopeMetrics ?? []) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== name) continue
      for (const point of metric.dataPoints as Array<DataPoint<T>>) {
        if (point.attributes["gen_ai.request.model"] === model) found.push({ ...point, unit: metric.descriptor.unit })
      }
    }
  }
  return found
}

/** Everything exported, as text: names, attributes, events, links, status and every metric point. */
const everything = (exported: Exported): string =>
  JSON.stringify({
    spans: exported.spans.map((s) => ({
      name: s.name,
      attributes: s.attributes,
      events: s.events,
      status: s.status,
      links: s.links,
      resource: s.resource.attributes
    })),
    metrics: exported.metrics
  })

const usage = { prompt_tokens: 12, completion_tokens: 34, cost: 0.00042, prompt_tokens_details: { cached_tokens: 5 } }

describe.each(httpClients)("telemetry over %s", (_name, http) => {
  it.live("a send is one client span `chat {model}` with the GenAI attributes, parent of the HTTP span", () =>
    Effect.gen(function*() {
      const model = uniqueModel("send")
      const { result, spans } = yield* traced(
        http,
        Testing.completion({
          content: ANSWER,
          model: `${model}-resp`,
          provider: "Anthropic",
          id: "gen-send-1",
          usage: { ...usage, completion_tokens_details: { reasoning_tokens: 7 } }
        }),
        () =>
          Chat.send(request(model, {
            max_tokens: 100,
            temperature: 0.5,
            top_p: 0.9,
            top_k: 40,
            frequency_penalty: 0.1,
            presence_penalty: 0.2,
            seed: 42,
            stop: ["END"],
            models: [model, "openai/gpt-4o"]
          }))
      )
      expect(result.id).toBe("gen-send-1")
      const chat = only(chatSpans(spans))
      expect(chat.name).toBe(`chat ${model}`)
      expect(chat.kind).toBe(SpanKind.CLIENT)
      expect(chat.status.code).toBe(SpanStatusCode.OK)
      expect(chat.attributes).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openrouter",
        "gen_ai.request.model": model,
        "gen_ai.request.stream": false,
        "gen_ai.request.max_tokens": 100,
        "gen_ai.request.temperature": 0.5,
        "gen_ai.request.top_p": 0.9,
        "gen_ai.request.top_k": 40,
        "gen_ai.request.frequency_penalty": 0.1,
        "gen_ai.request.presence_penalty": 0.2,
        "gen_ai.request.seed": 42,
        "gen_ai.response.id": "gen-send-1",
        "gen_ai.response.model": `${model}-resp`,
        "gen_ai.usage.input_tokens": 12,
        "gen_ai.usage.output_tokens": 34,
        "gen_ai.usage.cache_read.input_tokens": 5,
        "gen_ai.usage.reasoning.output_tokens": 7,
        "openrouter.provider": "Anthropic",
        "openrouter.cost": 0.00042,
        "openrouter.attempts": 1,
        "server.address": "127.0.0.1"
      })
      // list attributes reach the SDK as arrays (@effect/opentelemetry alone would write JSON text)
      expect(chat.attributes["gen_ai.request.stop_sequences"]).toEqual(["END"])
      expect(chat.attributes["openrouter.request.models"]).toEqual([model, "openai/gpt-4o"])
      expect(chat.attributes["gen_ai.response.finish_reasons"]).toEqual(["stop"])
      expect(chat.attributes["server.port"]).toEqual(expect.any(Number))
      expect(chat.attributes["error.type"]).toBeUndefined()
      expect(chat.attributes["openrouter.cancelled"]).toBeUndefined()
      expect(chat.attributes["gen_ai.response.time_to_first_chunk"]).toBeUndefined()
      const httpSpan = only(httpSpans(spans))
      expect(httpSpan.kind).toBe(SpanKind.CLIENT)
      expect(parentOf(httpSpan)).toBe(chat.spanContext().spanId)
      expect(httpSpan.spanContext().traceId).toBe(chat.spanContext().traceId)
    }))

  it.live("a single stop string is a one-item list, and a native Effect span keeps lists as arrays", () =>
    Effect.gen(function*() {
      const model = uniqueModel("lists")
      const { spans } = yield* traced(
        http,
        Testing.completion({ content: ANSWER }),
        () => Chat.send(request(model, { stop: "END" }))
      )
      expect(only(chatSpans(spans)).attributes["gen_ai.request.stop_sequences"]).toEqual(["END"])
      // without @effect/opentelemetry: Effect's own span holds the list as it is
      const { spans: recorded, tracer } = yield* recordingTracer
      yield* Effect.scoped(
        withServer(http, Testing.completion({ content: ANSWER }), () => Chat.send(request(model, { stop: "END" })))
      ).pipe(Effect.withTracer(tracer))
      const chat = recorded.find((span) => span.name.startsWith("chat"))!
      expect(chat.attributes.get("gen_ai.request.stop_sequences")).toEqual(["END"])
      expect(chat.attributes.get("gen_ai.response.finish_reasons")).toEqual(["stop"])
    }))

  it.live("the @effect/ai provider's span carries gen_ai.response.finish_reasons as an array", () =>
    Effect.gen(function*() {
      const { spans } = yield* traced(
        http,
        Testing.completion({ content: ANSWER }),
        () =>
          LanguageModel.generateText({ prompt: "Hi" }).pipe(
            Effect.provide(OpenRouterLanguageModel.layer({ model: uniqueModel("provider") }))
          )
      )
      const generate = only(spans.filter((s) => s.name === "LanguageModel.generateText"))
      expect(generate.attributes["gen_ai.response.finish_reasons"]).toEqual(["stop"])
    }))

  it.live("a stream's span ends with the stream, with the time to first chunk and the usage chunk", () =>
    Effect.gen(function*() {
      const model = uniqueModel("stream")
      const { result, spans } = yield* traced(
        http,
        Testing.stream({ deltas: ["Hel", "lo"], model, provider: "OpenAI", id: "gen-stream-1", usage }),
        () => Stream.runCollect(Chat.stream(request(model)))
      )
      expect(result.length).toBeGreaterThan(2)
      const chat = only(chatSpans(spans))
      expect(chat.name).toBe(`chat ${model}`)
      expect(chat.kind).toBe(SpanKind.CLIENT)
      expect(chat.status.code).toBe(SpanStatusCode.OK)
      expect(chat.attributes).toMatchObject({
        "gen_ai.request.stream": true,
        "gen_ai.response.id": "gen-stream-1",
        "gen_ai.response.model": model,
        "gen_ai.usage.input_tokens": 12,
        "gen_ai.usage.output_tokens": 34,
        "gen_ai.usage.cache_read.input_tokens": 5,
        "openrouter.provider": "OpenAI",
        "openrouter.cost": 0.00042,
        "openrouter.attempts": 1
      })
      expect(chat.attributes["gen_ai.response.finish_reasons"]).toEqual(["stop"])
      const ttfc = chat.attributes["gen_ai.response.time_to_first_chunk"] as number
      expect(ttfc).toBeGreaterThan(0)
      const duration = chat.duration[0] + chat.duration[1] / 1e9
      expect(ttfc).toBeLessThanOrEqual(duration)
      expect(chat.attributes["openrouter.cancelled"]).toBeUndefined()
      const httpSpan = only(httpSpans(spans))
      expect(parentOf(httpSpan)).toBe(chat.spanContext().spanId)
    }))

  it.live("a stream stopped early is marked cancelled, with what it saw so far", () =>
    Effect.gen(function*() {
      const model = uniqueModel("early")
      const { result, spans } = yield* traced(
        http,
        Testing.stream({
          deltas: Testing.pieces(50),
          model,
          provider: "OpenAI",
          id: "gen-early-1",
          chunkDelay: "5 millis"
        }),
        () => Stream.runCollect(Chat.stream(request(model), { retry: false }).pipe(Stream.take(3)))
      )
      expect(result.length).toBe(3)
      const chat = only(chatSpans(spans))
      expect(chat.attributes).toMatchObject({
        "openrouter.cancelled": true,
        "gen_ai.response.id": "gen-early-1",
        "gen_ai.response.model": model,
        "openrouter.provider": "OpenAI"
      })
      expect(chat.attributes["gen_ai.response.time_to_first_chunk"]).toBeGreaterThan(0)
      expect(chat.attributes["gen_ai.usage.input_tokens"]).toBeUndefined()
      expect(chat.attributes["gen_ai.response.finish_reasons"]).toBeUndefined()
      expect(chat.attributes["error.type"]).toBeUndefined()
    }))

  it.live("a retried call records each retry as an event, with its attempt, error, delay and origin", () =>
    Effect.gen(function*() {
      const model = uniqueModel("retry")
      const { spans } = yield* traced(
        http,
        [
          Testing.error(503),
          Testing.error(429, { headers: { "retry-after-ms": "20" } }),
          Testing.completion({ model, usage })
        ],
        () => Chat.send(request(model)),
        { retry: Retry.make({ retries: 3, baseDelay: "10 millis", jitter: 0 }) }
      )
      const chat = only(chatSpans(spans))
      expect(chat.attributes["openrouter.attempts"]).toBe(3)
      expect(chat.status.code).toBe(SpanStatusCode.OK)
      expect(chat.events.map((e) => [e.name, e.attributes])).toEqual([
        ["openrouter.retry", {
          "openrouter.retry.attempt": 1,
          "error.type": "ServiceUnavailableResponseError",
          "openrouter.retry.delay": 0.01,
          "openrouter.retry.from_retry_after": false
        }],
        ["openrouter.retry", {
          "openrouter.retry.attempt": 2,
          "error.type": "TooManyRequestsResponseError",
          "openrouter.retry.delay": 0.02,
          "openrouter.retry.from_retry_after": true
        }]
      ])
      const attempts = httpSpans(spans)
      expect(attempts).toHaveLength(3)
      for (const attempt of attempts) expect(parentOf(attempt)).toBe(chat.spanContext().spanId)
    }))

  it.live("a retried stream records its retries and the attempts", () =>
    Effect.gen(function*() {
      const model = uniqueModel("stream-retry")
      const { spans } = yield* traced(
        http,
        [Testing.error(502), Testing.stream({ deltas: ["ok"], model })],
        () => Stream.runDrain(Chat.stream(request(model))),
        { retry: Retry.make({ retries: 2, baseDelay: "10 millis", jitter: 0 }) }
      )
      const chat = only(chatSpans(spans))
      expect(chat.attributes["openrouter.attempts"]).toBe(2)
      expect(chat.events.map((e) => e.attributes?.["error.type"])).toEqual(["BadGatewayResponseError"])
      const attempts = httpSpans(spans)
      expect(attempts).toHaveLength(2)
      for (const attempt of attempts) expect(parentOf(attempt)).toBe(chat.spanContext().spanId)
    }))

  it.live("a failed call has error.type (the error's tag) and an error status", () =>
    Effect.gen(function*() {
      const model = uniqueModel("fail")
      const { result, spans } = yield* traced(
        http,
        Testing.error(401),
        () => Effect.flip(Chat.send(request(model)))
      )
      expect(result._tag).toBe("UnauthorizedResponseError")
      const chat = only(chatSpans(spans))
      expect(chat.status.code).toBe(SpanStatusCode.ERROR)
      expect(chat.attributes["error.type"]).toBe("UnauthorizedResponseError")
      expect(chat.attributes["openrouter.attempts"]).toBe(1)
    }))

  it.live("a stream that fails mid-way has error.type MidStreamError", () =>
    Effect.gen(function*() {
      const model = uniqueModel("midstream")
      const { result, spans } = yield* traced(
        http,
        Testing.midStreamError({ after: 1, deltas: ["Once upon a "], model }),
        () => Effect.flip(Stream.runDrain(Chat.stream(request(model))))
      )
      expect(result._tag).toBe("MidStreamError")
      const chat = only(chatSpans(spans))
      expect(chat.status.code).toBe(SpanStatusCode.ERROR)
      expect(chat.attributes["error.type"]).toBe("MidStreamError")
      expect(chat.attributes["openrouter.cancelled"]).toBeUndefined()
    }))

  it.live("an invalid request is a failed span with no HTTP span (nothing was sent)", () =>
    Effect.gen(function*() {
      const model = uniqueModel("invalid")
      const { spans } = yield* traced(
        http,
        Testing.completion(),
        () => Effect.flip(Chat.send(request(model, { temperature: 7 })))
      )
      const chat = only(chatSpans(spans))
      expect(chat.attributes["error.type"]).toBe("InvalidRequestError")
      expect(chat.attributes["gen_ai.request.temperature"]).toBe(7)
      expect(httpSpans(spans)).toHaveLength(0)
    }))

  it.live("an invalid stream request ends its span at once with error.type InvalidRequestError", () =>
    Effect.gen(function*() {
      const model = uniqueModel("invalid-stream")
      const { spans } = yield* traced(
        http,
        Testing.stream(),
        () => Effect.flip(Stream.runDrain(Chat.stream(request(model, { top_p: 3 }))))
      )
      const chat = only(chatSpans(spans))
      expect(chat.attributes["gen_ai.request.stream"]).toBe(true)
      expect(chat.attributes["error.type"]).toBe("InvalidRequestError")
      expect(chat.status.code).toBe(SpanStatusCode.ERROR)
      expect(httpSpans(spans)).toHaveLength(0)
    }))

  it.live("an interrupted stream ends its span, marked cancelled", () =>
    Effect.gen(function*() {
      const model = uniqueModel("interrupted")
      const { spans } = yield* traced(
        http,
        Testing.stream({ deltas: Testing.pieces(100), model, chunkDelay: "5 millis" }),
        () =>
          Effect.gen(function*() {
            const fiber = yield* Effect.fork(Stream.runDrain(Chat.stream(request(model))))
            yield* Effect.sleep("60 millis")
            yield* Fiber.interrupt(fiber)
          })
      )
      const chat = only(chatSpans(spans))
      expect(chat.attributes["openrouter.cancelled"]).toBe(true)
      expect(chat.attributes["error.type"]).toBeUndefined()
    }))

  it.live("records the GenAI metrics: token usage by type, duration, time to first chunk, cost, failures", () =>
    Effect.gen(function*() {
      const model = uniqueModel("metrics")
      const { metrics } = yield* traced(
        http,
        [
          Testing.completion({ model, provider: "Anthropic", usage }),
          Testing.stream({ deltas: ["a", "b"], model, provider: "Anthropic", usage }),
          Testing.error(400)
        ],
        () =>
          Effect.gen(function*() {
            yield* Chat.send(request(model))
            yield* Stream.runDrain(Chat.stream(request(model)))
            yield* Effect.flip(Chat.send(request(model)))
          })
      )
      const tokens = points<Histogram>(metrics, "gen_ai.client.token.usage", model)
      const byType = (type: string) => tokens.find((p) => p.attributes["gen_ai.token.type"] === type)!
      expect(byType("input").value).toMatchObject({ count: 2, sum: 24 })
      expect(byType("output").value).toMatchObject({ count: 2, sum: 68 })
      expect(byType("input").unit).toBe("{token}")
      expect(byType("input").attributes).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openrouter",
        "gen_ai.response.model": model,
        "openrouter.provider": "Anthropic",
        "server.address": "127.0.0.1"
      })
      // The buckets are the conventions' advice for token counts.
      expect(byType("input").value.buckets.boundaries).toEqual([
        1,
        4,
        16,
        64,
        256,
        1024,
        4096,
        16384,
        65536,
        262144,
        1048576,
        4194304,
        16777216,
        67108864
      ])

      const durations = points<Histogram>(metrics, "gen_ai.client.operation.duration", model)
      const ok = durations.find((p) => p.attributes["error.type"] === undefined)!
      const failed = durations.find((p) => p.attributes["error.type"] === "BadRequestResponseError")!
      expect(ok.value.count).toBe(2)
      expect(ok.value.sum).toBeGreaterThan(0)
      expect(ok.unit).toBe("s")
      expect(ok.value.buckets.boundaries[0]).toBe(0.01)
      expect(failed.value.count).toBe(1)

      const ttfc = only1(points<Histogram>(metrics, "gen_ai.client.operation.time_to_first_chunk", model))
      expect(ttfc.value.count).toBe(1)
      expect(ttfc.value.sum).toBeGreaterThan(0)

      const cost = only1(points(metrics, "openrouter.client.cost", model))
      expect(cost.value).toBeCloseTo(0.00084, 10)
      expect(cost.unit).toBe("USD")

      const failures = only1(points(metrics, "openrouter.client.failures", model))
      expect(failures.value).toBe(1)
      expect(failures.attributes["error.type"]).toBe("BadRequestResponseError")
    }))

  it.live("exports neither the API key nor, by default, the prompt or the completion", () =>
    Effect.gen(function*() {
      const model = uniqueModel("canary")
      const exported = yield* traced(
        http,
        [
          Testing.completion({ content: ANSWER, model, usage }),
          Testing.stream({ deltas: [ANSWER], model, usage, toolCalls: [{ name: "plan", arguments: { x: ANSWER } }] }),
          Testing.error(401),
          Testing.error(503),
          Testing.stream({ deltas: Testing.pieces(20), chunkDelay: "2 millis" })
        ],
        () =>
          Effect.gen(function*() {
            yield* Chat.send(request(model))
            yield* Stream.runDrain(Chat.stream(request(model)))
            yield* Effect.flip(Chat.send(request(model)))
            yield* Effect.flip(Chat.send(request(model)))
            yield* Stream.runDrain(Stream.take(Chat.stream(request(model)), 2))
          })
      )
      expect(chatSpans(exported.spans)).toHaveLength(5)
      const text = everything(exported)
      expect(text).toContain(model)
      expect(text).not.toContain(SECRET)
      expect(text).not.toContain(SECRET.slice(10, 30))
      expect(text).not.toContain("PROMPT-CANARY")
      expect(text).not.toContain("ANSWER-CANARY")
    }))

  it.live("with recordContent, the prompt and the answer are on the span in the conventions' format", () =>
    Effect.gen(function*() {
      const model = uniqueModel("content")
      const { spans } = yield* traced(
        http,
        [
          Testing.completion({ content: ANSWER, model }),
          Testing.stream({
            deltas: ["ANSWER-", "CANARY"],
            model,
            toolCalls: [{ id: "c1", name: "plan", arguments: "{}" }]
          })
        ],
        () =>
          Effect.gen(function*() {
            yield* Chat.send(request(model))
            yield* Stream.runDrain(Chat.stream(request(model)))
          }),
        { telemetry: { recordContent: true } }
      )
      const [send, stream] = chatSpans(spans)
      const input = JSON.parse(send!.attributes["gen_ai.input.messages"] as string)
      expect(input).toEqual([{ role: "user", parts: [{ type: "text", content: PROMPT }] }])
      expect(JSON.parse(send!.attributes["gen_ai.output.messages"] as string)).toEqual([
        { role: "assistant", parts: [{ type: "text", content: ANSWER }], finish_reason: "stop" }
      ])
      expect(JSON.parse(stream!.attributes["gen_ai.output.messages"] as string)).toEqual([
        {
          role: "assistant",
          parts: [{ type: "text", content: "ANSWER-CANARY" }, {
            type: "tool_call",
            id: "c1",
            name: "plan",
            arguments: "{}"
          }],
          finish_reason: "tool_calls"
        }
      ])
      expect(JSON.stringify(spans.map((s) => [s.attributes, s.events]))).not.toContain(SECRET)
    }))

  it.live("spans: false records no span of ours (the HTTP span stays) but still the metrics", () =>
    Effect.gen(function*() {
      const model = uniqueModel("nospans")
      const { metrics, spans } = yield* traced(
        http,
        Testing.completion({ model, usage }),
        () => Chat.send(request(model)),
        { telemetry: { spans: false } }
      )
      expect(chatSpans(spans)).toHaveLength(0)
      expect(httpSpans(spans)).toHaveLength(1)
      expect(parentOf(httpSpans(spans)[0]!)).toBeUndefined()
      expect(only1(points<Histogram>(metrics, "gen_ai.client.operation.duration", model)).value.count).toBe(1)
    }))

  it.live("telemetry: false records neither spans nor metrics", () =>
    Effect.gen(function*() {
      const model = uniqueModel("off")
      const { metrics, spans } = yield* traced(
        http,
        Testing.stream({ deltas: ["a"], model, usage }),
        () => Stream.runDrain(Chat.stream(request(model))),
        { telemetry: false }
      )
      expect(chatSpans(spans)).toHaveLength(0)
      expect(points(metrics, "gen_ai.client.operation.duration", model)).toHaveLength(0)
      expect(points(metrics, "gen_ai.client.token.usage", model)).toHaveLength(0)
    }))
})

const only1 = <T>(items: ReadonlyArray<T>): T => {
  expect(items).toHaveLength(1)
  return items[0]!
}

describe("with no tracer installed", () => {
  // An HttpClient that answers in-process and reports the name of its span's parent.
  const parents: Array<string | undefined> = []
  // the span the request runs in (the HTTP client's own, when it opens one) and the trace headers it sent
  const sent: Array<{ span: string | undefined; traceparent: string | undefined; b3: string | undefined }> = []
  const client = HttpClient.make((request) =>
    Effect.map(Effect.currentSpan.pipe(Effect.option), (span) => {
      const parent = Option.flatMap(span, (s) => s.parent)
      parents.push(
        Option.match(parent, { onNone: () => undefined, onSome: (p) => p._tag === "Span" ? p.name : "external" })
      )
      sent.push({
        span: Option.getOrUndefined(Option.map(span, (s) => s.name)),
        traceparent: request.headers["traceparent"],
        b3: request.headers["b3"]
      })
      const streaming = request.headers["accept"] === "text/event-stream"
      return HttpClientResponse.fromWeb(
        request,
        streaming
          ? new Response(
            `data: ${
              JSON.stringify({ id: "gen-1", choices: [{ index: 0, delta: { content: "hi" } }] })
            }\n\ndata: [DONE]\n\n`,
            { headers: { "content-type": "text/event-stream" } }
          )
          : new Response(JSON.stringify({ id: "gen-1", choices: [{ index: 0, message: { content: "hi" } }] }), {
            headers: { "content-type": "application/json" }
          })
      )
    })
  )
  const layer = Layer.merge(
    Layer.succeed(HttpClient.HttpClient, client),
    OpenRouterConfig.layer({ apiKey: Redacted.make(SECRET), retry: false })
  )
  const customTracer = Effect.map(
    Effect.tracer,
    (native) => Tracer.make({ span: (...args) => native.span(...args), context: (f) => f() })
  )

  it.effect("opens no span under Effect's native tracer (nothing could export it), nor does the HTTP client", () =>
    Effect.gen(function*() {
      parents.length = 0
      sent.length = 0
      yield* Chat.send(request("test/native"))
      expect(parents).toEqual([undefined])
      // no span for the request, and no trace headers naming a trace no one records
      expect(sent).toEqual([{ span: undefined, traceparent: undefined, b3: undefined }])
    }).pipe(Effect.provide(layer)))

  it.effect("opens its span under any other tracer, and the HTTP client's span and trace headers are there", () =>
    Effect.gen(function*() {
      parents.length = 0
      sent.length = 0
      yield* Chat.send(request("test/custom")).pipe(Effect.withTracer(yield* customTracer))
      expect(parents).toEqual(["chat test/custom"])
      expect(sent).toHaveLength(1)
      expect(sent[0]!.span).toBe("http.client POST")
      expect(sent[0]!.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
      expect(sent[0]!.b3).toBeDefined()
    }).pipe(Effect.provide(layer)))

  it.effect("a stream opens no span either under the native tracer, and its HTTP client neither", () =>
    Effect.gen(function*() {
      parents.length = 0
      sent.length = 0
      const chunks = yield* Stream.runCollect(Chat.stream(request("test/native-stream")))
      expect(Chunk.size(chunks)).toBe(1)
      expect(parents).toEqual([undefined])
      expect(sent).toEqual([{ span: undefined, traceparent: undefined, b3: undefined }])
    }).pipe(Effect.provide(layer)))

  it.effect("a stream opens its span under any other tracer, with the HTTP client's span and trace headers", () =>
    Effect.gen(function*() {
      parents.length = 0
      sent.length = 0
      yield* Stream.runDrain(Chat.stream(request("test/custom-stream"))).pipe(Effect.withTracer(yield* customTracer))
      expect(parents).toEqual(["chat test/custom-stream"])
      expect(sent).toHaveLength(1)
      expect(sent[0]!.span).toBe("http.client POST")
      expect(sent[0]!.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
      expect(sent[0]!.b3).toBeDefined()
    }).pipe(Effect.provide(layer)))
})
