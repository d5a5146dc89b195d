/**
 * A request body as plain JSON data, read once. Effect-free.
 *
 * A caller's value may be anything: a class instance, a `Proxy` whose traps throw, a getter that
 * answers differently on every read, a cycle, a `BigInt`. `snapshot` reads it exactly once, into a
 * fresh tree of plain objects, arrays, strings, finite numbers, booleans and `null`, which is then
 * validated and serialised; nothing reads the caller's value again. Whatever JSON cannot represent
 * as it is is refused with the path where it was found, rather than changed (`JSON.stringify` turns
 * `NaN` into `null`, drops functions and symbols, turns a `Map` into `{}`, and throws on a cycle, a
 * `BigInt` or a deep nesting).
 *
 * Rules:
 * - a plain object (prototype `Object.prototype` or `null`) is read through its own enumerable
 *   string keys, as `JSON.stringify` does; a property whose value is `undefined` is left out (it is
 *   absent); symbol keys and non-enumerable properties are not data and are not read;
 * - an array is read by index up to its `length`; a hole or `undefined` item is refused (JSON would
 *   turn it into `null`);
 * - numbers must be finite (`-0` is kept, and JSON writes it as `0`); `BigInt`, functions, symbols, and objects of any other class (`Date`,
 *   `Map`, `Set`, typed arrays, class instances, boxed primitives) are refused;
 * - nesting deeper than {@link MAX_DEPTH} is refused (the cost of a request stays linear and no
 *   stack overflows), as is a cycle;
 * - a read that throws (a getter, a `Proxy` trap) is refused with the thrown message.
 */
import { MAX_DEPTH } from "./json.js"

/** The deepest nesting of objects and arrays a request may have (the bound model output has too). */
export { MAX_DEPTH }

/** Why a value was refused, and where. */
export class Unrepresentable {
  constructor(readonly path: string, readonly message: string) {}
}

const objectProto = Object.prototype
const isArray = Array.isArray
const keysOf = Object.keys
const getProto = Object.getPrototypeOf

// Thrown inside the walk, caught once at the top.
class Refusal {
  constructor(readonly path: ReadonlyArray<string | number>, readonly message: string) {}
}

/**
 * The plain JSON copy of `value`, or an {@link Unrepresentable} naming the first part of it that
 * JSON cannot represent as it is.
 */
export const snapshot = (value: unknown, root: string = "(request)"): unknown => {
  const path: Array<string | number> = []
  // The objects on the current path (cycle detection); the path is at most MAX_DEPTH long.
  const ancestors: Array<object> = []
  try {
    return copy(value, path, ancestors)
  } catch (e) {
    if (e instanceof Refusal) return new Unrepresentable(formatPath(root, e.path), e.message)
    return new Unrepresentable(formatPath(root, path), `reading the value threw: ${describeThrown(e)}`)
  }
}

const copy = (value: unknown, path: Array<string | number>, ancestors: Array<object>): unknown => {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value
    case "number":
      if (value === value && value !== Infinity && value !== -Infinity) return value
      throw new Refusal(path, `${value} is not a JSON number`)
    case "object":
      if (value === null) return null
      return copyObject(value, path, ancestors)
    case "undefined":
      throw new Refusal(path, "undefined is not a JSON value")
    case "bigint":
      throw new Refusal(path, "a BigInt is not a JSON value (convert it to a number or a string)")
    case "function":
      throw new Refusal(path, "a function is not a JSON value")
    case "symbol":
      throw new Refusal(path, "a symbol is not a JSON value")
  }
  throw new Refusal(path, `a ${typeof value} is not a JSON value`)
}

const copyObject = (value: object, path: Array<string | number>, ancestors: Array<object>): unknown => {
  const depth = ancestors.length
  if (depth >= MAX_DEPTH) throw new Refusal(path, `nested deeper than ${MAX_DEPTH} levels`)
  for (let i = 0; i < depth; i++) {
    if (ancestors[i] === value) throw new Refusal(path, "a circular reference is not JSON")
  }
  ancestors.push(value)
  let out: unknown
  if (isArray(value)) {
    const length = value.length
    const items = new Array(length)
    for (let i = 0; i < length; i++) {
      path.push(i)
      const item = value[i]
      if (item === undefined) {
        throw new Refusal(path, i in value ? "undefined is not a JSON value" : "an array hole is not a JSON value")
      }
      items[i] = copy(item, path, ancestors)
      path.pop()
    }
    out = items
  } else {
    const proto = getProto(value)
    if (proto !== objectProto && proto !== null) {
      throw new Refusal(path, `${describeClass(value)} is not plain JSON data`)
    }
    const record: Record<string, unknown> = {}
    const keys = keysOf(value)
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!
      path.push(key)
      const item = (value as Record<string, unknown>)[key]
      if (item !== undefined) {
        const copied = copy(item, path, ancestors)
        if (key === "__proto__") {
          Object.defineProperty(record, key, { value: copied, enumerable: true, writable: true, configurable: true })
        } else {
          record[key] = copied
        }
      }
      path.pop()
    }
    out = record
  }
  ancestors.pop()
  return out
}

const describeClass = (value: object): string => {
  try {
    const tag = Object.prototype.toString.call(value).slice(8, -1)
    const name = (value as { readonly constructor?: { readonly name?: unknown } }).constructor?.name
    return typeof name === "string" && name !== "" && name !== tag ? `a ${name} (${tag})` : `a ${tag}`
  } catch {
    return "an object of another class"
  }
}

/** A bounded description of something thrown, itself safe to read. */
export const describeThrown = (e: unknown): string => {
  try {
    const message = e instanceof Error ? e.message : String(e)
    return message.length <= 200 ? message : `${message.slice(0, 200)}…`
  } catch {
    return "(an unprintable value)"
  }
}

/** `root` for the value itself; a path below the request's root is given without it (`messages.0.content`). */
const formatPath = (root: string, path: ReadonlyArray<string | number>): string => {
  if (path.length === 0) return root
  const joined = path.map(String).join(".")
  return root === "(request)" ? joined : `${root}.${joined}`
}
