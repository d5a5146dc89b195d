/**
 * Hostile input, over a real socket with both HTTP clients: the body is shared with the Effect 4
 * edition (`test/support/hostileSuite.ts`), this file gives it the Effect 3 edition's pieces: the calls
 * with the options exactly as given, and the values only Effect 3 builds (`Schema.Class`, `Data.Class`,
 * `Data.struct`, a `ConfigProvider`).
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Chat, Client, OpenRouterConfig, Structured } from "../src/index.js"
import type { CallError } from "./support/calls.js"
import { wired } from "./support/callsEffect3.js"
import { httpClients, SECRET } from "./support/harness.js"
import { type Attempt, type Attempted, hostileSuite, type Kind } from "./support/hostileSuite.js"

const Answer = Schema.Struct({ answer: Schema.String })

class SchemaMessage extends Schema.Class<SchemaMessage>("SchemaMessage")({
  role: Schema.Literal("user"),
  content: Schema.String
}) {}

class DataMessage extends Data.Class<{ readonly role: "user"; readonly content: string }> {}

const call = (
  kind: Kind,
  request: unknown,
  options: unknown
): Effect.Effect<unknown, unknown, HttpClient.HttpClient | OpenRouterConfig> => {
  switch (kind) {
    case "Chat.send":
      return Chat.send(request as Chat.ChatRequest, options as Chat.Options)
    case "Chat.stream":
      return Stream.runCollect(Chat.stream(request as Chat.ChatRequest, options as Chat.Options))
    case "Structured.send":
      return Structured.send(Answer, request as never, options as never)
    case "Structured.stream":
      return Stream.runDrain(Structured.stream(Answer, request as never, options as never))
  }
}

const attemptOver = (http: Layer.Layer<HttpClient.HttpClient>): Attempt => (kind, baseUrl, request, options, config) =>
  Effect.runPromise(
    Effect.exit(call(kind, request, options)).pipe(
      Effect.provide(Layer.merge(
        http,
        OpenRouterConfig.layer({ apiKey: Redacted.make(SECRET), baseUrl, ...config })
      )),
      Effect.map((exit): Attempted => {
        const shown = [JSON.stringify(exit), Exit.isFailure(exit) ? String(exit.cause) : ""]
        if (Exit.isSuccess(exit)) return { outcome: { ok: true, value: exit.value }, shown }
        if (exit.cause._tag !== "Fail") throw new Error(`not a typed failure: ${String(exit.cause)}`)
        return { outcome: { ok: false, error: exit.cause.error as CallError }, shown }
      })
    )
  )

hostileSuite(wired, {
  clients: httpClients.map(([name, http]) => [name, attemptOver(http)] as const),
  redact: Redacted.make,
  makeConfig: (options) => Client.makeConfig(options as never),
  layerConfigFailure: (env, defaults) =>
    Effect.runPromise(
      Effect.exit(Effect.provide(OpenRouterConfig, OpenRouterConfig.layerConfig(defaults as never))).pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
        Effect.map((exit) => Exit.isFailure(exit) ? String(exit.cause) : undefined)
      )
    ),
  schemaClass: (message) => new SchemaMessage(message),
  dataClass: (message) => new DataMessage(message),
  dataStruct: Data.struct
})
