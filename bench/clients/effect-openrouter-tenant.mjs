// effect-openrouter (dist/) as a multi-tenant server uses it: every call gets its own
// configuration (its own API key), made for the call. Two ways:
//   "option"  the call's `config` option (Chat.stream(request, { config })): the documented way
//   "provide" Stream.provideService(OpenRouterConfig, config) / Effect.provideService per call
import { Effect, ManagedRuntime, Redacted, Stream } from "effect"
import { Chat, Client, OpenRouterConfig } from "../../dist/index.js"
import { REQUEST } from "../request.mjs"

export const make = (httpLayer, how) => {
  let tenant = 0
  const configFor = (baseUrl) => Client.makeConfig({ apiKey: Redacted.make(`k-${tenant++}`), baseUrl })
  const setup = async (baseUrl) => {
    const runtime = ManagedRuntime.make(httpLayer)
    await runtime.runPromise(Effect.void)
    return { runtime, baseUrl }
  }
  const send = ({ baseUrl, runtime }) => {
    const config = configFor(baseUrl)
    return runtime.runPromise(
      how === "option"
        ? Chat.send(REQUEST, { config })
        : Effect.provideService(Chat.send(REQUEST), OpenRouterConfig, config)
    )
  }
  const stream = ({ baseUrl, runtime }, onChunk) => {
    const config = configFor(baseUrl)
    const chunks = how === "option"
      ? Chat.stream(REQUEST, { config })
      : Stream.provideService(Chat.stream(REQUEST), OpenRouterConfig, config)
    return runtime.runPromise(Stream.runForEach(chunks, (chunk) => Effect.sync(() => onChunk(chunk))))
  }
  return { setup, send, stream }
}
