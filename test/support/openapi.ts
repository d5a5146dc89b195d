/**
 * Compares an OpenAPI schema with an effect Schema, position by position.
 *
 * Starting from a pair (spec schema, our AST), the walk follows `$ref`,
 * `allOf`, `oneOf`, `anyOf`, `properties` and `items` on the spec side, and
 * unions, refinements and struct fields on ours. At every position it
 * reports:
 * - a property the spec lists that our schema does not know;
 * - a member of a discriminated union (by the spec's `discriminator`) that we lack;
 * - an `example` the spec gives that our schema rejects;
 * - an `enum` value, or `null` where the spec's `type` allows it, that our schema rejects.
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

export interface SpecSchema {
  readonly $ref?: string
  readonly type?: string | ReadonlyArray<string>
  readonly properties?: Readonly<Record<string, SpecSchema>>
  readonly items?: SpecSchema
  readonly allOf?: ReadonlyArray<SpecSchema>
  readonly oneOf?: ReadonlyArray<SpecSchema>
  readonly anyOf?: ReadonlyArray<SpecSchema>
  readonly enum?: ReadonlyArray<unknown>
  readonly discriminator?: { readonly propertyName: string }
  readonly example?: unknown
  readonly examples?: unknown
}

export interface OpenApiDocument {
  readonly components: { readonly schemas: Readonly<Record<string, SpecSchema>> }
  readonly paths: Readonly<Record<string, Readonly<Record<string, unknown>>>>
}

export interface Finding {
  readonly path: string
  readonly problem: string
}

const MAX_DEPTH = 24

export const resolve = (doc: OpenApiDocument, node: SpecSchema): SpecSchema => {
  let current = node
  for (let i = 0; current.$ref !== undefined; i++) {
    const name = current.$ref.replace("#/components/schemas/", "")
    const target = doc.components.schemas[name]
    if (target === undefined || i > 32) throw new Error(`unresolvable $ref ${current.$ref}`)
    current = target
  }
  return current
}

/** The node and every schema it is composed of (allOf, oneOf, anyOf), resolved. */
const composition = (doc: OpenApiDocument, node: SpecSchema): Array<SpecSchema> => {
  const resolved = resolve(doc, node)
  const parts = [...(resolved.allOf ?? []), ...(resolved.oneOf ?? []), ...(resolved.anyOf ?? [])]
  return [resolved, ...parts.flatMap((part) => composition(doc, part))]
}

/** Our alternatives at a position: unions flattened, refinements and suspensions unwrapped. */
const alternatives = (ast: AST.AST): Array<AST.AST> => {
  switch (ast._tag) {
    case "Union":
      return ast.types.flatMap(alternatives)
    case "Refinement":
      return alternatives(ast.from)
    case "Suspend":
      return alternatives(ast.f())
    case "Transformation":
      return alternatives(ast.to)
    default:
      return [ast]
  }
}

const ourProperties = (asts: ReadonlyArray<AST.AST>): Map<string, Array<AST.AST>> => {
  const out = new Map<string, Array<AST.AST>>()
  for (const ast of asts.flatMap(alternatives)) {
    if (ast._tag !== "TypeLiteral") continue
    for (const ps of ast.propertySignatures) {
      const name = String(ps.name)
      out.set(name, [...(out.get(name) ?? []), ps.type])
    }
  }
  return out
}

const ourItems = (asts: ReadonlyArray<AST.AST>): Array<AST.AST> =>
  asts.flatMap(alternatives).flatMap((ast) =>
    ast._tag === "TupleType" ? [...ast.elements.map((e) => e.type), ...ast.rest.map((r) => r.type)] : []
  )

/** The value of our literal field `key` on a struct alternative, if it has one. */
const ourTag = (ast: AST.AST, key: string): ReadonlyArray<unknown> => {
  if (ast._tag !== "TypeLiteral") return []
  const ps = ast.propertySignatures.find((p) => p.name === key)
  return ps === undefined ? [] : alternatives(ps.type).flatMap((t) => (t._tag === "Literal" ? [t.literal] : []))
}

const specTag = (doc: OpenApiDocument, node: SpecSchema, key: string): unknown => {
  const property = resolve(doc, node).properties?.[key]
  const values = property === undefined ? undefined : resolve(doc, property).enum
  return values?.length === 1 ? values[0] : undefined
}

const decoders = new WeakMap<AST.AST, (u: unknown) => Either.Either<unknown, ParseResult.ParseError>>()

const accepts = (asts: ReadonlyArray<AST.AST>, value: unknown): string | undefined => {
  let message = "no schema at this position"
  for (const ast of asts) {
    let decode = decoders.get(ast)
    if (decode === undefined) {
      decode = Schema.decodeUnknownEither(Schema.make(ast), { onExcessProperty: "preserve" })
      decoders.set(ast, decode)
    }
    const result = decode(value)
    if (Either.isRight(result)) return undefined
    message = ParseResult.TreeFormatter.formatErrorSync(result.left)
  }
  return message
}

const typeIncludesNull = (node: SpecSchema): boolean =>
  node.type === "null" || (Array.isArray(node.type) && node.type.includes("null"))

/** Examples given on a node: `example`, or `examples` as an array or as named `{value}` objects. */
export const examplesOf = (node: { readonly example?: unknown; readonly examples?: unknown }): Array<unknown> => {
  const out: Array<unknown> = []
  if (node.example !== undefined) out.push(node.example)
  const examples = node.examples
  if (Array.isArray(examples)) out.push(...examples)
  else if (typeof examples === "object" && examples !== null) {
    for (const named of Object.values(examples)) {
      if (typeof named === "object" && named !== null && "value" in named) out.push(named.value)
    }
  }
  return out
}

/** Walks a spec schema against our schema; returns every difference found. */
export const compare = (
  doc: OpenApiDocument,
  spec: SpecSchema,
  ours: Schema.Schema.All,
  root: string
): Array<Finding> => {
  const findings: Array<Finding> = []
  const walk = (specNodes: ReadonlyArray<SpecSchema>, ourAsts: ReadonlyArray<AST.AST>, path: string, depth: number) => {
    if (depth > MAX_DEPTH) throw new Error(`${path}: nested too deep (recursive schema?)`)
    const parts = specNodes.flatMap((node) => composition(doc, node))

    // values the spec says are valid here must decode
    for (const part of parts) {
      for (const example of examplesOf(part)) {
        const rejected = accepts(ourAsts, example)
        if (rejected) findings.push({ path, problem: `example ${JSON.stringify(example)} rejected:\n${rejected}` })
      }
      for (const value of part.enum ?? []) {
        const rejected = accepts(ourAsts, value)
        if (rejected) findings.push({ path, problem: `enum value ${JSON.stringify(value)} rejected` })
      }
      if (typeIncludesNull(part) && accepts(ourAsts, null) !== undefined) {
        findings.push({ path, problem: "null (allowed by the spec) rejected" })
      }
    }

    // a discriminated union: pair the members by tag and compare them one to one
    const union = parts.find((part) => part.discriminator !== undefined && part.oneOf !== undefined)
    if (union !== undefined && specNodes.length === 1) {
      const key = union.discriminator!.propertyName
      const ourMembers = ourAsts.flatMap(alternatives)
      for (const member of union.oneOf!) {
        const tag = specTag(doc, member, key)
        const matching = ourMembers.filter((ast) => ourTag(ast, key).includes(tag))
        if (matching.length === 0) findings.push({ path, problem: `no member with ${key}: ${JSON.stringify(tag)}` })
        else walk([member], matching, `${path}<${key}=${String(tag)}>`, depth + 1)
      }
      return
    }

    const specProperties = new Map<string, Array<SpecSchema>>()
    for (const part of parts) {
      for (const [name, child] of Object.entries(part.properties ?? {})) {
        specProperties.set(name, [...(specProperties.get(name) ?? []), child])
      }
    }
    if (specProperties.size > 0) {
      const known = ourProperties(ourAsts)
      for (const [name, children] of specProperties) {
        const ourChildren = known.get(name)
        if (ourChildren === undefined) findings.push({ path, problem: `unknown property "${name}"` })
        else walk(children, ourChildren, `${path}.${name}`, depth + 1)
      }
    }
    const specItems = parts.flatMap((part) => (part.items === undefined ? [] : [part.items]))
    if (specItems.length > 0) {
      const items = ourItems(ourAsts)
      if (items.length === 0) findings.push({ path, problem: "the spec has an array here, we do not" })
      else walk(specItems, items, `${path}[]`, depth + 1)
    }
  }
  walk([spec], [ours.ast], root, 0)
  return findings
}

export const format = (findings: ReadonlyArray<Finding>): string =>
  findings.map((f) => `${f.path}: ${f.problem}`).join("\n")
