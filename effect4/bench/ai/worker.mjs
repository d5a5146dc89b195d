// Measures `LanguageModel.streamText` (effect/ai, Effect 4) through ONE provider in a fresh process, then
// prints `RESULT <json>`: the time of each measured stream, after warm-up streams (bench/ai/measure.mjs, shared
// with the Effect 3 edition's worker). Every stream is checked (number of non-empty text-delta parts and total
// text length), so no provider can look fast by skipping work.
// Runs on the Node 22 that effect4/ installs (the undici layer of @effect/platform-node 4 needs it).
//   effect4/node_modules/.bin/node effect4/bench/ai/worker.mjs '{"provider": "ours" | "floor" | "reference", "url": ..., "chunks": N, "warmup": W, "runs": R}'
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { measure } from "../../../bench/ai/measure.mjs"

const job = JSON.parse(process.argv[2])
const EFFECT4 = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")
const MODEL = "openai/gpt-4o-mini"

const effect = await import("effect")
const { Layer, Redacted } = effect
const LanguageModel = await import("effect/ai/LanguageModel")
const NodeHttpClient = await import("@effect/platform-node/NodeHttpClient")

const providers = {
  // effect-openrouter's Effect 4 edition, as built (effect4/dist).
  ours: async () => {
    const dist = (file) => pathToFileURL(Path.join(EFFECT4, "dist", file)).href
    if (!Fs.existsSync(Path.join(EFFECT4, "dist/OpenRouterLanguageModel.js"))) {
      throw new Error("effect4/dist/OpenRouterLanguageModel.js is missing: run npm run build:effect4")
    }
    const OpenRouterLanguageModel = await import(dist("OpenRouterLanguageModel.js"))
    const { OpenRouterConfig } = await import(dist("index.js"))
    return OpenRouterLanguageModel.layer({ model: MODEL }).pipe(
      Layer.provide(OpenRouterConfig.layer({ apiKey: Redacted.make("k"), baseUrl: job.url }))
    )
  },
  floor: async () => {
    const Floor = await import("./floor.mjs")
    return Floor.layer({ url: job.url, model: MODEL, apiKey: "k" })
  },
  // The Effect team's provider (rc.111), its imports rewritten for effect 4.1.5 (reference.mjs).
  reference: async () => {
    const { prepare } = await import("./reference.mjs")
    const { bundle } = await prepare()
    const { OpenRouterClient, OpenRouterLanguageModel } = await import(pathToFileURL(bundle).href)
    return OpenRouterLanguageModel.layer({ model: MODEL }).pipe(
      Layer.provide(OpenRouterClient.layer({ apiKey: Redacted.make("k"), apiUrl: job.url }))
    )
  }
}

await measure({
  effect,
  load: async () => ({
    LanguageModel,
    layer: (await providers[job.provider]()).pipe(Layer.provide(NodeHttpClient.layerUndici))
  }),
  job
})
