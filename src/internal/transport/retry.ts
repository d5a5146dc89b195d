/**
 * What the retry loops record on the error they give up with.
 */
import type { TaggedErrorShape } from "../chat/wireShapes.js"

/**
 * Returns a copy of the error that records how many attempts were made: a new instance of the error's
 * own class (its tagged error constructor, without re-validating fields that a valid instance
 * already holds), with the original's `stack`, so the trace still points where the failure happened.
 * Runs once per call that gives up, never per chunk: `bench/pipeline-primitives.ts` measured the
 * property-descriptor copy this replaced at no gain end to end.
 */
export const withAttempts = <E extends TaggedErrorShape>(error: E, attempts: number): E => {
  if (error._tag === "InvalidRequestError") return error
  // `message` and `cause` are own but not enumerable on errors: name every field.
  const fields: Record<string, unknown> = {}
  for (const key of Object.keys(error)) fields[key] = (error as unknown as Record<string, unknown>)[key]
  fields.message = error.message
  if ("cause" in error) fields.cause = error.cause
  delete fields._tag
  // Effect 3's constructor reads `{ disableValidation }`, Effect 4's `{ disableChecks }` (it ignores a
  // bare `true`): the one options object skips re-validation in both editions.
  const Class = error.constructor as new(
    fields: Record<string, unknown>,
    options: { readonly disableValidation: boolean; readonly disableChecks: boolean }
  ) => E
  const copy = new Class({ ...fields, attempts }, { disableValidation: true, disableChecks: true })
  if (error.stack !== undefined) {
    Object.defineProperty(copy, "stack", { value: error.stack, writable: true, configurable: true })
  }
  return copy
}
