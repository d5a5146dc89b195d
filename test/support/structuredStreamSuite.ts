/**
 * The bodies of the in-process structured tests, shared by both editions (`test/structuredStream.test.ts`,
 * `effect4/test/structuredStream.test.ts`): the partial values of `Structured.stream`, consistent with
 * the final value for any value of a Schema split anywhere, never half a surrogate pair, a record shown
 * as an object and a wrapped root unwrapped; the `Testing` structured answers; the emulator answering a
 * json_schema request. Effect-free: each edition passes its `StructuredStreamEdition` (its calls through
 * `Testing.layerWithConfig(script, { retry: false })`, the test's schemas built with its `Schema`, and
 * values of `Order` drawn with its own fast-check).
 */
import { Ajv } from "ajv"
import type { Drained, Outcome, Response } from "./calls.js"
import type { StructuredReplies } from "./structuredSuite.js"
import type { Replies, Script, Vitest } from "./suite.js"

/** A value of the edition's, read loosely (the assertions check its fields). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- events and results of either edition, read loosely
type Loose = any

/** What the in-process structured bodies take from an edition (`R`: its `Testing.Reply`). */
export interface StructuredStreamEdition<R> extends Vitest {
  readonly edition: "effect3" | "effect4"
  readonly testing: Replies<R> & StructuredReplies<R>
  /** `Structured.stream(schema, request)` run to its end through `Testing.layerWithConfig(script, { retry: false })`. */
  readonly stream: (schema: unknown, request: unknown, script: Script<R>) => Promise<Drained>
  /** `Structured.send(schema, request)` likewise. */
  readonly send: (schema: unknown, request: unknown, script: Script<R>) => Promise<Outcome<Loose>>
  /** `Chat.send(request)` likewise. */
  readonly chat: (request: unknown, script: Script<R>) => Promise<Outcome<Response>>
  /** The test's schemas, built with the edition's `Schema`. */
  readonly schemas: {
    /**
     * `{ id: String, note?: String, status: "open" | "shipped", lines: Array<{ sku: String, quantity:
     * Int, gift?: Boolean, tags: Record<String, String> }>, total: Finite }`.
     */
    readonly Order: unknown
    /** `Array<Record<String, Number>>`. */
    readonly Records: unknown
    /** `Array<{ a: Number, b?: String }>`. */
    readonly OptionalInArray: unknown
    /** `{ text: String }`. */
    readonly Text: unknown
    /** `{ a?: String, m: Record<String, Int> }`. */
    readonly OptionalAndRecord: unknown
    /** `{ n: Int }`. */
    readonly Int: unknown
    /** `{ tags: NonEmptyArray<String>, items: NonEmptyArray<{ a: Number, b?: String }> }`. */
    readonly NonEmpty: unknown
    /** `{ a: String }`. */
    readonly A: unknown
    /** `{ data: Unknown }`, which strict mode cannot express. */
    readonly Unexpressible: unknown
    /** The schemas of `emulated`, by name. */
    readonly emulated: Readonly<Record<Emulated, unknown>>
    /** The schemas of `answered`, by name. */
    readonly answered: Readonly<Record<Answered, unknown>>
  }
  /**
   * Runs `body` on `numRuns` values of `Order` (none with a field that is `undefined`, no `-0`, no
   * "__proto__" key: they do not survive the trip through JSON) and piece sizes from 1 to 12.
   */
  readonly forAllOrders: (body: (order: unknown, pieceSize: number) => Promise<void>, numRuns: number) => Promise<void>
}

const request = { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Go" }] }

/**
 * The schemas a json_schema request names to the emulator (`Testing.emulator`), and the editions whose
 * answer decodes: both, since each edition's JSON Schema states the bounds of a `between` check and a
 * `Schema.Date`'s `format: "date-time"`, which the emulator's value then satisfies.
 */
const emulated = {
  "an object with optional fields": ["effect3", "effect4"],
  "nested arrays and unions": ["effect3", "effect4"],
  "a recursive schema": ["effect3", "effect4"],
  "records, dates and a wrapped root": ["effect3", "effect4"]
} as const

type Emulated = keyof typeof emulated

/**
 * What `Testing.jsonAnswer` sends for `{ m: { x: 1 } }` of `{ a?: String, m: Record<String, Int> }`:
 * the strict form `Structured` asks for (the absent optional field `null`, the record as the list its
 * JSON Schema asks for: Effect 3's entries `{ key, value }`, effect/ai 4's pairs `{ "0": key, "1": value }`).
 */
const jsonAnswerForm = {
  effect3: "{\"a\":null,\"m\":[{\"key\":\"x\",\"value\":1}]}",
  effect4: "{\"a\":null,\"m\":[{\"0\":\"x\",\"1\":1}]}"
} as const

/**
 * The values `Testing.jsonAnswer` sends (in the strict form, so that the answer is one the request's
 * JSON Schema admits) and `Structured.send` decodes back, with their schemas' shape.
 */
const answered = {
  // `{ a: String, b?: String }`
  "an absent optional field (null on the wire)": { a: "x" },
  // `{ m: Record<String, Int> }`
  "a record": { m: { x: 1, y: 2 } },
  // `{ at: Date }`
  "a Date": { at: new Date("2026-12-07T10:00:00.000Z") },
  // `{ shape: { kind: "circle", r: Number, label?: String } | { kind: "square", side: Number } }`
  "a union": { shape: { kind: "circle", r: 1.5 } },
  // `Array<{ n: Int, note?: String }>`, wrapped as `{ value }`
  "a root that is not an object": [{ n: 1 }, { n: 2, note: "b" }]
} as const

type Answered = keyof typeof answered

const ajv = new Ajv({ strict: false, allErrors: true, formats: { "date-time": true } })

/** See test/partialJson.test.ts: a string is a prefix, containers hold some of the final parts. */
const consistent = (partial: unknown, final: unknown): boolean => {
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
  return Object.is(partial, final)
}

/** The events of a stream that must have ended without an error. */
const completed = ({ chunks, error }: Drained): ReadonlyArray<Loose> => {
  if (error !== undefined) throw new Error(`expected the stream to end, got ${error._tag}: ${error.message}`)
  return chunks
}

const partialsOf = (events: ReadonlyArray<Loose>): Array<Loose> =>
  events.flatMap((e) => e._tag === "Partial" ? [e.value] : [])

export const structuredStreamSuite = <R>(self: StructuredStreamEdition<R>) => {
  const { describe, expect, it, schemas, testing: Testing } = self
  const collect = async (schema: unknown, script: Script<R>) => completed(await self.stream(schema, request, script))

  describe("Structured.stream", () => {
    it("shows partial values consistent with the final value, for any value of the Schema split anywhere", () =>
      self.forAllOrders(async (order, pieceSize) => {
        const events = await collect(
          schemas.Order,
          Testing.jsonAnswer(schemas.Order, order, { stream: true, pieceSize })
        )
        const final = events[events.length - 1]
        if (final?._tag !== "Final") throw new Error("no final event")
        expect(final.value).toStrictEqual(order)
        for (const event of events.slice(0, -1)) {
          if (event._tag !== "Partial") throw new Error("a second final event")
          if (!consistent(event.value, order)) {
            throw new Error(`partial ${JSON.stringify(event.value)} is not consistent with ${JSON.stringify(order)}`)
          }
        }
      }, 30))

    it("shows a record as an object while its entries arrive, and a wrapped root unwrapped", async () => {
      const events = await collect(
        schemas.Records,
        Testing.jsonAnswer(schemas.Records, [{ a: 1, b: 2 }], { stream: true, pieceSize: 1 })
      )
      const partials = partialsOf(events)
      expect(partials).toContainEqual([{ a: 1 }])
      expect(partials[partials.length - 1]).toStrictEqual([{ a: 1, b: 2 }])
    })

    it("shows a wrapped root unwrapped, and the null of an absent optional field never", async () => {
      // The strict form, as a model following the JSON Schema sends it: wrapped, the absent field null.
      const content = JSON.stringify({ value: [{ a: 1, b: null }, { a: 2, b: "x" }] })
      const events = await collect(schemas.OptionalInArray, Testing.stream({ deltas: content.match(/[\s\S]{1,2}/g)! }))
      const partials = partialsOf(events)
      expect(partials).toContainEqual([{ a: 1 }])
      for (const partial of partials) expect(Array.isArray(partial)).toBe(true)
      expect(JSON.stringify(partials)).not.toContain("null")
      expect(events.at(-1)).toMatchObject({ _tag: "Final", value: [{ a: 1 }, { a: 2, b: "x" }] })
    })

    it("shows a NonEmptyArray as an array while it arrives (effect/ai 4 sends it as { \"0\", __rest__ })", async () => {
      const value = { tags: ["a", "b"], items: [{ a: 1 }, { a: 2, b: "x" }] }
      const events = await collect(
        schemas.NonEmpty,
        Testing.jsonAnswer(schemas.NonEmpty, value, { stream: true, pieceSize: 1 })
      )
      const partials = partialsOf(events) as ReadonlyArray<Record<string, unknown>>
      expect(partials).toContainEqual({ tags: ["a"] })
      expect(partials).toContainEqual({ tags: ["a", "b"], items: [{ a: 1 }] })
      for (const partial of partials) {
        for (const key of ["tags", "items"]) {
          if (key in partial) expect([key, Array.isArray(partial[key])]).toEqual([key, true])
        }
      }
      expect(JSON.stringify(partials)).not.toContain("null")
      expect(events.at(-1)).toMatchObject({ _tag: "Final", value })
    })

    it("never shows half of a surrogate pair whose escaped halves arrive in different pieces", async () => {
      const events = await collect(
        schemas.Text,
        Testing.stream({ deltas: ["{\"text\":\"ok \\ud83d", "\\ude00 done\"}"] })
      )
      const texts = partialsOf(events).map((value: { text?: string }) => value.text ?? "")
      for (const text of texts) {
        const last = text.charCodeAt(text.length - 1)
        expect(last >= 0xd800 && last <= 0xdbff).toBe(false)
      }
      expect(texts).toContain("ok ")
      expect(events.at(-1)).toMatchObject({ _tag: "Final", value: { text: "ok \u{1F600} done" } })
    })
  })

  describe("Testing structured answers", () => {
    it("jsonAnswer answers with the value in the strict form, which Structured.send decodes back", async () => {
      const schema = schemas.OptionalAndRecord
      const outcome = await self.send(schema, request, Testing.jsonAnswer(schema, { m: { x: 1 } }))
      if (!outcome.ok) throw new Error(`got ${outcome.error._tag}`)
      expect(outcome.value.value).toStrictEqual({ m: { x: 1 } })
      expect(outcome.value.response.choices[0]?.message?.content).toBe(jsonAnswerForm[self.edition])
    })

    for (const [label, value] of Object.entries(answered) as Array<[Answered, unknown]>) {
      it(`jsonAnswer sends ${label} as the request's JSON Schema asks, and Structured.send decodes it back`, async () => {
        const schema = schemas.answered[label]
        let asked: Loose
        const outcome = await self.send(schema, request, (sent) => {
          asked = sent.body
          return Testing.jsonAnswer(schema, value)
        })
        if (!outcome.ok) throw new Error(`got ${outcome.error._tag}`)
        expect(outcome.value.value).toStrictEqual(value)
        const content = JSON.parse(outcome.value.response.choices[0]?.message?.content)
        const validate = ajv.compile(asked.response_format.json_schema.schema)
        expect([validate(content), validate.errors ?? []]).toEqual([true, []])
        if (label === "an absent optional field (null on the wire)") expect(content).toStrictEqual({ a: "x", b: null })
      })
    }

    it("jsonAnswer with a value that does not encode answers with the emulator's 500 naming the problem", async () => {
      const outcome = await self.send(schemas.Int, request, Testing.jsonAnswer(schemas.Int, { n: 1.5 }))
      if (outcome.ok) throw new Error("expected a failure")
      expect(outcome.error._tag).toBe("InternalServerResponseError")
      expect(outcome.error.message).toMatch(/^Testing.jsonAnswer: the value does not encode with the Schema/)
    })

    it("jsonAnswer with a Schema strict mode cannot express answers with the emulator's 500 naming the problem", async () => {
      const outcome = await self.chat(request, Testing.jsonAnswer(schemas.Unexpressible, { data: 1 }))
      if (outcome.ok) throw new Error("expected a failure")
      expect(outcome.error._tag).toBe("InternalServerResponseError")
      expect(outcome.error.message).toMatch(
        /^Testing.jsonAnswer: The Schema cannot be used as a strict-mode JSON Schema/
      )
    })

    it("each answer streams when asked to, ending with the same outcome as the completion", async () => {
      const answers: ReadonlyArray<readonly [string, (stream: boolean) => R]> = [
        ["OutputNotJsonError", (stream) => Testing.notJsonAnswer(undefined, { stream })],
        ["OutputDecodeError", (stream) => Testing.mismatchedAnswer({ a: 1 }, { stream })],
        ["RefusalError", (stream) => Testing.refusalAnswer(undefined, { stream })],
        ["OutputTruncatedError", (stream) => Testing.lengthCutAnswer(undefined, { stream })]
      ]
      for (const [tag, reply] of answers) {
        const sent = await self.send(schemas.A, request, reply(false))
        const streamed = await self.stream(schemas.A, request, reply(true))
        expect([sent.ok ? "a success" : sent.error._tag, streamed.error?._tag]).toEqual([tag, tag])
      }
    })
  })

  describe("the emulator (Testing.emulator) and a json_schema request", () => {
    for (const [name, editions] of Object.entries(emulated) as Array<[Emulated, ReadonlyArray<string>]>) {
      if (!editions.includes(self.edition)) continue
      const schema = schemas.emulated[name]
      it(`answers ${name} with a value that decodes`, async () => {
        const sent = await self.send(schema, request, Testing.emulator)
        if (!sent.ok) throw new Error(`got ${sent.error._tag}`)
        const streamed = await collect(schema, Testing.emulator)
        const last = streamed.at(-1)
        expect(last?._tag === "Final" && last.value).toStrictEqual(sent.value.value)
      })
    }

    it("still answers a plain request with its usual text", async () => {
      const response = await self.chat(request, Testing.emulator)
      if (!response.ok) throw new Error(`got ${response.error._tag}`)
      expect(response.value.choices[0]?.message?.content).toMatch(
        /^This answer comes from the local OpenRouter emulator/
      )
    })
  })
}
