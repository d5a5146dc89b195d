/**
 * Mutations of JSON-like values for property tests: replace the value at some
 * path with junk, delete a key, or add an unknown key. Plain functions, free of
 * Effect and of fast-check: each edition's tests draw the mutations with their
 * own fast-check (`mutate.ts` for Effect 3) and apply them with {@link applyMutations}.
 */

type Path = ReadonlyArray<string | number>

const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** Every path in the value, the root included. */
const paths = (u: unknown, prefix: Path = [], out: Array<Path> = []): Array<Path> => {
  out.push(prefix)
  if (Array.isArray(u)) u.forEach((item, i) => paths(item, [...prefix, i], out))
  else if (isPlainObject(u)) { for (const key of Object.keys(u)) paths(u[key], [...prefix, key], out) }
  return out
}

const DELETE = Symbol("delete")

/** A copy of `u` with the value at `path` replaced by `f(old)` (or removed). */
const update = (u: unknown, path: Path, f: (old: unknown) => unknown): unknown => {
  if (path.length === 0) return f(u)
  const [head, ...rest] = path
  if (Array.isArray(u)) {
    const copy = u.slice()
    const next = update(u[head as number], rest, f)
    // A deleted element is gone (JSON has no holes), never the marker itself in the array.
    if (next === DELETE) copy.splice(head as number, 1)
    else copy[head as number] = next
    return copy
  }
  const copy: Record<string, unknown> = { ...(u as Record<string, unknown>) }
  const next = update(copy[head as string], rest, f)
  if (next === DELETE) delete copy[head as string]
  else copy[head as string] = next
  return copy
}

export const junk: ReadonlyArray<unknown> = [
  null,
  undefined,
  0,
  -1.5,
  "",
  "stop",
  "x",
  true,
  [],
  [1],
  ["x"],
  {},
  { type: "x" },
  { content: 1 }
]

export type Mutation =
  | { readonly _tag: "replace"; readonly value: unknown }
  | { readonly _tag: "delete" }
  | { readonly _tag: "addKey"; readonly value: unknown }

const apply = (u: unknown, path: Path, m: Mutation): unknown => {
  switch (m._tag) {
    case "replace":
      return update(u, path, () => m.value)
    case "delete":
      return path.length === 0 ? u : update(u, path, () => DELETE)
    case "addKey":
      return update(u, path, (old) => (isPlainObject(old) ? { ...old, x_unknown_field: m.value } : old))
  }
}

/** `value` changed by each mutation in turn, each at the path its index picks (modulo the paths there are). */
export const applyMutations = (value: unknown, changes: ReadonlyArray<readonly [number, Mutation]>): unknown =>
  changes.reduce<unknown>((acc, [index, m]) => {
    const all = paths(acc)
    return apply(acc, all[index % all.length]!, m)
  }, value)
