/**
 * What the Effect 4 edition's test kit does on its own Effect: durations read with Effect 4's
 * `Duration` (every `Duration.Input` form, `Retry-After` text, an unreadable duration refused where
 * it is written), the structured-output answers through the Schema's JSON codec, and the in-process
 * recorder (aborts counted and awaited, the script swapped).
 */
import { assert, describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/testing/TestClock"
import { Chat, Testing } from "../src/index.js"
import { parseSse, readBody, type Wire } from "./support/wire.js"

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

const post = (body: unknown = request) =>
  Effect.flatMap(HttpClient.HttpClient, (client) =>
    client.execute(
      HttpClientRequest.post("http://openrouter.test/api/v1/chat/completions").pipe(
        HttpClientRequest.bodyJsonUnsafe(body)
      )
    ))

describe("Testing on Effect 4's Duration", () => {
  const retryAfter: ReadonlyArray<readonly [string, Duration.Input | string, string]> = [
    ["a number: seconds as is", 90, "90"],
    ["a duration string, rounded up", "2500 millis", "3"],
    ["a Duration, rounded up", Duration.millis(1200), "2"],
    ["a [seconds, nanos] tuple", [4, 0], "4"],
    ["a duration object", { seconds: 2, milliseconds: 1 }, "3"],
    ["an HTTP date, verbatim", "Wed, 21 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 07:28:00 GMT"]
  ]
  for (const [name, input, header] of retryAfter) {
    it.effect(`error(429, { retryAfter }) with ${name} sends Retry-After: ${header}`, () =>
      Effect.gen(function*() {
        const response = yield* post()
        expect(response.status).toBe(429)
        expect(response.headers["retry-after"]).toBe(header)
      }).pipe(Effect.provide(Testing.layer(Testing.error(429, { retryAfter: input })))))
  }

  it("pause refuses an unreadable duration where it is written", () => {
    expect(() => Testing.pause("soon" as Duration.Input)).toThrow()
    expect(Duration.toMillis(Testing.pause("2 seconds").duration)).toBe(2000)
  })

  const forms: ReadonlyArray<readonly [string, Duration.Input]> = [
    ["millis", 2000],
    ["string", "2 seconds"],
    ["Duration", Duration.seconds(2)],
    ["object", { seconds: 2 }],
    ["tuple", [2, 0]]
  ]
  for (const [name, input] of forms) {
    it.effect(`a ${name} duration drives headersDelay, pause pieces and chunkDelay on the TestClock`, () =>
      Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(Effect.flatMap(post(), readBody))
        yield* TestClock.adjust("1999 millis")
        expect(fiber.pollUnsafe()).toBeUndefined()
        yield* TestClock.adjust("1 millis") // the headers
        yield* TestClock.adjust("1999 millis")
        expect(fiber.pollUnsafe()).toBeUndefined()
        yield* TestClock.adjust("1 millis") // the pause
        yield* TestClock.adjust("2 seconds") // the delay between the two events
        const { text } = yield* Fiber.join(fiber)
        expect(text).toBe("a" + "data: 1\n\n" + "data: 2\n\n")
      }).pipe(Effect.provide(Testing.layer({
        ...Testing.sse(["data: 1", "data: 2"], { chunkDelay: input, headersDelay: input }),
        body: ["a", Testing.pause(input), ...Testing.sse(["data: 1", "data: 2"], { chunkDelay: input }).body]
      }))))
  }

  it.effect("a Reply whose headersDelay is not a duration fails the request with a transport error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(post())
      expect(error._tag).toBe("HttpClientError")
      expect(error.reason._tag).toBe("TransportError")
      expect(error.message).toMatch(/the OpenRouter emulator cannot read the Reply's headersDelay/)
    }).pipe(Effect.provide(Testing.layer({ ...Testing.completion(), headersDelay: "soon" as Duration.Input }))))

  it.effect("keepAliveEvery in any form writes keep-alives while hanging", () =>
    Effect.gen(function*() {
      const response = yield* post()
      const fiber = yield* Effect.forkChild(response.stream.pipe(Stream.take(2), Stream.runCollect))
      yield* TestClock.adjust("2 seconds")
      const pieces = yield* Fiber.join(fiber)
      expect(pieces.map((bytes) => new TextDecoder().decode(bytes)).join("")).toBe(Testing.keepAliveComment.repeat(2))
    }).pipe(Effect.provide(Testing.layer(Testing.hang({ keepAliveEvery: { seconds: 1 } })))))
})

const Weather = Schema.Struct({
  city: Schema.String,
  at: Schema.Date,
  note: Schema.optional(Schema.String)
})

describe("Testing's structured-output answers", () => {
  const value = { city: "Paris", at: new Date("2026-12-07T10:00:00.000Z") }

  it.effect("jsonAnswer sends the value in the strict form Structured asks for: the absent optional field null", () =>
    Effect.gen(function*() {
      const response = yield* Chat.send(request)
      const content = response.choices[0]?.message?.content
      assert(typeof content === "string")
      expect(JSON.parse(content)).toStrictEqual({ city: "Paris", at: "2026-12-07T10:00:00.000Z", note: null })
    }).pipe(Effect.provide(Testing.layerWithConfig(Testing.jsonAnswer(Weather, value)))))

  it.effect("jsonAnswer with stream: true sends the JSON in pieces of pieceSize characters", () =>
    Effect.gen(function*() {
      const { chunks } = parseSse((yield* readBody(yield* post({ ...request, stream: true }))).text)
      const pieces = chunks.flatMap((c: Wire) => c.choices.map((choice: Wire) => choice.delta.content ?? ""))
        .filter((p: string) => p.length > 0)
      expect(pieces.slice(0, -1).every((p: string) => p.length === 5)).toBe(true)
      expect(JSON.parse(pieces.join(""))).toStrictEqual({ city: "Paris", at: "2026-12-07T10:00:00.000Z", note: null })
    }).pipe(Effect.provide(Testing.layer(Testing.jsonAnswer(Weather, value, { stream: true, pieceSize: 5 })))))

  it.effect("a value the Schema cannot encode gives the emulator's 500 naming the problem", () =>
    Effect.gen(function*() {
      const response = yield* post()
      expect(response.status).toBe(500)
      const body = (yield* response.json) as Wire
      expect(body.error.message).toMatch(/^Testing\.jsonAnswer: the value does not encode with the Schema: /)
      expect(body.error.metadata).toEqual({ error_type: "server", emulator: true })
    }).pipe(Effect.provide(Testing.layer(Testing.jsonAnswer(Weather, { city: 42 } as never)))))

  const answers: ReadonlyArray<readonly [string, Testing.Reply, Record<string, unknown>, string]> = [
    [
      "notJsonAnswer",
      Testing.notJsonAnswer(),
      { content: "Sure! Here is the JSON you asked for: {\"answer\": 42" },
      "stop"
    ],
    ["mismatchedAnswer", Testing.mismatchedAnswer({ city: 1 }), { content: "{\"city\":1}" }, "stop"],
    ["refusalAnswer", Testing.refusalAnswer("No."), { content: null, refusal: "No." }, "stop"],
    ["lengthCutAnswer", Testing.lengthCutAnswer(), { content: "{\"city\": \"Par" }, "length"]
  ]
  for (const [name, reply, message, finish] of answers) {
    it.effect(`${name}: the message and finish_reason`, () =>
      Effect.gen(function*() {
        const response = yield* Chat.send(request)
        expect(response.choices[0]?.message).toMatchObject(message)
        expect(response.choices[0]?.finish_reason).toBe(finish)
      }).pipe(Effect.provide(Testing.layerWithConfig(reply))))
  }

  it.effect("refusalAnswer with stream: true streams refusal deltas", () =>
    Effect.gen(function*() {
      const response = yield* Chat.collect(Chat.stream(request))
      expect(response.choices[0]?.message?.refusal).toBe("I will not.")
      expect(response.choices[0]?.message?.content ?? "").toBe("")
    }).pipe(Effect.provide(Testing.layerWithConfig(Testing.refusalAnswer("I will not.", { stream: true })))))
})

describe("the in-process recorder", () => {
  it.effect("awaitAborts waits for the count of abandoned responses", () =>
    Effect.gen(function*() {
      const recorder = yield* Testing.Recorder
      const waiting = yield* Effect.forkChild(recorder.awaitAborts(2))
      for (let i = 0; i < 2; i++) {
        const response = yield* post()
        const reading = yield* Effect.forkChild(Stream.runDrain(response.stream))
        yield* Effect.yieldNow.pipe(Effect.repeat({ times: 20 }))
        expect(waiting.pollUnsafe()).toBeUndefined()
        yield* Fiber.interrupt(reading)
      }
      yield* Fiber.join(waiting)
      expect(yield* Testing.aborted).toBe(2)
    }).pipe(Effect.provide(Testing.layer(Testing.hang({ after: 1 })))))

  it.effect("setScript answers later requests from the new script; the index keeps counting", () =>
    Effect.gen(function*() {
      expect((yield* post()).status).toBe(200)
      yield* Testing.setScript((_, index) => Testing.completion({ content: `#${index}` }))
      const body = (yield* (yield* post()).json) as Wire
      expect(body.choices[0].message.content).toBe("#1")
      expect(yield* Testing.requests).toHaveLength(2)
    }).pipe(Effect.provide(Testing.layer(Testing.completion()))))

  it.effect("each use of the layer starts with an empty record", () =>
    Effect.gen(function*() {
      const layer = Testing.layer(Testing.completion())
      const first = yield* Effect.flatMap(post(), () => Testing.requests).pipe(Effect.provide(layer))
      const second = yield* Testing.requests.pipe(Effect.provide(layer))
      expect([first.length, second.length]).toEqual([1, 0])
    }))
})
