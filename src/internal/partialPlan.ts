/**
 * How a value in the strict-mode wire form (see `jsonSchema.ts`) differs from the Schema's encoded
 * form, for values still arriving: where a `null` means "absent", where an array of `{ key, value }`
 * entries is a record, and whether the root travels wrapped as `{ value }`. The streaming side uses
 * it to show partial values in the shape of the Schema without decoding them.
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

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const force = (plan: PartialPlan): PartialPlan => {
  let p = plan
  while (p !== undefined && p._tag === "Lazy") p = p.get()
  return p
}

/** The member of a union plan that fits a value: the first object plan that knows all of its keys, else the first that fits its kind. */
const pick = (members: ReadonlyArray<PartialPlan>, value: unknown): PartialPlan => {
  let fallback: PartialPlan = undefined
  for (const member of members) {
    const m = force(member)
    if (m === undefined) continue
    if (isObject(value) && m._tag === "Object") {
      let fits = true
      for (const key in value) {
        if (!m.fields.has(key)) {
          fits = false
          break
        }
      }
      if (fits) return m
    } else if (Array.isArray(value) && (m._tag === "Array" || m._tag === "Record")) {
      fallback ??= m
    } else if (m._tag === "Union") {
      const inner = pick(m.members, value)
      if (inner !== undefined) return inner
    }
  }
  return fallback
}

/**
 * Maps a (partial) wire value to the encoded shape. `memo` caches the result for objects and
 * arrays, which a streaming parser shares between its snapshots once complete, so that a snapshot
 * costs the size of what changed rather than the size of the whole value.
 */
export const toEncoded = (value: unknown, plan: PartialPlan, memo: WeakMap<object, unknown>): unknown => {
  const p = force(plan)
  if (p === undefined || typeof value !== "object" || value === null) return value
  const cached = memo.get(value)
  if (cached !== undefined) return cached
  let out: unknown = value
  switch (p._tag) {
    case "Wrapped":
      return isObject(value) ? toEncoded(value.value, p.value, memo) : undefined
    case "Union":
      out = toEncoded(value, pick(p.members, value), memo)
      break
    case "Array":
      if (Array.isArray(value)) out = value.map((item) => toEncoded(item, p.item, memo))
      break
    case "Record":
      if (Array.isArray(value)) {
        const record: Record<string, unknown> = {}
        for (const entry of value) {
          if (!isObject(entry) || typeof entry.key !== "string" || !("value" in entry)) continue
          Object.defineProperty(record, entry.key, {
            value: toEncoded(entry.value, p.value, memo),
            enumerable: true,
            writable: true,
            configurable: true
          })
        }
        out = record
      }
      break
    case "Object":
      if (isObject(value)) {
        const object: Record<string, unknown> = {}
        for (const key of Object.keys(value)) {
          const field = p.fields.get(key)
          const v = value[key]
          if (field !== undefined && field.nullMeansAbsent && v === null) continue
          Object.defineProperty(object, key, {
            value: field === undefined ? v : toEncoded(v, field.plan, memo),
            enumerable: true,
            writable: true,
            configurable: true
          })
        }
        out = object
      }
      break
  }
  memo.set(value, out)
  return out
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
