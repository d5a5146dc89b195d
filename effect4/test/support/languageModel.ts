/**
 * The Effect 4 provider's test harness: a program against the emulator with
 * `OpenRouterLanguageModel.layer` in place, over the HTTP client given.
 */
import type * as LanguageModel from "effect/ai/LanguageModel"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Layer from "effect/Layer"
import type { OpenRouterConfig } from "../../src/index.js"
import * as OpenRouterLanguageModel from "../../src/OpenRouterLanguageModel.js"
import type * as Testing from "../../src/Testing.js"
import type * as TestServer from "../../src/TestServer.js"
import { withServer } from "./harness.js"

import { MODEL } from "../../../test/support/providerCases.js"

export { MODEL }

/** Runs a program against the emulator with the provider for MODEL (and optional config) in place. */
export const withModel = <A, E>(
  http: Layer.Layer<HttpClient.HttpClient>,
  script: Testing.Script,
  body: (server: TestServer.TestServer) => Effect.Effect<A, E, LanguageModel.LanguageModel>,
  options: {
    readonly config?: OpenRouterLanguageModel.Config.Service
    readonly client?: Parameters<typeof withServer>[3]
  } = {}
) =>
  withServer(
    http,
    script,
    (server): Effect.Effect<A, E, HttpClient.HttpClient | OpenRouterConfig> =>
      Effect.provide(body(server), OpenRouterLanguageModel.layer({ model: MODEL, config: options.config })),
    options.client
  )
