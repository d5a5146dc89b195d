/**
 * The Effect 4 provider of `effect/ai`'s `LanguageModel`, driven through effect/ai's own functions
 * (`generateText`, `streamText`, `generateObject`, a `Toolkit` with `toLayer`) against the emulator over
 * real sockets, with both HTTP clients. The Effect 3 twin is `test/OpenRouterLanguageModel.test.ts`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as AiError from "effect/ai/AiError"
import * as LanguageModel from "effect/ai/LanguageModel"
import * as Prompt from "effect/ai/Prompt"
import type * as Response from "effect/ai/Response"
import * as Tool from "effect/ai/Tool"
import * as Toolkit from "effect/ai/Toolkit"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import {
  chunk,
  finishChunk,
  finishReasonCases,
  fragmentCases,
  MODEL,
  reasoningToolCall,
  signedDetails,
  usageChunk
} from "../../test/support/providerCases.js"
import { Errors, Retry } from "../src/index.js"
import * as OpenRouterLanguageModel from "../src/OpenRouterLanguageModel.js"
import * as Testing from "../src/Testing.js"
import type * as TestServer from "../src/TestServer.js"
import { httpClients } from "./support/harness.js"
import { withModel } from "./support/languageModel.js"
import type { Wire } from "./support/wire.js"

const bodies = (server: TestServer.TestServer) =>
  Effect.map(server.requests, (requests) => requests.map((r) => r.body as Wire))

const json = (body: unknown): Testing.Reply =>
  Testing.raw({ status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

const GetWeather = Tool.make("get_weather", {
  description: "The weather in a city",
  parameters: Schema.Struct({ city: Schema.String }),
  success: Schema.Struct({ city: Schema.String, temperature_c: Schema.Number })
})

const Explode = Tool.make("explode", {
  description: "Always fails",
  parameters: Schema.Struct({ reason: Schema.String }),
  success: Schema.String,
  failure: Schema.Struct({ error: Schema.String }),
  failureMode: "return"
})

const Tools = Toolkit.make(GetWeather, Explode)

const handlers = Tools.toLayer({
  get_weather: ({ city }) => Effect.succeed({ city, temperature_c: city === "Paris" ? 18 : 9 }),
  explode: ({ reason }) => Effect.fail({ error: `boom: ${reason}` })
})

const types = (parts: ReadonlyArray<{ readonly type: string }>) => parts.map((p) => p.type)

describe.each(httpClients)("OpenRouterLanguageModel (Effect 4) over %s", (_name, http) => {
  it.live("generateText: text, response metadata, finish with usage, cost, provider and generation id", () =>
    withModel(
      http,
      Testing.completion({
        content: "Hello there",
        id: "gen-abc",
        provider: "Anthropic",
        model: MODEL,
        created: 1700000000,
        usage: {
          prompt_tokens: 10,
          completion_tokens: 3,
          total_tokens: 13,
          cost: 0.0001,
          prompt_tokens_details: { cached_tokens: 4 },
          completion_tokens_details: { reasoning_tokens: 1 }
        }
      }),
      (server) =>
        Effect.gen(function*() {
          const response = yield* LanguageModel.generateText({
            prompt: [
              { role: "system", content: "Be brief" },
              { role: "user", content: [{ type: "text", text: "Hi" }] }
            ]
          })
          expect(response.text).toBe("Hello there")
          expect(types(response.content)).toEqual(["response-metadata", "text", "finish"])
          const meta = response.content[0] as Response.ResponseMetadataPart
          expect(meta.id).toBe("gen-abc")
          expect(meta.modelId).toBe(MODEL)
          expect(meta.metadata.openrouter).toEqual({ provider: "Anthropic", generationId: "gen-abc" })
          expect(response.finishReason).toBe("stop")
          expect(response.usage.inputTokens).toEqual({ total: 10, uncached: 6, cacheRead: 4 })
          expect(response.usage.outputTokens).toEqual({ total: 3, reasoning: 1, text: 2 })
          const finish = response.content.at(-1) as Response.FinishPart
          expect(finish.metadata.openrouter?.cost).toBe(0.0001)
          expect(finish.metadata.openrouter?.provider).toBe("Anthropic")
          expect(finish.metadata.openrouter?.generationId).toBe("gen-abc")
          expect(finish.metadata.openrouter?.usage?.total_tokens).toBe(13)
          const [sent] = yield* bodies(server)
          expect(sent.model).toBe(MODEL)
          expect(sent.messages).toEqual([{ role: "system", content: "Be brief" }, { role: "user", content: "Hi" }])
          expect(sent.tools).toBeUndefined()
          expect(sent.tool_choice).toBeUndefined()
        })
    ))

  it.live("a usage the Usage Schema cannot hold (fractional, negative) is left out, and the answer is kept", () =>
    withModel(
      http,
      Testing.completion({ content: "kept", usage: { prompt_tokens: 2.5, completion_tokens: -1, total_tokens: 3 } }),
      () =>
        Effect.gen(function*() {
          const response = yield* LanguageModel.generateText({ prompt: "Hi" })
          expect(response.text).toBe("kept")
          expect(response.usage.inputTokens.total).toBeUndefined()
          expect(response.usage.outputTokens.total).toBeUndefined()
        })
    ))

  it.live("streamText: parts in effect/ai's order, finish last with the usage chunk's usage and cost", () =>
    withModel(
      http,
      Testing.sse([
        chunk({ role: "assistant", content: "" }),
        chunk({ content: "Hel" }),
        chunk({ content: "lo" }),
        finishChunk("stop"),
        usageChunk
      ], { done: true }),
      () =>
        Effect.gen(function*() {
          const parts = yield* Stream.runCollect(LanguageModel.streamText({ prompt: "Hi" }))
          expect(types(parts)).toEqual([
            "response-metadata",
            "text-start",
            "text-delta",
            "text-delta",
            "text-end",
            "finish"
          ])
          const finish = parts.at(-1) as Response.FinishPart
          expect(finish.reason).toBe("stop")
          expect(finish.usage.inputTokens.total).toBe(12)
          expect(finish.usage.outputTokens.total).toBe(7)
          expect(finish.metadata.openrouter?.cost).toBe(0.00042)
          expect(finish.metadata.openrouter?.generationId).toBe("gen-stream-1")
        })
    ))

  it.live("reasoning round trip: signed and encrypted reasoning_details come back unchanged on the next turn", () => {
    const details = signedDetails
    const first = json(reasoningToolCall)
    return withModel(
      http,
      [first, Testing.completion({ content: "18 °C in Paris" })],
      (server) =>
        Effect.gen(function*() {
          const turn1 = yield* LanguageModel.generateText({ prompt: "Weather in Paris?", toolkit: Tools })
          const reasoning = turn1.content.find((p) => p.type === "reasoning") as Response.ReasoningPart
          expect(reasoning.text).toBe("The user wants the weather.")
          expect(reasoning.metadata.openrouter?.reasoningDetails).toEqual(details)
          expect(turn1.toolResults[0]?.result).toEqual({ city: "Paris", temperature_c: 18 })
          // effect/ai 4's own Prompt.fromResponseParts keeps the metadata, and so the details
          const prompt = Prompt.concat(Prompt.make("Weather in Paris?"), Prompt.fromResponseParts(turn1.content))
          const turn2 = yield* LanguageModel.generateText({ prompt, toolkit: Tools })
          expect(turn2.text).toBe("18 °C in Paris")
          const [, sent] = yield* bodies(server)
          const assistant = sent.messages[1]
          expect(assistant.role).toBe("assistant")
          expect(assistant.reasoning_details).toEqual(details)
          expect(assistant.tool_calls).toEqual([
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" } }
          ])
          expect(sent.messages[2]).toEqual({
            role: "tool",
            tool_call_id: "call_1",
            content: "{\"city\":\"Paris\",\"temperature_c\":18}"
          })
        }).pipe(Effect.provide(handlers))
    )
  })

  it.live("reasoning round trip over a stream: the deltas' reasoning_details ride on reasoning-end, folded", () => {
    const d1 = { type: "reasoning.text", text: "Think", index: 0, format: "anthropic-claude-v1" }
    const d2 = { type: "reasoning.text", text: "ing.", signature: "sig-9", index: 0, format: "anthropic-claude-v1" }
    return withModel(
      http,
      [
        Testing.sse([
          chunk({ role: "assistant", content: "", reasoning: "Think", reasoning_details: [d1] }),
          chunk({ reasoning: "ing.", reasoning_details: [d2] }),
          chunk({ content: "Answer" }),
          finishChunk("stop"),
          usageChunk
        ], { done: true }),
        Testing.completion({ content: "ok" })
      ],
      (server) =>
        Effect.gen(function*() {
          const parts = yield* Stream.runCollect(LanguageModel.streamText({ prompt: "Q" }))
          expect(types(parts)).toEqual([
            "response-metadata",
            "reasoning-start",
            "reasoning-delta",
            "reasoning-delta",
            "reasoning-end",
            "text-start",
            "text-delta",
            "text-end",
            "finish"
          ])
          // The two fragments of one block (same type and index) ride as the one block the model made.
          const block = { ...d1, text: "Thinking.", signature: "sig-9" }
          const end = parts[4] as Response.ReasoningEndPart
          expect(end.metadata.openrouter?.reasoningDetails).toEqual([block])
          const prompt = Prompt.concat(Prompt.make("Q"), OpenRouterLanguageModel.fromResponseParts(parts))
          yield* LanguageModel.generateText({ prompt })
          const [, sent] = yield* bodies(server)
          expect(sent.messages[1]).toEqual({ role: "assistant", content: "Answer", reasoning_details: [block] })
        })
    )
  })

  for (
    const [label, fragments] of fragmentCases
  ) {
    it.live(`two tool calls streamed ${label} stay two calls (the shared CallFragments rule)`, () =>
      withModel(
        http,
        Testing.sse([
          chunk({ role: "assistant", content: "" }),
          ...fragments.map((fragment) => chunk({ tool_calls: [fragment] })),
          finishChunk("tool_calls"),
          usageChunk
        ], { done: true }),
        () =>
          Effect.gen(function*() {
            const parts = yield* Stream.runCollect(
              LanguageModel.streamText({ prompt: "Paris and Oslo?", toolkit: Tools })
            )
            const calls = parts.filter((p) => p.type === "tool-call") as Array<Response.ToolCallPart<string, unknown>>
            expect(calls.map((c) => [c.id, c.params])).toEqual([["call_a", { city: "Paris" }], ["call_b", {
              city: "Oslo"
            }]])
            const results = parts.filter((p) => p.type === "tool-result")
            expect(results.map((r) => r.id)).toEqual(["call_a", "call_b"])
          }).pipe(Effect.provide(handlers))
      ))
  }

  it.live("reasoning parts that hold fragments go back as one block per type and index", () => {
    const format = "anthropic-claude-v1"
    const fragments = [
      { type: "reasoning.text", text: "", signature: "", format, index: 0 },
      { type: "reasoning.text", text: "Think", format, index: 0 },
      { type: "reasoning.text", text: "ing.", format, index: 0 },
      { type: "reasoning.text", signature: "sig-1", format, index: 0 }
    ]
    return withModel(http, Testing.completion({ content: "ok" }), (server) =>
      Effect.gen(function*() {
        const prompt = Prompt.make([
          { role: "user", content: "Q" },
          {
            role: "assistant",
            content: [
              {
                type: "reasoning",
                text: "Think",
                options: { openrouter: { reasoningDetails: fragments.slice(0, 2) } }
              },
              { type: "reasoning", text: "ing.", options: { openrouter: { reasoningDetails: fragments.slice(2) } } },
              { type: "text", text: "A" }
            ]
          },
          { role: "user", content: "Again" }
        ])
        yield* LanguageModel.generateText({ prompt })
        const [sent] = yield* bodies(server)
        expect(sent.messages[1].reasoning_details).toEqual([
          { type: "reasoning.text", text: "Thinking.", signature: "sig-1", format, index: 0 }
        ])
      }))
  })

  it.live("parallel tool calls: both handlers run, tools and tool_choice are sent from the toolkit", () =>
    withModel(
      http,
      Testing.sse([
        chunk({ role: "assistant", content: "" }),
        chunk({
          tool_calls: [
            { index: 0, id: "call_a", type: "function", function: { name: "get_weather", arguments: "" } },
            { index: 1, id: "call_b", type: "function", function: { name: "get_weather", arguments: "{\"ci" } }
          ]
        }),
        chunk({
          tool_calls: [
            { index: 0, function: { arguments: "{\"city\":\"Paris\"}" } },
            { index: 1, function: { arguments: "ty\":\"Oslo\"}" } }
          ]
        }),
        finishChunk("tool_calls"),
        usageChunk
      ], { done: true }),
      (server) =>
        Effect.gen(function*() {
          const parts = yield* Stream.runCollect(LanguageModel.streamText({ prompt: "Both?", toolkit: Tools }))
          const results = parts.filter((p) => p.type === "tool-result")
          expect(results.map((r) => [r.id, r.result])).toEqual([
            ["call_a", { city: "Paris", temperature_c: 18 }],
            ["call_b", { city: "Oslo", temperature_c: 9 }]
          ])
          expect(types(parts).indexOf("tool-params-start")).toBeLessThan(types(parts).indexOf("tool-params-delta"))
          const [sent] = yield* bodies(server)
          expect(sent.tool_choice).toBe("auto")
          expect(sent.tools).toEqual([
            {
              type: "function",
              function: {
                name: "get_weather",
                description: "The weather in a city",
                // as Toolkit.definitions sends a tool that does not ask for strict mode: effect/ai's JSON
                // Schema of the parameters (Effect 4 leaves a Struct open)
                parameters: {
                  type: "object",
                  properties: { city: { type: "string" } },
                  required: ["city"],
                  additionalProperties: true
                }
              }
            },
            {
              type: "function",
              function: {
                name: "explode",
                description: "Always fails",
                parameters: {
                  type: "object",
                  properties: { reason: { type: "string" } },
                  required: ["reason"],
                  additionalProperties: true
                }
              }
            }
          ])
        }).pipe(Effect.provide(handlers))
    ))

  it.live("a tool that fails: the failure is a tool result, sent back to the model as the tool message", () =>
    withModel(
      http,
      [
        Testing.completion({ toolCalls: [{ id: "call_x", name: "explode", arguments: { reason: "test" } }] }),
        Testing.completion({ content: "It failed" })
      ],
      (server) =>
        Effect.gen(function*() {
          const turn1 = yield* LanguageModel.generateText({
            prompt: "Blow up",
            toolkit: Tools,
            toolChoice: { tool: "explode" }
          })
          const result = turn1.toolResults[0]!
          expect(result.isFailure).toBe(true)
          expect(result.result).toEqual({ error: "boom: test" })
          yield* LanguageModel.generateText({
            prompt: Prompt.concat(Prompt.make("Blow up"), Prompt.fromResponseParts(turn1.content)),
            toolkit: Tools
          })
          const [first, second] = yield* bodies(server)
          expect(first.tool_choice).toEqual({ type: "function", function: { name: "explode" } })
          expect(second.messages.at(-1)).toEqual({
            role: "tool",
            tool_call_id: "call_x",
            content: "{\"error\":\"boom: test\"}"
          })
        }).pipe(Effect.provide(handlers))
    ))

  it.live("a tool with no success Schema (void) goes back as the tool message \"null\", and the next turn is answered", () => {
    const Ping = Tool.make("ping", { description: "Returns nothing" })
    const PingTools = Toolkit.make(Ping)
    return withModel(
      http,
      [
        Testing.completion({ toolCalls: [{ id: "call_p", name: "ping", arguments: {} }] }),
        Testing.completion({ content: "Pinged" })
      ],
      (server) =>
        Effect.gen(function*() {
          const turn1 = yield* LanguageModel.generateText({ prompt: "Ping", toolkit: PingTools })
          expect(turn1.toolResults[0]!.result).toBeUndefined()
          const turn2 = yield* LanguageModel.generateText({
            prompt: Prompt.concat(Prompt.make("Ping"), Prompt.fromResponseParts(turn1.content)),
            toolkit: PingTools
          })
          expect(turn2.text).toBe("Pinged")
          const [, second] = yield* bodies(server)
          expect(second.messages.at(-1)).toEqual({ role: "tool", tool_call_id: "call_p", content: "null" })
        }).pipe(Effect.provide(PingTools.toLayer({ ping: () => Effect.void })))
    )
  })

  it.live("generateObject: response_format json_schema from effect/ai's toCodecOpenAI, strict; a non-object root falls back to strict: false", () => {
    const Event = Schema.Struct({ title: Schema.String, year: Schema.Finite })
    const Loose = Schema.Struct({ title: Schema.String, note: Schema.optionalKey(Schema.String) })
    const Tags = Schema.Array(Schema.String)
    return withModel(
      http,
      [
        Testing.completion({ content: "{\"title\":\"Effect Days\",\"year\":2026}" }),
        Testing.completion({ content: "{\"title\":\"x\",\"note\":null}" }),
        Testing.completion({ content: "[\"a\",\"b\"]" })
      ],
      (server) =>
        Effect.gen(function*() {
          const response = yield* LanguageModel.generateObject({
            prompt: "Extract",
            schema: Event,
            objectName: "event"
          })
          expect(response.value).toEqual({ title: "Effect Days", year: 2026 })
          // strict mode's null for an optional field is an absent key, as effect/ai's codec reads it
          const loose = yield* LanguageModel.generateObject({ prompt: "Extract", schema: Loose, objectName: "loose" })
          expect(loose.value).toEqual({ title: "x" })
          const tags = yield* LanguageModel.generateObject({ prompt: "Tags", schema: Tags, objectName: "tags" })
          expect(tags.value).toEqual(["a", "b"])
          const [first, second, third] = yield* bodies(server)
          expect(first.response_format).toEqual({
            type: "json_schema",
            json_schema: {
              name: "event",
              strict: true,
              schema: {
                type: "object",
                required: ["title", "year"],
                properties: { title: { type: "string" }, year: { type: "number" } },
                additionalProperties: false
              }
            }
          })
          expect(second.response_format.json_schema.strict).toBe(true)
          expect(second.response_format.json_schema.schema.required).toEqual(["title", "note"])
          expect(second.response_format.json_schema.schema.properties.note).toEqual({
            anyOf: [{ type: "string" }, { type: "null" }]
          })
          expect(third.response_format.json_schema.strict).toBe(false)
          expect(third.response_format.json_schema.schema.type).toBe("array")
        })
    )
  })

  it.live("generateObject: config.strictJsonSchema wins over the derived strictness", () =>
    withModel(
      http,
      Testing.completion({ content: "{\"title\":\"x\"}" }),
      (server) =>
        Effect.gen(function*() {
          yield* LanguageModel.generateObject({
            prompt: "Extract",
            schema: Schema.Struct({ title: Schema.String }),
            objectName: "a name with spaces"
          })
          const [sent] = yield* bodies(server)
          expect(sent.response_format.json_schema.strict).toBe(false)
          expect(sent.response_format.json_schema.name).toBe("a_name_with_spaces")
        }),
      { config: { strictJsonSchema: false } }
    ))

  it.live("generateObject: an answer nested deeper than 128 levels is InvalidOutputError with the usage, not a defect", () =>
    withModel(
      http,
      Testing.completion({
        content: "[".repeat(5000) + "]".repeat(5000),
        usage: { prompt_tokens: 3, completion_tokens: 5000, total_tokens: 5003 }
      }),
      () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(LanguageModel.generateObject({
            prompt: "Extract",
            schema: Schema.Struct({ title: Schema.String }),
            objectName: "event"
          }))
          expect(error.reason._tag).toBe("InvalidOutputError")
          if (error.reason._tag !== "InvalidOutputError") return
          expect(error.reason.description).toContain("nested deeper than 128 levels")
          expect(error.reason.usage).toEqual({ promptTokens: 3, completionTokens: 5000, totalTokens: 5003 })
        })
    ))

  it.live("tool-call arguments nested deeper than 128 levels are InvalidOutputError, not a defect", () =>
    withModel(
      http,
      Testing.completion({
        toolCalls: [{ id: "c", name: "get_weather", arguments: `{"city":${"[".repeat(5000)}${"]".repeat(5000)}}` }]
      }),
      () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(LanguageModel.generateText({ prompt: "Hi", toolkit: Tools }))
          expect(error.reason._tag).toBe("InvalidOutputError")
        }).pipe(Effect.provide(handlers))
    ))

  it.live("a mid-stream error fails the stream with InternalProviderError carrying the MidStreamError", () =>
    withModel(
      http,
      Testing.midStreamError({ after: 2, deltas: ["Once ", "upon"], code: 502, message: "Upstream died" }),
      () =>
        Effect.gen(function*() {
          const seen: Array<string> = []
          const error = yield* LanguageModel.streamText({ prompt: "Story" }).pipe(
            Stream.runForEach((part) =>
              Effect.sync(() => seen.push(part.type === "text-delta" ? part.delta : part.type))
            ),
            Effect.flip
          )
          expect(seen).toEqual(["response-metadata", "text-start", "Once ", "upon"])
          expect(error.reason._tag).toBe("InternalProviderError")
          if (error.reason._tag !== "InternalProviderError") return
          expect(error.isRetryable).toBe(true)
          const cause = (error.reason as { readonly cause?: unknown }).cause
          expect(cause).toBeInstanceOf(Errors.MidStreamError)
          expect((cause as Errors.MidStreamError).message).toBe("Upstream died")
          expect((cause as Errors.MidStreamError).contentEmitted).toBe(true)
          expect(error.reason.metadata.openrouter).toMatchObject({ code: 502, contentEmitted: true })
        })
    ))

  it.live("a stream cut off before [DONE] (truncation) is NetworkError with the ConnectionError as cause", () =>
    withModel(http, Testing.truncated({ after: 2 }), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Stream.runDrain(LanguageModel.streamText({ prompt: "Hi" })))
        expect(error.reason._tag).toBe("NetworkError")
        if (error.reason._tag !== "NetworkError") return
        expect(error.reason.cause).toBeInstanceOf(Errors.ConnectionError)
        expect((error.reason.cause as Errors.ConnectionError).reason).toBe("StreamCutOff")
      })))

  it.live("retries a 429 under the configured policy, honouring Retry-After, then answers", () =>
    withModel(
      http,
      [Testing.error(429, { retryAfter: 0 }), Testing.completion({ content: "after the wait" })],
      (server) =>
        Effect.gen(function*() {
          const response = yield* LanguageModel.generateText({ prompt: "Hi" })
          expect(response.text).toBe("after the wait")
          expect((yield* server.requests).length).toBe(2)
        }),
      { client: { retry: Retry.make({ baseDelay: "5 millis", jitter: 0 }) } }
    ))

  it.live("interrupting streamText closes the connection", () =>
    withModel(http, Testing.hang({ after: 2 }), (server) =>
      Effect.gen(function*() {
        // Interrupt once a part has arrived (the server is then hanging mid-body), not after a guessed delay.
        const started = yield* Deferred.make<void>()
        const fiber = yield* Effect.forkChild(
          Stream.runDrain(
            Stream.tap(LanguageModel.streamText({ prompt: "Hi" }), () => Deferred.succeed(started, void 0))
          )
        )
        yield* Deferred.await(started)
        yield* Fiber.interrupt(fiber)
        yield* server.awaitAbort
        expect(yield* server.aborted).toBe(1)
      })))
})

describe.each(httpClients)("OpenRouterLanguageModel (Effect 4) request mapping over %s", (_name, http) => {
  it.live("OpenRouter fields from the config and withConfigOverride reach the request", () =>
    withModel(
      http,
      [Testing.completion(), Testing.completion()],
      (server) =>
        Effect.gen(function*() {
          yield* LanguageModel.generateText({ prompt: "Hi" })
          yield* LanguageModel.generateText({ prompt: "Hi" }).pipe(
            OpenRouterLanguageModel.withConfigOverride({ model: "openai/gpt-4o", reasoning: { effort: "high" } })
          )
          const [first, second] = yield* bodies(server)
          expect(first).toMatchObject({
            model: MODEL,
            models: ["openai/gpt-4o-mini"],
            provider: { order: ["anthropic"], allow_fallbacks: false },
            plugins: [{ id: "web" }],
            transforms: ["middle-out"],
            reasoning: { max_tokens: 2000 }
          })
          expect(second.model).toBe("openai/gpt-4o")
          expect(second.reasoning).toEqual({ effort: "high" })
        }),
      {
        config: {
          models: ["openai/gpt-4o-mini"],
          provider: { order: ["anthropic"], allow_fallbacks: false },
          plugins: [{ id: "web" }],
          transforms: ["middle-out"],
          reasoning: { max_tokens: 2000 }
        }
      }
    ))

  it.live("OpenRouter's server tools from the config are sent after the toolkit's functions", () =>
    withModel(
      http,
      Testing.completion(),
      (server) =>
        Effect.gen(function*() {
          yield* LanguageModel.generateText({ prompt: "Hi", toolkit: Tools }).pipe(Effect.provide(handlers))
          const [sent] = yield* bodies(server)
          expect(sent.tools.map((t: Wire) => t.type)).toEqual(["function", "function", "openrouter:web_search"])
        }),
      { config: { tools: [{ type: "openrouter:web_search" }] } }
    ))

  it.live("a prompt JSON cannot carry is InvalidUserInputError, not a defect, and nothing is sent", () =>
    withModel(http, Testing.completion(), (server) =>
      Effect.gen(function*() {
        const prompt = Prompt.fromMessages([
          Prompt.makeMessage("assistant", {
            content: [Prompt.makePart("tool-call", { id: "c", name: "f", params: { n: 1n }, providerExecuted: false })]
          })
        ])
        const error = yield* Effect.flip(LanguageModel.generateText({ prompt }))
        expect(error.reason._tag).toBe("InvalidUserInputError")
        expect((yield* server.requests).length).toBe(0)
      })))

  it.live("audio by URL (no input_audio form) is InvalidUserInputError, and nothing is sent", () =>
    withModel(http, Testing.completion(), (server) =>
      Effect.gen(function*() {
        const prompt = Prompt.fromMessages([
          Prompt.makeMessage("user", {
            content: [Prompt.makePart("file", { mediaType: "audio/wav", data: new URL("https://example.com/a.wav") })]
          })
        ])
        const error = yield* Effect.flip(LanguageModel.generateText({ prompt }))
        expect(error.reason._tag).toBe("InvalidUserInputError")
        expect((yield* server.requests).length).toBe(0)
      })))

  it.live("user content: images, files and audio become OpenRouter content parts; cache control rides along", () =>
    withModel(http, Testing.completion(), (server) =>
      Effect.gen(function*() {
        yield* LanguageModel.generateText({
          prompt: Prompt.fromMessages([
            Prompt.makeMessage("system", {
              content: "Cached system",
              options: { openrouter: { cacheControl: { type: "ephemeral" } } }
            }),
            Prompt.makeMessage("user", {
              content: [
                Prompt.makePart("text", { text: "Look" }),
                Prompt.makePart("file", { mediaType: "image/png", data: new URL("https://example.com/a.png") }),
                Prompt.makePart("file", {
                  mediaType: "image/jpeg",
                  data: new Uint8Array([1, 2, 3]),
                  options: { openrouter: { imageDetail: "low" } }
                }),
                Prompt.makePart("file", { mediaType: "application/pdf", fileName: "doc.pdf", data: "JVBERi0=" }),
                Prompt.makePart("file", { mediaType: "audio/wav", data: new Uint8Array([4, 5]) }),
                Prompt.makePart("file", { mediaType: "video/mp4", data: new URL("https://example.com/v.mp4") })
              ]
            })
          ])
        })
        const [sent] = yield* bodies(server)
        expect(sent.messages[0]).toEqual({
          role: "system",
          content: [{ type: "text", text: "Cached system", cache_control: { type: "ephemeral" } }]
        })
        expect(sent.messages[1].content).toEqual([
          { type: "text", text: "Look" },
          { type: "image_url", image_url: { url: "https://example.com/a.png" } },
          { type: "image_url", image_url: { url: "data:image/jpeg;base64,AQID", detail: "low" } },
          { type: "file", file: { filename: "doc.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } },
          { type: "input_audio", input_audio: { data: "BAU=", format: "wav" } },
          { type: "video_url", video_url: { url: "https://example.com/v.mp4" } }
        ])
      })))

  it.live("a tool call whose arguments are not JSON is InvalidOutputError", () =>
    withModel(
      http,
      Testing.completion({ toolCalls: [{ id: "c", name: "get_weather", arguments: "{not json" }] }),
      () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(LanguageModel.generateText({ prompt: "Hi", toolkit: Tools }))
          expect(error.reason._tag).toBe("InvalidOutputError")
        }).pipe(Effect.provide(handlers))
    ))

  it.live("URL citations become source parts, generated images file parts, a refusal rides on the text", () =>
    withModel(
      http,
      json({
        id: "gen-c",
        object: "chat.completion",
        created: 1700000000,
        model: MODEL,
        choices: [{
          index: 0,
          finish_reason: "stop",
          message: {
            role: "assistant",
            content: "See",
            refusal: "partly",
            annotations: [{
              type: "url_citation",
              url_citation: { url: "https://e.com", title: "E", content: "c", start_index: 1, end_index: 2 }
            }],
            images: [{ type: "image_url", image_url: { url: "data:image/webp;base64,AAAA" } }]
          }
        }]
      }),
      () =>
        Effect.gen(function*() {
          const response = yield* LanguageModel.generateText({ prompt: "Hi" })
          expect(types(response.content)).toEqual(["response-metadata", "text", "source", "file", "finish"])
          const text = response.content[1] as Response.TextPart
          expect(text.metadata.openrouter?.refusal).toBe("partly")
          const source = response.content[2] as Response.UrlSourcePart
          expect([source.url.toString(), source.title]).toEqual(["https://e.com/", "E"])
          expect(source.metadata.openrouter).toEqual({ content: "c", startIndex: 1, endIndex: 2 })
          const file = response.content[3] as Response.FilePart
          expect(file.mediaType).toBe("image/webp")
        })
    ))
})

const finishReasons = finishReasonCases as ReadonlyArray<readonly [string | null, Response.FinishReason]>

describe("OpenRouterLanguageModel (Effect 4) finish reasons", () => {
  it.effect.each(finishReasons)(
    "finish_reason %s is %s, for generateText and streamText",
    ([wire, mapped]) =>
      Effect.gen(function*() {
        const text = yield* LanguageModel.generateText({ prompt: "Hi" })
        expect(text.finishReason).toBe(mapped)
        const parts = yield* Stream.runCollect(LanguageModel.streamText({ prompt: "Hi" }))
        expect((parts.at(-1) as Response.FinishPart).reason).toBe(mapped)
      }).pipe(
        Effect.provide(OpenRouterLanguageModel.layer({ model: MODEL })),
        Effect.provide(
          Testing.layerWithConfig((request) =>
            (request.body as { readonly stream?: boolean }).stream === true
              ? Testing.stream({ deltas: ["Hello"], finishReason: wire })
              : Testing.completion({ content: "Hello", finishReason: wire }), { retry: false })
        )
      )
  )
})

describe("OpenRouterLanguageModel (Effect 4) model", () => {
  it.effect("model(name) is an effect/ai Model that provides the LanguageModel for that name", () =>
    Effect.gen(function*() {
      const response = yield* LanguageModel.generateText({ prompt: "Hi" }).pipe(
        Effect.provide(OpenRouterLanguageModel.model("openai/gpt-4o-mini", { temperature: 0.5 }))
      )
      expect(response.text).toBe("Hello")
      expect(AiError.isAiError(response)).toBe(false)
    }).pipe(
      Effect.provide(Testing.layerWithConfig((request) => {
        const body = request.body as { readonly model?: string; readonly temperature?: number }
        return body.model === "openai/gpt-4o-mini" && body.temperature === 0.5
          ? Testing.completion({ content: "Hello" })
          : Testing.error(400, { message: `unexpected ${JSON.stringify(body)}` })
      }, { retry: false }))
    ))
})

/** The requests a program sent to the in-process emulator, with the provider for MODEL in place. */
const sentBodies = <A, E>(
  program: Effect.Effect<A, E, LanguageModel.LanguageModel>,
  script: Testing.Script = Testing.completion()
) =>
  Effect.gen(function*() {
    const recorder = yield* Testing.Recorder
    yield* Effect.exit(program.pipe(Effect.provide(OpenRouterLanguageModel.layer({ model: MODEL }))))
    return (yield* recorder.requests).map((r) => r.body as Wire)
  }).pipe(Effect.provide(Testing.layerWithConfig(script, { retry: false })))

const Optional = Tool.make("optional_arg", {
  parameters: Schema.Struct({ city: Schema.String, unit: Schema.optionalKey(Schema.String) })
})
const StrictByAnnotation = Tool.make("annotated", {
  parameters: Schema.Struct({ unit: Schema.optionalKey(Schema.String) })
}).annotate(Tool.Strict, true)
const Choices = Toolkit.make(GetWeather, Explode, Optional, StrictByAnnotation)

// Every tool_choice effect/ai has, as sent; `oneOf` narrows `tools` (effect/ai) and its `mode` is the choice.
const toolChoices: ReadonlyArray<
  readonly [
    string,
    LanguageModel.ToolChoice<"get_weather" | "explode" | "optional_arg" | "annotated">,
    unknown,
    ReadonlyArray<string>
  ]
> = [
  ["auto", "auto", "auto", ["get_weather", "explode", "optional_arg", "annotated"]],
  ["none", "none", "none", ["get_weather", "explode", "optional_arg", "annotated"]],
  ["required", "required", "required", ["get_weather", "explode", "optional_arg", "annotated"]],
  ["one tool", { tool: "explode" }, { type: "function", function: { name: "explode" } }, [
    "get_weather",
    "explode",
    "optional_arg",
    "annotated"
  ]],
  ["oneOf", { oneOf: ["get_weather"] }, "auto", ["get_weather"]],
  ["oneOf, required", { mode: "required", oneOf: ["explode"] }, "required", ["explode"]]
]

// Every audio media type with a format of its own; another audio/x goes as x.
const audioTypes: ReadonlyArray<readonly [string, string]> = [
  ["audio/wav", "wav"],
  ["audio/x-wav", "wav"],
  ["audio/wave", "wav"],
  ["audio/mpeg", "mp3"],
  ["audio/mp3", "mp3"],
  ["audio/flac", "flac"],
  ["audio/ogg", "ogg"],
  ["audio/aac", "aac"],
  ["audio/mp4", "m4a"],
  ["audio/aiff", "aiff"],
  ["audio/webm", "webm"],
  ["audio/opus", "opus"]
]

describe("OpenRouterLanguageModel (Effect 4) mapping tables", () => {
  it.effect.each(toolChoices)("toolChoice %s", ([_label, choice, wire, names]) =>
    Effect.gen(function*() {
      const [sent] = yield* sentBodies(
        LanguageModel.generateText({ prompt: "Hi", toolkit: Choices, toolChoice: choice }).pipe(
          Effect.provide(Choices.toLayer({
            get_weather: ({ city }) => Effect.succeed({ city, temperature_c: 1 }),
            explode: () => Effect.fail({ error: "x" }),
            optional_arg: () => Effect.void,
            annotated: () => Effect.void
          }))
        )
      )
      expect(sent.tool_choice).toEqual(wire)
      expect(sent.tools.map((t: Wire) => t.function.name)).toEqual(names)
    }))

  it.effect("a tool goes strict only when it asks (Tool.Strict), in the strict form, as Toolkit.definitions sends it", () =>
    Effect.gen(function*() {
      const [sent] = yield* sentBodies(
        LanguageModel.generateText({ prompt: "Hi", toolkit: Choices }).pipe(
          Effect.provide(Choices.toLayer({
            get_weather: ({ city }) => Effect.succeed({ city, temperature_c: 1 }),
            explode: () => Effect.fail({ error: "x" }),
            optional_arg: () => Effect.void,
            annotated: () => Effect.void
          }))
        )
      )
      const byName = Object.fromEntries(sent.tools.map((t: Wire) => [t.function.name, t.function]))
      expect(byName.optional_arg.strict).toBeUndefined()
      expect(byName.optional_arg.parameters.additionalProperties).not.toBe(false)
      expect(byName.get_weather.strict).toBeUndefined()
      expect(byName.annotated).toEqual({
        name: "annotated",
        // the strict form: every property required, an optional one nullable, closed
        parameters: {
          type: "object",
          properties: { unit: { anyOf: [{ type: "string" }, { type: "null" }] } },
          required: ["unit"],
          additionalProperties: false
        },
        strict: true
      })
    }))

  it.effect.each(audioTypes)("audio %s goes as input_audio format %s", ([mediaType, format]) =>
    Effect.gen(function*() {
      const [sent] = yield* sentBodies(LanguageModel.generateText({
        prompt: Prompt.fromMessages([
          Prompt.makeMessage("user", { content: [Prompt.makePart("file", { mediaType, data: new Uint8Array([1]) })] })
        ])
      }))
      expect(sent.messages[0].content).toEqual([{ type: "input_audio", input_audio: { data: "AQ==", format } }])
    }))

  it.effect("a created timestamp out of Date's range is left out of the metadata, and the answer is kept", () =>
    Effect.gen(function*() {
      const response = yield* LanguageModel.generateText({ prompt: "Hi" })
      expect(response.text).toBe("kept")
      expect((response.content[0] as Response.ResponseMetadataPart).timestamp).toBeUndefined()
      const parts = yield* Stream.runCollect(LanguageModel.streamText({ prompt: "Hi" }))
      expect(parts.filter((p) => p.type === "text-delta").map((p) => p.delta).join("")).toBe("kept")
    }).pipe(
      Effect.provide(OpenRouterLanguageModel.layer({ model: MODEL })),
      Effect.provide(
        Testing.layerWithConfig((request) =>
          (request.body as { readonly stream?: boolean }).stream === true
            ? Testing.stream({ deltas: ["kept"], created: 1e20 })
            : Testing.completion({ content: "kept", created: 1e20 }), { retry: false })
      )
    ))
})
