/**
 * The README's "Tools" section, typechecked by `npm run typecheck`, with the type its comment spells
 * out asserted.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import { Context, Effect, Layer, Schema } from "effect"
import { type Errors, type OpenRouterConfig, Tool, type ToolError, Toolkit, ToolLoop } from "../../src/index.js"

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
const assertType = <T extends true>(_: T): void => undefined

class CityNotFound extends Schema.TaggedError<CityNotFound>()("CityNotFound", { city: Schema.String }) {}
class WeatherApi extends Context.Tag("WeatherApi")<WeatherApi, {
  readonly lookup: (city: string) => Effect.Effect<number, CityNotFound>
}>() {}

const GetWeather = Tool.make("get_weather", {
  description: "The current temperature in a city, in °C.",
  parameters: Schema.Struct({ city: Schema.String }),
  success: Schema.Struct({ celsius: Schema.Number }),
  failure: CityNotFound, // the handler's error type
  dependencies: [WeatherApi] // the handler's requirements
})
const Now = Tool.make("now", { description: "The current time, ISO 8601.", success: Schema.String })

const Tools = Toolkit.make(GetWeather, Now)
type Tools = Toolkit.Tools<typeof Tools>

// Handlers are Effects, typed against the tools; a missing or mistyped handler does not compile.
const ToolsLive = Toolkit.toLayer(Tools, {
  get_weather: ({ city }) =>
    Effect.flatMap(WeatherApi, (api) => api.lookup(city)).pipe(
      Effect.map((celsius) => ({ celsius }))
    ),
  now: () => Effect.sync(() => new Date().toISOString())
})

const answer = ToolLoop.run(
  { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Is it warm in Lima?" }] },
  { toolkit: Tools, maxRounds: 5, concurrency: 4 }
)
assertType<
  Equals<
    typeof answer,
    Effect.Effect<
      ToolLoop.Result<Tools>,
      | Errors.SendError
      | ToolError.MaxRoundsError
      | ToolError.UnknownToolError
      | ToolError.MalformedArgumentsError
      | ToolError.InvalidArgumentsError
      | ToolError.InvalidResultError
      | CityNotFound,
      | HttpClient.HttpClient
      | OpenRouterConfig
      | Tool.Handler<"get_weather">
      | Tool.Handler<"now">
      | WeatherApi
    >
  >
>(true)

export const program = answer.pipe(
  Effect.provide(ToolsLive),
  Effect.provide(Layer.succeed(WeatherApi, { lookup: () => Effect.succeed(19) }))
)
assertType<Equals<Effect.Effect.Context<typeof program>, HttpClient.HttpClient | OpenRouterConfig>>(true)
