/**
 * Structured.stream with the in-process test kit (the port of test/structuredStream.test.ts): partial
 * values consistent with the final value for any value of a Schema split anywhere, a wrapped root
 * shown unwrapped, and a surrogate pair split across pieces never shown half (i20b's fix, in the
 * shared partial parser).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as fc from "fast-check"
import { type Chat, Structured } from "../src/index.js"
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

const collect = <A, I>(schema: Schema.Codec<A, I>, reply: Testing.Reply) =>
  Stream.runCollect(Structured.stream(schema, request)).pipe(
    Effect.provide(Testing.layerWithConfig(reply, { retry: false }))
  )

describe("Structured.stream", () => {
  it("shows partial values consistent with the final value, for any value of the Schema split anywhere", async () => {
    await fc.assert(
      fc.asyncProperty(order, fc.integer({ min: 1, max: 12 }), async (value, pieceSize) => {
        const events = await Effect.runPromise(
          collect(Order, Testing.jsonAnswer(Order, value, { stream: true, pieceSize }))
        )
        const final = events[events.length - 1]
        if (final?._tag !== "Final") throw new Error("no final event")
        expect(final.value).toStrictEqual(value)
        for (const event of events.slice(0, -1)) {
          if (event._tag !== "Partial") throw new Error("a second final event")
          if (!consistent(event.value, value)) {
            throw new Error(`partial ${JSON.stringify(event.value)} is not consistent with ${JSON.stringify(value)}`)
          }
        }
      }),
      { numRuns: 30 }
    )
  })

  it.effect("shows a wrapped root unwrapped, and the null of an absent optional field never", () =>
    Effect.gen(function*() {
      const schema = Schema.Array(Schema.Struct({ a: Schema.Number, b: Schema.optionalKey(Schema.String) }))
      // The strict form, as a model following the JSON Schema sends it: wrapped, the absent field null.
      const content = JSON.stringify({ value: [{ a: 1, b: null }, { a: 2, b: "x" }] })
      const events = yield* collect(schema, Testing.stream({ deltas: content.match(/[\s\S]{1,2}/g)! }))
      const partials = events.flatMap((e) => e._tag === "Partial" ? [e.value] : [])
      expect(partials).toContainEqual([{ a: 1 }])
      for (const partial of partials) expect(Array.isArray(partial)).toBe(true)
      expect(JSON.stringify(partials)).not.toContain("null")
      expect(events.at(-1)).toMatchObject({ _tag: "Final", value: [{ a: 1 }, { a: 2, b: "x" }] })
    }))

  it.effect("never shows half of a surrogate pair whose escaped halves arrive in different pieces", () =>
    Effect.gen(function*() {
      const schema = Schema.Struct({ text: Schema.String })
      const events = yield* collect(
        schema,
        Testing.stream({ deltas: ["{\"text\":\"ok \\ud83d", "\\ude00 done\"}"] })
      )
      const texts = events.flatMap((e) => e._tag === "Partial" ? [(e.value as { text?: string }).text ?? ""] : [])
      for (const text of texts) {
        const last = text.charCodeAt(text.length - 1)
        expect(last >= 0xd800 && last <= 0xdbff).toBe(false)
      }
      expect(texts).toContain("ok ")
      expect(events.at(-1)).toMatchObject({ _tag: "Final", value: { text: "ok \u{1F600} done" } })
    }))
})
