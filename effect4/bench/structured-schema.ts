/*
 * Strict JSON Schema on Effect 4: effect/ai's own derivation (`OpenAiStructuredOutput.toCodecOpenAI`)
 * as it comes, this edition's (effect/ai's made smaller, root wrapped, refusals;
 * effect4/src/internal/structured/jsonSchema.ts), and the Effect 3 edition's (src/internal/structured/jsonSchema.ts,
 * loaded in the same process: its `effect` resolves to the root's Effect 3). Run from the repository
 * root: `node_modules/.bin/tsx effect4/bench/structured-schema.ts` (about 20 s).
 *
 * Measured per Schema: the size of the JSON Schema sent (bytes of JSON.stringify), and the time to
 * decode a model's answer text to the value (the hot path; derivation is once per Schema). Passes of
 * 2,000 decodes alternate between the editions (3 warm-up rounds, best of 7), so load elsewhere hits
 * both alike; the ratio is the steady number.
 *
 * Results (Node 20.20, effect 4.1.5 and 3.22, 2 cores shared with ~7 other jobs):
 *
 *   Schema               JSON Schema bytes: effect/ai  Effect 4 ed.  Effect 3 ed.   decode: Effect 4 ed.  Effect 3 ed.  ratio
 *   Weather (24 hours)                        1313          455           482              48859 ns      20168 ns   2.42
 *   record of 50 scores                        558          490           256              90762 ns      18603 ns   4.88
 *
 * Reading: effect/ai's output as it comes is 2.9x the Effect 3 edition's for an ordinary Schema
 * (numbers as anyOf with "NaN"/"Infinity" strings, safe-integer bounds, the root copied into $defs);
 * the Effect 4 edition's pass brings it level. Records stay twice as large (pairs as objects with "0"
 * and "1" keys and two descriptions, against { key, value }). Decoding costs 2.4x the Effect 3
 * edition's (Effect 4's decoder; a record answer is read twice, plain form then strict form, 4.9x):
 * microseconds against a model's seconds, so kept for the behaviour it buys.
 */
import { toCodecOpenAI } from "effect/ai/OpenAiStructuredOutput"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Effect3 from "../../node_modules/effect/dist/esm/Effect.js"
import * as Schema3 from "../../node_modules/effect/dist/esm/Schema.js"
import { decodeStrictJson as decode3, strictJsonSchema as strict3 } from "../../src/internal/structured/jsonSchema.js"
import { decodeStrictJson, strictJsonSchema } from "../src/internal/structured/jsonSchema.js"

const weather4 = Schema.Struct({
  city: Schema.String,
  temperature_c: Schema.Number,
  conditions: Schema.optionalKey(Schema.String),
  hourly: Schema.Array(Schema.Struct({ hour: Schema.Int, rain_mm: Schema.Number }))
}).annotate({ identifier: "Weather", description: "The weather in a city" })
const weather3 = Schema3.Struct({
  city: Schema3.String,
  temperature_c: Schema3.Number,
  conditions: Schema3.optional(Schema3.String),
  hourly: Schema3.Array(Schema3.Struct({ hour: Schema3.Int, rain_mm: Schema3.Number }))
}).annotations({ identifier: "Weather", description: "The weather in a city" })
const weatherAnswer = JSON.stringify({
  city: "Paris",
  temperature_c: 18.5,
  conditions: null,
  hourly: Array.from({ length: 24 }, (_, hour) => ({ hour, rain_mm: hour / 10 }))
})

const scores4 = Schema.Struct({ scores: Schema.Record(Schema.String, Schema.Number) })
const scores3 = Schema3.Struct({ scores: Schema3.Record({ key: Schema3.String, value: Schema3.Number }) })
const keys = Array.from({ length: 50 }, (_, i) => `k${i}`)
const scoresAnswer3 = JSON.stringify({ scores: keys.map((key, i) => ({ key, value: i })) })
const scoresAnswer4 = JSON.stringify({ scores: keys.map((key, i) => ({ 0: key, 1: i })) })

const cases = [
  { name: "Weather (24 hours)", s4: weather4, s3: weather3, a4: weatherAnswer, a3: weatherAnswer },
  { name: "record of 50 scores", s4: scores4, s3: scores3, a4: scoresAnswer4, a3: scoresAnswer3 }
] as const

const bytes = (u: unknown) => JSON.stringify(u).length

const time = (f: () => void, n: number): number => {
  const start = performance.now()
  for (let i = 0; i < n; i++) f()
  return ((performance.now() - start) * 1e6) / n
}

for (const c of cases) {
  const e4 = strictJsonSchema(c.s4 as Schema.Codec<unknown, unknown>)
  const e3 = strict3(c.s3 as Schema3.Schema<unknown, unknown>)
  const raw = toCodecOpenAI(c.s4 as Schema.Codec<unknown, unknown>).jsonSchema
  const run4 = () => void Effect.runSync(decodeStrictJson(e4, c.a4))
  const run3 = () => void Effect3.runSync(decode3(e3, c.a3))
  const best = { e4: Infinity, e3: Infinity }
  for (let round = 0; round < 10; round++) {
    const t4 = time(run4, 2000)
    const t3 = time(run3, 2000)
    if (round >= 3) {
      best.e4 = Math.min(best.e4, t4)
      best.e3 = Math.min(best.e3, t3)
    }
  }
  console.log(
    `${c.name}: JSON Schema bytes effect/ai ${bytes(raw)}, Effect 4 edition ${bytes(e4.schema)}, ` +
      `Effect 3 edition ${bytes(e3.schema)}; decode ${best.e4.toFixed(0)} ns (Effect 4) vs ${
        best.e3.toFixed(0)
      } ns (Effect 3), ratio ${(best.e4 / best.e3).toFixed(2)}`
  )
}
