/**
 * Fast decoding for schemas without transformations (the response schemas).
 *
 * `Schema.decodeUnknownEither` builds a fresh output object for every struct
 * and an Either for every node: about 10x the cost of `JSON.parse` for a
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

const go = (ast: AST.AST, memo: Map<AST.AST, Guard>): Guard => {
  const cached = memo.get(ast)
  if (cached !== undefined) return cached
  // recursive schemas (Suspend) find the placeholder and call through it
  let compiled: Guard | undefined
  memo.set(ast, (u) => compiled!(u))
  compiled = build(ast, memo)
  memo.set(ast, compiled)
  return compiled
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

/** Keyword and literal members become `typeof` and `===` checks; the rest are tried in order. */
const union = (ast: AST.Union, memo: Map<AST.AST, Guard>): Guard => {
  const typeofs: Array<string> = []
  const literals: Array<unknown> = []
  const others: Array<Guard> = []
  for (const member of ast.types) {
    const t = typeofOf(member)
    if (t !== undefined) typeofs.push(t)
    else if (member._tag === "Literal") literals.push(member.literal)
    else others.push(go(member, memo))
  }
  const lits = literals.filter((l) => !typeofs.includes(typeof l))
  return (u) => {
    const t = typeof u
    for (let i = 0; i < typeofs.length; i++) if (typeofs[i] === t) return true
    for (let i = 0; i < lits.length; i++) if (lits[i] === u) return true
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
  readonly name: PropertyKey
  readonly guard: Guard
  readonly isOptional: boolean
  /** The name is also an `Object.prototype` member: `o[name]` alone cannot tell if the key is present. */
  readonly inherited: boolean
}

const typeLiteral = (ast: AST.TypeLiteral, memo: Map<AST.AST, Guard>): Guard => {
  if (ast.propertySignatures.length === 0 && ast.indexSignatures.length === 0) {
    return (u) => u !== null && u !== undefined
  }
  const properties: Array<Property> = ast.propertySignatures.map((ps) => ({
    name: ps.name,
    guard: go(ps.type, memo),
    isOptional: ps.isOptional,
    inherited: ps.name in Object.prototype
  }))
  const indexSignatures = ast.indexSignatures.map((is) => {
    const parameter = is.parameter
    const keyGuard = parameter._tag === "StringKeyword"
      ? accept
      : parameter._tag === "Refinement" && parameter.from._tag === "StringKeyword"
      ? go(parameter, memo)
      : unsupported(parameter)
    return { key: keyGuard, value: go(is.type, memo) }
  })
  return (u) => {
    if (typeof u !== "object" || u === null || Array.isArray(u)) return false
    const o = u as Record<PropertyKey, unknown>
    for (let i = 0; i < properties.length; i++) {
      const p = properties[i]!
      const v = o[p.name]
      // like the decoder (exact: false): an absent optional key is skipped,
      // an absent required key is checked as `undefined`
      if ((v === undefined || p.inherited) && p.isOptional && !hasOwn.call(o, p.name)) continue
      if (!p.guard(v)) return false
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
  const slow = Schema.decodeUnknownEither(schema, { onExcessProperty: "preserve" })
  let guard: Guard | undefined
  return (u) => {
    guard ??= compileGuard(schema.ast)
    return guard(u) ? Either.right(u as A) : slow(u)
  }
}
