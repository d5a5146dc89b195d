/**
 * The Effect-free half of tolerant response decoding (both editions' `tolerantDecoder`): which fields
 * are essential, the pattern of a path, and how the fields taken out join the result. Each edition
 * walks its own Schema AST; what decides the outcome lives here once.
 *
 * @internal
 */
import { isRecord } from "./json.js"

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

/** Marks a value the repair walk could not keep (an essential, required or top-level mismatch). @internal */
export const FAIL: unique symbol = Symbol("FAIL")

/**
 * The repaired top-level value with the fields taken out listed in its `invalidFields` (after any it
 * had), or `undefined` when the repair failed or took nothing out (the strict error stands).
 *
 * @internal
 */
export const withInvalidFields = (
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
