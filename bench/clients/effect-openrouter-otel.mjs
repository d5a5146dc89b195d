// effect-openrouter (dist/) with the OpenTelemetry SDK installed through @effect/opentelemetry's
// NodeSdk: every span sampled and handed to a BatchSpanProcessor, metrics read by a periodic reader,
// both exporting to exporters that drop what they get (the cost measured is the SDK's recording and
// batching, not a network exporter's). Used by bench/ab.mjs.
import { Effect, Layer, ManagedRuntime, Redacted, Stream } from "effect"
import { Chat, OpenRouterConfig } from "../../dist/index.js"
import { REQUEST } from "../request.mjs"

const dropSpans = { export: (_spans, done) => done({ code: 0 }), shutdown: () => Promise.resolve() }
const dropMetrics = {
  export: (_metrics, done) => done({ code: 0 }),
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve()
}

export const make = (httpLayer) => async (baseUrl) => {
  let NodeSdk, BatchSpanProcessor, PeriodicExportingMetricReader
  try {
    ;({ NodeSdk } = await import("@effect/opentelemetry"))
    ;({ BatchSpanProcessor } = await import("@opentelemetry/sdk-trace-base"))
    ;({ PeriodicExportingMetricReader } = await import("@opentelemetry/sdk-metrics"))
  } catch (e) {
    throw Object.assign(new Error(`the OpenTelemetry SDK is not installed: ${e.message}`), { unavailable: true })
  }
  const sdk = NodeSdk.layer(() => ({
    resource: { serviceName: "bench" },
    spanProcessor: new BatchSpanProcessor(dropSpans),
    metricReader: new PeriodicExportingMetricReader({ exporter: dropMetrics, exportIntervalMillis: 1000 })
  }))
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(
      OpenRouterConfig.layer({ apiKey: Redacted.make("k"), baseUrl }).pipe(Layer.provideMerge(httpLayer)),
      sdk
    )
  )
  await runtime.runPromise(Effect.void)
  return runtime
}

export const send = (runtime) => runtime.runPromise(Chat.send(REQUEST))

export const stream = (runtime, onChunk) =>
  runtime.runPromise(Chat.stream(REQUEST).pipe(Stream.runForEach((chunk) => Effect.sync(() => onChunk(chunk)))))
