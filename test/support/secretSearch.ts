/**
 * Looking for a secret everywhere a value leads (Effect-free, shared by both editions' secrets tests):
 * a search that serialises a value (`JSON.stringify`, `util.inspect` with hidden properties) and walks
 * every object reachable from it through own properties; and the calls after which both suites look
 * (a success and every kind of failure), each reply made with the edition's `Testing`.
 */
import { inspect } from "node:util"

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

/**
 * What the cases need of an edition's `Testing`: its replies (`R`, the edition's `Testing.Reply`) and
 * its emulator script (`E`).
 */
export interface Replies<R, E> {
  readonly emulator: E
  readonly error: (status: number) => R
  readonly raw: (options: { readonly body: string; readonly headers: Record<string, string> }) => R
  readonly reset: (options: { readonly after: number }) => R
  readonly truncated: (options: { readonly after: number }) => R
  readonly midStreamError: (options: { readonly after: number }) => R
  readonly completion: () => R
  readonly hang: (options: { readonly after: number }) => R
  readonly delay: (self: R, duration: "10 seconds") => R
}

/** A call to look after: the reply, the tag each call ends with, and how it is configured. */
export interface SecretCase {
  readonly name: string
  /** The emulator's script, from the edition's `Testing`. */
  readonly reply: <R, E>(testing: Replies<R, E>) => R | E
  /** The tag the call ends with (`"success"` for none, `"interrupted"`). */
  readonly send: string
  readonly stream: string
  readonly options?: {
    readonly timeout?: "150 millis"
    readonly idleTimeout?: "150 millis"
    readonly headers?: Record<string, string>
  }
  /** Interrupt the call after this many milliseconds. */
  readonly interruptAfter?: number
}

export const secretCases: ReadonlyArray<SecretCase> = [
  { name: "a success", reply: (t) => t.emulator, send: "success", stream: "success" },
  {
    name: "a status error (401)",
    reply: (t) => t.error(401),
    send: "UnauthorizedResponseError",
    stream: "UnauthorizedResponseError"
  },
  {
    name: "a body that is not JSON",
    reply: (t) => t.raw({ body: "<html>oops</html>", headers: { "content-type": "text/html" } }),
    send: "ResponseDecodeError",
    stream: "ResponseDecodeError"
  },
  {
    name: "a connection reset mid-body",
    reply: (t) => t.reset({ after: 2 }),
    send: "ConnectionError",
    stream: "ConnectionError"
  },
  {
    name: "a stream cut off before [DONE]",
    reply: (t) => t.truncated({ after: 2 }),
    send: "ResponseDecodeError",
    stream: "ConnectionError"
  },
  {
    name: "a mid-stream error",
    reply: (t) => t.midStreamError({ after: 1 }),
    send: "ResponseDecodeError",
    stream: "MidStreamError"
  },
  {
    name: "a request timeout",
    reply: (t) => t.delay(t.completion(), "10 seconds"),
    send: "TimeoutError",
    stream: "TimeoutError",
    options: { timeout: "150 millis" }
  },
  {
    name: "an idle timeout",
    reply: (t) => t.hang({ after: 1 }),
    send: "TimeoutError",
    stream: "TimeoutError",
    options: { timeout: "150 millis", idleTimeout: "150 millis" }
  },
  {
    name: "an interruption",
    reply: (t) => t.delay(t.completion(), "10 seconds"),
    send: "interrupted",
    stream: "interrupted",
    interruptAfter: 150
  },
  {
    name: "an invalid request (nothing sent)",
    reply: (t) => t.completion(),
    send: "InvalidRequestError",
    stream: "InvalidRequestError",
    options: { headers: { "transfer-encoding": "chunked" } }
  }
]
