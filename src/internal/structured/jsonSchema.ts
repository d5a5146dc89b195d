/**
 * From an Effect `Schema` to the JSON Schema that OpenAI-compatible providers accept in strict mode
 * (`response_format.json_schema.strict: true`, and `strict` function tools), and back.
 *
 * Strict mode asks more than `effect/JSONSchema` gives:
 * - every property is listed in `required` and every object has `additionalProperties: false`;
 *   an optional field is therefore sent as a required field that may be `null`;
 * - no `additionalProperties` schema (a record): a record travels as an array of
 *   `{ key, value }` entries;
 * - the root is an object: any other root (an array, a union, a primitive) travels wrapped as
 *   `{ value: ... }`;
 * - a small keyword set: `$ref` next to other keywords, `allOf`, `default`, `examples`,
 *   `minLength`... are not accepted. A `$ref` with a description is inlined (as the `openai` SDKs
 *   do); constraints strict mode cannot state are left out of the JSON Schema and still checked by
 *   the Schema when the answer is decoded.
 *
 * The rewrite happens on the Schema's AST, not on the JSON: {@link StrictJsonSchema.wire} is the
 * user's Schema with its encoded side changed to the strict form, so one decode turns the model's
 * JSON into the Schema's `Type` (`null` back to an absent field, entries back to a record, the
 * wrapper removed) and one encode turns a value into JSON a strict-mode model could have sent.
 *
 * A field that is both optional and nullable (`Schema.optional(Schema.NullOr(X))`) cannot keep both
 * meanings on the wire: an absent value is sent as `null`, and `null` from the model decodes as
 * `null`.
 */
import * as Effect from "effect/Effect"
import * as JSONSchema from "effect/JSONSchema"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { isRecord, nestsDeeperThan, TOO_DEEP } from "../transport/json.js"
import { Ambiguous, type PartialField, type PartialPlan, shapeInPlace } from "./partialPlan.js"

/** A JSON Schema node, as plain JSON. */
export interface JsonSchema {
  readonly [key: string]: unknown
}

/**
 * The strict-mode form of a Schema: what to put in `response_format.json_schema` (or in a strict
 * tool's `function`), and the Schema that decodes the model's JSON.
 */
export interface StrictJsonSchema<A, R = never> {
  /** The JSON Schema: an object schema, `$defs` at its root when the Schema has identifiers or recursion. */
  readonly schema: JsonSchema
  /** From the Schema's `identifier` (else `title`) annotation, made to fit `^[a-zA-Z0-9_-]{1,64}$`. */
  readonly name: string | undefined
  /** From the Schema's `description` annotation. */
  readonly description: string | undefined
  /** Whether the value travels wrapped as `{ value: ... }` (the Schema's root is not an object). */
  readonly wrapped: boolean
  /** Decodes the model's JSON (strict form) to the Schema's `Type`; encodes a value to the strict form. */
  readonly wire: Schema.Schema<A, unknown, R>
  /** The Schema itself. */
  readonly source: Schema.Schema<A, unknown, R>
  /** The plan that maps a partial (still arriving) strict-form value to the Schema's encoded shape. */
  readonly partial: PartialPlan
}

/** A Schema that strict mode cannot express (a `Declaration` without a JSON Schema, `unknown`, a tuple...). */
export class StrictJsonSchemaError extends Error {
  override readonly name = "StrictJsonSchemaError"
  constructor(readonly path: string, readonly reason: string) {
    super(`The Schema cannot be used as a strict-mode JSON Schema${path === "" ? "" : ` at ${path}`}: ${reason}`)
  }
}

// ---------------------------------------------------------------------------
// AST rewrite: the encoded side in strict form
// ---------------------------------------------------------------------------

const nullLiteral = new AST.Literal(null)

/** A decoded side that is not checked again: the rewritten `from` side has checked everything. */
const passthrough = AST.unknownKeyword

const pathString = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((key) => typeof key === "number" ? `[${key}]` : `.${String(key)}`).join("").replace(/^\./, "")

const isUndefined = (ast: AST.AST): boolean => ast._tag === "UndefinedKeyword"

/** Removes `undefined` from a property's type (`Schema.optional` adds it); says whether it was there. */
const withoutUndefined = (ast: AST.AST): { readonly type: AST.AST; readonly hadUndefined: boolean } => {
  if (isUndefined(ast)) return { type: AST.neverKeyword, hadUndefined: true }
  if (AST.isUnion(ast) && ast.types.some(isUndefined)) {
    return { type: AST.Union.make(ast.types.filter((t) => !isUndefined(t)), ast.annotations), hadUndefined: true }
  }
  return { type: ast, hadUndefined: false }
}

/** Whether a (rewritten) type accepts `null` itself, so that a `null` is a value rather than "absent". */
const acceptsNull = (ast: AST.AST): boolean => {
  switch (ast._tag) {
    case "Literal":
      return ast.literal === null
    case "Union":
      return ast.types.some(acceptsNull)
    case "Refinement":
      return acceptsNull(ast.from)
    case "Transformation":
      return acceptsNull(ast.from)
    case "Suspend":
      return false
    default:
      return false
  }
}

const describing = (ast: AST.Annotated): AST.Annotations => {
  const out: Record<symbol, unknown> = {}
  for (
    const id of [
      AST.IdentifierAnnotationId,
      AST.JSONIdentifierAnnotationId,
      AST.TitleAnnotationId,
      AST.DescriptionAnnotationId
    ]
  ) {
    if (ast.annotations[id] !== undefined) out[id] = ast.annotations[id]
  }
  return out
}

/** `Schema.Date` (a string decoded into a `Date`). */
const isDateFromString = (ast: AST.Transformation): boolean =>
  ast.from._tag === "StringKeyword" && AST.isDeclaration(ast.to) &&
  Option.getOrUndefined(AST.getIdentifierAnnotation(ast.to)) === "DateFromSelf"

/**
 * `Schema.Date` with `format: "date-time"` on its string side, which tells the model (and strict mode)
 * what string to write; `undefined` for any other transformation.
 */
export const dateWithFormat = (ast: AST.Transformation): AST.Transformation | undefined => {
  if (!isDateFromString(ast)) return undefined
  const from = AST.annotations(ast.from, { [AST.JSONSchemaAnnotationId]: { format: "date-time" } })
  return new AST.Transformation(from, ast.to, ast.transformation, ast.annotations)
}

/** effect/JSONSchema follows a surrogate (a Class's original struct), which would skip the rewrite. */
const withoutSurrogate = (annotations: AST.Annotations): AST.Annotations => {
  if (annotations[AST.SurrogateAnnotationId] === undefined) return annotations
  const { [AST.SurrogateAnnotationId]: _, ...rest } = annotations
  return rest
}

interface Rewritten {
  readonly ast: AST.AST
  /** What changes on the wire below this node; `undefined` when nothing does. */
  readonly plan: PartialPlan
  /** For an object: its fields and tags even when nothing changes, to tell union members apart. */
  readonly shape?: PartialPlan
}

/** The literal values a property allows, when it allows only literals (a union's discriminator). */
const literalsOf = (ast: AST.AST): ReadonlyArray<unknown> | undefined => {
  switch (ast._tag) {
    case "Literal":
      return [ast.literal]
    case "Union": {
      const out: Array<unknown> = []
      for (const member of ast.types) {
        const values = literalsOf(member)
        if (values === undefined) return undefined
        out.push(...values)
      }
      return out
    }
    case "Refinement":
      return literalsOf(ast.from)
    default:
      return undefined
  }
}

class Rewriter {
  private readonly memo = new Map<AST.AST, Rewritten>()
  private recursive = 0

  rewrite(ast: AST.AST, path: ReadonlyArray<PropertyKey>): Rewritten {
    const memoized = this.memo.get(ast)
    if (memoized !== undefined) return memoized
    const out = this.go(ast, path)
    this.memo.set(ast, out)
    return out
  }

  private go(ast: AST.AST, path: ReadonlyArray<PropertyKey>): Rewritten {
    switch (ast._tag) {
      case "TypeLiteral":
        return this.typeLiteral(ast, path)
      case "TupleType":
        return this.tuple(ast, path)
      case "Union": {
        const members = ast.types.map((t) => this.rewrite(t, path))
        const changed = members.some((m, i) => m.ast !== ast.types[i])
        return {
          ast: changed ? AST.Union.make(members.map((m) => m.ast), ast.annotations) : ast,
          plan: members.every((m) => m.plan === undefined)
            ? undefined
            : { _tag: "Union", members: members.map((m) => m.plan ?? m.shape) }
        }
      }
      case "Refinement": {
        const from = this.rewrite(ast.from, path)
        if (from.ast === ast.from) return { ast, plan: from.plan, shape: from.shape }
        return {
          ast: new AST.Refinement(from.ast, ast.filter, withoutSurrogate(ast.annotations)),
          plan: from.plan,
          shape: from.shape
        }
      }
      case "Transformation": {
        // The decoded side stays the user's; only the encoded side (`from`) travels.
        const date = dateWithFormat(ast)
        if (date !== undefined) return { ast: date, plan: undefined }
        const from = this.rewrite(ast.from, path)
        if (from.ast === ast.from) return { ast, plan: from.plan, shape: from.shape }
        return {
          ast: new AST.Transformation(from.ast, ast.to, ast.transformation, withoutSurrogate(ast.annotations)),
          plan: from.plan,
          shape: from.shape
        }
      }
      case "Suspend": {
        let inner: Rewritten | undefined
        const force = () => (inner ??= this.rewrite(ast.f(), path))
        const annotations = { ...ast.annotations }
        if (Option.isNone(AST.getJSONIdentifier(ast)) && Option.isNone(AST.getJSONIdentifier(ast.f()))) {
          // effect/JSONSchema needs an identifier to emit a `$ref` for recursion.
          annotations[AST.JSONIdentifierAnnotationId] = `Recursive${++this.recursive}`
        }
        return {
          ast: new AST.Suspend(() => force().ast, annotations),
          plan: { _tag: "Lazy", get: () => force().plan }
        }
      }
      default:
        return { ast, plan: undefined }
    }
  }

  private tuple(ast: AST.TupleType, path: ReadonlyArray<PropertyKey>): Rewritten {
    const rest = ast.rest[0]
    const homogeneous = ast.rest.length === 1 && rest !== undefined &&
      ast.elements.every((e) => !e.isOptional && e.type === rest.type)
    if (!homogeneous || rest === undefined) {
      throw new StrictJsonSchemaError(
        pathString(path),
        "strict mode has no tuples (fixed positions); use an Array or a Struct"
      )
    }
    const item = this.rewrite(rest.type, path.concat(0))
    if (item.ast === rest.type) {
      return { ast, plan: item.plan === undefined ? undefined : { _tag: "Array", item: item.plan } }
    }
    const itemType = new AST.Type(item.ast, rest.annotations)
    return {
      ast: new AST.TupleType(
        ast.elements.map((e) => new AST.OptionalType(item.ast, false, e.annotations)),
        [itemType],
        ast.isReadonly,
        ast.annotations
      ),
      plan: item.plan === undefined ? undefined : { _tag: "Array", item: item.plan }
    }
  }

  private typeLiteral(ast: AST.TypeLiteral, path: ReadonlyArray<PropertyKey>): Rewritten {
    if (ast.indexSignatures.length > 0) {
      if (ast.propertySignatures.length > 0 || ast.indexSignatures.length > 1) {
        throw new StrictJsonSchemaError(
          pathString(path),
          "strict mode has no object with both named fields and a record of other keys"
        )
      }
      return this.record(ast, ast.indexSignatures[0]!, path)
    }
    if (ast.propertySignatures.length === 0) {
      return {
        ast: new AST.TypeLiteral([], [], {
          ...ast.annotations,
          [AST.JSONSchemaAnnotationId]: { type: "object", properties: {}, required: [], additionalProperties: false }
        }),
        plan: undefined
      }
    }
    const fields = new Map<string, PartialField>()
    const tags = new Map<string, ReadonlyArray<unknown>>()
    const from: Array<AST.PropertySignature> = []
    const to: Array<AST.PropertySignature> = []
    const nullable: Array<{ readonly key: string; readonly optional: boolean; readonly keepNull: boolean }> = []
    let changed = false
    for (const ps of ast.propertySignatures) {
      if (typeof ps.name !== "string") {
        throw new StrictJsonSchemaError(pathString(path), `the key ${String(ps.name)} is not a string`)
      }
      const { hadUndefined, type } = withoutUndefined(ps.type)
      const literals = literalsOf(type)
      if (literals !== undefined) tags.set(ps.name, literals)
      const inner = this.rewrite(type, path.concat(ps.name))
      if (!ps.isOptional && !hadUndefined) {
        if (inner.ast !== ps.type) changed = true
        from.push(
          inner.ast === ps.type ? ps : new AST.PropertySignature(ps.name, inner.ast, false, true, ps.annotations)
        )
        to.push(new AST.PropertySignature(ps.name, passthrough, false, true))
        fields.set(ps.name, { nullMeansAbsent: false, plan: inner.plan })
        continue
      }
      changed = true
      const keepNull = acceptsNull(inner.ast)
      const wireType = keepNull ? inner.ast : AST.Union.make([inner.ast, nullLiteral])
      // Optional here too: a model outside strict mode may leave the key out, which means the same.
      from.push(new AST.PropertySignature(ps.name, wireType, true, true, ps.annotations))
      to.push(new AST.PropertySignature(ps.name, passthrough, ps.isOptional, true))
      nullable.push({ key: ps.name, optional: ps.isOptional, keepNull })
      fields.set(ps.name, { nullMeansAbsent: !keepNull, plan: inner.plan })
    }
    const planChanged = nullable.some((n) => !n.keepNull) ||
      Array.from(fields.values()).some((f) => f.plan !== undefined)
    const shape: PartialPlan = { _tag: "Object", fields, tags }
    const plan: PartialPlan = planChanged ? shape : undefined
    if (!changed) return { ast, plan, shape }
    const { [AST.IdentifierAnnotationId]: _id, [AST.JSONIdentifierAnnotationId]: _jsonId, ...texts } = describing(ast)
    const fromAst = new AST.TypeLiteral(from, [], texts)
    if (nullable.length === 0) {
      // Only nested fields changed: the object itself travels as it is.
      return { ast: new AST.TypeLiteral(from, [], ast.annotations), plan, shape }
    }
    return {
      ast: new AST.Transformation(
        fromAst,
        new AST.TypeLiteral(to, []),
        new AST.TypeLiteralTransformation(
          nullable.map(({ key, keepNull, optional }) =>
            new AST.PropertySignatureTransformation(
              key,
              key,
              (o) =>
                Option.isSome(o) && o.value === null && !keepNull
                  ? (optional ? Option.none() : Option.some(undefined))
                  : o,
              (o) => Option.isNone(o) || o.value === undefined ? Option.some(null) : o
            )
          )
        ),
        describing(ast)
      ),
      plan,
      shape
    }
  }

  private record(ast: AST.TypeLiteral, is: AST.IndexSignature, path: ReadonlyArray<PropertyKey>): Rewritten {
    if (is.parameter._tag === "SymbolKeyword") {
      throw new StrictJsonSchemaError(pathString(path), "symbol keys have no JSON form")
    }
    const { type } = withoutUndefined(is.type)
    const value = this.rewrite(type, path.concat("[key]"))
    const entry = new AST.TypeLiteral([
      new AST.PropertySignature("key", is.parameter, false, true),
      new AST.PropertySignature("value", value.ast, false, true)
    ], [])
    const entries = new AST.TupleType([], [new AST.Type(entry)], true, describing(ast))
    return {
      ast: new AST.Transformation(
        entries,
        new AST.TypeLiteral([], [new AST.IndexSignature(is.parameter, passthrough, true)]),
        new AST.FinalTransformation(
          (input) => {
            const out: Record<string, unknown> = {}
            for (const e of input as ReadonlyArray<{ readonly key: string; readonly value: unknown }>) {
              Object.defineProperty(out, e.key, {
                value: e.value,
                enumerable: true,
                writable: true,
                configurable: true
              })
            }
            return ParseResult.succeed(out)
          },
          (input) =>
            ParseResult.succeed(
              Object.entries(input as Record<string, unknown>).map(([key, value]) => ({ key, value }))
            )
        )
      ),
      plan: { _tag: "Record", value: value.plan }
    }
  }
}

// ---------------------------------------------------------------------------
// JSON post-processing: the keyword set strict mode accepts
// ---------------------------------------------------------------------------

const allowed = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "anyOf",
  "enum",
  "const",
  "$ref",
  "description",
  "pattern",
  "format",
  "multipleOf",
  "maximum",
  "exclusiveMaximum",
  "minimum",
  "exclusiveMinimum",
  "minItems",
  "maxItems"
])

const inexpressible: Record<string, string> = {
  "/schemas/any": "`any` has no strict-mode form",
  "/schemas/unknown": "`unknown` has no strict-mode form",
  "/schemas/void": "`void` has no strict-mode form",
  "/schemas/object": "`object` has no strict-mode form",
  "/schemas/never": "`never` has no strict-mode form",
  "/schemas/%7B%7D": "`{}` has no strict-mode form"
}

const strictify = (root: Record<string, unknown>): JsonSchema => {
  const defs = isRecord(root.$defs) ? root.$defs : {}
  const resolve = (ref: string): Record<string, unknown> => {
    const key = decodeURIComponent(ref.replace(/^#\/\$defs\//, "")).replace(/~1/g, "/").replace(/~0/g, "~")
    const def = defs[key]
    if (!isRecord(def)) throw new StrictJsonSchemaError("", `unresolved reference ${ref}`)
    return def
  }
  const go = (node: unknown, path: string): Record<string, unknown> => {
    if (!isRecord(node)) throw new StrictJsonSchemaError(path, "a JSON Schema node is not an object")
    if (typeof node.$id === "string" && inexpressible[node.$id] !== undefined) {
      throw new StrictJsonSchemaError(path, inexpressible[node.$id]!)
    }
    if (node.not !== undefined) throw new StrictJsonSchemaError(path, "`not` has no strict-mode form")
    let source: Record<string, unknown> = node
    // `{ allOf: [{ $ref }], description }` (a reference with annotations): inline the reference.
    if (Array.isArray(node.allOf) && node.allOf.length === 1 && isRecord(node.allOf[0]) && node.type === undefined) {
      const { allOf: _, ...rest } = node
      source = { ...node.allOf[0], ...rest }
    }
    if (typeof source.$ref === "string" && Object.keys(source).some((k) => k !== "$ref" && allowed.has(k))) {
      const { $ref, ...rest } = source
      source = { ...resolve($ref as string), ...rest }
    }
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(source)) {
      if (!allowed.has(key)) continue
      const value = source[key]
      switch (key) {
        case "properties": {
          const properties: Record<string, unknown> = {}
          for (const [name, schema] of Object.entries(value as Record<string, unknown>)) {
            properties[name] = go(schema, path === "" ? name : `${path}.${name}`)
          }
          out.properties = properties
          break
        }
        case "items":
          if (Array.isArray(value)) throw new StrictJsonSchemaError(path, "strict mode has no tuples")
          out.items = go(value, `${path}[]`)
          break
        case "anyOf":
          out.anyOf = (value as ReadonlyArray<unknown>).map((member) => go(member, path))
          break
        case "additionalProperties":
          if (value !== false) throw new StrictJsonSchemaError(path, "strict mode has no additional properties")
          out.additionalProperties = false
          break
        default:
          out[key] = value
      }
    }
    if (out.type === "object") {
      const properties = (out.properties ?? {}) as Record<string, unknown>
      out.properties = properties
      out.required = Object.keys(properties)
      out.additionalProperties = false
    }
    if (out.type === undefined && out.anyOf === undefined && out.$ref === undefined && out.enum === undefined) {
      throw new StrictJsonSchemaError(path, "a schema without a type has no strict-mode form")
    }
    return out
  }
  const out = go(root, "")
  const names = Object.keys(defs)
  if (names.length > 0) {
    const $defs: Record<string, unknown> = {}
    for (const name of names) $defs[name] = go(defs[name], `$defs.${name}`)
    out.$defs = $defs
  }
  return out
}

// ---------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------

const sanitizeName = (name: string): string | undefined => {
  const out = name.replace(/[^a-zA-Z0-9_-]+/g, "_").slice(0, 64)
  return out.replace(/_/g, "") === "" ? undefined : out
}

/** The identifier / title / description of the Schema itself (through a Class's transformation or a suspend). */
const rootAnnotation = (ast: AST.AST, get: (a: AST.Annotated) => Option.Option<string>): string | undefined => {
  const direct = get(ast)
  if (Option.isSome(direct)) return direct.value
  switch (ast._tag) {
    case "Transformation":
      return AST.isDeclaration(ast.to) ? rootAnnotation(ast.to, get) : undefined
    case "Suspend":
      return rootAnnotation(ast.f(), get)
    default:
      return undefined
  }
}

const isObjectRoot = (ast: AST.AST): boolean => {
  switch (ast._tag) {
    case "TypeLiteral":
      return ast.indexSignatures.length === 0
    case "Refinement":
      return isObjectRoot(ast.from)
    case "Transformation":
      return isObjectRoot(ast.from)
    default:
      return false
  }
}

const cache = new WeakMap<AST.AST, StrictJsonSchema<unknown, unknown>>()

/**
 * The strict-mode JSON Schema of a Schema, with the Schema that decodes the model's JSON. Derived
 * once per Schema (cached by its AST). Throws {@link StrictJsonSchemaError} when the Schema has a
 * part strict mode cannot express.
 */
export const strictJsonSchema = <A, I, R>(schema: Schema.Schema<A, I, R>): StrictJsonSchema<A, R> => {
  const cached = cache.get(schema.ast)
  if (cached !== undefined) return cached as StrictJsonSchema<A, R>
  const rewriter = new Rewriter()
  const rewritten = rewriter.rewrite(schema.ast, [])
  const wrapped = !isObjectRoot(schema.ast)
  const wireAst = wrapped
    ? new AST.Transformation(
      new AST.TypeLiteral([new AST.PropertySignature("value", rewritten.ast, false, true)], []),
      passthrough,
      new AST.FinalTransformation(
        (input) => ParseResult.succeed((input as { readonly value: unknown }).value),
        (input) => ParseResult.succeed({ value: input })
      )
    )
    : rewritten.ast
  let json: JsonSchema
  try {
    const definitions: Record<string, JSONSchema.JsonSchema7> = {}
    const root = JSONSchema.fromAST(wireAst, {
      definitions,
      target: "jsonSchema7",
      topLevelReferenceStrategy: "skip"
    }) as unknown as Record<string, unknown>
    json = strictify(Object.keys(definitions).length > 0 ? { ...root, $defs: definitions } : root)
  } catch (e) {
    if (e instanceof StrictJsonSchemaError) throw e
    throw new StrictJsonSchemaError("", e instanceof Error ? e.message : String(e))
  }
  if (json.type !== "object") {
    throw new StrictJsonSchemaError("", "the root is not an object schema")
  }
  const identifier = rootAnnotation(schema.ast, AST.getJSONIdentifier) ??
    rootAnnotation(schema.ast, AST.getTitleAnnotation)
  const out: StrictJsonSchema<A, R> = {
    schema: json,
    name: identifier === undefined ? undefined : sanitizeName(identifier),
    description: rootAnnotation(schema.ast, AST.getDescriptionAnnotation),
    wrapped,
    wire: Schema.make<A, unknown, R>(wireAst),
    source: schema as Schema.Schema<A, unknown, R>,
    partial: wrapped ? { _tag: "Wrapped", value: rewritten.plan } : rewritten.plan
  }
  cache.set(schema.ast, out as StrictJsonSchema<unknown, unknown>)
  return out
}

/**
 * Why a model's JSON text did not decode: not JSON, nested deeper than `MAX_DEPTH` (refused before
 * parsing, so no walk over it can overflow the stack), or JSON that does not match (every issue).
 */
export type StrictDecodeFailure =
  | { readonly _tag: "NotJson"; readonly message: string }
  | { readonly _tag: "TooDeep"; readonly message: string }
  | { readonly _tag: "Mismatch"; readonly issue: ParseResult.ParseIssue }

/**
 * Decodes JSON text a model wrote in the strict form (a structured answer, a strict tool's
 * arguments) to the Schema's `Type`. Fast path: the parsed JSON is shaped in place by the plan
 * (`null`s of absent fields dropped, entries made records, the root unwrapped) and decoded with the
 * Schema itself, one decode. When that fails, or a union is ambiguous, the wire Schema decides, and
 * a mismatch reports every issue.
 */
export const decodeStrictJson = <A, R>(
  strict: StrictJsonSchema<A, R>,
  text: string
): Effect.Effect<A, StrictDecodeFailure, R> => {
  if (nestsDeeperThan(text)) return Effect.fail({ _tag: "TooDeep", message: TOO_DEEP })
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    return Effect.fail({ _tag: "NotJson", message: e instanceof Error ? e.message : String(e) })
  }
  let fast: unknown = json
  let ambiguous = false
  if (strict.partial !== undefined) {
    try {
      fast = shapeInPlace(json, strict.partial)
    } catch (e) {
      if (!(e instanceof Ambiguous)) throw e
      ambiguous = true
    }
  }
  const viaWire = (): Effect.Effect<A, StrictDecodeFailure, R> => {
    // Shaping changed the parsed value in place: the wire Schema reads a fresh parse.
    const wire = strict.partial === undefined ? json : JSON.parse(text)
    return Effect.catchAll(
      ParseResult.decodeUnknown(strict.wire)(wire),
      () =>
        Effect.mapError(
          ParseResult.decodeUnknown(strict.wire, { errors: "all" })(wire),
          (issue): StrictDecodeFailure => ({ _tag: "Mismatch", issue })
        )
    )
  }
  return ambiguous ? viaWire() : Effect.catchAll(ParseResult.decodeUnknown(strict.source)(fast), viaWire)
}
