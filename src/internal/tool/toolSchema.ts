/**
 * The JSON Schema of a tool's parameters, and the decoder of the model's arguments that goes with it.
 *
 * - A `strict` tool uses the strict-mode derivation of `internal/structured/jsonSchema.ts` (every property
 *   required, optional ones nullable, `additionalProperties: false`), and its arguments are decoded
 *   with that derivation's wire Schema (`null` back to an absent field).
 * - Any other tool whose parameters are an object gets `effect/JSONSchema`'s schema of the
 *   parameters (optional fields stay optional, a `Schema.Date` a `date-time` string; a recursive root's
 *   `$ref` inlined, `inlineRoot.ts`) and is decoded with the parameters Schema itself.
 * - Parameters whose root is not an object (a model's arguments always are) travel wrapped as
 *   `{ value: ... }`, through the strict derivation.
 */
import * as Either from "effect/Either"
import * as JSONSchema from "effect/JSONSchema"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import type * as Tool from "../../Tool.js"
import { dateWithFormat, strictJsonSchema } from "../structured/jsonSchema.js"
import type { PartialPlan } from "../structured/partialPlan.js"
import { inlineRoot } from "./inlineRoot.js"

/**
 * Whether a value carries the tool TypeId (`Tool.TypeId`, by its global key: `Tool.ts` imports this
 * file). The readers of what a caller hands in use it inside their `try`, so that a value whose `has`
 * trap throws is one that "cannot be read"; the public `Tool.isTool` answers `false` for it instead.
 */
export const isAnyTool = (u: unknown): u is Tool.Any =>
  typeof u === "object" && u !== null && Symbol.for("effect-openrouter/Tool") in u

/** How a tool's parameters travel. */
export interface ToolSchema {
  /** The JSON Schema object for `function.parameters`. */
  readonly parameters: Record<string, unknown>
  /** Decodes the parsed arguments to the parameters' type. */
  readonly decode: (u: unknown) => Either.Either<unknown, ParseResult.ParseError>
  /** How partial arguments are shaped as they arrive (the strict form's plan; none for the plain form). */
  readonly partial?: PartialPlan | undefined
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
  return { parameters: { ...strict.schema }, decode: Schema.decodeUnknownEither(strict.wire), partial: strict.partial }
}

/**
 * The AST with a made-up identifier (`Recursive1`, ...) on every recursion point (`Schema.suspend`) that
 * has none, as the strict derivation does: effect/JSONSchema needs one to emit a `$ref` and otherwise
 * throws "Missing annotation". `Schema.Date` gets its `format: "date-time"`, as in the strict
 * derivation (a model not told writes any string). Only the JSON Schema is derived from the result; decoding keeps the
 * user's Schema. Parts without recursion are returned as they are. The Effect 3 provider's
 * `generateObject` derives its JSON Schema from it too.
 */
export const nameRecursion = (root: AST.AST): AST.AST => {
  let made = 0
  const done = new Map<AST.AST, AST.AST>()
  const go = (ast: AST.AST): AST.AST => {
    const seen = done.get(ast)
    if (seen !== undefined) return seen
    let out: AST.AST = ast
    switch (ast._tag) {
      case "Suspend": {
        const annotations = { ...ast.annotations }
        if (Option.isNone(AST.getJSONIdentifier(ast)) && Option.isNone(AST.getJSONIdentifier(ast.f()))) {
          annotations[AST.JSONIdentifierAnnotationId] = `Recursive${++made}`
        }
        let inner: AST.AST | undefined
        out = new AST.Suspend(() => (inner ??= go(ast.f())), annotations)
        break
      }
      case "TypeLiteral": {
        const props = ast.propertySignatures.map((p) => {
          const type = go(p.type)
          return type === p.type
            ? p
            : new AST.PropertySignature(p.name, type, p.isOptional, p.isReadonly, p.annotations)
        })
        const indexes = ast.indexSignatures.map((i) => {
          const type = go(i.type)
          return type === i.type ? i : new AST.IndexSignature(i.parameter, type, i.isReadonly)
        })
        if (
          props.some((p, i) => p !== ast.propertySignatures[i]) || indexes.some((x, i) => x !== ast.indexSignatures[i])
        ) {
          out = new AST.TypeLiteral(props, indexes, ast.annotations)
        }
        break
      }
      case "TupleType": {
        const elements = ast.elements.map((e) => {
          const type = go(e.type)
          return type === e.type ? e : new AST.OptionalType(type, e.isOptional, e.annotations)
        })
        const rest = ast.rest.map((r) => {
          const type = go(r.type)
          return type === r.type ? r : new AST.Type(type, r.annotations)
        })
        if (elements.some((e, i) => e !== ast.elements[i]) || rest.some((r, i) => r !== ast.rest[i])) {
          out = new AST.TupleType(elements, rest, ast.isReadonly, ast.annotations)
        }
        break
      }
      case "Union": {
        const types = ast.types.map(go)
        if (types.some((t, i) => t !== ast.types[i])) out = AST.Union.make(types, ast.annotations)
        break
      }
      case "Refinement": {
        const from = go(ast.from)
        if (from !== ast.from) out = new AST.Refinement(from, ast.filter, ast.annotations)
        break
      }
      case "Transformation": {
        const date = dateWithFormat(ast)
        if (date !== undefined) {
          out = date
          break
        }
        const from = go(ast.from)
        if (from !== ast.from) out = new AST.Transformation(from, ast.to, ast.transformation, ast.annotations)
        break
      }
    }
    done.set(ast, out)
    return out
  }
  return go(root)
}

const plainForm = (schema: Schema.Schema.AnyNoContext): ToolSchema | undefined => {
  const definitions: Record<string, JSONSchema.JsonSchema7> = {}
  const root = JSONSchema.fromAST(nameRecursion(schema.ast), {
    definitions,
    target: "jsonSchema7",
    topLevelReferenceStrategy: "skip"
  }) as unknown as Record<string, unknown>
  // A recursive root (`Schema.suspend`) comes out as a root `$ref`: inlined, it is the object a tool's
  // parameters must be, as in the Effect 4 edition, rather than the strict form's `{ value }` wrapper.
  const parameters = inlineRoot(Object.keys(definitions).length > 0 ? { ...root, $defs: definitions } : root)
  if (parameters.type !== "object") return undefined
  return { parameters, decode: Schema.decodeUnknownEither(schema) }
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
