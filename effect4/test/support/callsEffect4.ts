/**
 * The Effect 4 edition's `Calls` (`test/support/calls.ts`) over one HttpClient layer.
 */
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import type { CallError, CallOptions, Calls, Outcome, Response } from "../../../test/support/calls.js"
import { Chat, OpenRouterConfig } from "../../src/index.js"
import { SECRET } from "./harness.js"

const outcome = <A>(result: Result.Result<A, { readonly _tag: string }>): Outcome<A> =>
  Result.isSuccess(result) ? { ok: true, value: result.success } : { ok: false, error: result.failure as CallError }

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
          Effect.result,
          Effect.map(outcome),
          Effect.provide(layer(baseUrl, options))
        )
      ) as Promise<Outcome<Response>>,
    stream: (baseUrl, request, options) =>
      Effect.runPromise(
        Stream.runCollect(Chat.stream(request as Chat.ChatRequest, callOptions(options))).pipe(
          Effect.result,
          Effect.map(outcome),
          Effect.provide(layer(baseUrl, options))
        )
      ),
    post: (url, body) =>
      Effect.runPromise(
        Effect.flatMap(HttpClient.HttpClient, (client) =>
          Effect.flatMap(
            client.execute(HttpClientRequest.post(url).pipe(HttpClientRequest.bodyJsonUnsafe(body))),
            (response) => response.json
          )).pipe(Effect.provide(http))
      )
  }
}
