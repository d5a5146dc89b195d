/**
 * The JSON Schema of a tool's parameters, and the decoder of the model's arguments that goes with it:
 * the Effect 4 edition of the Effect 3 `src/internal/tool/toolSchema.ts`.
 *
 * - A strict tool uses the strict-mode derivation `Structured` uses (`structured/jsonSchema.ts`,
 *   effect/ai's `OpenAiStructuredOutput` underneath): every property required, optional ones
 *   nullable, `additionalProperties: false`. Its arguments are read as `Structured` reads an answer:
 *   the Schema's plain JSON form first, then the strict form (a `null` for an optional field is an
 *   absent field).
 * - Any other tool whose parameters are an object gets effect/ai's own JSON Schema of the parameters
 *   (`Tool.getJsonSchemaFromSchema`, what `LanguageModel` providers send), with a root `$ref` inlined
 *   (a provider wants `type: "object"` at the root) and the constraints the Schema checks stated
 *   (`structured/constraints.ts`), and is decoded as effect/ai's `Toolkit.handle`
 *   decodes: with the Schema's JSON codec (`Schema.toCodecJson`).
 * - An empty object (`Schema.Struct({})`, effect/ai's `Tool.EmptyParams`) is `{type: "object",
 *   properties: {}, additionalProperties: false}`, which every provider accepts, and reads any object
 *   as `{}`.
 * - Parameters whose root is not an object (a model's arguments always are) travel wrapped as
 *   `{ value: ... }`, through the strict derivation.
 * - An effect/ai dynamic tool's JSON Schema parameters (`Tool.dynamic`) are sent as given and not
 *   decoded, as effect/ai does.
 */
import * as AiTool from "effect/ai/Tool"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import type { PartialPlan } from "../../../../src/internal/structured/partialPlan.js"
import { inlineRoot } from "../../../../src/internal/tool/inlineRoot.js"
import { isRecord } from "../../../../src/internal/transport/json.js"
import { withStatedConstraints } from "../structured/constraints.js"
import { strictJsonSchema } from "../structured/jsonSchema.js"

/** How a tool's parameters travel. */
export interface ToolSchema {
  /** The JSON Schema object for `function.parameters`. */
  readonly parameters: Record<string, unknown>
  /** Decodes the parsed arguments to the parameters' type. */
  readonly decode: (u: unknown) => Effect.Effect<unknown, Schema.SchemaError, unknown>
  /** How partial arguments are shaped as they arrive (the strict form's plan; none for the plain form). */
  readonly partial?: PartialPlan | undefined
  /** Whether the arguments travel wrapped as `{ value: ... }` (the parameters' root is not an object). */
  readonly wrapped?: boolean | undefined
  /**
   * The strict form only: the model's arguments in the Schema's plain JSON form (`Schema.toCodecJson`),
   * the form effect/ai's `Toolkit.handle` decodes. The strict form is not that form (a `null` for an
   * absent optional field, the `{ value }` wrapper, records as pairs), so a provider that sends it hands
   * effect/ai the arguments through this. Fails as {@link decode} does.
   */
  readonly toPlain?: ((u: unknown) => Effect.Effect<unknown, Schema.SchemaError, unknown>) | undefined
}

/**
 * A tool without parameters: the arguments (already known to be an object) read as `{}`, as the Effect
 * 3 edition's `Schema.Struct({})` read them; keys a model adds anyway are dropped rather than failing
 * the call (effect/ai's `Tool.EmptyParams` alone would refuse them).
 */
const EMPTY: ToolSchema = {
  parameters: { type: "object", properties: {}, additionalProperties: false },
  decode: () => Effect.succeed({})
}

/** `Schema.Struct({})` or a record of `never` (`Tool.EmptyParams`): an object with no keys. */
const isEmptyObject = (ast: AST.AST): boolean => {
  const encoded = AST.toEncoded(ast)
  return encoded._tag === "Objects" && encoded.propertySignatures.length === 0 &&
    // effect/ai's `Tool.EmptyParams`: `Schema.Record(Schema.String, Schema.Never)`.
    encoded.indexSignatures.every((i) => i.parameter._tag === "String" && i.type._tag === "Never")
}

const strictForm = (schema: Schema.Top): ToolSchema => {
  const strict = strictJsonSchema(schema as Schema.Codec<unknown, unknown, unknown>)
  // As Structured reads an answer: the plain JSON form means what it says; the strict form's
  // issues are the ones reported when neither reads.
  const decode = (json: unknown) => {
    const bare = strict.wrapped && isRecord(json) && Object.keys(json).length === 1 && "value" in json
      ? json.value
      : json
    return Effect.catch(strict.plain(bare), () => strict.wire(json))
  }
  const encodePlain = Schema.encodeUnknownEffect(Schema.toCodecJson(schema as Schema.Codec<unknown, unknown, unknown>))
  return {
    parameters: { ...strict.schema },
    decode,
    partial: strict.partial,
    wrapped: strict.wrapped,
    toPlain: (json) => Effect.flatMap(decode(json), (value) => encodePlain(value))
  }
}

const plainForm = (schema: Schema.Top): ToolSchema | undefined => {
  // The constraints the Schema checks stated, as in the strict form (see structured/constraints.ts).
  const root = inlineRoot(
    AiTool.getJsonSchemaFromSchema(Schema.make(withStatedConstraints(schema.ast))) as Record<string, unknown>
  )
  if (root.type !== "object" || !isRecord(root.properties)) return undefined
  const decode = Schema.decodeUnknownEffect(Schema.toCodecJson(schema as Schema.Codec<unknown, unknown, unknown>))
  // Every issue, not only the first: a call's error goes back to the model, which should fix all at once.
  return { parameters: root, decode: (u) => decode(u, ALL_ERRORS) }
}

const ALL_ERRORS = { errors: "all" } as const

const jsonForms = new WeakMap<object, ToolSchema>()

/**
 * The parameters of an effect/ai dynamic tool given as a JSON Schema (`Tool.dynamic`, e.g. an MCP
 * tool): sent as given, and the handler gets the arguments as they are (effect/ai does not validate
 * them either). A root that is not an object is refused: a model's arguments always are one.
 */
const jsonSchemaForm = (jsonSchema: Record<string, unknown>): Result.Result<ToolSchema, string> => {
  if (!isRecord(jsonSchema) || jsonSchema.type !== "object") {
    return Result.fail("a JSON Schema given as parameters must have type \"object\" at its root")
  }
  let made = jsonForms.get(jsonSchema)
  if (made === undefined) {
    made = { parameters: jsonSchema, decode: Effect.succeed }
    jsonForms.set(jsonSchema, made)
  }
  return Result.succeed(made)
}

const cache = new WeakMap<AST.AST, { strict?: ToolSchema; plain?: ToolSchema }>()

/**
 * The JSON Schema and decoder of a tool's parameters (derived once per Schema and form), or why the
 * Schema cannot be stated as a JSON Schema.
 */
export const toolSchema = (schema: Schema.Constraint, strict: boolean): Result.Result<ToolSchema, string> => {
  const top = schema as Schema.Top
  let entry = cache.get(top.ast)
  if (entry === undefined) {
    entry = {}
    cache.set(top.ast, entry)
  }
  const key = strict ? "strict" : "plain"
  const cached = entry[key]
  if (cached !== undefined) return Result.succeed(cached)
  try {
    const made: ToolSchema = isEmptyObject(top.ast)
      ? EMPTY
      : strict
      ? strictForm(top)
      : plainForm(top) ?? strictForm(top)
    entry[key] = made
    return Result.succeed(made)
  } catch (e) {
    return Result.fail(e instanceof Error ? e.message : String(e))
  }
}

/** Whether a value is a tool of any kind (user-defined, provider-defined or dynamic: all carry the TypeId). */
export const isAnyTool = (u: unknown): u is AiTool.Any => Predicate.hasProperty(u, AiTool.TypeId)

/**
 * The JSON Schema and decoder of a tool's parameters: an effect/ai dynamic tool's JSON Schema when it
 * has one, else its parameters Schema's, strict when the tool asks for it (`Tool.Strict`).
 */
export const toolSchemaOf = (tool: AiTool.Any): Result.Result<ToolSchema, string> =>
  AiTool.isDynamic(tool) && tool.jsonSchema !== undefined
    ? jsonSchemaForm(tool.jsonSchema as Record<string, unknown>)
    : toolSchema(tool.parametersSchema, AiTool.getStrictMode(tool) === true)
