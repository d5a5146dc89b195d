/**
 * Every way a call to OpenRouter can fail, as tagged errors.
 *
 * `Chat.send` fails with {@link SendError}; `Chat.stream` with {@link StreamError}. Both are closed
 * unions of tagged errors. `Effect.catchTags` handles the tags you name and leaves the others, still
 * typed, in the error channel; `Match.tagsExhaustive` is the one that checks you handled every tag
 * (leave one out and it does not compile; the README's quick start has the full match).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert"
 * import { Effect } from "effect"
 * import { Chat, Testing } from "effect-openrouter"
 *
 * const reply = Chat.send({ model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }).pipe(
 *   Effect.map((response) => String(response.choices[0]?.message?.content)),
 *   Effect.catchTags({
 *     TooManyRequestsResponseError: (e) => Effect.succeed(`slow down (${e.status})`),
 *     PaymentRequiredResponseError: () => Effect.succeed("out of credits")
 *   })
 * )
 * // the tags not handled remain: Effect<string, Exclude<Errors.SendError, ...>, ...>
 *
 * Effect.runPromise(reply.pipe(Effect.provide(Testing.layerWithConfig(Testing.error(429), { retry: false }))))
 *   .then((text) => strictEqual(text, "slow down (429)"))
 * ```
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import { describeThrown } from "../../src/internal/transport/snapshot.js"
import * as S from "./Schema.js"

// ---------------------------------------------------------------------------
// Status errors
// ---------------------------------------------------------------------------

const responseErrorFields = {
  /** The HTTP status of the response (200 for an error object in a 200 body). */
  status: Schema.Number,
  /** OpenRouter's `error.message` when the body has one, else a description of what happened. */
  message: Schema.String,
  /** OpenRouter's `error.code` as sent (usually the HTTP-like status number, sometimes a string). */
  code: Schema.optional(Schema.Union([Schema.Number, Schema.String])),
  /** `error.error_type` or `error.metadata.error_type` (e.g. `rate_limit_exceeded`). */
  errorType: Schema.optional(Schema.String),
  /**
   * `error.metadata`, decoded where OpenRouter documents it (provider, moderation, guardrail, availability);
   * left out when its JSON is larger than 16 KB.
   */
  metadata: Schema.optional(S.ErrorMetadata),
  /** `error.availability` on availability errors (no endpoints, capacity exhausted, ...). */
  availability: Schema.optional(S.Availability),
  /** The response headers (lower-case names). */
  headers: Schema.Record(Schema.String, Schema.String),
  /** The generation id (`X-Generation-Id`), when the response names one. */
  generationId: Schema.optional(Schema.String),
  /** `error.metadata.provider_name`: the upstream provider that failed, when OpenRouter names it. @since 0.2.0 */
  providerName: Schema.optional(Schema.String),
  /**
   * The upstream provider's own message: from `error.metadata.raw` (its `error.message` or `message`
   * when `raw` is JSON, else the raw text), bounded. `message` stays OpenRouter's text. @since 0.2.0
   */
  providerMessage: Schema.optional(Schema.String),
  /** `error.metadata.raw` parsed as JSON when it is JSON text, else the text (bounded). @since 0.2.0 */
  providerError: Schema.optional(Schema.Unknown),
  /** How long the server asked to wait (`retry-after-ms`, then `Retry-After`), when it said. */
  retryAfter: Schema.optional(Schema.Duration),
  /**
   * The parsed JSON body, or a bounded excerpt of the raw text (16 KB) when the body is not JSON or is
   * larger than that.
   */
  body: Schema.Unknown,
  /** How many attempts were made before this error was returned (set by the retry policy). */
  attempts: Schema.optional(Schema.Number)
}

const statusFields = <N extends number>(status: N) => ({ ...responseErrorFields, status: Schema.Literal(status) })

/**
 * 400: the request was malformed or asked for something invalid.
 *
 * @since 0.1.0
 * @category status errors
 */
export class BadRequestResponseError
  extends Schema.TaggedError<BadRequestResponseError>()("BadRequestResponseError", statusFields(400))
{}

/**
 * 401: the API key is missing, invalid or disabled.
 *
 * @since 0.1.0
 * @category status errors
 */
export class UnauthorizedResponseError
  extends Schema.TaggedError<UnauthorizedResponseError>()("UnauthorizedResponseError", statusFields(401))
{}

/**
 * 402: the account or key is out of credits, or (with `metadata.limit_source` and `retryAfter`) a
 * temporary spending limit was hit, which {@link isRetryable} treats as transient.
 *
 * @since 0.1.0
 * @category status errors
 */
export class PaymentRequiredResponseError
  extends Schema.TaggedError<PaymentRequiredResponseError>()("PaymentRequiredResponseError", statusFields(402))
{}

/**
 * 403: moderation flagged the input, a guardrail blocked it, or the key lacks permission.
 * `metadata.reasons` / `metadata.flagged_input` (moderation) and `metadata.patterns` (guardrail) say which.
 *
 * @since 0.1.0
 * @category status errors
 */
export class ForbiddenResponseError
  extends Schema.TaggedError<ForbiddenResponseError>()("ForbiddenResponseError", statusFields(403))
{}

/**
 * 404: the model or endpoint does not exist.
 *
 * @since 0.1.0
 * @category status errors
 */
export class NotFoundResponseError
  extends Schema.TaggedError<NotFoundResponseError>()("NotFoundResponseError", statusFields(404))
{}

/**
 * 408: the request timed out on OpenRouter's side.
 *
 * @since 0.1.0
 * @category status errors
 */
export class RequestTimeoutResponseError
  extends Schema.TaggedError<RequestTimeoutResponseError>()("RequestTimeoutResponseError", statusFields(408))
{}

/**
 * 413: the request body is too large.
 *
 * @since 0.1.0
 * @category status errors
 */
export class PayloadTooLargeResponseError
  extends Schema.TaggedError<PayloadTooLargeResponseError>()("PayloadTooLargeResponseError", statusFields(413))
{}

/**
 * 422: the request was well-formed but cannot be processed (e.g. invalid parameters for the model).
 *
 * @since 0.1.0
 * @category status errors
 */
export class UnprocessableEntityResponseError extends Schema.TaggedError<UnprocessableEntityResponseError>()(
  "UnprocessableEntityResponseError",
  statusFields(422)
) {}

/**
 * 429: rate limited. `retryAfter` carries the server's `Retry-After` when it sent one.
 *
 * @since 0.1.0
 * @category status errors
 */
export class TooManyRequestsResponseError
  extends Schema.TaggedError<TooManyRequestsResponseError>()("TooManyRequestsResponseError", statusFields(429))
{}

/**
 * 500: OpenRouter failed internally.
 *
 * @since 0.1.0
 * @category status errors
 */
export class InternalServerResponseError
  extends Schema.TaggedError<InternalServerResponseError>()("InternalServerResponseError", statusFields(500))
{}

/**
 * 502: the model or provider is down, or answered with something invalid.
 *
 * @since 0.1.0
 * @category status errors
 */
export class BadGatewayResponseError
  extends Schema.TaggedError<BadGatewayResponseError>()("BadGatewayResponseError", statusFields(502))
{}

/**
 * 503: no provider meets the routing requirements right now. `availability` says why and whether a
 * retry can help; `retryAfter` carries the server's `Retry-After` when it sent one.
 *
 * @since 0.1.0
 * @category status errors
 */
export class ServiceUnavailableResponseError extends Schema.TaggedError<ServiceUnavailableResponseError>()(
  "ServiceUnavailableResponseError",
  statusFields(503)
) {}

/**
 * 524: the edge network timed out waiting for the upstream.
 *
 * @since 0.1.0
 * @category status errors
 */
export class EdgeNetworkTimeoutResponseError extends Schema.TaggedError<EdgeNetworkTimeoutResponseError>()(
  "EdgeNetworkTimeoutResponseError",
  statusFields(524)
) {}

/**
 * 529: the provider is overloaded.
 *
 * @since 0.1.0
 * @category status errors
 */
export class ProviderOverloadedResponseError extends Schema.TaggedError<ProviderOverloadedResponseError>()(
  "ProviderOverloadedResponseError",
  statusFields(529)
) {}

/**
 * Any error status without a class of its own (409, 410, 504, 520, ...). `status` says which.
 *
 * @since 0.1.0
 * @category status errors
 */
export class OpenRouterDefaultError
  extends Schema.TaggedError<OpenRouterDefaultError>()("OpenRouterDefaultError", responseErrorFields)
{}

/**
 * An error that OpenRouter answered with an HTTP status (or an error object in a 200 body).
 *
 * @since 0.1.0
 * @category models
 */
export type StatusError =
  | BadRequestResponseError
  | UnauthorizedResponseError
  | PaymentRequiredResponseError
  | ForbiddenResponseError
  | NotFoundResponseError
  | RequestTimeoutResponseError
  | PayloadTooLargeResponseError
  | UnprocessableEntityResponseError
  | TooManyRequestsResponseError
  | InternalServerResponseError
  | BadGatewayResponseError
  | ServiceUnavailableResponseError
  | EdgeNetworkTimeoutResponseError
  | ProviderOverloadedResponseError
  | OpenRouterDefaultError

/**
 * The fields every {@link StatusError} is built from.
 *
 * @since 0.1.0
 * @category models
 */
export type StatusErrorFields = Omit<Schema.Struct.MakeIn<typeof responseErrorFields>, "status">

// The one table of statuses: each documented status with its class, what it means, and whether a
// retry may succeed. Everything else (the classes by status, the transient check, the default
// message of an error without a body) reads it.
const statusTable = {
  400: { Class: BadRequestResponseError, description: "Bad request", transient: false },
  401: { Class: UnauthorizedResponseError, description: "Unauthorized", transient: false },
  402: { Class: PaymentRequiredResponseError, description: "Payment required", transient: false },
  403: { Class: ForbiddenResponseError, description: "Forbidden", transient: false },
  404: { Class: NotFoundResponseError, description: "Not found", transient: false },
  408: { Class: RequestTimeoutResponseError, description: "Request timeout", transient: true },
  413: { Class: PayloadTooLargeResponseError, description: "Payload too large", transient: false },
  422: { Class: UnprocessableEntityResponseError, description: "Unprocessable entity", transient: false },
  429: { Class: TooManyRequestsResponseError, description: "Too many requests", transient: true },
  500: { Class: InternalServerResponseError, description: "Internal server error", transient: true },
  502: { Class: BadGatewayResponseError, description: "Bad gateway", transient: true },
  503: { Class: ServiceUnavailableResponseError, description: "Service unavailable", transient: true },
  524: { Class: EdgeNetworkTimeoutResponseError, description: "Edge network timeout", transient: true },
  529: { Class: ProviderOverloadedResponseError, description: "Provider overloaded", transient: true }
} as const

interface StatusEntry {
  // each class takes its own literal status; `fromStatus` only passes the status the entry is keyed by
  readonly Class: new(fields: StatusErrorFields & { status: never }) => StatusError
  readonly description: string
  readonly transient: boolean
}

// Only a number is looked up: any other key could reach the table's prototype.
const statusEntry = (status: unknown): StatusEntry | undefined =>
  typeof status === "number" ? (statusTable as Readonly<Record<number, StatusEntry>>)[status] : undefined

/**
 * A short description of an HTTP status (`"Too many requests"`), `"HTTP <status>"` for one without a
 * class of its own, `"Unknown status"` for a value that is not a number.
 *
 * @since 0.2.0
 * @category status errors
 */
export const describeStatus = (status: number): string =>
  typeof status === "number" ? statusEntry(status)?.description ?? `HTTP ${status}` : "Unknown status"

/**
 * Whether a status says "try again later": 408, 429, 500, 502, 503, 524, 529, and for statuses without
 * a class of their own, 409 (conflict) and every 5xx. Not a value that is not a number.
 *
 * @since 0.2.0
 * @category status errors
 */
export const isRetryableStatus = (status: number): boolean => {
  if (typeof status !== "number") return false
  const entry = statusEntry(status)
  return entry === undefined ? status === 409 || status >= 500 : entry.transient
}

/**
 * The statuses that have an error class of their own.
 *
 * @since 0.1.0
 * @category status errors
 */
export type KnownStatus = keyof typeof statusTable

/**
 * Builds the error class for an HTTP status: the class of its own for the statuses OpenRouter documents,
 * {@link OpenRouterDefaultError} for any other.
 *
 * It never throws. A `status` that is not a finite number (`undefined`, `null`, `"429"`, `NaN`) gives an
 * {@link OpenRouterDefaultError} with status 0 (no HTTP status); any other number is kept as given. When
 * the `fields` cannot be used (not an object, unreadable, or a field of the wrong type), the error is
 * built from the status alone: its `message` says the fields were refused and why, its `headers` are empty
 * and its `body` is `undefined`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromStatus = (status: number, fields: StatusErrorFields): StatusError => {
  const code = typeof status === "number" && Number.isFinite(status) ? status : 0
  try {
    return ofStatus(code, fields)
  } catch (e) {
    return ofStatus(code, {
      message: `${describeStatus(code)} (Errors.fromStatus could not use the fields it was given: ${refusal(e)})`,
      headers: {},
      body: undefined
    })
  }
}

const ofStatus = (status: number, fields: StatusErrorFields): StatusError => {
  const entry = statusEntry(status)
  return entry
    ? new entry.Class({ ...fields, status: status as never })
    : new OpenRouterDefaultError({ ...fields, status })
}

// Effect 4's constructors throw "Schema validation failed" with the issue as its cause: the issue's words
// name the field.
const formatIssue = SchemaIssue.makeFormatterDefault()

const refusal = (e: unknown): string => {
  try {
    if (e instanceof Error && SchemaIssue.isIssue(e.cause)) return describeThrown(formatIssue(e.cause))
  } catch {
    // a hostile value: described below
  }
  return describeThrown(e)
}

// ---------------------------------------------------------------------------
// Client-side errors
// ---------------------------------------------------------------------------

/**
 * The request or the response broke in transport: connection refused or reset, DNS failure, a body
 * that stopped mid-way, or a stream cut off before `[DONE]`. `cause` holds the underlying error.
 *
 * @since 0.1.0
 * @category client errors
 */
export class ConnectionError extends Schema.TaggedError<ConnectionError>()("ConnectionError", {
  /** What broke: sending the request, reading the response, or a stream that ended without `[DONE]`. */
  reason: Schema.Literals(["RequestFailed", "ResponseFailed", "StreamCutOff"]),
  /** A description of what happened and where (method and URL; never a secret). */
  message: Schema.String,
  /** The underlying transport error, when there is one. */
  cause: Schema.optional(Schema.Unknown),
  /**
   * The generation id, when known: the id of the chunks a cut-off stream delivered, else the
   * `X-Generation-Id` header; look up what the generation cost with `Generation.get`. @since 0.2.0
   */
  generationId: Schema.optional(Schema.String),
  /** How many attempts were made before this error was returned (set by the retry policy). */
  attempts: Schema.optional(Schema.Number)
}) {}

/**
 * A time limit was hit: `"request"` bounds a whole call (for a stream, the wait for the response
 * headers); `"idle"` bounds the gap between two data events of a stream.
 *
 * @since 0.1.0
 * @category client errors
 */
export class TimeoutError extends Schema.TaggedError<TimeoutError>()("TimeoutError", {
  /** Which limit was hit. */
  limit: Schema.Literals(["request", "idle"]),
  /** The limit that was exceeded. */
  duration: Schema.Duration,
  /** A description of what timed out. */
  message: Schema.String,
  /** How many attempts were made before this error was returned (set by the retry policy). */
  attempts: Schema.optional(Schema.Number)
}) {}

/**
 * The response (or one stream chunk) is not JSON, or not a chat completion. `excerpt` holds a bounded
 * excerpt of the raw text; `issue` says what did not match.
 *
 * @since 0.1.0
 * @category client errors
 */
export class ResponseDecodeError extends Schema.TaggedError<ResponseDecodeError>()("ResponseDecodeError", {
  /** A description of what could not be decoded. */
  message: Schema.String,
  /** The HTTP status of the response. */
  status: Schema.Number,
  /** A bounded excerpt (2 KB, a copy) of the raw text that failed to decode. */
  excerpt: Schema.String,
  /**
   * What did not match: the JSON parser's message or the schema's issues (the path and the expected type,
   * then a bounded excerpt of the value; 4 KB at most).
   */
  issue: Schema.String,
  /** The generation id, when the response names one. */
  generationId: Schema.optional(Schema.String),
  /** How many attempts were made before this error was returned (set by the retry policy). */
  attempts: Schema.optional(Schema.Number)
}) {}

/**
 * One problem found in a request before it was sent.
 *
 * @since 0.1.0
 * @category models
 */
export const RequestIssue = Schema.Struct({
  /** Where the problem is, e.g. `messages.1.content.0.type`, or `headers.X-Title`. */
  path: Schema.String,
  /** What is wrong there. */
  message: Schema.String
})

/**
 * One problem found in a request before it was sent.
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestIssue extends Schema.Schema.Type<typeof RequestIssue> {}

/**
 * The request failed validation (a field out of range, a missing `tool_call_id`, a header value with a
 * line break, a value JSON cannot represent, an invalid option or configuration, ...). Nothing was sent,
 * and it is never retried. `issues` names the path of every bad field or option.
 *
 * @since 0.1.0
 * @category client errors
 */
export class InvalidRequestError extends Schema.TaggedError<InvalidRequestError>()("InvalidRequestError", {
  /** A description naming the bad field(s). */
  message: Schema.String,
  /** Each problem with its path. */
  issues: Schema.Array(RequestIssue),
  /** Always absent: nothing was sent, so no attempt was made (kept so every error has the field). */
  attempts: Schema.optional(Schema.Number)
}) {}

/**
 * OpenRouter reported an error after a stream had started (HTTP 200): a chunk with a top-level `error`,
 * or the older form `choices[i].error`.
 *
 * @since 0.1.0
 * @category client errors
 */
export class MidStreamError extends Schema.TaggedError<MidStreamError>()("MidStreamError", {
  /** `error.code` as sent: usually an HTTP-like number (429, 502, ...), sometimes a string. */
  code: Schema.optional(Schema.Union([Schema.Number, Schema.String])),
  /** `error.message`. */
  message: Schema.String,
  /** `error.metadata.error_type` (e.g. `provider_overloaded`, `context_length_exceeded`). */
  errorType: Schema.optional(Schema.String),
  /** `error.metadata.provider_name`, when present. */
  providerName: Schema.optional(Schema.String),
  /** The upstream provider's own message, from `error.metadata.raw` (see the status errors). @since 0.2.0 */
  providerMessage: Schema.optional(Schema.String),
  /** `error.metadata.raw` parsed as JSON when it is JSON text, else the text (bounded). @since 0.2.0 */
  providerError: Schema.optional(Schema.Unknown),
  /** `error.metadata` as sent; left out when its JSON is larger than 16 KB. */
  metadata: Schema.optional(S.ErrorMetadata),
  /** Whether any content (text, reasoning, tool call, ...) had been emitted before the error. */
  contentEmitted: Schema.Boolean,
  /** The generation id (the chunk's `id`), when present. */
  generationId: Schema.optional(Schema.String),
  /** How many attempts were made before this error was returned (set by the retry policy). */
  attempts: Schema.optional(Schema.Number)
}) {}

// ---------------------------------------------------------------------------
// Unions and predicates
// ---------------------------------------------------------------------------

/**
 * Everything `Chat.send` can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type SendError = StatusError | ConnectionError | TimeoutError | ResponseDecodeError | InvalidRequestError

/**
 * Everything `Chat.stream` can fail with: {@link SendError} plus {@link MidStreamError}.
 *
 * @since 0.1.0
 * @category models
 */
export type StreamError = SendError | MidStreamError

const statusErrorTags: ReadonlySet<string> = new Set([
  ...Object.values(statusTable).map((entry) => entry.Class.name),
  OpenRouterDefaultError.name
])

/**
 * Whether a value is one of the {@link StatusError} classes; `false` for a value that cannot be read.
 *
 * @since 0.1.0
 * @category guards
 */
export const isStatusError = (u: unknown): u is StatusError => {
  try {
    return Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" && statusErrorTags.has(u._tag)
  } catch {
    return false
  }
}

/** `error_type` values of mid-stream errors that a retry can fix. */
const transientErrorTypes: ReadonlySet<string> = new Set([
  "rate_limit_exceeded",
  "provider_overloaded",
  "provider_unavailable",
  "server",
  "timeout"
])

/**
 * Whether a failure is transient, so that trying the same request again may succeed (the default
 * `while` of every retry policy): 408, 429, 500, 502, 503, 524, 529 (and 409 and other 5xx statuses
 * without a class of their own), connection errors, timeouts, mid-stream errors of a transient kind
 * (overloaded, unavailable, rate limited, or a transient code), and a 402 that marks a temporary limit
 * (`metadata.limit_source` with a `Retry-After`). Never 400, 401, 403, 404, 413, 422, any other 402,
 * an invalid request or an undecodable response. An availability error whose body says
 * `retryable: false` is not transient. Never a value that is not an error of this module or cannot be
 * read (`undefined`, `null`, a `Proxy` whose traps throw).
 *
 * @since 0.1.0
 * @category guards
 */
export const isRetryable = (error: StreamError): boolean => {
  try {
    return retryable(error)
  } catch {
    return false
  }
}

const retryable = (error: StreamError): boolean => {
  switch (error._tag) {
    case "ConnectionError":
    case "TimeoutError":
      return true
    case "InvalidRequestError":
    case "ResponseDecodeError":
      return false
    case "MidStreamError":
      return (error.errorType !== undefined && transientErrorTypes.has(error.errorType)) ||
        (typeof error.code === "number" && isRetryableStatus(error.code))
    default:
      if (error.availability?.retryable === false) return false
      if (error.status === 402) return isTemporaryLimit(error)
      return isRetryableStatus(error.status)
  }
}

/**
 * Whether a 402 is a temporary limit rather than an empty account: its metadata names the limit
 * (`limit_source`, e.g. an exhausted in-flight spending budget) and the response says when to retry
 * (`Retry-After`). Other 402s are final.
 */
const isTemporaryLimit = (error: StatusError): boolean =>
  error.retryAfter !== undefined && typeof error.metadata?.limit_source === "string" &&
  error.metadata.limit_source !== ""

/**
 * The delay the server asked for, if the failure carries one; `undefined` for a value that is not a
 * {@link StatusError} or cannot be read, or whose `retryAfter` is not a `Duration`.
 *
 * @since 0.1.0
 * @category getters
 */
export const retryAfter = (error: StreamError): Duration.Duration | undefined => {
  try {
    const requested: unknown = isStatusError(error) ? error.retryAfter : undefined
    return Duration.isDuration(requested) ? requested : undefined
  } catch {
    return undefined
  }
}

// ---------------------------------------------------------------------------
// The printed form
// ---------------------------------------------------------------------------

interface ProviderFields {
  readonly _tag: string
  readonly message: string
  readonly providerName?: string | undefined
  readonly providerMessage?: string | undefined
}

// `String(error)` and `console.log(error)` show the upstream provider and its own message after
// OpenRouter's (which is often only "Provider returned error"); `message` stays OpenRouter's text.
function printed(this: ProviderFields): string {
  const head = `${this._tag}: ${this.message}`
  if (this.providerName === undefined && this.providerMessage === undefined) return head
  const who = this.providerName === undefined ? "provider" : `provider ${this.providerName}`
  return this.providerMessage === undefined || this.providerMessage === this.message
    ? `${head} (${who})`
    : `${head} (${who}: ${this.providerMessage})`
}

// Effect 4's errors show their fields as an object under `util.inspect` / `console.log`; these show the
// printed line with the stack's frames instead (as Effect 3's errors do when `toString` is their own), so
// the provider's message is what a log shows first.
function inspected(this: ProviderFields & { readonly stack?: string | undefined }): string {
  const head = printed.call(this)
  const frames = this.stack?.split("\n").slice(1).join("\n")
  return frames === undefined || frames === "" ? head : `${head}\n${frames}`
}

const nodeInspect = Symbol.for("nodejs.util.inspect.custom")

for (
  const Class of [...Object.values(statusTable).map((entry) => entry.Class), OpenRouterDefaultError, MidStreamError]
) {
  Object.defineProperty(Class.prototype, "toString", { value: printed, writable: true, configurable: true })
  Object.defineProperty(Class.prototype, nodeInspect, { value: inspected, writable: true, configurable: true })
}
