/**
 * What a shared test body needs of an edition's client to exchange requests with an emulator over a
 * real socket: `Chat.send`, `Chat.stream` (run to its end or drained), `Chat.collect` and
 * `Generation.get` (with the test key, the given base URL, retries off, plus a call's own config and
 * options) and raw POSTs without the library, each returning a Promise; the `Errors` readers; and
 * `InProcess`, requests through the edition's in-process `Testing.layer`. Effect-free: the Effect 3
 * edition builds them in `callsEffect3.ts`, the Effect 4 edition in `effect4/test/support/callsEffect4.ts`,
 * once per HttpClient its suite runs with.
 */
import type { RecordedRequest } from "../../src/internal/emulator/types.js"

/** An error of either edition, as a shared body reads it (the assertions check its fields). */
export interface CallError {
  readonly _tag: string
  readonly message: string
  readonly status?: number
  readonly errorType?: string | undefined
  readonly availability?: {
    readonly code?: string | undefined
    readonly requested_models?: ReadonlyArray<string> | undefined
  } | undefined
  /** Any other field of the error class (the shared bodies read the ones their behaviour sets). */
  readonly [field: string]: unknown
}

/** How a call ended: its value, or the typed error it failed with (a defect rejects the Promise). */
export type Outcome<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: CallError }

/** A decoded response, as a shared body reads it. */
export interface Response {
  readonly model?: string | undefined
  readonly choices: ReadonlyArray<{ readonly message?: { readonly content?: unknown } | undefined }>
  /** Any other field (the shared bodies read the ones their behaviour sets). */
  readonly [field: string]: unknown
}

/** The chunks a stream emitted before it ended, and the error it ended with (`undefined`: a clean end). */
export interface Drained {
  readonly chunks: ReadonlyArray<unknown>
  readonly error: CallError | undefined
}

/**
 * What a call adds to the defaults: `config` is spread over the test config (key, base URL, retries
 * off) given to `OpenRouterConfig.layer`, `headers` are the call's own (`Chat.send(request, { headers })`),
 * `call` are the call's other options (`Chat.Options`: `idleTimeout`, ...), `take` stops a stream after
 * that many chunks (`Stream.take`).
 */
export interface CallOptions {
  readonly config?: Readonly<Record<string, unknown>>
  readonly headers?: Readonly<Record<string, string>>
  readonly call?: Readonly<Record<string, unknown>>
  readonly take?: number
}

/** The calls of an edition over one HttpClient. */
export interface Calls {
  readonly send: (baseUrl: string, request: unknown, options?: CallOptions) => Promise<Outcome<Response>>
  /** `Chat.stream`, run to its end: the chunks. */
  readonly stream: (
    baseUrl: string,
    request: unknown,
    options?: CallOptions
  ) => Promise<Outcome<ReadonlyArray<unknown>>>
  /** `Chat.stream`, run to its end or its failure: every chunk it emitted, and the error it failed with. */
  readonly drain: (baseUrl: string, request: unknown, options?: CallOptions) => Promise<Drained>
  /** `Generation.get(id, { wait, headers })` (`wait`: a duration both editions read alike). */
  readonly generation: (
    baseUrl: string,
    id: string,
    options?: { readonly wait?: string; readonly headers?: Readonly<Record<string, string>> }
  ) => Promise<Outcome<{ readonly [field: string]: unknown }>>
  /** `Chat.collect(Chat.stream(request))`. */
  readonly collect: (baseUrl: string, request: unknown, options?: CallOptions) => Promise<Outcome<Response>>
  /** A JSON POST to `url` without the library (`defaultBody` unless `body` is given), its body read whole. */
  readonly exchange: (
    url: string,
    body?: unknown,
    headers?: Readonly<Record<string, string>>
  ) => Promise<Exchanged>
  /** A JSON POST to `url` without the library and without an API key: the JSON answer. */
  readonly post: (url: string, body: unknown) => Promise<unknown>
}

/** What the shared bodies read of an error through the edition's `Errors` module. */
export interface ErrorReaders {
  readonly isStatusError: (error: CallError) => boolean
  readonly isRetryable: (error: CallError) => boolean
  /** `Errors.retryAfter` in milliseconds. */
  readonly retryAfterMillis: (error: CallError) => number | undefined
  /** A `Duration` an error carries (`TimeoutError.duration`, ...) in milliseconds. */
  readonly millis: (duration: unknown) => number
  /** `Cause.pretty` of a failure with the error. */
  readonly pretty: (error: CallError) => string
}

/** The error of a call that must have failed. */
export const failure = <A>(outcome: Outcome<A>): CallError => {
  if (outcome.ok) throw new Error("expected a failure, got a success")
  return outcome.error
}

/** The value of a call that must have succeeded. */
export const success = <A>(outcome: Outcome<A>): A => {
  if (!outcome.ok) throw new Error(`expected a success, got ${outcome.error._tag}: ${outcome.error.message}`)
  return outcome.value
}

/** The body a raw POST sends unless it is given one. */
export const defaultBody = { model: "openai/gpt-4o", messages: [{ role: "user", content: "hi" }] }

/**
 * The error a connection reset mid-body ends a raw response's body with, per edition: its tag, then
 * the tag of the reason it nests (Effect 4's `HttpClientError` carries the kind as a reason; Effect 3
 * has a class per kind).
 */
export const resetError = {
  effect3: ["ResponseError"],
  effect4: ["HttpClientError", "DecodeError"]
} as const satisfies Record<string, readonly [string, string?]>

/** A response of the edition's in-process `Testing.layer`, its body read to the end. */
export interface Exchanged {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** The whole body as text. */
  readonly text: string
  /** The reads the body came in. */
  readonly pieces: ReadonlyArray<Uint8Array>
  /** The error that ended the body (`undefined`: it ended cleanly). */
  readonly error: unknown
}

/** What a shared body does with one `Testing.layer(script)`: requests through it and its recorder. */
export interface Layered<S> {
  /** A JSON POST (to the chat completions URL unless `url` is given), its body read whole. */
  readonly post: (
    body?: unknown,
    options?: { readonly url?: string; readonly headers?: Readonly<Record<string, string>> }
  ) => Promise<Exchanged>
  readonly requests: () => Promise<ReadonlyArray<RecordedRequest>>
  readonly setScript: (script: S) => Promise<void>
  readonly aborted: () => Promise<number>
}

/** Runs a body against a fresh `Testing.layer(script)` of the edition (no socket). */
export type InProcess<S> = (script: S, body: (layer: Layered<S>) => Promise<void>) => Promise<void>
