/**
 * Where the examples send their requests: OpenRouter (or `OPENROUTER_BASE_URL`) when
 * `OPENROUTER_API_KEY` is set; `OPENROUTER_BASE_URL` with a placeholder key when only it is set (an
 * emulator started with `npx effect-openrouter-emulator`); otherwise the embedded emulator, a real
 * HTTP server on 127.0.0.1 started for the life of the program.
 *
 * Every example provides `Backend.layer(...)` next to an `HttpClient` layer; the rest of the program
 * is the same in both cases.
 */
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { type Client, OpenRouterConfig, Testing } from "../../src/index.js"
import * as TestServer from "../../src/TestServer.js"

/**
 * Which backend the program talks to: the configured URL (OpenRouter, or `OPENROUTER_BASE_URL`), or the
 * embedded emulator, whose handle lets an example script its answers.
 */
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

/** A variable's value, or `""` when it is unset or blank. */
const variable = (name: string) =>
  Config.String(name).pipe(
    Config.withDefault(""),
    Config.map((value) => value.trim())
  )

/** The key the examples send to a base URL given without one: emulators accept any key. */
const placeholderKey = "sk-or-emulator"

/** `OpenRouterConfig.layerConfig`, announcing where it sends requests. */
const fromEnvironment = (options: Options, why: string) =>
  OpenRouterConfig.layerConfig(options.config).pipe(
    Layer.tap((context) => Console.log(`Using ${Context.get(context, OpenRouterConfig).baseUrl} (${why}).`))
  )

/**
 * `OpenRouterConfig` and {@link Backend}: from the environment when `OPENROUTER_API_KEY` is set, else
 * pointed at a freshly started emulator, which is closed when the layer is released. Prints one line
 * saying which is used.
 */
export const layer = (options: Options = {}): Layer.Layer<OpenRouterConfig | Backend, Config.ConfigError> =>
  Layer.unwrap(Effect.gen(function*() {
    if ((yield* variable("OPENROUTER_API_KEY")) !== "") {
      return Layer.merge(
        fromEnvironment(options, "OPENROUTER_API_KEY is set"),
        Layer.succeed(Backend, { _tag: "OpenRouter" })
      )
    }
    if ((yield* variable("OPENROUTER_BASE_URL")) !== "") {
      // The layer reads the environment as with a key (so a bad URL is a ConfigError naming the
      // variable), with a placeholder for the missing key as the fallback the environment lacks.
      return Layer.merge(
        fromEnvironment(options, "OPENROUTER_BASE_URL is set, OPENROUTER_API_KEY is not: a placeholder key is sent")
          .pipe(
            Layer.provide(ConfigProvider.layerAdd(ConfigProvider.fromUnknown({ OPENROUTER_API_KEY: placeholderKey })))
          ),
        Layer.succeed(Backend, { _tag: "OpenRouter" })
      )
    }
    const server = yield* TestServer.make(options.script ?? Testing.emulator)
    yield* Console.log(
      `Using the embedded OpenRouter emulator at ${server.url} (neither OPENROUTER_API_KEY nor OPENROUTER_BASE_URL is set).`
    )
    return Layer.merge(
      // The emulator accepts any key; a placeholder keeps the request pipeline identical.
      OpenRouterConfig.layer({ ...options.config, apiKey: Redacted.make(placeholderKey), baseUrl: server.url }),
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
