/**
 * Telemetry of a call: one GenAI client span per `Chat.send` / `Chat.stream` (the HTTP client's span of
 * each attempt is its child; each retry is an event on it), and the GenAI metrics, recorded with
 * Effect's `Metric` so that any exporter of Effect metrics (e.g. `@effect/opentelemetry`) sees them.
 *
 * Cost when nobody listens: with Effect's native tracer (no tracer installed) no span is opened, since
 * nothing could export it; what remains is at most six metric updates per call, each addressing its
 * series through an attribute set built once per (model, provider, error) and reused, each set with a
 * metric object of its own (Effect 4 caches a metric's series key for the last attribute set it saw,
 * so a metric per set is always a cache hit, and needs no context copy per update). A
 * stream's chunks cost one check per emitted batch and a few field reads per chunk.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import { Collector } from "../../../../src/internal/chat/collect.js"
import { tokenCount } from "../../../../src/internal/provider/usage.js"
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
} from "../../../../src/internal/telemetry/genai.js"
import { isRecord } from "../../../../src/internal/transport/json.js"
import * as Errors from "../../Errors.js"
import type * as S from "../../Schema.js"
import { isNativeTracer } from "./platformSpan.js"

// ---------------------------------------------------------------------------------------------
// Metrics

const tokenUsageOptions = {
  boundaries: tokenBuckets,
  description: "Number of input and output tokens used."
}
const operationDurationOptions = {
  boundaries: secondsBuckets,
  description: "GenAI operation duration."
}
const timeToFirstChunkOptions = {
  boundaries: secondsBuckets,
  description: "Time to receive the first chunk of a streaming response."
}
const costOptions = {
  description: "Cost of the calls in USD, as reported by OpenRouter.",
  incremental: true
}
const failuresOptions = {
  description: "Failed calls, by error type.",
  incremental: true
}

/** `gen_ai.client.token.usage`: tokens per call, by `gen_ai.token.type` (`input`, `output`). */
export const tokenUsage: Metric.Histogram<number> = Metric.histogram(MetricName.tokenUsage, tokenUsageOptions)

/** `gen_ai.client.operation.duration`: seconds from the call to its end (a stream's last chunk). */
export const operationDuration: Metric.Histogram<number> = Metric.histogram(
  MetricName.operationDuration,
  operationDurationOptions
)

/** `gen_ai.client.operation.time_to_first_chunk`: seconds from the call to a stream's first content chunk. */
export const timeToFirstChunk: Metric.Histogram<number> = Metric.histogram(
  MetricName.timeToFirstChunk,
  timeToFirstChunkOptions
)

/** `openrouter.client.cost`: the cost of the calls in USD (OpenRouter credits), as OpenRouter reports it. */
export const cost: Metric.Counter<number> = Metric.counter(MetricName.cost, costOptions)

/** `openrouter.client.failures`: failed calls, by `error.type` (the error's tag). */
export const failures: Metric.Counter<number> = Metric.counter(MetricName.failures, failuresOptions)

type Attributes = Readonly<Record<string, string>>

/** The attribute sets of one (server, model, provider, error) combination, one per metric. */
interface LabelSets {
  readonly duration: Attributes
  readonly input: Attributes
  readonly output: Attributes
  readonly firstChunk: Attributes
  readonly cost: Attributes
  readonly failures: Attributes
}

/** The attribute sets a call records with (after the cardinality limit), and the ones it asked for. */
export interface Labels extends LabelSets {
  readonly wanted: LabelSets
}

// ---------------------------------------------------------------------------------------------
// Cardinality limit
//
// Every distinct attribute set of a metric is a series that Effect's metric registry keeps for the
// life of the process, so a server passing user-chosen model names would grow without bound. As
// OpenTelemetry SDKs do (the metrics SDK spec's cardinality limit, default 2,000 per metric), a metric
// records at most `limit - 1` attribute sets; past that, a new set is folded into one overflow series
// labelled `otel.metric.overflow: "true"`. The sets seen are kept per metric name, as the registry
// keeps its series, so the bound holds across configurations; a configuration's limit says when it
// may add a series.

/** OpenTelemetry's default cardinality limit per metric. */
export const DEFAULT_CARDINALITY_LIMIT = 2000

/** The attribute that marks the overflow series (the OpenTelemetry SDKs' name). */
export const metricOverflow = "otel.metric.overflow"

const seriesByMetric = new Map<string, Set<string>>()

const overflowSets = new Map<string, Attributes>()

/** The one overflow set of a metric (with its unit, which exporters read from the attributes). */
const overflowOf = (metric: string, attributes: Attributes): Attributes => {
  const unit = attributes["unit"]
  const key = `${metric}\u0000${unit}`
  let overflow = overflowSets.get(key)
  if (overflow === undefined) {
    overflow = unit === undefined ? { [metricOverflow]: "true" } : { [metricOverflow]: "true", unit }
    overflowSets.set(key, overflow)
  }
  return overflow
}

/** The set a metric records with: `attributes` while it has room for them, else its overflow set. */
const admit = (metric: string, attributes: Attributes, limit: number): Attributes => {
  let seen = seriesByMetric.get(metric)
  if (seen === undefined) {
    seen = new Set()
    seriesByMetric.set(metric, seen)
  }
  let key = ""
  for (const name in attributes) key += `${name}\u0000${attributes[name]}\u0001`
  if (seen.has(key)) return attributes
  if (seen.size < limit - 1) {
    seen.add(key)
    return attributes
  }
  return overflowOf(metric, attributes)
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

/**
 * The attribute sets of one combination: those it asks for, and, once a call records with them alone
 * (no user attributes), those admitted under the limit. Admission is lazy so that a combination only
 * ever recorded with user attributes takes no series of its own.
 */
interface Entry {
  readonly wanted: LabelSets
  admitted: Labels | undefined
}

// Attribute sets are reused: Effect keys a metric's series by the identity of the current set.
const labelCache = new Map<string, Entry>()
// The bound keeps a pathological stream of distinct models from growing the cache without end.
const labelCacheLimit = 1000

const makeLabels = (
  server: Settings["server"],
  reqModel: string | undefined,
  resModel: string | undefined,
  provider: string | undefined,
  errorType: string | undefined
): LabelSets => {
  const base: Record<string, string> = {
    [Attr.operationName]: operationName,
    [Attr.providerName]: providerName
  }
  if (reqModel !== undefined) base[Attr.requestModel] = reqModel
  if (resModel !== undefined) base[Attr.responseModel] = resModel
  if (provider !== undefined) base[Attr.openrouterProvider] = provider
  if (server !== undefined) {
    base[Attr.serverAddress] = server.address
    base[Attr.serverPort] = String(server.port)
  }
  const withError = errorType === undefined ? base : { ...base, [Attr.errorType]: errorType }
  return {
    duration: { ...withError, unit: "s" },
    input: { ...base, [Attr.tokenType]: "input", unit: "{token}" },
    output: { ...base, [Attr.tokenType]: "output", unit: "{token}" },
    firstChunk: { ...base, unit: "s" },
    cost: { ...base, unit: "USD" },
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
  entry: Entry | undefined
}

const entryFor = (
  settings: Settings,
  reqModel: string | undefined,
  resModel: string | undefined,
  provider: string | undefined,
  errorType: string | undefined
): Entry => {
  const last = settings.last
  if (
    last.entry !== undefined && last.reqModel === reqModel && last.resModel === resModel &&
    last.provider === provider && last.errorType === errorType
  ) return last.entry
  const server = settings.server
  const key =
    `${server?.address}:${server?.port}\u0000${reqModel}\u0000${resModel}\u0000${provider}\u0000${errorType}\u0000${settings.cardinalityLimit}`
  let entry = labelCache.get(key)
  if (entry === undefined) {
    entry = { wanted: makeLabels(server, reqModel, resModel, provider, errorType), admitted: undefined }
    if (labelCache.size >= labelCacheLimit) labelCache.clear()
    labelCache.set(key, entry)
  }
  last.reqModel = reqModel
  last.resModel = resModel
  last.provider = provider
  last.errorType = errorType
  last.entry = entry
  return entry
}

/** The attribute sets a call of this combination records with, without user attributes. */
export const labelsFor = (
  settings: Settings,
  reqModel: string | undefined,
  resModel: string | undefined,
  provider: string | undefined,
  errorType: string | undefined
): Labels => {
  const entry = entryFor(settings, reqModel, resModel, provider, errorType)
  // a set once admitted stays admitted, and one folded stays folded (the sets seen only grow)
  return entry.admitted ??= admitAll(entry.wanted, settings.cardinalityLimit)
}

// ---------------------------------------------------------------------------------------------
// Settings

/** The `telemetry` option of a configuration (`Telemetry.Options`, or `false` for none). */
export interface TelemetryOptions {
  readonly spans?: boolean | undefined
  readonly metrics?: boolean | undefined
  readonly recordContent?: boolean | undefined
  readonly cardinalityLimit?: number | undefined
}

/** What telemetry reads of a configuration. */
export interface TelemetryConfig {
  readonly baseUrl: string
  readonly telemetry?: TelemetryOptions | false | undefined
}

/** The resolved telemetry settings of a configuration. */
export interface Settings {
  readonly spans: boolean
  readonly metrics: boolean
  readonly recordContent: boolean
  readonly cardinalityLimit: number
  readonly server: { readonly address: string; readonly port: number } | undefined
  readonly last: LastLabels
}

const settingsCache = new WeakMap<TelemetryConfig, Settings | false>()

export const settingsOf = (config: TelemetryConfig): Settings | false => {
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
      last: { reqModel: undefined, resModel: undefined, provider: undefined, errorType: undefined, entry: undefined }
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
  readonly collector: Collector<S.ChatResponse> | undefined
  set: (key: string, value: unknown) => void = ignore

  constructor(
    readonly settings: Settings,
    readonly request: unknown,
    readonly stream: boolean,
    readonly clock: Clock.Clock,
    /** When the call started: reset when its span opens, so that its durations never exceed the span's. */
    public start: bigint
  ) {
    this.collector = stream && settings.recordContent ? new Collector<S.ChatResponse>() : undefined
  }

  open(span: Tracer.Span): void {
    this.span = span
    // The span started just before: measured from here, the time to first chunk (and the duration metric)
    // can never exceed the span's own duration (taken before the span, it did by the time opening it took).
    this.start = this.clock.monotonicTimeNanosUnsafe()
    this.set = (key, value) => span.attribute(key, value)
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
    if (contentEmitted && this.firstChunk === undefined) this.firstChunk = this.clock.monotonicTimeNanosUnsafe()
    for (let i = 0; i < chunks.length; i++) {
      this.facts.chunk(chunks[i]!)
      if (this.collector !== undefined) this.collector.add(chunks[i]!)
    }
  }

  /** A retry is about to wait `delay` after attempt number `retries + 1` failed with `error`. */
  retried(error: Errors.StreamError, delay: Duration.Duration, fromRetryAfter: boolean): void {
    this.retries++
    this.span?.event(retryEvent, this.clock.currentTimeNanosUnsafe(), {
      [Attr.retryAttempt]: this.retries,
      [Attr.errorType]: error._tag,
      [Attr.retryDelay]: Duration.toMillis(delay) / 1000,
      [Attr.retryFromRetryAfter]: fromRetryAfter
    })
  }

  /** Records the end of the call on its span and in the metrics (the span is ended by the caller). */
  finish(exit: Exit.Exit<unknown, unknown>, context: Context.Context<never>): void {
    const end = this.clock.monotonicTimeNanosUnsafe()
    let errorType: string | undefined
    let cancelled = false
    if (Exit.isFailure(exit)) {
      const failure = Cause.findErrorOption(exit.cause)
      if (Option.isSome(failure)) errorType = tagOf(failure.value)
      else if (Cause.hasInterruptsOnly(exit.cause)) cancelled = true
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
    const user = Context.get(context, Metric.CurrentMetricAttributes) as Attributes
    const reqModel = requestModel(this.request)
    const noUser = Object.keys(user).length === 0
    const record = noUser ? recordBound : recordWithin
    const labels = noUser
      ? labelsFor(this.settings, reqModel, facts.model, facts.provider, errorType)
      : withUserAttributes(
        user,
        entryFor(this.settings, reqModel, facts.model, facts.provider, errorType).wanted,
        this.settings.cardinalityLimit
      )
    record(context, operationDuration, seconds(this.start, end), labels.duration)
    if (errorType !== undefined) record(context, failures, 1, labels.failures)
    if (this.firstChunk !== undefined) {
      record(context, timeToFirstChunk, seconds(this.start, this.firstChunk), labels.firstChunk)
    }
    const usage = facts.usage
    if (usage !== undefined) {
      const input = tokenCount(usage.prompt_tokens)
      const output = tokenCount(usage.completion_tokens)
      if (input !== undefined) record(context, tokenUsage, input, labels.input)
      if (output !== undefined) record(context, tokenUsage, output, labels.output)
      if (typeof usage.cost === "number" && usage.cost > 0) record(context, cost, usage.cost, labels.cost)
    }
  }
}

const ignore = (): void => {}

const seconds = (from: bigint, to: bigint): number => Number(to - from) / 1e9

const tagOf = (error: unknown): string =>
  isRecord(error) && typeof error._tag === "string"
    ? error._tag
    : "_OTHER"

// The user's own metric attributes (`Metric.CurrentMetricAttributes`, e.g. set with
// `Metric.withAttributes` around the call) come first, as `Metric.update` would merge them; merged
// sets are cached per (user set, our set) so that a series keeps one attribute-set identity, and they
// count against the cardinality limit like ours.
const merged = new WeakMap<Attributes, WeakMap<Attributes, Attributes>>()

const withUser = (user: Attributes, ours: Attributes): Attributes => {
  let byOurs = merged.get(user)
  if (byOurs === undefined) {
    byOurs = new WeakMap()
    merged.set(user, byOurs)
  }
  let both = byOurs.get(ours)
  if (both === undefined) {
    both = { ...user, ...ours }
    byOurs.set(ours, both)
  }
  return both
}

const withUserAttributes = (user: Attributes, wanted: LabelSets, limit: number): Labels =>
  admitAll({
    duration: withUser(user, wanted.duration),
    input: withUser(user, wanted.input),
    output: withUser(user, wanted.output),
    firstChunk: withUser(user, wanted.firstChunk),
    cost: withUser(user, wanted.cost),
    failures: withUser(user, wanted.failures)
  }, limit)

/** Updates a metric in the fiber's context (its registry) under the given attribute set. */
const recordWithin = (
  context: Context.Context<never>,
  metric: Metric.Metric<number, unknown>,
  value: number,
  set: Attributes
) => metric.updateUnsafe(value, Context.add(context, Metric.CurrentMetricAttributes, set))

// A metric of its own per attribute set: the same name, description and options, with the set as the
// metric's attributes. Effect keys a series by the metric's type, name, description and attributes, so
// it updates the very series `record` would; but it needs no copy of the context per update, and a
// metric caches its series key for the last context attribute set it saw, which for a call without user
// attributes is always the same (none), where `tokenUsage` alternating between its input and output
// sets would rebuild its key (a sort and a JSON.stringify) on every update.
const makeBound: Record<string, (set: Attributes) => Metric.Metric<number, unknown>> = {
  [MetricName.tokenUsage]: (attributes) =>
    Metric.histogram(MetricName.tokenUsage, { ...tokenUsageOptions, attributes }),
  [MetricName.operationDuration]: (attributes) =>
    Metric.histogram(MetricName.operationDuration, { ...operationDurationOptions, attributes }),
  [MetricName.timeToFirstChunk]: (attributes) =>
    Metric.histogram(MetricName.timeToFirstChunk, { ...timeToFirstChunkOptions, attributes }),
  [MetricName.cost]: (attributes) => Metric.counter(MetricName.cost, { ...costOptions, attributes }),
  [MetricName.failures]: (attributes) => Metric.counter(MetricName.failures, { ...failuresOptions, attributes })
}
const bound = new WeakMap<Attributes, Map<string, Metric.Metric<number, unknown>>>()

/**
 * Updates a metric under an attribute set when the fiber has no metric attributes of its own (so the
 * set is all the series' attributes), through the set's own metric (see `makeBound`).
 */
const recordBound = (
  context: Context.Context<never>,
  metric: Metric.Metric<number, unknown>,
  value: number,
  set: Attributes
) => {
  let byName = bound.get(set)
  if (byName === undefined) {
    byName = new Map()
    bound.set(set, byName)
  }
  let own = byName.get(metric.id)
  if (own === undefined) {
    own = makeBound[metric.id]!(set)
    byName.set(metric.id, own)
  }
  own.updateUnsafe(value, context)
}

const spanOptions = { kind: "client" } as const

const callOf = (fiber: Fiber.Fiber<unknown, unknown>, settings: Settings, request: unknown, stream: boolean) => {
  const clock = fiber.getRef(Clock.Clock)
  // Durations on the monotonic clock (wall time can jump; one clock read, no arithmetic on it).
  return new Call(settings, request, stream, clock, clock.monotonicTimeNanosUnsafe())
}

/**
 * Runs `Chat.send`'s effect as a traced call: in a client span named `chat {model}` (the parent of the
 * HTTP client's spans), recording the response's facts and the metrics at its end.
 */
export const traceSend = <E, R>(
  config: TelemetryConfig,
  request: unknown,
  effect: Effect.Effect<S.ChatResponse, E, R>
): Effect.Effect<S.ChatResponse, E, R> =>
  settingsOf(config) === false ? effect : Effect.withFiber((fiber) => traceSendIn(fiber, config, request, effect))

/**
 * {@link traceSend} for a caller that already runs in `fiber` (inside its own `Effect.withFiber`): the
 * same span and metrics, without a fiber read of its own.
 */
export const traceSendIn = <E, R>(
  fiber: Fiber.Fiber<unknown, unknown>,
  config: TelemetryConfig,
  request: unknown,
  effect: Effect.Effect<S.ChatResponse, E, R>
): Effect.Effect<S.ChatResponse, E, R> => {
  const settings = settingsOf(config)
  if (settings === false) return effect
  const spans = settings.spans && !isNativeTracer(fiber.getRef(Tracer.Tracer))
  if (!spans && !settings.metrics) return effect
  const call = callOf(fiber, settings, request, false)
  // The call's fiber is this fiber: its context when the call ends is the one the metrics update in.
  const finish = (exit: Exit.Exit<S.ChatResponse, E>): Effect.Effect<void> => {
    if (Exit.isSuccess(exit)) call.facts.response(exit.value)
    call.finish(exit, fiber.context)
    return Effect.void
  }
  if (!spans) return Effect.onExit(effect, finish)
  return Effect.useSpan(spanName(request), spanOptions, (span) => {
    call.open(span)
    return Effect.onExit(Effect.withParentSpan(effect, span), finish)
  })
}

/**
 * Starts the telemetry of a `Chat.stream`: opens its span (when spans are on and a tracer is
 * installed). The caller ends it with {@link endStream} when the stream ends, fails or is stopped.
 * `undefined` when there is nothing to record.
 */
export const traceStream = (config: TelemetryConfig, request: unknown): Effect.Effect<Call | undefined> => {
  const settings = settingsOf(config)
  if (settings === false) return Effect.succeed(undefined)
  return Effect.withFiber((fiber) => {
    const spans = settings.spans && !isNativeTracer(fiber.getRef(Tracer.Tracer))
    if (!spans && !settings.metrics) return Effect.succeed(undefined)
    const call = callOf(fiber, settings, request, true)
    if (!spans) return Effect.succeed(call)
    return Effect.map(Effect.makeSpan(spanName(request), spanOptions), (span) => {
      call.open(span)
      return call
    })
  })
}

/** Ends a stream's call: records its facts and metrics and ends its span, once. */
export const endStream = (call: Call, exit: Exit.Exit<unknown, unknown>): Effect.Effect<void> =>
  Effect.withFiber((fiber) => {
    if (call.ended) return Effect.void
    call.ended = true
    call.finish(exit, fiber.context)
    call.span?.end(call.clock.currentTimeNanosUnsafe(), exit)
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
