/**
 * The in-process transport: an `HttpClient` that answers from a Script without a socket,
 * rendering each Reply as a web `Response` whose `ReadableStream` body honours pauses (on the
 * Effect clock, so `TestClock` drives them), `writeSize`, the ending and the abort signal.
 *
 * @internal
 */
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import type * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Stream from "effect/Stream"
import { GenerationLog, isGenerationRoute, type Watch } from "../../../../src/internal/emulator/generations.js"
import * as Render from "../../../../src/internal/emulator/render.js"
import * as Replies from "../../../../src/internal/emulator/replies.js"
import type * as Types from "../../../../src/internal/emulator/types.js"
import type * as Testing from "../../Testing.js"
import { millis } from "./durations.js"

/** Mutable state behind one `Testing.layer`. @internal */
export interface State {
  script: Types.Script
  readonly requests: Array<Types.RecordedRequest>
  routed: number
  aborted: number
  readonly waiters: Set<{ readonly count: number; readonly resume: () => void }>
  readonly generations: GenerationLog
}

/** @internal */
export const makeState = (script: Types.Script): State => ({
  script,
  requests: [],
  routed: 0,
  aborted: 0,
  waiters: new Set(),
  generations: new GenerationLog()
})

const noteAbort = (state: State): void => {
  state.aborted++
  for (const waiter of state.waiters) {
    if (state.aborted >= waiter.count) {
      state.waiters.delete(waiter)
      waiter.resume()
    }
  }
}

/** @internal */
export const awaitAborts = (state: State, count: number): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    if (state.aborted >= count) {
      resume(Effect.void)
      return
    }
    const waiter = { count, resume: () => resume(Effect.void) }
    state.waiters.add(waiter)
    return Effect.sync(() => {
      state.waiters.delete(waiter)
    })
  })

/** @internal */
export const recorder = (state: State): Testing.Recorder["Service"] => ({
  requests: Effect.sync(() => state.requests.slice()),
  aborted: Effect.sync(() => state.aborted),
  awaitAbort: awaitAborts(state, 1),
  awaitAborts: (count) => awaitAborts(state, count),
  setScript: (script) =>
    Effect.sync(() => {
      state.script = script
    })
})

const decoder = new TextDecoder()
const encoder = new TextEncoder()

const bodyText = (body: HttpBody.HttpBody): Effect.Effect<string> => {
  switch (body._tag) {
    case "Empty":
      return Effect.succeed("")
    case "Uint8Array":
      return Effect.succeed(body.text ?? decoder.decode(body.body))
    case "Raw": {
      const value = body.body
      if (typeof value === "string") return Effect.succeed(value)
      if (value instanceof Uint8Array) return Effect.succeed(decoder.decode(value))
      if (value instanceof ArrayBuffer) return Effect.succeed(decoder.decode(new Uint8Array(value)))
      return Effect.promise(() => new Response(value as BodyInit).text()).pipe(Effect.orElseSucceed(() => ""))
    }
    case "FormData":
      return Effect.promise(() => new Response(body.formData).text()).pipe(Effect.orElseSucceed(() => ""))
    case "Stream":
      return Stream.runFold(
        body.stream,
        () => "",
        (text, bytes: Uint8Array) => text + decoder.decode(bytes, { stream: true })
      ).pipe(
        Effect.map((text) => text + decoder.decode()),
        Effect.orElseSucceed(() => "")
      )
  }
}

const HIGH_WATER_MARK = 64

const connectionReset = (): Error =>
  Object.assign(new Error("read ECONNRESET (the OpenRouter emulator reset the connection)"), {
    code: "ECONNRESET"
  })

const webBody = (
  reply: Types.Reply,
  context: Context.Context<never>,
  signal: AbortSignal,
  onGone: () => void,
  watch: Watch | undefined
): ReadableStream<Uint8Array> => {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let gone = false
  let finished = false
  let ready: (() => void) | undefined
  const goneWaiters = new Set<() => void>()
  const sleepers = new Set<Fiber.Fiber<void>>()
  const fork = Effect.runForkWith(context)
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
    onGone()
    wake()
    for (const resolve of goneWaiters) resolve()
    goneWaiters.clear()
    for (const fiber of sleepers) fiber.interruptUnsafe()
    sleepers.clear()
  }
  const sink: Render.Sink = {
    encode: (text) => encoder.encode(text),
    millis,
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
        const fiber = fork(Effect.sleep(ms))
        sleepers.add(fiber)
        fiber.addObserver(() => {
          sleepers.delete(fiber)
          goneWaiters.delete(resolve)
          resolve()
        })
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

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])

const toWebResponse = (
  request: HttpClientRequest.HttpClientRequest,
  reply: Types.Reply,
  context: Context.Context<never>,
  signal: AbortSignal,
  state: State,
  watch: Watch | undefined
): Effect.Effect<Response, HttpClientError.HttpClientError> =>
  Effect.try({
    try: () => {
      const body = NULL_BODY_STATUSES.has(reply.status)
        ? null
        : webBody(reply, context, signal, () => noteAbort(state), watch)
      return new Response(body, { status: reply.status, headers: { ...reply.headers } })
    },
    catch: (cause) =>
      new HttpClientError.HttpClientError({
        reason: new HttpClientError.TransportError({
          request,
          cause,
          description: `the OpenRouter emulator cannot render status ${reply.status} in-process`
        })
      })
  })

/** The in-process `HttpClient` answering from `state.script`. @internal */
export const makeClient = (state: State): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal) =>
    Effect.gen(function*() {
      const text = yield* bodyText(request.body)
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value
      const recorded: Types.RecordedRequest = {
        method: request.method,
        path: url.pathname,
        url: url.toString(),
        headers,
        body: Replies.parseBody(text),
        text
      }
      state.requests.push(recorded)
      const isChat = Replies.isChatRoute(request.method, url.pathname)
      const reply = isChat
        ? Replies.replyTo(state.script, recorded, state.routed++)
        : isGenerationRoute(request.method, url.pathname)
        ? state.generations.reply(recorded)
        : Replies.notFound(recorded)
      const context = yield* Effect.context<never>()
      if (reply.headersDelay !== undefined) {
        yield* Effect.sleep(millis(reply.headersDelay)).pipe(
          Effect.onInterrupt(() => Effect.sync(() => noteAbort(state)))
        )
      }
      const watch = isChat ? state.generations.watch(reply, recorded) : undefined
      const response = yield* toWebResponse(request, reply, context, signal, state, watch)
      return HttpClientResponse.fromWeb(request, response)
    })
  )
