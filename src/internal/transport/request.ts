/**
 * The request side of a call: validating the body and the headers, and building the HTTP request
 * with every header from the configuration (built once per configuration, since calls are a hot path).
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import type { CallOptions, OpenRouterConfigService } from "../../Client.js"
import { OpenRouterConfig } from "../../Client.js"
import * as Errors from "../../Errors.js"
import * as Retry from "../../Retry.js"
import * as S from "../../Schema.js"
import { pathIssues } from "../chat/issues.js"
import * as Bounded from "./bounded.js"
import { isRecord } from "./json.js"
import * as Options from "./options.js"
import { snapshot, Unrepresentable } from "./snapshot.js"

/** What telemetry may read of a body read by {@link readBody}: the JSON value, or nothing. */
export const traceable = (snap: unknown): unknown => (snap instanceof Unrepresentable ? undefined : snap)

/** An {@link Errors.InvalidRequestError} naming every issue. */
export const invalid = (issues: ReadonlyArray<Errors.RequestIssue>): Errors.InvalidRequestError =>
  new Errors.InvalidRequestError({
    message: `Invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    issues
  })

const pathToString = (path: ReadonlyArray<PropertyKey>): string => path.map(String).join(".")

/** Turns a schema failure into the issues of an {@link Errors.InvalidRequestError}, one per bad field. */
export const requestIssues = (error: ParseResult.ParseError): ReadonlyArray<Errors.RequestIssue> =>
  pathIssues(error.issue).map((issue) => ({
    path: issue.path.length === 0 ? "(request)" : Bounded.excerpt(pathToString(issue.path), 512),
    // A message may show the offending value: bounded, so an error never holds a large request part.
    message: Bounded.boundedLines(issue.message, 512, 2048)
  }))

/** A call ready to send: the HTTP request and the limits and policy of the call. */
export interface Prepared {
  readonly request: HttpClientRequest.HttpClientRequest
  readonly timeout: Duration.Duration
  readonly idleTimeout: Duration.Duration
  readonly retry: Retry.Policy | false
}

const streamInSend: Errors.RequestIssue = { path: "stream", message: "Chat.send does not stream; use Chat.stream" }

/**
 * Reads a request body once into a plain JSON value (`./snapshot.ts`): what {@link prepare} validates
 * and sends, and what telemetry reads (never the caller's object, which may throw when read).
 */
export const readBody = (body: unknown): unknown => snapshot(body)

/**
 * Takes the request body as read once by {@link readBody} (a plain JSON value), validates that value against
 * `Schema.ChatRequest` (unknown fields are kept as they are), reads the per-call options once, and
 * builds the HTTP request with every header: `Authorization`, attribution, metadata opt-in,
 * `User-Agent`, content negotiation, configured and per-call headers (per-call win). The body sent is
 * the serialisation of the validated snapshot, so what was checked is what is sent. Fails with
 * {@link Errors.InvalidRequestError}, naming every problem of the body, the options and the
 * configuration, and sends nothing when any is invalid. Never throws.
 */
export const prepare = (
  config: OpenRouterConfigService,
  snap: unknown,
  options: CallOptions | undefined,
  mode: "send" | "stream"
): Either.Either<Prepared, Errors.InvalidRequestError> => {
  const issues: Array<Errors.RequestIssue> = []
  if (snap instanceof Unrepresentable) {
    issues.push({ path: snap.path, message: snap.message })
  } else if (mode === "stream" && isRecord(snap)) {
    snap.stream = true
  } else if (mode === "send" && isRecord(snap) && snap.stream === true) {
    return Either.left(
      new Errors.InvalidRequestError({
        message: "Invalid request: stream: true is not for Chat.send; use Chat.stream",
        issues: [streamInSend]
      })
    )
  }
  if (issues.length === 0) {
    const validated = S.validateRequest(snap)
    if (Either.isLeft(validated)) issues.push(...requestIssues(validated.left))
  }
  const call = readCallOptions(options, issues)
  const base = baseRequest(config, mode === "stream" ? "text/event-stream" : "application/json", call.metadata)
  if (base.issues.length > 0) issues.push(...base.issues)
  if (issues.length > 0) return Either.left(invalid(issues))
  const request = call.headers === undefined ? base.request : HttpClientRequest.setHeaders(base.request, call.headers)
  return Either.right({
    request: HttpClientRequest.bodyText(request, JSON.stringify(snap), "application/json"),
    timeout: call.timeout ?? config.timeout,
    idleTimeout: call.idleTimeout ?? config.idleTimeout,
    retry: call.retry ?? config.retry ?? Retry.defaultPolicy
  })
}

/** A GET ready to send: the HTTP request, its timeout and retry policy. */
export interface PreparedGet {
  readonly request: HttpClientRequest.HttpClientRequest
  readonly timeout: Duration.Duration
  readonly retry: Retry.Policy | false
}

/**
 * Builds a `GET {baseUrl}{path}?{query}` request with the same headers as a chat call (`Authorization`,
 * attribution, `User-Agent`, configured and per-call headers; no body, so no `Content-Type`), reading
 * and checking the per-call options once like {@link prepare}. Fails with
 * {@link Errors.InvalidRequestError} and sends nothing when an option or the configuration is invalid.
 */
export const prepareGet = (
  config: OpenRouterConfigService,
  path: string,
  query: Readonly<Record<string, string>>,
  options: Pick<CallOptions, "headers" | "timeout" | "retry"> | undefined
): Either.Either<PreparedGet, Errors.InvalidRequestError> => {
  const issues: Array<Errors.RequestIssue> = []
  const call = readCallOptions(options, issues)
  const base = baseRequest(config, "application/json", false, path)
  if (base.issues.length > 0) issues.push(...base.issues)
  if (issues.length > 0) return Either.left(invalid(issues))
  const request = call.headers === undefined ? base.request : HttpClientRequest.setHeaders(base.request, call.headers)
  return Either.right({
    request: HttpClientRequest.setUrlParams(request, query),
    timeout: call.timeout ?? config.timeout,
    retry: call.retry ?? config.retry ?? Retry.defaultPolicy
  })
}

/**
 * The configuration a call carries in `options.config`, read once: `undefined` when there is none
 * (the call reads `OpenRouterConfig` from the context), an {@link Errors.InvalidRequestError} when the
 * options or the field cannot be read or are not objects. The configuration's own fields are checked
 * on first use, like any configuration service's.
 */
export const callConfig = (
  options: unknown
): OpenRouterConfigService | undefined | Errors.InvalidRequestError => {
  if (!isRecord(options)) return undefined
  const issues: Array<Errors.RequestIssue> = []
  const config = Options.readField(options, "config", "config", issues)
  if (issues.length > 0) return invalid(issues)
  if (config === undefined) return undefined
  if (config === null || typeof config !== "object") {
    return invalid([{ path: "config", message: "expected a configuration (Client.makeConfig)" }])
  }
  return config as OpenRouterConfigService
}

/**
 * Runs `use` with the call's configuration: `options.config` when the call carries one (no context
 * lookup, nothing per chunk), else `OpenRouterConfig` from the context. An unreadable `options.config`
 * fails with {@link Errors.InvalidRequestError}.
 */
export const withCallConfig = <A, E, R>(
  options: unknown,
  use: (config: OpenRouterConfigService) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | Errors.InvalidRequestError, R | OpenRouterConfig> => {
  const perCall = callConfig(options)
  if (perCall instanceof Errors.InvalidRequestError) return Effect.fail(perCall)
  // Lazily in both cases: the request is read when the effect runs, on every run.
  return perCall === undefined ? Effect.flatMap(OpenRouterConfig, use) : Effect.suspend(() => use(perCall))
}

interface CallSettings {
  readonly headers: Record<string, string> | undefined
  readonly metadata: boolean | undefined
  readonly timeout: Duration.Duration | undefined
  readonly idleTimeout: Duration.Duration | undefined
  readonly retry: Retry.Policy | false | undefined
}

const noOptions: CallSettings = {
  headers: undefined,
  metadata: undefined,
  timeout: undefined,
  idleTimeout: undefined,
  retry: undefined
}

/** Reads each per-call option once (an options object may have getters), checking it. */
const readCallOptions = (options: unknown, issues: Array<Errors.RequestIssue>): CallSettings => {
  if (options === undefined) return noOptions
  if (!isRecord(options)) {
    issues.push({ path: "(options)", message: "expected the call options as an object" })
    return noOptions
  }
  const read = (key: string) => Options.readField(options, key, key, issues)
  const headers = read("headers")
  return {
    headers: headers === undefined ? undefined : Options.checkHeaders(headers, issues),
    metadata: Options.checkBoolean(read("metadata"), "metadata", issues),
    timeout: Options.checkDuration(read("timeout"), "timeout", issues),
    idleTimeout: Options.checkDuration(read("idleTimeout"), "idleTimeout", issues),
    retry: Options.checkPolicy(read("retry"), "retry", issues)
  }
}

interface BaseRequest {
  readonly request: HttpClientRequest.HttpClientRequest
  readonly issues: ReadonlyArray<Errors.RequestIssue>
}

// The request every call of a configuration starts from (URL and headers), built and checked once
// per configuration and accept type.
const baseRequests = new WeakMap<OpenRouterConfigService, Record<string, BaseRequest>>()

// `getPath`: a GET of `{baseUrl}{getPath}` (no body) instead of the chat completions POST.
const baseRequest = (
  config: OpenRouterConfigService,
  accept: string,
  callMetadata: boolean | undefined,
  getPath?: string
): BaseRequest => {
  let byKind = baseRequests.get(config)
  if (byKind === undefined) {
    byKind = {}
    baseRequests.set(config, byKind)
  }
  const metadata = callMetadata ?? config.metadata
  const kind = getPath === undefined ? `${accept}|${metadata}` : `GET ${getPath}|${accept}`
  let base = byKind[kind]
  if (base === undefined) {
    const issues = Options.serviceIssues(config)
    if (issues.length > 0) {
      // Nothing is built from an invalid configuration.
      base = { request: HttpClientRequest.post("http://invalid.invalid/"), issues }
    } else {
      const headers: Record<string, string> = getPath === undefined
        ? { ...config.headers, "content-type": "application/json", accept }
        : { ...config.headers, accept }
      if (metadata) headers["x-openrouter-metadata"] = "enabled"
      headers["authorization"] = `Bearer ${Redacted.value(config.apiKey)}`
      const request = getPath === undefined
        ? HttpClientRequest.post(config.completionsUrl, { headers })
        : HttpClientRequest.get(config.baseUrl + getPath, { headers })
      base = { request, issues }
    }
    byKind[kind] = base
  }
  return base
}
