import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import { withAttempts } from "../../src/internal/retry.js"
import * as Errors from "../src/Errors.js"

describe("withAttempts (the error a retry loop gives up with)", () => {
  const cause = new Error("socket hang up")
  const errors: ReadonlyArray<Errors.StreamError> = [
    new Errors.ConnectionError({ reason: "RequestFailed", message: "Request failed: boom", cause }),
    new Errors.TimeoutError({ limit: "idle", duration: Duration.seconds(3), message: "took too long" }),
    Errors.fromStatus(429, {
      message: "Rate limited",
      code: 429,
      headers: { "retry-after": "2" },
      retryAfter: Duration.seconds(2),
      body: { error: { code: 429, message: "Rate limited" } }
    }),
    new Errors.MidStreamError({ message: "provider died", code: 502, contentEmitted: false, generationId: "gen-1" })
  ]

  for (const error of errors) {
    it(`keeps the class, every field, the message, the cause and the stack of a ${error._tag}`, () => {
      const copy = withAttempts(error, 3)
      expect(copy).not.toBe(error)
      expect(copy.constructor).toBe(error.constructor)
      expect(copy._tag).toBe(error._tag)
      expect(copy.attempts).toBe(3)
      expect(copy.message).toBe(error.message)
      expect(copy.stack).toBe(error.stack)
      expect((copy as { readonly cause?: unknown }).cause).toBe((error as { readonly cause?: unknown }).cause)
      expect({ ...copy, attempts: undefined }).toEqual({ ...error, attempts: undefined })
      expect(error.attempts).toBeUndefined()
    })
  }

  it("leaves an InvalidRequestError as it is (nothing was attempted)", () => {
    const error = new Errors.InvalidRequestError({ message: "bad", issues: [] })
    expect(withAttempts(error, 1)).toBe(error)
  })
})
