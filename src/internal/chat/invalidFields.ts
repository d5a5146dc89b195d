/**
 * The Effect-free body of tolerant response decoding (both editions' `tolerantDecoder`): which fields
 * are essential, the pattern of a path, the repair walk that takes mismatched fields out, and the
 * debug log line of each. Each edition only says how its Schema AST reads (a `RepairView`).
 *
 * @internal
 */
import { isRecord } from "../transport/json.js"

/**
 * A field of a decoded value that did not have the type its schema names, taken out of the value so
 * its type can be trusted, and kept here as it arrived.
 *
 * @internal
 */
export interface InvalidField {
  /** Where it was, from the top of the decoded value (`["choices", 0, "logprobs"]`). */
  readonly path: ReadonlyArray<string | number>
  /** What the schema expected there. */
  readonly expected: string
  /** The value as it arrived. */
  readonly value: unknown
}

const toolCallEssentials = (at: string) => [`${at}.*.id`, `${at}.*.function.name`, `${at}.*.function.arguments`]

/** `Schema.essentialResponseFields` of both editions (the reasons are in its doc comment). @internal */
export const essentialResponseFields: ReadonlyArray<string> = [
  "choices",
  "choices.*.message.content",
  "choices.*.message.refusal",
  ...toolCallEssentials("choices.*.message.tool_calls"),
  "choices.*.error"
]

/** `Schema.essentialChunkFields` of both editions. @internal */
export const essentialChunkFields: ReadonlyArray<string> = [
  "choices",
  "choices.*.delta.content",
  "choices.*.delta.refusal",
  ...toolCallEssentials("choices.*.delta.tool_calls"),
  "choices.*.error",
  "error"
]

/** The pattern of a path: array positions as `*` (`choices.*.message.content`). @internal */
export const pattern = (path: ReadonlyArray<string | number>): string =>
  path.map((segment) => (typeof segment === "number" ? "*" : segment)).join(".")

/** The patterns and every ancestor of each: a field that holds an essential field is essential. @internal */
export const closeUpward = (patterns: ReadonlyArray<string>): ReadonlySet<string> => {
  const out = new Set<string>()
  for (const p of patterns) {
    const parts = p.split(".")
    for (let i = 1; i <= parts.length; i++) out.add(parts.slice(0, i).join("."))
  }
  return out
}

/** Marks a value the repair walk could not keep (an essential, required or top-level mismatch). */
const FAIL: unique symbol = Symbol("FAIL")

/** A property of a struct node, as the repair walk reads it. @internal */
export interface RepairProperty<N> {
  readonly name: string
  readonly type: N
  /** May be left out (then a mismatch can be taken out). */
  readonly optional: boolean
  /** Must be there: its absence fails the node. */
  readonly required: boolean
  /** Picks a union member (`type: "reasoning.text"`, an open tag's filter). */
  readonly tag: boolean
}

/** What the repair walk needs to know of a Schema AST node `N`: each edition reads its own AST. @internal */
export interface RepairView<N> {
  /** The compiled guard of a node (the strict fast path's). */
  readonly guard: (node: N) => (u: unknown) => boolean
  /** The node's shape, asked only after its guard said no. */
  readonly shape: (node: N) =>
    | { readonly _tag: "suspend"; readonly target: N }
    | { readonly _tag: "union"; readonly members: ReadonlyArray<N> }
    | { readonly _tag: "struct"; readonly properties: ReadonlyArray<RepairProperty<N>> }
    | { readonly _tag: "array"; readonly item: N }
    /** kept or dropped whole: a tuple, a node with checks of its own, a keyword */
    | { readonly _tag: "whole" }
  /** What a node expects, for `InvalidField.expected`. */
  readonly expected: (node: N) => string
}

/**
 * Takes the fields that do not match their schema out of `u` (copying what changes, never mutating
 * the input), as long as none of them is essential: a struct keeps its other fields, an array whose
 * element cannot be repaired is itself the field that goes. Returns `FAIL` when an essential field (or
 * a required one, or the top) does not match.
 */
class Repair<N> {
  readonly invalid: Array<InvalidField> = []
  constructor(readonly view: RepairView<N>, readonly essential: ReadonlySet<string>) {}

  node(ast: N, u: unknown, path: Array<string | number>): unknown {
    if (this.view.guard(ast)(u)) return u
    const shape = this.view.shape(ast)
    switch (shape._tag) {
      case "suspend":
        return this.node(shape.target, u, path)
      case "union": {
        for (const member of shape.members) {
          const target = this.unsuspend(member)
          const memberShape = this.view.shape(target)
          if (memberShape._tag === "struct") {
            if (!isRecord(u)) continue
            const picks = memberShape.properties.every((p) => !p.tag || this.view.guard(p.type)(u[p.name]))
            if (!picks) continue
          } else if (memberShape._tag !== "array" || !Array.isArray(u)) {
            continue
          }
          const mark = this.invalid.length
          const repaired = this.node(target, u, path)
          if (repaired !== FAIL) return repaired
          this.invalid.length = mark
        }
        return FAIL
      }
      case "struct":
        return this.struct(shape.properties, u, path)
      case "array":
        return this.array(shape.item, u, path)
      case "whole":
        return FAIL
    }
  }

  private unsuspend(node: N): N {
    const shape = this.view.shape(node)
    return shape._tag === "suspend" ? shape.target : node
  }

  private struct(properties: ReadonlyArray<RepairProperty<N>>, u: unknown, path: Array<string | number>): unknown {
    if (!isRecord(u)) return FAIL
    let copy: Record<string, unknown> | undefined
    for (const p of properties) {
      if (!hasOwn.call(u, p.name)) {
        if (p.required) return FAIL
        continue
      }
      const value = u[p.name]
      if (this.view.guard(p.type)(value)) continue
      path.push(p.name)
      const repaired = this.node(p.type, value, path)
      if (repaired !== FAIL) {
        copy ??= { ...u }
        copy[p.name] = repaired
      } else if (p.optional && !this.essential.has(pattern(path))) {
        copy ??= { ...u }
        delete copy[p.name]
        this.invalid.push({ path: [...path], expected: this.view.expected(p.type), value })
      } else {
        path.pop()
        return FAIL
      }
      path.pop()
    }
    return copy ?? u
  }

  private array(item: N, u: unknown, path: Array<string | number>): unknown {
    if (!Array.isArray(u)) return FAIL
    const guard = this.view.guard(item)
    let copy: Array<unknown> | undefined
    for (let i = 0; i < u.length; i++) {
      if (guard(u[i])) continue
      path.push(i)
      const repaired = this.node(item, u[i], path)
      path.pop()
      if (repaired === FAIL) return FAIL
      copy ??= [...u]
      copy[i] = repaired
    }
    return copy ?? u
  }
}

const hasOwn = Object.prototype.hasOwnProperty

/**
 * The value `u` that its schema (`root`, read through `view`) rejected, with the mismatched
 * non-essential fields taken out and listed in `invalidFields` at the top; `undefined` when the repair
 * fails (an essential, required or top-level mismatch) or takes nothing out. The caller checks the
 * result against the schema again (a gap in the repair keeps the schema's error).
 *
 * @internal
 */
export const repair = <N>(
  view: RepairView<N>,
  essential: ReadonlySet<string>,
  root: N,
  u: unknown
): Record<string, unknown> | undefined => {
  const walk = new Repair(view, essential)
  return withInvalidFields(walk.node(root, u, []), walk.invalid)
}

/**
 * The repaired top-level value with the fields taken out listed in its `invalidFields` (after any it
 * had), or `undefined` when the repair failed or took nothing out (the strict error stands).
 */
const withInvalidFields = (
  repaired: unknown,
  invalid: ReadonlyArray<InvalidField>
): Record<string, unknown> | undefined => {
  if (repaired === FAIL || invalid.length === 0 || !isRecord(repaired)) return undefined
  const previous = Array.isArray(repaired.invalidFields) ? repaired.invalidFields as Array<InvalidField> : []
  return { ...repaired, invalidFields: [...previous, ...invalid] }
}

/** The `invalidFields` of a decoded body, when a decoder set any (`F`: the edition's `Schema.InvalidField`). @internal */
export const invalidFieldsOf = <F>(decoded: unknown): ReadonlyArray<F> | undefined => {
  const fields = (decoded as { readonly invalidFields?: unknown }).invalidFields
  return Array.isArray(fields) && fields.length > 0 ? fields as ReadonlyArray<F> : undefined
}

/**
 * The debug log line of a field taken out (both editions' `logInvalidFields`): its `path`, the
 * `expected` type and the `generationId` as annotations; the value stays out of the log.
 *
 * @internal
 */
export const invalidFieldLog = (
  field: Pick<InvalidField, "path" | "expected">,
  generationId: string | undefined
): { readonly message: string; readonly annotations: Record<string, string> } => {
  const path = field.path.join(".")
  return {
    message: `effect-openrouter: ${path} had an unexpected type; kept in invalidFields`,
    annotations: generationId === undefined
      ? { path, expected: field.expected }
      : { path, expected: field.expected, generationId }
  }
}
