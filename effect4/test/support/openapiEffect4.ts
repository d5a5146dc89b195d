/**
 * The Effect 4 edition's side of the OpenAPI comparison (`test/support/openapi.ts`, shared): how to
 * read an Effect 4 Schema AST. Checks sit on the node itself in Effect 4 (no refinement wrapper), so
 * only unions and suspensions are unwrapped.
 */
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import {
  type Adapter,
  compareWith,
  type Finding,
  type OpenApiDocument,
  type SpecSchema
} from "../../../test/support/openapi.js"

const alternatives = (ast: AST.AST): Array<AST.AST> => {
  switch (ast._tag) {
    case "Union":
      return ast.types.flatMap(alternatives)
    case "Suspend":
      return alternatives(ast.thunk())
    default:
      return [ast]
  }
}

const decoders = new WeakMap<AST.AST, (u: unknown) => Result.Result<unknown, Schema.SchemaError>>()

const effect4: Adapter<AST.AST> = {
  alternatives,
  fields: (ast) =>
    ast._tag === "Objects" ? ast.propertySignatures.map((ps) => [String(ps.name), ps.type] as const) : [],
  items: (ast) => ast._tag === "Arrays" ? [...ast.elements, ...ast.rest] : [],
  literal: (ast) => ast._tag === "Literal" ? { value: ast.literal } : undefined,
  rejects: (ast, value) => {
    let decode = decoders.get(ast)
    if (decode === undefined) {
      decode = Schema.decodeUnknownResult(Schema.make<Schema.Decoder<unknown>>(ast))
      decoders.set(ast, decode)
    }
    const result = decode(value)
    return Result.isSuccess(result) ? undefined : result.failure.message
  }
}

/** Walks a spec schema against an Effect 4 schema; returns every difference found. */
export const compare = (doc: OpenApiDocument, spec: SpecSchema, ours: Schema.Top, root: string): Array<Finding> =>
  compareWith(effect4, doc, spec, ours.ast, root)
