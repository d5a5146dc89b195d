/**
 * The request side of a call: validating the body and the headers, and building the HTTP request
 * with every header from the configuration (built once per configuration, since calls are a hot path).
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import type { CallOptions, OpenRouterConfigService } from "../Client.js"
import * as Errors from "../Errors.js"
import * as Retry from "../Retry.js"
import * as S from "../Schema.js"
import { lowerCaseKeys } from "./headers.js"

/** An {@link Errors.InvalidRequestError} naming every issue. */
export const invalid = (issues: ReadonlyArray<Errors.RequestIssue>): Errors.InvalidRequestError =>
  new Errors.InvalidRequestError({
    message: `Invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    issues
  })

// RFC 7230 token characters for a header name.
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
// Line breaks and NUL would split or corrupt the header block (request smuggling).
const badHeaderValue = /[\r\n\0]/

const pathToString = (path: ReadonlyArray<PropertyKey>): string => path.map(String).join(".")

/** Turns a schema failure into the issues of an {@link Errors.InvalidRequestError}, one per bad field. */
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

/**
 * Builds a `GET {baseUrl}{path}?{query}` request with the same headers as a chat call (`Authorization`,
 * attribution, `User-Agent`, configured and per-call headers; no body, so no `Content-Type`). Fails
 * with {@link Errors.InvalidRequestError} and sends nothing when a header is invalid.
 */
export const prepareGet = (
  config: OpenRouterConfigService,
  path: string,
  query: Readonly<Record<string, string>>,
  options: { readonly headers?: Readonly<Record<string, string>> | undefined } | undefined
): Either.Either<HttpClientRequest.HttpClientRequest, Errors.InvalidRequestError> => {
  const base = baseRequest(config, "application/json", false, path)
  const extra = options?.headers === undefined ? undefined : lowerCaseKeys(options.headers)
  const issues = extra === undefined ? base.issues : [...base.issues, ...headerIssues(extra)]
  if (issues.length > 0) return Either.left(invalid(issues))
  const request = extra === undefined ? base.request : HttpClientRequest.setHeaders(base.request, extra)
  return Either.right(HttpClientRequest.setUrlParams(request, query))
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
// per configuration and accept type.
const baseRequests = new WeakMap<OpenRouterConfigService, Record<string, BaseRequest>>()

// `getPath`: a GET of `{baseUrl}{getPath}` (no body) instead of the chat completions POST.
const baseRequest = (
  config: OpenRouterConfigService,
  accept: string,
  metadata: boolean,
  getPath?: string
): BaseRequest => {
  let byKind = baseRequests.get(config)
  if (byKind === undefined) {
    byKind = {}
    baseRequests.set(config, byKind)
  }
  const kind = getPath === undefined ? `${accept}|${metadata}` : `GET ${getPath}|${accept}`
  let base = byKind[kind]
  if (base === undefined) {
    const headers: Record<string, string> = getPath === undefined
      ? { ...config.headers, "content-type": "application/json", accept }
      : { ...config.headers, accept }
    if (metadata) headers["x-openrouter-metadata"] = "enabled"
    const issues = headerIssues(headers)
    const apiKey = Redacted.value(config.apiKey)
    if (apiKey.length === 0 || badHeaderValue.test(apiKey)) {
      // Never echo the key itself.
      issues.push({ path: "apiKey", message: "the API key is empty or contains a line break" })
    }
    headers["authorization"] = `Bearer ${apiKey}`
    const request = getPath === undefined
      ? HttpClientRequest.post(config.completionsUrl, { headers })
      : HttpClientRequest.get(config.baseUrl + getPath, { headers })
    base = { request, issues }
    byKind[kind] = base
  }
  return base
}

/** The retry policy of a call: per-call, else configured, else the default. */
export const retryPolicy = (config: OpenRouterConfigService, options: CallOptions | undefined): Retry.Policy | false =>
  options?.retry ?? config.retry ?? Retry.defaultPolicy

/** The request timeout of a call. */
export const requestTimeout = (config: OpenRouterConfigService, options: CallOptions | undefined): Duration.Duration =>
  options?.timeout === undefined ? config.timeout : Duration.decode(options.timeout)

/** The idle timeout between stream events of a call. */
export const idleTimeout = (config: OpenRouterConfigService, options: CallOptions | undefined): Duration.Duration =>
  options?.idleTimeout === undefined ? config.idleTimeout : Duration.decode(options.idleTimeout)
