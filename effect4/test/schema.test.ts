/**
 * The Schema tests: the body is shared with the Effect 3 edition (`test/support/schemaSuite.ts`), this
 * file gives it the Effect 4 edition's pieces (its decoders folded from `Result`, the issues' paths from
 * the Standard Schema formatter, guards compiled from its Schema AST, values sampled with its
 * `Arbitrary` and drawn with its fast-check) and keeps the tests of what only its compiler does: a
 * struct's guard generated as code, and the closures it falls back to.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import * as SchemaIssue from "effect/SchemaIssue"
import * as FastCheck from "fast-check"
import { applyMutations, junk, type Mutation } from "../../test/support/mutations.js"
import { type Decoded, schemaSuite } from "../../test/support/schemaSuite.js"
import { compileGuard, fastDecoder } from "../src/internal/chat/decode.js"
import * as S from "../src/Schema.js"

const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1()

/** A decode's `Result` as the shared body reads it. */
const fold = (result: Result.Result<unknown, Schema.SchemaError>): Decoded =>
  Result.isSuccess(result)
    ? { ok: true, value: result.success }
    : {
      ok: false,
      message: () => result.failure.message,
      paths: () =>
        formatIssues(result.failure.issue).issues.map((issue) => (issue.path ?? []) as ReadonlyArray<PropertyKey>)
    }

/**
 * A copy with ordinary objects: Effect 4's Arbitrary builds objects without a prototype, while the
 * client decodes what `JSON.parse` returns (and the decoder's output has `Object.prototype`).
 */
const plain = (u: unknown): unknown => {
  if (Array.isArray(u)) return u.map(plain)
  if (typeof u !== "object" || u === null) return u
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(u)) {
    Object.defineProperty(out, key, {
      value: plain((u as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true
    })
  }
  return out
}

/** Valid values of a schema, from Effect 4's own Arbitrary (seeded), for fast-check to draw from. */
const validOf = (schema: Schema.Top, count: number) =>
  FastCheck.constantFrom(
    ...(Effect.runSync(Arbitrary.sampleEffect(Arbitrary.schema(schema), { count, seed: 23 })) as Array<unknown>)
      .map(plain)
  )

const mutation: FastCheck.Arbitrary<Mutation> = FastCheck.oneof(
  FastCheck.constantFrom(...junk).map((value): Mutation => ({ _tag: "replace", value })),
  FastCheck.constant<Mutation>({ _tag: "delete" }),
  FastCheck.constantFrom(...junk).map((value): Mutation => ({ _tag: "addKey", value }))
)

/** Values from `valid`, each changed by one to three random mutations at random paths. */
const mutated = (valid: FastCheck.Arbitrary<unknown>): FastCheck.Arbitrary<unknown> =>
  FastCheck.tuple(valid, FastCheck.array(FastCheck.tuple(FastCheck.nat(), mutation), { minLength: 1, maxLength: 3 }))
    .map(([value, changes]) => applyMutations(value, changes))

/** The names of the required fields anywhere in a schema. */
const requiredNames = (ast: AST.AST, out = new Set<string>(), seen = new Set<AST.AST>()): Set<string> => {
  if (seen.has(ast)) return out
  seen.add(ast)
  switch (ast._tag) {
    case "Objects":
      for (const ps of ast.propertySignatures) {
        if (!(ps.type.context?.isOptional ?? false)) out.add(String(ps.name))
        requiredNames(ps.type, out, seen)
      }
      break
    case "Union":
      for (const member of ast.types) requiredNames(member, out, seen)
      break
    case "Arrays":
      for (const rest of ast.rest) requiredNames(rest, out, seen)
      break
    case "Suspend":
      requiredNames(ast.thunk(), out, seen)
      break
  }
  return out
}

type Decoded4 = Result.Result<unknown, Schema.SchemaError>

interface Tree {
  readonly value: number
  readonly children: ReadonlyArray<Tree>
}
const Tree: Schema.Codec<Tree> = Schema.Struct({
  value: Schema.Number,
  children: Schema.Array(Schema.suspend((): Schema.Codec<Tree> => Tree))
})

schemaSuite<Schema.Codec<unknown>, Decoded4, FastCheck.Arbitrary<unknown>>({
  describe,
  it,
  expect,
  edition: "effect4",
  S,
  fold,
  is: (schema) => Schema.is(schema),
  encode: (schema) => Schema.encodeUnknownResult(schema),
  fastDecoder,
  strict: (schema) => ({
    guard: compileGuard(schema.ast),
    decode: Schema.decodeUnknownResult(schema),
    decodeAll: (u) => Schema.decodeUnknownResult(schema)(u, { errors: "all" }),
    required: () => requiredNames(schema.ast)
  }),
  treeGuard: compileGuard(Tree.ast),
  compileTransforming: () => compileGuard(Schema.Struct({ n: Schema.NumberFromString }).ast)
}, {
  valid: (schema, subject) => validOf(schema, subject === "ChatRequest" ? 100 : 300),
  mutated,
  map: (values, f) => values.map(f),
  assert: (values, body, numRuns) => FastCheck.assert(FastCheck.property(values, body), { numRuns }),
  pre: (condition) => FastCheck.pre(condition)
})

// What only this edition's compiler does: a struct's guard generated as code (`new Function`), and the
// closures it falls back to where the runtime refuses that.
describe("fast path", () => {
  // A struct's guard is generated code (one read per property name) where the runtime allows it.
  it("generates a struct's guard whatever its property names (names enter the code as string literals)", () => {
    const names = ["a\"b", "c\\d", "e\u2028f", "constructor", "\"}) || true; ({\"", "case", "__proto__x"]
    const OddNames = Schema.Struct(Object.fromEntries(names.map((name) => [name, Schema.String])))
    const guard = compileGuard(OddNames.ast)
    // the generated function, not the closure it falls back to
    expect(guard.name).toBe("guard")
    const valid = Object.fromEntries(names.map((name) => [name, "s"]))
    expect(guard(valid)).toBe(true)
    for (const name of names) {
      expect(guard({ ...valid, [name]: 1 })).toBe(false)
      const { [name]: _, ...missing } = valid
      expect(guard(missing)).toBe(false)
    }
  })

  // The generated guard reads each property by name, as the decoder does: absent means not `in` the
  // input, and a name `Object.prototype` has (`constructor`) counts only as an own property.
  it("tells absent, undefined and inherited properties apart as the decoder does", () => {
    const Named = Schema.Struct({
      constructor: Schema.optionalKey(Schema.String),
      toString: Schema.optionalKey(Schema.String),
      a: Schema.optionalKey(Schema.String),
      b: Schema.optional(Schema.Number),
      r: Schema.Unknown
    })
    const guard = compileGuard(Named.ast)
    expect(guard.name).toBe("guard")
    const slow = Schema.decodeUnknownResult(Named)
    const inherited = Object.create({ a: 1 }) as Record<string, unknown>
    inherited.r = 0
    const values: Array<[unknown, boolean]> = [
      [{ r: 0 }, true],
      [{}, false],
      [{ r: undefined }, true],
      [{ r: 0, constructor: "c", toString: "t" }, true],
      [{ r: 0, constructor: 1 }, false],
      [{ r: 0, toString: 1 }, false],
      [{ r: 0, a: undefined }, false],
      [{ r: 0, b: undefined }, true],
      [{ r: 0, b: "1" }, false],
      [inherited, false]
    ]
    for (const [value, accepted] of values) {
      expect(Result.isSuccess(slow(value))).toBe(accepted)
      expect(guard(value)).toBe(accepted)
    }
  })

  it("inlines keyword, literal and union tests exactly as the closures test them", () => {
    const Inline = Schema.Struct({
      n: Schema.Number,
      lit: Schema.Literals(["x", 1, true]),
      nullable: Schema.optionalKey(Schema.NullOr(Schema.String)),
      big: Schema.optionalKey(Schema.BigInt),
      anything: Schema.Unknown,
      nested: Schema.optionalKey(Schema.Struct({ k: Schema.Literal(-1) }))
    })
    const guard = compileGuard(Inline.ast)
    expect(guard.name).toBe("guard")
    const slow = Schema.decodeUnknownResult(Inline)
    const values: Array<unknown> = [
      { n: 1, lit: "x", anything: undefined },
      { n: 1, lit: 1, nullable: null, big: 1n, anything: {} },
      { n: 1, lit: true, nested: { k: -1 }, anything: 0 },
      { n: "1", lit: "x", anything: 0 },
      { n: 1, lit: "y", anything: 0 },
      { n: 1, lit: 2, anything: 0 },
      { n: 1, lit: "x", nullable: 3, anything: 0 },
      { n: 1, lit: "x", big: 1, anything: 0 },
      { n: 1, lit: "x", nested: { k: 1 }, anything: 0 },
      { n: 1, lit: "x", nullable: undefined, anything: 0 },
      { n: 1, lit: "x" },
      null,
      [],
      "x"
    ]
    for (const value of values) expect(guard(value)).toBe(Result.isSuccess(slow(value)))
  })

  it("compiles closures where the runtime refuses new Function (a content security policy)", () => {
    const original = globalThis.Function
    globalThis.Function = function() {
      throw new EvalError("refused by policy")
    } as unknown as FunctionConstructor
    let guard: (u: unknown) => boolean
    try {
      guard = compileGuard(Schema.Struct({ a: Schema.String, b: Schema.optionalKey(Schema.Number) }).ast)
    } finally {
      globalThis.Function = original
    }
    expect(guard.name).not.toBe("guard")
    expect(guard({ a: "s" })).toBe(true)
    expect(guard({ a: "s", b: 1 })).toBe(true)
    expect(guard({ a: "s", b: "1" })).toBe(false)
    expect(guard({ b: 1 })).toBe(false)
  })
})
