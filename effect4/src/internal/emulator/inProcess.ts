/**
 * The in-process transport: an `HttpClient` that answers from a Script without a socket,
 * rendering each Reply as a web `Response` whose `ReadableStream` body honours pauses (on the
 * Effect clock, so `TestClock` drives them), `writeSize`, the ending and the abort signal.
 *
 * @internal
 */
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Stream from "effect/Stream"
import { GenerationLog, isGenerationRoute, type Watch } from "../../../../src/internal/emulator/generations.js"
import * as Replies from "../../../../src/internal/emulator/replies.js"
import type * as Types from "../../../../src/internal/emulator/types.js"
import * as WebBody from "../../../../src/internal/emulator/webBody.js"
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

/** Pauses on the Effect clock of the request's context, so `TestClock` drives them. */
const effectTimer = (context: Context.Context<never>): WebBody.StartTimer => {
  const fork = Effect.runForkWith(context)
  return (millis, wake) => {
    const fiber = fork(Effect.sleep(millis))
    fiber.addObserver(wake)
    return () => fiber.interruptUnsafe()
  }
}

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
      const body = WebBody.NULL_BODY_STATUSES.has(reply.status) ? null : WebBody.webBody(reply, {
        signal,
        onGone: () => noteAbort(state),
        watch,
        millis,
        startTimer: effectTimer(context)
      })
      return new Response(body, { status: reply.status, headers: { ...reply.headers } })
    },
    catch: (cause) => emulatorError(request, cause, `cannot render status ${reply.status} in-process`)
  })

/** A Reply the in-process emulator cannot render fails the request as a transport error, not a defect. */
const emulatorError = (
  request: HttpClientRequest.HttpClientRequest,
  cause: unknown,
  what: string
): HttpClientError.HttpClientError =>
  new HttpClientError.HttpClientError({
    reason: new HttpClientError.TransportError({ request, cause, description: `the OpenRouter emulator ${what}` })
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
        ? Replies.replyTo(state.script, recorded, state.routed++, millis)
        : isGenerationRoute(request.method, url.pathname)
        ? state.generations.reply(recorded)
        : Replies.notFound(recorded)
      const context = yield* Effect.context<never>()
      if (reply.headersDelay !== undefined) {
        const headersDelay = reply.headersDelay
        const delay = yield* Effect.try({
          try: () => millis(headersDelay),
          catch: (cause) => emulatorError(request, cause, "cannot read the Reply's headersDelay")
        })
        yield* Effect.sleep(delay).pipe(
          Effect.onInterrupt(() => Effect.sync(() => noteAbort(state)))
        )
      }
      const watch = isChat ? state.generations.watch(reply, recorded) : undefined
      const response = yield* toWebResponse(request, reply, context, signal, state, watch)
      return HttpClientResponse.fromWeb(request, response)
    })
  )
