/**
 * Shared test harness of the Effect 4 edition: the emulator over a real loopback socket, used with
 * both HttpClient layers a user would pick (undici via @effect/platform-node 4's NodeHttpClient, and
 * `effect/http`'s FetchHttpClient). The Effect 3 edition's twin is `test/support/harness.ts`.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { type Client, OpenRouterConfig } from "../../src/index.js"
import type * as Testing from "../../src/Testing.js"
import * as TestServer from "../../src/TestServer.js"

import { SECRET } from "../../../test/support/secret.js"

export { SECRET }

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
