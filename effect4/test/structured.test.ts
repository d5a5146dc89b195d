/**
 * The Effect 4 edition's port of test/structured.test.ts: Structured.send, stream, decode and
 * responseFormat against the emulator over both HTTP clients.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { inspect } from "node:util"
import { type Chat, Structured, type StructuredError } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import { httpClients, SECRET, withServer } from "./support/harness.js"

const request: Chat.ChatRequest = {
  model: "openai/gpt-4o-mini",
  messages: [{ role: "user", content: "The weather in Paris?" }]
}

const Weather = Schema.Struct({
  city: Schema.String,
  temperature_c: Schema.Number,
  conditions: Schema.optional(Schema.String),
  hourly: Schema.Array(Schema.Struct({ hour: Schema.Int, rain_mm: Schema.Number }))
}).annotate({ identifier: "Weather", description: "The weather in a city" })

const paris: typeof Weather.Type = {
  city: "Paris",
  temperature_c: 18.5,
  hourly: [{ hour: 9, rain_mm: 0.2 }, { hour: 10, rain_mm: 0 }]
}

const expectNoSecret = (value: unknown) => {
  expect(JSON.stringify(value)).not.toContain(SECRET)
  expect(inspect(value, { depth: 20 })).not.toContain(SECRET)
}

describe.each(httpClients)("Structured.send over %s", (_name, http) => {
  it.live("sends response_format with the strict JSON Schema and decodes the answer to the Schema's type", () =>
    withServer(
      http,
      Testing.jsonAnswer(Weather, paris, { provider: "Azure", id: "gen-w-1" }),
      (server) =>
        Effect.gen(function*() {
          const result = yield* Structured.send(Weather, request)
          expect(result.value).toStrictEqual(paris)
          expect("conditions" in result.value).toBe(false)
          expect(result.attempts).toBe(1)
          expect(result.response.id).toBe("gen-w-1")
          expect(result.response.provider).toBe("Azure")
          expect(result.response.usage?.total_tokens).toBeGreaterThan(0)
          const [sent] = yield* server.requests
          expect((sent?.body as Record<string, unknown>).response_format).toEqual({
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
                      properties: { hour: { type: "integer" }, rain_mm: { type: "number" } },
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
          expect((sent?.body as Record<string, unknown>).messages).toEqual(request.messages)
        })
    ))

  it.live("fails with OutputNotJsonError carrying the raw text and the parser's message", () =>
    withServer(http, Testing.notJsonAnswer("Here you go: {\"city\": \"Paris\""), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Structured.send(Weather, request))
        if (error._tag !== "OutputNotJsonError") throw new Error(`got ${error._tag}`)
        expect(error.text).toBe("Here you go: {\"city\": \"Paris\"")
        expect(error.issue).toMatch(/JSON/)
        expect(error.message).toMatch(/^The answer is not JSON: /)
        expect(error.response.choices[0]?.message?.content).toBe(error.text)
        expect(error.generationId).toBe(error.response.id)
        expect(error.attempts).toBe(1)
        expectNoSecret(error)
      })))

  it.live("fails with OutputDecodeError carrying the raw text and the Schema's issues with paths", () =>
    withServer(
      http,
      Testing.mismatchedAnswer({ city: "Paris", temperature_c: "warm", conditions: null, hourly: [{ hour: 1.5 }] }),
      () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(Structured.send(Weather, request))
          if (error._tag !== "OutputDecodeError") throw new Error(`got ${error._tag}`)
          expect(JSON.parse(error.text)).toMatchObject({ temperature_c: "warm" })
          expect(error.issues.map((i) => i.path)).toEqual(
            expect.arrayContaining(["temperature_c", "hourly.0.hour", "hourly.0.rain_mm"])
          )
          expect(error.message).toMatch(/^The answer does not match the Schema: /)
        })
    ))

  it.live("fails with RefusalError carrying the model's refusal", () =>
    withServer(http, Testing.refusalAnswer("I can't share weather data."), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Structured.send(Weather, request))
        if (error._tag !== "RefusalError") throw new Error(`got ${error._tag}`)
        expect(error.refusal).toBe("I can't share weather data.")
      })))

  it.live("fails with OutputTruncatedError when the answer was cut by finish_reason length", () =>
    withServer(http, Testing.lengthCutAnswer("{\"city\": \"Par"), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Structured.send(Weather, request))
        if (error._tag !== "OutputTruncatedError") throw new Error(`got ${error._tag}`)
        expect(error.text).toBe("{\"city\": \"Par")
        expect(error.finishReason).toBe("length")
      })))

  it.live("fails with EmptyOutputError when the answer has no content", () =>
    withServer(
      http,
      Testing.completion({ content: null, finishReason: "content_filter" }),
      () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(Structured.send(Weather, request))
          if (error._tag !== "EmptyOutputError") throw new Error(`got ${error._tag}`)
          expect(error.finishReason).toBe("content_filter")
        })
    ))

  it.live("keeps Chat.send's errors: a 429 is a TooManyRequestsResponseError", () =>
    withServer(http, Testing.error(429), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Structured.send(Weather, request))
        expect(error._tag).toBe("TooManyRequestsResponseError")
      })))

  it.live("turns on the response-healing plugin with healing: true, keeping the request's plugins", () =>
    withServer(http, Testing.jsonAnswer(Weather, paris), (server) =>
      Effect.gen(function*() {
        yield* Structured.send(Weather, { ...request, plugins: [{ id: "web" }] }, { healing: true })
        const [sent] = yield* server.requests
        expect((sent?.body as Record<string, unknown>).plugins).toEqual([{ id: "web" }, { id: "response-healing" }])
      })))

  it.live("re-asks after an answer that does not decode, sending back the answer and what was wrong", () =>
    withServer(
      http,
      [Testing.mismatchedAnswer({ city: 1 }), Testing.notJsonAnswer("oops"), Testing.jsonAnswer(Weather, paris)],
      (server) =>
        Effect.gen(function*() {
          const result = yield* Structured.send(Weather, request, { retries: 2 })
          expect(result.value).toStrictEqual(paris)
          expect(result.attempts).toBe(3)
          const sent = yield* server.requests
          expect(sent).toHaveLength(3)
          const messages = (sent[2]?.body as { messages: ReadonlyArray<{ role: string; content: string }> }).messages
          expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user"])
          expect(messages[1]?.content).toBe("{\"city\":1}")
          expect(messages[2]?.content).toMatch(/does not match the schema \(city: Expected string/)
          expect(messages[3]?.content).toBe("oops")
          expect(messages[4]?.content).toMatch(/not valid JSON/)
        })
    ))

  it.live("gives up after the re-asks with the last answer's error", () =>
    withServer(http, Testing.notJsonAnswer(), (server) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Structured.send(Weather, request, { retries: 1 }))
        expect(error._tag).toBe("OutputNotJsonError")
        expect((error as StructuredError.OutputNotJsonError).attempts).toBe(2)
        expect(yield* server.requests).toHaveLength(2)
      })))

  it.live("does not re-ask after a refusal", () =>
    withServer(http, Testing.refusalAnswer(), (server) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Structured.send(Weather, request, { retries: 3 }))
        expect(error._tag).toBe("RefusalError")
        expect(yield* server.requests).toHaveLength(1)
      })))

  it.live("fails with InvalidRequestError and sends nothing for a Schema strict mode cannot express", () =>
    withServer(http, Testing.jsonAnswer(Weather, paris), (server) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Structured.send(Schema.Struct({ data: Schema.Unknown }), request))
        if (error._tag !== "InvalidRequestError") throw new Error(`got ${error._tag}`)
        expect(error.issues[0]?.path).toBe("schema.data")
        expect(yield* server.requests).toHaveLength(0)
      })))

  it.live("fails with InvalidRequestError for a request that sets its own response_format", () =>
    withServer(http, Testing.jsonAnswer(Weather, paris), (server) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(
          Structured.send(Weather, { ...request, response_format: { type: "json_object" } })
        )
        expect(error._tag).toBe("InvalidRequestError")
        expect(yield* server.requests).toHaveLength(0)
      })))

  it.live("fails with InvalidRequestError for a request that is not an object, or bad options", () =>
    withServer(http, Testing.jsonAnswer(Weather, paris), (server) =>
      Effect.gen(function*() {
        const notObject = yield* Effect.flip(Structured.send(Weather, null as unknown as Chat.ChatRequest))
        const badRetries = yield* Effect.flip(Structured.send(Weather, request, { retries: -1 }))
        const badName = yield* Effect.flip(Structured.send(Weather, request, { name: "not a name!" }))
        expect([notObject._tag, badRetries._tag, badName._tag]).toEqual([
          "InvalidRequestError",
          "InvalidRequestError",
          "InvalidRequestError"
        ])
        expect(yield* server.requests).toHaveLength(0)
      })))

  it.live("decodes a root that is not an object, sent wrapped as { value }", () =>
    withServer(http, Testing.jsonAnswer(Schema.Array(Schema.String), ["a", "b"]), (server) =>
      Effect.gen(function*() {
        const result = yield* Structured.send(Schema.Array(Schema.String), request, { name: "tags" })
        expect(result.value).toStrictEqual(["a", "b"])
        const [sent] = yield* server.requests
        expect((sent?.body as { response_format: { json_schema: { name: string } } }).response_format.json_schema.name)
          .toBe("tags")
      })))
})

describe.each(httpClients)("Structured.stream over %s", (_name, http) => {
  const partialsOf = <A, I>(events: ReadonlyArray<Structured.Event<A, I>>) =>
    events.filter((e) => e._tag === "Partial").map((e) => e.value)

  it.live("emits partial values as the JSON arrives, then the decoded value with the response", () =>
    withServer(http, Testing.jsonAnswer(Weather, paris, { stream: true, pieceSize: 5 }), () =>
      Effect.gen(function*() {
        const events = yield* Stream.runCollect(Structured.stream(Weather, request))
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
      })))

  it.live("fails after the partial values with OutputNotJsonError when the content is not JSON", () =>
    withServer(
      http,
      Testing.notJsonAnswer("{\"city\": \"Paris\"} and more", { stream: true }),
      () =>
        Effect.gen(function*() {
          const events: Array<unknown> = []
          const error = yield* Effect.flip(
            Stream.runForEach(Structured.stream(Weather, request), (e) => Effect.sync(() => events.push(e)))
          )
          expect(error._tag).toBe("OutputNotJsonError")
          expect(events).toContainEqual({ _tag: "Partial", value: { city: "Paris" } })
        })
    ))

  it.live("fails with OutputDecodeError when the streamed JSON does not decode", () =>
    withServer(http, Testing.mismatchedAnswer({ city: 1 }, { stream: true }), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Stream.runDrain(Structured.stream(Weather, request)))
        expect(error._tag).toBe("OutputDecodeError")
      })))

  it.live("fails with RefusalError for a streamed refusal", () =>
    withServer(http, Testing.refusalAnswer("No.", { stream: true }), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Stream.runDrain(Structured.stream(Weather, request)))
        if (error._tag !== "RefusalError") throw new Error(`got ${error._tag}`)
        expect(error.refusal).toBe("No.")
      })))

  it.live("fails with OutputTruncatedError when the stream ends with finish_reason length", () =>
    withServer(http, Testing.lengthCutAnswer(undefined, { stream: true }), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Stream.runDrain(Structured.stream(Weather, request)))
        expect(error._tag).toBe("OutputTruncatedError")
      })))

  it.live("fails with EmptyOutputError when the stream brings no content", () =>
    withServer(http, Testing.stream({ deltas: [], finishReason: "content_filter" }), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Stream.runDrain(Structured.stream(Weather, request)))
        if (error._tag !== "EmptyOutputError") throw new Error(`got ${error._tag}`)
        expect(error.finishReason).toBe("content_filter")
      })))

  it.live("keeps Chat.stream's errors: a mid-stream error is a MidStreamError", () =>
    withServer(http, Testing.midStreamError({ deltas: ["{\"city\": \"Pa"], after: 1 }), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Stream.runDrain(Structured.stream(Weather, request)))
        expect(error._tag).toBe("MidStreamError")
      })))

  it.live("re-asks after an answer that does not decode, and the partial values start again", () =>
    withServer(http, [
      Testing.mismatchedAnswer({ city: 1 }, { stream: true }),
      Testing.jsonAnswer(Weather, paris, { stream: true })
    ], (server) =>
      Effect.gen(function*() {
        const events = yield* Stream.runCollect(Structured.stream(Weather, request, { retries: 1 }))
        const last = events[events.length - 1]
        if (last?._tag !== "Final") throw new Error("no final event")
        expect(last.value).toStrictEqual(paris)
        expect(last.attempts).toBe(2)
        expect(partialsOf(events)).toContainEqual({ city: 1 })
        expect(yield* server.requests).toHaveLength(2)
      })))
})

describe("Structured.responseFormat and Structured.decode", () => {
  it("gives the response_format for a Schema, with name and description overridable", () => {
    const format = Structured.responseFormat(Weather, { name: "w", description: "d" })
    expect(Result.getOrThrow(format)).toMatchObject({
      type: "json_schema",
      json_schema: { name: "w", description: "d", strict: true, schema: { type: "object" } }
    })
  })

  it("fails with InvalidRequestError for a Schema strict mode cannot express", () => {
    const format = Structured.responseFormat(Schema.Struct({ a: Schema.Unknown }))
    expect(Result.isFailure(format) && format.failure._tag).toBe("InvalidRequestError")
  })

  it.effect("decodes the union member the answer's tag names, a null kept where that member allows it", () =>
    Effect.gen(function*() {
      const schema = Schema.Union([
        Schema.Struct({ kind: Schema.Literal("x"), a: Schema.optionalKey(Schema.Int) }),
        Schema.Struct({ kind: Schema.Literal("y"), a: Schema.optional(Schema.NullOr(Schema.String)) })
      ])
      const answer = (content: string) => ({
        choices: [{ index: 0, finish_reason: "stop", message: { content } }]
      })
      expect(yield* Structured.decode(schema, answer("{\"value\":{\"kind\":\"y\",\"a\":null}}"))).toStrictEqual({
        kind: "y",
        a: null
      })
      expect(yield* Structured.decode(schema, answer("{\"value\":{\"kind\":\"x\",\"a\":null}}"))).toStrictEqual({
        kind: "x"
      })
    }))

  // On Effect 4, `Schema.optionalKey` is the exact optional field (absent, never `undefined`): its `null`
  // decodes to an absent key; `Schema.optional`'s type admits `undefined`, and its `null` decodes to that.
  it.effect("decodes a response got with Chat.send the way Structured.send does", () =>
    Effect.gen(function*() {
      const response = { choices: [{ index: 0, finish_reason: "stop", message: { content: "{\"a\":null}" } }] }
      const value = yield* Structured.decode(Schema.Struct({ a: Schema.optionalKey(Schema.String) }), response)
      expect(value).toStrictEqual({})
      const loose = yield* Structured.decode(Schema.Struct({ a: Schema.optional(Schema.String) }), response)
      expect(loose).toStrictEqual({ a: undefined })
    }))
})
