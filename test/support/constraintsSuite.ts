/**
 * What each constraint a Schema checks becomes in the JSON Schema a model is sent, one table for both
 * editions (`test/jsonSchema.test.ts`, `effect4/test/jsonSchema.test.ts`): in `response_format` (the
 * strict form), in a strict tool's parameters and in a plain tool's. A constraint the model is not told
 * is one its answer can miss, and a billed answer that fails to decode is thrown away; so each keyword
 * JSON Schema and strict mode can state is there, and the emulator's answer for the JSON Schema (what a
 * model following it sends) decodes with the Schema. Effect-free: each edition passes its
 * `ConstraintsEdition` (the table's schemas built with its `Schema`, its derivations and decoder).
 */
import { exampleOf } from "../../src/internal/emulator/example.js"
import type { Vitest } from "./suite.js"

/** A JSON Schema node, read loosely. */
type Node = Readonly<Record<string, unknown>>

/**
 * [the constraint, the keywords every form states, the keywords strict mode forbids (left to the
 * decoder: only the description tells the model), whether the emulator's answer can fit (it writes
 * "example" for any string without a format, whatever the pattern or the description)].
 */
const rows = [
  ["a Number between 5 and 10", { type: "number", minimum: 5, maximum: 10 }, [], true],
  ["a Number greater than 5", { type: "number", exclusiveMinimum: 5 }, [], true],
  ["a Number at least 5", { type: "number", minimum: 5 }, [], true],
  ["a Number less than 5", { type: "number", exclusiveMaximum: 5 }, [], true],
  ["a Number at most 5", { type: "number", maximum: 5 }, [], true],
  ["a Number that is a multiple of 3", { type: "number", multipleOf: 3 }, [], true],
  ["an Int", { type: "integer" }, [], true],
  ["an Int between 1 and 9", { type: "integer", minimum: 1, maximum: 9 }, [], true],
  ["a String matching /^[a-z]+$/", { type: "string", pattern: "^[a-z]+$" }, [], true],
  ["a String starting with \"ab\"", { type: "string", pattern: "^ab" }, [], false],
  ["a UUID", { type: "string", format: "uuid" }, [], true],
  ["a String at least 2 long", { type: "string" }, ["minLength"], true],
  // The emulator writes "example", longer than 5: told only in the description, as a model would be.
  ["a String at most 5 long", { type: "string" }, ["maxLength"], false],
  ["an Array of at least 1", { type: "array", minItems: 1 }, [], true],
  ["an Array of at most 3", { type: "array", maxItems: 3 }, [], true],
  ["a Date", { type: "string", format: "date-time" }, [], true]
] as const

/** The constraints of the table. */
export type Constraint = typeof rows[number][0]

/** What the table's body takes from an edition. */
export interface ConstraintsEdition extends Vitest {
  /** For each constraint, the Schema checking it, built with the edition's `Schema`. */
  readonly schemas: Readonly<Record<Constraint, unknown>>
  /** The JSON Schema of `response_format` for `Struct({ x: schema })`. */
  readonly responseFormat: (schema: unknown) => Node
  /** The JSON Schema of a tool's parameters `Struct({ x: schema })`, strict or not. */
  readonly toolParameters: (schema: unknown, strict: boolean) => Node
  /** Whether JSON text decodes with `Struct({ x: schema })` as `Structured.send` decodes an answer. */
  readonly decodes: (schema: unknown, text: string) => Promise<boolean>
}

const fieldX = (root: Node): Node => {
  const properties = root.properties as Readonly<Record<string, Node>> | undefined
  const x = properties?.x
  if (x === undefined) throw new Error(`no property x in ${JSON.stringify(root)}`)
  return x
}

export const constraintsSuite = (self: ConstraintsEdition) => {
  const { describe, expect, it } = self
  describe("the JSON Schema a model is sent states each constraint the Schema checks", () => {
    for (const [constraint, keywords, forbidden, emulated] of rows) {
      const schema = self.schemas[constraint]
      it(`${constraint}: ${JSON.stringify(keywords)}${forbidden.length > 0 ? `, no ${forbidden.join(", ")}` : ""}`, async () => {
        const strict = [
          ["response_format", fieldX(self.responseFormat(schema))],
          ["a strict tool", fieldX(self.toolParameters(schema, true))]
        ] as const
        for (
          const [where, node] of [...strict, ["a plain tool", fieldX(self.toolParameters(schema, false))] as const]
        ) {
          expect({ where, node }).toMatchObject({ where, node: keywords })
        }
        for (const [where, node] of strict) {
          expect({ where, keys: Object.keys(node).filter((k) => (forbidden as ReadonlyArray<string>).includes(k)) })
            .toEqual({ where, keys: [] })
        }
        if (emulated) {
          const answer = JSON.stringify(exampleOf(self.responseFormat(schema) as Record<string, unknown>))
          expect({ answer, decodes: await self.decodes(schema, answer) }).toEqual({ answer, decodes: true })
        }
      })
    }
  })
}
