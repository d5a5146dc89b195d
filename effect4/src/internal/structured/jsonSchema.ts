/**
 * From an Effect 4 `Schema` to the JSON Schema that OpenAI-compatible providers accept in strict mode
 * (`response_format.json_schema.strict: true`), and back: the Effect 4 edition of the Effect 3
 * `src/internal/structured/jsonSchema.ts`.
 *
 * The derivation is `effect/ai`'s own (`OpenAiStructuredOutput.toCodecOpenAI`): every property
 * required, optional ones nullable, `additionalProperties: false`, records as arrays of
 * `[key, value]` pairs (sent as `{"0": key, "1": value}` objects), tuples as objects with numeric
 * keys, and constraints strict mode cannot state left to the codec. What this file adds:
 * - a root that is not an object (an array, a union, a primitive, a record) travels wrapped as
 *   `{ value: ... }`, as in the Effect 3 edition (`toCodecOpenAI` throws on such roots);
 * - a refusal of what cannot be derived as an `InvalidRequestError`-ready {@link StrictJsonSchemaError};
 * - the answer is read tolerantly: the Schema's plain JSON form and the strict form (an answer from
 *   a model that ignored `response_format` is in the former), so a billed answer that carries the
 *   value is not thrown away over its encoding;
 * - the value in the strict form (`encode`), what `Testing.jsonAnswer` sends;
 * - the partial plan (the shared Effect-free `partialPlan.ts`) that shows partial values in the
 *   Schema's encoded shape: optional fields' `null`s dropped, the wrapper removed;
 * - the depth bound of the shared `json.ts` (`MAX_DEPTH`), checked before any parse.
 *
 * Why effect/ai's derivation and not a port of ours: see CONTRIBUTING.md ("Strict JSON Schema on
 * Effect 4") for the comparison.
 */
import { toCodecOpenAI } from "effect/ai/OpenAiStructuredOutput"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import * as SchemaIssue from "effect/SchemaIssue"
import type { EntryNames, PartialField, PartialPlan } from "../../../../src/internal/structured/partialPlan.js"
import { isRecord, nestsDeeperThan, TOO_DEEP } from "../../../../src/internal/transport/json.js"
import { toCodecOpenAIStated } from "./constraints.js"

/** A JSON Schema node, as plain JSON. */
export interface JsonSchema {
  readonly [key: string]: unknown
}

/** The strict-mode form of a Schema: what to put in `response_format.json_schema`, and how to read the answer. */
export interface StrictJsonSchema<A, R = never> {
  /** The JSON Schema: an object schema, `$defs` at its root when the Schema has identifiers or recursion. */
  readonly schema: JsonSchema
  /** From the Schema's `identifier` (else `title`) annotation, made to fit `^[a-zA-Z0-9_-]{1,64}$`. */
  readonly name: string | undefined
  /** From the Schema's `description` annotation. */
  readonly description: string | undefined
  /** Whether the value travels wrapped as `{ value: ... }` (the Schema's root is not an object). */
  readonly wrapped: boolean
  /** Decodes the model's JSON in strict form (wrapper included) to the Schema's `Type`. */
  readonly wire: (json: unknown) => Effect.Effect<A, Schema.SchemaError, R>
  /** Decodes the Schema's plain JSON form (no wrapper), the tolerant second reading. */
  readonly plain: (json: unknown) => Effect.Effect<A, Schema.SchemaError, R>
  /**
   * The value as JSON in the strict form (wrapper included): what a model answering {@link schema}
   * sends, as `Testing.jsonAnswer` and `Testing.finalAnswer` send it.
   */
  readonly encode: (value: A) => Result.Result<unknown, Schema.SchemaError>
  /** The plan that maps a partial (still arriving) strict-form value to the Schema's encoded shape. */
  readonly partial: PartialPlan
}

/** Every issue of a mismatch, not only the first: the re-ask tells the model all that was wrong. */
const ALL_ERRORS = { errors: "all" } as const

/** A Schema that strict mode cannot express. */
export class StrictJsonSchemaError extends Error {
  override readonly name = "StrictJsonSchemaError"
  constructor(readonly path: string, readonly reason: string) {
    super(`The Schema cannot be used as a strict-mode JSON Schema${path === "" ? "" : ` at ${path}`}: ${reason}`)
  }
}

/** Whether an encoded AST is a plain object (properties, no index signature): a root strict mode accepts. */
const isObjectRoot = (ast: AST.AST): boolean => {
  const encoded = AST.toEncoded(ast)
  return encoded._tag === "Objects" && encoded.indexSignatures.length === 0
}

const acceptsNull = (ast: AST.AST): boolean =>
  ast._tag === "Null" || (ast._tag === "Union" && ast.types.some(acceptsNull)) ||
  (ast._tag === "Suspend" && acceptsNull(ast.thunk()))

/** The literal values an AST allows, when it allows only literals: what tells union members apart. */
const literalsOf = (ast: AST.AST): ReadonlyArray<unknown> | undefined => {
  if (ast._tag === "Literal") return [ast.literal]
  if (ast._tag === "Union") {
    const out: Array<unknown> = []
    for (const t of ast.types) {
      const l = literalsOf(t)
      if (l === undefined) return undefined
      out.push(...l)
    }
    return out
  }
  return undefined
}

/** effect/ai's record entry on the wire: `{ "0": key, "1": value }`. */
const PAIR: EntryNames = ["0", "1"]

/**
 * The partial plan of an encoded AST. A record travels as effect/ai's list of pairs
 * `{ "0": key, "1": value }`, which the plan's `Record` names, so its partial values show the record;
 * a tuple (a `NonEmptyArray` too) travels as an object of numeric keys with its rest under `__rest__`,
 * which the plan's `Tuple` names, so its partial values show the array.
 */
const planOf = (root: AST.AST): PartialPlan => {
  const done = new Map<AST.AST, PartialPlan>()
  const go = (ast: AST.AST): PartialPlan => {
    if (done.has(ast)) return done.get(ast)
    switch (ast._tag) {
      case "Suspend": {
        let inner: PartialPlan
        let forced = false
        const plan: PartialPlan = {
          _tag: "Lazy",
          get: () => {
            if (!forced) {
              forced = true
              inner = go(AST.toEncoded(ast.thunk()))
            }
            return inner
          }
        }
        done.set(ast, plan)
        return plan
      }
      case "Objects": {
        if (ast.indexSignatures.length > 0) {
          const [index] = ast.indexSignatures
          return ast.propertySignatures.length === 0 && ast.indexSignatures.length === 1 && index !== undefined
            ? { _tag: "Record", value: go(index.type), names: PAIR }
            : undefined
        }
        const fields = new Map<string, PartialField>()
        const tags = new Map<string, ReadonlyArray<unknown>>()
        for (const p of ast.propertySignatures) {
          if (typeof p.name !== "string") continue
          fields.set(p.name, { nullMeansAbsent: AST.isOptional(p.type) && !acceptsNull(p.type), plan: go(p.type) })
          const literals = literalsOf(p.type)
          if (literals !== undefined && !AST.isOptional(p.type)) tags.set(p.name, literals)
        }
        return { _tag: "Object", fields, tags }
      }
      case "Arrays": {
        if (ast.elements.length === 0 && ast.rest.length === 1) return { _tag: "Array", item: go(ast.rest[0]!) }
        // effect/ai's strict form of a tuple: an object of numeric keys, `__rest__` and `__tail_i__`.
        const [rest, ...tails] = ast.rest
        return {
          _tag: "Tuple",
          elements: ast.elements.map(go),
          rest: rest !== undefined,
          restItem: rest === undefined ? undefined : go(rest),
          tails: tails.map(go)
        }
      }
      case "Union": {
        const members = ast.types.map(go)
        return members.every((m) => m === undefined) ? undefined : { _tag: "Union", members }
      }
      default:
        return undefined
    }
  }
  return go(AST.toEncoded(root))
}

/**
 * Refuses a node strict mode rejects: one that says nothing of its type (`Schema.Unknown`, `Schema.Any`,
 * a declaration without a JSON Schema), for which effect/ai emits `{}`. The path names the field.
 */
const checkStrict = (node: unknown, path: string, where: string): void => {
  if (!isRecord(node)) return
  const n = node
  if (n.type === undefined && n.anyOf === undefined && n.$ref === undefined && n.enum === undefined) {
    throw new StrictJsonSchemaError(path, `${where} has no JSON type (strict mode needs one)`)
  }
  const at = (key: string) => (path === "" ? key : `${path}.${key}`)
  if (isRecord(n.properties)) {
    for (const [key, value] of Object.entries(n.properties)) checkStrict(value, at(key), "the field")
  }
  if (n.items !== undefined) checkStrict(n.items, `${path}[]`, "an element")
  if (Array.isArray(n.anyOf)) { for (const member of n.anyOf) checkStrict(member, path, "a union member") }
}

const isNonFinite = (node: unknown): boolean =>
  isRecord(node) && node.type === "string" && Array.isArray(node.enum) &&
  node.enum.every((e) => e === "Infinity" || e === "-Infinity" || e === "NaN")

/**
 * Where effect/ai's output is larger than it needs to be for a model, made smaller (the codec still
 * reads what it accepted before, so nothing is lost on decode):
 * - `Schema.Number` as `anyOf: [number, "Infinity" | "-Infinity" | "NaN"]`: the strings invite a
 *   model to answer `"NaN"`; a number is what is meant;
 * - `Schema.Int`'s `minimum`/`maximum` of ±(2^53 - 1): bounds no model reaches;
 * - the root copied into `$defs` under its identifier while the root is inlined: unreferenced
 *   definitions are dropped.
 */
const simplify = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(simplify)
  if (!isRecord(node)) return node
  if (Array.isArray(node.anyOf)) {
    const kept = node.anyOf.filter((m) => !isNonFinite(m))
    if (kept.length < node.anyOf.length && kept.some((m) => isRecord(m) && m.type === "number")) {
      const { anyOf: _, ...rest } = node
      return simplify(kept.length === 1 ? { ...(kept[0] as object), ...rest } : { ...rest, anyOf: kept })
    }
  }
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) {
    if (
      node.type === "integer" && ((key === "minimum" && value === -Number.MAX_SAFE_INTEGER) ||
        (key === "maximum" && value === Number.MAX_SAFE_INTEGER))
    ) continue
    out[key] = key === "enum" || key === "required" ? value : simplify(value)
  }
  return out
}

/** The `$defs` reachable from the root's `$ref`s (transitively); the others are dropped. */
const pruneDefinitions = (schema: Record<string, unknown>): Record<string, unknown> => {
  const definitions = schema.$defs
  if (!isRecord(definitions)) return schema
  const used = new Set<string>()
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit)
    if (!isRecord(node)) return
    for (const [key, value] of Object.entries(node)) {
      if (key === "$defs") continue
      if (key === "$ref" && typeof value === "string" && value.startsWith("#/$defs/")) {
        const name = value.slice("#/$defs/".length)
        if (!used.has(name)) {
          used.add(name)
          visit(definitions[name])
        }
      } else visit(value)
    }
  }
  visit(schema)
  const { $defs: _, ...rest } = schema
  if (used.size === 0) return rest
  return { ...rest, $defs: Object.fromEntries(Object.entries(definitions).filter(([k]) => used.has(k))) }
}

const nameOf = (ast: AST.AST): string | undefined => {
  const raw = AST.resolveIdentifier(ast) ?? AST.resolveTitle(ast)
  if (raw === undefined) return undefined
  const name = raw.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64)
  return name === "" ? undefined : name
}

/** One derivation per Schema: `Structured.send` asks for it on every call. */
const cache = new WeakMap<object, StrictJsonSchema<unknown, unknown>>()

/**
 * The strict-mode form of a Schema, derived once per Schema. Throws {@link StrictJsonSchemaError}
 * when it has none (the caller turns it into an `InvalidRequestError` before anything is sent).
 */
export const strictJsonSchema = <A, I, RD>(schema: Schema.Codec<A, I, RD>): StrictJsonSchema<A, RD> => {
  const cached = cache.get(schema)
  if (cached !== undefined) return cached as StrictJsonSchema<A, RD>
  const out = derive(schema)
  cache.set(schema, out as StrictJsonSchema<unknown, unknown>)
  return out
}

const derive = <A, I, RD>(schema: Schema.Codec<A, I, RD>): StrictJsonSchema<A, RD> => {
  const wrapped = !isObjectRoot(schema.ast)
  const root = wrapped ? Schema.Struct({ value: schema }) : schema
  let derived: ReturnType<typeof toCodecOpenAI<unknown, unknown, RD, never>>
  try {
    // The JSON Schema states the constraints the Schema checks (see constraints.ts).
    derived = toCodecOpenAIStated(root as Schema.Codec<unknown, unknown, RD>)
  } catch (e) {
    throw new StrictJsonSchemaError("", e instanceof Error ? e.message : String(e))
  }
  const definitions = (derived.jsonSchema.$defs ?? {}) as Record<string, unknown>
  const schemaPath = (path: string) => (wrapped ? path.replace(/^value\.?/, "") : path)
  try {
    checkStrict(derived.jsonSchema, "", "the value")
    for (const [key, value] of Object.entries(definitions)) checkStrict(value, "", `the definition ${key}`)
  } catch (e) {
    throw e instanceof StrictJsonSchemaError ? new StrictJsonSchemaError(schemaPath(e.path), e.reason) : e
  }
  const strict = Schema.decodeUnknownEffect(derived.codec)
  const encode = Schema.encodeUnknownResult(derived.codec)
  const plain = Schema.decodeUnknownEffect(Schema.toCodecJson(schema))
  return {
    schema: pruneDefinitions(simplify(derived.jsonSchema) as Record<string, unknown>),
    name: nameOf(schema.ast),
    description: AST.resolveDescription(schema.ast),
    wrapped,
    wire: (json) =>
      Effect.map(strict(json, ALL_ERRORS), (u) => (wrapped ? (u as { readonly value: A }).value : u as A)),
    plain: (json) => plain(json, ALL_ERRORS),
    encode: (value) => encode(wrapped ? { value } : value),
    partial: wrapped ? { _tag: "Wrapped", value: planOf(schema.ast) } : planOf(schema.ast)
  }
}

/**
 * Why a model's JSON text did not decode: not JSON, nested deeper than `MAX_DEPTH` (refused before
 * parsing, so no walk over it can overflow the stack), or JSON that does not match (every issue).
 */
export type StrictDecodeFailure =
  | { readonly _tag: "NotJson"; readonly message: string }
  | { readonly _tag: "TooDeep"; readonly message: string }
  | { readonly _tag: "Mismatch"; readonly issue: SchemaIssue.Issue }

/**
 * Decodes a model's JSON text: the Schema's plain JSON form (for a wrapped root, the value inside
 * `{ value }`), then the strict form. The strict form's issues are reported when neither reads.
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
  // The plain form first: JSON that is valid in it means what it says (a `null` the Schema allows stays
  // `null`, where the strict form would read it as an absent optional field); then the strict form,
  // whose issues are the ones reported.
  const bare = strict.wrapped && isRecord(json) && Object.keys(json).length === 1 && "value" in json
    ? json.value
    : json
  return Effect.catch(
    strict.plain(bare),
    () => Effect.mapError(strict.wire(json), (error): StrictDecodeFailure => ({ _tag: "Mismatch", issue: error.issue }))
  )
}

const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1()

/** Every issue of a failed decode with its dotted path (the wrapper's `value` step removed). */
export const issuesOf = (
  issue: SchemaIssue.Issue,
  wrapped: boolean
): ReadonlyArray<{ readonly path: string; readonly message: string }> =>
  formatIssues(issue).issues.map((i) => {
    const raw = (i.path ?? []).map((p) => (typeof p === "object" ? p.key : p))
    const path = wrapped && raw[0] === "value" ? raw.slice(1) : raw
    return { path: path.map(String).join("."), message: i.message }
  })
