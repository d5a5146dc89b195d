/**
 * Small helpers for JSON text and the values `JSON.parse` returns. Effect-free.
 */

/**
 * The deepest nesting of objects and arrays the client accepts, in a request and in a model's output
 * alike: one bound, so a value read from an answer can always be sent back in the next request.
 *
 * Why 128: the walks over a value (the Schema decoder, the request snapshot, the partial-value
 * comparisons) recurse once per level, and the Schema decoder overflows the stack past roughly 1,200
 * levels of a recursive `Schema.suspend` type; 128 keeps a tenfold margin for whatever stack the
 * caller already uses. Real answers are far shallower: OpenAI's strict mode allows 10 levels of
 * nesting in a response schema.
 */
export const MAX_DEPTH = 128

/** Why an answer was refused when it nests deeper than {@link MAX_DEPTH}. */
export const TOO_DEEP = `nested deeper than ${MAX_DEPTH} levels`

/**
 * Whether a JSON text nests objects and arrays deeper than `max` (brackets inside strings do not
 * count). One linear pass over the characters and no allocation, so it runs before any parse or
 * decode that would recurse; the text need not be valid JSON.
 */
export const nestsDeeperThan = (text: string, max: number = MAX_DEPTH): boolean => {
  const n = text.length
  let depth = 0
  let i = 0
  while (i < n) {
    const c = text.charCodeAt(i++)
    if (c === 0x22) {
      // skip the string, escapes included
      while (i < n) {
        const d = text.charCodeAt(i++)
        if (d === 0x5c) i++
        else if (d === 0x22) break
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true
    } else if (c === 0x7d || c === 0x5d) {
      depth--
    }
  }
  return false
}

/** A plain object (not null, not an array). */
export const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** Why a text is not JSON: the parser's own message. */
export class NotJson {
  constructor(readonly message: string) {}
}

/**
 * The value of a JSON text, or a {@link NotJson} with the parser's message. The success path allocates
 * nothing beyond the value (stream chunks are parsed here, one call per event).
 */
export const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch (e) {
    return new NotJson(e instanceof Error ? e.message : String(e))
  }
}

/**
 * The `error` member of a body when it is an OpenRouter error, else `undefined`. The one answer to "is
 * this body an OpenRouter error?", for complete responses, JSON answers to stream requests and
 * stream chunks alike: a JSON object whose `error` is present and not null.
 */
export const errorMember = (json: unknown): unknown =>
  isRecord(json) && json.error !== undefined && json.error !== null ? json.error : undefined
