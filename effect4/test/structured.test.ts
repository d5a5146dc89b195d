/**
 * Structured output: the bodies (`Structured.send` and `Structured.stream` over a real socket,
 * `responseFormat` and `decode`) are shared with the Effect 3 edition (`test/support/structuredSuite.ts`);
 * this file gives them the Effect 4 edition's calls, `Testing` answers and schemas.
 */
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { type StructuredCalls, structuredSuite } from "../../test/support/structuredSuite.js"
import { type Chat, OpenRouterConfig, Structured } from "../src/index.js"
import type * as S from "../src/Schema.js"
import * as Testing from "../src/Testing.js"
import { outcome, wired } from "./support/callsEffect4.js"
import { httpClients, SECRET } from "./support/harness.js"
import { TreeRoot } from "./support/treeEffect4.js"

const Weather = Schema.Struct({
  city: Schema.String,
  temperature_c: Schema.Number,
  conditions: Schema.optionalKey(Schema.String),
  hourly: Schema.Array(Schema.Struct({ hour: Schema.Int, rain_mm: Schema.Number }))
}).annotate({ identifier: "Weather", description: "The weather in a city" })

/** A schema of the shared body's. */
const own = (schema: unknown) => schema as Schema.Codec<unknown>

/** `Structured.send` and `Structured.stream` over one HttpClient, with the test key and retries off. */
const structuredOver = (http: Layer.Layer<HttpClient.HttpClient>): StructuredCalls => {
  const run = <A>(
    effect: Effect.Effect<A, { readonly _tag: string }, HttpClient.HttpClient | OpenRouterConfig>,
    baseUrl: string
  ) =>
    Effect.runPromise(
      effect.pipe(
        Effect.result,
        Effect.map(outcome),
        Effect.provide(
          Layer.merge(http, OpenRouterConfig.layer({ apiKey: Redacted.make(SECRET), baseUrl, retry: false }))
        )
      )
    )
  return {
    send: (baseUrl, schema, request, options) =>
      run(Structured.send(own(schema), request as Chat.ChatRequest, options as Structured.Options), baseUrl),
    stream: async (baseUrl, schema, request, options) => {
      const chunks: Array<unknown> = []
      const events = Structured.stream(own(schema), request as Chat.ChatRequest, options as Structured.Options)
      const ended = await run(Stream.runForEach(events, (event) => Effect.sync(() => chunks.push(event))), baseUrl)
      return { chunks, error: ended.ok ? undefined : ended.error }
    }
  }
}

structuredSuite(wired, {
  clients: httpClients.map(([name, http]) => [name, structuredOver(http)] as const),
  responseFormat: (schema, options) =>
    outcome(Structured.responseFormat(own(schema), options as Structured.FormatOptions)),
  decode: (schema, response) =>
    Effect.runPromise(
      Effect.result(Structured.decode(own(schema), response as S.ChatResponse)).pipe(Effect.map(outcome))
    ),
  answers: { ...Testing, jsonAnswer: (schema, value, options) => Testing.jsonAnswer(own(schema), value, options) },
  schemas: {
    Weather,
    Unexpressible: Schema.Struct({ data: Schema.Unknown }),
    Tags: Schema.Array(Schema.String),
    Tree: TreeRoot,
    Unformattable: Schema.Struct({ a: Schema.Unknown }),
    Tagged: Schema.Union([
      Schema.Struct({ kind: Schema.Literal("x"), a: Schema.optionalKey(Schema.Int) }),
      Schema.Struct({ kind: Schema.Literal("y"), a: Schema.optional(Schema.NullOr(Schema.String)) })
    ]),
    optional: {
      exact: Schema.Struct({ a: Schema.optionalKey(Schema.String) }),
      admitsUndefined: Schema.Struct({ a: Schema.optional(Schema.String) })
    }
  }
})
