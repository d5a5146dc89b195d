/**
 * The Effect 3 edition's `Calls` (`calls.ts`) over one HttpClient layer.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as PlatformClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { Chat, Errors, Generation, OpenRouterConfig } from "../../src/index.js"
import * as Testing from "../../src/Testing.js"
import type { CallError, CallOptions, Calls, ErrorReaders, InProcess, Outcome, Response } from "./calls.js"
import { SECRET } from "./secret.js"
import { readBody } from "./wire.js"

const outcome = <A>(either: Either.Either<A, { readonly _tag: string }>): Outcome<A> =>
  Either.isRight(either) ? { ok: true, value: either.right } : { ok: false, error: either.left as CallError }

export const callsOver = (http: Layer.Layer<HttpClient.HttpClient>): Calls => {
  const layer = (baseUrl: string, options: CallOptions | undefined) =>
    Layer.merge(
      http,
      OpenRouterConfig.layer({ apiKey: Redacted.make(SECRET), baseUrl, retry: false, ...options?.config })
    )
  const callOptions = (options: CallOptions | undefined): Chat.Options | undefined =>
    options?.headers === undefined && options?.call === undefined
      ? undefined
      : { ...options.call, ...(options.headers === undefined ? {} : { headers: options.headers }) }
  const run = <A>(
    effect: Effect.Effect<A, { readonly _tag: string }, HttpClient.HttpClient | OpenRouterConfig>,
    baseUrl: string,
    options: CallOptions | undefined
  ): Promise<Outcome<A>> =>
    Effect.runPromise(effect.pipe(Effect.either, Effect.map(outcome), Effect.provide(layer(baseUrl, options))))
  const stream = (request: unknown, options: CallOptions | undefined) => {
    const chunks = Chat.stream(request as Chat.ChatRequest, callOptions(options))
    return options?.take === undefined ? chunks : Stream.take(chunks, options.take)
  }
  return {
    send: (baseUrl, request, options) =>
      run(Chat.send(request as Chat.ChatRequest, callOptions(options)), baseUrl, options) as Promise<Outcome<Response>>,
    stream: (baseUrl, request, options) =>
      run(Stream.runCollect(stream(request, options)).pipe(Effect.map(Chunk.toReadonlyArray)), baseUrl, options),
    drain: async (baseUrl, request, options) => {
      const chunks: Array<unknown> = []
      const ended = await run(
        Stream.runForEach(stream(request, options), (chunk) => Effect.sync(() => chunks.push(chunk))),
        baseUrl,
        options
      )
      return { chunks, error: ended.ok ? undefined : ended.error }
    },
    generation: (baseUrl, id, options) =>
      run(
        Generation.get(id, {
          ...(options?.wait === undefined ? {} : { wait: options.wait as Duration.DurationInput }),
          ...(options?.headers === undefined ? {} : { headers: options.headers })
        }),
        baseUrl,
        undefined
      ),
    collect: (baseUrl, request, options) =>
      run(Chat.collect(stream(request, options)), baseUrl, options) as Promise<Outcome<Response>>,
    post: (url, body) =>
      Effect.runPromise(
        Effect.flatMap(PlatformClient.HttpClient, (client) =>
          Effect.flatMap(
            client.execute(HttpClientRequest.post(url).pipe(HttpClientRequest.bodyUnsafeJson(body))),
            (response) => response.json
          )).pipe(Effect.scoped, Effect.provide(http))
      )
  }
}

/** A shared body's error is the edition's own error value. */
const own = (error: CallError) => error as unknown as Errors.StreamError

export const errorReaders: ErrorReaders = {
  isStatusError: (error) => Errors.isStatusError(error),
  isRetryable: (error) => Errors.isRetryable(own(error)),
  retryAfterMillis: (error) => {
    const after = Errors.retryAfter(own(error))
    return after === undefined ? undefined : Duration.toMillis(after)
  },
  millis: (duration) => Duration.toMillis(duration as Duration.DurationInput),
  pretty: (error) => Cause.pretty(Cause.fail(error))
}

const chatUrl = "https://openrouter.ai/api/v1/chat/completions"

/**
 * The edition's `InProcess` (`calls.ts`): the context of one `Testing.layer(script)`, each call run in
 * it (the layer holds no resource to release, so its context outlives the build).
 */
export const inProcess: InProcess<Testing.Script> = async (script, body) => {
  const context = await Effect.runPromise(
    Effect.context<PlatformClient.HttpClient | Testing.Recorder>().pipe(Effect.provide(Testing.layer(script)))
  )
  const run = <A>(effect: Effect.Effect<A, unknown, PlatformClient.HttpClient | Testing.Recorder>) =>
    Effect.runPromise(Effect.provide(effect, context))
  await body({
    post: (json = { model: "openai/gpt-4o", messages: [{ role: "user", content: "hi" }] }, options) =>
      run(Effect.flatMap(PlatformClient.HttpClient, (client) =>
        Effect.flatMap(
          client.execute(
            HttpClientRequest.post(options?.url ?? chatUrl).pipe(
              HttpClientRequest.setHeaders(options?.headers ?? {}),
              HttpClientRequest.bodyUnsafeJson(json)
            )
          ),
          (response) =>
            Effect.map(readBody(response), (read) => ({ status: response.status, headers: response.headers, ...read }))
        ))),
    requests: () => run(Testing.requests),
    setScript: (next) => run(Testing.setScript(next)),
    aborted: () => run(Testing.aborted)
  })
}
