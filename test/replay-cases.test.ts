/**
 * Replays of what real models send that the recorded corpus does not hold (issue 20): hand-written
 * cases in `test/cases/`, written from the descriptions of live traffic, served byte for byte from a
 * loopback server and read through `Chat.send`, `Chat.stream`, `Chat.collect`, `Toolkit.decodeCalls`
 * and the retry policy on both HTTP clients.
 *
 * - `together-qwen-thinking-logprobs-number.json`: a finished, billed completion with a valid tool call
 *   whose choice's `logprobs` is a bare number and which has no `X-Generation-Id` header.
 * - `anthropic-reasoning-signature-fragment.{sse,json}`: one reasoning block streamed as text fragments
 *   and a signature in a fragment of its own, and the same generation's non-streaming body.
 * - a Grok-like stream of 896 fragments of one reasoning block (built here).
 * - `gemini-gateway-tool-calls-without-index.sse`: two calls, no `index`, id and name first.
 * - `parallel-tool-calls-same-index.sse`: two calls streamed with `index: 0` and different ids.
 * - `free-model-429-ratelimit-reset.error.json`: a 429 whose only hint is `X-RateLimit-Reset` in
 *   `metadata.headers`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as fs from "node:fs"
import { Chat, Errors, Retry, Tool, Toolkit } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import { httpClients, withServer } from "./support/harness.js"
import { parseSse, type Wire } from "./support/wire.js"

const read = (name: string): string => fs.readFileSync(new URL(`./cases/${name}`, import.meta.url), "utf8")

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

const Tools = Toolkit.make(
  Tool.make("get_weather", { parameters: Schema.Struct({ city: Schema.String }), success: Schema.String })
)

const jsonReply = (text: string, headers: Record<string, string> = {}) =>
  Testing.raw({ headers: { "content-type": "application/json", ...headers }, body: text })
const sseReply = (text: string) => Testing.raw({ headers: { "content-type": "text/event-stream" }, body: text })

/** Runs `effect` with debug logging on, and returns what it logged (message and annotations). */
const captureLogs = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const logs: Array<{ message: unknown; annotations: Record<string, unknown> }> = []
    const logger = Logger.make(({ annotations, message }) => {
      logs.push({ message, annotations: Object.fromEntries(HashMap.toEntries(annotations)) })
    })
    const result = yield* effect.pipe(
      Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
      Logger.withMinimumLogLevel(LogLevel.Debug)
    )
    return { result, logs }
  })

describe.each(httpClients)("replay of hand-written cases over %s", (_name, http) => {
  describe("a billed completion whose logprobs is a bare number (Together, Qwen thinking)", () => {
    const text = read("together-qwen-thinking-logprobs-number.json")
    const body = JSON.parse(text) as Wire

    it.scopedLive("Chat.send returns it, the tool call decodes, logprobs is kept aside and logged", () =>
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
          const calls = yield* Toolkit.decodeCalls(response, Tools)
          expect(calls.map((c) => [c.id, c.name, c.params])).toEqual([
            ["call_9c1f0e2b7a4d4c1e", "get_weather", { city: "Paris" }]
          ])
          expect(logs).toEqual([{
            message: ["effect-openrouter: choices.0.logprobs had an unexpected type; kept in invalidFields"],
            annotations: { path: "choices.0.logprobs", expected: "Logprobs | null | undefined", generationId: body.id }
          }])
        })))

    it.scopedLive("streamed, every chunk arrives and Chat.collect keeps logprobs aside with the message's path", () =>
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
        })))

    it.scopedLive("an essential field of the wrong type still fails, with the body's id as generationId", () =>
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

    it.scopedLive("the X-Generation-Id header still names the generation first", () =>
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

    it.scopedLive("Chat.collect of the stream equals Chat.send of the same generation", () =>
      withServer(http, [sseReply(sse), jsonReply(json)], () =>
        Effect.gen(function*() {
          const collected = yield* Chat.collect(Chat.stream(request))
          const sent = yield* Chat.send(request)
          expect(sent).toEqual(JSON.parse(json))
          expect(collected).toEqual(sent)
        })))

    it.scopedLive("Chat.stream still emits every fragment as sent", () =>
      withServer(http, sseReply(sse), () =>
        Effect.gen(function*() {
          const chunks = yield* Stream.runCollect(Chat.stream(request))
          expect([...chunks]).toEqual(parseSse(sse).chunks)
        })))
  })

  it.scopedLive("896 fragments of one reasoning block (Grok) fold into the one block", () => {
    const pieces = Array.from({ length: 896 }, (_, i) => `w${i} `)
    const chunk = (delta: Wire, extra: Wire = {}) => ({
      id: "gen-grok",
      model: "x-ai/grok-4",
      object: "chat.completion.chunk",
      choices: [{ index: 0, delta, ...extra }]
    })
    const format = "xai-responses-v1"
    return withServer(
      http,
      Testing.sse([
        ...pieces.map((text) =>
          chunk({ reasoning: text, reasoning_details: [{ type: "reasoning.text", text, format, index: 0 }] })
        ),
        chunk({ reasoning_details: [{ type: "reasoning.encrypted", data: "enc-a", format, index: 1 }] }),
        chunk({ reasoning_details: [{ type: "reasoning.encrypted", data: "enc-b", id: "rs_1", format, index: 1 }] }),
        chunk({ content: "Done." }, { finish_reason: "stop" })
      ], { done: true }),
      () =>
        Effect.gen(function*() {
          const response = yield* Chat.collect(Chat.stream(request))
          expect(response.choices[0]!.message!.reasoning_details).toEqual([
            { type: "reasoning.text", text: pieces.join(""), format, index: 0 },
            { type: "reasoning.encrypted", data: "enc-aenc-b", id: "rs_1", format, index: 1 }
          ])
        })
    )
  })

  for (
    const [name, ids] of [
      ["gemini-gateway-tool-calls-without-index.sse", ["tool_0_get_weather_a1", "tool_1_get_weather_b2"]],
      ["parallel-tool-calls-same-index.sse", ["functions.get_weather:0", "functions.get_weather:1"]]
    ] as const
  ) {
    it.scopedLive(`${name}: two calls, each with its own arguments`, () =>
      withServer(http, sseReply(read(name)), () =>
        Effect.gen(function*() {
          const response = yield* Chat.collect(Chat.stream(request))
          const calls = yield* Toolkit.decodeCalls(response, Tools)
          expect(calls.map((c) => [c.id, c.params])).toEqual([[ids[0], { city: "Paris" }], [ids[1], { city: "Oslo" }]])
        })))
  }

  it.scopedLive("a 429 with only X-RateLimit-Reset in metadata.headers: retryAfter is the time to the reset", () => {
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
