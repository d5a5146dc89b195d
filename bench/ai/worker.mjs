// Measures `LanguageModel.streamText` through ONE provider in a fresh process, then prints
// `RESULT <json>`: the time of each measured stream, after warm-up streams. Every stream is checked
// (number of text-delta parts and total text length), so no provider can look fast by skipping work.
//   node bench/ai/worker.mjs '{"provider": "ours" | "effect-ai-openrouter" | "effect-ai-openai", "urls": ..., "chunks": N, "warmup": W, "runs": R}'
//
// Our provider and @effect/ai-openai run on the repository's @effect/ai 0.37 (root node_modules);
// @effect/ai-openrouter 0.10.1 on the @effect/ai 0.35 it declares (bench/node_modules, installed with
// its peer checks overridden). Each resolves its own copy, so the worker imports @effect/ai through
// the provider's adapter below rather than by name.
import * as Fs from "node:fs"
import * as Path from "node:path"
import { performance } from "node:perf_hooks"
import { fileURLToPath, pathToFileURL } from "node:url"
import { word } from "../payload.mjs"

const job = JSON.parse(process.argv[2])
const ROOT = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")

/** Imports `pkg/sub` from the ROOT's node_modules (its ESM entry), whatever bench/node_modules holds. */
const rootImport = (pkg, sub) => {
  const dir = Path.join(ROOT, "node_modules", pkg)
  const exports = JSON.parse(Fs.readFileSync(Path.join(dir, "package.json"), "utf8")).exports
  const entry = exports[sub === undefined ? "." : `./${sub}`]
  const target = typeof entry === "string" ? entry : entry.import ?? entry.default
  return import(pathToFileURL(Path.join(dir, typeof target === "string" ? target : target.default)).href)
}

const { Effect, Layer, ManagedRuntime, Redacted, Stream } = await import("effect")
const NodeHttpClient = await import("@effect/platform-node/NodeHttpClient")

const providers = {
  ours: async () => {
    const LanguageModel = await rootImport("@effect/ai", "LanguageModel")
    const OpenRouterLanguageModel = await import("../../dist/OpenRouterLanguageModel.js")
    const { OpenRouterConfig } = await import("../../dist/index.js")
    const layer = OpenRouterLanguageModel.layer({ model: "openai/gpt-4o-mini" }).pipe(
      Layer.provide(OpenRouterConfig.layer({ apiKey: Redacted.make("k"), baseUrl: job.urls.chat })),
      Layer.provide(NodeHttpClient.layerUndici)
    )
    return { LanguageModel, layer }
  },
  "effect-ai-openrouter": async () => {
    const LanguageModel = await import("@effect/ai/LanguageModel")
    const { OpenRouterClient, OpenRouterLanguageModel } = await import("@effect/ai-openrouter")
    const layer = OpenRouterLanguageModel.layer({ model: "openai/gpt-4o-mini" }).pipe(
      Layer.provide(OpenRouterClient.layer({ apiKey: Redacted.make("k"), apiUrl: job.urls.chat })),
      Layer.provide(NodeHttpClient.layerUndici)
    )
    return { LanguageModel, layer }
  },
  "effect-ai-openai": async () => {
    const LanguageModel = await rootImport("@effect/ai", "LanguageModel")
    const OpenAiClient = await rootImport("@effect/ai-openai", "OpenAiClient")
    const OpenAiLanguageModel = await rootImport("@effect/ai-openai", "OpenAiLanguageModel")
    const layer = OpenAiLanguageModel.layer({ model: "gpt-4o-mini" }).pipe(
      Layer.provide(OpenAiClient.layer({ apiKey: Redacted.make("k"), apiUrl: job.urls.responses })),
      Layer.provide(NodeHttpClient.layerUndici)
    )
    return { LanguageModel, layer }
  }
}

const expected = { deltas: job.chunks, chars: 0 }
for (let i = 0; i < job.chunks; i++) expected.chars += word(i).length

const finish = (result) => process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`, () => process.exit(0))

try {
  const { LanguageModel, layer } = await providers[job.provider]()
  const runtime = ManagedRuntime.make(layer)
  const once = async () => {
    let deltas = 0
    let chars = 0
    const t0 = performance.now()
    await runtime.runPromise(
      LanguageModel.streamText({ prompt: "Write a long story about a benchmark." }).pipe(
        Stream.runForEach((part) =>
          Effect.sync(() => {
            if (part.type === "text-delta") {
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
