/**
 * Hostile input, over a real socket with both HTTP clients: the body is shared with the Effect 3
 * edition (`test/support/hostileSuite.ts`), this file gives it the Effect 4 edition's pieces: the calls
 * with the options exactly as given, and the values only Effect 4 builds (`Schema.Class`, `Data.Class`,
 * a `ConfigProvider`; Effect 4's `Data` has no `struct`).
 */
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { CallError } from "../../test/support/calls.js"
import { type Attempt, type Attempted, hostileSuite, type Kind } from "../../test/support/hostileSuite.js"
import { Chat, Client, OpenRouterConfig, Structured } from "../src/index.js"
import { wired } from "./support/callsEffect4.js"
import { httpClients, SECRET } from "./support/harness.js"

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

/** The one typed failure of a cause (Effect 4's `Cause` is a list of reasons), or `undefined`. */
const typedFailure = <E>(cause: Cause.Cause<E>): E | undefined => {
  const reason = cause.reasons.length === 1 ? cause.reasons[0] : undefined
  return reason !== undefined && reason._tag === "Fail" ? reason.error : undefined
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
        const error = typedFailure(exit.cause)
        if (error === undefined) throw new Error(`not a typed failure: ${String(exit.cause)}`)
        return { outcome: { ok: false, error: error as CallError }, shown }
      })
    )
  )

hostileSuite(wired, {
  clients: httpClients.map(([name, http]) => [name, attemptOver(http)] as const),
  redact: (value) => Redacted.make(value),
  makeConfig: (options) => Client.makeConfig(options as never),
  layerConfigFailure: (env, defaults) =>
    Effect.runPromise(
      Effect.exit(Effect.provide(Effect.service(OpenRouterConfig), OpenRouterConfig.layerConfig(defaults as never)))
        .pipe(
          // Effect 4: a ConfigProvider is a layer of the ConfigProvider reference.
          Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnvRecord(env))),
          Effect.map((exit) => Exit.isFailure(exit) ? String(exit.cause) : undefined)
        )
    ),
  schemaClass: (message) => new SchemaMessage(message),
  dataClass: (message) => new DataMessage(message),
  dataStruct: undefined
})
