/**
 * The body of the `withAttempts` test, shared by both editions (`test/with-attempts.test.ts`,
 * `effect4/test/with-attempts.test.ts`): the shared `src/internal/transport/retry.ts` copies an edition's error
 * with the attempts a retry loop made. Effect-free: each edition passes its vitest functions and the
 * errors to copy, made with its own `Errors` (an `InvalidRequestError` among them).
 */
import { withAttempts } from "../../src/internal/transport/retry.js"

/** An error of either edition's `Errors`, as the test reads it. */
export interface AnyError {
  readonly _tag: string
  readonly message: string
  readonly stack?: string | undefined
  readonly attempts?: number | undefined
}

/** What the suite needs of an edition. */
export interface Edition {
  readonly describe: (name: string, body: () => void) => unknown
  readonly it: (name: string, body: () => void) => unknown
  readonly expect: (value: unknown) => {
    toBe(expected: unknown): void
    toEqual(expected: unknown): void
    toBeUndefined(): void
    readonly not: { toBe(expected: unknown): void }
  }
  /** A `ConnectionError`, a `TimeoutError`, a status error and a `MidStreamError`. */
  readonly errors: ReadonlyArray<AnyError>
  /** An `InvalidRequestError`. */
  readonly invalid: AnyError
}

export const withAttemptsSuite = ({ describe, errors, expect, invalid, it }: Edition): void => {
  describe("withAttempts (the error a retry loop gives up with)", () => {
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
      expect(withAttempts(invalid, 1)).toBe(invalid)
    })
  })
}
