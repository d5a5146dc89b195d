/**
 * What the emulator answers to a structured-output request (`response_format: { type: "json_schema" }`):
 * a value that fits the requested JSON Schema.
 *
 * No Effect imports.
 *
 * @internal
 */
import { isRecord } from "../transport/json.js"

type Json = Record<string, unknown>

const MAX_DEPTH = 4

const FORMATS: Readonly<Record<string, string>> = {
  "date-time": "2024-01-01T12:00:00.000Z",
  date: "2024-01-01",
  time: "12:00:00",
  email: "user@example.com",
  uuid: "00000000-0000-4000-8000-000000000000",
  uri: "https://example.com"
}

const numberIn = (schema: Json, integer: boolean): number => {
  const num = (k: string) => (typeof schema[k] === "number" ? schema[k] as number : undefined)
  const low = num("minimum") ?? (num("exclusiveMinimum") !== undefined ? num("exclusiveMinimum")! + 1 : undefined)
  const high = num("maximum") ?? (num("exclusiveMaximum") !== undefined ? num("exclusiveMaximum")! - 1 : undefined)
  let n = low ?? (high !== undefined ? Math.min(high, 1) : 1)
  const step = num("multipleOf")
  if (step !== undefined && step > 0) n = Math.ceil(n / step) * step
  return integer ? Math.ceil(n) : n
}

/**
 * A value that fits a JSON Schema of the kind strict mode uses (objects, arrays, anyOf, enum, $ref):
 * what the emulator answers to a `json_schema` request. Recursion stops at a small depth by taking
 * `null` or an empty array where the schema allows it.
 *
 * @internal
 */
export const exampleOf = (root: Json): unknown => {
  const defs = isRecord(root.$defs) ? root.$defs : isRecord(root.definitions) ? root.definitions : {}
  const go = (schema: unknown, depth: number): unknown => {
    if (!isRecord(schema)) return null
    if (typeof schema.$ref === "string") {
      const name = decodeURIComponent(schema.$ref.replace(/^#\/(\$defs|definitions)\//, ""))
      return schema.$ref === "#" ? go(root, depth + 1) : go(defs[name], depth + 1)
    }
    if ("const" in schema) return schema.const
    if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0]
    const anyOf = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined
    if (anyOf !== undefined && anyOf.length > 0) {
      const isNull = (m: unknown) => isRecord(m) && m.type === "null"
      const chosen = depth >= MAX_DEPTH ? anyOf.find(isNull) ?? anyOf[0] : anyOf.find((m) => !isNull(m)) ?? anyOf[0]
      return go(chosen, depth)
    }
    const type = Array.isArray(schema.type)
      ? (schema.type.find((t) => t !== "null") ?? schema.type[0])
      : schema.type
    switch (type) {
      case "object": {
        const out: Json = {}
        const properties = isRecord(schema.properties) ? schema.properties : {}
        for (const [key, value] of Object.entries(properties)) {
          Object.defineProperty(out, key, { value: go(value, depth + 1), enumerable: true, writable: true })
        }
        return out
      }
      case "array": {
        const min = typeof schema.minItems === "number" ? schema.minItems : 0
        const max = typeof schema.maxItems === "number" ? schema.maxItems : Infinity
        const count = Math.min(max, depth >= MAX_DEPTH ? min : Math.max(min, 1))
        return Array.from({ length: count }, () => go(schema.items, depth + 1))
      }
      case "string":
        return typeof schema.format === "string" && FORMATS[schema.format] !== undefined
          ? FORMATS[schema.format]
          : "example"
      case "integer":
        return numberIn(schema, true)
      case "number":
        return numberIn(schema, false)
      case "boolean":
        return true
      default:
        return null
    }
  }
  return go(root, 0)
}

/**
 * The JSON Schema of a request's `response_format: { type: "json_schema" }`, if it has one.
 *
 * @internal
 */
export const requestedSchema = (body: unknown): Json | undefined => {
  if (!isRecord(body) || !isRecord(body.response_format)) return undefined
  const format = body.response_format
  if (format.type !== "json_schema" || !isRecord(format.json_schema)) return undefined
  return isRecord(format.json_schema.schema) ? format.json_schema.schema : undefined
}
