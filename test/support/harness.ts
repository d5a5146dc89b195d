/**
 * Shared test harness: the emulator over a real loopback socket, used with both HttpClient layers a
 * user would pick (undici via NodeHttpClient, and fetch).
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Tracer from "effect/Tracer"
import { type Client, OpenRouterConfig } from "../../src/index.js"
import type * as Testing from "../../src/Testing.js"
import * as TestServer from "../../src/TestServer.js"

/** A key that must never show up in an error, a log line or a printed value. */
export const SECRET = "sk-or-v1-0f1e2d3c4b5a69788796a5b4c3d2e1f0-test-secret"

/** The HttpClient layers every integration test runs with. */
export const httpClients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["NodeHttpClient (undici)", NodeHttpClient.layerUndici],
  ["FetchHttpClient", FetchHttpClient.layer]
]

/**
 * Starts the emulator with a script and provides the client layers pointed at it; retries are off
 * unless the test passes its own config options.
 */
export const withServer = <A, E>(
  http: Layer.Layer<HttpClient.HttpClient>,
  script: Testing.Script,
  body: (server: TestServer.TestServer) => Effect.Effect<A, E, HttpClient.HttpClient | OpenRouterConfig>,
  options: Partial<Client.OpenRouterConfigOptions> = {}
): Effect.Effect<A, E, Scope.Scope> =>
  Effect.flatMap(TestServer.make(script), (server) =>
    body(server).pipe(
      Effect.provide(Layer.merge(
        http,
        OpenRouterConfig.layer({ apiKey: Redacted.make(SECRET), baseUrl: server.url, retry: false, ...options })
      ))
    ))

/**
 * A tracer that records every span it opens (as Effect spans: their attributes as set) on top of the
 * current one.
 */
export const recordingTracer: Effect.Effect<{ readonly tracer: Tracer.Tracer; readonly spans: Array<Tracer.Span> }> =
  Effect.map(Effect.tracer, (current) => {
    const spans: Array<Tracer.Span> = []
    const tracer = Tracer.make({
      span: (...args) => {
        const span = current.span(...args)
        spans.push(span)
        return span
      },
      context: current.context
    })
    return { tracer, spans }
  })
