/**
 * The JSON Schema of a tool's parameters, derived from its Effect Schema (the encoded side, which is
 * what the model writes).
 *
 * Stand-in until the strict derivation of `internal/jsonSchema.ts` (structured output) lands: this is
 * the one place to switch over.
 */
import * as JSONSchema from "effect/JSONSchema"
import type * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

/** `Schema.Struct({})`: Effect derives `{}` (any object or array); a tool wants an empty object. */
const isEmptyStruct = (ast: AST.AST): boolean => {
  const encoded = AST.encodedAST(ast)
  return AST.isTypeLiteral(encoded) && encoded.propertySignatures.length === 0 &&
    encoded.indexSignatures.length === 0
}

/** The JSON Schema object for a tool's `function.parameters`. */
export const strictJsonSchema = (schema: Schema.Schema.AnyNoContext): Record<string, unknown> => {
  if (isEmptyStruct(schema.ast)) return { type: "object", properties: {}, additionalProperties: false }
  const { $schema: _, ...rest } = JSONSchema.make(schema) as unknown as Record<string, unknown>
  return rest
}
