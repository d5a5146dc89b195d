// The Effect 4 edition's benchmark clients, for bench/run.mjs (bench/clients/effect4-*.mjs re-export
// these). They live under effect4/ so that `effect` resolves to Effect 4 (effect4/node_modules), while
// the runner and the emulator run from the root (Effect 3). On fetch, and on @effect/platform-node 4's
// undici layer, which needs Node >= 22.19: the runner runs those clients' processes on the Node that
// effect4/ installs, and they import the layer only when set up (undici 8 fails to load on Node 20).
import { Effect, Layer, ManagedRuntime, Redacted, Stream } from "effect"
import { FetchHttpClient, HttpBody, HttpClient } from "effect/http"
import { REQUEST } from "../../bench/request.mjs"
import { Chat, OpenRouterConfig } from "../dist/index.js"

const undiciLayer = async () => (await import("@effect/platform-node/NodeHttpClient")).layerUndici

/**
 * effect-openrouter's Effect 4 edition, built (effect4/dist; `lib`: another build's modules), on an
 * `effect/http` HttpClient layer (`httpLayer`: a function to its promise).
 */
export const makeOpenrouter = (httpLayer, lib = { Chat, OpenRouterConfig }) => ({
  setup: async (baseUrl) => {
    const runtime = ManagedRuntime.make(
      lib.OpenRouterConfig.layer({ apiKey: Redacted.make("k"), baseUrl }).pipe(Layer.provideMerge(await httpLayer()))
    )
    await runtime.runPromise(Effect.void)
    return runtime
  },
  send: (runtime) => runtime.runPromise(lib.Chat.send(REQUEST)),
  stream: (runtime, onChunk) =>
    runtime.runPromise(Stream.runForEach(lib.Chat.stream(REQUEST), (chunk) => Effect.sync(() => onChunk(chunk))))
})

/** The Effect 4 edition on fetch. */
export const openrouter = makeOpenrouter(async () => FetchHttpClient.layer)

/** The Effect 4 edition on undici (Node >= 22.19). */
export const openrouterUndici = makeOpenrouter(undiciLayer)

const headers = { authorization: "Bearer k" }

/** The Effect 4 floor: effect/http's HttpClient, `Stream.decodeText` + `Stream.splitLines` + `JSON.parse`. */
export const makeFloor = (httpLayer) => ({
  setup: async (baseUrl) => {
    const runtime = ManagedRuntime.make(await httpLayer())
    const client = await runtime.runPromise(
      HttpClient.HttpClient.use((c) => Effect.succeed(HttpClient.filterStatusOk(c)))
    )
    return { runtime, client, url: `${baseUrl}/chat/completions` }
  },
  send: ({ client, runtime, url }) =>
    runtime.runPromise(
      client.post(url, { headers, body: HttpBody.jsonUnsafe(REQUEST) }).pipe(Effect.flatMap((res) => res.json))
    ),
  stream: ({ client, runtime, url }, onChunk) =>
    runtime.runPromise(
      client.post(url, { headers, body: HttpBody.jsonUnsafe({ ...REQUEST, stream: true }) }).pipe(
        Effect.map((res) => res.stream),
        Stream.unwrap,
        Stream.decodeText(),
        Stream.splitLines,
        Stream.filter((line) => line.startsWith("data: ")),
        Stream.takeWhile((line) => line !== "data: [DONE]"),
        Stream.map((line) => JSON.parse(line.slice(6))),
        Stream.runForEach((chunk) => Effect.sync(() => onChunk(chunk)))
      )
    )
})

/** The Effect 4 floor on fetch. */
export const floor = makeFloor(async () => FetchHttpClient.layer)

/** The Effect 4 floor on undici (Node >= 22.19). */
export const floorUndici = makeFloor(undiciLayer)
