/**
 * The one reader of a token count in OpenRouter's `usage` (`prompt_tokens`, `completion_tokens`,
 * `total_tokens`, `cached_tokens`, `cache_write_tokens`, `reasoning_tokens`), shared by both editions'
 * providers and telemetry, and the usage object as JSON can hold it. Model output is input: a count
 * that is not a non-negative safe integer (a fraction, a negative, past 2^53 - 1, `Infinity` from
 * `1e400`, a string, `null`, a boolean) is left out, so no AI library's `Usage`, GenAI attribute or
 * token histogram receives a count that cannot be, and the billed answer around it is kept.
 *
 * Effect-free; imports no edition.
 */
import { isRecord } from "../transport/json.js"

/** The count, or `undefined` when `u` is not a non-negative safe integer. */
export const tokenCount = (u: unknown): number | undefined =>
  typeof u === "number" && Number.isSafeInteger(u) && u >= 0 ? u : undefined

const isNonFinite = (u: unknown): boolean => typeof u === "number" && !Number.isFinite(u)

const holdsNonFinite = (u: unknown): boolean =>
  isNonFinite(u) || (Array.isArray(u) ? u.some(holdsNonFinite) : isRecord(u) && Object.values(u).some(holdsNonFinite))

const withoutNonFinite = (u: unknown): unknown => {
  if (Array.isArray(u)) return u.filter((v) => !isNonFinite(v)).map(withoutNonFinite)
  if (!isRecord(u)) return u
  // fromEntries defines own properties: a "__proto__" key stays a key
  return Object.fromEntries(
    Object.entries(u).filter(([, v]) => !isNonFinite(v)).map(([k, v]) => [k, withoutNonFinite(v)])
  )
}

/**
 * The usage object as received, but for the numbers JSON cannot hold (`1e400` parses to `Infinity`),
 * left out: effect/ai 4 checks a part's metadata against `Schema.Json`, and would throw the answer away
 * over them. The object itself when it holds none.
 */
export const jsonUsage = <A>(usage: A): A => (holdsNonFinite(usage) ? withoutNonFinite(usage) as A : usage)
