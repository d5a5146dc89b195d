/**
 * What every shared test body (`*Suite.ts`) receives from the edition that runs it: the running
 * vitest's functions (vitest 3 and 5 cannot share a module, so each edition passes its own), its
 * `Testing` reply builders and its `TestServer.listen`. Effect-free: the reply builders are typed with
 * the shared emulator types (`src/internal/emulator/types.ts`) and durations both editions read alike, so each
 * edition passes its `Testing` module as it is.
 */
import type * as Types from "../../src/internal/emulator/types.js"
import type { Calls, ErrorReaders } from "./calls.js"

/** The matchers the shared bodies use (vitest's, both majors). */
export interface Assertion {
  toBe(expected: unknown): void
  toEqual(expected: unknown): void
  toStrictEqual(expected: unknown): void
  toMatchObject(expected: object): void
  toContain(expected: unknown): void
  toContainEqual(expected: unknown): void
  toHaveLength(expected: number): void
  toHaveProperty(path: string | Array<string | number>, value?: unknown): void
  toBeUndefined(): void
  toBeDefined(): void
  toBeNull(): void
  toBeTruthy(): void
  toBeGreaterThan(expected: number): void
  toBeGreaterThanOrEqual(expected: number): void
  toBeLessThan(expected: number): void
  toBeLessThanOrEqual(expected: number): void
  toBeCloseTo(expected: number, digits?: number): void
  toMatch(expected: RegExp | string): void
  toThrow(expected?: RegExp | string): void
  readonly not: Assertion
}

/** The running vitest's functions. */
export interface Vitest {
  readonly describe: (name: string, body: () => void) => unknown
  readonly it: (name: string, body: () => Promise<void>, timeout?: number) => unknown
  readonly expect: ((value: unknown) => Assertion) & {
    readonly arrayContaining: (expected: Array<unknown>) => unknown
    readonly stringMatching: (expected: RegExp | string) => unknown
  }
}

/** A duration both editions' `Duration` inputs accept: milliseconds, or a number with a unit. */
export type Duration = number | `${number} ${"millis" | "seconds" | "minutes" | "hours"}`

/** An edition's `Testing` reply builders (`R`: its `Testing.Reply`). */
export interface Replies<R> {
  completion(options?: Types.CompletionOptions<Duration>): R
  stream(options?: Types.StreamOptions<Duration>): R
  error(status: number, options?: Types.ErrorOptions<Duration>): R
  midStreamError(options: Types.MidStreamErrorOptions<Duration>): R
  truncated(options: Types.CutOptions<Duration>): R
  reset(options: Types.CutOptions<Duration>): R
  hang(options?: Partial<Types.CutOptions<Duration>>): R
  raw(options?: Types.RawOptions<Duration>): R
  sse(events: Iterable<string | object>, options?: Types.SseOptions<Duration>): R
  streamOf(body: Readonly<Record<string, unknown>>, options?: Types.StreamOfOptions<Duration>): R
  pieces(count: number, text?: (index: number) => string): Iterable<string>
  withHeaders(self: R, headers: Readonly<Record<string, string>>): R
  delay(self: R, duration: Duration): R
  emulator(request: Types.RecordedRequest, index: number): R
}

/** A script: one reply, replies in order, or a reply per request. */
export type Script<R> = R | ReadonlyArray<R> | ((request: Types.RecordedRequest, index: number) => R)

/** A listening emulator (`TestServer.listen`), as the shared bodies use it (`R`: the edition's `Testing.Reply`). */
export interface Server<R = never> {
  readonly url: string
  readonly requests: () => ReadonlyArray<Types.RecordedRequest>
  /** How many responses the client aborted before their body ended. */
  readonly aborted: () => number
  /** Resolves once at least `count` (default 1) aborts have been observed. */
  readonly awaitAbort: (count?: number) => Promise<void>
  /** Answers later requests from another script. */
  readonly setScript: (script: Script<R>) => Promise<void> | void
  readonly close: () => Promise<void>
}

/** An edition's `TestServer.listen`. */
export type Listen<R> = (script: Script<R>) => Promise<Server<R>>

/** Runs `body` against a server listening with `script`, closed afterwards. */
export const serving = async <R, A>(
  listen: Listen<R>,
  script: Script<R>,
  body: (server: Server<R>) => Promise<A>
): Promise<A> => {
  const server = await listen(script)
  try {
    return await body(server)
  } finally {
    await server.close()
  }
}

/**
 * What the shared bodies of wire exchanges take from an edition (`R`: its `Testing.Reply`): its vitest
 * functions, its name (the column of the tables where the editions differ), its calls per HttpClient,
 * its `Testing` replies, its `TestServer.listen`, its `ErrorReaders` and its SSE test parser. Each edition
 * builds it once (`wired` in `callsEffect3.ts`, `effect4/test/support/callsEffect4.ts`).
 */
export interface Wired<R> extends Vitest {
  readonly edition: "effect3" | "effect4"
  readonly clients: ReadonlyArray<readonly [string, Calls]>
  readonly testing: Replies<R>
  readonly listen: Listen<R>
  readonly errors: ErrorReaders
  readonly parseSse: (text: string) => {
    readonly data: ReadonlyArray<string>
    readonly comments: ReadonlyArray<string>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- decoded wire values, read loosely
    readonly chunks: ReadonlyArray<any>
  }
}
