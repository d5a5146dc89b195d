/**
 * Keeps the API key out of `effect/http`'s HTTP client span.
 *
 * Effect's `HttpClient` wraps every request in a span (`http.client POST`) whose attributes are safe
 * (request headers are redacted through `Headers.CurrentRedactedNames`), but which ends with the `Exit`
 * of sending the request: on failure an `HttpClientError` whose `reason` holds the request, on success
 * the response holding the request (and a 4xx/5xx ends it with a `StatusCodeError` holding both), and
 * the request holds its headers, `authorization: Bearer <key>` included, as a plain property. A tracer
 * that serialises a span's exit (`util.inspect`, an exporter that records the failure's fields) would
 * print the key.
 *
 * The key must be in the request that the client sends, and the span is created inside the client, so
 * the fix is at the tracer: for the one effect that sends a request, the current tracer is wrapped so
 * that the spans it creates end with a sanitised exit. The span itself, its name, attributes, parent,
 * trace propagation and timing are Effect's, unchanged; only the value of its exit differs:
 * - a failure keeps its `Cause` (defects, interruptions, the error's reason class, description and
 *   underlying cause), with the request in an `HttpClientError`'s reason replaced by a copy whose secret
 *   headers read `<redacted>`, and its response by `{ status }`;
 * - a success ends the span with `{ status }` instead of the response object (tracers only look at
 *   whether an exit succeeded).
 * Attribute values set under a secret header's name are redacted too, whatever
 * `Headers.CurrentRedactedNames` says. The copies format their stack at once, so that no captured frame
 * keeps the original request alive.
 *
 * With Effect's native tracer nothing is wrapped: its spans are seen by no exporter and kept by nothing
 * once the request is done.
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import { settleStack } from "../../../../src/internal/transport/bounded.js"
import { isRecord } from "../../../../src/internal/transport/json.js"

/** The headers never kept in a span's exit: Effect's default redacted names. */
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

type Reason = HttpClientError.HttpClientError["reason"]

/** A copy of a reason (of its own class) with the request redacted and the response cut to its status. */
const redactReason = (reason: Reason): Reason => {
  const fields: Record<string, unknown> = {}
  for (const key of Object.keys(reason)) fields[key] = (reason as unknown as Record<string, unknown>)[key]
  // an error's `cause` is own but not enumerable
  if ("cause" in reason && reason.cause !== undefined) fields.cause = reason.cause
  fields.request = redactRequest(reason.request)
  // The response holds the request too: only its status is kept.
  if ("response" in reason && reason.response !== undefined) fields.response = { status: reason.response.status }
  const Class = reason.constructor as new(fields: Record<string, unknown>) => Reason
  return new Class(fields)
}

const redactError = (error: unknown): unknown =>
  HttpClientError.isHttpClientError(error)
    ? settleStack(new HttpClientError.HttpClientError({ reason: redactReason(error.reason) }))
    : error

/** The exit a span of the HTTP client ends with, without the request's secrets. */
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
  get annotations(): Context.Context<never> {
    return this.span.annotations
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
      span: (options) => new RedactingSpan(tracer.span(options)),
      ...(tracer.context === undefined ? {} : { context: tracer.context })
    })
    redactingTracers.set(tracer, wrapped)
  }
  return wrapped
}

const redactingClients = new WeakMap<HttpClient.HttpClient, HttpClient.HttpClient>()

/** Effect's native tracer: its spans are seen by no one (no exporter reads them). */
export const isNativeTracer = (tracer: Tracer.Tracer): boolean => tracer === Tracer.nativeTracer

const always = (): boolean => true

/**
 * The context with the HTTP client opening no span for its requests (`HttpClient.TracerDisabledWhen`), and
 * so sending no trace headers: for a call under the native tracer, whose spans no one could see.
 */
export const withoutHttpSpan = <R>(context: Context.Context<R>): Context.Context<R> =>
  Context.add(context, HttpClient.TracerDisabledWhen, always)

/**
 * The client whose requests' spans (Effect's, created with the current tracer) end without the
 * request's secrets. One per client.
 */
export const redactingClient = (client: HttpClient.HttpClient): HttpClient.HttpClient => {
  let wrapped = redactingClients.get(client)
  if (wrapped === undefined) {
    wrapped = HttpClient.transform(
      client,
      (effect) =>
        Effect.withFiber((fiber) => {
          const tracer = fiber.getRef(Tracer.Tracer)
          // The native tracer's spans are seen by no one (no exporter reads them, and nothing keeps
          // them once the request is done), so they are left as they are: no cost without a tracer.
          return isNativeTracer(tracer) ? effect : Effect.withTracer(effect, redactingTracer(tracer))
        })
    )
    redactingClients.set(client, wrapped)
  }
  return wrapped
}
