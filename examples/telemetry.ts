/**
 * Streams a reply with OpenTelemetry installed the Effect way (`@effect/opentelemetry`'s `NodeSdk`
 * layer), and prints what the call exported with the SDK's console exporters: the `chat {model}` client
 * span with its GenAI attributes, the HTTP client's span beneath it, then the GenAI metrics (token
 * usage, duration, time to first chunk, cost) when the program ends and the SDK shuts down.
 *
 *   npm run example -- telemetry
 *
 * Swap the console exporters for `@opentelemetry/exporter-trace-otlp-http` & co. to send the same data
 * to a collector. Prompts and completions are not recorded unless you set `recordContent: true`.
 */
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { ConsoleMetricExporter, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics"
import { ConsoleSpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Console, Effect, Layer, Stream } from "effect"
import { Chat } from "../src/index.js"
import * as Backend from "./support/runtime.js"

const program = Effect.gen(function*() {
  yield* Console.log("The console exporters print each span as it ends, and the metrics when the program ends.")
  yield* Chat.stream({
    model: yield* Backend.model(),
    messages: [{ role: "user", content: "Write a haiku about traces." }],
    max_tokens: 200
  }).pipe(
    Stream.runForEach((chunk) => Effect.sync(() => process.stdout.write(chunk.choices[0]?.delta?.content ?? "")))
  )
  yield* Console.log("\n")
})

const Telemetry = NodeSdk.layer(() => ({
  resource: { serviceName: "effect-openrouter-example" },
  spanProcessor: new SimpleSpanProcessor(new ConsoleSpanExporter()),
  // Exported once, when the layer is released at the end of the program.
  metricReader: new PeriodicExportingMetricReader({
    exporter: new ConsoleMetricExporter(),
    exportIntervalMillis: 3_600_000
  })
}))

program.pipe(
  Effect.provide(Layer.mergeAll(
    Backend.layer({ config: { telemetry: { recordContent: false } } }),
    NodeHttpClient.layerUndici,
    Telemetry
  )),
  NodeRuntime.runMain
)
