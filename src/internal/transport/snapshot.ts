/**
 * A request body as plain JSON data, read once. Effect-free.
 *
 * A caller's value may be anything: a class instance, a `Proxy` whose traps throw, a getter that
 * answers differently on every read, a cycle, a `BigInt`. `snapshot` reads it exactly once, into a
 * fresh tree of plain objects, arrays, strings, finite numbers, booleans and `null`, which is then
 * validated and serialised; nothing reads the caller's value again. It reads a value as
 * `JSON.stringify` would wherever that reading is well defined, and refuses, with the path where it
 * was found, what `JSON.stringify` would silently change or drop (it turns `NaN` into `null`, drops
 * functions and symbols, turns a `Map` into `{}`, and throws on a cycle, a `BigInt` or a deep nesting).
 *
 * Rules:
 * - an object with a `toJSON` method is read as what `toJSON(key)` returns, as `JSON.stringify` does
 *   (a `Date` becomes its ISO string; an invalid `Date`, which `toJSON` turns into `null`, is refused);
 * - any other object (a plain object, a class instance, a `Schema.Class` instance, a `Data.struct` or
 *   `Data.Class` value) is read through its own enumerable string keys; a property whose value is
 *   `undefined` is left out (it is absent); symbol keys, non-enumerable properties and the prototype
 *   are not data and are not read;
 * - objects that keep their data where `JSON.stringify` does not look (`Map`, `Set`, `WeakMap`,
 *   `WeakSet`, typed arrays, `ArrayBuffer`, `DataView`, `RegExp`, `Promise`, `WeakRef`, an `Error`,
 *   whose message is not enumerable) and boxed primitives are refused;
 * - an array is read by index up to its `length`; a hole or `undefined` item is refused (JSON would
 *   turn it into `null`);
 * - numbers must be finite (`-0` is kept, and JSON writes it as `0`); `BigInt`, functions and
 *   symbols are refused;
 * - nesting deeper than {@link MAX_DEPTH} is refused (the cost of a request stays linear and no
 *   stack overflows), as is a cycle;
 * - a read that throws (a getter, a `Proxy` trap, a `toJSON`) is refused with the thrown message.
 */
import { isRecord, MAX_DEPTH } from "./json.js"

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
    return copy(viaToJSON(value, "", path), path, ancestors)
  } catch (e) {
    if (e instanceof Refusal) return new Unrepresentable(formatPath(root, e.path), e.message)
    return new Unrepresentable(formatPath(root, path), `reading the value threw: ${describeThrown(e)}`)
  }
}

/** What `JSON.stringify` reads for `value` under `key`: the result of its `toJSON`, if it has one. */
const viaToJSON = (value: unknown, key: string, path: Array<string | number>): unknown => {
  if (typeof value !== "object" || value === null) return value
  const toJSON = (value as { readonly toJSON?: unknown }).toJSON
  if (typeof toJSON !== "function") return value
  if (value instanceof Date && Number.isNaN(value.getTime())) {
    throw new Refusal(path, "an invalid Date is not a JSON value (JSON would write null)")
  }
  return toJSON.call(value, key)
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

/** Objects whose data `JSON.stringify` does not see (it writes `{}`, or unwraps a boxed primitive). */
const isOpaque = (value: object): boolean =>
  value instanceof Map || value instanceof Set || value instanceof WeakMap || value instanceof WeakSet ||
  ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof RegExp || value instanceof Promise ||
  value instanceof WeakRef || value instanceof Error || value instanceof Number || value instanceof String ||
  value instanceof Boolean || value instanceof Symbol || value instanceof BigInt

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
      const item = viaToJSON(value[i], String(i), path)
      if (item === undefined) {
        throw new Refusal(path, i in value ? "undefined is not a JSON value" : "an array hole is not a JSON value")
      }
      items[i] = copy(item, path, ancestors)
      path.pop()
    }
    out = items
  } else {
    const proto = getProto(value)
    if (proto !== objectProto && proto !== null && isOpaque(value)) {
      throw new Refusal(path, `${describeClass(value)} is not JSON data (JSON.stringify would not keep what it holds)`)
    }
    const record: Record<string, unknown> = {}
    const keys = keysOf(value)
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!
      path.push(key)
      const item = viaToJSON((value as Record<string, unknown>)[key], key, path)
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

/**
 * A value for a message (the `got ...` of an option check): a string quoted and cut after 40
 * characters, another primitive as it is (`42`, `true`, `null`, `5n`), anything else by its kind (an
 * array, an object, a function, a symbol), never through its own `toString` (a caller's object may
 * have one that throws, and a message must not) and never throwing itself (a revoked `Proxy` throws
 * even from `Array.isArray`).
 */
export const shownValue = (u: unknown): string => {
  try {
    switch (typeof u) {
      case "string":
        return JSON.stringify(u.length > 40 ? `${u.slice(0, 40)}…` : u)
      case "function":
        return "a function"
      case "symbol":
        return "a symbol"
      case "bigint":
        return `${u}n`
      case "object":
        return u === null ? "null" : Array.isArray(u) ? "an array" : "an object"
      default:
        return String(u)
    }
  } catch {
    return "an unreadable value"
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

/**
 * Options read once into a plain copy (`undefined` stays): anything but an object, or an object whose
 * getter throws, gives the issue to report at `options` instead.
 */
export const plainOptions = <O extends object>(
  options: O | undefined
): { readonly copy: O | undefined } | { readonly issue: string } => {
  if (options === undefined) return { copy: undefined }
  if (!isRecord(options)) return { issue: `must be an object, got ${shownValue(options)}` }
  try {
    return { copy: { ...options } }
  } catch (e) {
    return { issue: `cannot be read: ${describeThrown(e)}` }
  }
}

/** `root` for the value itself; a path below the request's root is given without it (`messages.0.content`). */
const formatPath = (root: string, path: ReadonlyArray<string | number>): string => {
  if (path.length === 0) return root
  const joined = path.map(String).join(".")
  return root === "(request)" ? joined : `${root}.${joined}`
}
