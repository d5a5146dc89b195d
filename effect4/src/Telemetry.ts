/**
 * Telemetry: every `Chat.send` and `Chat.stream` runs in one client span following the OpenTelemetry
 * GenAI semantic conventions (`chat {model}`, `gen_ai.*` attributes, plus OpenRouter's own facts under
 * `openrouter.`), with the HTTP client's span of each attempt as its child and each retry as a span
 * event; and records the GenAI metrics with Effect's `Metric`.
 *
 * Nothing is exported until you install a tracer and a metric exporter the Effect way, e.g.
 * `@effect/opentelemetry`'s `NodeSdk.layer`. Message content is never recorded unless you opt in with
 * `recordContent`; the API key is never recorded. Switch it off per configuration with the
 * `telemetry` option of `OpenRouterConfig.layer`.
 *
 * @example
 * ```ts
 * import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
 * import { BatchSpanProcessor, ConsoleSpanExporter } from "@opentelemetry/sdk-trace-base"
 * import { Redacted } from "effect"
 * import { OpenRouterConfig } from "effect-openrouter"
 *
 * const Tracing = NodeSdk.layer(() => ({
 *   resource: { serviceName: "my-app" },
 *   spanProcessor: new BatchSpanProcessor(new ConsoleSpanExporter())
 * }))
 * const Config = OpenRouterConfig.layer({
 *   apiKey: Redacted.make("sk-or-..."),
 *   telemetry: { recordContent: false } // the default: no prompts or completions in spans
 * })
 * ```
 *
 * @since 0.2.0
 */
import type * as Metric from "effect/Metric"
import * as genai from "../../src/internal/telemetry/genai.js"
import * as internal from "./internal/telemetry/telemetry.js"

/**
 * The `telemetry` option of `OpenRouterConfig.layer`. Every field defaults to on except `recordContent`.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options extends internal.TelemetryOptions {
  /** One client span per call (`chat {model}`) with the GenAI attributes. Default true. */
  readonly spans?: boolean | undefined
  /** The GenAI metrics (token usage, duration, time to first chunk, cost, failures). Default true. */
  readonly metrics?: boolean | undefined
  /**
   * Records the request's messages (`gen_ai.input.messages`) and the answer, tool calls included
   * (`gen_ai.output.messages`), on the span, as JSON in the conventions' message format. Prompts and
   * completions often hold personal data: default false.
   */
  readonly recordContent?: boolean | undefined
  /**
   * The most attribute sets (series) a metric records, as OpenTelemetry SDKs bound theirs: past
   * `cardinalityLimit - 1` series, a new attribute set (a new model name, say) is recorded in one
   * overflow series labelled `otel.metric.overflow: "true"`, so memory stays flat whatever model names
   * pass through. A whole number, 1 or more. Default 2,000 (the OpenTelemetry SDK's default).
   *
   * @since 0.3.0
   */
  readonly cardinalityLimit?: number | undefined
}

/**
 * The histogram `gen_ai.client.token.usage` (unit `{token}`): tokens per call, tagged with
 * `gen_ai.token.type` (`input` or `output`), the operation, provider and models.
 *
 * @since 0.2.0
 * @category metrics
 */
export const tokenUsage: Metric.Histogram<number> = internal.tokenUsage

/**
 * The histogram `gen_ai.client.operation.duration` (unit `s`): from the call to its response, or to a
 * stream's end; failed calls carry `error.type`.
 *
 * @since 0.2.0
 * @category metrics
 */
export const operationDuration: Metric.Histogram<number> = internal.operationDuration

/**
 * The histogram `gen_ai.client.operation.time_to_first_chunk` (unit `s`): from the call to a stream's
 * first chunk with content (streams only).
 *
 * @since 0.2.0
 * @category metrics
 */
export const timeToFirstChunk: Metric.Histogram<number> = internal.timeToFirstChunk

/**
 * The counter `openrouter.client.cost` (unit `USD`): the cost OpenRouter reports in `usage.cost`.
 *
 * @since 0.2.0
 * @category metrics
 */
export const cost: Metric.Counter<number> = internal.cost

/**
 * The counter `openrouter.client.failures`: failed calls, tagged with `error.type` (the error's tag,
 * e.g. `TooManyRequestsResponseError`).
 *
 * @since 0.2.0
 * @category metrics
 */
export const failures: Metric.Counter<number> = internal.failures

/**
 * The name of every span attribute and event attribute the client records, by meaning.
 *
 * @since 0.2.0
 * @category constants
 */
export const attributes: typeof genai.Attr = genai.Attr

/**
 * The name of every metric the client records.
 *
 * @since 0.2.0
 * @category constants
 */
export const metricNames: typeof genai.MetricName = genai.MetricName
