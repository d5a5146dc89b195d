/**
 * A JSON Schema document whose root is a `$ref` into its `$defs` (what both Effects derive for a root
 * `Schema.suspend` with an identifier) with that reference replaced by its definition. A provider wants
 * `type: "object"` at the root of a tool's parameters, and OpenAI's strict mode takes only an object root,
 * though it follows `$ref`s into `$defs` below it: inlining the root keeps a recursive object Schema
 * strict. Used by both editions' tool parameters and the Effect 3 provider's `generateObject`.
 *
 * No Effect imports: this file is reused as it is by other editions.
 */
import { isRecord } from "../transport/json.js"

const PREFIX = "#/$defs/"

/**
 * The document with a root `$ref` into `$defs` replaced by its definition; the definition stays in
 * `$defs` while something still points at it (recursion). Any other document is returned as it is.
 */
export const inlineRoot = (doc: Record<string, unknown>): Record<string, unknown> => {
  const ref = doc.$ref
  const defs = doc.$defs
  if (typeof ref !== "string" || !ref.startsWith(PREFIX) || !isRecord(defs)) return doc
  const name = ref.slice(PREFIX.length)
  const target = Object.hasOwn(defs, name) ? defs[name] : undefined
  // A definition with `$defs` of its own would lose them to the root's: leave such a document alone.
  if (!isRecord(target) || target.$defs !== undefined) return doc
  const rest: Record<string, unknown> = { ...defs }
  // Keep the definition when something still points at it (recursion).
  if (!JSON.stringify({ target, rest: { ...rest, [name]: undefined } }).includes(JSON.stringify(ref))) {
    delete rest[name]
  }
  const { $defs: _defs, $ref: _ref, ...siblings } = doc
  return Object.keys(rest).length > 0 ? { ...target, ...siblings, $defs: rest } : { ...target, ...siblings }
}
