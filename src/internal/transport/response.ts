/**
 * The response side of a call: every way a response, or a failure to get one, becomes a value or a
 * typed error. `Chat.send`, `Chat.stream` (its status check, a JSON answer instead of a stream, and
 * mid-stream errors) all read OpenRouter's error body through {@link statusError} / {@link midStreamError}.
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Errors from "../../Errors.js"
import * as S from "../../Schema.js"
import { invalidFieldLog, invalidFieldsOf } from "../chat/invalidFields.js"
import * as Bounded from "./bounded.js"
import {
  bodyId,
  excerpt,
  field,
  FIELD_LIMIT,
  fieldOrCode,
  ISSUE_LIMIT,
  ISSUE_LINE_LIMIT,
  metadataHeaders,
  providerDetails,
  rateLimitResetMillis,
  RAW_BODY_LIMIT,
  retryAfterMillis,
  stringField
} from "./errorFields.js"
import { errorMember, isRecord, NotJson, parseJson } from "./json.js"

/** Cuts a raw body down to a bounded excerpt for an error (the shared bound of both editions). */
export { excerpt }

/**
 * Maps a transport failure of `@effect/platform`'s `HttpClient` to a {@link Errors.ConnectionError}
 * (without the request object, whose headers hold the key).
 */
export const connectionError = (
  error: HttpClientError.HttpClientError,
  reason: "RequestFailed" | "ResponseFailed" = error._tag === "RequestError" ? "RequestFailed" : "ResponseFailed",
  generationId?: string
): Errors.ConnectionError => {
  const cause = error.cause
  const detail = excerpt(
    cause instanceof Error ? cause.message : cause === undefined ? error.reason : String(cause),
    FIELD_LIMIT
  )
  return Bounded.settleStack(
    new Errors.ConnectionError({
      reason,
      message: `${
        reason === "RequestFailed" ? "Request failed" : "Reading the response failed"
      }: ${detail} (${error.request.method} ${error.request.url})`,
      cause,
      generationId
    })
  )
}

/** Reads a whole body as text; a transport failure becomes a {@link Errors.ConnectionError}. */
export const readText = (
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<string, Errors.ConnectionError> =>
  Effect.mapError(response.text, (e) => connectionError(e, "ResponseFailed", response.headers["x-generation-id"]))

/**
 * Reads the delay a response asks for: `retry-after-ms` (milliseconds), then `Retry-After`
 * (seconds, or an HTTP date relative to `now`), then {@link parseRateLimitReset} of the
 * `X-RateLimit-Reset` header or, without one, of the same name in the error body's `metadata.headers`
 * (the shared `errorFields.retryAfterMillis`, one source with the Effect 4 edition).
 */
export const parseRetryAfter = (
  headers: Readonly<Record<string, string | undefined>>,
  now: number,
  bodyHeaders?: unknown
): Duration.Duration | undefined => toDuration(retryAfterMillis(headers, now, bodyHeaders))

/**
 * The delay until an `X-RateLimit-Reset` time (OpenRouter sends epoch milliseconds; a number that
 * can only be epoch seconds is read as such). `undefined`, so the policy's own backoff applies, for a
 * reset that is not a number (a string of digits or a JSON number), is too small to be an epoch, or
 * has already passed (the window is over, or the clocks disagree: a blind backoff is the safer guess).
 * The shared `errorFields.rateLimitResetMillis` as a `Duration`.
 */
export const parseRateLimitReset = (value: unknown, now: number): Duration.Duration | undefined =>
  toDuration(rateLimitResetMillis(value, now))

const toDuration = (ms: number | undefined): Duration.Duration | undefined =>
  ms === undefined ? undefined : Duration.millis(ms)

/**
 * Builds the typed error for an error response from its status, headers and body text. The body may
 * be OpenRouter's JSON error, an HTML page from a proxy, or empty: the class always follows the status,
 * except that a 2xx carrying an error object takes its class from `error.code`.
 */
export const statusError = (
  status: number,
  headers: Readonly<Record<string, string>>,
  text: string
): Effect.Effect<Errors.StatusError> =>
  Effect.map(Clock.currentTimeMillis, (now) => {
    const parsed = parseJson(text)
    const json = parsed instanceof NotJson ? undefined : parsed
    const error = isRecord(errorMember(json)) ? Either.getOrUndefined(S.decodeErrorResponse(json))?.error : undefined
    const code = fieldOrCode(error?.code ?? undefined)
    const effective = status >= 200 && status < 300 && typeof code === "number" && code >= 400 ? code : status
    const trimmed = text.trim()
    const message = field(error?.message) ??
      `${Errors.describeStatus(effective)}${
        trimmed === "" ? " (empty body)" : json === undefined ? `: ${excerpt(trimmed, 200)}` : ""
      }`
    const fields: Errors.StatusErrorFields = {
      message,
      code,
      errorType: field(error?.error_type ?? stringField(error?.metadata, "error_type")),
      metadata: Bounded.boundedJson(error?.metadata ?? undefined, RAW_BODY_LIMIT),
      availability: Bounded.boundedJson(error?.availability ?? undefined, RAW_BODY_LIMIT),
      headers,
      generationId: headers["x-generation-id"],
      ...providerDetails(error?.metadata),
      retryAfter: parseRetryAfter(headers, now, metadataHeaders(error?.metadata)),
      // A JSON body larger than the bound is kept as a bounded excerpt of its text.
      body: json === undefined || text.length > RAW_BODY_LIMIT ? excerpt(text, RAW_BODY_LIMIT) : json
    }
    return Bounded.settleStack(Errors.fromStatus(effective, fields))
  })

/** Reads the body of an error status and fails with its {@link Errors.StatusError}. */
export const failWithStatus = (
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<never, Errors.StatusError | Errors.ConnectionError> =>
  Effect.flatMap(readText(response), (text) => Effect.flip(statusError(response.status, response.headers, text)))

/**
 * Builds a {@link Errors.ResponseDecodeError} holding a bounded excerpt of the raw text and a bounded
 * copy of the issue (a schema failure names the path and the expected type first, then the value).
 */
export const decodeError = (
  status: number,
  headers: Readonly<Record<string, string>>,
  text: string,
  issue: string,
  what: string = "a chat completion",
  body?: unknown
): Errors.ResponseDecodeError => {
  const bounded = Bounded.boundedLines(issue, ISSUE_LINE_LIMIT, ISSUE_LIMIT)
  const firstLine = bounded.indexOf("\n") === -1 ? bounded : bounded.slice(0, bounded.indexOf("\n"))
  return Bounded.settleStack(
    new Errors.ResponseDecodeError({
      message: text.trim() === "" ?
        `The response body is empty (status ${status})` :
        Bounded.copyString(`The response is not ${what} (status ${status}): ${firstLine}`),
      status,
      excerpt: excerpt(text),
      issue: bounded,
      // The body's `id` is the generation id when no header named it (some providers' answers).
      generationId: headers["x-generation-id"] || bodyId(body)
    })
  )
}

export { bodyId }

/**
 * Logs, at debug level, each field a decoder took out of a body because its value had an unexpected
 * type (`invalidFields`, see `Schema.decodeChatResponse`), annotated with its `path`, the `expected`
 * type and the `generationId`; inside a span, each log line is also an event of the span. The value
 * itself stays in `invalidFields`, out of the log.
 */
export const logInvalidFields = (
  fields: ReadonlyArray<S.InvalidField>,
  generationId: string | undefined
): Effect.Effect<void> =>
  Effect.forEach(fields, (field) => {
    const { annotations, message } = invalidFieldLog(field, generationId)
    return Effect.logDebug(message).pipe(Effect.annotateLogs(annotations))
  }, { discard: true })

/**
 * Reads a complete response: a 2xx JSON chat completion is decoded with `Schema.ChatResponse`;
 * an error status, or a 2xx whose body is an error object (without `choices`), becomes its typed
 * status error; a body that is not JSON or not a chat completion becomes a
 * {@link Errors.ResponseDecodeError} with an excerpt.
 */
export const readCompletion = (
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<S.ChatResponse, Errors.SendError> =>
  readJson(response, S.decodeChatResponse, "choices", "a chat completion")

/**
 * Reads a complete JSON response with `decode`: an error status, or a 2xx whose body is an error
 * object (without the body's own `member`), becomes its typed status error; a body that is not JSON
 * or does not decode becomes a {@link Errors.ResponseDecodeError} naming `what` was expected.
 */
export const readJson = <A>(
  response: HttpClientResponse.HttpClientResponse,
  decode: (u: unknown) => Either.Either<A, ParseResult.ParseError>,
  member: string,
  what: string
): Effect.Effect<A, Errors.SendError> =>
  Effect.flatMap(readText(response), (text): Effect.Effect<A, Errors.SendError> => {
    const status = response.status
    if (status < 200 || status >= 300) return Effect.flip(statusError(status, response.headers, text))
    const json = parseJson(text)
    if (json instanceof NotJson) {
      return Effect.fail(decodeError(status, response.headers, text, `not JSON: ${json.message}`, what))
    }
    if (errorMember(json) !== undefined && (json as Record<string, unknown>)[member] === undefined) {
      return Effect.flip(statusError(status, response.headers, text))
    }
    const decoded = decode(json)
    if (Either.isLeft(decoded)) {
      return Effect.fail(decodeError(status, response.headers, text, decoded.left.message, what, json))
    }
    const invalid = invalidFieldsOf<S.InvalidField>(decoded.right)
    return invalid === undefined
      ? Effect.succeed(decoded.right)
      : Effect.as(logInvalidFields(invalid, response.headers["x-generation-id"] || bodyId(json)), decoded.right)
  })

/**
 * A JSON body on a 2xx answer to a stream request (some gateways): an error object becomes its status
 * error, anything else a {@link Errors.ResponseDecodeError}.
 */
export const jsonInsteadOfStream = (
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<never, Errors.SendError> =>
  Effect.flatMap(readText(response), (text): Effect.Effect<never, Errors.SendError> => {
    const json = parseJson(text)
    if (errorMember(json) !== undefined) return Effect.flip(statusError(response.status, response.headers, text))
    return Effect.fail(
      decodeError(
        response.status,
        response.headers,
        text,
        `expected text/event-stream, got ${response.headers["content-type"] ?? "no content type"}`
      )
    )
  })

/** The {@link Errors.MidStreamError} of an error object in a stream chunk (top level or in a choice). */
export const midStreamError = (
  error: unknown,
  chunk: Record<string, unknown>,
  contentEmitted: boolean,
  generationId?: string
): Errors.MidStreamError => {
  const e = isRecord(error) ? error : {}
  const metadata = isRecord(e.metadata) ? e.metadata : undefined
  const code = typeof e.code === "number" || typeof e.code === "string" ? fieldOrCode(e.code) : undefined
  return Bounded.settleStack(
    new Errors.MidStreamError({
      code,
      message: typeof e.message === "string" ? excerpt(e.message, FIELD_LIMIT) : "The stream reported an error",
      errorType: typeof metadata?.error_type === "string" ? field(metadata.error_type) : undefined,
      ...providerDetails(metadata),
      metadata: Bounded.boundedJson(metadata, RAW_BODY_LIMIT) as Errors.MidStreamError["metadata"],
      contentEmitted,
      generationId: typeof chunk.id === "string" && chunk.id !== "" ? field(chunk.id) : generationId
    })
  )
}

/** Builds the {@link Errors.TimeoutError} for a limit that was hit. */
export const timeoutError = (
  limit: "request" | "idle",
  duration: Duration.Duration,
  what: string
): Errors.TimeoutError =>
  Bounded.settleStack(
    new Errors.TimeoutError({ limit, duration, message: `${what} took longer than ${Duration.format(duration)}` })
  )
