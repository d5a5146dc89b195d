/**
 * One chat completion with `Chat.send`, over the undici-based `HttpClient` of `@effect/platform-node`.
 *
 *   npm run example -- basic
 *
 * Against OpenRouter when OPENROUTER_API_KEY is set (model: OPENROUTER_MODEL, default openrouter/auto),
 * else against OPENROUTER_BASE_URL when set (e.g. `npx effect-openrouter-emulator`), else the embedded emulator.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Console, Effect, Layer } from "effect"
import { Chat } from "../src/index.js"
import * as Format from "./support/format.js"
import * as Backend from "./support/runtime.js"

const program = Effect.gen(function*() {
  const response = yield* Chat.send({
    model: yield* Backend.model(),
    messages: [{ role: "user", content: "In one sentence: what is Effect, the TypeScript library?" }],
    max_tokens: 200
  })
  yield* Console.log(`Answer:   ${Format.text(response.choices[0]?.message)}`)
  yield* Console.log(`Model:    ${response.model}`)
  yield* Console.log(`Provider: ${response.provider}`)
  yield* Console.log(`Usage:    ${Format.tokens(response.usage)}`)
  yield* Console.log(`Cost:     ${Format.cost(response.usage)}`)
})

program.pipe(
  Effect.provide(Layer.merge(Backend.layer(), NodeHttpClient.layerUndici)),
  NodeRuntime.runMain
)
