/**
 * The in-process transport: an `HttpClient` that answers from a Script without a socket,
 * rendering each Reply as a web `Response` whose `ReadableStream` body honours pauses (on the
 * Effect clock, so `TestClock` drives them), `writeSize`, the ending and the abort signal.
 *
 * @internal
 */
import type * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberId from "effect/FiberId"
import * as Runtime from "effect/Runtime"
import * as Stream from "effect/Stream"
import type * as Testing from "../../Testing.js"
import * as Durations from "./durations.js"
import { GenerationLog, isGenerationRoute, type Watch } from "./generations.js"
import * as Replies from "./replies.js"
import * as WebBody from "./webBody.js"

/** Mutable state behind one `Testing.layer`. @internal */
export interface State {
  script: Testing.Script
  readonly requests: Array<Testing.RecordedRequest>
  routed: number
  aborted: number
  readonly waiters: Set<{ readonly count: number; readonly resume: () => void }>
  readonly generations: GenerationLog
}

/** @internal */
export const makeState = (script: Testing.Script): State => ({
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
  Effect.async<void>((resume) => {
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
export const recorder = (state: State): Testing.Recorder.Service => ({
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
      return Effect.succeed(decoder.decode(body.body))
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
      return Stream.runFold(body.stream, "", (text, bytes) => text + decoder.decode(bytes, { stream: true })).pipe(
        Effect.map((text) => text + decoder.decode()),
        Effect.orElseSucceed(() => "")
      )
  }
}

/** Pauses on the Effect clock of the request's runtime, so `TestClock` drives them. */
const effectTimer = (runtime: Runtime.Runtime<never>): WebBody.StartTimer => (millis, wake) => {
  const fiber = Runtime.runFork(runtime)(Effect.sleep(Duration.millis(millis)))
  fiber.addObserver(wake)
  return () => fiber.unsafeInterruptAsFork(FiberId.none)
}

const toWebResponse = (
  request: HttpClientRequest.HttpClientRequest,
  reply: Testing.Reply,
  runtime: Runtime.Runtime<never>,
  signal: AbortSignal,
  state: State,
  watch: Watch | undefined
): Effect.Effect<Response, HttpClientError.RequestError> =>
  Effect.try({
    try: () => {
      const body = WebBody.NULL_BODY_STATUSES.has(reply.status) ? null : WebBody.webBody(reply, {
        signal,
        onGone: () => noteAbort(state),
        watch,
        millis: Durations.millis,
        startTimer: effectTimer(runtime)
      })
      return new Response(body, { status: reply.status, headers: { ...reply.headers } })
    },
    catch: (cause) =>
      new HttpClientError.RequestError({
        request,
        reason: "Transport",
        cause,
        description: `the OpenRouter emulator cannot render status ${reply.status} in-process`
      })
  })

/** The in-process `HttpClient` answering from `state.script`. @internal */
export const makeClient = (state: State): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal) =>
    Effect.gen(function*() {
      const text = yield* bodyText(request.body)
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value
      const recorded: Testing.RecordedRequest = {
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
        ? Replies.replyTo(state.script, recorded, state.routed++, Durations.millis)
        : isGenerationRoute(request.method, url.pathname)
        ? state.generations.reply(recorded)
        : Replies.notFound(recorded)
      const runtime = yield* Effect.runtime<never>()
      if (reply.headersDelay !== undefined) {
        yield* Effect.sleep(reply.headersDelay).pipe(
          Effect.onInterrupt(() => Effect.sync(() => noteAbort(state)))
        )
      }
      const watch = isChat ? state.generations.watch(reply, recorded) : undefined
      const response = yield* toWebResponse(request, reply, runtime, signal, state, watch)
      return HttpClientResponse.fromWeb(request, response)
    })
  )
