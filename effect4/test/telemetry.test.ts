/**
 * The Effect 4 edition's telemetry through a real OpenTelemetry pipeline (`@effect/opentelemetry` 4's
 * NodeSdk with the SDK's in-memory span exporter and an in-memory metric exporter) over real loopback
 * sockets, with both HTTP clients: the body is shared with the Effect 3 edition
 * (`test/support/telemetrySuite.ts`, where the two bridges differ: `bridge`), this file gives it the
 * Effect 4 edition's `Traced` and holds the spans under Effect's native tracer.
 *
 * Effect's metrics live in one global registry, so each test uses model names of its own and reads only
 * the data points tagged with them.
 */
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
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
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import type { Outcome } from "../../test/support/calls.js"
import {
  answerSeen,
  request as shared,
  type Seen,
  type Step,
  telemetrySuite,
  type Traced,
  type Untraced
} from "../../test/support/telemetrySuite.js"
import * as Chat from "../src/Chat.js"
import * as Client from "../src/Client.js"
import { OpenRouterConfig } from "../src/Client.js"
import * as Retry from "../src/Retry.js"
import * as Testing from "../src/Testing.js"
import type * as TestServer from "../src/TestServer.js"
import { outcome, wired } from "./support/callsEffect4.js"
import { httpClients, SECRET, withServer } from "./support/harness.js"

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

/** One step of a shared body (`Step`), run in the SDK's scope: how it ended. */
const runStep = (
  step: Step
): Effect.Effect<Outcome<unknown>, never, HttpClient.HttpClient | Client.OpenRouterConfig> => {
  const ended = <A>(
    effect: Effect.Effect<A, { readonly _tag: string }, HttpClient.HttpClient | Client.OpenRouterConfig>
  ): Effect.Effect<Outcome<unknown>, never, HttpClient.HttpClient | Client.OpenRouterConfig> =>
    Effect.map(Effect.result(effect), outcome<unknown>)
  const request = step.request as Chat.ChatRequest
  switch (step.call) {
    case "send":
      return ended(Chat.send(request))
    case "stream": {
      const chunks = Chat.stream(request, step.options as Chat.Options | undefined)
      return ended(Stream.runCollect(step.take === undefined ? chunks : Stream.take(chunks, step.take)))
    }
    case "interrupt":
      return Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(Stream.runDrain(Chat.stream(request)))
        yield* Effect.sleep(step.after)
        yield* Fiber.interrupt(fiber)
        return { ok: true, value: undefined }
      })
  }
}

/** The Effect 4 edition's `Traced` over one HttpClient. */
const tracedOver = (http: Layer.Layer<HttpClient.HttpClient>): Traced<Testing.Reply> => (script, steps, config) =>
  Effect.runPromise(
    traced(http, script, () => Effect.forEach(steps, runStep), config as Partial<Client.OpenRouterConfigOptions>).pipe(
      Effect.map(({ metrics, result, spans }) => ({ outcomes: result, spans, metrics }))
    )
  )

/** The Effect 4 edition's `Untraced`: an in-process HttpClient that reports its span, its parent and its trace headers. */
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
          : Effect.withTracer(Tracer.make({ span: (options) => native.span(options) }))
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
