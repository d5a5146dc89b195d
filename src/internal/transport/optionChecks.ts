/**
 * Checking what a caller configures: the options of `OpenRouterConfig.layer` / `makeConfig`, the
 * resolved configuration service, and the per-call options of `Chat.send` / `Chat.stream`. Every
 * value is read once, inside a `try` (an options object may be a `Proxy` or have throwing getters),
 * and every problem becomes a `RequestIssue` naming the option; nothing here throws.
 *
 * Effect-free and shared by both editions: the few checks that need Effect (is this a `Duration`, a
 * `Schedule`, a `Redacted`?) are passed in by each edition's `internal/transport/options.ts` through
 * {@link EffectChecks} and {@link bind}.
 */
import { excerpt } from "./bounded.js"
import { headerProblem, isValidApiKey } from "./headers.js"
import { isRecord } from "./json.js"
import { policyProblems } from "./retry.js"
import { describeThrown, shownValue } from "./snapshot.js"

/** A problem with one option (`Errors.RequestIssue` in either edition). */
export interface Issue {
  readonly path: string
  readonly message: string
}

/** What the checks need from the edition's Effect. */
export interface EffectChecks {
  /** A duration input decoded to the edition's `Duration`, or `undefined`. */
  readonly decodeDuration: (u: unknown) => unknown
  readonly isDuration: (u: unknown) => boolean
  readonly isSchedule: (u: unknown) => boolean
  readonly isRedacted: (u: unknown) => boolean
  /** The value of a `Redacted` (called inside a `try`). */
  readonly redactedValue: (u: unknown) => unknown
}

type Issues = Array<Issue>

/** Reads `record[key]`, turning a throw into an issue (and `undefined`). */
export const readField = (record: unknown, key: string, path: string, issues: Issues): unknown => {
  if (record === undefined || record === null) return undefined
  try {
    return (record as Record<string, unknown>)[key]
  } catch (e) {
    issues.push({ path, message: `reading the option threw: ${describeThrown(e)}` })
    return undefined
  }
}

/**
 * A duration option: a `Duration`, a number of milliseconds (finite or `Infinity`, not negative, not
 * `NaN`), a `bigint` of nanoseconds, a `[seconds, nanos]` pair, or a string such as `"30 seconds"`.
 */
const checkDuration = (fx: EffectChecks, u: unknown, path: string, issues: Issues): unknown => {
  if (u === undefined) return undefined
  if (typeof u === "number" && (Number.isNaN(u) || u < 0)) {
    issues.push({ path, message: `a duration must be a non-negative number of milliseconds, got ${u}` })
    return undefined
  }
  try {
    const decoded = fx.decodeDuration(u)
    if (decoded !== undefined) return decoded
  } catch {
    // a hostile value: reported below
  }
  issues.push({
    path,
    message: `not a duration (a Duration, a number of milliseconds, or a string such as "30 seconds"), got ${
      shownValue(u)
    }`
  })
  return undefined
}

const isNonNegative = (u: unknown): boolean => typeof u === "number" && u >= 0 && u !== Infinity

/** A retry option: `false`, or a `Retry.Policy` (`Retry.backoff(...)` / `Retry.fromSchedule(...)`). */
const checkPolicy = (fx: EffectChecks, u: unknown, path: string, issues: Issues): unknown => {
  if (u === undefined || u === false) return u
  const problem = policyProblem(fx, u)
  if (problem === undefined) return u
  issues.push({ path, message: problem })
  return undefined
}

const policyProblem = (fx: EffectChecks, u: unknown): string | undefined => {
  const expected = "expected false or a Retry.Policy (Retry.backoff(...) or Retry.fromSchedule(...))"
  try {
    if (!isRecord(u)) return `${expected}, got ${shownValue(u)}`
    const recorded = policyProblems.get(u)
    if (recorded !== undefined) return recorded
    const p = u
    if (typeof p.while !== "function" || !fx.isDuration(p.maxRetryAfter)) return expected
    if (p._tag === "FromSchedule") return fx.isSchedule(p.schedule) ? undefined : expected
    if (p._tag !== "Backoff") return expected
    if (!Number.isInteger(p.retries) || !isNonNegative(p.retries)) return "retries must be a non-negative integer"
    if (!fx.isDuration(p.baseDelay) || !fx.isDuration(p.maxDelay)) return expected
    if (!isNonNegative(p.factor)) return "factor must be a non-negative finite number"
    if (!isNonNegative(p.jitter) || (p.jitter as number) > 1) return "jitter must be between 0 and 1"
    return undefined
  } catch (e) {
    return `reading the policy threw: ${describeThrown(e)}`
  }
}

/** A boolean option. */
export const checkBoolean = (u: unknown, path: string, issues: Issues): boolean | undefined => {
  if (u === undefined || typeof u === "boolean") return u
  issues.push({ path, message: `expected a boolean, got ${shownValue(u)}` })
  return undefined
}

/**
 * The telemetry option: `false`, or an object whose `spans`, `metrics` and `recordContent` are booleans
 * and whose `cardinalityLimit` is a whole number, 1 or more, when present; read once into a plain copy
 * (an options object may have getters).
 */
export const checkTelemetry = (
  u: unknown,
  path: string,
  issues: Issues
):
  | { spans?: boolean; metrics?: boolean; recordContent?: boolean; cardinalityLimit?: number }
  | false
  | undefined =>
{
  if (u === undefined || u === false) return u
  if (!isRecord(u)) {
    issues.push({ path, message: `expected false or telemetry options, got ${shownValue(u)}` })
    return undefined
  }
  const out: { spans?: boolean; metrics?: boolean; recordContent?: boolean; cardinalityLimit?: number } = {}
  for (const key of ["spans", "metrics", "recordContent"] as const) {
    const value = checkBoolean(readField(u, key, `${path}.${key}`, issues), `${path}.${key}`, issues)
    if (value !== undefined) out[key] = value
  }
  const limitPath = `${path}.cardinalityLimit`
  const limit = readField(u, "cardinalityLimit", limitPath, issues)
  if (limit !== undefined) {
    if (typeof limit === "number" && Number.isSafeInteger(limit) && limit >= 1) out.cardinalityLimit = limit
    else issues.push({ path: limitPath, message: `expected a whole number, 1 or more, got ${shownValue(limit)}` })
  }
  return out
}

/**
 * A header record option (names lower-cased; later names win). Each value must be a valid header
 * value, and connection and framing headers are refused (see `headerProblem`).
 */
export const checkHeaders = (
  u: unknown,
  issues: Issues,
  into: Record<string, string> = {}
): Record<string, string> => {
  if (u === undefined || u === null) return into
  try {
    if (!isRecord(u)) {
      issues.push({ path: "headers", message: `expected a record of header names to values, got ${shownValue(u)}` })
      return into
    }
    for (const name of Object.keys(u)) {
      const value = (u as Record<string, unknown>)[name]
      const lower = name.toLowerCase()
      const problem = headerProblem(lower, value)
      if (problem === undefined) into[lower] = value as string
      else issues.push({ path: `headers.${excerpt(lower, 256)}`, message: problem })
    }
  } catch (e) {
    issues.push({ path: "headers", message: `reading the headers threw: ${describeThrown(e)}` })
  }
  return into
}

/** The headers of a configuration, checked as per-call headers are. */
export const checkHeaderRecord = (headers: Readonly<Record<string, string>>, issues: Issues): void => {
  checkHeaders(headers, issues)
}

/**
 * A base URL: an absolute `http:` or `https:` URL without credentials, query or fragment. The
 * messages never repeat the URL (it may hold a password).
 */
export const checkBaseUrl = (u: unknown, path: string, issues: Issues): string | undefined => {
  if (typeof u !== "string") {
    issues.push({ path, message: `expected a URL string, got ${shownValue(u)}` })
    return undefined
  }
  const url = URL.canParse(u) ? new URL(u) : undefined
  if (url === undefined) {
    issues.push({ path, message: "not an absolute URL" })
  } else if (url.protocol !== "http:" && url.protocol !== "https:") {
    issues.push({ path, message: `only http: and https: URLs are supported, got ${url.protocol}` })
  } else if (url.username !== "" || url.password !== "") {
    issues.push({ path, message: "must not contain credentials (user:password@); the API key is the credential" })
  } else if (url.search !== "" || url.hash !== "") {
    issues.push({ path, message: "must not have a query or a fragment" })
  } else {
    return u
  }
  return undefined
}

/** An API key: a `Redacted` non-empty string of visible ASCII. The message never shows the key. */
const checkApiKey = (fx: EffectChecks, u: unknown, path: string, issues: Issues): void => {
  let key: unknown
  try {
    key = fx.isRedacted(u) ? fx.redactedValue(u) : undefined
  } catch {
    key = undefined
  }
  if (typeof key !== "string") {
    issues.push({ path, message: "expected the key as a Redacted string (Redacted.make(key) or Config.redacted)" })
  } else if (key.length === 0) {
    issues.push({ path, message: "the API key is empty" })
  } else if (!isValidApiKey(key)) {
    issues.push({
      path,
      message: "the API key may only contain visible ASCII characters (no spaces, line breaks or other characters)"
    })
  }
}

/**
 * The problems of each configuration service: recorded by `makeConfig` for the options it was given,
 * or found by {@link serviceIssues} for a service built some other way.
 */
export const configIssues = new WeakMap<object, ReadonlyArray<Issue>>()

/** The service fields a call reads, as a caller could have built them without `makeConfig`. */
export interface ServiceLike {
  readonly apiKey: unknown
  readonly completionsUrl: unknown
  readonly headers: unknown
  readonly metadata: unknown
  readonly timeout: unknown
  readonly idleTimeout: unknown
  readonly retry: unknown
}

/** Checks a configuration service's fields (for a service that `makeConfig` did not build). */
const serviceIssues = (fx: EffectChecks, config: ServiceLike): ReadonlyArray<Issue> => {
  const recorded = configIssues.get(config)
  if (recorded !== undefined) return recorded
  const issues: Issues = []
  const read = (key: string) => readField(config, key, key, issues)
  checkApiKey(fx, read("apiKey"), "apiKey", issues)
  const url = read("completionsUrl")
  checkBaseUrl(url, "baseUrl", issues)
  checkHeaders(read("headers"), issues)
  checkBoolean(read("metadata"), "metadata", issues)
  const timeout = read("timeout")
  if (!fx.isDuration(timeout)) issues.push({ path: "timeout", message: "expected a Duration" })
  const idle = read("idleTimeout")
  if (!fx.isDuration(idle)) issues.push({ path: "idleTimeout", message: "expected a Duration" })
  checkPolicy(fx, read("retry"), "retry", issues)
  configIssues.set(config, issues)
  return issues
}

/**
 * The checks that need Effect, bound to one edition's Effect. The results are typed by the caller
 * (the edition's `Duration` and `Retry.Policy`): they are the values given, once checked.
 */
export const bind = <Duration, Policy>(fx: EffectChecks) => ({
  checkDuration: (u: unknown, path: string, issues: Issues): Duration | undefined =>
    checkDuration(fx, u, path, issues) as Duration | undefined,
  checkPolicy: (u: unknown, path: string, issues: Issues): Policy | false | undefined =>
    checkPolicy(fx, u, path, issues) as Policy | false | undefined,
  checkApiKey: (u: unknown, path: string, issues: Issues): void => checkApiKey(fx, u, path, issues),
  serviceIssues: (config: ServiceLike): ReadonlyArray<Issue> => serviceIssues(fx, config)
})
