/**
 * The Effect 3 edition's `Calls` (`calls.ts`) over one HttpClient layer.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as PlatformClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { Chat, OpenRouterConfig } from "../../src/index.js"
import type { CallError, CallOptions, Calls, Outcome, Response } from "./calls.js"
import { SECRET } from "./secret.js"

const outcome = <A>(either: Either.Either<A, { readonly _tag: string }>): Outcome<A> =>
  Either.isRight(either) ? { ok: true, value: either.right } : { ok: false, error: either.left as CallError }

export const callsOver = (http: Layer.Layer<HttpClient.HttpClient>): Calls => {
  const layer = (baseUrl: string, options: CallOptions | undefined) =>
    Layer.merge(
      http,
      OpenRouterConfig.layer({ apiKey: Redacted.make(SECRET), baseUrl, retry: false, ...options?.config })
    )
  const callOptions = (options: CallOptions | undefined) =>
    options?.headers === undefined ? undefined : { headers: options.headers }
  return {
    send: (baseUrl, request, options) =>
      Effect.runPromise(
        Chat.send(request as Chat.ChatRequest, callOptions(options)).pipe(
          Effect.either,
          Effect.map(outcome),
          Effect.provide(layer(baseUrl, options))
        )
      ) as Promise<Outcome<Response>>,
    stream: (baseUrl, request, options) =>
      Effect.runPromise(
        Stream.runCollect(Chat.stream(request as Chat.ChatRequest, callOptions(options))).pipe(
          Effect.map(Chunk.toReadonlyArray),
          Effect.either,
          Effect.map(outcome),
          Effect.provide(layer(baseUrl, options))
        )
      ),
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
