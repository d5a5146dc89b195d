// effect-openrouter, the BUILT package (dist/, made by `npm run build` at the repository root),
// on whichever HttpClient layer the caller passes (see effect-openrouter-undici.mjs / -fetch.mjs).
import { Effect, Layer, ManagedRuntime, Redacted, Stream } from "effect"
import { Chat, OpenRouterConfig } from "../../dist/index.js"
import { REQUEST } from "../request.mjs"

export const make = (httpLayer) => async (baseUrl) => {
  if (typeof Chat.send !== "function" || typeof Chat.stream !== "function") {
    throw Object.assign(new Error("dist/ has no Chat.send / Chat.stream yet"), { unavailable: true })
  }
  const runtime = ManagedRuntime.make(
    OpenRouterConfig.layer({ apiKey: Redacted.make("k"), baseUrl }).pipe(Layer.provideMerge(httpLayer))
  )
  await runtime.runPromise(Effect.void)
  return runtime
}

export const send = (runtime) => runtime.runPromise(Chat.send(REQUEST))

export const stream = (runtime, onChunk) => {
  const chunks = Chat.stream(REQUEST)
  return runtime.runPromise(
    (Stream.StreamTypeId in chunks ? chunks : Stream.unwrapScoped(chunks)).pipe(
      Stream.runForEach((chunk) => Effect.sync(() => onChunk(chunk)))
    )
  )
}
