/**
 * Looking for a secret in the spans of the Effect 3 edition: a tracer that records every span
 * (attributes, events, links, exit); the search itself is Effect-free (`secretSearch.ts`).
 */
import type * as Context from "effect/Context"
import type * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import { findSecret } from "./secretSearch.js"

export { findSecret } from "./secretSearch.js"

/** A span as a tracer saw it. */
export class RecordedSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId: string
  readonly traceId: string
  readonly sampled = true
  status: Tracer.SpanStatus
  readonly attributes = new Map<string, unknown>()
  readonly events: Array<readonly [string, bigint, Record<string, unknown> | undefined]> = []
  links: Array<Tracer.SpanLink>
  exit: Exit.Exit<unknown, unknown> | undefined

  constructor(
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind,
    id: number
  ) {
    this.spanId = `span${id}`
    this.traceId = Option.isSome(parent) ? parent.value.traceId : `trace${id}`
    this.status = { _tag: "Started", startTime }
    this.links = [...links]
  }

  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
    this.exit = exit
  }
  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
  }
  event(name: string, startTime: bigint, attributes?: Record<string, unknown>): void {
    this.events.push([name, startTime, attributes])
  }
  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links.push(...links)
  }
}

/** A tracer that keeps every span it creates. */
export const recordingTracer = (): { readonly tracer: Tracer.Tracer; readonly spans: Array<RecordedSpan> } => {
  const spans: Array<RecordedSpan> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const span = new RecordedSpan(name, parent, context, links, startTime, kind, spans.length)
      spans.push(span)
      return span
    },
    context: (f) => f()
  })
  return { tracer, spans }
}

/** Where `secret` shows up in a recorded span: its name, attributes, events, links or exit. */
export const findSecretInSpan = (span: RecordedSpan, secret: string): Array<string> =>
  [
    ...findSecret(span.name, secret).map((w) => `name (${w})`),
    ...findSecret(span.attributes, secret).map((w) => `attributes (${w})`),
    ...findSecret(span.events, secret).map((w) => `events (${w})`),
    ...findSecret(span.links, secret).map((w) => `links (${w})`),
    ...findSecret(span.exit, secret).map((w) => `exit (${w})`)
  ].map((where) => `${span.name}: ${where}`)
