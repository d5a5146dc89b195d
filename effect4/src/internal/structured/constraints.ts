/**
 * A Schema's constraints put where Effect 4's JSON Schema derivation (`Schema.toJsonSchemaDocument`,
 * under effect/ai's `toCodecOpenAI` and `Tool.getJsonSchemaFromSchema`) states them. The derivation
 * describes the Schema's JSON form, and three constraints the Schema checks never reach it:
 * - the checks of a `Schema.Number` (`isBetween`, `isGreaterThan`, `isMultipleOf`, ...) stay on the
 *   number while its JSON form is a union with the strings `"NaN"`, `"Infinity"` and `"-Infinity"`
 *   (Effect 4 skips that union for a number checked finite or integer, so the checks are stated there);
 * - `isPattern` states its `pattern` only for a RegExp with the `u` flag;
 * - `Schema.Date` travels as a plain string, with no `format: "date-time"`.
 * A model that is not told a bound answers outside it, and the billed answer fails to decode.
 *
 * {@link withStatedConstraints} returns a Schema AST whose JSON form states them (the number checked
 * finite, the pattern stated when it means the same under the `u` flag, the date string's format),
 * for the JSON Schema only: answers are still decoded with the user's Schema.
 *
 * No `SchemaAST` function rebuilds a node with another encoding or checks in effect's public API, so
 * {@link copy} does what its internal `copy` does (same prototype, fields replaced).
 */
import { toCodecOpenAI } from "effect/ai/OpenAiStructuredOutput"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

/** An AST node (or check) with some of its fields replaced. */
const copy = <A extends object>(node: A, changes: Partial<A>): A =>
  Object.assign(Object.create(Object.getPrototypeOf(node)) as A, node, changes)

/** The `representation` annotation's id: how Effect 4 names a check or a declaration (`effect/schema/isPattern`). */
const representationId = (node: { readonly annotations?: object | undefined }): unknown => {
  const representation = (node.annotations as { readonly representation?: unknown } | undefined)?.representation
  return typeof representation === "object" && representation !== null
    ? (representation as { readonly id?: unknown }).id
    : undefined
}

const hasCheck = (checks: ReadonlyArray<AST.Check<unknown>>, ids: ReadonlyArray<string>): boolean =>
  checks.some((check) =>
    ids.includes(representationId(check) as string) || (check._tag === "FilterGroup" && hasCheck(check.checks, ids))
  )

/** A RegExp's source as a JSON Schema `pattern`, when it means the same there. */
const patternOf = (payload: unknown): string | undefined => {
  if (typeof payload !== "object" || payload === null) return undefined
  const { flags, source } = payload as { readonly source?: unknown; readonly flags?: unknown }
  // `i`, `m`, `s` change what matches and JSON Schema has no flags: such a pattern stays unstated.
  if (typeof source !== "string" || typeof flags !== "string" || !/^[dgy]*$/.test(flags)) return undefined
  try {
    // JSON Schema patterns are read as `u`-flag RegExps; one that does not compile so is left out.
    new RegExp(source, "u")
  } catch {
    return undefined
  }
  return flags.includes("y") ? `^(?:${source})` : source
}

/** An `isPattern` check Effect 4 leaves unstated (no `u` flag), stating its pattern. */
const statePattern = (check: AST.Check<unknown>): AST.Check<unknown> => {
  if (check._tag === "FilterGroup") {
    const checks = check.checks.map(statePattern)
    return checks.every((c, i) => c === check.checks[i])
      ? check
      : copy(check, { checks: checks as unknown as typeof check.checks })
  }
  const annotations = check.annotations
  if (representationId(check) !== "effect/schema/isPattern" || typeof annotations?.toJsonSchema !== "function") {
    return check
  }
  const stated = (annotations.toJsonSchema as (context: unknown) => unknown)({ type: "string", schemas: [] })
  // Only the derivation's own "cannot state it" (`[{}, true]`); a pattern given by the user stays as it is.
  if (!Array.isArray(stated) || Object.keys(stated[0] as object).length > 0) return check
  const pattern = patternOf(annotations.representation?.payload)
  return pattern === undefined
    ? check
    : copy(check, { annotations: { ...annotations, toJsonSchema: () => ({ pattern }) } })
}

const DATE_STRING = Schema.String.annotate({
  expected: "a string that will be decoded as a Date",
  format: "date-time"
}).ast

/** `Schema.Date`'s JSON form with its format, so that a model writes an ISO date-time. */
const dateLink: AST.Link | undefined = (() => {
  const encoding = Schema.toCodecJson(Schema.Date).ast.encoding
  const last = encoding?.[encoding.length - 1]
  return last === undefined ? undefined : new AST.Link(DATE_STRING, last.transformation)
})()

/**
 * The AST with the constraints above stated in its JSON form; the same AST when there are none to
 * state (a recursive Schema is always rebuilt: its suspended part is not looked at in advance).
 */
export const withStatedConstraints = (root: AST.AST): AST.AST => {
  const memo = new Map<AST.AST, AST.AST>()
  const go = (ast: AST.AST): AST.AST => {
    const hit = memo.get(ast)
    if (hit !== undefined) return hit
    if (ast._tag === "Suspend") {
      const out: AST.AST = copy(ast, { thunk: () => go(ast.thunk()) } as Partial<AST.Suspend>)
      memo.set(ast, out)
      return out
    }
    const out = step(ast)
    memo.set(ast, out)
    return out
  }
  const step = (ast: AST.AST): AST.AST => {
    if (ast.encoding !== undefined) {
      // The JSON form is the last link's target's (a Class, a `decodeTo`).
      const links = ast.encoding
      const last = links[links.length - 1]!
      const to = go(last.to)
      return to === last.to
        ? ast
        : copy(ast, {
          encoding: [...links.slice(0, -1), new AST.Link(to, last.transformation)] as unknown as AST.Encoding
        })
    }
    switch (ast._tag) {
      case "Number":
        return ast.checks !== undefined && !hasCheck(ast.checks, ["effect/schema/isFinite", "effect/schema/isInt"])
          ? copy(ast, { checks: [...ast.checks, Schema.isFinite()] as unknown as AST.Checks })
          : ast
      case "String": {
        if (ast.checks === undefined) return ast
        const checks = ast.checks.map(statePattern)
        return checks.every((c, i) => c === ast.checks![i])
          ? ast
          : copy(ast, { checks: checks as unknown as AST.Checks })
      }
      case "Declaration": {
        if (representationId(ast) === "effect/schema/Date") {
          return dateLink === undefined ? ast : copy(ast, { encoding: [dateLink] })
        }
        const typeParameters = AST.mapOrSame(ast.typeParameters, go)
        return typeParameters === ast.typeParameters ? ast : copy(ast, { typeParameters })
      }
      case "Objects": {
        const propertySignatures = AST.mapOrSame(ast.propertySignatures, (p) => {
          const type = go(p.type)
          return type === p.type ? p : new AST.PropertySignature(p.name, type)
        })
        const indexSignatures = AST.mapOrSame(ast.indexSignatures, (i) => {
          const type = go(i.type)
          return type === i.type ? i : new AST.IndexSignature(i.parameter, type)
        })
        return propertySignatures === ast.propertySignatures && indexSignatures === ast.indexSignatures
          ? ast
          : copy(ast, { propertySignatures, indexSignatures })
      }
      case "Arrays": {
        const elements = AST.mapOrSame(ast.elements, go)
        const rest = AST.mapOrSame(ast.rest, go)
        return elements === ast.elements && rest === ast.rest ? ast : copy(ast, { elements, rest })
      }
      case "Union": {
        const types = AST.mapOrSame(ast.types, go)
        return types === ast.types ? ast : copy(ast, { types })
      }
      default:
        return ast
    }
  }
  return go(root)
}

/**
 * effect/ai's `toCodecOpenAI` of a Schema (what strict mode accepts), its JSON Schema stating the
 * constraints the Schema checks: derived again from {@link withStatedConstraints}'s AST when that
 * differs. The codec that reads an answer stays the Schema's own. Throws where `toCodecOpenAI` does.
 */
export const toCodecOpenAIStated = <T, E, RD, RE>(
  schema: Schema.ConstraintCodec<T, E, RD, RE>
): ReturnType<typeof toCodecOpenAI<T, E, RD, RE>> => {
  const derived = toCodecOpenAI(schema)
  const stated = withStatedConstraints(schema.ast)
  return stated === schema.ast
    ? derived
    : { codec: derived.codec, jsonSchema: toCodecOpenAI(Schema.make<typeof schema>(stated)).jsonSchema }
}
