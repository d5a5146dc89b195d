import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { inspect } from "node:util"
import { withAttempts } from "../../src/internal/transport/retry.js"
import * as Errors from "../src/Errors.js"

const fields = (extra: Partial<Errors.StatusErrorFields> = {}): Errors.StatusErrorFields => ({
  message: "m",
  headers: {},
  body: null,
  ...extra
})

// The one status table, row by row: class, tag, description, transient.
const table: ReadonlyArray<
  readonly [number, abstract new(...args: never) => Errors.StatusError, string, string, boolean]
> = [
  [400, Errors.BadRequestResponseError, "BadRequestResponseError", "Bad request", false],
  [401, Errors.UnauthorizedResponseError, "UnauthorizedResponseError", "Unauthorized", false],
  [402, Errors.PaymentRequiredResponseError, "PaymentRequiredResponseError", "Payment required", false],
  [403, Errors.ForbiddenResponseError, "ForbiddenResponseError", "Forbidden", false],
  [404, Errors.NotFoundResponseError, "NotFoundResponseError", "Not found", false],
  [408, Errors.RequestTimeoutResponseError, "RequestTimeoutResponseError", "Request timeout", true],
  [413, Errors.PayloadTooLargeResponseError, "PayloadTooLargeResponseError", "Payload too large", false],
  [422, Errors.UnprocessableEntityResponseError, "UnprocessableEntityResponseError", "Unprocessable entity", false],
  [429, Errors.TooManyRequestsResponseError, "TooManyRequestsResponseError", "Too many requests", true],
  [500, Errors.InternalServerResponseError, "InternalServerResponseError", "Internal server error", true],
  [502, Errors.BadGatewayResponseError, "BadGatewayResponseError", "Bad gateway", true],
  [503, Errors.ServiceUnavailableResponseError, "ServiceUnavailableResponseError", "Service unavailable", true],
  [524, Errors.EdgeNetworkTimeoutResponseError, "EdgeNetworkTimeoutResponseError", "Edge network timeout", true],
  [529, Errors.ProviderOverloadedResponseError, "ProviderOverloadedResponseError", "Provider overloaded", true]
]

describe("status errors", () => {
  it.each(table)(
    "%i builds its own class with its tag, description and retryability",
    (status, Class, tag, description, transient) => {
      const error = Errors.fromStatus(status, fields())
      expect(error).toBeInstanceOf(Class)
      expect(error).toBeInstanceOf(Error)
      expect(error._tag).toBe(tag)
      expect(error.status).toBe(status)
      expect(Errors.isStatusError(error)).toBe(true)
      expect(Errors.describeStatus(status)).toBe(description)
      expect(Errors.isRetryableStatus(status)).toBe(transient)
      expect(Errors.isRetryable(error)).toBe(transient)
    }
  )

  // statuses without a class of their own: 409 and every 5xx are transient, the rest final
  it.each([[409, true], [410, false], [418, false], [504, true], [520, true], [599, true], [451, false]] as const)(
    "%i builds OpenRouterDefaultError (retryable: %s)",
    (status, transient) => {
      const error = Errors.fromStatus(status, fields())
      expect(error).toBeInstanceOf(Errors.OpenRouterDefaultError)
      expect(error._tag).toBe("OpenRouterDefaultError")
      expect(error.status).toBe(status)
      expect(Errors.isStatusError(error)).toBe(true)
      expect(Errors.describeStatus(status)).toBe(`HTTP ${status}`)
      expect(Errors.isRetryableStatus(status)).toBe(transient)
      expect(Errors.isRetryable(error)).toBe(transient)
    }
  )

  it("a 402 with limit_source and Retry-After is a temporary limit (retryable); without either it is final", () => {
    const limit = { limit_source: "in_flight_budget" }
    expect(Errors.isRetryable(Errors.fromStatus(402, fields({ metadata: limit, retryAfter: Duration.seconds(3) }))))
      .toBe(true)
    expect(Errors.isRetryable(Errors.fromStatus(402, fields({ metadata: limit })))).toBe(false)
    expect(Errors.isRetryable(Errors.fromStatus(402, fields({ retryAfter: Duration.seconds(3) })))).toBe(false)
    expect(
      Errors.isRetryable(
        Errors.fromStatus(402, fields({ metadata: { limit_source: "" }, retryAfter: Duration.seconds(3) }))
      )
    ).toBe(false)
  })

  it("an availability error whose body says retryable: false is not retryable, whatever its status", () => {
    expect(
      Errors.isRetryable(Errors.fromStatus(503, fields({ availability: { code: "no_endpoints", retryable: false } })))
    ).toBe(false)
    expect(
      Errors.isRetryable(
        Errors.fromStatus(503, fields({ availability: { code: "capacity_exhausted", retryable: true } }))
      )
    ).toBe(true)
  })

  it("retryAfter reads the delay the server asked for, from status errors only", () => {
    const error = Errors.fromStatus(429, fields({ retryAfter: Duration.seconds(2) }))
    expect(Duration.toMillis(Errors.retryAfter(error)!)).toBe(2000)
    expect(Errors.retryAfter(Errors.fromStatus(429, fields()))).toBeUndefined()
    expect(Errors.retryAfter(new Errors.TimeoutError({ limit: "idle", duration: Duration.seconds(1), message: "t" })))
      .toBeUndefined()
  })

  it("refuses a status class built with another status (the literal is checked)", () => {
    expect(() => new Errors.TooManyRequestsResponseError({ ...fields(), status: 500 as 429 })).toThrow()
  })
})

describe("client-side errors", () => {
  const connection = new Errors.ConnectionError({ reason: "RequestFailed", message: "Request failed" })
  const timeout = new Errors.TimeoutError({ limit: "request", duration: Duration.seconds(1), message: "t" })
  const invalid = new Errors.InvalidRequestError({ message: "bad", issues: [{ path: "temperature", message: "x" }] })
  const decode = new Errors.ResponseDecodeError({ message: "d", status: 200, excerpt: "{", issue: "i" })

  it.each([[connection, true], [timeout, true], [invalid, false], [decode, false]] as const)(
    "%s is retryable: %s, and is not a status error",
    (error, transient) => {
      expect(Errors.isRetryable(error)).toBe(transient)
      expect(Errors.isStatusError(error)).toBe(false)
    }
  )

  it.each(
    [
      ["rate_limit_exceeded", undefined, true],
      ["provider_overloaded", undefined, true],
      ["provider_unavailable", undefined, true],
      ["server", undefined, true],
      ["timeout", undefined, true],
      ["context_length_exceeded", undefined, false],
      [undefined, 429, true],
      [undefined, 502, true],
      [undefined, 400, false],
      [undefined, "server", false]
    ] as const
  )("a MidStreamError with error_type %s and code %s is retryable: %s", (errorType, code, transient) => {
    const error = new Errors.MidStreamError({
      message: "m",
      contentEmitted: false,
      ...(errorType === undefined ? {} : { errorType }),
      ...(code === undefined ? {} : { code })
    })
    expect(Errors.isRetryable(error)).toBe(transient)
  })
})

describe("the printed form", () => {
  it("shows the provider and its own message after OpenRouter's", () => {
    const error = Errors.fromStatus(
      502,
      fields({
        message: "Provider returned error",
        providerName: "Anthropic",
        providerMessage: "Overloaded"
      })
    )
    expect(String(error)).toBe("BadGatewayResponseError: Provider returned error (provider Anthropic: Overloaded)")
    expect(error.message).toBe("Provider returned error")
  })

  it("util.inspect shows the printed line first, then the stack's frames", () => {
    const error = Errors.fromStatus(
      400,
      fields({ message: "Provider returned error", providerName: "OpenAI", providerMessage: "bad" })
    )
    const shown = inspect(error)
    expect(shown.split("\n")[0]).toBe("BadRequestResponseError: Provider returned error (provider OpenAI: bad)")
    expect(shown).toContain("errors.test.ts")
    expect(inspect(new Errors.MidStreamError({ message: "boom", contentEmitted: true, providerName: "P" })))
      .toMatch(/^MidStreamError: boom \(provider P\)/)
  })

  it("names only the provider when its message is OpenRouter's, and nothing more without one", () => {
    expect(String(Errors.fromStatus(502, fields({ message: "x", providerName: "P", providerMessage: "x" }))))
      .toBe("BadGatewayResponseError: x (provider P)")
    expect(String(Errors.fromStatus(502, fields({ message: "x" })))).toBe("BadGatewayResponseError: x")
    expect(String(new Errors.MidStreamError({ message: "boom", contentEmitted: true, providerMessage: "inner" })))
      .toBe("MidStreamError: boom (provider: inner)")
  })
})

describe("in Effect 4 programs", () => {
  it.effect("every error is yieldable and caught by its tag", () =>
    Effect.gen(function*() {
      const caught = yield* Effect.fail(Errors.fromStatus(429, fields())).pipe(
        Effect.catchTags({
          TooManyRequestsResponseError: (e) => Effect.succeed(`slow down (${e.status})`)
        })
      )
      expect(caught).toBe("slow down (429)")
      const flipped = yield* Effect.flip(Effect.gen(function*() {
        return yield* new Errors.ConnectionError({ reason: "StreamCutOff", message: "cut" })
      }))
      expect(flipped._tag).toBe("ConnectionError")
    }))

  // the shared retry bookkeeping (src/internal/transport/retry.ts) copies Effect 4's error classes too
  it.each([
    new Errors.ConnectionError({ reason: "RequestFailed", message: "m", cause: new Error("socket hang up") }),
    Errors.fromStatus(429, fields({ retryAfter: Duration.seconds(2) })),
    new Errors.MidStreamError({ message: "provider died", code: 502, contentEmitted: false, generationId: "gen-1" })
  ])("withAttempts keeps the class, fields, message and stack of a %s", (error) => {
    const copy = withAttempts(error, 3)
    expect(copy).not.toBe(error)
    expect(copy.constructor).toBe(error.constructor)
    expect(copy.attempts).toBe(3)
    expect(copy.message).toBe(error.message)
    expect(copy.stack).toBe(error.stack)
    expect({ ...copy, attempts: undefined }).toEqual({ ...error, attempts: undefined })
    expect(error.attempts).toBeUndefined()
  })
})
