/**
 * effect/ai's telemetry and ours on one call through the Effect 4 provider, with a real OpenTelemetry
 * SDK (`@effect/opentelemetry` 4's NodeSdk, in-memory exporters) over real sockets and both HTTP
 * clients: one span tree (effect/ai's `LanguageModel.*` span, parent of our `chat {model}` span, parent
 * of the HTTP span), exactly one span with the call's GenAI attributes, and one metric point per call.
 */
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import { describe, expect, it } from "@effect/vitest"
import type { DataPoint, Histogram, ResourceMetrics } from "@opentelemetry/sdk-metrics"
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader
} from "@opentelemetry/sdk-metrics"
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base"
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import * as LanguageModel from "effect/ai/LanguageModel"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type * as Client from "../src/Client.js"
import * as OpenRouterLanguageModel from "../src/OpenRouterLanguageModel.js"
import * as Testing from "../src/Testing.js"
import { httpClients, SECRET, withServer } from "./support/harness.js"

let modelCounter = 0
/** A model name no other test uses, so that its metric data points are its own. */
const uniqueModel = (label: string) => `test/lm-${label}-${++modelCounter}-${Math.random().toString(36).slice(2, 8)}`

const usage = { prompt_tokens: 12, completion_tokens: 34, total_tokens: 46, cost: 0.00042 }

interface Exported {
  readonly spans: ReadonlyArray<ReadableSpan>
  readonly metrics: ReadonlyArray<ResourceMetrics>
}

/** Runs `body` with the provider for `model` against the emulator, an OpenTelemetry SDK installed. */
const traced = <A, E>(
  http: Layer.Layer<HttpClient.HttpClient>,
  model: string,
  script: Testing.Script,
  body: Effect.Effect<A, E, LanguageModel.LanguageModel>,
  options: Partial<Client.OpenRouterConfigOptions> = {}
): Effect.Effect<Exported, E> =>
  Effect.gen(function*() {
    const spanExporter = new InMemorySpanExporter()
    const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
    const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 })
    const sdk = NodeSdk.layer(() => ({
      resource: { serviceName: "language-model-telemetry-test" },
      spanProcessor: new SimpleSpanProcessor(spanExporter),
      metricReader: reader
    }))
    // Read before the SDK shuts down: the in-memory exporters forget everything on shutdown.
    return yield* Effect.scoped(
      withServer(http, script, () => Effect.provide(body, OpenRouterLanguageModel.layer({ model })), options)
    ).pipe(
      Effect.tap(() => Effect.promise(() => reader.forceFlush())),
      Effect.map(() => ({ spans: [...spanExporter.getFinishedSpans()], metrics: [...metricExporter.getMetrics()] })),
      Effect.provide(sdk)
    )
  })

/** The data points of a metric carrying `gen_ai.request.model: model` (cumulative: the last export). */
const points = <T = number>(exported: ReadonlyArray<ResourceMetrics>, name: string, model: string) => {
  const found: Array<DataPoint<T>> = []
  for (const scope of exported.at(-1)?.scopeMetrics ?? []) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== name) continue
      for (const point of metric.dataPoints as Array<DataPoint<T>>) {
        if (point.attributes["gen_ai.request.model"] === model) found.push(point)
      }
    }
  }
  return found
}

const only = <T>(items: ReadonlyArray<T>): T => {
  expect(items).toHaveLength(1)
  return items[0]!
}

const named = (spans: ReadonlyArray<ReadableSpan>, name: string) => only(spans.filter((s) => s.name === name))
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId
const isHttp = (span: ReadableSpan) =>
  span.attributes["http.request.method"] !== undefined && !span.name.startsWith("chat")
/** The spans that would count the call in a GenAI backend: an operation name, or token usage. */
const genAiSpans = (spans: ReadonlyArray<ReadableSpan>) =>
  spans.filter((s) =>
    s.attributes["gen_ai.operation.name"] !== undefined || s.attributes["gen_ai.usage.input_tokens"] !== undefined
  )

/** One metric point per call: one token-usage point per type, one duration point, with the call's counts. */
const expectOneCallRecorded = (metrics: ReadonlyArray<ResourceMetrics>, model: string) => {
  const tokens = points<Histogram>(metrics, "gen_ai.client.token.usage", model)
  const byType = (type: string) => only(tokens.filter((p) => p.attributes["gen_ai.token.type"] === type))
  expect(byType("input").value).toMatchObject({ count: 1, sum: 12 })
  expect(byType("output").value).toMatchObject({ count: 1, sum: 34 })
  expect(only(points<Histogram>(metrics, "gen_ai.client.operation.duration", model)).value.count).toBe(1)
  expect(only(points(metrics, "openrouter.client.cost", model)).value).toBeCloseTo(0.00042, 10)
}

const calls = [
  [
    "generateText",
    (model: string) => Testing.completion({ content: "Hi", model, usage }),
    LanguageModel.generateText({ prompt: "Hi" })
  ],
  [
    "streamText",
    (model: string) => Testing.stream({ deltas: ["H", "i"], model, usage }),
    Stream.runDrain(LanguageModel.streamText({ prompt: "Hi" }))
  ],
  [
    "generateObject",
    (model: string) => Testing.completion({ content: "{\"a\":\"x\"}", model, usage }),
    LanguageModel.generateObject({ prompt: "Hi", schema: Schema.Struct({ a: Schema.String }), objectName: "o" })
  ]
] as const

describe.each(httpClients)("OpenRouterLanguageModel telemetry (Effect 4) over %s", (_name, http) => {
  for (const [method, reply, call] of calls) {
    it.live(`${method}: one span tree, one GenAI span (ours, the child of effect/ai's), one metric point`, () =>
      Effect.gen(function*() {
        const model = uniqueModel(method)
        const { metrics, spans } = yield* traced(
          http,
          model,
          reply(model),
          call as Effect.Effect<unknown, unknown, LanguageModel.LanguageModel>
        )
        const ai = named(spans, `LanguageModel.${method}`)
        const chat = named(spans, `chat ${model}`)
        const request = only(spans.filter(isHttp))
        expect(parentOf(chat)).toBe(ai.spanContext().spanId)
        expect(parentOf(request)).toBe(chat.spanContext().spanId)
        expect(chat.spanContext().traceId).toBe(ai.spanContext().traceId)
        expect(genAiSpans(spans)).toEqual([chat])
        expect(chat.attributes).toMatchObject({
          "gen_ai.operation.name": "chat",
          "gen_ai.request.model": model,
          "gen_ai.usage.input_tokens": 12,
          "gen_ai.usage.output_tokens": 34,
          "openrouter.cost": 0.00042
        })
        expectOneCallRecorded(metrics, model)
        expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain(SECRET)
      }))
  }

  it.live("with our spans off, effect/ai's span is the one GenAI span; the metrics are still recorded once", () =>
    Effect.gen(function*() {
      const model = uniqueModel("nospans")
      const { metrics, spans } = yield* traced(
        http,
        model,
        Testing.completion({ content: "Hi", model, id: "gen-ai-span", usage }),
        LanguageModel.generateText({ prompt: "Hi" }),
        { telemetry: { spans: false } }
      )
      const ai = named(spans, "LanguageModel.generateText")
      expect(spans.filter((s) => s.name.startsWith("chat"))).toHaveLength(0)
      expect(genAiSpans(spans)).toEqual([ai])
      expect(ai.attributes).toMatchObject({
        "gen_ai.provider.name": "openrouter",
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": model,
        "gen_ai.response.id": "gen-ai-span",
        "gen_ai.usage.input_tokens": 12,
        "gen_ai.usage.output_tokens": 34
      })
      expectOneCallRecorded(metrics, model)
    }))

  it.live("with telemetry off, effect/ai's span carries the GenAI attributes of a stream; no metric point", () =>
    Effect.gen(function*() {
      const model = uniqueModel("off")
      const { metrics, spans } = yield* traced(
        http,
        model,
        Testing.stream({ deltas: ["H", "i"], model, usage }),
        Stream.runDrain(LanguageModel.streamText({ prompt: "Hi" })),
        { telemetry: false }
      )
      const ai = named(spans, "LanguageModel.streamText")
      expect(genAiSpans(spans)).toEqual([ai])
      expect(ai.attributes).toMatchObject({ "gen_ai.request.model": model, "gen_ai.usage.output_tokens": 34 })
      expect(points(metrics, "gen_ai.client.token.usage", model)).toHaveLength(0)
    }))
})
