/**
 * Looking for a secret everywhere a value leads: a tracer that records every span (attributes,
 * events, links, exit), and a search that serialises a value (`JSON.stringify`, `util.inspect` with
 * hidden properties) and walks every object reachable from it through own properties.
 */
import type * as Context from "effect/Context"
import type * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import { inspect } from "node:util"

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

const safeJson = (value: unknown): string => {
  const seen = new WeakSet<object>()
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return v.toString()
    if (typeof v === "object" && v !== null) {
      if (seen.has(v)) return "[Circular]"
      seen.add(v)
      if (v instanceof Map) return [...v.entries()]
      if (v instanceof Set) return [...v.values()]
    }
    return v
  }) ?? ""
}

/**
 * Every string reachable from `root` through own properties (enumerable or not, symbol-keyed too,
 * without calling getters), array items, and Map and Set entries; functions are not entered.
 */
export const reachableStrings = (root: unknown, limit = 200_000): Array<string> => {
  const strings: Array<string> = []
  const seen = new Set<unknown>()
  const queue: Array<unknown> = [root]
  while (queue.length > 0 && seen.size < limit) {
    const value = queue.pop()
    if (typeof value === "string") {
      strings.push(value)
      continue
    }
    if (typeof value !== "object" || value === null || seen.has(value)) continue
    seen.add(value)
    if (value instanceof Map) {
      for (const [k, v] of value) queue.push(k, v)
    } else if (value instanceof Set) {
      for (const v of value) queue.push(v)
    }
    for (const key of Reflect.ownKeys(value)) {
      if (typeof key === "string") strings.push(key)
      const descriptor = Reflect.getOwnPropertyDescriptor(value, key)
      if (descriptor !== undefined && "value" in descriptor) queue.push(descriptor.value)
    }
  }
  return strings
}

/** Where `secret` shows up in `value`: its serialisations and everything reachable from it. */
export const findSecret = (value: unknown, secret: string): Array<string> => {
  const found: Array<string> = []
  if (safeJson(value).includes(secret)) found.push("JSON.stringify")
  if (inspect(value, { depth: Infinity, showHidden: true, getters: false }).includes(secret)) found.push("util.inspect")
  if (reachableStrings(value).some((s) => s.includes(secret))) found.push("a reachable string")
  return found
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
