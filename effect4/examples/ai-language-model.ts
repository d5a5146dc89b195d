/**
 * A tool-using program written only against `effect/ai` (LanguageModel, Chat, Tool, Toolkit: part of
 * `effect` itself on Effect 4), run on OpenRouter through `effect-openrouter/OpenRouterLanguageModel`.
 * The program never names this package: swapping the provider layer at the bottom is all it takes to run
 * it elsewhere.
 *
 *   cd effect4 && npx tsx examples/ai-language-model.ts
 *
 * Without a key, the emulator plays the model: a request whose last message is a tool result gets
 * an answer built from the results, any other request gets two parallel `get_weather` calls.
 * With a key, OPENROUTER_MODEL (default openai/gpt-4o-mini, which supports tools) answers.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Console, Effect, Layer, Schema } from "effect"
import { Chat, Tool, Toolkit } from "effect/ai"
import * as OpenRouterLanguageModel from "../src/OpenRouterLanguageModel.js"
import * as Testing from "../src/Testing.js"
import * as Backend from "./support/runtime.js"

// ---------------------------------------------------------------------------
// The program: effect/ai only
// ---------------------------------------------------------------------------

const GetWeather = Tool.make("get_weather", {
  description: "The current weather in a city.",
  parameters: Schema.Struct({ city: Schema.String.annotate({ description: "The city, e.g. Paris" }) }),
  success: Schema.Struct({ city: Schema.String, temperature_c: Schema.Number, conditions: Schema.String })
})

const WeatherToolkit = Toolkit.make(GetWeather)

/** Stands in for a real weather API. */
const WeatherHandlers = WeatherToolkit.toLayer({
  get_weather: ({ city }) =>
    Effect.succeed(
      city === "Oslo"
        ? { city, temperature_c: 4, conditions: "clear skies" }
        : { city, temperature_c: 18, conditions: "light rain" }
    )
})

const program = Effect.gen(function*() {
  const question = "What's the weather in Paris and in Oslo right now?"
  yield* Console.log(`user: ${question}`)
  const chat = yield* Chat.empty
  let response = yield* chat.generateText({ prompt: question, toolkit: WeatherToolkit })
  // The toolkit's handlers run the calls; the chat sends their results back until the model answers.
  for (let turn = 0; turn < 4 && response.toolCalls.length > 0; turn++) {
    for (const call of response.toolCalls) {
      yield* Console.log(`assistant → tool call ${call.name}(${JSON.stringify(call.params)})`)
    }
    for (const result of response.toolResults) {
      yield* Console.log(`tool → ${JSON.stringify(result.result)}`)
    }
    response = yield* chat.generateText({ prompt: [], toolkit: WeatherToolkit })
  }
  yield* Console.log(`assistant: ${response.text}`)
  yield* Console.log(
    `(finish: ${response.finishReason}, ${response.usage.inputTokens.total} → ${response.usage.outputTokens.total} tokens)`
  )
}).pipe(Effect.provide(WeatherHandlers))

// ---------------------------------------------------------------------------
// The emulator playing the model (only without a key)
// ---------------------------------------------------------------------------

const playTheModel: Testing.Script = (request) => {
  const messages = (request.body as { readonly messages?: ReadonlyArray<{ role?: string; content?: unknown }> })
    .messages ?? []
  if (messages[messages.length - 1]?.role === "tool") {
    const results = messages.filter((m) => m.role === "tool").map((m) =>
      JSON.parse(String(m.content)) as { city: string; temperature_c: number; conditions: string }
    )
    return Testing.completion({
      content: results.map((r) => `${r.city}: ${r.temperature_c} °C, ${r.conditions}.`).join(" ")
    })
  }
  return Testing.completion({
    toolCalls: [
      { name: "get_weather", arguments: { city: "Paris" } },
      { name: "get_weather", arguments: { city: "Oslo" } }
    ]
  })
}

// ---------------------------------------------------------------------------
// The provider: effect-openrouter behind LanguageModel
// ---------------------------------------------------------------------------

const ModelLayer = Layer.unwrap(
  Effect.map(Backend.model("openai/gpt-4o-mini"), (model) => OpenRouterLanguageModel.layer({ model }))
)

program.pipe(
  Effect.provide(ModelLayer),
  Effect.provide(Layer.merge(Backend.layer({ script: playTheModel }), NodeHttpClient.layerUndici)),
  NodeRuntime.runMain
)
