/**
 * Small helpers for JSON text and the values `JSON.parse` returns. Effect-free.
 */

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
