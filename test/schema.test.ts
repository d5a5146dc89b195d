/**
 * The Schema tests: the body is shared with the Effect 4 edition (`test/support/schemaSuite.ts`), this
 * file gives it the Effect 3 edition's pieces: its decoders folded from `Either` (the issues' paths from
 * `ArrayFormatter`), guards compiled from its Schema AST and values drawn with its `Arbitrary` and
 * fast-check.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import { compileGuard, fastDecoder } from "../src/internal/chat/decode.js"
import * as S from "../src/Schema.js"
import { mutated } from "./support/mutate.js"
import { type Decoded, schemaSuite } from "./support/schemaSuite.js"

/** A decode's `Either` as the shared body reads it. */
const fold = (result: Either.Either<unknown, ParseResult.ParseError>): Decoded =>
  Either.isRight(result)
    ? { ok: true, value: result.right }
    : {
      ok: false,
      message: () => ParseResult.TreeFormatter.formatErrorSync(result.left),
      paths: () => ParseResult.ArrayFormatter.formatErrorSync(result.left).map((issue) => issue.path)
    }

/** The names of the required fields anywhere in a schema. */
const requiredNames = (ast: AST.AST, out = new Set<string>(), seen = new Set<AST.AST>()): Set<string> => {
  if (seen.has(ast)) return out
  seen.add(ast)
  switch (ast._tag) {
    case "TypeLiteral":
      for (const ps of ast.propertySignatures) {
        if (!ps.isOptional) out.add(String(ps.name))
        requiredNames(ps.type, out, seen)
      }
      break
    case "Union":
      for (const member of ast.types) requiredNames(member, out, seen)
      break
    case "TupleType":
      for (const rest of ast.rest) requiredNames(rest.type, out, seen)
      break
    case "Suspend":
      requiredNames(ast.f(), out, seen)
      break
    case "Refinement":
      requiredNames(ast.from, out, seen)
      break
  }
  return out
}

type Decoder = Schema.Schema.AnyNoContext
type Decoded3 = Either.Either<unknown, ParseResult.ParseError>

interface Tree {
  readonly value: number
  readonly children: ReadonlyArray<Tree>
}
const Tree: Schema.Schema<Tree> = Schema.Struct({
  value: Schema.Number,
  children: Schema.Array(Schema.suspend(() => Tree))
})

schemaSuite<Decoder, Decoded3, FastCheck.Arbitrary<unknown>>({
  describe,
  it,
  expect,
  edition: "effect3",
  S,
  fold,
  is: (schema) => Schema.is(schema),
  encode: (schema) => Schema.encodeUnknownEither(schema),
  fastDecoder,
  strict: (schema) => ({
    guard: compileGuard(schema.ast),
    decode: Schema.decodeUnknownEither(schema, { onExcessProperty: "preserve" }),
    decodeAll: Schema.decodeUnknownEither(schema, { onExcessProperty: "preserve", errors: "all" }),
    required: () => requiredNames(schema.ast)
  }),
  treeGuard: compileGuard(Tree.ast),
  compileTransforming: () => compileGuard(Schema.Struct({ n: Schema.NumberFromString }).ast)
}, {
  valid: (schema) => Arbitrary.make(schema),
  mutated,
  map: (values, f) => values.map(f),
  assert: (values, body, numRuns) => FastCheck.assert(FastCheck.property(values, body), { numRuns }),
  pre: (condition) => FastCheck.pre(condition)
})
