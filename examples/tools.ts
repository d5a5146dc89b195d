/**
 * A tool-calling round trip: the model asks for `get_weather`, the program runs it and sends the
 * result back as a `tool` message, the model answers with it. Both turns stream; `Chat.collect` folds
 * each stream into a complete message (tool-call arguments arrive in pieces and are joined).
 *
 *   npm run example -- tools
 *
 * Without a key, the emulator plays the model: a request whose last message is a tool result gets a
 * final answer built from it, any other request gets a `get_weather` call.
 * With a key, OPENROUTER_MODEL (default openai/gpt-4o-mini, which supports tools) answers.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Console, Effect, Layer, Schema, Stream } from "effect"
import { Chat, type Schema as OpenRouter, Testing } from "../src/index.js"
import * as Format from "./support/format.js"
import * as Backend from "./support/runtime.js"

// ---------------------------------------------------------------------------
// The tool
// ---------------------------------------------------------------------------

const WeatherArgs = Schema.Struct({ city: Schema.String })

const weatherTool: OpenRouter.FunctionTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "The current weather in a city.",
    parameters: {
      type: "object",
      properties: { city: { type: "string", description: "The city, e.g. Paris" } },
      required: ["city"]
    }
  }
}

/** Stands in for a real weather API. */
const getWeather = ({ city }: typeof WeatherArgs.Type) =>
  Effect.succeed({ city, temperature_c: 18, conditions: "light rain" })

/** Runs one tool call the model asked for; its result becomes the content of a `tool` message. */
const runTool = (call: OpenRouter.ToolCall) =>
  call.function.name === "get_weather" ?
    Schema.decodeUnknown(Schema.parseJson(WeatherArgs))(call.function.arguments).pipe(
      Effect.flatMap(getWeather),
      Effect.map((result) => JSON.stringify(result))
    ) :
    Effect.succeed(JSON.stringify({ error: `unknown tool ${call.function.name}` }))

// ---------------------------------------------------------------------------
// The emulator playing the model (only without a key)
// ---------------------------------------------------------------------------

const playTheModel: Testing.Script = (request) => {
  const messages = (request.body as { readonly messages?: ReadonlyArray<{ role?: string; content?: unknown }> })
    .messages ?? []
  const last = messages[messages.length - 1]
  if (last?.role === "tool") {
    const result = JSON.parse(String(last.content)) as { city: string; temperature_c: number; conditions: string }
    const answer = `It is ${result.temperature_c} °C in ${result.city}, with ${result.conditions}. Take an umbrella.`
    return Testing.stream({ deltas: answer.match(/\S+\s*/g) ?? [answer] })
  }
  // The arguments arrive in pieces, as real providers send them.
  return Testing.stream({ toolCalls: [{ name: "get_weather", arguments: ["{\"ci", "ty\": \"Pa", "ris\"}"] }] })
}

// ---------------------------------------------------------------------------
// The program
// ---------------------------------------------------------------------------

const program = Effect.gen(function*() {
  const model = yield* Backend.model("openai/gpt-4o-mini")
  const question = "What's the weather in Paris right now?"
  const messages: Array<OpenRouter.Message> = [{ role: "user", content: question }]
  yield* Console.log(`user: ${question}`)

  // Turn 1: the model asks for the tool.
  const first = yield* Chat.stream({ model, messages, tools: [weatherTool] }).pipe(Chat.collect)
  const calls: Array<OpenRouter.ToolCall> = (first.choices[0]?.message?.tool_calls ?? []).map((call) => ({
    id: call.id ?? "",
    type: "function",
    function: { name: call.function?.name ?? "", arguments: call.function?.arguments ?? "" }
  }))
  if (calls.length === 0) {
    yield* Console.log(`assistant (no tool call): ${Format.text(first.choices[0]?.message)}`)
    return
  }
  messages.push({ role: "assistant", content: Format.text(first.choices[0]?.message) || null, tool_calls: calls })

  // Run every call and send each result back as a `tool` message.
  for (const call of calls) {
    yield* Console.log(`assistant → tool call ${call.function.name}(${call.function.arguments})`)
    const result = yield* runTool(call)
    yield* Console.log(`tool → ${result}`)
    messages.push({ role: "tool", tool_call_id: call.id, content: result })
  }

  // Turn 2: the model answers with the result, streamed as it arrives.
  process.stdout.write("assistant: ")
  const final = yield* Chat.stream({ model, messages, tools: [weatherTool] }).pipe(
    Stream.tap((chunk) => Effect.sync(() => process.stdout.write(chunk.choices[0]?.delta?.content ?? ""))),
    Chat.collect
  )
  yield* Console.log("")
  yield* Console.log(`(finish_reason: ${final.choices[0]?.finish_reason}, ${Format.tokens(final.usage)})`)
})

program.pipe(
  Effect.provide(Layer.merge(Backend.layer({ script: playTheModel }), NodeHttpClient.layerUndici)),
  NodeRuntime.runMain
)
