import { Config, ConfigProvider, Effect, Exit } from "effect"
const p = ConfigProvider.fromMap(new Map())
const run = (c: Config.Config<unknown>) => Effect.runSyncExit(Effect.withConfigProvider(c, p))
console.log(String(run(Config.redacted("OPENROUTER_API_KEY"))))
console.log(String(run(Config.string("OPENROUTER_API_KEY"))))
