/**
 * The Effect 3 edition's side of the OpenAPI comparison (`openapi.ts`): how to read an Effect 3
 * Schema AST.
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { type Adapter, compareWith, type Finding, type OpenApiDocument, type SpecSchema } from "./openapi.js"

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

const decoders = new WeakMap<AST.AST, (u: unknown) => Either.Either<unknown, ParseResult.ParseError>>()

const effect3: Adapter<AST.AST> = {
  alternatives,
  fields: (ast) => ast._tag === "TypeLiteral" ? ast.propertySignatures.map((ps) => [String(ps.name), ps.type]) : [],
  items: (ast) => ast._tag === "TupleType" ? [...ast.elements.map((e) => e.type), ...ast.rest.map((r) => r.type)] : [],
  literal: (ast) => ast._tag === "Literal" ? { value: ast.literal } : undefined,
  rejects: (ast, value) => {
    let decode = decoders.get(ast)
    if (decode === undefined) {
      decode = Schema.decodeUnknownEither(Schema.make(ast), { onExcessProperty: "preserve" })
      decoders.set(ast, decode)
    }
    const result = decode(value)
    return Either.isRight(result) ? undefined : ParseResult.TreeFormatter.formatErrorSync(result.left)
  }
}

/** Walks a spec schema against an Effect 3 schema; returns every difference found. */
export const compare = (
  doc: OpenApiDocument,
  spec: SpecSchema,
  ours: Schema.Schema.All,
  root: string
): Array<Finding> => compareWith(effect3, doc, spec, ours.ast, root)
