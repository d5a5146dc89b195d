/**
 * The Effect 4 edition's `Calls` (`test/support/calls.ts`) over one HttpClient layer.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import {
  type CallError,
  type CallOptions,
  type Calls,
  defaultBody,
  type ErrorReaders,
  type Exchanged,
  type InProcess,
  type Outcome,
  type Response
} from "../../../test/support/calls.js"
import type { Server, Wired } from "../../../test/support/suite.js"
import { Chat, type Client, Errors, Generation, OpenRouterConfig } from "../../src/index.js"
import * as Testing from "../../src/Testing.js"
import * as TestServer from "../../src/TestServer.js"
import { httpClients, SECRET } from "./harness.js"
import { parseSse, readBody } from "./wire.js"

/** How a call ended, as the shared bodies read it (`Outcome` in `calls.ts`). */
export const outcome = <A>(result: Result.Result<A, { readonly _tag: string }>): Outcome<A> =>
  Result.isSuccess(result) ? { ok: true, value: result.success } : { ok: false, error: result.failure as CallError }

/**
 * The calls, each run in the layer `layer` builds for it (its HttpClient and configuration); the raw
 * POSTs go through `http`.
 */
const callsIn = (
  http: Layer.Layer<HttpClient.HttpClient>,
  layer: (
    baseUrl: string,
    options: CallOptions | undefined
  ) => Layer.Layer<HttpClient.HttpClient | OpenRouterConfig>
): Calls => {
  const callOptions = (options: CallOptions | undefined): Chat.Options | undefined =>
    options?.headers === undefined && options?.call === undefined
      ? undefined
      : { ...options.call, ...(options.headers === undefined ? {} : { headers: options.headers }) }
  const run = <A>(
    effect: Effect.Effect<A, { readonly _tag: string }, HttpClient.HttpClient | OpenRouterConfig>,
    baseUrl: string,
    options: CallOptions | undefined
  ): Promise<Outcome<A>> =>
    Effect.runPromise(effect.pipe(Effect.result, Effect.map(outcome), Effect.provide(layer(baseUrl, options))))
  const stream = (request: unknown, options: CallOptions | undefined) => {
    const chunks = Chat.stream(request as Chat.ChatRequest, callOptions(options))
    return options?.take === undefined ? chunks : Stream.take(chunks, options.take)
  }
  return {
    send: (baseUrl, request, options) =>
      run(Chat.send(request as Chat.ChatRequest, callOptions(options)), baseUrl, options) as Promise<Outcome<Response>>,
    stream: (baseUrl, request, options) => run(Stream.runCollect(stream(request, options)), baseUrl, options),
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
          ...(options?.wait === undefined ? {} : { wait: options.wait as Duration.Input }),
          ...(options?.headers === undefined ? {} : { headers: options.headers })
        }),
        baseUrl,
        undefined
      ),
    collect: (baseUrl, request, options) =>
      run(Chat.collect(stream(request, options)), baseUrl, options) as Promise<Outcome<Response>>,
    exchange: (url, body, headers) => Effect.runPromise(exchanged(url, body, headers).pipe(Effect.provide(http))),
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

/** The calls over one HttpClient layer, with the test key, the given base URL and retries off. */
export const callsOver = (http: Layer.Layer<HttpClient.HttpClient>): Calls =>
  callsIn(http, (baseUrl, options) =>
    Layer.merge(
      http,
      OpenRouterConfig.layer({ apiKey: Redacted.make(SECRET), baseUrl, retry: false, ...options?.config })
    ))

/**
 * The calls through `Testing.layerWithConfig(script, config)`, in-process: the layer's own key and base
 * URL (the calls' base URL is not read), a call's `config` spread over `config`; each call builds the
 * layer afresh.
 */
export const callsWithConfig = (script: Testing.Script, config: Partial<Client.OpenRouterConfigOptions> = {}): Calls =>
  callsIn(
    Testing.layer(script),
    (_baseUrl, options) =>
      Testing.layerWithConfig(script, { ...config, ...options?.config } as Partial<Client.OpenRouterConfigOptions>)
  )

/** A shared body's error is the edition's own error value. */
const own = (error: CallError) => error as unknown as Errors.StreamError

export const errorReaders: ErrorReaders = {
  isStatusError: (error) => Errors.isStatusError(error),
  isRetryable: (error) => Errors.isRetryable(own(error)),
  retryAfterMillis: (error) => {
    const after = Errors.retryAfter(own(error))
    return after === undefined ? undefined : Duration.toMillis(after)
  },
  millis: (duration) => Duration.toMillis(duration as Duration.Input),
  pretty: (error) => Cause.pretty(Cause.fail(error))
}

const chatUrl = "https://openrouter.ai/api/v1/chat/completions"

/** A JSON POST through the HttpClient in context, its body read whole (`Exchanged` in `calls.ts`). */
const exchanged = (url: string, json: unknown = defaultBody, headers: Readonly<Record<string, string>> = {}) =>
  Effect.flatMap(HttpClient.HttpClient, (client) =>
    Effect.flatMap(
      client.execute(
        HttpClientRequest.post(url).pipe(HttpClientRequest.setHeaders(headers), HttpClientRequest.bodyJsonUnsafe(json))
      ),
      (response) =>
        Effect.map(
          readBody(response),
          (read): Exchanged => ({ status: response.status, headers: response.headers, ...read })
        )
    ))

/**
 * The edition's `InProcess` (`calls.ts`): the context of one `Testing.layer(script)`, each call run in
 * it (the layer holds no resource to release, so its context outlives the build).
 */
export const inProcess: InProcess<Testing.Script> = async (script, body) => {
  const context = await Effect.runPromise(
    Effect.context<HttpClient.HttpClient | Testing.Recorder>().pipe(Effect.provide(Testing.layer(script)))
  )
  const run = <A>(effect: Effect.Effect<A, unknown, HttpClient.HttpClient | Testing.Recorder>) =>
    Effect.runPromise(Effect.provide(effect, context))
  await body({
    post: (json, options) => run(exchanged(options?.url ?? chatUrl, json, options?.headers)),
    requests: () => run(Testing.requests),
    setScript: (next) => run(Testing.setScript(next)),
    aborted: () => run(Testing.aborted)
  })
}

/**
 * `TestServer.make` as a shared body's `Listen` (`suite.ts`): the server in a scope of its own, closed
 * by `close`, each of its Effects run as a Promise.
 */
export const madeServer = async (script: Testing.Script): Promise<Server<Testing.Reply>> => {
  const scope = await Effect.runPromise(Scope.make())
  const server = await Effect.runPromise(Scope.provide(TestServer.make(script), scope))
  return {
    url: server.url,
    requests: () => Effect.runSync(server.requests),
    aborted: () => Effect.runSync(server.aborted),
    awaitAbort: (count = 1) => Effect.runPromise(server.awaitAborts(count)),
    setScript: (next) => Effect.runPromise(server.setScript(next)),
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

/** The Effect 4 edition as the shared bodies of wire exchanges take it (`Wired` in `suite.ts`). */
export const wired: Wired<Testing.Reply> = {
  describe,
  it,
  expect,
  edition: "effect4",
  clients: httpClients.map(([name, http]) => [name, callsOver(http)] as const),
  testing: Testing,
  listen: (script) => TestServer.listen(script),
  errors: errorReaders,
  parseSse
}
