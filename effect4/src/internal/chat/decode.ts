/**
 * Fast decoding for schemas without transformations (the response schemas).
 *
 * Effect 4's decoder builds a fresh output object for every struct, and a
 * struct with a rest (every object schema here keeps unknown fields through a
 * `Record(String, Unknown)` rest) takes its generator-based path. A schema
 * without transformations decodes a valid input to a structural copy of that
 * input, so a plain guard compiled from the same AST can accept the input and
 * hand it back as is; the schema decoder only runs when the guard says no, to
 * produce the `SchemaError`.
 *
 * The guard mirrors the decoder node by node (tests check the two agree on
 * generated and mutated values), for inputs that are plain JSON values.
 *
 * @internal
 */
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import { closeUpward, repair, type RepairView } from "../../../../src/internal/chat/invalidFields.js"
import { isRecord } from "../../../../src/internal/transport/json.js"

/** @internal */
export type Guard = (u: unknown) => boolean

const unsupported = (ast: AST.AST, why: string): never => {
  throw new Error(`compileGuard: unsupported schema node ${ast._tag} (${why})`)
}

const accept: Guard = () => true
const reject: Guard = () => false

/**
 * Compiles a predicate accepting exactly the inputs the schema decodes
 * successfully. Throws on nodes whose decoding changes the value
 * (encodings, declarations).
 *
 * @internal
 */
export const compileGuard = (ast: AST.AST): Guard => go(ast, new Map())

/** Shared sub-schemas compile once. Recursion only happens through `Suspend`, compiled on first use. */
const go = (ast: AST.AST, memo: Map<AST.AST, Guard>): Guard => {
  let guard = memo.get(ast)
  if (guard === undefined) {
    guard = withChecks(ast, build(ast, memo))
    memo.set(ast, guard)
  }
  return guard
}

const parseOptions: AST.ParseOptions = {}

/** A check passes when its filter reports no issue; a group when all of its checks pass. */
const passes = (check: AST.Check<unknown>, u: unknown, ast: AST.AST): boolean =>
  check._tag === "Filter"
    ? check.run(u, ast, parseOptions) === undefined
    : check.checks.every((inner) => passes(inner, u, ast))

/** The node's checks (`.check(...)`) run on the value its type accepted, as the decoder runs them on its output. */
const withChecks = (ast: AST.AST, guard: Guard): Guard => {
  const checks = ast.checks
  if (checks === undefined) return guard
  return (u) => {
    if (!guard(u)) return false
    for (let i = 0; i < checks.length; i++) if (!passes(checks[i]!, u, ast)) return false
    return true
  }
}

const typeofOf = (ast: AST.AST): string | undefined => {
  if (ast.checks !== undefined || ast.encoding !== undefined) return undefined
  switch (ast._tag) {
    case "String":
      return "string"
    case "Number":
      return "number"
    case "Boolean":
      return "boolean"
    case "BigInt":
      return "bigint"
    case "Symbol":
      return "symbol"
    case "Undefined":
    case "Void":
      return "undefined"
    default:
      return undefined
  }
}

const build = (ast: AST.AST, memo: Map<AST.AST, Guard>): Guard => {
  if (ast.encoding !== undefined) return unsupported(ast, "Transformation")
  switch (ast._tag) {
    case "String":
      return (u) => typeof u === "string"
    case "Number":
      return (u) => typeof u === "number"
    case "Boolean":
      return (u) => typeof u === "boolean"
    case "BigInt":
      return (u) => typeof u === "bigint"
    case "Symbol":
      return (u) => typeof u === "symbol"
    case "Undefined":
    case "Void":
      return (u) => u === undefined
    case "Null":
      return (u) => u === null
    case "Literal": {
      const literal = ast.literal
      return (u) => u === literal
    }
    case "UniqueSymbol": {
      const symbol = ast.symbol
      return (u) => u === symbol
    }
    case "Unknown":
    case "Any":
      return accept
    case "Never":
      return reject
    case "ObjectKeyword":
      return (u) => (typeof u === "object" && u !== null) || typeof u === "function"
    case "Enum": {
      const values = ast.enums.map(([, value]) => value)
      return (u) => values.includes(u as string | number)
    }
    case "Suspend": {
      let target: Guard | undefined
      return (u) => (target ??= go(ast.thunk(), memo))(u)
    }
    case "Union":
      return ast.options?.mode === "oneOf" ? unsupported(ast, "oneOf") : union(ast, memo)
    case "Arrays":
      return array(ast, memo)
    case "Objects":
      return objects(ast, memo)
    default:
      return unsupported(ast, String(ast))
  }
}

/** Members of nested unions without checks of their own join the outer union. */
const flatten = (types: ReadonlyArray<AST.AST>): Array<AST.AST> =>
  types.flatMap((
    t
  ) => (t._tag === "Union" && t.checks === undefined && t.encoding === undefined ? flatten(t.types) : [t]))

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
    else if (member._tag === "Literal" && member.checks === undefined) literals.push(member.literal)
    else if (member._tag === "Null" && member.checks === undefined) literals.push(null)
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

const array = (ast: AST.Arrays, memo: Map<AST.AST, Guard>): Guard => {
  if (ast.elements.length > 0 || ast.rest.length !== 1) return unsupported(ast, "tuple")
  const item = go(ast.rest[0]!, memo)
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

const objects = (ast: AST.Objects, memo: Map<AST.AST, Guard>): Guard => {
  if (ast.propertySignatures.length === 0 && ast.indexSignatures.length === 0) {
    return (u) => u !== null && u !== undefined
  }
  // looked up by input key: a for-in loop reads the input's fields in storage
  // order, and absent optional fields cost nothing
  const table: Record<string, Property> = Object.create(null)
  const required: Array<Property> = []
  for (const ps of ast.propertySignatures) {
    if (typeof ps.name !== "string") return unsupported(ast, "symbol key")
    const property: Property = {
      name: ps.name,
      guard: go(ps.type, memo),
      isOptional: ps.type.context?.isOptional ?? false
    }
    table[ps.name] = property
    if (!property.isOptional) required.push(property)
  }
  // an index signature of unknown values (the rest that keeps unknown fields) accepts every key
  const indexSignatures = ast.indexSignatures
    .filter((is) => !(is.type._tag === "Unknown" && is.type.checks === undefined))
    .map((is) => {
      if (is.parameter._tag !== "String" || is.parameter.checks !== undefined) {
        return unsupported(is.parameter, "index key other than a string")
      }
      return go(is.type, memo)
    })
  const hasIndex = indexSignatures.length > 0
  if (!hasIndex) {
    const compiled = compileObject(ast.propertySignatures.map((ps) => table[ps.name as string]!), ast)
    if (compiled !== undefined) return compiled
  }
  return (u) => {
    if (!isRecord(u)) return false
    const o = u as Record<string, unknown>
    let requiredSeen = 0
    for (const k in o) {
      const property = table[k]
      if (property !== undefined) {
        if (!property.guard(o[k])) return false
        if (!property.isOptional) requiredSeen++
      } else if (hasIndex) {
        for (let i = 0; i < indexSignatures.length; i++) if (!indexSignatures[i]!(o[k])) return false
      }
    }
    // like the decoder, a required key must be there (an `undefined` value is the value's business)
    return requiredSeen === required.length
  }
}

/**
 * A JavaScript expression testing `v` for a node whose test needs no closure (a keyword, a literal that
 * prints exactly, a union of those, `Unknown`), or `undefined`. Mirrors `build` and `union` for these.
 */
const inlineTest = (ast: AST.AST): string | undefined => {
  if (ast.checks !== undefined || ast.encoding !== undefined) return undefined
  const t = typeofOf(ast)
  if (t !== undefined) return `typeof v === ${JSON.stringify(t)}`
  switch (ast._tag) {
    case "Null":
      return "v === null"
    case "Literal": {
      const literal: unknown = ast.literal
      // only the literals whose source text is their value (not NaN, -0, bigints)
      if (typeof literal === "string" || typeof literal === "boolean") return `v === ${JSON.stringify(literal)}`
      if (typeof literal === "number" && Number.isFinite(literal) && !Object.is(literal, -0)) return `v === ${literal}`
      return undefined
    }
    case "Unknown":
    case "Any":
      return "true"
    case "Union": {
      if (ast.options?.mode === "oneOf") return undefined
      const tests = flatten(ast.types).map(inlineTest)
      return tests.every((test) => test !== undefined) ? `(${tests.join(" || ")})` : undefined
    }
    default:
      return undefined
  }
}

/**
 * The guard of a struct without an index signature to check, as one generated function: one read per
 * property of the schema (`u["name"]`, as the decoder reads it; the `in` check only when the read is
 * `undefined`), the properties' simple tests inline, the others through their compiled guards. It
 * accepts exactly what the closure in `objects` accepts for plain JSON values (the tests compare both
 * with the decoder). On stream chunks it is about three times faster than the closure, and the reads
 * by name, which share the parsed chunks' hidden class, cost about a third of a `for...in` over the
 * input's keys with a `switch` on each (bench: effect4/bench/overhead.mjs; the guard was the Effect 4
 * edition's one cost beyond its floor's). Property names enter the code only as `JSON.stringify`'d
 * string literals. `undefined` where the runtime forbids `new Function` (a content
 * security policy, some edge runtimes): the closure serves there.
 */
const compileObject = (
  properties: ReadonlyArray<Property>,
  ast: AST.Objects
): Guard | undefined => {
  const guards: Array<Guard> = []
  const lines: Array<string> = []
  for (let i = 0; i < properties.length; i++) {
    const property = properties[i]!
    const test = inlineTest(ast.propertySignatures[i]!.type) ?? `g[${guards.push(property.guard) - 1}](v)`
    const key = JSON.stringify(property.name)
    const absent = property.isOptional ? "" : "return false"
    // present as the decoder sees it: `key in input`, an own property for a name `Object.prototype` has
    lines.push(
      property.name in Object.prototype || property.name === "__proto__"
        ? `if (!hasOwn(u, ${key})) { ${absent} } else { v = u[${key}]; if (!(${test})) return false }`
        // only an `undefined` read needs the `in` check
        : `v = u[${key}]; if (v === undefined && !(${key} in u)) { ${absent} } else if (!(${test})) return false`
    )
  }
  const body = `return function guard(u) {
  if (typeof u !== "object" || u === null || Array.isArray(u)) return false
  let v
  ${lines.join("\n  ")}
  return true
}`
  try {
    return new Function("g", "hasOwn", body)(guards, Object.hasOwn) as Guard
  } catch {
    return undefined
  }
}

/**
 * A decoder with a fast path: the input itself when the compiled guard
 * accepts it, otherwise the schema's own result. The guard is compiled on
 * first use.
 *
 * Only for schemas without transformations, and for plain JSON values (what
 * `JSON.parse` returns): a valid input is returned as is, so callers must not
 * mutate it.
 *
 * @internal
 */
export const fastDecoder = <S extends Schema.Decoder<unknown>>(
  schema: S
): (u: unknown) => Result.Result<S["Type"], Schema.SchemaError> => {
  // Both are built on first use: building a parser for every schema at import time costs time at load.
  let slow: ((u: unknown) => Result.Result<S["Type"], Schema.SchemaError>) | undefined
  let guard: Guard | undefined
  return (u) => {
    guard ??= compileGuard(schema.ast)
    if (guard(u)) return Result.succeed(u as S["Type"])
    slow ??= Schema.decodeUnknownResult(schema)
    return slow(u)
  }
}

const isOptional = (ast: AST.AST): boolean => ast.context?.isOptional ?? false

/** A property that picks a union member: a required literal (`type: "reasoning.text"`) or an open tag's filter. */
const isTag = (ast: AST.AST): boolean =>
  !isOptional(ast) &&
  (ast._tag === "Literal" || (ast._tag === "String" && ast.checks !== undefined) ||
    (ast._tag === "Union" && ast.types.every((t) => t._tag === "Literal")))

/**
 * What a node expects, for `InvalidField.expected`: its identifier, else its shape in TypeScript's
 * words (`Usage | null | undefined`), as Effect 3's AST prints it. Effect 4 keeps its own printer internal.
 */
const expectedOf = (ast: AST.AST): string => {
  const identifier = (ast.checks === undefined ? ast.annotations : ast.checks.at(-1)!.annotations)?.identifier
  if (typeof identifier === "string") return identifier
  switch (ast._tag) {
    case "Union":
      return flatten(ast.types).map(expectedOf).join(" | ")
    case "Literal":
      return JSON.stringify(ast.literal) ?? String(ast.literal)
    case "Arrays":
      return ast.elements.length === 0 && ast.rest.length === 1
        ? `ReadonlyArray<${expectedOf(ast.rest[0]!)}>`
        : "a tuple"
    case "Objects":
      return "an object"
    case "Suspend":
      return expectedOf(ast.thunk())
    default:
      return ast._tag.toLowerCase()
  }
}

/** Effect 4's AST as the shared repair walk (`invalidFields.ts`) reads it. */
const repairView = (memo: Map<AST.AST, Guard>): RepairView<AST.AST> => ({
  guard: (ast) => go(ast, memo),
  expected: expectedOf,
  shape: (ast) => {
    // a node with checks of its own is kept or dropped whole: its checks judge the whole value
    if (ast.checks !== undefined) return { _tag: "whole" }
    switch (ast._tag) {
      case "Suspend":
        return { _tag: "suspend", target: ast.thunk() }
      case "Union":
        return { _tag: "union", members: flatten(ast.types) }
      case "Arrays":
        return ast.elements.length === 0 && ast.rest.length === 1
          ? { _tag: "array", item: ast.rest[0]! }
          : { _tag: "whole" }
      case "Objects":
        // only the rest of unknown values that keeps unknown fields: another index signature is the value's
        return ast.indexSignatures.some((is) => is.type._tag !== "Unknown") ? { _tag: "whole" } : {
          _tag: "struct",
          properties: ast.propertySignatures.map((ps) => ({
            name: ps.name as string,
            type: ps.type,
            optional: isOptional(ps.type),
            required: !isOptional(ps.type),
            tag: isTag(ps.type)
          }))
        }
      default:
        return { _tag: "whole" }
    }
  }
})

/**
 * A {@link fastDecoder} that does not throw a value away over a field it can do without: when the
 * guard rejects the input, the fields whose value does not match (at any depth) are taken out and
 * listed, as they arrived, in `invalidFields` at the top of the result, and the rest is returned. The
 * input still fails, with the schema's own error, when a field matching one of the `essential`
 * patterns (array positions as `*`; their ancestors are essential too) or a required field does not
 * match. A valid input costs what it costs {@link fastDecoder}: the repair only runs after the guard
 * has said no.
 *
 * @internal
 */
export const tolerantDecoder = <S extends Schema.Decoder<unknown>>(
  schema: S,
  essential: ReadonlyArray<string>
): (u: unknown) => Result.Result<S["Type"], Schema.SchemaError> => {
  const essentials = closeUpward(essential)
  const memo = new Map<AST.AST, Guard>()
  const view = repairView(memo)
  let slow: ((u: unknown) => Result.Result<S["Type"], Schema.SchemaError>) | undefined
  let guard: Guard | undefined
  return (u) => {
    guard ??= go(schema.ast, memo)
    if (guard(u)) return Result.succeed(u as S["Type"])
    const out = repair(view, essentials, schema.ast, u)
    // the repaired value must be one the schema accepts, or the repair has a gap: keep the schema's error
    if (out !== undefined && guard(out)) return Result.succeed(out as S["Type"])
    slow ??= Schema.decodeUnknownResult(schema)
    return slow(u)
  }
}
