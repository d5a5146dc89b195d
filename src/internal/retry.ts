/**
 * What the retry loops record on the error they give up with.
 */
import type * as Errors from "../Errors.js"

/**
 * Returns a copy of the error that records how many attempts were made.
 */
export const withAttempts = <E extends Errors.StreamError>(error: E, attempts: number): E => {
  if (error._tag === "InvalidRequestError") return error
  // Copy every own property with its descriptor: `message` and `stack` are non-enumerable on errors.
  const copy = Object.create(Object.getPrototypeOf(error)) as E
  for (const key of Reflect.ownKeys(error)) {
    Object.defineProperty(copy, key, Object.getOwnPropertyDescriptor(error, key)!)
  }
  Object.defineProperty(copy, "attempts", { value: attempts, enumerable: true, writable: false, configurable: true })
  return copy
}
