/**
 * Replays of what real models send that the recorded corpus does not hold (issue 20), on both HTTP
 * clients: the body (what each case in `test/cases/` holds and what is checked of it) is shared with
 * the Effect 4 edition (`test/support/replayCasesSuite.ts`); this file gives it the Effect 3 edition's
 * pieces: its calls with the debug logs captured, its `Toolkit.decodeCalls` and its `Retry.make`.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { Chat, OpenRouterConfig, Retry, Tool, Toolkit } from "../src/index.js"
import type * as S from "../src/Schema.js"
import type { Response } from "./support/calls.js"
import { outcome, wired } from "./support/callsEffect3.js"
import { httpClients, SECRET } from "./support/harness.js"
import { type Logged, type LoggedCalls, replayCasesSuite, type WithLogs } from "./support/replayCasesSuite.js"

const Tools = Toolkit.make(
  Tool.make("get_weather", { parameters: Schema.Struct({ city: Schema.String }), success: Schema.String })
)

/** Runs `effect` with debug logging on, in the client's layer: how it ended and what it logged. */
const withLogs = (
  http: Layer.Layer<HttpClient.HttpClient>,
  baseUrl: string,
  effect: Effect.Effect<unknown, { readonly _tag: string }, HttpClient.HttpClient | OpenRouterConfig>
): Promise<WithLogs> => {
  const logs: Array<Logged> = []
  const logger = Logger.make(({ annotations, message }) => {
    logs.push({ message, annotations: Object.fromEntries(HashMap.toEntries(annotations)) })
  })
  return Effect.runPromise(
    effect.pipe(
      Effect.either,
      Effect.map((ended): WithLogs => ({ outcome: outcome(ended) as WithLogs["outcome"], logs })),
      Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
      Logger.withMinimumLogLevel(LogLevel.Debug),
      Effect.provide(
        Layer.merge(http, OpenRouterConfig.layer({ apiKey: Redacted.make(SECRET), baseUrl, retry: false }))
      )
    )
  )
}

replayCasesSuite(wired, {
  logged: httpClients.map(([, http]): LoggedCalls => ({
    send: (baseUrl, request) => withLogs(http, baseUrl, Chat.send(request as Chat.ChatRequest)),
    collect: (baseUrl, request) => withLogs(http, baseUrl, Chat.collect(Chat.stream(request as Chat.ChatRequest)))
  })),
  decodeCalls: (response: Response) =>
    Effect.runPromise(
      Effect.map(Effect.either(Toolkit.decodeCalls(response as S.ChatResponse, Tools)), outcome)
    ),
  retryThrice: Retry.make({ retries: 3 })
})
