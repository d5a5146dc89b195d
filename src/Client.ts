/**
 * The configuration service, `OpenRouterConfig`: the API key, the base URL, the attribution headers
 * and the defaults (timeouts, retry) that every call reads from the context; its layers, and the
 * `Config` they read from the environment.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert"
 * import { Effect, Redacted } from "effect"
 * import { OpenRouterConfig } from "effect-openrouter"
 *
 * // explicit options
 * const Live = OpenRouterConfig.layer({ apiKey: Redacted.make("sk-or-..."), appTitle: "My app" })
 * // or from the environment (OPENROUTER_API_KEY, ...), with defaults for what it does not set:
 * export const FromEnv = OpenRouterConfig.layerConfig({ timeout: "2 minutes" })
 *
 * Effect.runPromise(Effect.provide(OpenRouterConfig, Live)).then((config) => {
 *   strictEqual(config.completionsUrl, "https://openrouter.ai/api/v1/chat/completions")
 *   strictEqual(config.headers["x-openrouter-title"], "My app")
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Errors from "./Errors.js"
import * as EnvHints from "./internal/transport/envHints.js"
import { isRecord } from "./internal/transport/json.js"
import * as Options from "./internal/transport/options.js"
import * as Response from "./internal/transport/response.js"
import { version } from "./internal/transport/version.js"
import type * as Retry from "./Retry.js"
import type * as Telemetry from "./Telemetry.js"

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
  /**
   * Spans and metrics of every call (see `Telemetry`): on by default, without message content;
   * `false` turns both off.
   *
   * @since 0.2.0
   */
  readonly telemetry?: Telemetry.Options | false | undefined
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
  /**
   * The telemetry options (see `Telemetry`); absent means spans and metrics without content.
   *
   * @since 0.2.0
   */
  readonly telemetry?: Telemetry.Options | false | undefined
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
 * Never throws: an invalid option (a base URL that is not http/https or holds credentials, a header
 * that cannot be sent, an API key that is not visible ASCII, a malformed duration or retry policy) is
 * remembered, and every call made with the configuration fails with an `InvalidRequestError` naming
 * the option, without sending anything.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeConfig = (options: OpenRouterConfigOptions): OpenRouterConfigService => {
  const issues: Array<Errors.RequestIssue> = []
  const read = (key: string) => Options.readField(options, key, key, issues)
  if (!isRecord(options)) {
    issues.push({ path: "(options)", message: "expected the configuration options as an object" })
  }
  const apiKey = read("apiKey") as Redacted.Redacted<string>
  Options.checkApiKey(apiKey, "apiKey", issues)
  const rawBaseUrl = read("baseUrl") ?? defaultBaseUrl
  const baseUrl = typeof rawBaseUrl === "string" ? rawBaseUrl.replace(/\/+$/, "") : ""
  Options.checkBaseUrl(typeof rawBaseUrl === "string" ? baseUrl : rawBaseUrl, "baseUrl", issues)
  const headers: Record<string, string> = {
    "user-agent": `effect-openrouter/${version}`
  }
  const httpReferer = read("httpReferer")
  if (httpReferer !== undefined) Options.checkHeaders({ "http-referer": httpReferer }, issues, headers)
  const appTitle = read("appTitle")
  if (appTitle !== undefined) {
    Options.checkHeaders({ "x-openrouter-title": appTitle, "x-title": appTitle }, issues, headers)
  }
  const appCategories = read("appCategories")
  if (appCategories !== undefined) {
    const joined = joinCategories(appCategories)
    if (joined === undefined) issues.push({ path: "appCategories", message: "expected an array of strings" })
    else if (joined !== "") Options.checkHeaders({ "x-openrouter-categories": joined }, issues, headers)
  }
  Options.checkHeaders(read("headers"), issues, headers)
  const service: OpenRouterConfigService = {
    apiKey,
    baseUrl,
    completionsUrl: `${baseUrl}/chat/completions`,
    headers,
    metadata: Options.checkBoolean(read("metadata"), "metadata", issues) ?? false,
    timeout: Options.checkDuration(read("timeout"), "timeout", issues) ?? defaultTimeout,
    idleTimeout: Options.checkDuration(read("idleTimeout"), "idleTimeout", issues) ?? defaultIdleTimeout,
    retry: Options.checkPolicy(read("retry"), "retry", issues),
    telemetry: Options.checkTelemetry(read("telemetry"), "telemetry", issues)
  }
  Options.configIssues.set(service, issues)
  return service
}

const joinCategories = (u: unknown): string | undefined => {
  try {
    if (!Array.isArray(u) || !u.every((c) => typeof c === "string")) return undefined
    return u.join(",")
  } catch {
    return undefined
  }
}

// The environment variable behind each option that layerConfig reads from it.
const envName: Readonly<Record<string, string>> = {
  apiKey: "OPENROUTER_API_KEY",
  baseUrl: "OPENROUTER_BASE_URL",
  "headers.http-referer": "OPENROUTER_HTTP_REFERER",
  "headers.x-openrouter-title": "OPENROUTER_APP_TITLE",
  "headers.x-title": "OPENROUTER_APP_TITLE",
  "headers.x-openrouter-categories": "OPENROUTER_APP_CATEGORIES"
}

const splitCategories = (value: string): ReadonlyArray<string> =>
  value.split(",").map((s) => s.trim()).filter((s) => s.length > 0)

// Read as a plain string and wrapped at once: `Config.redacted` would turn every message about the
// key, even "is not set", into "<redacted>". No message here or in `Config.string` shows the value.
const apiKeyConfig: Config.Config<Redacted.Redacted<string>> = Config.string("OPENROUTER_API_KEY").pipe(
  Config.option,
  Config.mapOrFail(Option.match({
    onNone: () =>
      Either.left(
        ConfigError.MissingData(["OPENROUTER_API_KEY"], EnvHints.missingKey)
      ),
    onSome: (key) => Either.right(Redacted.make(key))
  }))
)

/**
 * The configuration read from the environment by {@link OpenRouterConfig.layerConfig}:
 * `OPENROUTER_API_KEY` (required, redacted), `OPENROUTER_BASE_URL`, `OPENROUTER_HTTP_REFERER`,
 * `OPENROUTER_APP_TITLE`, `OPENROUTER_APP_CATEGORIES` (comma-separated). A missing key fails with a
 * `ConfigError` (`MissingData`) whose message names `OPENROUTER_API_KEY` and says how to set it.
 *
 * @since 0.1.0
 * @category config
 */
export const fromEnv: Config.Config<OpenRouterConfigOptions> = Config.all({
  apiKey: apiKeyConfig,
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
 * @example
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
   * A layer from explicit options. It cannot fail: invalid options (see {@link makeConfig}) make every
   * call fail with an `InvalidRequestError` naming the option, and nothing is sent.
   *
   * @since 0.1.0
   */
  static readonly layer = (options: OpenRouterConfigOptions): Layer.Layer<OpenRouterConfig> =>
    Layer.succeed(OpenRouterConfig, makeConfig(options))

  /**
   * A layer from `Config` (by default the environment: `OPENROUTER_API_KEY`, `OPENROUTER_BASE_URL`,
   * `OPENROUTER_HTTP_REFERER`, `OPENROUTER_APP_TITLE`, `OPENROUTER_APP_CATEGORIES`). `defaults` supply
   * what the environment does not set (timeouts, retry, headers, ...); a value set in the environment wins.
   * A missing key fails layer construction with a `ConfigError` naming `OPENROUTER_API_KEY` and saying
   * how to set it; an invalid value (a base URL that is not http/https or holds credentials, a key that
   * is not visible ASCII, a header value that cannot be sent, a malformed duration) fails it with a
   * `ConfigError` whose message begins with the variable or option. A `ConfigError`'s `_tag` is
   * `"ConfigError"`, so one handler matches it beside the call's errors once the layer is provided
   * before the handler (see the README's Quick start). No message shows the key.
   *
   * @since 0.1.0
   */
  static readonly layerConfig = (
    defaults: Omit<OpenRouterConfigOptions, "apiKey"> = {}
  ): Layer.Layer<OpenRouterConfig, ConfigError.ConfigError> =>
    Layer.effect(
      OpenRouterConfig,
      Effect.flatMap(fromEnv, (env) => {
        const merged: OpenRouterConfigOptions = { ...defaults, apiKey: env.apiKey }
        const config = makeConfig({
          ...merged,
          baseUrl: env.baseUrl ?? defaults.baseUrl,
          httpReferer: env.httpReferer ?? defaults.httpReferer,
          appTitle: env.appTitle ?? defaults.appTitle,
          appCategories: env.appCategories ?? defaults.appCategories
        })
        const issues = Options.configIssues.get(config) ?? []
        if (issues.length === 0) return Effect.succeed(config)
        const set: Record<string, boolean> = {
          OPENROUTER_API_KEY: true,
          OPENROUTER_BASE_URL: env.baseUrl !== undefined,
          OPENROUTER_HTTP_REFERER: env.httpReferer !== undefined,
          OPENROUTER_APP_TITLE: env.appTitle !== undefined,
          OPENROUTER_APP_CATEGORIES: env.appCategories !== undefined
        }
        const name = (path: string) => {
          const variable = envName[path]
          return variable !== undefined && set[variable] ? variable : path
        }
        const errors = issues.map((issue) => {
          const variable = name(issue.path)
          return ConfigError.InvalidData([variable], EnvHints.invalidVariable(variable, issue.message))
        })
        return Effect.fail(errors.reduce((a, b) => ConfigError.And(a, b)))
      })
    )
}

/**
 * Reads the delay a response asks for: `retry-after-ms` (milliseconds), then `Retry-After`
 * (seconds, or an HTTP date relative to `now`), then the time until `X-RateLimit-Reset` (epoch
 * milliseconds; a reset that has passed gives `undefined`).
 *
 * Headers it cannot read (not an object, a getter that throws) give `undefined`.
 *
 * @deprecated The pipeline reads it for you (every status error carries `retryAfter`); it stays
 * exported only so that code written against 0.1 keeps compiling.
 * @since 0.1.0
 * @category utils
 */
export const parseRetryAfter: (
  headers: Readonly<Record<string, string | undefined>>,
  now: number
) => Duration.Duration | undefined = (headers, now) => {
  try {
    return Response.parseRetryAfter(headers, now)
  } catch {
    // No error channel to report them in: unreadable headers ask for no delay.
    return undefined
  }
}
