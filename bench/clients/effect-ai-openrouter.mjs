// The Effect team's provider package, through its OpenRouterClient service (schema-decoded
// chunks), on the undici layer.
import { OpenRouterClient } from "@effect/ai-openrouter"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect, Layer, ManagedRuntime, Redacted, Stream } from "effect"
import { REQUEST } from "../request.mjs"

export const setup = async (baseUrl) => {
  const runtime = ManagedRuntime.make(
    OpenRouterClient.layer({ apiKey: Redacted.make("k"), apiUrl: baseUrl }).pipe(
      Layer.provide(NodeHttpClient.layerUndici)
    )
  )
  const client = await runtime.runPromise(OpenRouterClient.OpenRouterClient)
  return { runtime, client }
}

export const send = ({ runtime, client }) => runtime.runPromise(client.createChatCompletion(REQUEST))

export const stream = ({ runtime, client }, onChunk) =>
  runtime.runPromise(
    client.createChatCompletionStream(REQUEST).pipe(Stream.runForEach((chunk) => Effect.sync(() => onChunk(chunk))))
  )
