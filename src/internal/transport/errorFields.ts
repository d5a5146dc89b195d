/**
 * The Effect-free reading of an error response shared by both editions' `internal/transport/response.ts`: the
 * bounds an error keeps, the provider's details from `error.metadata`, and the delay a response asks
 * for (in milliseconds; each edition makes its own `Duration`).
 */
import * as Bounded from "./bounded.js"
import { isRecord, NotJson, parseJson } from "./json.js"

/** The longest excerpt of a raw body that an error keeps. */
export const EXCERPT_LIMIT = 2048

/** The most of a non-JSON error body an error keeps. */
export const RAW_BODY_LIMIT = 16 * 1024

/** The longest string field (a message, a code, an error type) an error keeps. */
export const FIELD_LIMIT = 2048

/** The longest line, and the most in all, of a schema failure an error keeps as its `issue`. */
export const ISSUE_LINE_LIMIT = 512
export const ISSUE_LIMIT = 4096

/** Cuts a raw body down to a bounded excerpt for an error: a flat copy, never a slice of the body. */
export const excerpt = (text: string, limit: number = EXCERPT_LIMIT): string => Bounded.excerpt(text, limit)

/** A string field of an error, bounded. */
export const field = (s: string | undefined): string | undefined =>
  s === undefined ? undefined : excerpt(s, FIELD_LIMIT)

/** An error code, bounded when it is a string. */
export const fieldOrCode = <A>(code: A): A => (typeof code === "string" ? excerpt(code, FIELD_LIMIT) as A : code)

/** `record[key]` when it is a string. */
export const stringField = (record: unknown, key: string): string | undefined => {
  if (!isRecord(record)) return undefined
  const value = record[key]
  return typeof value === "string" ? value : undefined
}

/** The provider fields of an error: its name, and its own error from `metadata.raw`. */
export interface ProviderDetails {
  readonly providerName?: string
  readonly providerMessage?: string
  readonly providerError?: unknown
}

const upstreamMessage = (error: unknown): string | undefined => {
  if (typeof error === "string") return error.trim() === "" ? undefined : excerpt(error.trim())
  if (!isRecord(error)) return undefined
  const inner = isRecord(error.error) ? error.error : error
  if (typeof inner.message === "string" && inner.message !== "") return excerpt(inner.message)
  if (typeof error.error === "string" && error.error !== "") return excerpt(error.error)
  if (typeof inner.detail === "string" && inner.detail !== "") return excerpt(inner.detail)
  return undefined
}

/**
 * Unpacks `error.metadata`: the provider's name, and `raw` (often the upstream's JSON error as a
 * string) parsed when it is JSON, the text otherwise, bounded; the upstream's own message from it.
 */
export const providerDetails = (metadata: unknown): ProviderDetails => {
  if (!isRecord(metadata)) return {}
  const out: { -readonly [K in keyof ProviderDetails]: ProviderDetails[K] } = {}
  if (typeof metadata.provider_name === "string" && metadata.provider_name !== "") {
    out.providerName = excerpt(metadata.provider_name, FIELD_LIMIT)
  }
  const raw = metadata.raw
  if (typeof raw === "string" && raw.trim() !== "") {
    const trimmed = raw.trim()
    // Only a small enough text is parsed: an error must stay bounded.
    const parsed = trimmed.length <= RAW_BODY_LIMIT && (trimmed.startsWith("{") || trimmed.startsWith("["))
      ? parseJson(trimmed)
      : undefined
    out.providerError = parsed !== undefined && !(parsed instanceof NotJson) ? parsed : excerpt(trimmed)
  } else if (raw !== undefined && raw !== null && typeof raw !== "string") {
    out.providerError = Bounded.boundedJson(raw, RAW_BODY_LIMIT)
  }
  if (out.providerError !== undefined) {
    const message = upstreamMessage(out.providerError)
    if (message !== undefined) out.providerMessage = message
  }
  return out
}

/** The `headers` record an error body's `metadata` may carry (the upstream's rate-limit headers). */
export const metadataHeaders = (metadata: unknown): unknown => isRecord(metadata) ? metadata.headers : undefined

/** A header of the `metadata.headers` record of an error body, by case-insensitive name. */
const headerIn = (record: unknown, name: string): unknown => {
  if (!isRecord(record)) return undefined
  for (const key in record) {
    if (key.toLowerCase() === name) return record[key]
  }
  return undefined
}

/** Below this, an epoch is read in seconds (it is 1973-03-03 in milliseconds, 5138 AD in seconds). */
const EPOCH_MS_FROM = 1e11
/** Below this, a number is no epoch at all (2001-09-09 in seconds): a count we cannot place in time. */
const EPOCH_S_FROM = 1e9

/**
 * The delay until an `X-RateLimit-Reset` time in milliseconds (OpenRouter sends epoch milliseconds;
 * a number that can only be epoch seconds is read as such). `undefined`, so the policy's own backoff
 * applies, for a reset that is not a number, is too small to be an epoch, or has already passed.
 */
export const rateLimitResetMillis = (value: unknown, now: number): number | undefined => {
  const n = typeof value === "number"
    ? value
    : typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value)
    ? Number(value)
    : Number.NaN
  if (!Number.isFinite(n) || n < EPOCH_S_FROM) return undefined
  const at = n < EPOCH_MS_FROM ? n * 1000 : n
  return at > now ? Math.ceil(at - now) : undefined
}

/**
 * The delay a response asks for, in milliseconds: `retry-after-ms`, then `Retry-After` (seconds, or
 * an HTTP date relative to `now`), then `X-RateLimit-Reset` or, without one, the same name in the
 * error body's `metadata.headers`.
 */
export const retryAfterMillis = (
  headers: Readonly<Record<string, string | undefined>>,
  now: number,
  bodyHeaders?: unknown
): number | undefined => {
  const ms = headers["retry-after-ms"]
  if (ms !== undefined && ms.trim() !== "") {
    const n = Number(ms)
    if (Number.isFinite(n) && n >= 0) return n
  }
  const value = headers["retry-after"]?.trim()
  if (value !== undefined && value !== "") {
    if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000
    const date = Date.parse(value)
    if (!Number.isNaN(date)) return Math.max(0, date - now)
  }
  return rateLimitResetMillis(headers["x-ratelimit-reset"] ?? headerIn(bodyHeaders, "x-ratelimit-reset"), now)
}

/** The `id` of a parsed body, when it is a non-empty string (bounded like every field an error keeps). */
export const bodyId = (body: unknown): string | undefined =>
  isRecord(body) && typeof body.id === "string" && body.id !== "" ? excerpt(body.id, FIELD_LIMIT) : undefined
