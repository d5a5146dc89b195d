/**
 * Structured.stream with the in-process test kit: partial values consistent with the final value for
 * any value of a Schema split anywhere, and the Testing structured answers. The bodies are shared with
 * the Effect 4 edition (`test/support/structuredStreamSuite.ts`); this file gives them the Effect 3
 * edition's calls through `Testing.layerWithConfig`, its schemas and its fast-check.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Chat, OpenRouterConfig, Structured } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import type { Outcome, Response } from "./support/calls.js"
import { outcome } from "./support/callsEffect3.js"
import { structuredStreamSuite } from "./support/structuredStreamSuite.js"

const Order = Schema.Struct({
  id: Schema.String,
  note: Schema.optional(Schema.String),
  status: Schema.Literal("open", "shipped"),
  lines: Schema.Array(Schema.Struct({
    sku: Schema.String,
    quantity: Schema.Int,
    gift: Schema.optional(Schema.Boolean),
    tags: Schema.Record({ key: Schema.String, value: Schema.String })
  })),
  total: Schema.Finite
})

// No field with the value undefined (it travels as null and comes back absent), no -0, and no
// "__proto__" key (Effect's decoder copies a record key by assignment: see test/Schema.test.ts).
const noUndefinedField = (u: unknown): boolean => {
  if (Array.isArray(u)) return u.every(noUndefinedField)
  if (typeof u === "object" && u !== null) {
    if (Object.prototype.hasOwnProperty.call(u, "__proto__")) return false
    return Object.values(u).every((v) => v !== undefined && noUndefinedField(v))
  }
  return !Object.is(u, -0)
}

/** A schema of the shared body's. */
const own = (schema: unknown) => schema as Schema.Schema<unknown>

/** Runs `effect` through `Testing.layerWithConfig(script, { retry: false })`: its outcome. */
const run = <A>(
  effect: Effect.Effect<A, { readonly _tag: string }, HttpClient.HttpClient | OpenRouterConfig>,
  script: Testing.Script
) =>
  Effect.runPromise(
    effect.pipe(Effect.either, Effect.map(outcome), Effect.provide(Testing.layerWithConfig(script, { retry: false })))
  )

structuredStreamSuite<Testing.Reply>({
  describe,
  it,
  expect,
  edition: "effect3",
  testing: { ...Testing, jsonAnswer: (schema, value, options) => Testing.jsonAnswer(own(schema), value, options) },
  stream: async (schema, request, script) => {
    const chunks: Array<unknown> = []
    const events = Structured.stream(own(schema), request as Chat.ChatRequest)
    const ended = await run(Stream.runForEach(events, (event) => Effect.sync(() => chunks.push(event))), script)
    return { chunks, error: ended.ok ? undefined : ended.error }
  },
  send: (schema, request, script) => run(Structured.send(own(schema), request as Chat.ChatRequest), script),
  chat: (request, script) => run(Chat.send(request as Chat.ChatRequest), script) as Promise<Outcome<Response>>,
  schemas: {
    Order,
    Records: Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Number })),
    OptionalInArray: Schema.Array(Schema.Struct({ a: Schema.Number, b: Schema.optional(Schema.String) })),
    Text: Schema.Struct({ text: Schema.String }),
    OptionalAndRecord: Schema.Struct({
      a: Schema.optional(Schema.String),
      m: Schema.Record({ key: Schema.String, value: Schema.Int })
    }),
    Int: Schema.Struct({ n: Schema.Int }),
    NonEmpty: Schema.Struct({
      tags: Schema.NonEmptyArray(Schema.String),
      items: Schema.NonEmptyArray(Schema.Struct({ a: Schema.Number, b: Schema.optional(Schema.String) }))
    }),
    A: Schema.Struct({ a: Schema.String }),
    Unexpressible: Schema.Struct({ data: Schema.Unknown }),
    emulated: {
      "an object with optional fields": Schema.Struct({ a: Schema.String, b: Schema.optional(Schema.Int) }),
      "nested arrays and unions": Schema.Struct({
        items: Schema.Array(Schema.Union(
          Schema.Struct({ kind: Schema.Literal("x"), n: Schema.Number.pipe(Schema.between(5, 10)) }),
          Schema.Struct({ kind: Schema.Literal("y") })
        ))
      }),
      "a recursive schema": Order,
      "records, dates and a wrapped root": Schema.Array(Schema.Struct({
        when: Schema.Date,
        scores: Schema.Record({ key: Schema.String, value: Schema.Int })
      }))
    },
    answered: {
      "an absent optional field (null on the wire)": Schema.Struct({
        a: Schema.String,
        b: Schema.optional(Schema.String)
      }),
      "a record": Schema.Struct({ m: Schema.Record({ key: Schema.String, value: Schema.Int }) }),
      "a Date": Schema.Struct({ at: Schema.Date }),
      "a union": Schema.Struct({
        shape: Schema.Union(
          Schema.Struct({ kind: Schema.Literal("circle"), r: Schema.Number, label: Schema.optional(Schema.String) }),
          Schema.Struct({ kind: Schema.Literal("square"), side: Schema.Number })
        )
      }),
      "a root that is not an object": Schema.Array(
        Schema.Struct({ n: Schema.Int, note: Schema.optional(Schema.String) })
      )
    }
  },
  forAllOrders: (body, numRuns) =>
    FastCheck.assert(
      FastCheck.asyncProperty(
        Arbitrary.make(Order).filter(noUndefinedField),
        FastCheck.integer({ min: 1, max: 12 }),
        body
      ),
      { numRuns }
    )
})
