/**
 * Chat completions: `send` for one response, `stream` for a `Stream` of chunks, `collect` to fold a
 * stream back into the response a non-streaming call would have returned.
 *
 * @example
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Effect, Layer } from "effect"
 * import { Chat, OpenRouterConfig, Testing } from "effect-openrouter"
 *
 * const program = Effect.gen(function*() {
 *   const response = yield* Chat.send({
 *     model: "openai/gpt-4o-mini",
 *     messages: [{ role: "user", content: "Say hello" }]
 *   })
 *   return response.choices[0]?.message?.content
 * })
 *
 * // for real: the key from OPENROUTER_API_KEY, undici as the HttpClient
 * export const main = program.pipe(
 *   Effect.provide(Layer.merge(OpenRouterConfig.layerConfig(), NodeHttpClient.layerUndici))
 * )
 *
 * // in a test: the same program against the scripted emulator
 * Effect.runPromise(program.pipe(Effect.provide(Testing.layerWithConfig(Testing.completion({ content: "Hello!" })))))
 *   .then((content) => assert.strictEqual(content, "Hello!"))
 * ```
 *
 * @since 0.1.0
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
import * as Client from "./Client.js"
import * as Errors from "./Errors.js"
import { collectChunks } from "./internal/collect.js"
import { isRecord, parseJson } from "./internal/json.js"
import { makeSseParser } from "./internal/sse.js"
import * as Retry from "./Retry.js"
import * as S from "./Schema.js"

/**
 * A chat request as you write it: wire (snake_case) field names, as in OpenRouter's API reference.
 * Fields the schema does not know are sent unchanged.
 *
 * @since 0.1.0
 * @category models
 */
export type ChatRequest = S.ChatRequest

/**
 * The per-call options of {@link send} and {@link stream}.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = Client.CallOptions

const resolvePolicy = (config: Client.OpenRouterConfigService, options: Options | undefined): Retry.Policy | false =>
  options?.retry ?? config.retry ?? Retry.defaultPolicy

const requestTimeout = (config: Client.OpenRouterConfigService, options: Options | undefined): Duration.Duration =>
  options?.timeout === undefined ? config.timeout : Duration.decode(options.timeout)

const timeoutError = Client.timeoutError

/**
 * Sends a chat completion request and returns the response.
 *
 * The request is validated first (an invalid one fails with `InvalidRequestError` and nothing is sent);
 * transient failures are retried under the policy (`options.retry`, else the configured one, else
 * `Retry.defaultPolicy`); every failure is one of the tagged errors of `Errors.SendError`.
 *
 * @since 0.1.0
 * @category requests
 */
export const send = (
  request: ChatRequest,
  options?: Options
): Effect.Effect<S.ChatResponse, Errors.SendError, HttpClient.HttpClient | Client.OpenRouterConfig> =>
  Effect.flatMap(Client.OpenRouterConfig, (config) => {
    if ((request as { readonly stream?: unknown }).stream === true) {
      return Effect.fail(
        new Errors.InvalidRequestError({
          message: "Invalid request: stream: true is not for Chat.send; use Chat.stream",
          issues: [{ path: "stream", message: "Chat.send does not stream; use Chat.stream" }]
        })
      )
    }
    const prepared = Client.prepare(config, request, options, "application/json")
    if (Either.isLeft(prepared)) return Effect.fail(prepared.left)
    const timeout = requestTimeout(config, options)
    return Effect.flatMap(HttpClient.HttpClient, (client) => {
      const attempt = Client.executeWithin(
        client,
        prepared.right,
        timeout,
        "The chat completion request",
        Client.readCompletion
      )
      return Retry.retry(attempt, resolvePolicy(config, options))
    })
  })

// ---------------------------------------------------------------------------
// Streaming
// ---------------------------------------------------------------------------

const nonEmpty = (u: unknown): boolean =>
  u !== undefined && u !== null && u !== "" && !(Array.isArray(u) && u.length === 0)

/**
 * Whether a chunk carries content for the consumer (text, reasoning, a tool call, a refusal, an image,
 * audio or annotations), as opposed to a role-only opening chunk, a usage chunk or a debug chunk.
 *
 * @since 0.1.0
 * @category streaming
 */
export const hasContent = (chunk: S.ChatStreamChunk): boolean => {
  for (const choice of chunk.choices) {
    const delta = choice.delta
    if (
      delta !== undefined && delta !== null &&
      (nonEmpty(delta.content) || nonEmpty(delta.reasoning) || nonEmpty(delta.reasoning_details) ||
        nonEmpty(delta.tool_calls) || nonEmpty(delta.refusal) || nonEmpty(delta.images) ||
        nonEmpty(delta.audio) || nonEmpty(delta.annotations))
    ) return true
  }
  return false
}

const midStreamError = (
  error: unknown,
  chunk: Record<string, unknown>,
  contentEmitted: boolean
): Errors.MidStreamError => {
  const e = isRecord(error) ? error : {}
  const metadata = isRecord(e.metadata) ? e.metadata : undefined
  const code = typeof e.code === "number" || typeof e.code === "string" ? e.code : undefined
  return new Errors.MidStreamError({
    code,
    message: typeof e.message === "string" ? e.message : "The stream reported an error",
    errorType: typeof metadata?.error_type === "string" ? metadata.error_type : undefined,
    providerName: typeof metadata?.provider_name === "string" ? metadata.provider_name : undefined,
    metadata: metadata as Errors.MidStreamError["metadata"],
    contentEmitted,
    generationId: typeof chunk.id === "string" ? chunk.id : undefined
  })
}

/**
 * The state of one attempt of a stream, shared by its parser and the retry loop: whether content has
 * reached the consumer, and the chunks without content held back until it does (so that a retried
 * attempt never shows the consumer a second opening chunk).
 */
interface Attempt {
  readonly hold: boolean
  contentEmitted: boolean
  held: Array<S.ChatStreamChunk>
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
    let out: Array<S.ChatStreamChunk> = []

    const accept = (chunk: S.ChatStreamChunk) => {
      if (attempt.contentEmitted || !attempt.hold) {
        if (!attempt.contentEmitted && hasContent(chunk)) attempt.contentEmitted = true
        out.push(chunk)
      } else if (hasContent(chunk)) {
        attempt.contentEmitted = true
        for (const held of attempt.held) out.push(held)
        attempt.held = []
        out.push(chunk)
      } else {
        attempt.held.push(chunk)
      }
    }

    const handle = (events: ReadonlyArray<{ readonly data: string }>): Errors.StreamError | undefined => {
      for (let i = 0; i < events.length; i++) {
        const data = events[i]!.data
        if (data === "[DONE]") {
          done = true
          return undefined
        }
        let json: unknown
        try {
          json = JSON.parse(data)
        } catch (e) {
          return Client.decodeError(status, response.headers, data, `stream chunk is not JSON: ${(e as Error).message}`)
        }
        if (isRecord(json) && json.error !== undefined && json.error !== null) {
          return midStreamError(json.error, json, attempt.contentEmitted)
        }
        const decoded = S.decodeChatStreamChunk(json)
        if (Either.isLeft(decoded)) {
          return Client.decodeError(status, response.headers, data, decoded.left.message)
        }
        const chunk = decoded.right
        for (const choice of chunk.choices) {
          const choiceError = (choice as { readonly error?: unknown }).error
          if (choiceError !== undefined && choiceError !== null) {
            return midStreamError(choiceError, json as Record<string, unknown>, attempt.contentEmitted)
          }
        }
        accept(chunk)
      }
      return undefined
    }

    const emit = (): Channel.Channel<Chunk.Chunk<S.ChatStreamChunk>> => {
      if (out.length === 0) return Channel.void
      const chunk = Chunk.unsafeFromArray(out)
      out = []
      return Channel.write(chunk)
    }

    const end = (): Channel.Channel<Chunk.Chunk<S.ChatStreamChunk>> => {
      for (const held of attempt.held) out.push(held)
      attempt.held = []
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
        if (done) return end()
        if (!progress) return loop
        idle.waiting = false
        return Channel.zipRight(emit(), awaitInput)
      },
      onFailure: (cause) => Channel.zipRight(emit(), Channel.failCause(cause)),
      onDone: () => {
        const error = handle(parser.flush()) ?? (done ? undefined : new Errors.ConnectionError({
          reason: "StreamCutOff",
          message:
            `The stream was cut off: the body ended without data: [DONE] (${response.request.method} ${response.request.url})`
        }))
        return error === undefined ? end() : Channel.zipRight(emit(), Channel.fail(error))
      }
    })

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
          : Client.connectionError(e, "ResponseFailed")
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
 */
interface IdleWatch {
  readonly limit: Duration.Duration
  readonly clock: Clock.Clock
  waiting: boolean
  waitingSince: number
  timedOut: boolean
}

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

/** A JSON body on a 200 to a stream request (some gateways): an error object becomes its status error. */
const jsonInsteadOfStream = (
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<never, Errors.SendError> =>
  Effect.flatMap(
    Effect.mapError(response.text, (e) => Client.connectionError(e, "ResponseFailed")),
    (text): Effect.Effect<never, Errors.SendError> => {
      const json = parseJson(text)
      if (isRecord(json) && json.error !== undefined && json.error !== null) {
        return Effect.flip(Client.statusError(response.status, response.headers, text))
      }
      return Effect.fail(
        Client.decodeError(
          response.status,
          response.headers,
          text,
          `expected text/event-stream, got ${response.headers["content-type"] ?? "no content type"}`
        )
      )
    }
  )

/**
 * One attempt: sends the request, checks the status, and streams the chunks of the body. The request
 * lives in a scope of its own (`HttpClient.withScope`), closed when the stream ends, stops early or is
 * interrupted, or when the idle watchdog fires: closing it aborts the request, so the server sees the
 * connection close.
 */
const openAttempt = (
  client: HttpClient.HttpClient,
  request: Parameters<HttpClient.HttpClient["execute"]>[0],
  timeout: Duration.Duration,
  idleLimit: Duration.Duration,
  attempt: Attempt
): Stream.Stream<S.ChatStreamChunk, Errors.StreamError> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const requestScope = yield* Scope.make()
    const abort = Scope.close(requestScope, Exit.void)
    yield* Effect.addFinalizer(() => abort)
    const response = yield* HttpClient.withScope(client).execute(request).pipe(
      Effect.provideService(Scope.Scope, requestScope),
      Effect.mapError((e) => Client.connectionError(e)),
      Effect.timeoutFail({
        duration: timeout,
        onTimeout: () => timeoutError("request", timeout, "Waiting for the stream's response headers")
      })
    )
    if (response.status < 200 || response.status >= 300) {
      const text = yield* Effect.mapError(response.text, (e) => Client.connectionError(e, "ResponseFailed"))
      return yield* Effect.flip(Client.statusError(response.status, response.headers, text))
    }
    const contentType = response.headers["content-type"] ?? ""
    if (!contentType.includes("text/event-stream")) return yield* jsonInsteadOfStream(response)
    const idle: IdleWatch = {
      limit: idleLimit,
      clock: yield* Effect.clock,
      waiting: false,
      waitingSince: 0,
      timedOut: false
    }
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
  policy: Retry.Policy
): Stream.Stream<S.ChatStreamChunk, Errors.StreamError> =>
  Stream.unwrap(Effect.map(Schedule.driver(Retry.toSchedule(policy)), (driver) => {
    let attempts = 0
    const next = (): Stream.Stream<S.ChatStreamChunk, Errors.StreamError> =>
      Stream.suspend(() => {
        attempts++
        const attempt: Attempt = { hold: true, contentEmitted: false, held: [] }
        return Stream.catchAll(open(attempt), (error) => {
          const failed = Stream.fail(Retry.withAttempts(error, attempts))
          if (attempt.contentEmitted) return failed
          const giveUp = Stream.concat(Stream.fromIterable(attempt.held), failed)
          return Stream.unwrap(Effect.match(driver.next(error), { onFailure: () => giveUp, onSuccess: next }))
        })
      })
    return next()
  }))

/**
 * Streams a chat completion: sends the request with `stream: true` and emits each parsed chunk as it
 * arrives. Reads from the socket only as fast as the consumer pulls; stopping early or interrupting
 * closes the connection at once (OpenRouter then stops generating and billing).
 *
 * Fails with `MidStreamError` when OpenRouter reports an error after the stream started (after the
 * chunks before it were emitted), with `ConnectionError` when the stream is cut off before `[DONE]`, and
 * with `TimeoutError` (`limit: "idle"`) when no data event arrives within `idleTimeout` while the
 * consumer waits (keep-alive comments do not count). A failure before any content was emitted is
 * retried under the policy; once content has been emitted, never. While retries are possible, chunks
 * without content (the opening role chunk) are held back until the first content chunk.
 *
 * @since 0.1.0
 * @category requests
 */
export const stream = (
  request: ChatRequest,
  options?: Options
): Stream.Stream<S.ChatStreamChunk, Errors.StreamError, HttpClient.HttpClient | Client.OpenRouterConfig> =>
  Stream.unwrap(
    Effect.gen(function*() {
      const config = yield* Client.OpenRouterConfig
      const prepared = Client.prepare(config, { ...request, stream: true }, options, "text/event-stream")
      if (Either.isLeft(prepared)) return yield* Effect.fail(prepared.left)
      const client = yield* HttpClient.HttpClient
      const timeout = requestTimeout(config, options)
      const idle = options?.idleTimeout === undefined ? config.idleTimeout : Duration.decode(options.idleTimeout)
      const open = (attempt: Attempt) => openAttempt(client, prepared.right, timeout, idle, attempt)
      const policy = resolvePolicy(config, options)
      if (policy === false) return open({ hold: false, contentEmitted: false, held: [] })
      return retryUntilContent(open, policy)
    })
  )

/**
 * Folds a chunk stream into the response a non-streaming call would have returned: content and
 * reasoning concatenated per choice, `reasoning_details` gathered, tool calls merged by `index` (id, type
 * and name from the first delta, `arguments` concatenated), `finish_reason` and `native_finish_reason`
 * from the last chunk that has them, `usage` from the usage chunk, and `id`, `model`, `provider`,
 * `created` from the chunks.
 *
 * @since 0.1.0
 * @category streaming
 */
export const collect = <E, R>(self: Stream.Stream<S.ChatStreamChunk, E, R>): Effect.Effect<S.ChatResponse, E, R> =>
  collectChunks(self)
