/**
 * Reading what a caller hands the test kit. A reply builder never throws: an argument it cannot read
 * (`null` options, a `Proxy` whose traps throw, a getter that throws, a string where an object goes)
 * stops the builder with an {@link Unreadable} naming the argument, and the builder answers the
 * emulator's 500 carrying that message (`Replies.guarded`), so the test sees what went wrong at the
 * call. Every read happens here, once, inside a `try`; the builders then work on plain copies.
 * Effect-free, shared by both editions.
 *
 * @internal
 */
import { isRecord } from "../transport/json.js"
import { describeThrown, shownValue } from "../transport/snapshot.js"

/** Why an argument cannot be used: the whole message of the emulator's 500. @internal */
export class Unreadable {
  constructor(readonly message: string) {}
}

/**
 * Why each Pause made by `Testing.pause` from a duration it cannot read is unusable: the Pause is
 * made all the same (building a body never throws), `Testing.raw` answers the emulator's 500 for a
 * body array holding one, and a lazy body that reaches one fails there with this message.
 *
 * @internal
 */
export const unreadablePauses = new WeakMap<object, string>()

/** The message of anything a builder threw: an {@link Unreadable}'s own, else `who: <thrown>`. @internal */
export const problemOf = (who: string, thrown: unknown): string =>
  thrown instanceof Unreadable ? thrown.message : `${who}: ${describeThrown(thrown)}`

/**
 * A plain copy of the object argument `name` of `who` (its own enumerable fields, each read once);
 * `undefined` reads as `{}` unless the argument is required. Throws an {@link Unreadable} naming it.
 *
 * @internal
 */
export const readObject = <O extends object>(
  who: string,
  name: string,
  value: O | undefined,
  required = false
): O => {
  if (value === undefined && !required) return {} as O
  let copy: O | undefined
  try {
    if (isRecord(value)) copy = { ...value }
  } catch (e) {
    throw new Unreadable(`${who}: reading ${name} threw: ${describeThrown(e)}`)
  }
  if (copy === undefined) throw new Unreadable(`${who}: ${name} must be an object, got ${shownValue(value)}`)
  return copy
}

/** Throws an {@link Unreadable} unless `value` is iterable (asking a `Proxy` may throw). @internal */
export const readIterable = <A>(who: string, name: string, value: Iterable<A>): Iterable<A> => {
  let iterable = false
  try {
    iterable = value !== null && value !== undefined &&
      typeof (value as { readonly [Symbol.iterator]?: unknown })[Symbol.iterator] === "function"
  } catch (e) {
    throw new Unreadable(`${who}: reading ${name} threw: ${describeThrown(e)}`)
  }
  if (!iterable) throw new Unreadable(`${who}: ${name} must be iterable, got ${shownValue(value)}`)
  return value
}

/** Throws an {@link Unreadable} unless `value` is a string (or `undefined`, when optional). @internal */
export const readString = (who: string, name: string, value: string | undefined, required = false): void => {
  if (typeof value === "string" || (value === undefined && !required)) return
  throw new Unreadable(`${who}: ${name} must be a string, got ${shownValue(value)}`)
}

/**
 * Throws an {@link Unreadable} unless `read` (the edition's `Duration` reading) accepts the duration
 * `name` of `who`; `undefined` is accepted (no duration).
 *
 * @internal
 */
export const readDuration = (
  who: string,
  name: string,
  value: unknown,
  read: (duration: unknown) => unknown
): void => {
  if (value === undefined) return
  try {
    read(value)
  } catch {
    throw new Unreadable(`${who}: ${name} must be a duration, got ${shownValue(value)}`)
  }
}
