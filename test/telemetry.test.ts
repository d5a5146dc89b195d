/**
 * Telemetry through a real OpenTelemetry pipeline (`@effect/opentelemetry`'s NodeSdk with the SDK's
 * in-memory span exporter and an in-memory metric exporter) over real loopback sockets, with both HTTP
 * clients: the body is shared with the Effect 4 edition (`test/support/telemetrySuite.ts`), this file
 * gives it the Effect 3 edition's `Traced` and holds what only this edition has: list attributes on
 * Effect's own span, the `@effect/ai` provider's span, and the spans under Effect's native tracer.
 *
 * Effect's metrics live in one global registry, so each test uses model names of its own and reads only
 * the data points tagged with them.
 */
import * as LanguageModel from "@effect/ai/LanguageModel"
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import type { ResourceMetrics } from "@opentelemetry/sdk-metrics"
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader
} from "@opentelemetry/sdk-metrics"
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base"
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
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
import type { Outcome } from "./support/calls.js"
import { outcome, wired } from "./support/callsEffect3.js"
import { httpClients, recordingTracer, SECRET, withServer } from "./support/harness.js"
import {
  ANSWER,
  answerSeen,
  request as shared,
  type Seen,
  type Step,
  telemetrySuite,
  type Traced,
  uniqueModel,
  type Untraced
} from "./support/telemetrySuite.js"

const request = (model: string, extra: Record<string, unknown> = {}) => shared(model, extra) as Chat.ChatRequest

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
const only = (spans: ReadonlyArray<ReadableSpan>): ReadableSpan => {
  expect(spans).toHaveLength(1)
  return spans[0]!
}

/** One step of a shared body (`Step`), run in the SDK's scope: how it ended. */
const runStep = (
  step: Step
): Effect.Effect<Outcome<unknown>, never, HttpClient.HttpClient | Client.OpenRouterConfig> => {
  const ended = <A>(
    effect: Effect.Effect<A, { readonly _tag: string }, HttpClient.HttpClient | Client.OpenRouterConfig>
  ): Effect.Effect<Outcome<unknown>, never, HttpClient.HttpClient | Client.OpenRouterConfig> =>
    Effect.map(Effect.either(effect), outcome<unknown>)
  const request = step.request as Chat.ChatRequest
  switch (step.call) {
    case "send":
      return ended(Chat.send(request))
    case "stream": {
      const chunks = Chat.stream(request, step.options as Chat.Options | undefined)
      return ended(
        Stream.runCollect(step.take === undefined ? chunks : Stream.take(chunks, step.take)).pipe(
          Effect.map((collected) => [...collected])
        )
      )
    }
    case "interrupt":
      return Effect.gen(function*() {
        const fiber = yield* Effect.fork(Stream.runDrain(Chat.stream(request)))
        yield* Effect.sleep(step.after)
        yield* Fiber.interrupt(fiber)
        return { ok: true, value: undefined }
      })
  }
}

/** The Effect 3 edition's `Traced` over one HttpClient. */
const tracedOver = (http: Layer.Layer<HttpClient.HttpClient>): Traced<Testing.Reply> => (script, steps, config) =>
  Effect.runPromise(
    traced(http, script, () => Effect.forEach(steps, runStep), config as Partial<Client.OpenRouterConfigOptions>).pipe(
      Effect.map(({ metrics, result, spans }) => ({ outcomes: result, spans, metrics }))
    )
  )

describe.each(httpClients)("telemetry over %s", (_name, http) => {
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
})

/** The Effect 3 edition's `Untraced`: an in-process HttpClient that reports its span, its parent and its trace headers. */
const untraced: Untraced = (call, tracer, model) => {
  const seen: Array<Seen> = []
  const client = HttpClient.make((request) =>
    Effect.map(Effect.currentSpan.pipe(Effect.option), (span) => {
      const parent = Option.flatMap(span, (s) => s.parent)
      return HttpClientResponse.fromWeb(
        request,
        answerSeen(
          seen,
          request.headers,
          Option.match(parent, { onNone: () => undefined, onSome: (p) => p._tag === "Span" ? p.name : "external" }),
          Option.getOrUndefined(Option.map(span, (s) => s.name))
        )
      )
    })
  )
  const layer = Layer.merge(
    Layer.succeed(HttpClient.HttpClient, client),
    OpenRouterConfig.layer({ apiKey: Redacted.make(SECRET), retry: false })
  )
  return Effect.runPromise(
    Effect.gen(function*() {
      const native = yield* Effect.tracer
      const outcome = yield* runStep({ call, request: request(model) }).pipe(
        tracer === "native"
          ? (effect) => effect
          : Effect.withTracer(Tracer.make({ span: (...args) => native.span(...args), context: (f) => f() }))
      )
      return { outcome, seen }
    }).pipe(Effect.provide(layer))
  )
}

telemetrySuite(wired, {
  clients: httpClients.map(([name, http]) => [name, tracedOver(http)] as const),
  retry: Retry.make,
  untraced
})
