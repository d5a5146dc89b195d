import { ConfigProvider, Effect, Layer } from "effect"
import { OpenRouterConfig } from "../src/index.js"
const run = (m: Array<[string,string]>) => Effect.runSyncExit(Effect.provide(OpenRouterConfig, OpenRouterConfig.layerConfig()).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map(m)))))
const show = (e: any) => e._tag === "Failure" ? (e.cause.error._tag + " | " + String(e.cause.error) + " | msg=" + e.cause.error.message) : "ok"
console.log(show(run([])))
console.log(show(run([["OPENROUTER_API_KEY",""]])))
console.log(show(run([["OPENROUTER_API_KEY","k"],["OPENROUTER_BASE_URL","localhost:8787"]])))
console.log(show(run([["OPENROUTER_API_KEY","k a"],["OPENROUTER_BASE_URL","ftp://x"]])))
