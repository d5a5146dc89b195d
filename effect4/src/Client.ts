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
 * Effect.runPromise(Effect.provide(Effect.service(OpenRouterConfig), Live)).then((config) => {
 *   strictEqual(config.completionsUrl, "https://openrouter.ai/api/v1/chat/completions")
 *   strictEqual(config.headers["x-openrouter-title"], "My app")
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import * as EnvHints from "../../src/internal/transport/envHints.js"
import { headerProblem, isValidApiKey } from "../../src/internal/transport/headers.js"
import { isRecord } from "../../src/internal/transport/json.js"
import type * as Errors from "./Errors.js"
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
  readonly timeout?: Duration.Input | undefined
  /** Bounds the gap between two data events of a stream (keep-alive comments do not count). Default 5 minutes. */
  readonly idleTimeout?: Duration.Input | undefined
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
  readonly timeout?: Duration.Input | undefined
  /** The idle timeout between stream events for this call (streams only). */
  readonly idleTimeout?: Duration.Input | undefined
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

const splitCategories = (value: string): ReadonlyArray<string> =>
  value.split(",").map((s) => s.trim()).filter((s) => s.length > 0)

// One `Config` per variable, each checked by the same rule `makeConfig` applies to the option: a bad
// value fails with a `ConfigError` whose path is the variable and whose message begins with it. The
// filters' messages never repeat a value (a base URL may hold a password, a key is a secret).
const checkedString = (name: string, check: (value: string) => string | undefined) =>
  Config.schema(
    Schema.String.check(Schema.makeFilter((value: string) => {
      const problem = check(value)
      return problem === undefined || EnvHints.invalidVariable(name, problem)
    })),
    name
  ).pipe(Config.withDefault(undefined))

const firstIssue = (check: (issues: Array<Errors.RequestIssue>) => void): string | undefined => {
  const issues: Array<Errors.RequestIssue> = []
  check(issues)
  return issues[0]?.message
}

// Read as a plain string and wrapped at once (as in Effect 3): a missing key fails with a message that
// names the variable and says how to set it, not Effect's "Expected string".
const apiKeyConfig: Config.Config<Redacted.Redacted<string>> = checkedString("OPENROUTER_API_KEY", (value) => {
  if (value.length === 0) return "the API key is empty"
  return isValidApiKey(value)
    ? undefined
    : "the API key may only contain visible ASCII characters (no spaces, line breaks or other characters)"
}).pipe(Config.flatMap((key) =>
  key === undefined
    ? Config.fail(
      new Schema.SchemaError(
        new SchemaIssue.Pointer(
          ["OPENROUTER_API_KEY"],
          new SchemaIssue.MissingKey({ messageMissingKey: EnvHints.missingKey })
        )
      )
    )
    : Config.succeed(Redacted.make(key))
))

/**
 * The configuration read from the environment by {@link OpenRouterConfig.layerConfig}:
 * `OPENROUTER_API_KEY` (required, redacted), `OPENROUTER_BASE_URL`, `OPENROUTER_HTTP_REFERER`,
 * `OPENROUTER_APP_TITLE`, `OPENROUTER_APP_CATEGORIES` (comma-separated). Each variable is checked as
 * its option is: an invalid value fails with a `ConfigError` whose message begins with the variable and
 * gives a hint; a missing (or empty) key with one whose message names `OPENROUTER_API_KEY` and says how
 * to set it. No message shows the key.
 *
 * @since 0.1.0
 * @category config
 */
export const fromEnv: Config.Config<OpenRouterConfigOptions> = Config.all({
  apiKey: apiKeyConfig,
  baseUrl: checkedString(
    "OPENROUTER_BASE_URL",
    (value) => firstIssue((issues) => Options.checkBaseUrl(value.replace(/\/+$/, ""), "baseUrl", issues))
  ),
  httpReferer: checkedString("OPENROUTER_HTTP_REFERER", (value) => headerProblem("http-referer", value)),
  appTitle: checkedString("OPENROUTER_APP_TITLE", (value) => headerProblem("x-openrouter-title", value)),
  appCategories: checkedString(
    "OPENROUTER_APP_CATEGORIES",
    (value) => headerProblem("x-openrouter-categories", splitCategories(value).join(","))
  ).pipe(Config.map((value) => value === undefined ? undefined : splitCategories(value)))
})

// The problems of options given in code (the defaults of layerConfig), as a `ConfigError` naming each.
const configError = (issues: ReadonlyArray<Errors.RequestIssue>): Config.ConfigError => {
  const nodes = issues.map((issue) =>
    new SchemaIssue.Pointer(issue.path.split("."), new SchemaIssue.InvalidValue({ message: issue.message }))
  )
  const issue = nodes.length === 1 ?
    nodes[0]! :
    new SchemaIssue.Composite(Schema.Unknown.ast, nodes as [SchemaIssue.Issue, ...Array<SchemaIssue.Issue>])
  return new Config.ConfigError(new Schema.SchemaError(issue))
}

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
export class OpenRouterConfig extends Context.Service<OpenRouterConfig, OpenRouterConfigService>()(
  "effect-openrouter/OpenRouterConfig"
) {
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
   * `ConfigError` naming the variable or option (a variable's text begins with its name and gives a
   * hint). A `ConfigError`'s `_tag` is `"ConfigError"`, so one handler matches it beside the call's
   * errors once the layer is provided before the handler. No message shows the key.
   *
   * @since 0.1.0
   */
  static readonly layerConfig = (
    defaults: Omit<OpenRouterConfigOptions, "apiKey"> = {}
  ): Layer.Layer<OpenRouterConfig, Config.ConfigError> =>
    Layer.effect(
      OpenRouterConfig,
      Effect.flatMap(fromEnv, (env) => {
        // The environment's values were checked by `fromEnv`; what is left to check is the defaults.
        const config = makeConfig({
          ...defaults,
          apiKey: env.apiKey,
          baseUrl: env.baseUrl ?? defaults.baseUrl,
          httpReferer: env.httpReferer ?? defaults.httpReferer,
          appTitle: env.appTitle ?? defaults.appTitle,
          appCategories: env.appCategories ?? defaults.appCategories
        })
        const issues = Options.configIssues.get(config) ?? []
        return issues.length === 0 ? Effect.succeed(config) : Effect.fail(configError(issues))
      })
    )
}

/**
 * Reads the delay a response asks for: `retry-after-ms` (milliseconds), then `Retry-After`
 * (seconds, or an HTTP date relative to `now`), then `X-RateLimit-Reset`.
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
