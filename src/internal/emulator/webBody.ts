/**
 * The in-process transport's body: a Reply rendered as a web `ReadableStream` that honours pauses,
 * `writeSize`, the ending and the abort signal. Effect-free, shared by both editions: each edition's
 * `inProcess.ts` passes a timer on its Effect clock (so `TestClock` drives the pauses) and its
 * `Duration` reading.
 *
 * @internal
 */
import type { Watch } from "./generations.js"
import * as Render from "./render.js"
import type * as Testing from "./types.js"

/** How a transport waits: calls `wake` after `millis`, and returns how to cancel the wait. @internal */
export type StartTimer = (millis: number, wake: () => void) => () => void

/** @internal */
export interface WebBodyOptions {
  readonly signal: AbortSignal
  /** Called once when the client goes away before the end (abort, cancel). */
  readonly onGone: () => void
  readonly watch: Watch | undefined
  readonly millis: (duration: unknown) => number
  readonly startTimer: StartTimer
}

const HIGH_WATER_MARK = 64

const encoder = new TextEncoder()

const connectionReset = (): Error =>
  Object.assign(new Error("read ECONNRESET (the OpenRouter emulator reset the connection)"), {
    code: "ECONNRESET"
  })

/** Statuses whose web `Response` cannot have a body. @internal */
export const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304])

/** @internal */
export const webBody = (reply: Testing.Reply, options: WebBodyOptions): ReadableStream<Uint8Array> => {
  const { signal, watch } = options
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let gone = false
  let finished = false
  let ready: (() => void) | undefined
  const goneWaiters = new Set<() => void>()
  const timers = new Set<() => void>()
  const wake = (): void => {
    const resolve = ready
    ready = undefined
    resolve?.()
  }
  const nextPull = (): Promise<void> =>
    new Promise<void>((resolve) => {
      ready = resolve
    })
  const finish = (): void => {
    finished = true
    signal.removeEventListener("abort", onAbort)
  }
  // Like fetch: aborting the request errors a body that is still being read.
  function onAbort(): void {
    if (gone || finished) return
    markGone()
    try {
      controller.error(new DOMException("This operation was aborted", "AbortError"))
    } catch {
      // the stream was already closed or errored
    }
  }
  function markGone(): void {
    if (gone || finished) return
    gone = true
    signal.removeEventListener("abort", onAbort)
    options.onGone()
    wake()
    for (const resolve of goneWaiters) resolve()
    goneWaiters.clear()
    for (const cancel of timers) cancel()
    timers.clear()
  }
  const sink: Render.Sink = {
    encode: (text) => encoder.encode(text),
    millis: options.millis,
    write: (chunk) => {
      if (gone) return undefined
      watch?.write(chunk)
      controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk)
      return (controller.desiredSize ?? 0) > 0 ? undefined : nextPull()
    },
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        if (gone) return resolve()
        goneWaiters.add(resolve)
        if (ms === Infinity) return
        // A timer may wake at once (a zero wait on a test clock): `cancel` is known only after it returns.
        const timer = { done: false, cancel: (): void => {} }
        timer.cancel = options.startTimer(ms, () => {
          timer.done = true
          timers.delete(timer.cancel)
          goneWaiters.delete(resolve)
          resolve()
        })
        if (!timer.done) timers.add(timer.cancel)
      }),
    gone: () => gone
  }
  const run = async (): Promise<void> => {
    try {
      if (!(await Render.writeBody(reply, sink))) return
      switch (reply.ending ?? "end") {
        case "end":
          finish()
          controller.close()
          return
        case "reset":
          // controller.error() drops queued chunks: let the reader take everything written first.
          while (!gone && (controller.desiredSize ?? 0) < HIGH_WATER_MARK) await nextPull()
          if (gone) return
          finish()
          controller.error(connectionReset())
          return
        case "hang":
          await Render.hold(reply, sink)
          return
      }
    } catch (cause) {
      if (gone || finished) return
      finish()
      controller.error(cause)
    } finally {
      // The generation's stats appear now; `cancelled` when the client went away before the end.
      watch?.end(gone)
    }
  }
  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c
      if (signal.aborted) {
        markGone()
        return
      }
      signal.addEventListener("abort", onAbort)
      void run()
    },
    pull() {
      // Resume the writer in batches (when half the queue has been read), not after every read.
      if ((controller.desiredSize ?? 0) >= HIGH_WATER_MARK / 2) wake()
    },
    cancel() {
      markGone()
    }
  }, { highWaterMark: HIGH_WATER_MARK })
}
