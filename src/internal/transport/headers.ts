/** Header helpers shared by the configuration and the request. Effect-free. */

/** A copy of a header record with lower-case names (HTTP header names are case-insensitive). */
export const lowerCaseKeys = (headers: Readonly<Record<string, string>> | undefined): Record<string, string> => {
  const out: Record<string, string> = {}
  if (headers) { for (const name in headers) out[name.toLowerCase()] = headers[name]! }
  return out
}

// RFC 9110 token characters for a header name.
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

// RFC 9110 field-value characters: HTAB, SP, visible ASCII, obs-text (sent as Latin-1). Anything
// else is refused by one HTTP client or another (CR, LF, NUL split or corrupt the header block; a
// character above U+00FF cannot be sent at all), so it is refused before sending, for every client.
const badHeaderValue = /[^\t\x20-\x7e\x80-\xff]/

/**
 * Headers that describe the connection or the framing of the message rather than the request: the
 * HTTP client sets them, and a caller's value would confuse it (or smuggle a second request).
 */
export const forbiddenHeaders: ReadonlySet<string> = new Set([
  "connection",
  "content-length",
  "expect",
  "host",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade"
])

/** What is wrong with one header (lower-case name), or `undefined` when it may be sent. */
export const headerProblem = (name: string, value: unknown): string | undefined => {
  if (!headerName.test(name)) return "not a valid header name"
  if (forbiddenHeaders.has(name)) return "set by the HTTP client; it cannot be set by a caller"
  if (typeof value !== "string") return `a header value must be a string, got ${value === null ? "null" : typeof value}`
  if (badHeaderValue.test(value)) {
    return "a header value may only contain tabs, spaces, visible ASCII and Latin-1 characters (no CR, LF, NUL or other control characters)"
  }
  return undefined
}

// Visible ASCII only: an API key is a token, and a key with a space, a control character or a
// non-ASCII character would be mangled or refused on the way.
const apiKeyChars = /^[\x21-\x7e]+$/

/** Whether an API key can be sent as `Authorization: Bearer <key>`. */
export const isValidApiKey = (key: string): boolean => apiKeyChars.test(key)
