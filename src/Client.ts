/**
 * The configuration service, `OpenRouterConfig`, and the request pipeline that `Chat` builds on: the
 * headers every call sends, request validation, and turning a response into a value or a typed error.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as Errors from "./Errors.js"
import { isRecord, parseJson } from "./internal/json.js"
import { version } from "./internal/version.js"
import type * as Retry from "./Retry.js"
import * as S from "./Schema.js"

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

const lowerCaseKeys = (headers: Readonly<Record<string, string>> | undefined): Record<string, string> => {
  const out: Record<string, string> = {}
  if (headers) { for (const name in headers) out[name.toLowerCase()] = headers[name]! }
  return out
}

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
  ): Layer.Layer<OpenRouterConfig, import("effect/ConfigError").ConfigError> =>
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

// ---------------------------------------------------------------------------
// The request pipeline
// ---------------------------------------------------------------------------

const invalid = (issues: ReadonlyArray<Errors.RequestIssue>): Errors.InvalidRequestError =>
  new Errors.InvalidRequestError({
    message: `Invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    issues
  })

// RFC 7230 token characters for a header name.
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
// Line breaks and NUL would split or corrupt the header block (request smuggling).
const badHeaderValue = /[\r\n\0]/

const pathToString = (path: ReadonlyArray<PropertyKey>): string => path.map(String).join(".")

/**
 * Turns a schema failure into the issues of an {@link Errors.InvalidRequestError}, one per bad field.
 *
 * @internal
 * @since 0.1.0
 * @category pipeline
 */
export const requestIssues = (error: ParseResult.ParseError): ReadonlyArray<Errors.RequestIssue> =>
  ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => ({
    path: issue.path.length === 0 ? "(request)" : pathToString(issue.path),
    message: issue.message
  }))

/**
 * Validates a request body against `Schema.ChatRequest` (unknown fields are kept as they are) and
 * builds the HTTP request with every header: `Authorization`, attribution, metadata opt-in,
 * `User-Agent`, content negotiation, configured and per-call headers (per-call win). Fails with
 * {@link Errors.InvalidRequestError} and sends nothing when the body or a header is invalid.
 *
 * @internal
 * @since 0.1.0
 * @category pipeline
 */
export const prepare = (
  config: OpenRouterConfigService,
  body: unknown,
  options: CallOptions | undefined,
  accept: "application/json" | "text/event-stream"
): Either.Either<HttpClientRequest.HttpClientRequest, Errors.InvalidRequestError> => {
  const validated = S.validateRequest(body)
  if (Either.isLeft(validated)) return Either.left(invalid(requestIssues(validated.left)))
  const base = baseRequest(config, accept, options?.metadata ?? config.metadata)
  const extra = options?.headers === undefined ? undefined : lowerCaseKeys(options.headers)
  const issues = extra === undefined ? base.issues : [...base.issues, ...headerIssues(extra)]
  if (issues.length > 0) return Either.left(invalid(issues))
  const request = extra === undefined ? base.request : HttpClientRequest.setHeaders(base.request, extra)
  return Either.right(HttpClientRequest.bodyText(request, JSON.stringify(validated.right), "application/json"))
}

const headerIssues = (headers: Readonly<Record<string, string>>): Array<Errors.RequestIssue> => {
  const issues: Array<Errors.RequestIssue> = []
  for (const name in headers) {
    if (!headerName.test(name)) issues.push({ path: `headers.${name}`, message: "not a valid header name" })
    else if (badHeaderValue.test(headers[name]!)) {
      issues.push({ path: `headers.${name}`, message: "header values must not contain CR, LF or NUL" })
    }
  }
  return issues
}

interface BaseRequest {
  readonly request: HttpClientRequest.HttpClientRequest
  readonly issues: ReadonlyArray<Errors.RequestIssue>
}

// The request every call of a configuration starts from (URL and headers), built and checked once
// per configuration and accept type: calls are a hot path.
const baseRequests = new WeakMap<OpenRouterConfigService, Record<string, BaseRequest>>()

const baseRequest = (config: OpenRouterConfigService, accept: string, metadata: boolean): BaseRequest => {
  let byKind = baseRequests.get(config)
  if (byKind === undefined) {
    byKind = {}
    baseRequests.set(config, byKind)
  }
  const kind = `${accept}|${metadata}`
  let base = byKind[kind]
  if (base === undefined) {
    const headers: Record<string, string> = { ...config.headers, "content-type": "application/json", accept }
    if (metadata) headers["x-openrouter-metadata"] = "enabled"
    const issues = headerIssues(headers)
    const apiKey = Redacted.value(config.apiKey)
    if (apiKey.length === 0 || badHeaderValue.test(apiKey)) {
      // Never echo the key itself.
      issues.push({ path: "apiKey", message: "the API key is empty or contains a line break" })
    }
    headers["authorization"] = `Bearer ${apiKey}`
    base = { request: HttpClientRequest.post(config.completionsUrl, { headers }), issues }
    byKind[kind] = base
  }
  return base
}

/**
 * Maps a transport failure of `@effect/platform`'s `HttpClient` to a {@link Errors.ConnectionError}
 * (without the request object, whose headers hold the key).
 *
 * @internal
 * @since 0.1.0
 * @category pipeline
 */
export const connectionError = (
  error: HttpClientError.HttpClientError,
  reason: "RequestFailed" | "ResponseFailed" = error._tag === "RequestError" ? "RequestFailed" : "ResponseFailed"
): Errors.ConnectionError => {
  const cause = error.cause
  const detail = cause instanceof Error ? cause.message : cause === undefined ? error.reason : String(cause)
  return new Errors.ConnectionError({
    reason,
    message: `${
      reason === "RequestFailed" ? "Request failed" : "Reading the response failed"
    }: ${detail} (${error.request.method} ${error.request.url})`,
    cause
  })
}

/** The most of a non-JSON error body an error keeps. */
const RAW_BODY_LIMIT = 16 * 1024

/**
 * Reads the delay a response asks for: `retry-after-ms` (milliseconds), then `Retry-After`
 * (seconds, or an HTTP date relative to `now`).
 *
 * @since 0.1.0
 * @category pipeline
 */
export const parseRetryAfter = (
  headers: Readonly<Record<string, string | undefined>>,
  now: number
): Duration.Duration | undefined => {
  const ms = headers["retry-after-ms"]
  if (ms !== undefined && ms.trim() !== "") {
    const n = Number(ms)
    if (Number.isFinite(n) && n >= 0) return Duration.millis(n)
  }
  const value = headers["retry-after"]?.trim()
  if (value === undefined || value === "") return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Duration.seconds(Number(value))
  const date = Date.parse(value)
  if (Number.isNaN(date)) return undefined
  return Duration.millis(Math.max(0, date - now))
}

const statusText: Readonly<Record<number, string>> = {
  400: "Bad request",
  401: "Unauthorized",
  402: "Payment required",
  403: "Forbidden",
  404: "Not found",
  408: "Request timeout",
  413: "Payload too large",
  422: "Unprocessable entity",
  429: "Too many requests",
  500: "Internal server error",
  502: "Bad gateway",
  503: "Service unavailable",
  524: "Edge network timeout",
  529: "Provider overloaded"
}

/**
 * Builds the typed error for an error response from its status, headers and body text. The body may
 * be OpenRouter's JSON error, an HTML page from a proxy, or empty: the class always follows the status.
 *
 * @internal
 * @since 0.1.0
 * @category pipeline
 */
export const statusError = (
  status: number,
  headers: Readonly<Record<string, string>>,
  text: string
): Effect.Effect<Errors.StatusError> =>
  Effect.map(Clock.currentTimeMillis, (now) => {
    const json = parseJson(text)
    const parsed = isRecord(json) && isRecord(json.error)
      ? Either.getOrUndefined(S.decodeErrorResponse(json))
      : undefined
    const error = parsed?.error
    const code = error?.code ?? undefined
    // A 200 carrying an error object takes its class from `error.code`.
    const effective = status >= 200 && status < 300 && typeof code === "number" && code >= 400 ? code : status
    const trimmed = text.trim()
    const message = error?.message ??
      `${statusText[effective] ?? `HTTP ${effective}`}${
        trimmed === "" ? " (empty body)" : json === undefined ? `: ${Errors.excerpt(trimmed, 200)}` : ""
      }`
    const fields: Errors.StatusErrorFields = {
      message,
      code,
      errorType: error?.error_type ?? stringField(error?.metadata, "error_type"),
      metadata: error?.metadata ?? undefined,
      availability: error?.availability ?? undefined,
      headers,
      generationId: headers["x-generation-id"],
      retryAfter: parseRetryAfter(headers, now),
      body: json === undefined ? Errors.excerpt(text, RAW_BODY_LIMIT) : json
    }
    return Errors.fromStatus(effective, fields)
  })

const stringField = (record: unknown, key: string): string | undefined => {
  if (!isRecord(record)) return undefined
  const value = record[key]
  return typeof value === "string" ? value : undefined
}

/**
 * Reads a complete response: a 2xx JSON chat completion is decoded with `Schema.ChatResponse`;
 * an error status, or a 200 whose body is an error object, becomes its typed status error; a body that
 * is not JSON or not a chat completion becomes a {@link Errors.ResponseDecodeError} with an excerpt.
 *
 * @internal
 * @since 0.1.0
 * @category pipeline
 */
export const readCompletion = (
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<S.ChatResponse, Errors.SendError> =>
  Effect.flatMap(
    Effect.mapError(response.text, (e) => connectionError(e, "ResponseFailed")),
    (text): Effect.Effect<S.ChatResponse, Errors.SendError> => {
      const status = response.status
      if (status < 200 || status >= 300) return Effect.flip(statusError(status, response.headers, text))
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch (e) {
        return Effect.fail(decodeError(status, response.headers, text, `not JSON: ${(e as Error).message}`))
      }
      if (isRecord(json) && json.error !== undefined && json.choices === undefined) {
        return Effect.flip(statusError(status, response.headers, text))
      }
      const decoded = S.decodeChatResponse(json)
      return Either.isRight(decoded)
        ? Effect.succeed(decoded.right)
        : Effect.fail(decodeError(status, response.headers, text, decoded.left.message))
    }
  )

/**
 * Builds a {@link Errors.ResponseDecodeError} holding a bounded excerpt of the raw text.
 *
 * @internal
 * @since 0.1.0
 * @category pipeline
 */
export const decodeError = (
  status: number,
  headers: Readonly<Record<string, string>>,
  text: string,
  issue: string
): Errors.ResponseDecodeError =>
  new Errors.ResponseDecodeError({
    message: text.trim() === "" ?
      `The response body is empty (status ${status})` :
      `The response is not a chat completion (status ${status}): ${issue.split("\n")[0]}`,
    status,
    excerpt: Errors.excerpt(text),
    issue,
    generationId: headers["x-generation-id"]
  })

/**
 * Builds the {@link Errors.TimeoutError} for a limit that was hit.
 *
 * @internal
 * @since 0.1.0
 * @category pipeline
 */
export const timeoutError = (
  limit: "request" | "idle",
  duration: Duration.Duration,
  what: string
): Errors.TimeoutError =>
  new Errors.TimeoutError({ limit, duration, message: `${what} took longer than ${Duration.format(duration)}` })

// The class of the live clock: with it, a plain timer can bound a call (see `executeWithin`).
const LiveClock = (Clock.make() as object).constructor

/**
 * Sends a request and reads its response with `use`, all within `timeout`; on expiry the request is
 * aborted and the call fails with a `TimeoutError` (`limit: "request"`).
 *
 * On the live clock this takes one timer and the request's own abort signal (through
 * `HttpClient.withScope`) rather than `Effect.timeoutFail`, whose race of two forked fibers costs about
 * 50 us a call, a tenth of a loopback round trip. Under any other clock (`TestClock`) it is
 * `Effect.timeoutFail`, so tests drive it with `TestClock.adjust`.
 *
 * @internal
 * @since 0.1.0
 * @category pipeline
 */
export const executeWithin = <A, E>(
  client: HttpClient.HttpClient,
  request: HttpClientRequest.HttpClientRequest,
  timeout: Duration.Duration,
  what: string,
  use: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, E>
): Effect.Effect<A, E | Errors.ConnectionError | Errors.TimeoutError> =>
  Effect.clockWith((clock) => {
    const onTimeout = () => timeoutError("request", timeout, what)
    if (!(clock instanceof LiveClock)) {
      return client.execute(request).pipe(
        Effect.mapError((e) => connectionError(e)),
        Effect.flatMap(use),
        Effect.timeoutFail({ duration: timeout, onTimeout })
      )
    }
    return Effect.flatMap(Scope.make(), (scope) => {
      let timedOut = false
      const timer = setTimeout(() => {
        timedOut = true
        Effect.runFork(Scope.close(scope, Exit.void))
      }, Duration.toMillis(timeout))
      return HttpClient.withScope(client).execute(request).pipe(
        Effect.mapError((e) => connectionError(e)),
        Effect.flatMap(use),
        Effect.provideService(Scope.Scope, scope),
        Effect.catchAll((e) => Effect.fail(timedOut ? onTimeout() : e)),
        Effect.onExit((exit) => {
          clearTimeout(timer)
          // On success the body is read: nothing to abort (an abort costs a DOMException), and the
          // scope is left to the garbage collector. On failure or interruption, abort the request.
          return Exit.isSuccess(exit) ? Effect.void : Scope.close(scope, exit)
        })
      )
    })
  })
