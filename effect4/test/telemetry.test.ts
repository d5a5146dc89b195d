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
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import type { CallError, Outcome } from "../../test/support/calls.js"
import { request as shared, type Step, telemetrySuite, type Traced } from "../../test/support/telemetrySuite.js"
import * as Chat from "../src/Chat.js"
import * as Client from "../src/Client.js"
import { OpenRouterConfig } from "../src/Client.js"
import * as Retry from "../src/Retry.js"
import * as Testing from "../src/Testing.js"
import type * as TestServer from "../src/TestServer.js"
import { wired } from "./support/callsEffect4.js"
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
const runStep = (step: Step): Effect.Effect<Outcome<unknown>, never, HttpClient.HttpClient | Client.OpenRouterConfig> => {
  const outcome = <A>(
    effect: Effect.Effect<A, { readonly _tag: string }, HttpClient.HttpClient | Client.OpenRouterConfig>
  ) =>
    Effect.map(Effect.result(effect), (result): Outcome<unknown> =>
      Result.isSuccess(result)
        ? { ok: true, value: result.success }
        : { ok: false, error: result.failure as CallError })
  const request = step.request as Chat.ChatRequest
  switch (step.call) {
    case "send":
      return outcome(Chat.send(request))
    case "stream": {
      const chunks = Chat.stream(request, step.options as Chat.Options | undefined)
      return outcome(Stream.runCollect(step.take === undefined ? chunks : Stream.take(chunks, step.take)))
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

telemetrySuite(wired, {
  clients: httpClients.map(([name, http]) => [name, tracedOver(http)] as const),
  retry: Retry.make
})

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
      const native = yield* Effect.tracer
      const tracer = Tracer.make({ span: (options) => native.span(options) })
      yield* Chat.send(request("test/custom")).pipe(Effect.withTracer(tracer))
      expect(parents).toEqual(["chat test/custom"])
      expect(sent).toHaveLength(1)
      expect(sent[0]!.span).toBe("POST")
      expect(sent[0]!.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
      expect(sent[0]!.b3).toBeDefined()
    }).pipe(Effect.provide(layer)))

  it.effect("a stream opens no span either under the native tracer, and its HTTP client neither", () =>
    Effect.gen(function*() {
      parents.length = 0
      sent.length = 0
      const chunks = yield* Stream.runCollect(Chat.stream(request("test/native-stream")))
      expect(chunks).toHaveLength(1)
      expect(parents).toEqual([undefined])
      expect(sent).toEqual([{ span: undefined, traceparent: undefined, b3: undefined }])
    }).pipe(Effect.provide(layer)))

  it.effect("a stream opens its span under any other tracer, with the HTTP client's span and trace headers", () =>
    Effect.gen(function*() {
      parents.length = 0
      sent.length = 0
      const native = yield* Effect.tracer
      const tracer = Tracer.make({ span: (options) => native.span(options) })
      yield* Stream.runDrain(Chat.stream(request("test/custom-stream"))).pipe(Effect.withTracer(tracer))
      expect(parents).toEqual(["chat test/custom-stream"])
      expect(sent).toHaveLength(1)
      expect(sent[0]!.span).toBe("POST")
      expect(sent[0]!.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
      expect(sent[0]!.b3).toBeDefined()
    }).pipe(Effect.provide(layer)))
})
