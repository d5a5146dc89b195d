/**
 * Streams a reply with `Chat.stream`, printing tokens as they arrive, then folds the same stream with
 * `Chat.collect` to print the usage and cost (they come in the last chunk).
 *
 *   npm run example -- streaming
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Console, Effect, Layer, Stream } from "effect"
import { Chat } from "../src/index.js"
import * as Format from "./support/format.js"
import * as Backend from "./support/runtime.js"

const program = Effect.gen(function*() {
  let chunks = 0
  const response = yield* Chat.stream({
    model: yield* Backend.model(),
    messages: [{ role: "user", content: "Write a haiku about streams of tokens." }],
    max_tokens: 200
  }).pipe(
    Stream.tap((chunk) =>
      Effect.sync(() => {
        chunks++
        const piece = chunk.choices[0]?.delta?.content
        if (piece) process.stdout.write(piece)
      })
    ),
    Chat.collect
  )
  yield* Console.log("")
  yield* Console.log(`Streamed ${chunks} chunks from ${response.model} via ${response.provider}.`)
  yield* Console.log(`Usage: ${Format.tokens(response.usage)}`)
  yield* Console.log(`Cost:  ${Format.cost(response.usage)}`)
})

program.pipe(
  Effect.provide(Layer.merge(Backend.layer(), NodeHttpClient.layerUndici)),
  NodeRuntime.runMain
)
