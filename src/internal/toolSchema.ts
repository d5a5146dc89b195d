/**
 * The JSON Schema of a tool's parameters, and the decoder of the model's arguments that goes with it.
 *
 * - A `strict` tool uses the strict-mode derivation of `internal/jsonSchema.ts` (every property
 *   required, optional ones nullable, `additionalProperties: false`), and its arguments are decoded
 *   with that derivation's wire Schema (`null` back to an absent field).
 * - Any other tool whose parameters are an object gets `effect/JSONSchema`'s schema of the
 *   parameters (optional fields stay optional) and is decoded with the parameters Schema itself.
 * - Parameters whose root is not an object (a model's arguments always are) travel wrapped as
 *   `{ value: ... }`, through the strict derivation.
 */
import * as Either from "effect/Either"
import * as JSONSchema from "effect/JSONSchema"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { strictJsonSchema } from "./jsonSchema.js"

/** How a tool's parameters travel. */
export interface ToolSchema {
  /** The JSON Schema object for `function.parameters`. */
  readonly parameters: Record<string, unknown>
  /** Decodes the parsed arguments to the parameters' type. */
  readonly decode: (u: unknown) => Either.Either<unknown, ParseResult.ParseError>
}

/** `Schema.Struct({})`: Effect derives `{}` (any object or array); a tool wants an empty object. */
const isEmptyStruct = (ast: AST.AST): boolean => {
  const encoded = AST.encodedAST(ast)
  return AST.isTypeLiteral(encoded) && encoded.propertySignatures.length === 0 &&
    encoded.indexSignatures.length === 0
}

const EMPTY_OBJECT = { type: "object", properties: {}, additionalProperties: false }

const strictForm = (schema: Schema.Schema.AnyNoContext): ToolSchema => {
  const strict = strictJsonSchema(schema)
  return { parameters: { ...strict.schema }, decode: Schema.decodeUnknownEither(strict.wire) }
}

const plainForm = (schema: Schema.Schema.AnyNoContext): ToolSchema | undefined => {
  const definitions: Record<string, JSONSchema.JsonSchema7> = {}
  const root = JSONSchema.fromAST(schema.ast, {
    definitions,
    target: "jsonSchema7",
    topLevelReferenceStrategy: "skip"
  }) as unknown as Record<string, unknown>
  if (root.type !== "object") return undefined
  return {
    parameters: Object.keys(definitions).length > 0 ? { ...root, $defs: definitions } : root,
    decode: Schema.decodeUnknownEither(schema)
  }
}

const cache = new WeakMap<AST.AST, { strict?: ToolSchema; plain?: ToolSchema }>()

/**
 * The JSON Schema and decoder of a tool's parameters (derived once per Schema), or why the Schema
 * cannot be stated as a JSON Schema.
 */
export const toolSchema = (schema: Schema.Schema.AnyNoContext, strict: boolean): Either.Either<ToolSchema, string> => {
  let entry = cache.get(schema.ast)
  if (entry === undefined) {
    entry = {}
    cache.set(schema.ast, entry)
  }
  const key = strict ? "strict" : "plain"
  const cached = entry[key]
  if (cached !== undefined) return Either.right(cached)
  try {
    const made: ToolSchema = isEmptyStruct(schema.ast)
      ? { parameters: EMPTY_OBJECT, decode: Schema.decodeUnknownEither(schema) }
      : strict
      ? strictForm(schema)
      : plainForm(schema) ?? strictForm(schema)
    entry[key] = made
    return Either.right(made)
  } catch (e) {
    return Either.left(e instanceof Error ? e.message : String(e))
  }
}
