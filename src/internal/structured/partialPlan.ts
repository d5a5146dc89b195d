/**
 * How a value in the strict-mode wire form (see `jsonSchema.ts`) differs from the Schema's encoded
 * form, for values still arriving: where a `null` means "absent", where an array of entries (the Effect 3
 * edition's `{ key, value }`, effect/ai 4's pairs `{ "0": key, "1": value }`) is a record, where an object
 * with numeric keys is a tuple (effect/ai 4's `{ "0": a, "__rest__": [...] }`, e.g. a `NonEmptyArray`), and
 * whether the root travels wrapped as `{ value }`. The streaming side uses
 * it (through `partialJson.ts`) to show partial values in the shape of the Schema without decoding them.
 *
 * No Effect imports: this file is reused as it is by other editions.
 */
import { isRecord } from "../transport/json.js"

/** A plan mirrors the objects, arrays and records of a Schema; `undefined` means "nothing to change below". */
export type PartialPlan =
  | undefined
  | {
    readonly _tag: "Object"
    readonly fields: ReadonlyMap<string, PartialField>
    /** The fields that allow only literals, with their values: what tells union members apart. */
    readonly tags: ReadonlyMap<string, ReadonlyArray<unknown>>
  }
  | { readonly _tag: "Array"; readonly item: PartialPlan }
  | {
    readonly _tag: "Record"
    readonly value: PartialPlan
    /** The names of an entry's key and value on the wire (default {@link ENTRY}). */
    readonly names?: EntryNames
  }
  | TuplePlan
  | { readonly _tag: "Union"; readonly members: ReadonlyArray<PartialPlan> }
  | { readonly _tag: "Wrapped"; readonly value: PartialPlan }
  | { readonly _tag: "Lazy"; readonly get: () => PartialPlan }

/**
 * A tuple that travels as an object (effect/ai 4's strict form): element `i` under `"i"`, the rest's
 * elements in an array under {@link TUPLE_REST}, the elements after the rest under `__tail_0__`, ...
 */
export interface TuplePlan {
  readonly _tag: "Tuple"
  readonly elements: ReadonlyArray<PartialPlan>
  /** Whether the tuple has a rest, and the plan of its elements. */
  readonly rest: boolean
  readonly restItem: PartialPlan
  readonly tails: ReadonlyArray<PartialPlan>
}

/** The wire key of a tuple's rest elements (effect/ai 4's). */
export const TUPLE_REST = "__rest__"

/** The wire key of the element `i` after a tuple's rest (effect/ai 4's). */
export const tupleTail = (i: number): string => `__tail_${i}__`

/** The plan of the value under `key` of a tuple's wire object (the rest as an array plan). */
export const tupleSlot = (plan: TuplePlan, key: string): PartialPlan => {
  if (key === TUPLE_REST) return plan.rest ? { _tag: "Array", item: plan.restItem } : undefined
  const index = Number(key)
  if (Number.isInteger(index) && index >= 0 && String(index) === key) return plan.elements[index]
  for (let i = 0; i < plan.tails.length; i++) if (key === tupleTail(i)) return plan.tails[i]
  return undefined
}

/**
 * The array a tuple's wire object stands for, from its fields read so far: the elements in order up to
 * the first one not there yet, then (once every element is there) the rest and the tail elements.
 * `each` shapes an element with its plan.
 */
export const tupleArray = (
  object: Readonly<Record<string, unknown>>,
  plan: TuplePlan,
  each: (value: unknown, plan: PartialPlan) => unknown
): Array<unknown> => {
  const has = (key: string) => Object.prototype.hasOwnProperty.call(object, key)
  const out: Array<unknown> = []
  for (let i = 0; i < plan.elements.length; i++) {
    if (!has(String(i))) return out
    out.push(each(object[String(i)], plan.elements[i]))
  }
  if (!plan.rest) return out
  const rest = object[TUPLE_REST]
  if (!Array.isArray(rest)) return out
  for (const item of rest) out.push(each(item, plan.restItem))
  for (let i = 0; i < plan.tails.length; i++) {
    if (!has(tupleTail(i))) return out
    out.push(each(object[tupleTail(i)], plan.tails[i]))
  }
  return out
}

/** The names of a record entry's key and value on the wire. */
export type EntryNames = readonly [key: string, value: string]

/** The Effect 3 edition's entries, `{ key, value }`. */
export const ENTRY: EntryNames = ["key", "value"]

/** One field of an object plan. */
export interface PartialField {
  /** Whether `null` stands for an absent field (an optional field that does not itself accept `null`). */
  readonly nullMeansAbsent: boolean
  readonly plan: PartialPlan
}

export const force = (plan: PartialPlan): PartialPlan => {
  let p = plan
  while (p !== undefined && p._tag === "Lazy") p = p.get()
  return p
}

/** Whether an object (its keys, and the values read so far) may be of an object plan. */
const fits = (
  m: { readonly fields: ReadonlyMap<string, PartialField>; readonly tags: ReadonlyMap<string, ReadonlyArray<unknown>> },
  object: Record<string, unknown>,
  keys: ReadonlyArray<string>
): boolean => {
  for (const k of keys) {
    if (!m.fields.has(k)) return false
    const tag = m.tags.get(k)
    if (tag !== undefined && Object.prototype.hasOwnProperty.call(object, k) && !tag.includes(object[k])) return false
  }
  return true
}

/** The first object member of a union that fits the object read so far and knows `key`. */
export const pickObject = (
  members: ReadonlyArray<PartialPlan>,
  object: Record<string, unknown>,
  key: string
): ReadonlyMap<string, PartialField> | undefined => {
  const keys = [...Object.keys(object), key]
  for (const member of members) {
    const m = force(member)
    if (m?._tag === "Object" && fits(m, object, keys)) return m.fields
    if (m?._tag === "Union") {
      const inner = pickObject(m.members, object, key)
      if (inner !== undefined) return inner
    }
  }
  return undefined
}

/** The first array or record member of a union. */
export const pickArray = (members: ReadonlyArray<PartialPlan>): PartialPlan => {
  for (const member of members) {
    const m = force(member)
    if (m?._tag === "Array" || m?._tag === "Record") return m
    if (m?._tag === "Union") {
      const inner = pickArray(m.members)
      if (inner !== undefined) return inner
    }
  }
  return undefined
}

/**
 * Whether two partial values are equal. Completed parts are shared between snapshots (the same
 * object), so the walk stops at them: the cost is the size of the containers still open.
 */
export const samePartial = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return Object.is(a, b)
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!samePartial(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  for (const key of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false
    if (!samePartial((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false
  }
  return true
}

const setOwn = (target: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  } else {
    target[key] = value
  }
}

/**
 * Turns a complete wire value (freshly parsed JSON, changed in place) into the encoded shape: the
 * `null`s that stand for absent fields removed, entries made records, the root unwrapped. Cheaper
 * than decoding with the wire Schema; where a union is ambiguous the first fitting member is taken,
 * so the caller decodes the result with the Schema and falls back to the wire Schema on failure.
 */
export const shapeInPlace = (value: unknown, plan: PartialPlan): unknown => {
  const p = force(plan)
  if (p === undefined || typeof value !== "object" || value === null) return value
  switch (p._tag) {
    case "Wrapped":
      return isRecord(value) ? shapeInPlace(value.value, p.value) : value
    case "Union": {
      const member = Array.isArray(value)
        ? pickArray(p.members)
        : pickFields(p.members, value as Record<string, unknown>)
      return member === undefined ? value : shapeInPlace(value, member)
    }
    case "Array":
      if (Array.isArray(value) && p.item !== undefined) {
        for (let i = 0; i < value.length; i++) value[i] = shapeInPlace(value[i], p.item)
      }
      return value
    case "Tuple":
      return isRecord(value) ? tupleArray(value, p, shapeInPlace) : value
    case "Record": {
      if (!Array.isArray(value)) return value
      const [k, v] = p.names ?? ENTRY
      const record: Record<string, unknown> = {}
      for (const entry of value) {
        const key = isRecord(entry) ? entry[k] : undefined
        if (typeof key === "string") setOwn(record, key, shapeInPlace((entry as Record<string, unknown>)[v], p.value))
      }
      return record
    }
    case "Object": {
      if (!isRecord(value)) return value
      for (const key of Object.keys(value)) {
        const field = p.fields.get(key)
        if (field === undefined) continue
        const v = value[key]
        if (v === null && field.nullMeansAbsent) delete value[key]
        else if (field.plan !== undefined) setOwn(value, key, shapeInPlace(v, field.plan))
      }
      return value
    }
  }
  return value
}

/** Thrown by {@link shapeInPlace} when more than one member of a union fits an object. */
export class Ambiguous extends Error {}

/** The one object member of a union that fits an object; {@link Ambiguous} when several do. */
const pickFields = (members: ReadonlyArray<PartialPlan>, object: Record<string, unknown>): PartialPlan => {
  const keys = Object.keys(object)
  let found: PartialPlan = undefined
  const visit = (list: ReadonlyArray<PartialPlan>): void => {
    for (const member of list) {
      const m = force(member)
      if (m?._tag === "Union") visit(m.members)
      else if (m?._tag === "Object" && fits(m, object, keys)) {
        if (found !== undefined && found !== m) throw new Ambiguous()
        found = m
      }
    }
  }
  visit(members)
  return found
}
