/**
 * The configuration service, `OpenRouterConfig`: the API key, the base URL, the attribution headers
 * and the defaults (timeouts, retry) that every call reads from the context; its layers, and the
 * `Config` they read from the environment.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import { lowerCaseKeys } from "./internal/headers.js"
import * as Response from "./internal/response.js"
import { version } from "./internal/version.js"
import type * as Retry from "./Retry.js"

/**
 * The options of {@link OpenRouterConfig.layer}.
 *
 * @since 0.1.0
 * @category models
 */
export interface OpenRouterConfigOptions {
  /** The OpenRouter API key, sent as `Authorization: Bearer <key>`; never printed. */
  readonly apiKey: Redacted.Redacted<string>
  /** Default `https://openrouter.ai/api/v1`. */
  readonly baseUrl?: string | undefined
  /** Your site's URL, sent as `HTTP-Referer` (OpenRouter's app attribution). */
  readonly httpReferer?: string | undefined
  /** Your app's name, sent as `X-OpenRouter-Title` and the legacy `X-Title`. */
  readonly appTitle?: string | undefined
  /** Your app's categories, sent comma-separated as `X-OpenRouter-Categories` (e.g. `cli-agent`). */
  readonly appCategories?: ReadonlyArray<string> | undefined
  /** Sends `X-OpenRouter-Metadata: enabled`, so responses carry `openrouter_metadata`. Default false. */
  readonly metadata?: boolean | undefined
  /** Extra headers sent with every request (per-call headers win over these). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /**
   * Bounds a non-streaming call from sending the request to having the decoded body, and for a stream
   * the wait for the response headers. Each attempt gets the full timeout. Default 10 minutes.
   */
  readonly timeout?: Duration.DurationInput | undefined
  /** Bounds the gap between two data events of a stream (keep-alive comments do not count). Default 5 minutes. */
  readonly idleTimeout?: Duration.DurationInput | undefined
  /** The default retry policy, or `false` for none. Default {@link Retry.defaultPolicy}. */
  readonly retry?: Retry.Policy | false | undefined
}

/**
 * Per-call options of `Chat.send` and `Chat.stream`; each overrides the configured default for one call.
 *
 * @since 0.1.0
 * @category models
 */
export interface CallOptions {
  /** Extra headers for this call; they win over every other header of the same name. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Opt in (or out) of `openrouter_metadata` for this call. */
  readonly metadata?: boolean | undefined
  /** The request timeout for this call (see {@link OpenRouterConfigOptions.timeout}). */
  readonly timeout?: Duration.DurationInput | undefined
  /** The idle timeout between stream events for this call (streams only). */
  readonly idleTimeout?: Duration.DurationInput | undefined
  /** The retry policy for this call, or `false` for no retry. */
  readonly retry?: Retry.Policy | false | undefined
  /**
   * The configuration of this call, used instead of the `OpenRouterConfig` service (which the call
   * then does not require): how a multi-tenant server gives each call its own API key and settings.
   * Make it once per tenant with {@link makeConfig} and reuse it: the request headers are built once
   * per configuration value. Costs nothing per chunk, unlike `Stream.provideService`, which runs every
   * pull of the stream under a context update.
   *
   * @since 0.2.0
   */
  readonly config?: OpenRouterConfigService | undefined
}

/**
 * The resolved configuration that `Chat` reads from the context.
 *
 * @since 0.1.0
 * @category models
 */
export interface OpenRouterConfigService {
  /** The API key; `Redacted`, so printing the service never shows it. */
  readonly apiKey: Redacted.Redacted<string>
  /** The base URL, without a trailing slash. */
  readonly baseUrl: string
  /** The full URL of the chat completions endpoint. */
  readonly completionsUrl: string
  /** The headers sent with every request except `Authorization` (lower-case names). */
  readonly headers: Readonly<Record<string, string>>
  /** Whether `X-OpenRouter-Metadata: enabled` is sent by default. */
  readonly metadata: boolean
  /** The default request timeout. */
  readonly timeout: Duration.Duration
  /** The default idle timeout between stream events. */
  readonly idleTimeout: Duration.Duration
  /** The default retry policy, or `false`. */
  readonly retry: Retry.Policy | false | undefined
}

/**
 * The default base URL.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultBaseUrl = "https://openrouter.ai/api/v1"

/**
 * The default request timeout: 10 minutes, since long generations without streaming take minutes.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTimeout: Duration.Duration = Duration.minutes(10)

/**
 * The default idle timeout between stream events: 5 minutes.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultIdleTimeout: Duration.Duration = Duration.minutes(5)

/**
 * Resolves {@link OpenRouterConfigOptions} into the service value.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeConfig = (options: OpenRouterConfigOptions): OpenRouterConfigService => {
  const baseUrl = (options.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "")
  const headers: Record<string, string> = {
    "user-agent": `effect-openrouter/${version}`
  }
  if (options.httpReferer !== undefined) headers["http-referer"] = options.httpReferer
  if (options.appTitle !== undefined) {
    headers["x-openrouter-title"] = options.appTitle
    headers["x-title"] = options.appTitle
  }
  if (options.appCategories !== undefined && options.appCategories.length > 0) {
    headers["x-openrouter-categories"] = options.appCategories.join(",")
  }
  Object.assign(headers, lowerCaseKeys(options.headers))
  return {
    apiKey: options.apiKey,
    baseUrl,
    completionsUrl: `${baseUrl}/chat/completions`,
    headers,
    metadata: options.metadata ?? false,
    timeout: options.timeout === undefined ? defaultTimeout : Duration.decode(options.timeout),
    idleTimeout: options.idleTimeout === undefined ? defaultIdleTimeout : Duration.decode(options.idleTimeout),
    retry: options.retry
  }
}

const splitCategories = (value: string): ReadonlyArray<string> =>
  value.split(",").map((s) => s.trim()).filter((s) => s.length > 0)

/**
 * The configuration read from the environment by {@link OpenRouterConfig.layerConfig}:
 * `OPENROUTER_API_KEY` (required, redacted), `OPENROUTER_BASE_URL`, `OPENROUTER_HTTP_REFERER`,
 * `OPENROUTER_APP_TITLE`, `OPENROUTER_APP_CATEGORIES` (comma-separated).
 *
 * @since 0.1.0
 * @category config
 */
export const fromEnv: Config.Config<OpenRouterConfigOptions> = Config.all({
  apiKey: Config.redacted("OPENROUTER_API_KEY"),
  baseUrl: Config.string("OPENROUTER_BASE_URL").pipe(Config.option),
  httpReferer: Config.string("OPENROUTER_HTTP_REFERER").pipe(Config.option),
  appTitle: Config.string("OPENROUTER_APP_TITLE").pipe(Config.option),
  appCategories: Config.string("OPENROUTER_APP_CATEGORIES").pipe(Config.map(splitCategories), Config.option)
}).pipe(
  Config.map(({ apiKey, appCategories, appTitle, baseUrl, httpReferer }) => ({
    apiKey,
    baseUrl: Option.getOrUndefined(baseUrl),
    httpReferer: Option.getOrUndefined(httpReferer),
    appTitle: Option.getOrUndefined(appTitle),
    appCategories: Option.getOrUndefined(appCategories)
  }))
)

/**
 * The configuration service: API key, base URL, attribution headers and the defaults (timeouts, retry)
 * that every `Chat` call reads from the context.
 *
 * ```ts
 * import { Redacted } from "effect"
 * import { OpenRouterConfig } from "effect-openrouter"
 *
 * const Live = OpenRouterConfig.layer({ apiKey: Redacted.make("sk-or-..."), appTitle: "My app" })
 * // or from the environment (OPENROUTER_API_KEY, ...):
 * const FromEnv = OpenRouterConfig.layerConfig()
 * ```
 *
 * @since 0.1.0
 * @category services
 */
export class OpenRouterConfig extends Context.Tag("effect-openrouter/OpenRouterConfig")<
  OpenRouterConfig,
  OpenRouterConfigService
>() {
  /**
   * A layer from explicit options.
   *
   * @since 0.1.0
   */
  static readonly layer = (options: OpenRouterConfigOptions): Layer.Layer<OpenRouterConfig> =>
    Layer.succeed(OpenRouterConfig, makeConfig(options))

  /**
   * A layer from `Config` (by default the environment: `OPENROUTER_API_KEY`, `OPENROUTER_BASE_URL`,
   * `OPENROUTER_HTTP_REFERER`, `OPENROUTER_APP_TITLE`, `OPENROUTER_APP_CATEGORIES`). `defaults` supply
   * what the environment does not set (timeouts, retry, headers, ...); a value set in the environment wins.
   * A missing key fails layer construction with a `ConfigError` naming `OPENROUTER_API_KEY`.
   *
   * @since 0.1.0
   */
  static readonly layerConfig = (
    defaults: Omit<OpenRouterConfigOptions, "apiKey"> = {}
  ): Layer.Layer<OpenRouterConfig, ConfigError.ConfigError> =>
    Layer.effect(
      OpenRouterConfig,
      Effect.map(fromEnv, (env) => {
        const merged: OpenRouterConfigOptions = { ...defaults, apiKey: env.apiKey }
        return makeConfig({
          ...merged,
          baseUrl: env.baseUrl ?? defaults.baseUrl,
          httpReferer: env.httpReferer ?? defaults.httpReferer,
          appTitle: env.appTitle ?? defaults.appTitle,
          appCategories: env.appCategories ?? defaults.appCategories
        })
      })
    )
}

/**
 * Reads the delay a response asks for: `retry-after-ms` (milliseconds), then `Retry-After`
 * (seconds, or an HTTP date relative to `now`).
 *
 * @deprecated The pipeline reads it for you (every status error carries `retryAfter`); it stays
 * exported only so that code written against 0.1 keeps compiling.
 * @since 0.1.0
 * @category utils
 */
export const parseRetryAfter: (
  headers: Readonly<Record<string, string | undefined>>,
  now: number
) => Duration.Duration | undefined = Response.parseRetryAfter
