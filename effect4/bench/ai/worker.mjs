// Measures `LanguageModel.streamText` (effect/ai, Effect 4) through ONE provider in a fresh process, then
// prints `RESULT <json>`: the time of each measured stream, after warm-up streams. Every stream is checked
// (number of non-empty text-delta parts and total text length), so no provider can look fast by skipping
// work.
// Runs on the Node 22 that effect4/ installs (the undici layer of @effect/platform-node 4 needs it).
//   effect4/node_modules/.bin/node effect4/bench/ai/worker.mjs '{"provider": "ours" | "floor" | "reference", "url": ..., "chunks": N, "warmup": W, "runs": R}'
import * as Fs from "node:fs"
import * as Path from "node:path"
import { performance } from "node:perf_hooks"
import { fileURLToPath, pathToFileURL } from "node:url"
import { word } from "../../../bench/payload.mjs"

const job = JSON.parse(process.argv[2])
const EFFECT4 = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")
const MODEL = "openai/gpt-4o-mini"

const { Effect, Layer, ManagedRuntime, Redacted, Stream } = await import("effect")
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

const expected = { deltas: job.chunks, chars: 0 }
for (let i = 0; i < job.chunks; i++) expected.chars += word(i).length

const finish = (result) => process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`, () => process.exit(0))

try {
  const layer = (await providers[job.provider]()).pipe(Layer.provide(NodeHttpClient.layerUndici))
  const runtime = ManagedRuntime.make(layer)
  const once = async () => {
    let deltas = 0
    let chars = 0
    const t0 = performance.now()
    await runtime.runPromise(
      LanguageModel.streamText({ prompt: "Write a long story about a benchmark." }).pipe(
        Stream.runForEach((part) =>
          Effect.sync(() => {
            // Non-empty deltas: the Effect team's provider also passes on the first chunk's empty content.
            if (part.type === "text-delta" && part.delta !== "") {
              deltas++
              chars += part.delta.length
            }
          })
        )
      )
    )
    const ms = performance.now() - t0
    if (deltas !== expected.deltas || chars !== expected.chars) {
      throw new Error(`got ${deltas} deltas / ${chars} chars, expected ${expected.deltas} / ${expected.chars}`)
    }
    return ms
  }
  for (let i = 0; i < job.warmup; i++) await once()
  const times = []
  for (let i = 0; i < job.runs; i++) times.push(await once())
  await runtime.dispose()
  finish({ times })
} catch (e) {
  finish({ error: String(e?.stack ?? e).split("\n").slice(0, 3).join(" | ") })
}
