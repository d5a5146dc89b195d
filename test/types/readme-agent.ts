/**
 * The README's "A typed final answer" code (Tools section), typechecked by `npm run typecheck`, with
 * the types its comment spells out asserted.
 */
import { Effect, Schema } from "effect"
import { type StructuredError, Tool, Toolkit, ToolLoop } from "../../src/index.js"

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
const assertType = <T extends true>(_: T): void => undefined

const GetWeather = Tool.make("get_weather", {
  parameters: Schema.Struct({ city: Schema.String }),
  success: Schema.Struct({ celsius: Schema.Number })
})
const Tools = Toolkit.make(GetWeather)
const ToolsLive = Toolkit.toLayer(Tools, { get_weather: () => Effect.succeed({ celsius: 9 }) })

const Advice = Schema.Struct({
  city: Schema.String,
  wear: Schema.Literal("coat", "t-shirt"),
  why: Schema.String
}).annotations({ description: "What to wear, and why" })

const advice = ToolLoop.run(
  { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "What should I wear in Oslo today?" }] },
  { toolkit: Tools, output: Advice, outputRetries: 1 }
)
export const wear = advice.pipe(Effect.map((result) => result.output.wear), Effect.provide(ToolsLive))

type Tools = Toolkit.Tools<typeof Tools>
assertType<Equals<Effect.Effect.Success<typeof advice>, ToolLoop.OutputResult<Tools, typeof Advice.Type>>>(true)
assertType<
  Equals<Effect.Effect.Error<typeof advice>, ToolLoop.Error<Tools, "error"> | StructuredError.OutputError>
>(true)
assertType<Equals<Effect.Effect.Success<typeof wear>, "coat" | "t-shirt">>(true)
