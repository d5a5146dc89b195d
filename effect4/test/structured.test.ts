/**
 * Structured output: the exchanges of `Structured.send` and `Structured.stream` over a real socket are
 * shared with the Effect 3 edition (`test/support/structuredSuite.ts`), this file gives them the Effect 4
 * edition's calls, `Testing` answers and schemas; `responseFormat` and `decode`, which read a Schema of
 * the edition's own, stay here.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { type StructuredCalls, structuredSuite } from "../../test/support/structuredSuite.js"
import { type Chat, OpenRouterConfig, Structured } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import { outcome, wired } from "./support/callsEffect4.js"
import { httpClients, SECRET } from "./support/harness.js"

const Weather = Schema.Struct({
  city: Schema.String,
  temperature_c: Schema.Number,
  conditions: Schema.optional(Schema.String),
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
  answers: { ...Testing, jsonAnswer: (schema, value, options) => Testing.jsonAnswer(own(schema), value, options) },
  schemas: {
    Weather,
    Unexpressible: Schema.Struct({ data: Schema.Unknown }),
    Tags: Schema.Array(Schema.String)
  }
})

describe("Structured.responseFormat and Structured.decode", () => {
  it("gives the response_format for a Schema, with name and description overridable", () => {
    const format = Structured.responseFormat(Weather, { name: "w", description: "d" })
    expect(Result.getOrThrow(format)).toMatchObject({
      type: "json_schema",
      json_schema: { name: "w", description: "d", strict: true, schema: { type: "object" } }
    })
  })

  it("fails with InvalidRequestError for a Schema strict mode cannot express", () => {
    const format = Structured.responseFormat(Schema.Struct({ a: Schema.Unknown }))
    expect(Result.isFailure(format) && format.failure._tag).toBe("InvalidRequestError")
  })

  it.effect("decodes the union member the answer's tag names, a null kept where that member allows it", () =>
    Effect.gen(function*() {
      const schema = Schema.Union([
        Schema.Struct({ kind: Schema.Literal("x"), a: Schema.optionalKey(Schema.Int) }),
        Schema.Struct({ kind: Schema.Literal("y"), a: Schema.optional(Schema.NullOr(Schema.String)) })
      ])
      const answer = (content: string) => ({
        choices: [{ index: 0, finish_reason: "stop", message: { content } }]
      })
      expect(yield* Structured.decode(schema, answer("{\"value\":{\"kind\":\"y\",\"a\":null}}"))).toStrictEqual({
        kind: "y",
        a: null
      })
      expect(yield* Structured.decode(schema, answer("{\"value\":{\"kind\":\"x\",\"a\":null}}"))).toStrictEqual({
        kind: "x"
      })
    }))

  // On Effect 4, `Schema.optionalKey` is the exact optional field (absent, never `undefined`): its `null`
  // decodes to an absent key; `Schema.optional`'s type admits `undefined`, and its `null` decodes to that.
  it.effect("decodes a response got with Chat.send the way Structured.send does", () =>
    Effect.gen(function*() {
      const response = { choices: [{ index: 0, finish_reason: "stop", message: { content: "{\"a\":null}" } }] }
      const value = yield* Structured.decode(Schema.Struct({ a: Schema.optionalKey(Schema.String) }), response)
      expect(value).toStrictEqual({})
      const loose = yield* Structured.decode(Schema.Struct({ a: Schema.optional(Schema.String) }), response)
      expect(loose).toStrictEqual({ a: undefined })
    }))
})
