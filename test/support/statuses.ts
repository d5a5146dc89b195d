/**
 * Every status OpenRouter answers with, and a default 4xx and 5xx: the tag of its error and whether it
 * is retryable. Shared by both editions' `statuses.test.ts` (Effect-free: each runs it with its own
 * `Chat`, `Errors`, `Retry` and `Testing`).
 */

/** [status, the tag of its error, retryable]. */
export const statusCases: ReadonlyArray<readonly [status: number, tag: string, retryable: boolean]> = [
  [400, "BadRequestResponseError", false],
  [401, "UnauthorizedResponseError", false],
  [402, "PaymentRequiredResponseError", false],
  [403, "ForbiddenResponseError", false],
  [404, "NotFoundResponseError", false],
  [408, "RequestTimeoutResponseError", true],
  [409, "OpenRouterDefaultError", true],
  [413, "PayloadTooLargeResponseError", false],
  [418, "OpenRouterDefaultError", false],
  [422, "UnprocessableEntityResponseError", false],
  [429, "TooManyRequestsResponseError", true],
  [500, "InternalServerResponseError", true],
  [502, "BadGatewayResponseError", true],
  [503, "ServiceUnavailableResponseError", true],
  [507, "OpenRouterDefaultError", true],
  [524, "EdgeNetworkTimeoutResponseError", true],
  [529, "ProviderOverloadedResponseError", true]
]
