/**
 * How a value in the strict-mode wire form (see `jsonSchema.ts`) differs from the Schema's encoded
 * form, for values still arriving: where a `null` means "absent", where an array of `{ key, value }`
 * entries is a record, and whether the root travels wrapped as `{ value }`. The streaming side uses
 * it (through `partialJson.ts`) to show partial values in the shape of the Schema without decoding them.
 *
 * No Effect imports: this file is reused as it is by other editions.
 */

/** A plan mirrors the objects, arrays and records of a Schema; `undefined` means "nothing to change below". */
export type PartialPlan =
  | undefined
  | { readonly _tag: "Object"; readonly fields: ReadonlyMap<string, PartialField> }
  | { readonly _tag: "Array"; readonly item: PartialPlan }
  | { readonly _tag: "Record"; readonly value: PartialPlan }
  | { readonly _tag: "Union"; readonly members: ReadonlyArray<PartialPlan> }
  | { readonly _tag: "Wrapped"; readonly value: PartialPlan }
  | { readonly _tag: "Lazy"; readonly get: () => PartialPlan }

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

/** The first object member of a union that knows every key read so far and `key`. */
export const pickObject = (
  members: ReadonlyArray<PartialPlan>,
  keys: ReadonlyArray<string>,
  key: string
): ReadonlyMap<string, PartialField> | undefined => {
  for (const member of members) {
    const m = force(member)
    if (m?._tag === "Object" && m.fields.has(key) && keys.every((k) => m.fields.has(k))) return m.fields
    if (m?._tag === "Union") {
      const inner = pickObject(m.members, keys, key)
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
