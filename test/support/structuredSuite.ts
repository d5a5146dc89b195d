/**
 * The bodies of the structured-output tests, shared by both editions (`test/structured.test.ts`,
 * `effect4/test/structured.test.ts`): over a real socket, `Structured.send` and `Structured.stream`
 * (the response_format sent, the answer decoded, each structured error with what it carries, the
 * re-asks, the requests refused before anything is sent, the partial values of a stream); and
 * `Structured.responseFormat` and `Structured.decode`. Effect-free: each edition passes its `Wired` and
 * its `StructuredEdition` (the calls over each HttpClient, `responseFormat` and `decode` folded, its
 * `Testing` structured answers, the test's schemas built with its `Schema`).
 */
import { inspect } from "node:util"
import type * as Types from "../../src/internal/emulator/types.js"
import { type Drained, failure, type Outcome, success } from "./calls.js"
import { SECRET } from "./secret.js"
import { type Duration, serving, type Wired } from "./suite.js"

/** A value of the edition's, read loosely (the assertions check its fields). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- results and errors of either edition, read loosely
type Loose = any

/** The options of a structured answer. */
type AnswerOptions = Types.AnswerOptions<Duration>

/** An edition's `Testing` structured answers (`R`: its `Testing.Reply`). */
export interface StructuredReplies<R> {
  jsonAnswer(schema: unknown, value: unknown, options?: AnswerOptions): R
  notJsonAnswer(text?: string, options?: AnswerOptions): R
  mismatchedAnswer(json: unknown, options?: AnswerOptions): R
  refusalAnswer(refusal?: string, options?: AnswerOptions): R
  lengthCutAnswer(text?: string, options?: AnswerOptions): R
}

/**
 * `Structured.send` and `Structured.stream` (run to its end: its events, and the error it ended with)
 * over one HttpClient, with the test key, the given base URL and retries off; `options` are the call's
 * (`Structured.Options`), passed as they are.
 */
export interface StructuredCalls {
  readonly send: (
    baseUrl: string,
    schema: unknown,
    request: unknown,
    options?: Readonly<Record<string, unknown>>
  ) => Promise<Outcome<Loose>>
  readonly stream: (
    baseUrl: string,
    schema: unknown,
    request: unknown,
    options?: Readonly<Record<string, unknown>>
  ) => Promise<Drained>
}

/** What the structured bodies take from an edition besides its `Wired` (`R`: its `Testing.Reply`). */
export interface StructuredEdition<R> {
  readonly clients: ReadonlyArray<readonly [string, StructuredCalls]>
  /** `Structured.responseFormat(schema, options)`, its `Either` / `Result` folded. */
  readonly responseFormat: (schema: unknown, options?: Readonly<Record<string, unknown>>) => Outcome<unknown>
  /** `Structured.decode(schema, response)` run. */
  readonly decode: (schema: unknown, response: unknown) => Promise<Outcome<unknown>>
  readonly answers: StructuredReplies<R>
  /** The test's schemas, built with the edition's `Schema`. */
  readonly schemas: {
    /**
     * `{ city: String, temperature_c: Number, conditions?: String, hourly: Array<{ hour: Int, rain_mm:
     * Number }> }`, identified as "Weather", described as "The weather in a city".
     */
    readonly Weather: unknown
    /** `{ data: Unknown }`, which strict mode cannot express. */
    readonly Unexpressible: unknown
    /** `Array<String>`, a root that is not an object. */
    readonly Tags: unknown
    /**
     * `Tree = { name: String, children: Array<Tree> }`, a `Schema.suspend` identified as "Tree": a recursive
     * root, whose JSON Schema is a `$ref` into `$defs`.
     */
    readonly Tree: unknown
    /** A struct with a field strict mode cannot express (each edition its own case of that). */
    readonly Unformattable: unknown
    /**
     * `{ kind: "x", a?: Int } | { kind: "y", a?: NullOr<String> }` (`a?`: the edition's exact optional
     * field).
     */
    readonly Tagged: unknown
    /** `{ a?: String }` for each kind of optional field `decodedNull` names. */
    readonly optional: Readonly<Partial<Record<OptionalKind, unknown>>>
  }
}

/**
 * What a `null` for an absent optional field decodes to, by kind of optional field. Effect 3 has one
 * (`Schema.optional`: the field absent); Effect 4 two (`Schema.optionalKey` is the exact optional
 * field: absent; `Schema.optional`'s type admits `undefined`, and the `null` decodes to that).
 */
type OptionalKind = "exact" | "admitsUndefined"
const decodedNull: Record<"effect3" | "effect4", ReadonlyArray<readonly [OptionalKind, unknown]>> = {
  effect3: [["exact", {}]],
  effect4: [["exact", {}], ["admitsUndefined", { a: undefined }]]
}

const request = {
  model: "openai/gpt-4o-mini",
  messages: [{ role: "user", content: "The weather in Paris?" }]
}

const paris = {
  city: "Paris",
  temperature_c: 18.5,
  hourly: [{ hour: 9, rain_mm: 0.2 }, { hour: 10, rain_mm: 0 }]
}

/**
 * Where the editions deliberately differ: the JSON Schema of an `Int` (Effect 3's carries its
 * description), and how the re-ask names a mismatch (Effect 3 shows the value it got).
 */
const differences = {
  effect3: {
    integer: { type: "integer", description: "an integer" },
    mismatch: /does not match the schema \(city: Expected string, actual 1/
  },
  effect4: {
    integer: { type: "integer" },
    mismatch: /does not match the schema \(city: Expected string/
  }
} as const

interface Sent {
  readonly body: unknown
}

/** The body of a recorded request, read loosely. */
const bodyOf = (sent: Sent | undefined): Loose => sent?.body

export const structuredSuite = <R>(
  { describe, edition, expect, it, listen, testing }: Wired<R>,
  { answers, clients, decode, responseFormat, schemas }: StructuredEdition<R>
) => {
  const { Tags, Unexpressible, Weather } = schemas
  const Testing = { ...testing, ...answers }
  const differ = differences[edition]

  const expectNoSecret = (value: unknown) => {
    expect(JSON.stringify(value)).not.toContain(SECRET)
    expect(inspect(value, { depth: 20 })).not.toContain(SECRET)
  }

  /** The failure of a call, which must have the given tag. */
  const failed = (outcome: Outcome<unknown>, tag: string): Loose => {
    const error = failure(outcome)
    if (error._tag !== tag) throw new Error(`got ${error._tag}`)
    return error
  }

  for (const [name, calls] of clients) {
    describe(`Structured.send over ${name}`, () => {
      it("sends response_format with the strict JSON Schema and decodes the answer to the Schema's type", () =>
        serving(listen, Testing.jsonAnswer(Weather, paris, { provider: "Azure", id: "gen-w-1" }), async (server) => {
          const result = success(await calls.send(server.url, Weather, request))
          expect(result.value).toStrictEqual(paris)
          expect("conditions" in result.value).toBe(false)
          expect(result.attempts).toBe(1)
          expect(result.response.id).toBe("gen-w-1")
          expect(result.response.provider).toBe("Azure")
          expect(result.response.usage?.total_tokens).toBeGreaterThan(0)
          const [sent] = server.requests()
          expect(bodyOf(sent).response_format).toEqual({
            type: "json_schema",
            json_schema: {
              name: "Weather",
              description: "The weather in a city",
              strict: true,
              schema: {
                type: "object",
                description: "The weather in a city",
                properties: {
                  city: { type: "string" },
                  temperature_c: { type: "number" },
                  conditions: { anyOf: [{ type: "string" }, { type: "null" }] },
                  hourly: {
                    type: "array",
                    items: {
                      type: "object",
                      properties: { hour: differ.integer, rain_mm: { type: "number" } },
                      required: ["hour", "rain_mm"],
                      additionalProperties: false
                    }
                  }
                },
                required: ["city", "temperature_c", "conditions", "hourly"],
                additionalProperties: false
              }
            }
          })
          expect(bodyOf(sent).messages).toEqual(request.messages)
        }))

      it("fails with OutputNotJsonError carrying the raw text and the parser's message", () =>
        serving(listen, Testing.notJsonAnswer("Here you go: {\"city\": \"Paris\""), async (server) => {
          const error = failed(await calls.send(server.url, Weather, request), "OutputNotJsonError")
          expect(error.text).toBe("Here you go: {\"city\": \"Paris\"")
          expect(error.issue).toMatch(/JSON/)
          expect(error.message).toMatch(/^The answer is not JSON: /)
          expect(error.response.choices[0]?.message?.content).toBe(error.text)
          expect(error.generationId).toBe(error.response.id)
          expect(error.attempts).toBe(1)
          expectNoSecret(error)
        }))

      it("fails with OutputDecodeError carrying the raw text and the Schema's issues with paths", () =>
        serving(
          listen,
          Testing.mismatchedAnswer({ city: "Paris", temperature_c: "warm", conditions: null, hourly: [{ hour: 1.5 }] }),
          async (server) => {
            const error = failed(await calls.send(server.url, Weather, request), "OutputDecodeError")
            expect(JSON.parse(error.text)).toMatchObject({ temperature_c: "warm" })
            expect(error.issues.map((i: { readonly path: string }) => i.path)).toEqual(
              expect.arrayContaining(["temperature_c", "hourly.0.hour", "hourly.0.rain_mm"])
            )
            expect(error.message).toMatch(/^The answer does not match the Schema: /)
          }
        ))

      it("fails with RefusalError carrying the model's refusal", () =>
        serving(listen, Testing.refusalAnswer("I can't share weather data."), async (server) => {
          const error = failed(await calls.send(server.url, Weather, request), "RefusalError")
          expect(error.refusal).toBe("I can't share weather data.")
        }))

      it("fails with OutputTruncatedError when the answer was cut by finish_reason length", () =>
        serving(listen, Testing.lengthCutAnswer("{\"city\": \"Par"), async (server) => {
          const error = failed(await calls.send(server.url, Weather, request), "OutputTruncatedError")
          expect(error.text).toBe("{\"city\": \"Par")
          expect(error.finishReason).toBe("length")
        }))

      it("fails with EmptyOutputError when the answer has no content", () =>
        serving(listen, Testing.completion({ content: null, finishReason: "content_filter" }), async (server) => {
          const error = failed(await calls.send(server.url, Weather, request), "EmptyOutputError")
          expect(error.finishReason).toBe("content_filter")
        }))

      it("keeps Chat.send's errors: a 429 is a TooManyRequestsResponseError", () =>
        serving(listen, Testing.error(429), async (server) => {
          expect(failure(await calls.send(server.url, Weather, request))._tag).toBe("TooManyRequestsResponseError")
        }))

      it("turns on the response-healing plugin with healing: true, keeping the request's plugins", () =>
        serving(listen, Testing.jsonAnswer(Weather, paris), async (server) => {
          success(await calls.send(server.url, Weather, { ...request, plugins: [{ id: "web" }] }, { healing: true }))
          const [sent] = server.requests()
          expect(bodyOf(sent).plugins).toEqual([{ id: "web" }, { id: "response-healing" }])
        }))

      it("re-asks after an answer that does not decode, sending back the answer and what was wrong", () =>
        serving(
          listen,
          [Testing.mismatchedAnswer({ city: 1 }), Testing.notJsonAnswer("oops"), Testing.jsonAnswer(Weather, paris)],
          async (server) => {
            const result = success(await calls.send(server.url, Weather, request, { retries: 2 }))
            expect(result.value).toStrictEqual(paris)
            expect(result.attempts).toBe(3)
            const sent = server.requests()
            expect(sent).toHaveLength(3)
            const messages: ReadonlyArray<{ role: string; content: string }> = bodyOf(sent[2]).messages
            expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user"])
            expect(messages[1]?.content).toBe("{\"city\":1}")
            expect(messages[2]?.content).toMatch(differ.mismatch)
            expect(messages[3]?.content).toBe("oops")
            expect(messages[4]?.content).toMatch(/not valid JSON/)
          }
        ))

      it("gives up after the re-asks with the last answer's error", () =>
        serving(listen, Testing.notJsonAnswer(), async (server) => {
          const error = failure(await calls.send(server.url, Weather, request, { retries: 1 }))
          expect(error._tag).toBe("OutputNotJsonError")
          expect(error.attempts).toBe(2)
          expect(server.requests()).toHaveLength(2)
        }))

      it("does not re-ask after a refusal", () =>
        serving(listen, Testing.refusalAnswer(), async (server) => {
          const error = failure(await calls.send(server.url, Weather, request, { retries: 3 }))
          expect(error._tag).toBe("RefusalError")
          expect(server.requests()).toHaveLength(1)
        }))

      it("fails with InvalidRequestError and sends nothing for a Schema strict mode cannot express", () =>
        serving(listen, Testing.jsonAnswer(Weather, paris), async (server) => {
          const error = failed(await calls.send(server.url, Unexpressible, request), "InvalidRequestError")
          expect(error.issues[0]?.path).toBe("schema.data")
          expect(server.requests()).toHaveLength(0)
        }))

      it("fails with InvalidRequestError for a request that sets its own response_format", () =>
        serving(listen, Testing.jsonAnswer(Weather, paris), async (server) => {
          const error = failure(
            await calls.send(server.url, Weather, { ...request, response_format: { type: "json_object" } })
          )
          expect(error._tag).toBe("InvalidRequestError")
          expect(server.requests()).toHaveLength(0)
        }))

      it("fails with InvalidRequestError for a request that is not an object, or bad options", () =>
        serving(listen, Testing.jsonAnswer(Weather, paris), async (server) => {
          const notObject = failure(await calls.send(server.url, Weather, null))
          const badRetries = failure(await calls.send(server.url, Weather, request, { retries: -1 }))
          const badName = failure(await calls.send(server.url, Weather, request, { name: "not a name!" }))
          expect([notObject._tag, badRetries._tag, badName._tag]).toEqual([
            "InvalidRequestError",
            "InvalidRequestError",
            "InvalidRequestError"
          ])
          expect(server.requests()).toHaveLength(0)
        }))

      // Strict mode takes only an object schema at the root: an array, or a recursive root (a `$ref`,
      // which stays one as `value`'s), is asked for strictly wrapped as `{ value }`.
      for (
        const [label, schema, value, valueSchema] of [
          ["a root that is not an object", Tags, ["a", "b"], { type: "array" }],
          ["a recursive root (Schema.suspend)", schemas.Tree, { name: "a", children: [{ name: "b", children: [] }] }, {
            $ref: "#/$defs/Tree"
          }]
        ] as const
      ) {
        it(`decodes ${label}, sent strict and wrapped as { value }`, () =>
          serving(listen, Testing.jsonAnswer(schema, value), async (server) => {
            const result = success(await calls.send(server.url, schema, request, { name: "answer" }))
            expect(result.value).toStrictEqual(value)
            const [sent] = server.requests()
            const { name, schema: asked, strict } = bodyOf(sent).response_format.json_schema
            expect(name).toBe("answer")
            expect(strict).toBe(true)
            expect(asked).toMatchObject({ type: "object", required: ["value"], properties: { value: valueSchema } })
          }))
      }
    })

    describe(`Structured.stream over ${name}`, () => {
      const partialsOf = (events: ReadonlyArray<Loose>) =>
        events.filter((e) => e._tag === "Partial").map((e) => e.value)

      /** The events of a stream that must have ended without an error. */
      const completed = ({ chunks, error }: Drained): ReadonlyArray<Loose> => {
        if (error !== undefined) throw new Error(`expected the stream to end, got ${error._tag}: ${error.message}`)
        return chunks
      }

      it("emits partial values as the JSON arrives, then the decoded value with the response", () =>
        serving(listen, Testing.jsonAnswer(Weather, paris, { stream: true, pieceSize: 5 }), async (server) => {
          const events = completed(await calls.stream(server.url, Weather, request))
          const last = events[events.length - 1]
          if (last?._tag !== "Final") throw new Error("no final event")
          expect(last.value).toStrictEqual(paris)
          expect(last.response.usage?.total_tokens).toBeGreaterThan(0)
          const partials = partialsOf(events)
          expect(partials.length).toBeGreaterThan(5)
          expect(partials).toContainEqual({ city: "P" })
          // Each partial value differs from the one before.
          partials.slice(1).forEach((p, i) => expect(p).not.toStrictEqual(partials[i]))
          expect(partials).toContainEqual({ city: "Paris", temperature_c: 18.5, hourly: [{ hour: 9 }] })
          // The null of an absent optional field is never shown.
          for (const partial of partials) expect(partial).not.toHaveProperty("conditions")
          expect(partials[partials.length - 1]).toStrictEqual(paris)
        }))

      it("fails after the partial values with OutputNotJsonError when the content is not JSON", () =>
        serving(listen, Testing.notJsonAnswer("{\"city\": \"Paris\"} and more", { stream: true }), async (server) => {
          const { chunks: events, error } = await calls.stream(server.url, Weather, request)
          expect(error?._tag).toBe("OutputNotJsonError")
          expect(events).toContainEqual({ _tag: "Partial", value: { city: "Paris" } })
        }))

      it("fails with OutputDecodeError when the streamed JSON does not decode", () =>
        serving(listen, Testing.mismatchedAnswer({ city: 1 }, { stream: true }), async (server) => {
          expect((await calls.stream(server.url, Weather, request)).error?._tag).toBe("OutputDecodeError")
        }))

      it("fails with RefusalError for a streamed refusal", () =>
        serving(listen, Testing.refusalAnswer("No.", { stream: true }), async (server) => {
          const { error } = await calls.stream(server.url, Weather, request)
          if (error?._tag !== "RefusalError") throw new Error(`got ${error?._tag}`)
          expect(error.refusal).toBe("No.")
        }))

      it("fails with OutputTruncatedError when the stream ends with finish_reason length", () =>
        serving(listen, Testing.lengthCutAnswer(undefined, { stream: true }), async (server) => {
          expect((await calls.stream(server.url, Weather, request)).error?._tag).toBe("OutputTruncatedError")
        }))

      it("fails with EmptyOutputError when the stream brings no content", () =>
        serving(listen, Testing.stream({ deltas: [], finishReason: "content_filter" }), async (server) => {
          const { error } = await calls.stream(server.url, Weather, request)
          if (error?._tag !== "EmptyOutputError") throw new Error(`got ${error?._tag}`)
          expect(error.finishReason).toBe("content_filter")
        }))

      it("keeps Chat.stream's errors: a mid-stream error is a MidStreamError", () =>
        serving(listen, Testing.midStreamError({ deltas: ["{\"city\": \"Pa"], after: 1 }), async (server) => {
          expect((await calls.stream(server.url, Weather, request)).error?._tag).toBe("MidStreamError")
        }))

      it("re-asks after an answer that does not decode, and the partial values start again", () =>
        serving(listen, [
          Testing.mismatchedAnswer({ city: 1 }, { stream: true }),
          Testing.jsonAnswer(Weather, paris, { stream: true })
        ], async (server) => {
          const events = completed(await calls.stream(server.url, Weather, request, { retries: 1 }))
          const last = events[events.length - 1]
          if (last?._tag !== "Final") throw new Error("no final event")
          expect(last.value).toStrictEqual(paris)
          expect(last.attempts).toBe(2)
          expect(partialsOf(events)).toContainEqual({ city: 1 })
          expect(server.requests()).toHaveLength(2)
        }))
    })
  }
  describe("Structured.responseFormat and Structured.decode", () => {
    it("gives the response_format for a Schema, with name and description overridable", async () => {
      expect(success(responseFormat(Weather, { name: "w", description: "d" }))).toMatchObject({
        type: "json_schema",
        json_schema: { name: "w", description: "d", strict: true, schema: { type: "object" } }
      })
    })

    it("fails with InvalidRequestError for a Schema strict mode cannot express", async () => {
      expect(failure(responseFormat(schemas.Unformattable))._tag).toBe("InvalidRequestError")
    })

    it("decodes the union member the answer's tag names, a null kept where that member allows it", async () => {
      const answer = (content: string) => ({
        choices: [{ index: 0, finish_reason: "stop", message: { content } }]
      })
      expect(success(await decode(schemas.Tagged, answer("{\"value\":{\"kind\":\"y\",\"a\":null}}")))).toStrictEqual({
        kind: "y",
        a: null
      })
      expect(success(await decode(schemas.Tagged, answer("{\"value\":{\"kind\":\"x\",\"a\":null}}")))).toStrictEqual({
        kind: "x"
      })
    })

    it("decodes a response got with Chat.send the way Structured.send does", async () => {
      const response = { choices: [{ index: 0, finish_reason: "stop", message: { content: "{\"a\":null}" } }] }
      for (const [kind, expected] of decodedNull[edition]) {
        expect(success(await decode(schemas.optional[kind], response))).toStrictEqual(expected)
      }
    })
  })
}
