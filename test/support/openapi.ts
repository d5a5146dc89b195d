/**
 * Compares an OpenAPI schema with one of our schemas, position by position. Effect-free: each
 * edition reads its own Schema AST through an {@link Adapter} (`openapiEffect3.ts`,
 * `effect4/test/support/openapiEffect4.ts`), and this walk is shared.
 *
 * Starting from a pair (spec schema, our node), the walk follows `$ref`,
 * `allOf`, `oneOf`, `anyOf`, `properties` and `items` on the spec side, and
 * unions, refinements and struct fields on ours. At every position it
 * reports:
 * - a property the spec lists that our schema does not know;
 * - a member of a discriminated union (by the spec's `discriminator`) that we lack;
 * - an `example` the spec gives that our schema rejects;
 * - an `enum` value, or `null` where the spec's `type` allows it, that our schema rejects.
 */
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

/** How the walk reads an edition's schema AST. */
export interface Adapter<Node> {
  /** Our alternatives at a position: unions flattened, refinements, suspensions and encodings unwrapped. */
  readonly alternatives: (node: Node) => Array<Node>
  /** The fields of a struct alternative (none for anything else). */
  readonly fields: (node: Node) => ReadonlyArray<readonly [name: string, type: Node]>
  /** The element and rest types of an array alternative (none for anything else). */
  readonly items: (node: Node) => ReadonlyArray<Node>
  /** The literal value of a literal alternative, if it is one. */
  readonly literal: (node: Node) => { readonly value: unknown } | undefined
  /** `undefined` when the schema at `node` decodes `value`, else the decoder's message. */
  readonly rejects: (node: Node, value: unknown) => string | undefined
}

const specTag = (doc: OpenApiDocument, node: SpecSchema, key: string): unknown => {
  const property = resolve(doc, node).properties?.[key]
  const values = property === undefined ? undefined : resolve(doc, property).enum
  return values?.length === 1 ? values[0] : undefined
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
export const compareWith = <Node>(
  adapter: Adapter<Node>,
  doc: OpenApiDocument,
  spec: SpecSchema,
  ours: Node,
  root: string
): Array<Finding> => {
  const alternatives = (node: Node): Array<Node> => adapter.alternatives(node)
  const ourProperties = (nodes: ReadonlyArray<Node>): Map<string, Array<Node>> => {
    const out = new Map<string, Array<Node>>()
    for (const node of nodes.flatMap(alternatives)) {
      for (const [name, type] of adapter.fields(node)) out.set(name, [...(out.get(name) ?? []), type])
    }
    return out
  }
  const ourItems = (nodes: ReadonlyArray<Node>): Array<Node> => nodes.flatMap(alternatives).flatMap(adapter.items)
  /** The value of our literal field `key` on a struct alternative, if it has one. */
  const ourTag = (node: Node, key: string): ReadonlyArray<unknown> => {
    const field = adapter.fields(node).find(([name]) => name === key)
    return field === undefined ? [] : alternatives(field[1]).flatMap((t) => {
      const literal = adapter.literal(t)
      return literal === undefined ? [] : [literal.value]
    })
  }
  const accepts = (nodes: ReadonlyArray<Node>, value: unknown): string | undefined => {
    let message = "no schema at this position"
    for (const node of nodes) {
      const rejected = adapter.rejects(node, value)
      if (rejected === undefined) return undefined
      message = rejected
    }
    return message
  }
  const findings: Array<Finding> = []
  const walk = (specNodes: ReadonlyArray<SpecSchema>, ourAsts: ReadonlyArray<Node>, path: string, depth: number) => {
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
  walk([spec], [ours], root, 0)
  return findings
}

export const format = (findings: ReadonlyArray<Finding>): string =>
  findings.map((f) => `${f.path}: ${f.problem}`).join("\n")
