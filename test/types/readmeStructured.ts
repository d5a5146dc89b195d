/**
 * The README's "Structured output" code, typechecked by `npm run typecheck` so the documentation
 * cannot drift from the API. (Not run: examples/structured.ts runs in CI.)
 */
import { Effect, Schema } from "effect"
import { Structured } from "../../src/index.js"

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
const assertType = <T extends true>(_: T): void => undefined

const Recipe = Schema.Struct({
  title: Schema.String,
  minutes: Schema.Int.annotations({ description: "Total time in minutes" }),
  ingredients: Schema.Array(Schema.Struct({ name: Schema.String, quantity: Schema.String })),
  tip: Schema.optional(Schema.String)
}).annotations({ identifier: "Recipe", description: "A short recipe" })

export const program = Effect.gen(function*() {
  const { response, value } = yield* Structured.send(Recipe, {
    model: "openai/gpt-4o-mini",
    messages: [{ role: "user", content: "A quick pancake recipe" }]
  }, { retries: 1 })
  assertType<
    Equals<typeof value, {
      readonly title: string
      readonly minutes: number
      readonly ingredients: ReadonlyArray<{ readonly name: string; readonly quantity: string }>
      readonly tip?: string | undefined
    }>
  >(true)
  console.log(value.title, value.ingredients.length, response.usage?.cost)
})
