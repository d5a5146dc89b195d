/** Header helpers shared by the configuration and the request. Effect-free. */

/** A copy of a header record with lower-case names (HTTP header names are case-insensitive). */
export const lowerCaseKeys = (headers: Readonly<Record<string, string>> | undefined): Record<string, string> => {
  const out: Record<string, string> = {}
  if (headers) { for (const name in headers) out[name.toLowerCase()] = headers[name]! }
  return out
}
