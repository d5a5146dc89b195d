/**
 * `Chat.stream` and `Chat.collect`: from a `text/event-stream` body to a `Stream` of parsed chunks
 * (SSE, JSON, the chunk guard), the hold-back of contentless chunks while a retry is possible, the idle
 * watch, and the stream's retry.
 *
 * Effect 4 has no `Channel.readWithCause`: the body is read through a `Pull` (`Channel.fromTransform`),
 * a function the consumer calls for the next batch. A batch is one network read's chunks, as in the
 * Effect 3 edition; a failure that comes after chunks of the same read is kept for the next pull, so
 * the consumer sees the chunks first.
 */
import * as Cause from "effect/Cause"
import * as Channel from "effect/Channel"
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { identity } from "effect/Function"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Pull from "effect/Pull"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { Collector } from "../../../../src/internal/chat/collect.js"
import { chunkList, gather, type HoldBack, releaseHeld } from "../../../../src/internal/chat/content.js"
import { settleStack } from "../../../../src/internal/transport/bounded.js"
import { errorMember, NotJson, parseJson } from "../../../../src/internal/transport/json.js"
import { withAttempts } from "../../../../src/internal/transport/retry.js"
import { describeThrown } from "../../../../src/internal/transport/snapshot.js"
import { makeSseParser } from "../../../../src/internal/transport/sse.js"
import { startTimer } from "../../../../src/internal/transport/timer.js"
import type { CallOptions, OpenRouterConfigService } from "../../Client.js"
import type { OpenRouterConfig } from "../../Client.js"
import * as Errors from "../../Errors.js"
import * as Retry from "../../Retry.js"
import * as S from "../../Schema.js"
import { isNativeTracer, redactingClient, withoutHttpSpan } from "../telemetry/platformSpan.js"
import type { Call } from "../telemetry/telemetry.js"
import { endStream, traceStream, withCall } from "../telemetry/telemetry.js"
import { invalid, prepare, readBody, traceable, withCallConfig } from "../transport/request.js"
import {
  bodyId,
  connectionError,
  decodeError,
  failWithStatus,
  jsonInsteadOfStream,
  logInvalidFields,
  midStreamError,
  timeoutError
} from "../transport/response.js"

type Batch = readonly [S.ChatStreamChunk, ...Array<S.ChatStreamChunk>]

/**
 * The state of one attempt of a stream, shared by its parser and the retry loop: whether content has
 * reached the consumer, and the chunks without content held back until it does (so that a retried
 * attempt never shows the consumer a second opening chunk). Owned by the stream's fiber.
 */
interface Attempt extends HoldBack<S.ChatStreamChunk> {
  /** The call's telemetry, which sees every batch handed to the consumer. */
  readonly call: Call | undefined
}

/**
 * Parses a `text/event-stream` body into chunks: one SSE parser per body, `[DONE]` ends the stream,
 * an error chunk fails it with `MidStreamError` after the chunks before it, a body that ends without
 * `[DONE]` fails with `ConnectionError`. Output batches follow network reads; a read with only
 * keep-alive comments emits nothing and is no progress for the idle watch.
 */
const decodeEvents = (
  response: HttpClientResponse.HttpClientResponse,
  attempt: Attempt,
  idle: IdleWatch
): Stream.Stream<S.ChatStreamChunk, Errors.StreamError> =>
  Stream.suspend(() => {
    const parser = makeSseParser()
    const status = response.status
    let done = false
    let out = chunkList<S.ChatStreamChunk>()
    // Fields the chunks decoded so far had of an unexpected type, logged when the chunks are emitted.
    let invalid: Array<S.InvalidField> = []
    // The generation this stream belongs to, for the errors that end it (a Generation.get lookup).
    let generationId: string | undefined = response.headers["x-generation-id"] || undefined

    const handle = (events: ReadonlyArray<{ readonly data: string }>): Errors.StreamError | undefined => {
      for (let i = 0; i < events.length; i++) {
        const data = events[i]!.data
        if (data === "[DONE]") {
          done = true
          return undefined
        }
        const json = parseJson(data)
        if (json instanceof NotJson) {
          return decodeError(status, response.headers, data, `stream chunk is not JSON: ${json.message}`)
        }
        const error = errorMember(json)
        if (error !== undefined) {
          return midStreamError(error, json as Record<string, unknown>, attempt.contentEmitted, generationId)
        }
        const decoded = S.decodeChatStreamChunk(json)
        if (Result.isFailure(decoded)) {
          return decodeError(status, response.headers, data, decoded.failure.message, undefined, {
            id: generationId ?? bodyId(json)
          })
        }
        const chunk = decoded.success
        if (generationId === undefined && typeof chunk.id === "string" && chunk.id !== "") generationId = chunk.id
        if (chunk.invalidFields !== undefined) invalid.push(...chunk.invalidFields)
        for (const choice of chunk.choices) {
          const choiceError = (choice as { readonly error?: unknown }).error
          if (choiceError !== undefined && choiceError !== null) {
            return midStreamError(choiceError, json as Record<string, unknown>, attempt.contentEmitted, generationId)
          }
        }
        gather(attempt, out, chunk)
      }
      return undefined
    }

    // The chunks gathered since the last batch, handed to telemetry, or `undefined` when there are none.
    const take = (): Batch | undefined => {
      if (out.length === 0) return undefined
      if (attempt.call !== undefined) attempt.call.emitted(out, attempt.contentEmitted)
      const batch = out as unknown as Batch
      out = chunkList()
      return batch
    }

    // `pull`, after the debug log of the fields taken out of the chunks it emits (see `logInvalidFields`).
    const logged = <A, E>(pull: Effect.Effect<A, E>): Effect.Effect<A, E> => {
      if (invalid.length === 0) return pull
      const log = logInvalidFields(invalid, generationId)
      invalid = []
      return Effect.andThen(log, pull)
    }

    // The stream reached `[DONE]`: the held chunks go out with the last batch.
    const end = (): void => {
      if (attempt.call !== undefined) attempt.call.completed = true
      releaseHeld(attempt, out)
    }

    const cutOff = () =>
      settleStack(
        new Errors.ConnectionError({
          reason: "StreamCutOff",
          message:
            `The stream was cut off: the body ended without data: [DONE] (${response.request.method} ${response.request.url})`,
          generationId
        })
      )

    const transform = (upstream: Pull.Pull<ReadonlyArray<Uint8Array>, Errors.StreamError, unknown>) => {
      // What the next pull returns before reading on: the end of the stream, a failure that came
      // after chunks of the same read, or the drain after `[DONE]`.
      let next: Pull.Pull<Batch, Errors.StreamError> | undefined = undefined

      // Emits what was gathered, then (on the next pull) `after`.
      const emitThen = (after: Pull.Pull<Batch, Errors.StreamError>): Pull.Pull<Batch, Errors.StreamError> => {
        const batch = take()
        if (batch === undefined) return logged(after)
        next = after
        return logged(Effect.succeed(batch))
      }

      const finished: Pull.Pull<Batch, Errors.StreamError> = Cause.done()

      // After `[DONE]` every chunk has been emitted; reading on to the end of the body (normally in the
      // same network read) lets the request finish on its own. Ending the stream at `[DONE]` instead
      // would abort a request whose body has not ended: an abort makes an error with a stack trace
      // (undici's RequestAbortedError, a DOMException), measurable CPU with many slow streams
      // (bench/profile.mjs). A server that does not end the body within `DRAIN_AFTER_DONE_MS` is cut
      // off (aborted) and the stream succeeds.
      const drain: Pull.Pull<Batch, Errors.StreamError> = Effect.suspend(() => {
        idle.waiting = false
        const cancel = startTimer(DRAIN_AFTER_DONE_MS, () => Effect.runFork(idle.abort))
        const loop: Pull.Pull<Batch, Errors.StreamError> = Effect.matchCauseEffect(upstream, {
          onSuccess: () => loop,
          onFailure: (cause) => {
            cancel()
            if (Pull.isDoneCause(cause)) idle.bodyEnded = true
            return finished
          }
        })
        return loop
      })

      const read: Pull.Pull<Batch, Errors.StreamError> = Effect.matchCauseEffect(upstream, {
        onSuccess: (input): Pull.Pull<Batch, Errors.StreamError> => {
          let error: Errors.StreamError | undefined
          let progress = false
          for (const bytes of input) {
            const events = parser.feed(bytes)
            if (events.length > 0) progress = true
            error = handle(events)
            if (error !== undefined || done) break
          }
          if (error !== undefined) return emitThen(Effect.fail(error))
          if (done) {
            end()
            return emitThen(drain)
          }
          if (!progress) return read
          idle.waiting = false
          const batch = take()
          return logged(batch === undefined ? awaitInput : Effect.succeed(batch))
        },
        onFailure: (cause): Pull.Pull<Batch, Errors.StreamError> => {
          if (!Pull.isDoneCause(cause)) return emitThen(Effect.failCause(cause as Cause.Cause<Errors.StreamError>))
          idle.bodyEnded = true
          const error = handle(parser.flush()) ?? (done ? undefined : cutOff())
          if (error !== undefined) return emitThen(Effect.fail(error))
          end()
          return emitThen(finished)
        }
      })

      // Runs when the consumer asks for more: from now on the socket's silence counts.
      const awaitInput: Pull.Pull<Batch, Errors.StreamError> = Effect.suspend(() => {
        idle.waiting = true
        idle.waitingSince = idle.clock.currentTimeMillisUnsafe()
        return read
      })

      return Effect.succeed(Effect.suspend((): Pull.Pull<Batch, Errors.StreamError> => {
        if (next === undefined) return awaitInput
        const pending = next
        next = undefined
        return pending
      }))
    }

    return response.stream.pipe(
      Stream.mapError((e) =>
        idle.timedOut
          ? timeoutError("idle", idle.limit, "Waiting for the next stream event")
          : connectionError(e, "ResponseFailed", generationId)
      ),
      Stream.pipeThroughChannel(Channel.fromTransform(transform))
    )
  })

/**
 * The idle timeout of one stream attempt. The parser notes when it starts waiting for the socket
 * (only when the consumer asks for more, so a slow consumer is never timed out) and when a data event
 * arrives; keep-alive comments are no progress. A watchdog fiber sleeps until the deadline; when it
 * passes, it aborts the request, and the body's failure becomes a `TimeoutError`. One fiber per
 * stream, rather than a race per read, which costs a fork per read.
 *
 * The record is shared by two fibers: the stream's fiber writes `waiting`/`waitingSince`/`bodyEnded`,
 * the watchdog reads them and writes `timedOut` (read by the stream's fiber after the abort it causes).
 * Plain fields rather than a `Ref`, because a `Ref` costs an effect per read.
 */
interface IdleWatch {
  readonly limit: Duration.Duration
  readonly clock: Clock.Clock
  /** Aborts the request (closes its scope). */
  readonly abort: Effect.Effect<void>
  waiting: boolean
  waitingSince: number
  timedOut: boolean
  /** The body was read to its end: nothing to abort when the attempt ends. */
  bodyEnded: boolean
}

/** How long a body may stay open after `[DONE]` before the request is aborted. */
const DRAIN_AFTER_DONE_MS = 1000

const watchIdle = (idle: IdleWatch, abort: Effect.Effect<void>): Effect.Effect<void> => {
  const limit = Duration.toMillis(idle.limit)
  const loop: Effect.Effect<void> = Effect.suspend(() => {
    if (!idle.waiting) return Effect.andThen(Effect.sleep(idle.limit), loop)
    const remaining = idle.waitingSince + limit - idle.clock.currentTimeMillisUnsafe()
    if (remaining > 0) return Effect.andThen(Effect.sleep(Duration.millis(remaining)), loop)
    idle.timedOut = true
    return abort
  })
  return loop
}

/**
 * One attempt: sends the request, checks the status, and streams the chunks of the body. The request
 * lives in a scope of its own (`HttpClient.withScope`), closed when the stream ends, stops early or is
 * interrupted, or when the idle watchdog fires: closing it aborts the request, so the server sees the
 * connection close. The attempt's own scope (the watchdog fiber, the request scope's finalizer) is the
 * one `Stream.unwrap` gives the effect: it closes when the attempt's stream ends.
 */
const openAttempt = (
  client: HttpClient.HttpClient,
  untraced: boolean,
  request: HttpClientRequest.HttpClientRequest,
  timeout: Duration.Duration,
  idleLimit: Duration.Duration,
  attempt: Attempt
): Stream.Stream<S.ChatStreamChunk, Errors.StreamError> =>
  Stream.unwrap(Effect.gen(function*() {
    const requestScope = yield* Scope.make()
    const abort = Scope.close(requestScope, Exit.void)
    const idle: IdleWatch = {
      limit: idleLimit,
      clock: yield* Effect.clockWith(Effect.succeed),
      abort,
      waiting: false,
      waitingSince: 0,
      timedOut: false,
      bodyEnded: false
    }
    // A body read to its end needs no abort (an abort costs a DOMException): its scope is left to the
    // garbage collector, as in `executeWithin`.
    yield* Effect.addFinalizer(() => Effect.suspend(() => idle.bodyEnded ? Effect.void : abort))
    const response = yield* HttpClient.withScope(client).execute(request).pipe(
      Effect.provideService(Scope.Scope, requestScope),
      // Without a tracer the HTTP client's span would be seen by no one: the request opens none (and so
      // sends no trace headers), as `Chat.send`'s (see `executeWithClock`).
      untraced ? (effect) => Effect.updateContext(effect, withoutHttpSpan<never>) : identity,
      (effect) => withCall(effect, attempt.call),
      Effect.mapError((e) => connectionError(e)),
      Effect.timeoutOrElse({
        duration: timeout,
        orElse: () => Effect.fail(timeoutError("request", timeout, "Waiting for the stream's response headers"))
      })
    )
    if (response.status < 200 || response.status >= 300) return yield* failWithStatus(response)
    const contentType = response.headers["content-type"] ?? ""
    if (!contentType.includes("text/event-stream")) return yield* jsonInsteadOfStream(response)
    yield* Effect.forkScoped(watchIdle(idle, abort))
    return decodeEvents(response, attempt, idle)
  }))

/**
 * Retries a stream while no content has reached the consumer: each attempt holds back its chunks
 * without content until its first content chunk, so a failed attempt leaves no trace; once content
 * was emitted, a failure ends the stream. On giving up, the attempt's held chunks are emitted before
 * the failure, which carries the number of attempts.
 */
const retryUntilContent = (
  open: (attempt: Attempt) => Stream.Stream<S.ChatStreamChunk, Errors.StreamError>,
  policy: Retry.Policy,
  call: Call | undefined
): Stream.Stream<S.ChatStreamChunk, Errors.StreamError> =>
  Stream.suspend(() => {
    let attempts = 0
    // The schedule's step is made on the first failure, not for every stream (most never fail).
    let step: ((error: Errors.StreamError) => Pull.Pull<unknown, never, unknown>) | undefined
    const getStep = Effect.suspend(() =>
      step === undefined
        ? Effect.map(Schedule.toStepWithSleep(Retry.toSchedule(policy)), (made) => {
          step = made
          return made
        })
        : Effect.succeed(step)
    )
    const next = (): Stream.Stream<S.ChatStreamChunk, Errors.StreamError> =>
      Stream.suspend(() => {
        attempts++
        const attempt: Attempt = { hold: true, contentEmitted: false, held: chunkList(), call }
        return Stream.catch(open(attempt), (error) => {
          const failed = Stream.fail(withAttempts(error, attempts))
          if (attempt.contentEmitted) return failed
          const giveUp = Stream.suspend(() => {
            if (call !== undefined) call.emitted(attempt.held, false)
            return Stream.concat(Stream.fromIterable(attempt.held), failed)
          })
          return Stream.unwrap(
            Effect.flatMap(
              getStep,
              (s) => Effect.match(withCall(s(error), call), { onFailure: () => giveUp, onSuccess: next })
            )
          )
        })
      })
    return next()
  })

/** `Chat.stream`: with `options.config`, the stream needs no `OpenRouterConfig` (no context lookup). */
export function stream(
  request: S.ChatRequest,
  options: CallOptions & { readonly config: OpenRouterConfigService }
): Stream.Stream<S.ChatStreamChunk, Errors.StreamError, HttpClient.HttpClient>
export function stream(
  request: S.ChatRequest,
  options?: CallOptions
): Stream.Stream<S.ChatStreamChunk, Errors.StreamError, HttpClient.HttpClient | OpenRouterConfig>
export function stream(
  request: S.ChatRequest,
  options?: CallOptions
): Stream.Stream<S.ChatStreamChunk, Errors.StreamError, HttpClient.HttpClient | OpenRouterConfig> {
  return Stream.unwrap(withCallConfig(options, (config) => streamWith(config, request, options)))
}

const streamWith = (
  config: OpenRouterConfigService,
  request: S.ChatRequest,
  options: CallOptions | undefined
): Effect.Effect<Stream.Stream<S.ChatStreamChunk, Errors.StreamError>, Errors.StreamError, HttpClient.HttpClient> => {
  const body = readBody(request)
  const prepared = prepare(config, body, options, "stream")
  // Telemetry reads the body as read once, never the caller's object (which may throw when read).
  return Effect.flatMap(traceStream(config, traceable(body)), (call) => {
    const chunks = Effect.gen(function*() {
      if (Result.isFailure(prepared)) return yield* Effect.fail(prepared.failure)
      const http = yield* HttpClient.HttpClient
      // Without a tracer there is no span to redact either (see `redactingClient`).
      const untraced = isNativeTracer(yield* Effect.tracer)
      const client = untraced ? http : redactingClient(http)
      const prep = prepared.success
      const open = (attempt: Attempt) =>
        openAttempt(client, untraced, prep.request, prep.timeout, prep.idleTimeout, attempt)
      const policy = prep.retry
      if (policy === false) return open({ hold: false, contentEmitted: false, held: chunkList(), call })
      return retryUntilContent(open, policy, call)
    })
    if (call === undefined) return chunks
    // The call's span ends with the stream (however it ends), or at once if the stream never starts.
    return chunks.pipe(
      Effect.map(Stream.onExit((exit) => endStream(call, exit))),
      Effect.onExit((exit) => Exit.isSuccess(exit) ? Effect.void : endStream(call, exit))
    )
  })
}

/** What `Chat.collect` fails with when what it is given cannot be collected: `stream` and why. */
const notCollectable = (message: string): Errors.InvalidRequestError => invalid([{ path: "stream", message }])

/**
 * `Chat.collect`: the fold of the shared `collect.ts` over a chunk stream. A value that is not a
 * Stream, or a chunk the fold cannot read (a getter that throws), is an `InvalidRequestError` at
 * `stream`, never a defect.
 */
export const collect = <E, R>(
  self: Stream.Stream<S.ChatStreamChunk, E, R>
): Effect.Effect<S.ChatResponse, E | Errors.InvalidRequestError, R> =>
  Effect.suspend(() => {
    if (!Stream.isStream(self)) return Effect.fail(notCollectable("must be a Stream of chat chunks"))
    const collector = new Collector<S.ChatResponse>()
    const unreadable = (e: unknown) => notCollectable(`has a chunk that cannot be read: ${describeThrown(e)}`)
    return Effect.flatMap(
      Stream.runForEachArray(self, (chunk) =>
        Effect.try({
          try: () => {
            for (const c of chunk) collector.add(c)
          },
          catch: unreadable
        })),
      () => Effect.try({ try: () => collector.result(), catch: unreadable })
    )
  })
