/**
 * Keeps the API key out of `@effect/platform`'s HTTP client span.
 *
 * The platform's `HttpClient` wraps every request in a span (`http.client POST`) whose attributes
 * are safe (request headers are redacted through `Headers.currentRedactedNames`), but which ends with
 * the `Exit` of sending the request: on failure a `RequestError` holding the request, on success the
 * response holding the request, and the request holds its headers, `authorization: Bearer <key>`
 * included, as a plain property. A tracer that serialises a span's exit (`JSON.stringify`,
 * `util.inspect`, an exporter that records the failure) would print the key.
 *
 * The key must be in the request that the platform's client sends, and the span is created inside
 * the client, so the fix is at the tracer: for the one effect that sends a request, the current
 * tracer is wrapped so that the spans it creates end with a sanitised exit. The span itself, its
 * name, attributes, parent, trace propagation and timing are the platform's, unchanged; only the
 * value of its exit differs:
 * - a failure keeps its `Cause` (defects, interruptions, the error's class, reason, description and
 *   underlying cause), with the request in a platform `RequestError` / `ResponseError` replaced by a
 *   copy whose secret headers read `<redacted>`;
 * - a success ends the span with `{ status }` instead of the response object (tracers only look at
 *   whether an exit succeeded).
 * Attribute values set under a secret header's name are redacted too, whatever
 * `Headers.currentRedactedNames` says. The copies format their stack at once, so that no captured
 * frame keeps the original request alive.
 *
 * With Effect's default tracer nothing is wrapped: its spans are seen by no exporter and kept by
 * nothing once the request is done. A chat call (`chatClient`) goes further there and has the
 * platform's client open no span at all, so it sends no trace headers either. The cost with another
 * tracer is a few microseconds a request (`bench/overhead.mjs`).
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Cause from "effect/Cause"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import { settleStack } from "../transport/bounded.js"
import { isRecord } from "../transport/json.js"

/** The headers never kept in a span's exit: the platform's default redacted names. */
const secretHeaders: ReadonlyArray<string> = ["authorization", "cookie", "proxy-authorization", "x-api-key"]

const secretAttribute = (key: string): boolean => {
  if (!key.startsWith("http.request.header.")) return false
  return secretHeaders.includes(key.slice("http.request.header.".length).toLowerCase())
}

/** A copy of a request whose secret headers read `<redacted>` (the request itself when it has none). */
export const redactRequest = (request: HttpClientRequest.HttpClientRequest): HttpClientRequest.HttpClientRequest => {
  let redacted = request
  for (const name of secretHeaders) {
    if (request.headers[name] !== undefined) redacted = HttpClientRequest.setHeader(redacted, name, "<redacted>")
  }
  return redacted
}

const redactError = (error: unknown): unknown => {
  if (!HttpClientError.isHttpClientError(error)) return error
  if (error._tag === "RequestError") {
    return settleStack(
      new HttpClientError.RequestError({
        request: redactRequest(error.request),
        reason: error.reason,
        cause: error.cause,
        ...(error.description === undefined ? {} : { description: error.description })
      })
    )
  }
  return settleStack(
    new HttpClientError.ResponseError({
      request: redactRequest(error.request),
      // The response holds the request too: only its status is kept.
      response: { status: error.response.status } as never,
      reason: error.reason,
      cause: error.cause,
      ...(error.description === undefined ? {} : { description: error.description })
    })
  )
}

/** The exit a span of the platform ends with, without the request's secrets. */
export const redactExit = (exit: Exit.Exit<unknown, unknown>): Exit.Exit<unknown, unknown> => {
  if (Exit.isFailure(exit)) return Exit.failCause(Cause.map(exit.cause, redactError))
  const value = exit.value
  return isRecord(value) && typeof value.status === "number"
    ? Exit.succeed({ status: value.status })
    : exit
}

/** A span of the current tracer whose exit and secret attributes are redacted; all else delegates. */
class RedactingSpan implements Tracer.Span {
  readonly _tag = "Span"
  constructor(readonly span: Tracer.Span) {}
  get name() {
    return this.span.name
  }
  get spanId() {
    return this.span.spanId
  }
  get traceId() {
    return this.span.traceId
  }
  get parent(): Option.Option<Tracer.AnySpan> {
    return this.span.parent
  }
  get context(): Context.Context<never> {
    return this.span.context
  }
  get status(): Tracer.SpanStatus {
    return this.span.status
  }
  get attributes(): ReadonlyMap<string, unknown> {
    return this.span.attributes
  }
  get links(): ReadonlyArray<Tracer.SpanLink> {
    return this.span.links
  }
  get sampled() {
    return this.span.sampled
  }
  get kind(): Tracer.SpanKind {
    return this.span.kind
  }
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.span.end(endTime, redactExit(exit))
  }
  attribute(key: string, value: unknown): void {
    this.span.attribute(key, secretAttribute(key) ? "<redacted>" : value)
  }
  event(name: string, startTime: bigint, attributes?: Record<string, unknown>): void {
    this.span.event(name, startTime, attributes)
  }
  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.span.addLinks(links)
  }
}

const redactingTracers = new WeakMap<Tracer.Tracer, Tracer.Tracer>()

const redactingTracer = (tracer: Tracer.Tracer): Tracer.Tracer => {
  let wrapped = redactingTracers.get(tracer)
  if (wrapped === undefined) {
    wrapped = Tracer.make({
      span: (name, parent, context, links, startTime, kind, options) =>
        new RedactingSpan(tracer.span(name, parent, context, links, startTime, kind, options)),
      context: (f, fiber) => tracer.context(f, fiber)
    })
    redactingTracers.set(tracer, wrapped)
  }
  return wrapped
}

// Effect's native tracer: the one in the default services, used when no tracer is installed. Read on
// first use, not at import.
let nativeTracer: Tracer.Tracer | undefined

/** Effect's native tracer: its spans are seen by no one (no exporter reads them, nothing keeps them). */
export const isNativeTracer = (tracer: Tracer.Tracer): boolean => {
  if (nativeTracer === undefined) nativeTracer = Effect.runSync(Effect.tracer)
  return tracer === nativeTracer
}

const always = (): boolean => true

type Wrap = <A, E, R>(effect: Effect.Effect<A, E, R>, tracer: Tracer.Tracer) => Effect.Effect<A, E, R>

// Under another tracer the span ends without the request's secrets.
const redacting = <A, E, R>(effect: Effect.Effect<A, E, R>, tracer: Tracer.Tracer) =>
  Effect.withTracer(effect, redactingTracer(tracer))

/** One wrapped client per client and per wrapping. */
const wrapClient = (
  cache: WeakMap<HttpClient.HttpClient, HttpClient.HttpClient>,
  client: HttpClient.HttpClient,
  wrap: Wrap
): HttpClient.HttpClient => {
  let wrapped = cache.get(client)
  if (wrapped === undefined) {
    wrapped = HttpClient.transform(
      client,
      (effect) => Effect.tracerWith((tracer) => wrap(effect, tracer))
    )
    cache.set(client, wrapped)
  }
  return wrapped
}

const redactingClients = new WeakMap<HttpClient.HttpClient, HttpClient.HttpClient>()

/**
 * The client whose requests' spans (the platform's, created with the current tracer) end without the
 * request's secrets. One per client. The default tracer's spans are seen by no one (no exporter reads
 * them, and nothing keeps them once the request is done), so they are left as they are: no cost
 * without a tracer.
 */
export const redactingClient = (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  wrapClient(
    redactingClients,
    client,
    (effect, tracer) => isNativeTracer(tracer) ? effect : redacting(effect, tracer)
  )

const chatClients = new WeakMap<HttpClient.HttpClient, HttpClient.HttpClient>()

/**
 * The client `Chat.send` and `Chat.stream` send through: {@link redactingClient}, except that under
 * Effect's default tracer (no tracer installed) the platform's client opens no span for the request
 * (`HttpClient.currentTracerDisabledWhen`), and so sends no `traceparent` / `b3` headers naming a
 * trace no one records, as in the Effect 4 edition. Measured: 5-20 % less CPU per `Chat.send`
 * (bench/micro/effect3-no-http-span.md).
 */
export const chatClient = (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  wrapClient(
    chatClients,
    client,
    (effect, tracer) =>
      isNativeTracer(tracer)
        ? Effect.locally(effect, HttpClient.currentTracerDisabledWhen, always)
        : redacting(effect, tracer)
  )
