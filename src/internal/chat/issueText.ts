/**
 * The Effect-free half of turning a schema failure into one readable issue per path, shared by both
 * editions: each edition's `issues.ts` walks its own Effect's issue tree into {@link Leaf}s (what a
 * value failed, at which path), and {@link pathIssues} words them and merges those at one path.
 */

/** One bad path and what is wrong with it. */
export interface PathIssue {
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string
}

/** What a value failed: kinds it should have had (merged across union members), or a message. */
export type Leaf =
  | { readonly path: ReadonlyArray<PropertyKey>; readonly expected: ReadonlyArray<string>; readonly actual: unknown }
  | { readonly path: ReadonlyArray<PropertyKey>; readonly message: string }

/** A literal as a message shows it among the kinds: `"auto"`, `3`, `1n`. */
export const literal = (value: string | number | boolean | bigint): string =>
  typeof value === "bigint" ? `${value}n` : JSON.stringify(value)

/** The value as shown in a message (as JSON: requests are plain JSON values), bounded. */
const shown = (actual: unknown): string => {
  let text: string
  try {
    text = typeof actual === "string"
      ? JSON.stringify(actual.length > 80 ? `${actual.slice(0, 80)}…` : actual)
      : JSON.stringify(actual) ?? String(actual)
  } catch {
    text = Array.isArray(actual) ? "an array" : typeof actual
  }
  return text.length > 160 ? `${text.slice(0, 160)}…` : text
}

// Literal values first, then kinds, then null: `"none", "auto" or an object`, `a number or null`.
const rank = (kind: string): number => kind.startsWith("\"") ? 0 : kind === "null" ? 2 : 1

/** "a", "a or b", "a, b or c"; `undefined` (an absent optional field) only when it is all there is. */
const oneOf = (expected: ReadonlyArray<string>): string => {
  const unique = [...new Set(expected)].sort((a, b) => rank(a) - rank(b))
  const listed = unique.length > 1 ? unique.filter((e) => e !== "undefined") : unique
  return listed.length <= 1 ? (listed[0] ?? "nothing") : `${listed.slice(0, -1).join(", ")} or ${listed.at(-1)}`
}

const render = (leaf: Leaf): string =>
  "message" in leaf ? leaf.message : `expected ${oneOf(leaf.expected)}, got ${shown(leaf.actual)}`

/** One issue per path, in the order the paths first appear. */
export const pathIssues = (leaves: ReadonlyArray<Leaf>): ReadonlyArray<PathIssue> => {
  const byPath = new Map<string, Array<Leaf>>()
  const paths = new Map<string, ReadonlyArray<PropertyKey>>()
  for (const leaf of leaves) {
    const key = leaf.path.map(String).join("\u0000")
    const group = byPath.get(key)
    if (group === undefined) {
      byPath.set(key, [leaf])
      paths.set(key, leaf.path)
    } else {
      group.push(leaf)
    }
  }
  return [...byPath].map(([key, group]): PathIssue => {
    const first = group[0]!
    const sameValue = group.every((leaf) => "expected" in leaf && "expected" in first && leaf.actual === first.actual)
    const message = sameValue && "expected" in first
      ? render({
        path: first.path,
        expected: group.flatMap((leaf) => "expected" in leaf ? leaf.expected : []),
        actual: first.actual
      })
      : [...new Set(group.map(render))].join("; ")
    return { path: paths.get(key)!, message }
  })
}
