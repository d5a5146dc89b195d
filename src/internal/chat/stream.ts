/**
 * `Chat.stream` and `Chat.collect`: from a `text/event-stream` body to a `Stream` of parsed chunks
 * (SSE, JSON, the chunk guard), the hold-back of contentless chunks while a retry is possible, the idle
 * watch, and the stream's retry.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Channel from "effect/Channel"
import * as Chunk from "effect/Chunk"
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { CallOptions, OpenRouterConfigService } from "../../Client.js"
import { OpenRouterConfig } from "../../Client.js"
import * as Errors from "../../Errors.js"
import * as Retry from "../../Retry.js"
import * as S from "../../Schema.js"
import { chatClient } from "../telemetry/platformSpan.js"
import type { Call } from "../telemetry/telemetry.js"
import { endStream, traceStream, withCall } from "../telemetry/telemetry.js"
import { settleStack } from "../transport/bounded.js"
import { errorMember, NotJson, parseJson } from "../transport/json.js"
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
import { withAttempts } from "../transport/retry.js"
import { describeThrown } from "../transport/snapshot.js"
import { makeSseParser } from "../transport/sse.js"
import { startTimer } from "../transport/timer.js"
import { Collector } from "./collect.js"
import { chunkList, gather, type HoldBack, releaseHeld } from "./content.js"

/**
 * The state of one attempt of a stream, shared by its parser and the retry loop: whether content has
 * reached the consumer, and the chunks without content held back until it does (so that a retried
 * attempt never shows the consumer a second opening chunk). Owned by the stream's fiber: the parser and
 * the retry loop's `catchAll` handler both run in it.
 */
interface Attempt extends HoldBack<S.ChatStreamChunk> {
  /** The call's telemetry, which sees every batch handed to the consumer. */
  readonly call: Call | undefined
}

/**
 * Parses a `text/event-stream` body into chunks: one SSE parser per body, `[DONE]` ends the stream,
 * an error chunk fails it with `MidStreamError` after the chunks before it, a body that ends without
 * `[DONE]` fails with `ConnectionError`. Output chunks follow network reads; a read with only
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
        if (Either.isLeft(decoded)) {
          return decodeError(status, response.headers, data, decoded.left.message, undefined, {
            id: generationId ?? bodyId(json)
          })
        }
        const chunk = decoded.right
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

    const emit = (): Channel.Channel<Chunk.Chunk<S.ChatStreamChunk>> => {
      if (invalid.length > 0) {
        const log = logInvalidFields(invalid, generationId)
        invalid = []
        return Channel.zipRight(Channel.fromEffect(log), emit())
      }
      if (out.length === 0) return Channel.void
      if (attempt.call !== undefined) attempt.call.emitted(out, attempt.contentEmitted)
      const chunk = Chunk.unsafeFromArray(out)
      out = chunkList()
      return Channel.write(chunk)
    }

    // The stream reached `[DONE]`.
    const end = (): Channel.Channel<Chunk.Chunk<S.ChatStreamChunk>> => {
      if (attempt.call !== undefined) attempt.call.completed = true
      releaseHeld(attempt, out)
      return emit()
    }

    const loop: Channel.Channel<
      Chunk.Chunk<S.ChatStreamChunk>,
      Chunk.Chunk<Uint8Array>,
      Errors.StreamError,
      Errors.StreamError,
      void,
      unknown
    > = Channel.readWithCause({
      onInput: (input: Chunk.Chunk<Uint8Array>) => {
        let error: Errors.StreamError | undefined
        let progress = false
        for (const bytes of input) {
          const events = parser.feed(bytes)
          if (events.length > 0) progress = true
          error = handle(events)
          if (error !== undefined || done) break
        }
        if (error !== undefined) return Channel.zipRight(emit(), Channel.fail(error))
        if (done) return Channel.zipRight(end(), afterDone())
        if (!progress) return loop
        idle.waiting = false
        return Channel.zipRight(emit(), awaitInput)
      },
      onFailure: (cause) => Channel.zipRight(emit(), Channel.failCause(cause)),
      onDone: () => {
        idle.bodyEnded = true
        const error = handle(parser.flush()) ?? (done ? undefined : settleStack(
          new Errors.ConnectionError({
            reason: "StreamCutOff",
            message:
              `The stream was cut off: the body ended without data: [DONE] (${response.request.method} ${response.request.url})`,
            generationId
          })
        ))
        return error === undefined ? end() : Channel.zipRight(emit(), Channel.fail(error))
      }
    })

    // After `[DONE]` every chunk has been emitted; reading on to the end of the body (normally in the
    // same network read) lets the request finish on its own. Ending the stream at `[DONE]` instead would
    // abort a request whose body has not ended: the platform destroys the body and the request's signal
    // is aborted, and each makes an error with a stack trace (undici's RequestAbortedError, a
    // DOMException), about 5 % of the client CPU with 500 slow streams (bench/profile.mjs). A server that
    // does not end the body within `DRAIN_AFTER_DONE_MS` is cut off (aborted) and the stream succeeds.
    const afterDone = (): Channel.Channel<
      Chunk.Chunk<S.ChatStreamChunk>,
      Chunk.Chunk<Uint8Array>,
      never,
      Errors.StreamError,
      void,
      unknown
    > => {
      idle.waiting = false
      const cancel = startTimer(DRAIN_AFTER_DONE_MS, () => Effect.runFork(idle.abort))
      const stop = () => {
        cancel()
        return Channel.void
      }
      const drain: Channel.Channel<never, Chunk.Chunk<Uint8Array>, never, Errors.StreamError, void, unknown> = Channel
        .readWithCause({
          onInput: () => drain,
          onFailure: stop,
          onDone: () => {
            idle.bodyEnded = true
            return stop()
          }
        })
      return drain
    }

    // Runs when the consumer asks for more: from now on the socket's silence counts.
    const awaitInput = Channel.suspend(() => {
      idle.waiting = true
      idle.waitingSince = idle.clock.unsafeCurrentTimeMillis()
      return loop
    })

    return response.stream.pipe(
      Stream.mapError((e) =>
        idle.timedOut
          ? timeoutError("idle", idle.limit, "Waiting for the next stream event")
          : connectionError(e, "ResponseFailed", generationId)
      ),
      Stream.pipeThroughChannel(awaitInput)
    )
  })

/**
 * The idle timeout of one stream attempt. The parser notes when it starts waiting for the socket
 * (only when the consumer asks for more, so a slow consumer is never timed out) and when a data event
 * arrives; keep-alive comments are no progress. A watchdog fiber sleeps until the deadline; when it
 * passes, it aborts the request, and the body's failure becomes a `TimeoutError`. One fiber per
 * stream, rather than a race per read (`Stream.timeoutFail`) or a merge per read
 * (`Stream.interruptWhen`), which cost 10 to 30 % of the throughput.
 *
 * The record is shared by two fibers: the stream's fiber writes `waiting`/`waitingSince`/`bodyEnded`,
 * the watchdog reads them and writes `timedOut` (read by the stream's fiber after the abort it causes).
 * Plain fields rather than a `Ref`, because a `Ref` costs an effect per read: 2.8 against 5.8 us per read,
 * 6 % of the client CPU per delta of 500 slow streams; `Stream.timeoutFail` costs 31.5 us per read
 * (bench/pipeline-primitives.ts, 2).
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
    if (!idle.waiting) return Effect.zipRight(Effect.sleep(idle.limit), loop)
    const remaining = idle.waitingSince + limit - idle.clock.unsafeCurrentTimeMillis()
    if (remaining > 0) return Effect.zipRight(Effect.sleep(Duration.millis(remaining)), loop)
    idle.timedOut = true
    return abort
  })
  return loop
}

/**
 * `Stream.unwrap` without its per-element cost: `Stream.unwrap` is a `flatMap` over a one-element
 * stream, whose `concatMap` machinery every later chunk passes through (about 0.45 us per read, three
 * times over in a stream: `bench/pipeline-primitives.ts`); the channel's `unwrap` is plain sequencing.
 */
const unwrap = <A, E, E2, R, R2>(
  effect: Effect.Effect<Stream.Stream<A, E2, R2>, E, R>
): Stream.Stream<A, E | E2, R | R2> => Stream.fromChannel(Channel.unwrap(Effect.map(effect, Stream.toChannel)))

/**
 * One attempt: sends the request, checks the status, and streams the chunks of the body. The request
 * lives in a scope of its own (`HttpClient.withScope`), closed when the stream ends, stops early or is
 * interrupted, or when the idle watchdog fires: closing it aborts the request, so the server sees the
 * connection close. The attempt's scope (the watchdog fiber, the request scope's finalizer) is acquired
 * and released around the body's channel (`Channel.acquireUseRelease`), not through
 * `Stream.unwrapScoped`, whose `concatMap` every read would pass through.
 */
const openAttempt = (
  client: HttpClient.HttpClient,
  request: Parameters<HttpClient.HttpClient["execute"]>[0],
  timeout: Duration.Duration,
  idleLimit: Duration.Duration,
  attempt: Attempt
): Stream.Stream<S.ChatStreamChunk, Errors.StreamError> =>
  Stream.fromChannel(Channel.acquireUseRelease(
    Scope.make(),
    (scope) => Channel.unwrap(Scope.extend(openAttemptIn(client, request, timeout, idleLimit, attempt), scope)),
    (scope, exit) => Scope.close(scope, exit)
  ))

const openAttemptIn = (
  client: HttpClient.HttpClient,
  request: Parameters<HttpClient.HttpClient["execute"]>[0],
  timeout: Duration.Duration,
  idleLimit: Duration.Duration,
  attempt: Attempt
) =>
  Effect.gen(function*() {
    const requestScope = yield* Scope.make()
    const abort = Scope.close(requestScope, Exit.void)
    const idle: IdleWatch = {
      limit: idleLimit,
      clock: yield* Effect.clock,
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
      (effect) => withCall(effect, attempt.call),
      Effect.mapError((e) => connectionError(e)),
      Effect.timeoutFail({
        duration: timeout,
        onTimeout: () => timeoutError("request", timeout, "Waiting for the stream's response headers")
      })
    )
    if (response.status < 200 || response.status >= 300) return yield* failWithStatus(response)
    const contentType = response.headers["content-type"] ?? ""
    if (!contentType.includes("text/event-stream")) return yield* jsonInsteadOfStream(response)
    yield* Effect.forkScoped(watchIdle(idle, abort))
    return Stream.toChannel(decodeEvents(response, attempt, idle))
  })

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
    // The schedule's driver is made on the first failure, not for every stream (most never fail).
    let driver: Schedule.ScheduleDriver<unknown, Errors.StreamError, never> | undefined
    const getDriver = Effect.suspend(() =>
      driver === undefined
        ? Effect.tap(Schedule.driver(Retry.toSchedule(policy)), (made) => {
          driver = made
        })
        : Effect.succeed(driver)
    )
    const next = (): Stream.Stream<S.ChatStreamChunk, Errors.StreamError> =>
      Stream.suspend(() => {
        attempts++
        const attempt: Attempt = { hold: true, contentEmitted: false, held: chunkList(), call }
        return Stream.catchAll(open(attempt), (error) => {
          const failed = Stream.fail(withAttempts(error, attempts))
          if (attempt.contentEmitted) return failed
          const giveUp = Stream.suspend(() => {
            if (call !== undefined) call.emitted(attempt.held, false)
            return Stream.concat(Stream.fromIterable(attempt.held), failed)
          })
          return unwrap(
            Effect.flatMap(
              getDriver,
              (d) => Effect.match(withCall(d.next(error), call), { onFailure: () => giveUp, onSuccess: next })
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
  return unwrap(withCallConfig(options, (config) => streamWith(config, request, options)))
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
      if (Either.isLeft(prepared)) return yield* Effect.fail(prepared.left)
      const client = chatClient(yield* HttpClient.HttpClient)
      const prep = prepared.right
      const open = (attempt: Attempt) => openAttempt(client, prep.request, prep.timeout, prep.idleTimeout, attempt)
      const policy = prep.retry
      if (policy === false) return open({ hold: false, contentEmitted: false, held: chunkList(), call })
      return retryUntilContent(open, policy, call)
    })
    if (call === undefined) return chunks
    // The call's span ends with the stream (however it ends), or at once if the stream never starts.
    return chunks.pipe(
      Effect.map(Stream.ensuringWith((exit) => endStream(call, exit))),
      Effect.onExit((exit) => Exit.isSuccess(exit) ? Effect.void : endStream(call, exit))
    )
  })
}

/** What `Chat.collect` fails with when what it is given cannot be collected: `stream` and why. */
const notCollectable = (message: string): Errors.InvalidRequestError => invalid([{ path: "stream", message }])

const isStream = (u: unknown): u is Stream.Stream<unknown, unknown, unknown> =>
  typeof u === "object" && u !== null && Stream.StreamTypeId in u

/**
 * `Chat.collect`: the fold of `./collect.ts` over a chunk stream. A value that is not a Stream, or a
 * chunk the fold cannot read (a getter that throws), is an `InvalidRequestError` at `stream`, never a
 * defect.
 */
export const collect = <E, R>(
  self: Stream.Stream<S.ChatStreamChunk, E, R>
): Effect.Effect<S.ChatResponse, E | Errors.InvalidRequestError, R> =>
  Effect.suspend(() => {
    if (!isStream(self)) return Effect.fail(notCollectable("must be a Stream of chat chunks"))
    const collector = new Collector<S.ChatResponse>()
    const unreadable = (e: unknown) => notCollectable(`has a chunk that cannot be read: ${describeThrown(e)}`)
    return Effect.flatMap(
      Stream.runForEachChunk(self, (chunk) =>
        Effect.try({
          try: () => {
            for (const c of chunk) collector.add(c)
          },
          catch: unreadable
        })),
      () => Effect.try({ try: () => collector.result(), catch: unreadable })
    )
  })
