/**
 * Test fixtures shared by both editions' suites (Effect-free: each suite imports its own `effect`).
 */

/** A key that must never show up in an error, a log line or a printed value. */
export const SECRET = "sk-or-v1-0f1e2d3c4b5a69788796a5b4c3d2e1f0-test-secret"

/** Every status the library maps, with the tag of its error (both editions map them alike). */
export const statusTable: ReadonlyArray<readonly [number, string]> = [
  [400, "BadRequestResponseError"],
  [401, "UnauthorizedResponseError"],
  [402, "PaymentRequiredResponseError"],
  [403, "ForbiddenResponseError"],
  [404, "NotFoundResponseError"],
  [408, "RequestTimeoutResponseError"],
  [413, "PayloadTooLargeResponseError"],
  [422, "UnprocessableEntityResponseError"],
  [429, "TooManyRequestsResponseError"],
  [500, "InternalServerResponseError"],
  [502, "BadGatewayResponseError"],
  [503, "ServiceUnavailableResponseError"],
  [524, "EdgeNetworkTimeoutResponseError"],
  [529, "ProviderOverloadedResponseError"],
  [418, "OpenRouterDefaultError"],
  [504, "OpenRouterDefaultError"]
]
