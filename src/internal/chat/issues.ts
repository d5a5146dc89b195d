/**
 * A schema failure as one readable issue per path, for `InvalidRequestError`.
 *
 * Effect's `ArrayFormatter` gives one issue per union member that refused a value, so
 * `temperature: "0.7"` reads `Expected number ...; Expected null ...; Expected undefined ...` three
 * times at one path. Here a union becomes one issue: when no member got past the value's kind, the
 * members' kinds are listed (`expected a number or null, got "0.7"`); when a member accepted the
 * kind and failed inside (a range, a missing field of the struct the value's `role` chose), only
 * what that member found is reported. Issues left at one path are then merged into one
 * (`./issueText.ts`, shared with the Effect 4 edition, which walks its own issue tree).
 */
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as AST from "effect/SchemaAST"
import { type Leaf, literal, type PathIssue, pathIssues as fromLeaves } from "./issueText.js"

const asArray = <A>(value: A | ReadonlyArray<A>): ReadonlyArray<A> =>
  Array.isArray(value) ? value as ReadonlyArray<A> : [value as A]

const annotation = (ast: AST.AST): string | undefined =>
  Option.getOrUndefined(Option.orElse(AST.getDescriptionAnnotation(ast), () => AST.getTitleAnnotation(ast)))

/** The kinds of value a schema accepts, in words ("a number", "null", `"auto"`); a union lists its members. */
const describe = (ast: AST.AST): ReadonlyArray<string> => {
  switch (ast._tag) {
    case "Union":
      return ast.types.flatMap(describe)
    case "StringKeyword":
      return ["a string"]
    case "NumberKeyword":
      return ["a number"]
    case "BooleanKeyword":
      return ["a boolean"]
    case "BigIntKeyword":
      return ["a bigint"]
    case "UndefinedKeyword":
    case "VoidKeyword":
      return ["undefined"]
    case "ObjectKeyword":
    case "TypeLiteral":
      return ["an object"]
    case "TupleType":
      return ["an array"]
    case "Literal":
      return [ast.literal === null ? "null" : literal(ast.literal)]
    case "Enums":
      return ast.enums.map(([, value]) => literal(value))
    case "Refinement":
      return [annotation(ast) ?? describe(ast.from).join(" or ")]
    case "Suspend":
      return describe(ast.f())
    case "Transformation":
      return describe(ast.from)
    default:
      return [annotation(ast) ?? String(ast)]
  }
}

/** Whether a union member refused the value's kind itself, without looking inside it. */
const refusedKind = (issue: ParseResult.ParseIssue): boolean => {
  switch (issue._tag) {
    case "Type":
      return issue.message === undefined
    case "Refinement":
      return issue.kind === "From" && refusedKind(issue.issue)
    case "Transformation":
      return issue.kind !== "Transformation" && refusedKind(issue.issue)
    case "Composite":
      return AST.isUnion(issue.ast) && asArray(issue.issues).every(refusedKind)
    default:
      return false
  }
}

/** The kinds a member that {@link refusedKind} wanted: its base type, not its refinements. */
const kindsOf = (issue: ParseResult.ParseIssue): ReadonlyArray<string> => {
  switch (issue._tag) {
    case "Type":
      return describe(issue.ast)
    case "Refinement":
    case "Transformation":
      return kindsOf(issue.issue)
    case "Composite":
      return asArray(issue.issues).flatMap(kindsOf)
    default:
      return []
  }
}

const walk = (issue: ParseResult.ParseIssue, path: ReadonlyArray<PropertyKey>, out: Array<Leaf>): void => {
  switch (issue._tag) {
    case "Pointer":
      return walk(issue.issue, [...path, ...asArray(issue.path)], out)
    case "Type":
      out.push(
        issue.message !== undefined
          ? { path, message: issue.message }
          : { path, expected: describe(issue.ast), actual: issue.actual }
      )
      return
    case "Missing":
      out.push({ path, message: issue.message ?? "is missing" })
      return
    case "Unexpected":
      out.push({ path, message: issue.message ?? "is unexpected" })
      return
    case "Forbidden":
      out.push({ path, message: issue.message ?? "is forbidden" })
      return
    case "Refinement": {
      if (issue.kind === "From") return walk(issue.issue, path, out)
      const inner = issue.issue
      out.push(
        inner._tag === "Type" && inner.message !== undefined
          ? { path, message: inner.message }
          : { path, expected: describe(issue.ast), actual: issue.actual }
      )
      return
    }
    case "Transformation":
      return walk(issue.issue, path, out)
    case "Composite": {
      const members = asArray(issue.issues)
      if (!AST.isUnion(issue.ast)) {
        for (const member of members) walk(member, path, out)
        return
      }
      const inside = members.filter((member) => !refusedKind(member))
      if (inside.length === 0) {
        out.push({ path, expected: members.flatMap(kindsOf), actual: issue.actual })
        return
      }
      for (const member of inside) walk(member, path, out)
    }
  }
}

/** One issue per path, in the order the paths first appear. */
export const pathIssues = (issue: ParseResult.ParseIssue): ReadonlyArray<PathIssue> => {
  const leaves: Array<Leaf> = []
  walk(issue, [], leaves)
  return fromLeaves(leaves)
}
