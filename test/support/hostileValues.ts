/**
 * Hostile values a caller can hand in, shared by both editions' tests (Effect-free): an object whose
 * field is a getter that throws, a `Proxy` whose traps throw, a value whose `toString` throws (a message
 * must not call it), and the `fast-check` settings for any JavaScript value.
 */

/** A copy of `base` whose `key` is an enumerable getter that throws. */
export const throwingAt = <T extends object>(base: T, key: string): T =>
  Object.defineProperty({ ...base }, key, {
    enumerable: true,
    get: () => {
      throw new Error("no")
    }
  })

/** A `Proxy` whose traps throw: its keys cannot be listed, its fields read nor its prototype asked for. */
export const throwingProxy = (): object =>
  new Proxy({}, {
    ownKeys() {
      throw new Error("ownKeys trap")
    },
    get() {
      throw new Error("get trap")
    },
    getPrototypeOf() {
      throw new Error("getPrototypeOf trap")
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

/**
 * `fc.anything` settings for every kind of value a caller could hand in where JSON is expected: bigints,
 * boxed values, dates, maps, sets, typed arrays, sparse arrays and objects without a prototype.
 */
export const anyValue = {
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
  withObjectString: true,
  withSet: true,
  withSparseArray: true,
  withTypedArray: true
} as const
