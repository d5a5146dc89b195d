/**
 * Structured.stream with the in-process test kit: partial values consistent with the final value for
 * any value of a Schema split anywhere, and the Testing structured answers.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Chat, Structured } from "../src/index.js"
import * as Testing from "../src/Testing.js"

const request: Chat.ChatRequest = { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Go" }] }

/** See test/partialJson.test.ts: a string is a prefix, containers hold some of the final parts. */
const consistent = (partial: unknown, final: unknown): boolean => {
  if (typeof partial === "string") return typeof final === "string" && final.startsWith(partial)
  if (Array.isArray(partial)) {
    return Array.isArray(final) && partial.length <= final.length &&
      partial.every((item, i) => consistent(item, final[i]))
  }
  if (typeof partial === "object" && partial !== null) {
    if (typeof final !== "object" || final === null || Array.isArray(final)) return false
    return Object.keys(partial).every((key) =>
      Object.prototype.hasOwnProperty.call(final, key) &&
      consistent((partial as Record<string, unknown>)[key], (final as Record<string, unknown>)[key])
    )
  }
  return Object.is(partial, final)
}

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

const collect = <A, I>(schema: Schema.Schema<A, I>, reply: Testing.Reply) =>
  Stream.runCollect(Structured.stream(schema, request)).pipe(
    Effect.map(Chunk.toReadonlyArray),
    Effect.provide(Testing.layerWithConfig(reply, { retry: false }))
  )

describe("Structured.stream", () => {
  it("shows partial values consistent with the final value, for any value of the Schema split anywhere", async () => {
    await FastCheck.assert(
      FastCheck.asyncProperty(
        Arbitrary.make(Order).filter(noUndefinedField),
        FastCheck.integer({ min: 1, max: 12 }),
        async (order, pieceSize) => {
          const events = await Effect.runPromise(
            collect(Order, Testing.jsonAnswer(Order, order, { stream: true, pieceSize }))
          )
          const final = events[events.length - 1]
          if (final?._tag !== "Final") throw new Error("no final event")
          expect(final.value).toStrictEqual(order)
          for (const event of events.slice(0, -1)) {
            if (event._tag !== "Partial") throw new Error("a second final event")
            if (!consistent(event.value, order)) {
              throw new Error(`partial ${JSON.stringify(event.value)} is not consistent with ${JSON.stringify(order)}`)
            }
          }
        }
      ),
      { numRuns: 30 }
    )
  })

  it.effect("shows a record as an object while its entries arrive, and a wrapped root unwrapped", () =>
    Effect.gen(function*() {
      const schema = Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Number }))
      const events = yield* collect(
        schema,
        Testing.jsonAnswer(schema, [{ a: 1, b: 2 }], { stream: true, pieceSize: 1 })
      )
      const partials = events.filter((e) => e._tag === "Partial").map((e) => e.value)
      expect(partials).toContainEqual([{ a: 1 }])
      expect(partials[partials.length - 1]).toStrictEqual([{ a: 1, b: 2 }])
    }))
})

describe("Testing structured answers", () => {
  it.effect("jsonAnswer answers with the value in the strict form, which Structured.send decodes back", () =>
    Effect.gen(function*() {
      const schema = Schema.Struct({
        a: Schema.optional(Schema.String),
        m: Schema.Record({ key: Schema.String, value: Schema.Int })
      })
      const result = yield* Structured.send(schema, request).pipe(
        Effect.provide(Testing.layerWithConfig(Testing.jsonAnswer(schema, { m: { x: 1 } }), { retry: false }))
      )
      expect(result.value).toStrictEqual({ m: { x: 1 } })
      expect(result.response.choices[0]?.message?.content).toBe("{\"a\":null,\"m\":[{\"key\":\"x\",\"value\":1}]}")
    }))

  it.effect("jsonAnswer with a value that does not encode answers with the emulator's 500 naming the problem", () =>
    Effect.gen(function*() {
      const schema = Schema.Struct({ n: Schema.Int })
      const error = yield* Effect.flip(Structured.send(schema, request)).pipe(
        Effect.provide(Testing.layerWithConfig(Testing.jsonAnswer(schema, { n: 1.5 }), { retry: false }))
      )
      expect(error._tag).toBe("InternalServerResponseError")
      expect(error.message).toMatch(/^Testing.jsonAnswer: the value does not encode with the Schema/)
    }))

  it.effect("each answer streams when asked to, ending with the same outcome as the completion", () =>
    Effect.gen(function*() {
      const schema = Schema.Struct({ a: Schema.String })
      const answers: ReadonlyArray<readonly [string, (stream: boolean) => Testing.Reply]> = [
        ["OutputNotJsonError", (stream) => Testing.notJsonAnswer(undefined, { stream })],
        ["OutputDecodeError", (stream) => Testing.mismatchedAnswer({ a: 1 }, { stream })],
        ["RefusalError", (stream) => Testing.refusalAnswer(undefined, { stream })],
        ["OutputTruncatedError", (stream) => Testing.lengthCutAnswer(undefined, { stream })]
      ]
      for (const [tag, reply] of answers) {
        const sent = yield* Effect.flip(Structured.send(schema, request)).pipe(
          Effect.provide(Testing.layerWithConfig(reply(false), { retry: false }))
        )
        const streamed = yield* Effect.flip(Stream.runDrain(Structured.stream(schema, request))).pipe(
          Effect.provide(Testing.layerWithConfig(reply(true), { retry: false }))
        )
        expect([sent._tag, streamed._tag]).toEqual([tag, tag])
      }
    }))
})

describe("the emulator (Testing.emulator) and a json_schema request", () => {
  const schemas: ReadonlyArray<readonly [string, Schema.Schema.AnyNoContext]> = [
    ["an object with optional fields", Schema.Struct({ a: Schema.String, b: Schema.optional(Schema.Int) })],
    [
      "nested arrays and unions",
      Schema.Struct({
        items: Schema.Array(Schema.Union(
          Schema.Struct({ kind: Schema.Literal("x"), n: Schema.Number.pipe(Schema.between(5, 10)) }),
          Schema.Struct({ kind: Schema.Literal("y") })
        ))
      })
    ],
    ["a recursive schema", Order],
    [
      "records, dates and a wrapped root",
      Schema.Array(Schema.Struct({
        when: Schema.Date,
        scores: Schema.Record({ key: Schema.String, value: Schema.Int })
      }))
    ]
  ]
  for (const [name, schema] of schemas) {
    it.effect(`answers ${name} with a value that decodes`, () =>
      Effect.gen(function*() {
        const sent = yield* Structured.send(schema, request)
        const streamed = yield* Stream.runLast(Structured.stream(schema, request))
        expect(streamed._tag === "Some" && streamed.value._tag === "Final" && streamed.value.value).toStrictEqual(
          sent.value
        )
      }).pipe(Effect.provide(Testing.layerWithConfig(Testing.emulator, { retry: false }))))
  }

  it.effect("still answers a plain request with its usual text", () =>
    Effect.gen(function*() {
      const response = yield* Chat.send(request)
      expect(response.choices[0]?.message?.content).toMatch(/^This answer comes from the local OpenRouter emulator/)
    }).pipe(Effect.provide(Testing.layerWithConfig(Testing.emulator, { retry: false }))))
})
