/**
 * Fast decoding for schemas without transformations (the response schemas).
 *
 * `Schema.decodeUnknownEither` builds a fresh output object for every struct
 * and an Either for every node: 6-10x the cost of `JSON.parse` for a
 * typical stream chunk. A schema without transformations decodes a valid
 * input to a structural copy of that input, so a plain guard compiled from the
 * same AST can accept the input and hand it back as is; the schema decoder only
 * runs when the guard says no, to produce the ParseError.
 *
 * The guard mirrors effect's decoder node by node (tests check the two agree
 * on generated and mutated values), for inputs that are plain JSON values.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { isRecord } from "../transport/json.js"
import { closeUpward, type InvalidField, repair, type RepairView } from "./invalidFields.js"

/** @internal */
export type Guard = (u: unknown) => boolean

const hasOwn = Object.prototype.hasOwnProperty

const unsupported = (ast: AST.AST): never => {
  throw new Error(`compileGuard: unsupported schema node ${ast._tag} (${String(ast)})`)
}

const accept: Guard = () => true
const reject: Guard = () => false

/**
 * Compiles a predicate accepting exactly the inputs the schema decodes
 * successfully. Throws on nodes whose decoding changes the value
 * (transformations, declarations).
 *
 * @internal
 */
export const compileGuard = (ast: AST.AST): Guard => go(ast, new Map())

/** Shared sub-schemas compile once. Recursion only happens through `Suspend`, compiled on first use. */
const go = (ast: AST.AST, memo: Map<AST.AST, Guard>): Guard => {
  let guard = memo.get(ast)
  if (guard === undefined) {
    guard = build(ast, memo)
    memo.set(ast, guard)
  }
  return guard
}

const typeofOf = (ast: AST.AST): string | undefined => {
  switch (ast._tag) {
    case "StringKeyword":
      return "string"
    case "NumberKeyword":
      return "number"
    case "BooleanKeyword":
      return "boolean"
    case "BigIntKeyword":
      return "bigint"
    case "SymbolKeyword":
      return "symbol"
    case "UndefinedKeyword":
    case "VoidKeyword":
      return "undefined"
    default:
      return undefined
  }
}

const build = (ast: AST.AST, memo: Map<AST.AST, Guard>): Guard => {
  const t = typeofOf(ast)
  if (t !== undefined) return (u) => typeof u === t
  switch (ast._tag) {
    case "Literal": {
      const literal = ast.literal
      return (u) => u === literal
    }
    case "UniqueSymbol": {
      const symbol = ast.symbol
      return (u) => u === symbol
    }
    case "UnknownKeyword":
    case "AnyKeyword":
      return accept
    case "NeverKeyword":
      return reject
    case "ObjectKeyword":
      return (u) => (typeof u === "object" && u !== null) || typeof u === "function"
    case "Enums": {
      const values = ast.enums.map(([, value]) => value)
      return (u) => values.includes(u as string | number)
    }
    case "Refinement": {
      const from = go(ast.from, memo)
      const options: AST.ParseOptions = {}
      return (u) => from(u) && Option.isNone(ast.filter(u, options, ast))
    }
    case "Suspend": {
      let target: Guard | undefined
      return (u) => (target ??= go(ast.f(), memo))(u)
    }
    case "Union":
      return union(ast, memo)
    case "TupleType":
      return array(ast, memo)
    case "TypeLiteral":
      return typeLiteral(ast, memo)
    default:
      return unsupported(ast)
  }
}

const flatten = (types: ReadonlyArray<AST.AST>): Array<AST.AST> =>
  types.flatMap((t) => (t._tag === "Union" ? flatten(t.types) : [t]))

/** Never equal to an input: fills unused literal slots. */
const NONE = {}
/** Never a `typeof` result: fills unused typeof slots. */
const NO_TYPE = "none"

/**
 * Keyword and literal members become `typeof` and `===` checks, the rest are
 * tried in order. The common shapes (`X | null | undefined` for an optional
 * nullable field) get a closure without loops.
 */
const union = (ast: AST.Union, memo: Map<AST.AST, Guard>): Guard => {
  const typeofs: Array<string> = []
  const literals: Array<unknown> = []
  const others: Array<Guard> = []
  for (const member of flatten(ast.types)) {
    const t = typeofOf(member)
    if (t !== undefined) typeofs.push(t)
    else if (member._tag === "Literal") literals.push(member.literal)
    else others.push(go(member, memo))
  }
  const lits = literals.filter((l) => !typeofs.includes(typeof l))
  if (typeofs.length <= 3 && lits.length <= 1 && others.length <= 1) {
    const t0 = typeofs[0] ?? NO_TYPE
    const t1 = typeofs[1] ?? NO_TYPE
    const t2 = typeofs[2] ?? NO_TYPE
    const l0 = lits.length === 1 ? lits[0] : NONE
    const o0 = others[0] ?? reject
    return (u) => {
      const t = typeof u
      return t === t0 || t === t1 || t === t2 || u === l0 || o0(u)
    }
  }
  const literalSet = new Set(lits)
  return (u) => {
    const t = typeof u
    for (let i = 0; i < typeofs.length; i++) if (typeofs[i] === t) return true
    if (literalSet.has(u)) return true
    for (let i = 0; i < others.length; i++) if (others[i]!(u)) return true
    return false
  }
}

const array = (ast: AST.TupleType, memo: Map<AST.AST, Guard>): Guard => {
  if (ast.elements.length > 0 || ast.rest.length !== 1) return unsupported(ast)
  const item = go(ast.rest[0]!.type, memo)
  return (u) => {
    if (!Array.isArray(u)) return false
    for (let i = 0; i < u.length; i++) if (!item(u[i])) return false
    return true
  }
}

interface Property {
  readonly name: string
  readonly guard: Guard
  readonly isOptional: boolean
}

const typeLiteral = (ast: AST.TypeLiteral, memo: Map<AST.AST, Guard>): Guard => {
  if (ast.propertySignatures.length === 0 && ast.indexSignatures.length === 0) {
    return (u) => u !== null && u !== undefined
  }
  // looked up by input key: a for-in loop reads the input's fields in storage
  // order, and absent optional fields cost nothing
  const table: Record<string, Property> = Object.create(null)
  const required: Array<Property> = []
  for (const ps of ast.propertySignatures) {
    if (typeof ps.name !== "string") return unsupported(ast)
    const property: Property = { name: ps.name, guard: go(ps.type, memo), isOptional: ps.isOptional }
    table[ps.name] = property
    if (!ps.isOptional) required.push(property)
  }
  const indexSignatures = ast.indexSignatures.map((is) => {
    const parameter = is.parameter
    const key = parameter._tag === "StringKeyword"
      ? accept
      : parameter._tag === "Refinement" && parameter.from._tag === "StringKeyword"
      ? go(parameter, memo)
      : unsupported(parameter)
    return { key, value: go(is.type, memo) }
  })
  return (u) => {
    if (!isRecord(u)) return false
    const o = u as Record<string, unknown>
    let requiredSeen = 0
    for (const k in o) {
      const property = table[k]
      if (property !== undefined) {
        if (!property.guard(o[k])) return false
        if (!property.isOptional) requiredSeen++
      }
    }
    if (requiredSeen !== required.length) {
      // like the decoder (exact: false), an absent required key is checked as `o[name]`
      for (let i = 0; i < required.length; i++) {
        const property = required[i]!
        if (!hasOwn.call(o, property.name) && !property.guard(o[property.name])) return false
      }
    }
    if (indexSignatures.length > 0) {
      const keys = Object.keys(o)
      for (let i = 0; i < indexSignatures.length; i++) {
        const is = indexSignatures[i]!
        for (let k = 0; k < keys.length; k++) {
          const key = keys[k]!
          if (is.key(key) && !is.value(o[key])) return false
        }
      }
    }
    return true
  }
}

/**
 * A decoder with a fast path: the input itself when the compiled guard
 * accepts it, otherwise the schema's own result (keeping unknown fields). The
 * guard is compiled on first use.
 *
 * Only for schemas without transformations, and for plain JSON values (what
 * `JSON.parse` returns): a valid input is returned as is, so callers must not
 * mutate it.
 *
 * @internal
 */
export const fastDecoder = <A, I>(
  schema: Schema.Schema<A, I, never>
): (u: unknown) => Either.Either<A, ParseResult.ParseError> => {
  // Both are built on first use: building a parser for every schema at import time costs tens of ms.
  let slow: ((u: unknown) => Either.Either<A, ParseResult.ParseError>) | undefined
  let guard: Guard | undefined
  return (u) => {
    guard ??= compileGuard(schema.ast)
    if (guard(u)) return Either.right(u as A)
    slow ??= Schema.decodeUnknownEither(schema, { onExcessProperty: "preserve" })
    return slow(u)
  }
}

/** A property that picks a union member: a required literal (`type: "reasoning.text"`) or an open tag's filter. */
const isTag = (ps: AST.PropertySignature): boolean =>
  !ps.isOptional &&
  (ps.type._tag === "Literal" || (ps.type._tag === "Refinement" && typeofOf(ps.type.from) === "string"))

/** Effect 3's AST as the shared repair walk (`invalidFields.ts`) reads it. */
const repairView = (memo: Map<AST.AST, Guard>): RepairView<AST.AST> => ({
  guard: (ast) => go(ast, memo),
  expected: String,
  shape: (ast) => {
    switch (ast._tag) {
      case "Suspend":
        return { _tag: "suspend", target: ast.f() }
      case "Union":
        return { _tag: "union", members: flatten(ast.types) }
      case "TupleType":
        return ast.elements.length === 0 && ast.rest.length === 1
          ? { _tag: "array", item: ast.rest[0]!.type }
          : { _tag: "whole" }
      case "TypeLiteral":
        return ast.indexSignatures.length > 0 ? { _tag: "whole" } : {
          _tag: "struct",
          properties: ast.propertySignatures.map((ps) => ({
            name: ps.name as string,
            type: ps.type,
            optional: ps.isOptional,
            required: !ps.isOptional && !go(ps.type, memo)(undefined),
            tag: isTag(ps)
          }))
        }
      default:
        return { _tag: "whole" }
    }
  }
})

/**
 * A {@link fastDecoder} that does not throw a value away over a field it can do without: when the
 * schema rejects the input, the fields whose value does not match (at any depth) are taken out and
 * listed, as they arrived, in `invalidFields` at the top of the result, and the rest decodes. The
 * input still fails, with the schema's own error, when a field matching one of the `essential`
 * patterns (array positions as `*`; their ancestors are essential too) or a required field does not
 * match. A valid input costs what it costs {@link fastDecoder}: the repair only runs after the schema
 * has said no.
 *
 * @internal
 */
export const tolerantDecoder = <A extends object, I>(
  schema: Schema.Schema<A, I, never>,
  essential: ReadonlyArray<string>
): (
  u: unknown
) => Either.Either<A & { readonly invalidFields?: ReadonlyArray<InvalidField> }, ParseResult.ParseError> => {
  const strict = fastDecoder(schema)
  const essentials = closeUpward(essential)
  const memo = new Map<AST.AST, Guard>()
  const view = repairView(memo)
  return (u) => {
    const decoded = strict(u)
    if (Either.isRight(decoded)) return decoded
    const out = repair(view, essentials, schema.ast, u)
    if (out === undefined) return decoded
    // the repaired value must be one the schema accepts, or the repair has a gap: keep the schema's error
    return go(schema.ast, memo)(out) ? Either.right(out as unknown as A) : decoded
  }
}
