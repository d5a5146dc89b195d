import { describe, expect, it } from "@effect/vitest"
import { Ajv } from "ajv"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import {
  decodeStrictJson,
  type JsonSchema,
  strictJsonSchema,
  StrictJsonSchemaError
} from "../src/internal/structured/jsonSchema.js"
import { Ambiguous, shapeInPlace } from "../src/internal/structured/partialPlan.js"
import { toolSchema } from "../src/internal/tool/toolSchema.js"
import { constraintsSuite } from "./support/constraintsSuite.js"

// ---------------------------------------------------------------------------
// The Schemas under test
// ---------------------------------------------------------------------------

interface Category {
  readonly name: string
  readonly children: ReadonlyArray<Category>
}
const Category = Schema.Struct({
  name: Schema.String,
  children: Schema.Array(Schema.suspend((): Schema.Schema<Category> => Category))
}).annotations({ identifier: "Category" })

interface Expr {
  readonly op: "+" | "*"
  readonly args: ReadonlyArray<Expr | number>
}
// Recursive without an identifier: one is made up for the `$ref`.
const Expr: Schema.Schema<Expr> = Schema.Struct({
  op: Schema.Literal("+", "*"),
  args: Schema.Array(Schema.Union(Schema.Finite, Schema.suspend(() => Expr)))
})

class Person extends Schema.Class<Person>("Person")({
  name: Schema.String,
  age: Schema.optional(Schema.Int)
}, { description: "A person" }) {}

const UserId = Schema.String.pipe(Schema.pattern(/^u[0-9]+$/), Schema.brand("UserId"))

enum Color {
  Red = "red",
  Green = "green"
}

const cases: ReadonlyArray<readonly [string, Schema.Schema.AnyNoContext]> = [
  [
    "nested structs",
    Schema.Struct({
      title: Schema.String,
      author: Schema.Struct({ name: Schema.String, address: Schema.Struct({ city: Schema.String }) })
    })
  ],
  [
    "optional fields",
    Schema.Struct({
      a: Schema.optional(Schema.String),
      b: Schema.optionalWith(Schema.Finite, { exact: true }),
      c: Schema.UndefinedOr(Schema.Boolean),
      nested: Schema.optional(Schema.Struct({ d: Schema.optional(Schema.Int) }))
    })
  ],
  [
    "unions",
    Schema.Struct({
      shape: Schema.Union(
        Schema.Struct({ kind: Schema.Literal("circle"), radius: Schema.Finite }),
        Schema.Struct({ kind: Schema.Literal("square"), side: Schema.Finite, label: Schema.optional(Schema.String) })
      ),
      scalar: Schema.Union(Schema.String, Schema.Finite, Schema.Null)
    })
  ],
  [
    "literals and enums",
    Schema.Struct({ level: Schema.Literal("low", "high", 3, true), color: Schema.Enums(Color), none: Schema.Null })
  ],
  [
    "arrays",
    Schema.Struct({ tags: Schema.Array(Schema.String), matrix: Schema.Array(Schema.Array(Schema.Int)) })
  ],
  ["non-empty arrays", Schema.Struct({ items: Schema.NonEmptyArray(Schema.String) })],
  [
    "records",
    Schema.Struct({
      scores: Schema.Record({ key: Schema.String, value: Schema.Finite }),
      nested: Schema.Record({ key: Schema.String, value: Schema.Struct({ x: Schema.optional(Schema.Int) }) })
    })
  ],
  ["recursive via suspend, with an identifier", Category],
  ["recursive via suspend, without an identifier", Expr],
  ["branded types", Schema.Struct({ id: UserId, count: Schema.Int.pipe(Schema.brand("Count")) })],
  [
    "refinements",
    Schema.Struct({
      name: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(20)),
      age: Schema.Int.pipe(Schema.between(0, 150)),
      list: Schema.Array(Schema.String).pipe(Schema.minItems(1), Schema.maxItems(3))
    }).pipe(Schema.filter((s) => s.name !== "nobody"))
  ],
  ["classes", Schema.Struct({ owner: Person })],
  ["a Class at the root", Person],
  ["transformations", Schema.Struct({ when: Schema.Date, n: Schema.NumberFromString })],
  ["an array root", Schema.Array(Schema.Struct({ x: Schema.optional(Schema.String) }))],
  ["a union root", Schema.Union(Schema.Struct({ a: Schema.String }), Schema.Struct({ b: Schema.Int }))],
  ["a primitive root", Schema.String],
  ["a record root", Schema.Record({ key: Schema.String, value: Schema.Boolean })],
  ["an empty struct", Schema.Struct({ meta: Schema.Struct({}) })]
]

// ---------------------------------------------------------------------------
// What strict mode asks of a JSON Schema (OpenAI structured outputs, as OpenRouter forwards it)
// ---------------------------------------------------------------------------

const strictKeywords = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "anyOf",
  "enum",
  "const",
  "$ref",
  "$defs",
  "description",
  "pattern",
  "format",
  "multipleOf",
  "maximum",
  "exclusiveMaximum",
  "minimum",
  "exclusiveMinimum",
  "minItems",
  "maxItems"
])

/** Lists every way a JSON Schema breaks the strict-mode rules. */
const strictViolations = (root: JsonSchema): Array<string> => {
  const out: Array<string> = []
  if (root.type !== "object") out.push("root: not an object")
  const visit = (node: unknown, path: string, isRoot: boolean) => {
    if (typeof node !== "object" || node === null) return void out.push(`${path}: not an object`)
    const n = node as Record<string, unknown>
    for (const key of Object.keys(n)) {
      if (!strictKeywords.has(key)) out.push(`${path}: keyword ${key}`)
      if (key === "$defs" && !isRoot) out.push(`${path}: $defs below the root`)
    }
    if (typeof n.$ref === "string" && Object.keys(n).length > 1) out.push(`${path}: $ref with siblings`)
    if (n.type === "object") {
      const properties = (n.properties ?? {}) as Record<string, unknown>
      if (n.additionalProperties !== false) out.push(`${path}: additionalProperties is not false`)
      const required = n.required as ReadonlyArray<string> | undefined
      if (!Array.isArray(required) || required.length !== Object.keys(properties).length) {
        out.push(`${path}: not every property is required`)
      }
      for (const [k, v] of Object.entries(properties)) visit(v, `${path}.${k}`, false)
    }
    if (n.items !== undefined) visit(n.items, `${path}[]`, false)
    if (Array.isArray(n.anyOf)) n.anyOf.forEach((m, i) => visit(m, `${path}|${i}`, false))
    if (n.$defs !== undefined) {
      for (const [k, v] of Object.entries(n.$defs as Record<string, unknown>)) visit(v, `$defs.${k}`, false)
    }
  }
  visit(root, "#", true)
  return out
}

// Formats are hints to the model; the Schema checks the value when it is decoded.
const ajv = new Ajv({ strict: true, allErrors: true, formats: { "date-time": true } })

// JSON has no -0: the model cannot send it, and the Schema's equivalence tells 0 from -0.
const jsonRoundTrip = (u: unknown): unknown => JSON.parse(JSON.stringify(u))
const noNegativeZero = (u: unknown): boolean =>
  !JSON.stringify(u, (_, v) => (Object.is(v, -0) ? "NEGATIVE_ZERO" : v)).includes("NEGATIVE_ZERO")
// Nor a field that is there with the value undefined: it travels as null and comes back absent.
// And no "__proto__" key: Effect's decoder copies a record key by assignment, which sets the
// copy's prototype instead (see test/Schema.test.ts).
const noUndefinedField = (u: unknown): boolean => {
  if (Array.isArray(u)) return u.every(noUndefinedField)
  if (typeof u === "object" && u !== null && !(u instanceof Date)) {
    if (Object.prototype.hasOwnProperty.call(u, "__proto__")) return false
    return Object.values(u).every((v) => v !== undefined && noUndefinedField(v))
  }
  return true
}

describe("strictJsonSchema", () => {
  describe.each(cases)("%s", (_, schema) => {
    const strict = strictJsonSchema(schema)

    it("is a JSON Schema the validator library compiles", () => {
      expect(() => ajv.compile(strict.schema)).not.toThrow()
    })

    it("follows the strict-mode rules", () => {
      expect(strictViolations(strict.schema)).toEqual([])
    })

    it("validates every value the Schema encodes, which decodes back to itself", () => {
      const validate = ajv.compile(strict.schema)
      const decode = Schema.decodeUnknownEither(strict.wire)
      const encode = Schema.encodeEither(strict.wire)
      FastCheck.assert(
        FastCheck.property(Arbitrary.make(schema).filter((u) => noNegativeZero(u) && noUndefinedField(u)), (value) => {
          const encoded = encode(value)
          if (Either.isLeft(encoded)) throw new Error(String(encoded.left))
          const wire = jsonRoundTrip(encoded.right)
          if (!validate(wire)) throw new Error(JSON.stringify({ wire, errors: validate.errors }))
          const decoded = decode(wire)
          if (Either.isLeft(decoded)) throw new Error(String(decoded.left))
          expect(decoded.right).toStrictEqual(value)
        }),
        { numRuns: 60 }
      )
    })
  })

  it.each(cases)(
    "%s: shaping the JSON in place then decoding with the Schema gives what the wire Schema gives",
    (_, schema) => {
      const strict = strictJsonSchema(schema)
      const encode = Schema.encodeEither(strict.wire)
      const viaWire = Schema.decodeUnknownEither(strict.wire)
      const viaSource = Schema.decodeUnknownEither(strict.source)
      FastCheck.assert(
        FastCheck.property(Arbitrary.make(schema).filter((u) => noNegativeZero(u) && noUndefinedField(u)), (value) => {
          const encoded = encode(value)
          if (Either.isLeft(encoded)) throw new Error(String(encoded.left))
          const expected = viaWire(jsonRoundTrip(encoded.right))
          let shaped: unknown
          try {
            shaped = shapeInPlace(jsonRoundTrip(encoded.right), strict.partial)
          } catch (e) {
            if (e instanceof Ambiguous) return // decoded with the wire Schema instead
            throw e
          }
          expect(viaSource(shaped)).toStrictEqual(expected)
        }),
        { numRuns: 40 }
      )
    }
  )

  it("says a union is ambiguous when several members fit, and picks the member its tag names", () => {
    const tagged = strictJsonSchema(Schema.Union(
      Schema.Struct({ kind: Schema.Literal("x"), a: Schema.optional(Schema.Int) }),
      Schema.Struct({ kind: Schema.Literal("y"), a: Schema.optional(Schema.NullOr(Schema.String)) })
    ))
    expect(shapeInPlace({ value: { kind: "y", a: null } }, tagged.partial)).toStrictEqual({ kind: "y", a: null })
    expect(shapeInPlace({ value: { kind: "x", a: null } }, tagged.partial)).toStrictEqual({ kind: "x" })
    const untagged = strictJsonSchema(Schema.Union(
      Schema.Struct({ a: Schema.optional(Schema.Int) }),
      Schema.Struct({ a: Schema.optional(Schema.NullOr(Schema.String)) })
    ))
    expect(() => shapeInPlace({ value: { a: null } }, untagged.partial)).toThrow(Ambiguous)
  })

  it("sends an optional field as a required nullable one and decodes null back to absent", () => {
    const strict = strictJsonSchema(Schema.Struct({ a: Schema.String, b: Schema.optional(Schema.Number) }))
    expect(strict.schema).toEqual({
      type: "object",
      properties: { a: { type: "string" }, b: { anyOf: [{ type: "number" }, { type: "null" }] } },
      required: ["a", "b"],
      additionalProperties: false
    })
    const decoded = Schema.decodeUnknownSync(strict.wire)({ a: "x", b: null })
    expect(decoded).toStrictEqual({ a: "x" })
    expect("b" in decoded).toBe(false)
    expect(Schema.encodeSync(strict.wire)({ a: "x" })).toStrictEqual({ a: "x", b: null })
  })

  it("accepts an optional field the model left out (outside strict mode)", () => {
    const strict = strictJsonSchema(Schema.Struct({ a: Schema.String, b: Schema.optional(Schema.Number) }))
    expect(Schema.decodeUnknownSync(strict.wire)({ a: "x" })).toStrictEqual({ a: "x" })
  })

  it("keeps null for a field that is optional and nullable", () => {
    const strict = strictJsonSchema(Schema.Struct({ a: Schema.optional(Schema.NullOr(Schema.String)) }))
    expect(strict.schema.properties).toEqual({ a: { anyOf: [{ type: "string" }, { type: "null" }] } })
    expect(Schema.decodeUnknownSync(strict.wire)({ a: null })).toStrictEqual({ a: null })
    expect(Schema.encodeSync(strict.wire)({})).toStrictEqual({ a: null })
  })

  it("decodes a required field that allows undefined from null to undefined", () => {
    const strict = strictJsonSchema(Schema.Struct({ a: Schema.UndefinedOr(Schema.String) }))
    expect(Schema.decodeUnknownSync(strict.wire)({ a: null })).toStrictEqual({ a: undefined })
  })

  it("sends a record as an array of key/value entries", () => {
    const strict = strictJsonSchema(Schema.Struct({ m: Schema.Record({ key: Schema.String, value: Schema.Number }) }))
    expect(strict.schema.properties).toEqual({
      m: {
        type: "array",
        items: {
          type: "object",
          properties: { key: { type: "string" }, value: { type: "number" } },
          required: ["key", "value"],
          additionalProperties: false
        }
      }
    })
    expect(Schema.decodeUnknownSync(strict.wire)({ m: [{ key: "a", value: 1 }, { key: "b", value: 2 }] }))
      .toStrictEqual({ m: { a: 1, b: 2 } })
  })

  it("wraps a root that is not an object as { value }", () => {
    const strict = strictJsonSchema(Schema.Array(Schema.String))
    expect(strict.wrapped).toBe(true)
    expect(strict.schema).toEqual({
      type: "object",
      properties: { value: { type: "array", items: { type: "string" } } },
      required: ["value"],
      additionalProperties: false
    })
    expect(Schema.decodeUnknownSync(strict.wire)({ value: ["a"] })).toStrictEqual(["a"])
  })

  it("keeps recursion as $ref into $defs at the root", () => {
    const strict = strictJsonSchema(Category)
    expect(strict.schema.$defs).toEqual({ Category: expect.objectContaining({ type: "object" }) })
    expect(strict.schema.properties).toEqual({
      name: { type: "string" },
      children: { type: "array", items: { $ref: "#/$defs/Category" } }
    })
    expect(strictJsonSchema(Expr).schema.$defs).toEqual({ Recursive1: expect.objectContaining({ type: "object" }) })
  })

  it("inlines a reference that carries a description", () => {
    const Point = Schema.Struct({ x: Schema.Number }).annotations({ identifier: "Point" })
    const strict = strictJsonSchema(Schema.Struct({ at: Point.annotations({ description: "where" }) }))
    expect(strict.schema.properties).toEqual({
      at: {
        type: "object",
        properties: { x: { type: "number" } },
        required: ["x"],
        additionalProperties: false,
        description: "where"
      }
    })
  })

  it("takes name and description from the Schema's annotations", () => {
    const named = strictJsonSchema(
      Schema.Struct({ a: Schema.String }).annotations({ identifier: "Weather Report", description: "Today's weather" })
    )
    expect(named.name).toBe("Weather_Report")
    expect(named.description).toBe("Today's weather")
    expect(strictJsonSchema(Schema.Struct({ a: Schema.String }).annotations({ title: "report" })).name).toBe("report")
    expect(strictJsonSchema(Person).name).toBe("Person")
    expect(strictJsonSchema(Person).description).toBe("A person")
    expect(strictJsonSchema(Schema.Struct({ b: Schema.String })).name).toBeUndefined()
  })

  it("keeps the constraints strict mode knows and leaves the others to the decoder", () => {
    const strict = strictJsonSchema(Schema.Struct({
      code: Schema.String.pipe(Schema.pattern(/^[A-Z]{3}$/), Schema.minLength(3)),
      n: Schema.Number.pipe(Schema.greaterThanOrEqualTo(1), Schema.lessThan(10))
    }))
    expect(strict.schema.properties).toMatchObject({
      code: { type: "string", pattern: "^[A-Z]{3}$" },
      n: { type: "number", minimum: 1, exclusiveMaximum: 10 }
    })
    expect((strict.schema.properties as Record<string, JsonSchema>).code?.minLength).toBeUndefined()
    expect(Either.isLeft(Schema.decodeUnknownEither(strict.wire)({ code: "AB", n: 2 }))).toBe(true)
  })

  it("tells the model that Schema.Date is a date-time string", () => {
    const strict = strictJsonSchema(Schema.Struct({ when: Schema.Date }))
    expect(strict.schema.properties).toMatchObject({ when: { type: "string", format: "date-time" } })
    expect(Schema.decodeUnknownSync(strict.wire)({ when: "2024-01-01T00:00:00.000Z" })).toStrictEqual({
      when: new Date("2024-01-01T00:00:00.000Z")
    })
  })

  it("decodeStrictJson decodes a model's JSON text, or says it is not JSON, or lists every mismatch", () => {
    const strict = strictJsonSchema(Schema.Struct({ a: Schema.optional(Schema.String), n: Schema.Int, m: Schema.Int }))
    const run = (text: string) => Effect.runSync(Effect.either(decodeStrictJson(strict, text)))
    expect(run("{\"a\":null,\"n\":1,\"m\":2}")).toStrictEqual(Either.right({ n: 1, m: 2 }))
    const notJson = run("{\"a\":")
    expect(Either.isLeft(notJson) && notJson.left._tag).toBe("NotJson")
    const mismatch = run("{\"a\":1,\"n\":1.5,\"m\":\"x\"}")
    if (Either.isRight(mismatch) || mismatch.left._tag !== "Mismatch") throw new Error("expected a mismatch")
    const paths = ParseResult.ArrayFormatter.formatIssueSync(mismatch.left.issue).map((i) => i.path.join("."))
    expect([...new Set(paths)]).toEqual(["a", "n", "m"])
  })

  it("is derived once per Schema", () => {
    const schema = Schema.Struct({ a: Schema.String })
    expect(strictJsonSchema(schema)).toBe(strictJsonSchema(schema))
  })

  it.each([
    ["unknown", Schema.Struct({ a: Schema.Unknown })],
    ["any", Schema.Struct({ a: Schema.Any })],
    ["a fixed tuple", Schema.Struct({ a: Schema.Tuple(Schema.String, Schema.Number) })],
    ["a bigint", Schema.Struct({ a: Schema.BigIntFromSelf })],
    ["a declaration", Schema.Struct({ a: Schema.DateFromSelf })],
    ["fields and a record together", Schema.Struct({ a: Schema.String }, { key: Schema.String, value: Schema.String })]
  ])("fails with StrictJsonSchemaError for %s", (_, schema) => {
    expect(() => strictJsonSchema(schema)).toThrow(StrictJsonSchemaError)
  })
})

const field = (schema: unknown) => Schema.Struct({ x: schema as Schema.Schema.AnyNoContext })

constraintsSuite({
  describe,
  it,
  expect,
  schemas: {
    "a Number between 5 and 10": Schema.Number.pipe(Schema.between(5, 10)),
    "a Number greater than 5": Schema.Number.pipe(Schema.greaterThan(5)),
    "a Number at least 5": Schema.Number.pipe(Schema.greaterThanOrEqualTo(5)),
    "a Number less than 5": Schema.Number.pipe(Schema.lessThan(5)),
    "a Number at most 5": Schema.Number.pipe(Schema.lessThanOrEqualTo(5)),
    "a Number that is a multiple of 3": Schema.Number.pipe(Schema.multipleOf(3)),
    "an Int": Schema.Int,
    "an Int between 1 and 9": Schema.Int.pipe(Schema.between(1, 9)),
    "a String matching /^[a-z]+$/": Schema.String.pipe(Schema.pattern(/^[a-z]+$/)),
    "a String starting with \"ab\"": Schema.String.pipe(Schema.startsWith("ab")),
    "a UUID": Schema.UUID,
    "a String at least 2 long": Schema.String.pipe(Schema.minLength(2)),
    "a String at most 5 long": Schema.String.pipe(Schema.maxLength(5)),
    "an Array of at least 1": Schema.Array(Schema.String).pipe(Schema.minItems(1)),
    "an Array of at most 3": Schema.Array(Schema.String).pipe(Schema.maxItems(3)),
    "a Date": Schema.Date
  },
  responseFormat: (schema) => strictJsonSchema(field(schema)).schema,
  toolParameters: (schema, strict) => Either.getOrThrow(toolSchema(field(schema), strict)).parameters,
  decodes: (schema, text) =>
    Effect.runPromise(Effect.isSuccess(decodeStrictJson(strictJsonSchema(field(schema)), text)))
})
