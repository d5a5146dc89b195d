/**
 * A schema failure as one readable issue per path, for `InvalidRequestError`: the Effect 4 walk of
 * `SchemaIssue`, worded and merged by the shared `../../../../src/internal/chat/issueText.ts` (the Effect 3
 * edition walks its `ParseIssue` into the same leaves, so both editions say the same things).
 *
 * Effect 4's union issue (`AnyOf`) holds only the members that accepted the value's kind and failed
 * inside; when none did (or only nested unions that refused the kind), the union's kinds are listed
 * (`expected a number or null, got "0.7"`). A union of objects told apart by a literal field (a
 * message's `role`, a content part's `type`) refuses an object whose field matches no member: the
 * issue is then that field's (`messages.0.role: expected "system", ... got "usr"`), as in Effect 3. Issues do not carry the value unless parsed with `reportInput`, so the value shown is
 * read from the request at the issue's path (the request is a plain JSON snapshot).
 */
import type * as AST from "effect/SchemaAST"
import type * as SchemaIssue from "effect/SchemaIssue"
import {
  type Leaf,
  literal,
  type PathIssue,
  pathIssues as fromLeaves
} from "../../../../src/internal/chat/issueText.js"
import { isRecord } from "../../../../src/internal/transport/json.js"

const annotation = (ast: AST.AST): string | undefined => {
  const { description, title } = ast.annotations ?? {}
  return typeof description === "string" ? description : typeof title === "string" ? title : undefined
}

/**
 * The kinds of value a schema accepts, in words ("a number", "null", `"auto"`), its checks left out.
 * `depth` stops a union that reaches itself through `Suspend` alone (none does in the request schema).
 */
const describe = (ast: AST.AST, depth = 0): ReadonlyArray<string> => {
  if (depth > 64) return ["a value"]
  switch (ast._tag) {
    case "Union":
      return ast.types.flatMap((member) => describe(member, depth + 1))
    case "String":
    case "TemplateLiteral":
      return ["a string"]
    case "Number":
      return ["a number"]
    case "Boolean":
      return ["a boolean"]
    case "BigInt":
      return ["a bigint"]
    case "Null":
      return ["null"]
    case "Undefined":
    case "Void":
      return ["undefined"]
    case "ObjectKeyword":
    case "Objects":
      return ["an object"]
    case "Arrays":
      return ["an array"]
    case "Literal":
      return [literal(ast.literal)]
    case "Enum":
      return ast.enums.map(([, value]) => literal(value))
    case "Suspend":
      return describe(ast.thunk(), depth + 1)
    default:
      return [annotation(ast) ?? ast._tag]
  }
}

/**
 * What a check wanted, in words: its `expected` annotation, with Effect's "a value" made the kind of
 * the schema it checks ("a number between 0 and 2" rather than "a value between 0 and 2").
 */
const checkExpected = (filter: AST.Filter<unknown>, ast: AST.AST | undefined): string | undefined => {
  const expected = filter.annotations?.expected
  if (typeof expected !== "string") return undefined
  const kind = ast === undefined ? undefined : describe(ast)
  if (kind === undefined || kind.length !== 1 || !expected.startsWith("a value ")) return expected
  const bound = expected.slice("a value ".length)
  // Effect 3's words for an array's length bounds: "an array of at most 4 item(s)".
  return kind[0] === "an array" && bound.startsWith("with a length of ")
    ? `an array of ${bound.slice("with a length of ".length)} item(s)`
    : `${kind[0]} ${bound}`
}

/** Whether a union member refused the value's kind itself, without looking inside it. */
const refusedKind = (issue: SchemaIssue.Issue): boolean =>
  issue._tag === "InvalidType" || (issue._tag === "AnyOf" && issue.issues.every(refusedKind))

const members = (ast: AST.AST, depth = 0): ReadonlyArray<AST.AST> => {
  if (depth > 64) return []
  if (ast._tag === "Suspend") return members(ast.thunk(), depth + 1)
  return ast._tag === "Union" ? ast.types.flatMap((member) => members(member, depth + 1)) : [ast]
}

/** The field every member of a union of objects has as literals (its discriminator), with those literals. */
const discriminator = (
  ast: AST.AST
): { readonly key: PropertyKey; readonly literals: ReadonlyArray<string> } | undefined => {
  const objects = members(ast)
  const first = objects[0]
  if (first === undefined || !objects.every((m) => m._tag === "Objects")) return undefined
  for (const { name } of first._tag === "Objects" ? first.propertySignatures : []) {
    const literals = objects.map((member) => {
      const field = member._tag === "Objects" ? member.propertySignatures.find((p) => p.name === name) : undefined
      const kinds = field === undefined ? [] : describe(field.type)
      return kinds.length > 0 && kinds.every((k) => k.startsWith("\"")) ? kinds : undefined
    })
    if (literals.every((kinds) => kinds !== undefined)) return { key: name, literals: literals.flat() }
  }
  return undefined
}

/** The value at `path` in the request, as the schema saw it. */
const at = (input: unknown, path: ReadonlyArray<PropertyKey>): unknown => {
  let value = input
  for (const key of path) {
    if (Array.isArray(value) && typeof key === "number") value = value[key]
    else if (isRecord(value) && typeof key === "string" && Object.hasOwn(value, key)) value = value[key]
    else return undefined
  }
  return value
}

const message = (annotations: { readonly message?: unknown } | undefined): string | undefined =>
  typeof annotations?.message === "string" ? annotations.message : undefined

const walk = (
  issue: SchemaIssue.Issue,
  path: ReadonlyArray<PropertyKey>,
  input: unknown,
  // The schema whose checks a `Filter` below belongs to: it names the kind of value checked.
  checked: AST.AST | undefined,
  out: Array<Leaf>
): void => {
  switch (issue._tag) {
    case "Pointer":
      return walk(issue.issue, [...path, ...issue.path], input, undefined, out)
    case "InvalidType":
      out.push({ path, expected: describe(issue.ast), actual: at(input, path) })
      return
    case "InvalidValue":
      out.push({ path, message: message(issue.annotations) ?? "is not a valid value" })
      return
    case "MissingKey":
      out.push({ path, message: issue.annotations?.messageMissingKey ?? "is missing" })
      return
    case "UnexpectedKey":
      out.push({ path, message: "is unexpected" })
      return
    case "Forbidden":
      out.push({ path, message: message(issue.annotations) ?? "is forbidden" })
      return
    case "OneOf":
      out.push({ path, message: `matches more than one of ${describe(issue.ast).join(", ")}` })
      return
    case "Filter": {
      const inner = issue.issue
      const own = message(issue.filter.annotations) ??
        (inner._tag === "InvalidValue" ? message(inner.annotations) : undefined)
      const expected = checkExpected(issue.filter, checked)
      if (own !== undefined) out.push({ path, message: own })
      else if (inner._tag === "InvalidValue" && expected !== undefined) {
        out.push({ path, expected: [expected], actual: at(input, path) })
      } else walk(inner, path, input, checked, out)
      return
    }
    case "Encoding":
      return walk(issue.issue, path, input, undefined, out)
    case "Composite":
      for (const member of issue.issues) walk(member, path, input, issue.ast, out)
      return
    case "AnyOf": {
      if (!issue.issues.every(refusedKind)) {
        for (const member of issue.issues) if (!refusedKind(member)) walk(member, path, input, undefined, out)
        return
      }
      const actual = at(input, path)
      const field = isRecord(actual) ? discriminator(issue.ast) : undefined
      if (field === undefined || !isRecord(actual)) out.push({ path, expected: describe(issue.ast), actual })
      else if (!Object.hasOwn(actual, field.key)) {
        out.push({ path: [...path, field.key], message: "is missing" })
      } else out.push({ path: [...path, field.key], expected: field.literals, actual: at(actual, [field.key]) })
      return
    }
  }
}

/** One issue per path of `input`'s schema failure, in the order the paths first appear. */
export const pathIssues = (issue: SchemaIssue.Issue, input: unknown): ReadonlyArray<PathIssue> => {
  const leaves: Array<Leaf> = []
  walk(issue, [], input, undefined, leaves)
  return fromLeaves(leaves)
}
