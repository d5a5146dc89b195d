/**
 * Where the examples send their requests: OpenRouter when `OPENROUTER_API_KEY` is set, otherwise the
 * embedded emulator, a real HTTP server on 127.0.0.1 started for the life of the program.
 *
 * Every example provides `Backend.layer(...)` next to an `HttpClient` layer; the rest of the program
 * is the same in both cases.
 */
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { type Client, OpenRouterConfig, Testing } from "../../src/index.js"
import * as TestServer from "../../src/TestServer.js"

/** Which backend the program talks to; the emulator's handle lets an example script its answers. */
export type Target =
  | { readonly _tag: "OpenRouter" }
  | { readonly _tag: "Emulator"; readonly server: TestServer.TestServer }

/** The backend in use, provided by {@link layer}. */
export class Backend extends Context.Service<Backend, Target>()("examples/Backend") {}

/** What {@link layer} accepts. */
export interface Options {
  /** What the emulator answers (default `Testing.emulator`); unused with a key. */
  readonly script?: Testing.Script
  /** Configuration defaults (timeout, retry, ...) for both backends. */
  readonly config?: Omit<Client.OpenRouterConfigOptions, "apiKey">
}

/** The key, when one is set and not blank. */
const apiKey = Config.String("OPENROUTER_API_KEY").pipe(
  Config.withDefault(""),
  Config.map((key) => key.trim())
)

/**
 * `OpenRouterConfig` and {@link Backend}: from the environment when `OPENROUTER_API_KEY` is set, else
 * pointed at a freshly started emulator, which is closed when the layer is released. Prints one line
 * saying which is used.
 */
export const layer = (options: Options = {}): Layer.Layer<OpenRouterConfig | Backend, Config.ConfigError> =>
  Layer.unwrap(Effect.gen(function*() {
    if ((yield* apiKey) !== "") {
      return Layer.merge(
        OpenRouterConfig.layerConfig(options.config).pipe(
          Layer.tap((context) =>
            Console.log(
              `Using OpenRouter at ${Context.get(context, OpenRouterConfig).baseUrl} (OPENROUTER_API_KEY is set).`
            )
          )
        ),
        Layer.succeed(Backend, { _tag: "OpenRouter" })
      )
    }
    const server = yield* TestServer.make(options.script ?? Testing.emulator)
    yield* Console.log(`Using the embedded OpenRouter emulator at ${server.url} (OPENROUTER_API_KEY is not set).`)
    return Layer.merge(
      // The emulator accepts any key; a placeholder keeps the request pipeline identical.
      OpenRouterConfig.layer({ ...options.config, apiKey: Redacted.make("sk-or-emulator"), baseUrl: server.url }),
      Layer.succeed(Backend, { _tag: "Emulator", server })
    )
  }))

/** The model to ask: `OPENROUTER_MODEL`, else `fallback` (default `openrouter/auto`). */
export const model = (fallback = "openrouter/auto"): Effect.Effect<string, Config.ConfigError> =>
  Config.String("OPENROUTER_MODEL").pipe(Config.withDefault(fallback))

/** Runs `f` with the emulator when it is the backend; does nothing against OpenRouter. */
export const whenEmulator = <A, E, R>(
  f: (server: TestServer.TestServer) => Effect.Effect<A, E, R>
): Effect.Effect<void, E, R | Backend> =>
  Backend.use((target) => target._tag === "Emulator" ? Effect.asVoid(f(target.server)) : Effect.void)
