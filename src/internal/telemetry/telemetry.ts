/**
 * Telemetry of a call: one GenAI client span per `Chat.send` / `Chat.stream` (the HTTP client's span of
 * each attempt is its child; each retry is an event on it), and the GenAI metrics, recorded with
 * Effect's `Metric` so that any exporter of Effect metrics (e.g. `@effect/opentelemetry`) sees them.
 *
 * Cost when nobody listens: with Effect's native tracer (no tracer installed) no span is opened, since
 * nothing could export it (a native span and making it the HTTP span's parent cost about 15 us a call,
 * measured in bench/); what remains is at most six metric updates per call through label sets built
 * once per (model, provider, error) and reused, so a metric update is a WeakMap hit (`Metric.tagged`
 * would build and hash a new metric key per call). A stream's chunks cost one check per emitted batch
 * and a few field reads per chunk.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as MetricLabel from "effect/MetricLabel"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import type { OpenRouterConfigService } from "../../Client.js"
import * as Errors from "../../Errors.js"
import type * as S from "../../Schema.js"
import { Collector } from "../chat/collect.js"
import { tokenCount } from "../provider/usage.js"
import { isRecord } from "../transport/json.js"
import {
  Attr,
  inputMessages,
  MetricName,
  operationName,
  outputMessages,
  providerName,
  requestAttributes,
  requestModel,
  ResponseFacts,
  retryEvent,
  secondsBuckets,
  serverAttributes,
  spanName,
  tokenBuckets
} from "./genai.js"
import { isNativeTracer } from "./platformSpan.js"

// ---------------------------------------------------------------------------------------------
// Metrics

/** `gen_ai.client.token.usage`: tokens per call, by `gen_ai.token.type` (`input`, `output`). */
export const tokenUsage = Metric.histogram(
  MetricName.tokenUsage,
  MetricBoundaries.fromIterable(tokenBuckets),
  "Number of input and output tokens used."
)

/** `gen_ai.client.operation.duration`: seconds from the call to its end (a stream's last chunk). */
export const operationDuration = Metric.histogram(
  MetricName.operationDuration,
  MetricBoundaries.fromIterable(secondsBuckets),
  "GenAI operation duration."
)

/** `gen_ai.client.operation.time_to_first_chunk`: seconds from the call to a stream's first content chunk. */
export const timeToFirstChunk = Metric.histogram(
  MetricName.timeToFirstChunk,
  MetricBoundaries.fromIterable(secondsBuckets),
  "Time to receive the first chunk of a streaming response."
)

/** `openrouter.client.cost`: the cost of the calls in USD (OpenRouter credits), as OpenRouter reports it. */
export const cost = Metric.counter(MetricName.cost, {
  description: "Cost of the calls in USD, as reported by OpenRouter.",
  incremental: true
})

/** `openrouter.client.failures`: failed calls, by `error.type` (the error's tag). */
export const failures = Metric.counter(MetricName.failures, {
  description: "Failed calls, by error type.",
  incremental: true
})

/** The label sets of one (server, model, provider, error) combination, one per metric. */
interface LabelSets {
  readonly duration: ReadonlyArray<MetricLabel.MetricLabel>
  readonly input: ReadonlyArray<MetricLabel.MetricLabel>
  readonly output: ReadonlyArray<MetricLabel.MetricLabel>
  readonly firstChunk: ReadonlyArray<MetricLabel.MetricLabel>
  readonly cost: ReadonlyArray<MetricLabel.MetricLabel>
  readonly failures: ReadonlyArray<MetricLabel.MetricLabel>
}

/** The label sets a call records with (after the cardinality limit), and the ones it asked for. */
export interface Labels extends LabelSets {
  readonly wanted: LabelSets
}

// ---------------------------------------------------------------------------------------------
// Cardinality limit
//
// Every distinct label set of a metric is a series that Effect's global metric registry keeps for
// the life of the process, so a server passing user-chosen model names would grow without bound.
// As OpenTelemetry SDKs do (the metrics SDK spec's cardinality limit, default 2,000 per metric), a
// metric records at most `limit - 1` label sets; past that, a new label set is folded into one
// overflow series labelled `otel.metric.overflow: "true"` (Effect's labels are strings). The label
// sets seen are kept per metric name, as the registry keeps its series, so the bound holds across
// configurations; a configuration's limit says when it may add a series.

/** OpenTelemetry's default cardinality limit per metric. */
export const DEFAULT_CARDINALITY_LIMIT = 2000

const seriesByMetric = new Map<string, Set<string>>()

const overflowLabels = new Map<string, ReadonlyArray<MetricLabel.MetricLabel>>()

/** The one overflow label set of a metric (with its unit, which exporters read from the labels). */
const overflowOf = (metric: string, labels: ReadonlyArray<MetricLabel.MetricLabel>) => {
  const unit = labels.find((l) => l.key === "unit")
  const key = `${metric}\u0000${unit?.value}`
  let overflow = overflowLabels.get(key)
  if (overflow === undefined) {
    overflow = unit === undefined ? [overflowLabel] : [overflowLabel, unit]
    overflowLabels.set(key, overflow)
  }
  return overflow
}

const overflowLabel = MetricLabel.make(Attr.metricOverflow, "true")

/** The label set a metric records with: `labels` while it has room for them, else its overflow set. */
const admit = (
  metric: string,
  labels: ReadonlyArray<MetricLabel.MetricLabel>,
  limit: number
): ReadonlyArray<MetricLabel.MetricLabel> => {
  let seen = seriesByMetric.get(metric)
  if (seen === undefined) {
    seen = new Set()
    seriesByMetric.set(metric, seen)
  }
  let key = ""
  for (const label of labels) key += `${label.key}\u0000${label.value}\u0001`
  if (seen.has(key)) return labels
  if (seen.size < limit - 1) {
    seen.add(key)
    return labels
  }
  return overflowOf(metric, labels)
}

const admitAll = (wanted: LabelSets, limit: number): Labels => ({
  duration: admit(MetricName.operationDuration, wanted.duration, limit),
  input: admit(MetricName.tokenUsage, wanted.input, limit),
  output: admit(MetricName.tokenUsage, wanted.output, limit),
  firstChunk: admit(MetricName.timeToFirstChunk, wanted.firstChunk, limit),
  cost: admit(MetricName.cost, wanted.cost, limit),
  failures: admit(MetricName.failures, wanted.failures, limit),
  wanted
})

// Label arrays are reused: Effect caches a metric's hook per label array (by identity).
const labelCache = new Map<string, Labels>()
// The bound keeps a pathological stream of distinct models from growing the cache without end.
const labelCacheLimit = 1000

const makeLabels = (
  server: Settings["server"],
  reqModel: string | undefined,
  resModel: string | undefined,
  provider: string | undefined,
  errorType: string | undefined
): LabelSets => {
  const base = [
    MetricLabel.make(Attr.operationName, operationName),
    MetricLabel.make(Attr.providerName, providerName)
  ]
  if (reqModel !== undefined) base.push(MetricLabel.make(Attr.requestModel, reqModel))
  if (resModel !== undefined) base.push(MetricLabel.make(Attr.responseModel, resModel))
  if (provider !== undefined) base.push(MetricLabel.make(Attr.openrouterProvider, provider))
  if (server !== undefined) {
    base.push(MetricLabel.make(Attr.serverAddress, server.address))
    base.push(MetricLabel.make(Attr.serverPort, String(server.port)))
  }
  const seconds = MetricLabel.make("unit", "s")
  const tokens = MetricLabel.make("unit", "{token}")
  const withError = errorType === undefined ? base : [...base, MetricLabel.make(Attr.errorType, errorType)]
  return {
    duration: [...withError, seconds],
    input: [...base, MetricLabel.make(Attr.tokenType, "input"), tokens],
    output: [...base, MetricLabel.make(Attr.tokenType, "output"), tokens],
    firstChunk: [...base, seconds],
    cost: [...base, MetricLabel.make("unit", "USD")],
    failures: withError
  }
}

// The last label set used, per configuration: calls mostly repeat the model and provider of the one
// before, and four string comparisons are cheaper than building and hashing the cache key.
interface LastLabels {
  reqModel: string | undefined
  resModel: string | undefined
  provider: string | undefined
  errorType: string | undefined
  labels: Labels | undefined
}

export const labelsFor = (
  settings: Settings,
  reqModel: string | undefined,
  resModel: string | undefined,
  provider: string | undefined,
  errorType: string | undefined
): Labels => {
  const last = settings.last
  if (
    last.labels !== undefined && last.reqModel === reqModel && last.resModel === resModel &&
    last.provider === provider && last.errorType === errorType
  ) return last.labels
  const server = settings.server
  const key =
    `${server?.address}:${server?.port}\u0000${reqModel}\u0000${resModel}\u0000${provider}\u0000${errorType}\u0000${settings.cardinalityLimit}`
  let labels = labelCache.get(key)
  if (labels === undefined) {
    labels = admitAll(makeLabels(server, reqModel, resModel, provider, errorType), settings.cardinalityLimit)
    if (labelCache.size >= labelCacheLimit) labelCache.clear()
    labelCache.set(key, labels)
  }
  last.reqModel = reqModel
  last.resModel = resModel
  last.provider = provider
  last.errorType = errorType
  last.labels = labels
  return labels
}

// ---------------------------------------------------------------------------------------------
// Settings

/** The resolved telemetry settings of a configuration. */
export interface Settings {
  readonly spans: boolean
  readonly metrics: boolean
  readonly recordContent: boolean
  readonly cardinalityLimit: number
  readonly server: { readonly address: string; readonly port: number } | undefined
  readonly last: LastLabels
}

const settingsCache = new WeakMap<OpenRouterConfigService, Settings | false>()

export const settingsOf = (config: OpenRouterConfigService): Settings | false => {
  let settings = settingsCache.get(config)
  if (settings === undefined) {
    const options = config.telemetry === false ? { spans: false, metrics: false } : config.telemetry ?? {}
    const spans = options.spans !== false
    const metrics = options.metrics !== false
    settings = !spans && !metrics ? false : {
      spans,
      metrics,
      recordContent: options.recordContent === true,
      cardinalityLimit: options.cardinalityLimit ?? DEFAULT_CARDINALITY_LIMIT,
      server: serverAttributes(config.baseUrl),
      last: { reqModel: undefined, resModel: undefined, provider: undefined, errorType: undefined, labels: undefined }
    }
    settingsCache.set(config, settings)
  }
  return settings
}

// ---------------------------------------------------------------------------------------------
// Calls

// The call behind a span, for the retry schedule (which sees the span as the current parent span).
const calls = new WeakMap<Tracer.AnySpan, Call>()

/** One traced call: its span (when spans are on) and what it learned on the way. */
export class Call {
  span: Tracer.Span | undefined = undefined
  retries = 0
  firstChunk: bigint | undefined = undefined
  /** A stream read to its end (`[DONE]`); a stream that ends otherwise was stopped early. */
  completed = false
  /** Whether {@link endStream} ran. */
  ended = false
  readonly facts = new ResponseFacts()
  readonly collector: Collector | undefined
  set: (key: string, value: unknown) => void = ignore

  constructor(
    readonly settings: Settings,
    readonly request: unknown,
    readonly stream: boolean,
    readonly clock: Clock.Clock,
    /** When the call started: reset when its span opens, so that its durations never exceed the span's. */
    public start: bigint
  ) {
    this.collector = stream && settings.recordContent ? new Collector() : undefined
  }

  open(span: Tracer.Span): void {
    this.span = span
    // The span started just before: measured from here, the time to first chunk (and the duration metric)
    // can never exceed the span's own duration (taken before the span, it did by the time opening it took).
    this.start = this.clock.unsafeCurrentTimeNanos()
    this.set = (key, value) => setAttribute(span, key, value)
    calls.set(span, this)
    requestAttributes(this.request, this.stream, this.set)
    if (this.settings.server !== undefined) {
      span.attribute(Attr.serverAddress, this.settings.server.address)
      span.attribute(Attr.serverPort, this.settings.server.port)
    }
    if (this.settings.recordContent) {
      const input = inputMessages(this.request)
      if (input !== undefined) span.attribute(Attr.inputMessages, input)
    }
  }

  /** The chunks a stream hands its consumer (one batch per network read). */
  emitted(chunks: ReadonlyArray<S.ChatStreamChunk>, contentEmitted: boolean): void {
    if (contentEmitted && this.firstChunk === undefined) this.firstChunk = this.clock.unsafeCurrentTimeNanos()
    for (let i = 0; i < chunks.length; i++) {
      this.facts.chunk(chunks[i]!)
      if (this.collector !== undefined) this.collector.add(chunks[i]!)
    }
  }

  /** A retry is about to wait `delay` after attempt number `retries + 1` failed with `error`. */
  retried(error: Errors.StreamError, delay: Duration.Duration, fromRetryAfter: boolean): void {
    this.retries++
    this.span?.event(retryEvent, this.clock.unsafeCurrentTimeNanos(), {
      [Attr.retryAttempt]: this.retries,
      [Attr.errorType]: error._tag,
      [Attr.retryDelay]: Duration.toMillis(delay) / 1000,
      [Attr.retryFromRetryAfter]: fromRetryAfter
    })
  }

  /** Records the end of the call on its span and in the metrics (the span is ended by the caller). */
  finish(exit: Exit.Exit<unknown, unknown>, metricTags: ReadonlyArray<MetricLabel.MetricLabel>): void {
    const end = this.clock.unsafeCurrentTimeNanos()
    let errorType: string | undefined
    let cancelled = false
    if (Exit.isFailure(exit)) {
      const failure = Cause.failureOption(exit.cause)
      if (Option.isSome(failure)) errorType = tagOf(failure.value)
      else if (Cause.isInterruptedOnly(exit.cause)) cancelled = true
      else errorType = "_OTHER"
    } else if (this.stream && !this.completed) {
      cancelled = true
    }
    const facts = this.facts
    const span = this.span
    if (span !== undefined) {
      facts.attributes(this.set)
      span.attribute(Attr.openrouterAttempts, this.retries + 1)
      if (errorType !== undefined) span.attribute(Attr.errorType, errorType)
      if (cancelled) span.attribute(Attr.openrouterCancelled, true)
      if (this.firstChunk !== undefined) {
        span.attribute(Attr.responseTimeToFirstChunk, seconds(this.start, this.firstChunk))
      }
      if (this.settings.recordContent) {
        const response = this.collector !== undefined ?
          this.collector.result() :
          Exit.isSuccess(exit) ?
          exit.value as S.ChatResponse :
          undefined
        if (response !== undefined && response.choices.length > 0) {
          span.attribute(Attr.outputMessages, outputMessages(response))
        }
      }
    }
    if (!this.settings.metrics) return
    let labels = labelsFor(this.settings, requestModel(this.request), facts.model, facts.provider, errorType)
    if (metricTags.length > 0) labels = admitAll(withTags(labels.wanted, metricTags), this.settings.cardinalityLimit)
    operationDuration.unsafeUpdate(seconds(this.start, end), labels.duration)
    if (errorType !== undefined) failures.unsafeUpdate(1, labels.failures)
    if (this.firstChunk !== undefined) {
      timeToFirstChunk.unsafeUpdate(seconds(this.start, this.firstChunk), labels.firstChunk)
    }
    const usage = facts.usage
    if (usage !== undefined) {
      const input = tokenCount(usage.prompt_tokens)
      const output = tokenCount(usage.completion_tokens)
      if (input !== undefined) tokenUsage.unsafeUpdate(input, labels.input)
      if (output !== undefined) tokenUsage.unsafeUpdate(output, labels.output)
      if (typeof usage.cost === "number" && usage.cost > 0) cost.unsafeUpdate(usage.cost, labels.cost)
    }
  }
}

const ignore = (): void => {}

// ---------------------------------------------------------------------------------------------
// List attributes

// `@effect/opentelemetry`'s span (its `OtelSpan`) is marked with this symbol and holds the
// OpenTelemetry span as `span`; its `attribute` hands any non-scalar value to the SDK as JSON text
// (0.64), while the GenAI conventions type list attributes as string arrays.
const OtelSpanTypeId = Symbol.for("@effect/opentelemetry/Tracer/OtelSpan")

interface OtelApiSpan {
  readonly setAttribute: (key: string, value: ReadonlyArray<string>) => unknown
}

const otelSpanOf = (span: Tracer.Span): OtelApiSpan | undefined => {
  if (!(OtelSpanTypeId in span)) return undefined
  const inner = (span as { readonly span?: unknown }).span
  return typeof inner === "object" && inner !== null &&
      typeof (inner as { readonly setAttribute?: unknown }).setAttribute === "function"
    ? inner as OtelApiSpan
    : undefined
}

/**
 * Sets a span attribute. A list of strings reaches an OpenTelemetry span underneath as an array (the
 * form the conventions give it), without a dependency on OpenTelemetry: the Effect span keeps the
 * list as it is, and any other tracer sees it as before.
 */
export const setAttribute = (span: Tracer.Span, key: string, value: unknown): void => {
  span.attribute(key, value)
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
    otelSpanOf(span)?.setAttribute(key, value)
  }
}

const seconds = (from: bigint, to: bigint): number => Number(to - from) / 1e9

const tagOf = (error: unknown): string =>
  isRecord(error) && typeof error._tag === "string"
    ? error._tag
    : "_OTHER"

// The user's own metric labels (`Effect.tagMetrics`) come first, as `Metric.update` would put them.
const withTags = (labels: LabelSets, tags: ReadonlyArray<MetricLabel.MetricLabel>): LabelSets => ({
  duration: [...tags, ...labels.duration],
  input: [...tags, ...labels.input],
  output: [...tags, ...labels.output],
  firstChunk: [...tags, ...labels.firstChunk],
  cost: [...tags, ...labels.cost],
  failures: [...tags, ...labels.failures]
})

const spanOptions = { kind: "client", captureStackTrace: false } as const

/**
 * Runs `Chat.send`'s effect as a traced call: in a client span named `chat {model}` (the parent of the
 * HTTP client's spans), recording the response's facts and the metrics at its end.
 */
export const traceSend = <E, R>(
  config: OpenRouterConfigService,
  request: unknown,
  effect: Effect.Effect<S.ChatResponse, E, R>
): Effect.Effect<S.ChatResponse, E, R> => {
  const settings = settingsOf(config)
  if (settings === false) return effect
  // One fiber read for the tracer and the clock, one for the metric labels: this runs on every call.
  return Effect.withFiberRuntime((fiber) => {
    const spans = settings.spans && !isNativeTracer(fiber.currentTracer)
    if (!spans && !settings.metrics) return effect
    const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
    const call = new Call(settings, request, false, clock, clock.unsafeCurrentTimeNanos())
    const finish = (exit: Exit.Exit<S.ChatResponse, E>) =>
      Effect.withFiberRuntime<void>((fiber) => {
        if (Exit.isSuccess(exit)) call.facts.response(exit.value)
        call.finish(exit, fiber.getFiberRef(FiberRef.currentMetricLabels))
        return Effect.void
      })
    if (!spans) return Effect.onExit(effect, finish)
    return Effect.useSpan(spanName(request), spanOptions, (span) => {
      call.open(span)
      return Effect.onExit(Effect.withParentSpan(effect, span), finish)
    })
  })
}

/**
 * Starts the telemetry of a `Chat.stream`: opens its span (when spans are on and a tracer is
 * installed). The caller ends it with {@link endStream} when the stream ends, fails or is stopped
 * (`Stream.ensuringWith`, which costs nothing per chunk, where a scope around the stream,
 * `Stream.unwrapScoped`, cost 4 % of a fast stream's CPU). `undefined` when there is nothing to record.
 */
export const traceStream = (config: OpenRouterConfigService, request: unknown): Effect.Effect<Call | undefined> => {
  const settings = settingsOf(config)
  if (settings === false) return Effect.succeed(undefined)
  return Effect.withFiberRuntime((fiber) => {
    const spans = settings.spans && !isNativeTracer(fiber.currentTracer)
    if (!spans && !settings.metrics) return Effect.succeed(undefined)
    const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
    const call = new Call(settings, request, true, clock, clock.unsafeCurrentTimeNanos())
    if (!spans) return Effect.succeed(call)
    return Effect.map(Effect.makeSpan(spanName(request), spanOptions), (span) => {
      call.open(span)
      return call
    })
  })
}

/** Ends a stream's call: records its facts and metrics and ends its span, once. */
export const endStream = (call: Call, exit: Exit.Exit<unknown, unknown>): Effect.Effect<void> =>
  Effect.withFiberRuntime((fiber) => {
    if (call.ended) return Effect.void
    call.ended = true
    call.finish(exit, fiber.getFiberRef(FiberRef.currentMetricLabels))
    call.span?.end(call.clock.unsafeCurrentTimeNanos(), exit)
    return Effect.void
  })

/** Runs an effect of a call (an HTTP attempt, a retry decision) with the call's span as its parent. */
export const withCall = <A, E, R>(effect: Effect.Effect<A, E, R>, call: Call | undefined): Effect.Effect<A, E, R> =>
  call?.span === undefined ? effect : Effect.withParentSpan(effect, call.span)

/**
 * The retry schedules' hook: records the retry on the current call's span, if there is one, and
 * returns the delay unchanged.
 */
export const onRetry = (error: Errors.StreamError, delay: Duration.Duration): Effect.Effect<Duration.Duration> =>
  Effect.map(Effect.serviceOption(Tracer.ParentSpan), (parent) => {
    if (Option.isSome(parent)) {
      calls.get(parent.value)?.retried(error, delay, Errors.retryAfter(error) !== undefined)
    }
    return delay
  })
