import { describe, expect, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import { makePartialJsonParser } from "../src/internal/structured/partialJson.js"
import { type EntryNames, type PartialPlan, shapeInPlace } from "../src/internal/structured/partialPlan.js"

/**
 * Whether a partial value is consistent with the final one: a string is a prefix of the final
 * string, an array has at most the final elements (each consistent), an object has some of the
 * final keys (each consistent), anything else is equal.
 */
/** Feeds `text` to a parser of `plan` one character at a time: every push and the end accepted, a snapshot after each. */
const feedEachCharacter = (plan: PartialPlan, text: string) => {
  const parser = makePartialJsonParser(plan)
  const partials: Array<unknown> = []
  for (const c of text) {
    expect(parser.push(c)).toBe(true)
    partials.push(parser.snapshot())
  }
  expect(parser.end()).toBe(true)
  return { parser, partials }
}

const consistent = (partial: unknown, final: unknown): boolean => {
  if (partial === undefined) return true
  if (typeof partial === "string") return typeof final === "string" && final.startsWith(partial)
  if (Array.isArray(partial)) {
    return Array.isArray(final) && partial.length <= final.length &&
      partial.every((item, i) => consistent(item, final[i]))
  }
  if (typeof partial === "object" && partial !== null) {
    if (typeof final !== "object" || final === null || Array.isArray(final)) return false
    return Object.keys(partial).every((key) =>
      Object.prototype.hasOwnProperty.call(final, key) &&
      consistent((partial as Record<string, unknown>)[key], (final as Record<string, unknown>)[key])
    )
  }
  return Object.is(partial, final) || partial === final
}

/** Splits a text at the given cut points (sorted, deduplicated, inside the text). */
const split = (text: string, cuts: ReadonlyArray<number>): Array<string> => {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)
  const out: Array<string> = []
  let last = 0
  for (const p of points) {
    out.push(text.slice(last, p))
    last = p
  }
  out.push(text.slice(last))
  return out
}

// JSON values with strings full of escapes, unicode and quotes; no -0 (JSON.stringify writes it as 0).
const json = FastCheck.jsonValue({ maxDepth: 4 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown)
const documents = FastCheck.tuple(json, FastCheck.boolean()).map(([value, pretty]) => ({
  value,
  text: pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value)
}))

describe("makePartialJsonParser", () => {
  it("yields, for every prefix of a JSON document, a partial value consistent with the final one", () => {
    FastCheck.assert(
      FastCheck.property(documents, ({ text, value }) => {
        const parser = makePartialJsonParser()
        for (let i = 0; i < text.length; i++) {
          expect(parser.push(text[i]!)).toBe(true)
          const partial = parser.snapshot()
          if (!consistent(partial, value)) {
            throw new Error(`prefix ${JSON.stringify(text.slice(0, i + 1))} gave ${JSON.stringify(partial)}`)
          }
        }
        expect(parser.end()).toBe(true)
        expect(parser.snapshot()).toStrictEqual(value)
      }),
      { numRuns: 300 }
    )
  })

  it("parses a document split anywhere to the value JSON.parse gives", () => {
    FastCheck.assert(
      FastCheck.property(documents, FastCheck.array(FastCheck.nat(), { maxLength: 20 }), ({ text }, cuts) => {
        const parser = makePartialJsonParser()
        for (const piece of split(text, cuts)) parser.push(piece)
        expect(parser.end()).toBe(true)
        expect(parser.snapshot()).toStrictEqual(JSON.parse(text))
      }),
      { numRuns: 300 }
    )
  })

  it("examines each character once however the text is split (parsing is linear in its size)", () => {
    FastCheck.assert(
      FastCheck.property(documents, FastCheck.array(FastCheck.nat(), { maxLength: 50 }), ({ text }, cuts) => {
        const parser = makePartialJsonParser()
        for (const piece of split(text, cuts)) parser.push(piece)
        parser.end()
        expect(parser.examined()).toBe(text.length)
      })
    )
  })

  it("shares completed values between snapshots", () => {
    const parser = makePartialJsonParser()
    parser.push("{\"done\": {\"a\": [1, 2]}, \"next\": \"ab")
    const first = parser.snapshot() as { done: unknown; next: string }
    parser.push("c")
    const second = parser.snapshot() as { done: unknown; next: string }
    expect(second.done).toBe(first.done)
    expect(first.next).toBe("ab")
    expect(second.next).toBe("abc")
  })

  it("shows a number only once it is complete", () => {
    const parser = makePartialJsonParser()
    parser.push("{\"n\": 12")
    expect(parser.snapshot()).toStrictEqual({})
    parser.push("3,")
    expect(parser.snapshot()).toStrictEqual({ n: 123 })
  })

  it("reads escapes split across pieces, \\u escapes included", () => {
    const parser = makePartialJsonParser()
    for (const piece of ["[\"a\\", "n\\u00", "e9\\ud83d", "\\ude00\"]"]) parser.push(piece)
    expect(parser.end()).toBe(true)
    expect(parser.snapshot()).toStrictEqual(["a\né😀"])
  })

  it("never shows a string ending in a lone high surrogate, wherever an escaped pair is split", () => {
    const endsInHighSurrogate = (u: unknown): boolean => {
      if (typeof u === "string") {
        const last = u.charCodeAt(u.length - 1)
        return last >= 0xd800 && last <= 0xdbff
      }
      if (typeof u === "object" && u !== null) return Object.values(u).some(endsInHighSurrogate)
      return false
    }
    // every UTF-16 unit outside ASCII written as a \u escape, as some providers send text
    const escaped = (text: string) =>
      JSON.stringify(text).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    FastCheck.assert(
      FastCheck.property(FastCheck.array(FastCheck.string({ unit: "grapheme" }), { maxLength: 3 }), (generated) => {
        const texts = ["a😀", ...generated]
        const text = `{"t":[${texts.map(escaped).join(",")}]}`
        for (let cut = 0; cut <= text.length; cut++) {
          const parser = makePartialJsonParser()
          parser.push(text.slice(0, cut))
          const partial = parser.snapshot()
          expect(endsInHighSurrogate(partial)).toBe(false)
          expect(consistent(partial, { t: texts })).toBe(true)
          parser.push(text.slice(cut))
          expect(parser.end()).toBe(true)
          expect(parser.snapshot()).toStrictEqual({ t: texts })
        }
      }),
      { numRuns: 100 }
    )
    const parser = makePartialJsonParser()
    parser.push("[\"a\\ud83d")
    expect(parser.snapshot()).toStrictEqual(["a"])
    parser.push("\\ude00\"]")
    expect(parser.snapshot()).toStrictEqual(["a😀"])
  })

  it("keeps a __proto__ key as an own property", () => {
    const parser = makePartialJsonParser()
    parser.push("{\"__proto__\": {\"x\": 1}}")
    parser.end()
    const value = parser.snapshot() as object
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
    expect(Object.keys(value)).toEqual(["__proto__"])
  })

  it.each([
    ["{\"a\" 1}"],
    ["[1,]x"],
    ["{\"a\": tru}"],
    ["\"\\x\""],
    ["[1] 2"],
    ["{\"a\": 01}"]
  ])("says %s is not JSON", (text) => {
    const parser = makePartialJsonParser()
    const ok = parser.push(text) && parser.end()
    expect(ok).toBe(false)
    expect(parser.error()).toBeTypeOf("string")
  })

  // The plan of `{ n: Int, note?: String }`: a null for `note` means absent.
  const noted: PartialPlan = {
    _tag: "Object",
    fields: new Map([["n", { nullMeansAbsent: false, plan: undefined }], ["note", {
      nullMeansAbsent: true,
      plan: undefined
    }]]),
    tags: new Map()
  }

  // A record of `{ n: Int, note?: String }`, its entries named as each edition's strict form names them.
  it.each(
    [
      ["Effect 3's { key, value }", ["key", "value"]],
      ["effect/ai 4's pairs { \"0\", \"1\" }", ["0", "1"]]
    ] as const
  )("shows a record of entries %s as the record, the null of an absent field in a value never", (_, names) => {
    const plan: PartialPlan = { _tag: "Record", value: noted, names: names as EntryNames }
    const [k, v] = names
    const text = JSON.stringify([{ [k]: "a", [v]: { n: 1, note: null } }, { [k]: "b", [v]: { n: 2, note: "x" } }])
    const { parser, partials } = feedEachCharacter(plan, text)
    const final = { a: { n: 1 }, b: { n: 2, note: "x" } }
    expect(parser.snapshot()).toStrictEqual(final)
    expect(partials).toContainEqual({ a: { n: 1 } })
    for (const partial of partials) {
      expect(Array.isArray(partial)).toBe(false)
      if (!consistent(partial, final)) throw new Error(`${JSON.stringify(partial)} is not consistent with the record`)
    }
    expect(shapeInPlace(JSON.parse(text), plan)).toStrictEqual(final)
  })

  // effect/ai 4's strict form of a tuple: element i under "i", the rest under "__rest__", elements after
  // the rest under "__tail_i__".
  it.each(
    [
      [
        "a NonEmptyArray ({ \"0\", __rest__ })",
        { _tag: "Tuple", elements: [noted], rest: true, restItem: noted, tails: [] },
        { "0": { n: 1, note: null }, __rest__: [{ n: 2, note: "x" }, { n: 3, note: null }] },
        [{ n: 1 }, { n: 2, note: "x" }, { n: 3 }]
      ],
      [
        "a NonEmptyArray of one element",
        { _tag: "Tuple", elements: [noted], rest: true, restItem: noted, tails: [] },
        { "0": { n: 1, note: null }, __rest__: [] },
        [{ n: 1 }]
      ],
      [
        "a pair [string, item] (no rest)",
        { _tag: "Tuple", elements: [undefined, noted], rest: false, restItem: undefined, tails: [] },
        { "0": "a", "1": { n: 1, note: null } },
        ["a", { n: 1 }]
      ],
      [
        "[string, ...item[], string] (a tail after the rest)",
        { _tag: "Tuple", elements: [undefined], rest: true, restItem: noted, tails: [undefined] },
        { "0": "first", __rest__: [{ n: 1, note: null }], __tail_0__: "last" },
        ["first", { n: 1 }, "last"]
      ]
    ] as const
  )("shows %s as the array it stands for, every partial value an array", (_, tuple, wire, final) => {
    const plan = tuple as PartialPlan
    const text = JSON.stringify(wire)
    const { parser, partials } = feedEachCharacter(plan, text)
    expect(parser.snapshot()).toStrictEqual(final)
    expect(partials).toContainEqual([final[0]])
    for (const partial of partials) {
      if (partial === undefined) continue
      expect(Array.isArray(partial)).toBe(true)
      if (!consistent(partial, final)) throw new Error(`${JSON.stringify(partial)} is not consistent with the tuple`)
    }
    expect(shapeInPlace(JSON.parse(text), plan)).toStrictEqual(final)
  })

  it("shows a tuple inside an object and inside a record's value as arrays", () => {
    const tuple: PartialPlan = { _tag: "Tuple", elements: [undefined], rest: true, restItem: undefined, tails: [] }
    const plan: PartialPlan = {
      _tag: "Object",
      fields: new Map([["tags", { nullMeansAbsent: false, plan: tuple }], ["by", {
        nullMeansAbsent: false,
        plan: { _tag: "Record", value: tuple, names: ["0", "1"] }
      }]]),
      tags: new Map()
    }
    const text = JSON.stringify({
      tags: { "0": "a", __rest__: ["b"] },
      by: [{ "0": "k", "1": { "0": "x", __rest__: [] } }]
    })
    const parser = makePartialJsonParser(plan)
    expect(parser.push(text) && parser.end()).toBe(true)
    const final = { tags: ["a", "b"], by: { k: ["x"] } }
    expect(parser.snapshot()).toStrictEqual(final)
    expect(shapeInPlace(JSON.parse(text), plan)).toStrictEqual(final)
  })

  it("says an unfinished document is not complete", () => {
    const parser = makePartialJsonParser()
    parser.push("{\"a\": [1")
    expect(parser.end()).toBe(false)
  })
})
