/**
 * The hand-written replay cases of `test/cases/` (issue 20; read from there, one copy for both
 * editions), served byte for byte from a loopback server and read through the Effect 4 edition's
 * `Chat.send`, `Chat.stream`, `Chat.collect` and the retry policy on both HTTP clients. What each case
 * holds is in the Effect 3 suite's `test/replay-cases.test.ts`. The tool calls are read from the
 * collected response here (the Effect 4 edition has no `Toolkit` yet: part 2 of the port).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as References from "effect/References"
import * as Stream from "effect/Stream"
import * as fs from "node:fs"
import { Chat, Errors, Retry } from "../src/index.js"
import type * as S from "../src/Schema.js"
import * as Testing from "../src/Testing.js"
import { httpClients, withServer } from "./support/harness.js"
import { parseSse, type Wire } from "./support/wire.js"

const read = (name: string): string => fs.readFileSync(new URL(`../../test/cases/${name}`, import.meta.url), "utf8")

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

const jsonReply = (text: string, headers: Record<string, string> = {}) =>
  Testing.raw({ headers: { "content-type": "application/json", ...headers }, body: text })
const sseReply = (text: string) => Testing.raw({ headers: { "content-type": "text/event-stream" }, body: text })

/** Runs `effect` with debug logging on, and returns what it logged (message and annotations). */
const captureLogs = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const logs: Array<{ message: unknown; annotations: Record<string, unknown> }> = []
    const logger = Logger.make(({ fiber, message }) => {
      logs.push({ message, annotations: { ...fiber.getRef(References.CurrentLogAnnotations) } })
    })
    const result = yield* effect.pipe(
      Effect.provide(Logger.layer([logger])),
      Effect.provideService(References.MinimumLogLevel, "Debug")
    )
    return { result, logs }
  })

/** The id and parsed arguments of each tool call of a response's first choice. */
const callsOf = (response: S.ChatResponse) =>
  (response.choices[0]!.message!.tool_calls ?? []).map((c) => [c.id, JSON.parse(c.function!.arguments!)])

describe.each(httpClients)("replay of hand-written cases over %s", (_name, http) => {
  describe("a billed completion whose logprobs is a bare number (Together, Qwen thinking)", () => {
    const text = read("together-qwen-thinking-logprobs-number.json")
    const body = JSON.parse(text) as Wire

    it.live("Chat.send returns it, the tool call is there, logprobs is kept aside and logged", () =>
      withServer(http, jsonReply(text), () =>
        Effect.gen(function*() {
          const { logs, result: response } = yield* captureLogs(Chat.send(request))
          const { logprobs, ...choice } = body.choices[0]
          expect(logprobs).toBe(-1.78e-06)
          expect(response).toEqual({
            ...body,
            choices: [choice],
            invalidFields: [{
              path: ["choices", 0, "logprobs"],
              expected: "Logprobs | null | undefined",
              value: logprobs
            }]
          })
          expect(callsOf(response)).toEqual([["call_9c1f0e2b7a4d4c1e", { city: "Paris" }]])
          expect(logs).toEqual([{
            message: ["effect-openrouter: choices.0.logprobs had an unexpected type; kept in invalidFields"],
            annotations: { path: "choices.0.logprobs", expected: "Logprobs | null | undefined", generationId: body.id }
          }])
        })))

    it.live("streamed, every chunk arrives and Chat.collect keeps logprobs aside with the message's path", () =>
      withServer(http, Testing.streamOf(body, { pieceLength: 5 }), () =>
        Effect.gen(function*() {
          const { logs, result: response } = yield* captureLogs(Chat.collect(Chat.stream(request)))
          expect(response.choices[0]!.message!.tool_calls!.map((c) => c.function?.arguments)).toEqual([
            "{\"city\": \"Paris\"}"
          ])
          expect(response.choices[0]!.logprobs).toBeUndefined()
          expect(response.invalidFields).toEqual([{
            path: ["choices", 0, "logprobs"],
            expected: "Logprobs | null | undefined",
            value: -1.78e-06
          }])
          expect(logs.map((l) => l.annotations.path)).toEqual(["choices.0.logprobs"])
          expect(logs.map((l) => l.annotations.generationId)).toEqual([body.id])
        })))

    it.live("Chat.collect gathers the chunks' invalidFields, a delta's path as the message's, each logged once", () =>
      withServer(
        http,
        Testing.sse([
          {
            id: "gen-d",
            choices: [{ index: 0, delta: { role: "assistant", content: "a", refusal: null, reasoning: 1 } }]
          },
          { id: "gen-d", choices: [{ index: 0, delta: { content: "b" }, logprobs: 2 }], usage: [] }
        ], { done: true }),
        () =>
          Effect.gen(function*() {
            const { logs, result: response } = yield* captureLogs(Chat.collect(Chat.stream(request)))
            expect(response.choices[0]!.message!.content).toBe("ab")
            expect(response.invalidFields?.map((f) => [f.path, f.value])).toEqual([
              [["choices", 0, "message", "reasoning"], 1],
              [["usage"], []],
              [["choices", 0, "logprobs"], 2]
            ])
            expect(logs.map((l) => l.annotations.path).sort()).toEqual(
              ["choices.0.delta.reasoning", "choices.0.logprobs", "usage"]
            )
          })
      ))

    it.live("an essential field of the wrong type still fails, with the body's id as generationId", () =>
      withServer(
        http,
        jsonReply(JSON.stringify({
          ...body,
          choices: [{ ...body.choices[0], message: { ...body.choices[0].message, content: 42 } }]
        })),
        () =>
          Effect.gen(function*() {
            const error = yield* Effect.flip(Chat.send(request))
            if (error._tag !== "ResponseDecodeError") return expect.unreachable(error._tag)
            expect(error.generationId).toBe("gen-1765080000-TqWnThinkLogprobs")
            expect(error.issue).toContain("content")
          })
      ))

    it.live("a stream chunk with an essential field of the wrong type fails with the chunk's id as generationId", () =>
      withServer(
        http,
        Testing.sse([{ id: "gen-chunk-id", choices: [{ index: 0, delta: { content: 42 } }] }], { done: true }),
        () =>
          Effect.gen(function*() {
            const error = yield* Effect.flip(Stream.runDrain(Chat.stream(request)))
            if (error._tag !== "ResponseDecodeError") return expect.unreachable(error._tag)
            expect(error.generationId).toBe("gen-chunk-id")
          })
      ))

    it.live("the X-Generation-Id header still names the generation first", () =>
      withServer(
        http,
        jsonReply(JSON.stringify({ ...body, choices: "none" }), { "x-generation-id": "gen-from-header" }),
        () =>
          Effect.gen(function*() {
            const error = yield* Effect.flip(Chat.send(request))
            if (error._tag !== "ResponseDecodeError") return expect.unreachable(error._tag)
            expect(error.generationId).toBe("gen-from-header")
          })
      ))
  })

  describe("a reasoning block streamed as fragments, its signature in one of its own (Anthropic)", () => {
    const sse = read("anthropic-reasoning-signature-fragment.sse")
    const json = read("anthropic-reasoning-signature-fragment.json")

    it.live("Chat.collect of the stream equals Chat.send of the same generation", () =>
      withServer(http, [sseReply(sse), jsonReply(json)], () =>
        Effect.gen(function*() {
          const collected = yield* Chat.collect(Chat.stream(request))
          const sent = yield* Chat.send(request)
          expect(sent).toEqual(JSON.parse(json))
          expect(collected).toEqual(sent)
        })))

    it.live("Chat.stream still emits every fragment as sent", () =>
      withServer(http, sseReply(sse), () =>
        Effect.gen(function*() {
          const chunks = yield* Stream.runCollect(Chat.stream(request))
          expect([...chunks]).toEqual(parseSse(sse).chunks)
        })))
  })

  for (
    const [name, ids] of [
      ["gemini-gateway-tool-calls-without-index.sse", ["tool_0_get_weather_a1", "tool_1_get_weather_b2"]],
      ["parallel-tool-calls-same-index.sse", ["functions.get_weather:0", "functions.get_weather:1"]]
    ] as const
  ) {
    it.live(`${name}: two calls, each with its own arguments`, () =>
      withServer(http, sseReply(read(name)), () =>
        Effect.gen(function*() {
          const response = yield* Chat.collect(Chat.stream(request))
          expect(callsOf(response)).toEqual([[ids[0], { city: "Paris" }], [ids[1], { city: "Oslo" }]])
        })))
  }

  it.live("a 429 with only X-RateLimit-Reset in metadata.headers: retryAfter is the time to the reset", () => {
    const { body, headers, status } = JSON.parse(read("free-model-429-ratelimit-reset.error.json")) as Wire
    return withServer(
      http,
      [Testing.raw({ status, headers, body: JSON.stringify(body) }), Testing.completion()],
      (server) =>
        Effect.gen(function*() {
          const before = Date.now()
          const error = yield* Effect.flip(Chat.send(request))
          const after = Date.now()
          expect(error._tag).toBe("TooManyRequestsResponseError")
          const wait = Duration.toMillis(Errors.retryAfter(error)!)
          const reset = Number(body.error.metadata.headers["X-RateLimit-Reset"])
          expect(wait).toBeGreaterThanOrEqual(reset - after)
          expect(wait).toBeLessThanOrEqual(reset - before)
          // far past maxRetryAfter: the policy gives up at once instead of backing off blindly
          expect(error.attempts).toBe(1)
          expect(yield* server.requests).toHaveLength(1)
        }),
      { retry: Retry.make({ retries: 3 }) }
    )
  })
})
