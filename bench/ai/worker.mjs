// Measures `LanguageModel.streamText` through ONE provider in a fresh process, then prints
// `RESULT <json>`: the time of each measured stream, after warm-up streams (measure.mjs). Every stream is
// checked (number of text-delta parts and total text length), so no provider can look fast by skipping work.
//   node bench/ai/worker.mjs '{"provider": "ours" | "effect-ai-openrouter" | "effect-ai-openai", "urls": ..., "chunks": N, "warmup": W, "runs": R}'
//
// Our provider and @effect/ai-openai run on the repository's @effect/ai 0.37 (root node_modules);
// @effect/ai-openrouter 0.10.1 on the @effect/ai 0.35 it declares (bench/node_modules, installed with
// its peer checks overridden). Each resolves its own copy, so the worker imports @effect/ai through
// the provider's adapter below rather than by name.
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { measure } from "./measure.mjs"

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

const effect = await import("effect")
const { Layer, Redacted } = effect
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

await measure({ effect, load: providers[job.provider], job })
