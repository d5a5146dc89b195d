/**
 * Structured.stream with the in-process test kit: partial values consistent with the final value for
 * any value of a Schema split anywhere, a wrapped root shown unwrapped, a surrogate pair split across
 * pieces never shown half (i20b's fix, in the shared partial parser), and the Testing structured
 * answers. The bodies are shared with the Effect 3 edition (`test/support/structuredStreamSuite.ts`);
 * this file gives them the Effect 4 edition's calls through `Testing.layerWithConfig`, its schemas and
 * its fast-check.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as fc from "fast-check"
import type { Outcome, Response } from "../../test/support/calls.js"
import { structuredStreamSuite } from "../../test/support/structuredStreamSuite.js"
import { Chat, type OpenRouterConfig, Structured } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import { outcome } from "./support/callsEffect4.js"

const Order = Schema.Struct({
  id: Schema.String,
  note: Schema.optionalKey(Schema.String),
  status: Schema.Literals(["open", "shipped"]),
  lines: Schema.Array(Schema.Struct({
    sku: Schema.String,
    quantity: Schema.Int,
    gift: Schema.optionalKey(Schema.Boolean),
    tags: Schema.Record(Schema.String, Schema.String)
  })),
  total: Schema.Finite
})

/** Values of Order (the keys leave out "__proto__", which JSON.parse keeps but an assignment does not). */
const key = fc.string({ maxLength: 6 }).filter((k) => k !== "__proto__")
const order = fc.record({
  id: fc.string({ maxLength: 20 }),
  note: fc.string({ maxLength: 20 }),
  status: fc.constantFrom("open" as const, "shipped" as const),
  lines: fc.array(
    fc.record({
      sku: fc.string({ maxLength: 10 }),
      quantity: fc.integer({ min: -1000, max: 1000 }),
      gift: fc.boolean(),
      tags: fc.dictionary(key, fc.string({ maxLength: 8 }), { maxKeys: 3, noNullPrototype: true })
    }, { requiredKeys: ["sku", "quantity", "tags"], noNullPrototype: true }),
    { maxLength: 4 }
  ),
  total: fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0))
}, { requiredKeys: ["id", "status", "lines", "total"], noNullPrototype: true })

/** A schema of the shared body's. */
const own = (schema: unknown) => schema as Schema.Codec<unknown>

/** Runs `effect` through `Testing.layerWithConfig(script, { retry: false })`: its outcome. */
const run = <A>(
  effect: Effect.Effect<A, { readonly _tag: string }, HttpClient.HttpClient | OpenRouterConfig>,
  script: Testing.Script
) =>
  Effect.runPromise(
    effect.pipe(Effect.result, Effect.map(outcome), Effect.provide(Testing.layerWithConfig(script, { retry: false })))
  )

structuredStreamSuite<Testing.Reply>({
  describe,
  it,
  expect,
  edition: "effect4",
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
    Records: Schema.Array(Schema.Record(Schema.String, Schema.Number)),
    OptionalInArray: Schema.Array(Schema.Struct({ a: Schema.Number, b: Schema.optionalKey(Schema.String) })),
    Text: Schema.Struct({ text: Schema.String }),
    OptionalAndRecord: Schema.Struct({
      a: Schema.optionalKey(Schema.String),
      m: Schema.Record(Schema.String, Schema.Int)
    }),
    Int: Schema.Struct({ n: Schema.Int }),
    NonEmpty: Schema.Struct({
      tags: Schema.NonEmptyArray(Schema.String),
      items: Schema.NonEmptyArray(Schema.Struct({ a: Schema.Number, b: Schema.optionalKey(Schema.String) }))
    }),
    A: Schema.Struct({ a: Schema.String }),
    Unexpressible: Schema.Struct({ data: Schema.Unknown }),
    emulated: {
      "an object with optional fields": Schema.Struct({ a: Schema.String, b: Schema.optionalKey(Schema.Int) }),
      "nested arrays and unions": Schema.Struct({
        items: Schema.Array(Schema.Union([
          Schema.Struct({
            kind: Schema.Literal("x"),
            n: Schema.Number.check(Schema.isBetween({ minimum: 5, maximum: 10 }))
          }),
          Schema.Struct({ kind: Schema.Literal("y") })
        ]))
      }),
      "a recursive schema": Order,
      "records, dates and a wrapped root": Schema.Array(Schema.Struct({
        when: Schema.Date,
        scores: Schema.Record(Schema.String, Schema.Int)
      }))
    },
    answered: {
      "an absent optional field (null on the wire)": Schema.Struct({
        a: Schema.String,
        b: Schema.optionalKey(Schema.String)
      }),
      "a record": Schema.Struct({ m: Schema.Record(Schema.String, Schema.Int) }),
      "a Date": Schema.Struct({ at: Schema.Date }),
      "a union": Schema.Struct({
        shape: Schema.Union([
          Schema.Struct({ kind: Schema.Literal("circle"), r: Schema.Number, label: Schema.optionalKey(Schema.String) }),
          Schema.Struct({ kind: Schema.Literal("square"), side: Schema.Number })
        ])
      }),
      "a root that is not an object": Schema.Array(
        Schema.Struct({ n: Schema.Int, note: Schema.optionalKey(Schema.String) })
      )
    }
  },
  forAllOrders: (body, numRuns) =>
    fc.assert(fc.asyncProperty(order, fc.integer({ min: 1, max: 12 }), body), { numRuns })
})
