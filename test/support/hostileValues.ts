/**
 * Hostile values a caller can hand in, shared by both editions' tests (Effect-free): an object whose
 * field is a getter that throws, and a value whose `toString` throws (a message must not call it).
 */

/** A copy of `base` whose `key` is an enumerable getter that throws. */
export const throwingAt = <T extends object>(base: T, key: string): T =>
  Object.defineProperty({ ...base }, key, {
    enumerable: true,
    get: () => {
      throw new Error("no")
    }
  })

/** A value whose `toString` (and `valueOf`) throws. */
export const unprintable = {
  toString: () => {
    throw new Error("no")
  },
  valueOf: () => {
    throw new Error("no")
  }
}
