/**
 * Structured output typed by a Schema, on the Effect 4 edition: `Structured.send` returns a decoded
 * `Recipe` with the full response; `Structured.stream` shows partial values while the JSON arrives,
 * then the decoded value. Every way the answer can be unusable (a refusal, a cut-off answer, JSON that
 * does not match) is a tagged error, handled here with `Effect.catchTags`.
 *
 *   cd effect4 && npx tsx examples/structured.ts
 *
 * Without a key, the emulator plays the model and answers with a recipe encoded in the strict form
 * the request asks for. With a key, OPENROUTER_MODEL (default openai/gpt-4o-mini, which supports
 * structured outputs) answers.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Console, Effect, Layer, Option, Schema, Stream } from "effect"
import { Structured, Testing } from "../src/index.js"
import * as Format from "./support/format.js"
import * as Backend from "./support/runtime.js"

// ---------------------------------------------------------------------------
// The Schema: the single source of the JSON Schema sent and of the decoded type
// ---------------------------------------------------------------------------

const Ingredient = Schema.Struct({
  name: Schema.String,
  quantity: Schema.String.annotate({ description: "With its unit, e.g. 200 g" })
})

const Recipe = Schema.Struct({
  title: Schema.String,
  minutes: Schema.Int.check(Schema.isGreaterThan(0)).annotate({ description: "Total time in minutes" }),
  vegetarian: Schema.Boolean,
  ingredients: Schema.NonEmptyArray(Ingredient),
  // Effect 4's exact optional field: absent or a string, never `undefined`.
  tip: Schema.optionalKey(Schema.String)
}).annotate({ identifier: "Recipe", description: "A short recipe" })

type Recipe = typeof Recipe.Type

// ---------------------------------------------------------------------------
// The emulator playing the model (only without a key)
// ---------------------------------------------------------------------------

const pancakes: Recipe = {
  title: "Quick pancakes",
  minutes: 20,
  vegetarian: true,
  ingredients: [
    { name: "flour", quantity: "200 g" },
    { name: "milk", quantity: "300 ml" },
    { name: "eggs", quantity: "2" }
  ]
}

const playTheModel: Testing.Script = (request) =>
  Testing.jsonAnswer(Recipe, pancakes, { stream: (request.body as { stream?: boolean }).stream === true })

// ---------------------------------------------------------------------------
// The program
// ---------------------------------------------------------------------------

const describe = (recipe: Recipe) =>
  `${recipe.title} (${recipe.ingredients.length} ingredients, ${recipe.minutes} min` +
  `${recipe.vegetarian ? ", vegetarian" : ""})`

const program = Effect.gen(function*() {
  const model = yield* Backend.model("openai/gpt-4o-mini")
  const request = {
    model,
    messages: [{ role: "user" as const, content: "A quick pancake recipe, please." }],
    max_tokens: 800
  }

  // One call: the value is a `Recipe`, decoded; the response has usage, cost, provider and id.
  const { response, value } = yield* Structured.send(Recipe, request)
  yield* Console.log(`Recipe:   ${describe(value)}`)
  for (const ingredient of value.ingredients) yield* Console.log(`  - ${ingredient.quantity} ${ingredient.name}`)
  yield* Console.log(`Tip:      ${value.tip ?? "(none)"}`)
  yield* Console.log(`Usage:    ${Format.tokens(response.usage)}`)
  yield* Console.log(`Cost:     ${Format.cost(response.usage)}`)

  // Streaming: partial values (every field optional, strings growing) until the decoded value.
  let partials = 0
  let widest = 0
  const final = yield* Structured.stream(Recipe, request).pipe(
    Stream.tap((event) =>
      Effect.sync(() => {
        if (event._tag === "Partial") {
          partials++
          widest = Math.max(widest, event.value.ingredients?.length ?? 0)
        }
      })
    ),
    Stream.runLast
  )
  if (Option.isSome(final) && final.value._tag === "Final") {
    yield* Console.log(
      `Streamed: ${partials} partial values (up to ${widest} ingredients), then ${describe(final.value.value)}`
    )
  }
}).pipe(
  // The answer itself can be unusable: each way is its own tagged error.
  Effect.catchTags({
    RefusalError: (e) => Console.log(`The model refused: ${e.refusal}`),
    OutputTruncatedError: (e) => Console.log(`Cut off after ${e.text.length} characters: raise max_tokens`),
    OutputNotJsonError: (e) => Console.log(`Not JSON: ${e.issue}`),
    OutputDecodeError: (e) => Console.log(`Does not match the Schema: ${e.issues.map((i) => i.path).join(", ")}`),
    EmptyOutputError: (e) => Console.log(`No answer (finish_reason: ${e.finishReason})`)
  })
)

program.pipe(
  Effect.provide(Layer.merge(Backend.layer({ script: playTheModel }), NodeHttpClient.layerUndici)),
  NodeRuntime.runMain
)
