/**
 * The README's "With @effect/ai" code, typechecked by `npm run typecheck` (not run: the example
 * examples/ai-language-model.ts runs in CI).
 */
import { LanguageModel, Tool, Toolkit } from "@effect/ai"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect, Layer, Schema } from "effect"
import { OpenRouterConfig } from "../../src/index.js"
import * as OpenRouterLanguageModel from "../../src/OpenRouterLanguageModel.js"

export const withEffectAi = () => {
  const GetWeather = Tool.make("get_weather", {
    parameters: { city: Schema.String },
    success: Schema.Struct({ temperature_c: Schema.Number })
  })
  const Weather = Toolkit.make(GetWeather)
  const WeatherLive = Weather.toLayer({ get_weather: () => Effect.succeed({ temperature_c: 18 }) })

  const program = LanguageModel.generateText({ prompt: "Weather in Paris?", toolkit: Weather })

  return program.pipe(
    Effect.provide(WeatherLive),
    Effect.provide(OpenRouterLanguageModel.layer({
      model: "anthropic/claude-sonnet-4",
      // OpenRouter's own request fields, typed: routing, fallbacks, plugins, reasoning, transforms, ...
      config: { provider: { order: ["anthropic"] }, models: ["openai/gpt-4o"], reasoning: { max_tokens: 2000 } }
    })),
    Effect.provide(Layer.merge(OpenRouterConfig.layerConfig(), NodeHttpClient.layerUndici)),
    Effect.runPromise
  )
}
