import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { MAX_DEPTH, shownValue, snapshot, Unrepresentable } from "../src/internal/transport/snapshot.js"
import { anyValue } from "./support/hostileValues.js"

const nested = (depth: number): unknown => {
  let value: unknown = 1
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value }
  return value
}

// JSON writes -0 as 0: the one number the copy keeps but the wire changes (harmlessly; -0 === 0).
const hasNegativeZero = (value: unknown, seen = new Set<unknown>()): boolean => {
  if (Object.is(value, -0)) return true
  if (typeof value !== "object" || value === null || seen.has(value)) return false
  seen.add(value)
  const items = value instanceof Map || value instanceof Set ? [...value.entries()] : Object.values(value)
  return items.some((item) => hasNegativeZero(item, seen))
}

describe("snapshot (the request read once into plain JSON)", () => {
  it("copies every JSON value to an equal value with the same serialisation", () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const copy = snapshot(value)
      expect(copy).not.toBeInstanceOf(Unrepresentable)
      expect(JSON.stringify(copy)).toBe(JSON.stringify(value))
    }))
  })

  it("either refuses a value or copies it so that JSON round-trips it unchanged", () => {
    fc.assert(fc.property(
      fc.anything(anyValue).filter((value) => !hasNegativeZero(value)),
      (value) => {
        const copy = snapshot(value)
        if (copy instanceof Unrepresentable) return
        // Faithful: what would be sent parses back to the copy, which is what JSON.stringify writes
        // for the value.
        expect(JSON.parse(JSON.stringify(copy))).toStrictEqual(copy)
        expect(JSON.stringify(copy)).toBe(JSON.stringify(value))
      }
    ))
  })

  it("reads each property once and never the copy's source again", () => {
    let reads = 0
    const source = Object.defineProperty({}, "x", {
      enumerable: true,
      get: () => ++reads
    })
    const copy = snapshot(source) as { x: number }
    expect(copy.x).toBe(1)
    expect(copy.x).toBe(1)
    expect(reads).toBe(1)
  })

  it(`accepts nesting up to ${MAX_DEPTH} levels and refuses one more`, () => {
    expect(snapshot(nested(MAX_DEPTH))).not.toBeInstanceOf(Unrepresentable)
    const refused = snapshot(nested(MAX_DEPTH + 1))
    expect(refused).toBeInstanceOf(Unrepresentable)
    expect((refused as Unrepresentable).message).toContain(`deeper than ${MAX_DEPTH}`)
  })

  it("accepts a value shared by two branches (not a cycle)", () => {
    const shared = { a: 1 }
    expect(snapshot({ x: shared, y: [shared, shared] })).toEqual({ x: { a: 1 }, y: [{ a: 1 }, { a: 1 }] })
  })

  it("names the path and what is wrong", () => {
    const c: Record<string, unknown> = {}
    c.self = c
    const cases: ReadonlyArray<readonly [unknown, string, string]> = [
      [{ a: [1, { b: NaN }] }, "a.1.b", "NaN is not a JSON number"],
      [{ a: c }, "a.self", "circular"],
      [{ a: 1n }, "a", "BigInt"],
      [{ a: new Map() }, "a", "Map"],
      [{ a: [undefined] }, "a.0", "undefined"],
      [{ a: () => 1 }, "a", "function"]
    ]
    for (const [value, path, message] of cases) {
      const refused = snapshot(value) as Unrepresentable
      expect(refused).toBeInstanceOf(Unrepresentable)
      expect(refused.path).toBe(path)
      expect(refused.message).toContain(message)
    }
  })

  it("keeps a __proto__ key as an own property, without touching the copy's prototype", () => {
    const value = JSON.parse(`{"__proto__": {"x": 1}}`) as object
    const copy = snapshot(value) as Record<string, unknown>
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype)
    expect(Object.keys(copy)).toEqual(["__proto__"])
    expect(JSON.stringify(copy)).toBe(`{"__proto__":{"x":1}}`)
  })
})

describe("shownValue (the value an option check says it got)", () => {
  const revoked = Proxy.revocable([], {})
  revoked.revoke()
  const throwingToString = {
    toString: () => {
      throw new Error("no")
    }
  }
  it.each([
    ["a string, quoted", "hot", `"hot"`],
    ["a string with a line break, escaped", "a\nb", `"a\\nb"`],
    ["a string of 40 characters, whole", "x".repeat(40), `"${"x".repeat(40)}"`],
    ["a string of 41 characters, cut after 40", "x".repeat(41), `"${"x".repeat(40)}…"`],
    ["a number", 42, "42"],
    ["NaN", NaN, "NaN"],
    ["a bigint", 5n, "5n"],
    ["a boolean", true, "true"],
    ["undefined", undefined, "undefined"],
    ["null", null, "null"],
    ["a symbol", Symbol("s"), "a symbol"],
    ["a function", () => 1, "a function"],
    ["an array", [1, 2], "an array"],
    ["an object", { a: 1 }, "an object"],
    ["an object whose toString throws", throwingToString, "an object"],
    ["a revoked Proxy (Array.isArray throws)", revoked.proxy, "an unreadable value"]
  ])("%s", (_, value, shown) => {
    expect(shownValue(value)).toBe(shown)
  })
})
