/**
 * CORS for the loopback emulator, so a browser page on another origin can call it: preflights are
 * answered here (never recorded, never scripted) and every scripted response gets the headers
 * that let the page read it. No Effect: plain functions of the request headers.
 *
 * @internal
 */

/** @internal */
export type Options = boolean | { readonly allowedOrigins: ReadonlyArray<string> }

/**
 * The `Access-Control-Allow-Origin` value for a request from `origin`, or `undefined` when CORS is
 * off, the request has no `Origin` (not a cross-origin browser request) or the origin is not allowed.
 *
 * @internal
 */
export const allowOrigin = (options: Options | undefined, origin: string | undefined): string | undefined => {
  if (options === undefined || options === false || origin === undefined) return undefined
  if (options === true) return "*"
  return options.allowedOrigins.includes(origin) ? origin : undefined
}

/**
 * Headers for an actual (non-preflight) response: the page may read the status, the body and every
 * header (`Retry-After`, `X-Generation-Id`, ...).
 *
 * @internal
 */
export const responseHeaders = (allowed: string): Record<string, string> => ({
  "access-control-allow-origin": allowed,
  "access-control-expose-headers": "*",
  ...(allowed === "*" ? {} : { vary: "Origin" })
})

/**
 * Headers for a preflight answer: the method and headers the page asked for are allowed (the
 * `Authorization` header cannot be allowed by a wildcard, so the requested names are echoed).
 *
 * @internal
 */
export const preflightHeaders = (
  allowed: string,
  requestMethod: string,
  requestHeaders: string | undefined
): Record<string, string> => ({
  ...responseHeaders(allowed),
  "access-control-allow-methods": requestMethod,
  ...(requestHeaders === undefined || requestHeaders === "" ? {} : { "access-control-allow-headers": requestHeaders }),
  "access-control-max-age": "600",
  "content-length": "0"
})
