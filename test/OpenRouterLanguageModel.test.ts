/**
 * The @effect/ai provider, driven through @effect/ai's own LanguageModel functions against the
 * emulator over real sockets, with both HTTP clients.
 */
import * as AiError from "@effect/ai/AiError"
import * as LanguageModel from "@effect/ai/LanguageModel"
import * as Prompt from "@effect/ai/Prompt"
import type * as Response from "@effect/ai/Response"
import * as Tool from "@effect/ai/Tool"
import * as Toolkit from "@effect/ai/Toolkit"
import type * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Errors, type OpenRouterConfig, Retry } from "../src/index.js"
import * as OpenRouterLanguageModel from "../src/OpenRouterLanguageModel.js"
import * as Testing from "../src/Testing.js"
import type * as TestServer from "../src/TestServer.js"
import { httpClients, recordingTracer, SECRET, withServer } from "./support/harness.js"
import {
  chunk,
  finishChunk,
  finishReasonCases,
  fragmentCases,
  MODEL,
  reasoningToolCall,
  signedDetails,
  usageChunk
} from "./support/providerCases.js"
import type { Wire } from "./support/wire.js"

/** Runs a program against the emulator with the provider for MODEL (and optional config) in place. */
const withModel = <A, E>(
  http: Layer.Layer<HttpClient.HttpClient>,
  script: Testing.Script,
  body: (server: TestServer.TestServer) => Effect.Effect<A, E, LanguageModel.LanguageModel>,
  options: {
    readonly config?: OpenRouterLanguageModel.Config.Service
    readonly client?: Parameters<typeof withServer>[3]
  } = {}
) =>
  withServer(
    http,
    script,
    (server): Effect.Effect<A, E, HttpClient.HttpClient | OpenRouterConfig> =>
      Effect.provide(body(server), OpenRouterLanguageModel.layer({ model: MODEL, config: options.config })),
    options.client
  )

const bodies = (server: TestServer.TestServer) =>
  Effect.map(server.requests, (requests) => requests.map((r) => r.body as Wire))

const json = (body: unknown): Testing.Reply =>
  Testing.raw({ status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

const GetWeather = Tool.make("get_weather", {
  description: "The weather in a city",
  parameters: { city: Schema.String },
  success: Schema.Struct({ city: Schema.String, temperature_c: Schema.Number })
})

const Explode = Tool.make("explode", {
  description: "Always fails",
  parameters: { reason: Schema.String },
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

describe.each(httpClients)("OpenRouterLanguageModel over %s", (_name, http) => {
  it.scopedLive("generateText: text, response metadata, finish with usage, cost, provider and generation id", () =>
    withModel(
      http,
      Testing.completion({
        content: "Hello there",
        id: "gen-abc",
        provider: "Anthropic",
        model: MODEL,
        created: 1700000000,
        usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, cost: 0.0001 }
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
          expect(meta.id).toEqual(Option.some("gen-abc"))
          expect(meta.modelId).toEqual(Option.some(MODEL))
          expect(meta.metadata.openrouter).toEqual({ provider: "Anthropic", generationId: "gen-abc" })
          expect(response.finishReason).toBe("stop")
          expect(response.usage.inputTokens).toBe(10)
          expect(response.usage.outputTokens).toBe(3)
          const finish = response.content.at(-1) as Response.FinishPart
          expect(finish.metadata.openrouter?.cost).toBe(0.0001)
          expect(finish.metadata.openrouter?.provider).toBe("Anthropic")
          expect(finish.metadata.openrouter?.generationId).toBe("gen-abc")
          const [sent] = yield* bodies(server)
          expect(sent.model).toBe(MODEL)
          expect(sent.messages).toEqual([{ role: "system", content: "Be brief" }, { role: "user", content: "Hi" }])
          expect(sent.tools).toBeUndefined()
          expect(sent.tool_choice).toBeUndefined()
        })
    ))

  it.scopedLive("streamText: parts in @effect/ai's order, finish last with the usage chunk's usage and cost", () =>
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
          const parts = Chunk.toArray(yield* Stream.runCollect(LanguageModel.streamText({ prompt: "Hi" })))
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
          expect(finish.usage.totalTokens).toBe(19)
          expect(finish.metadata.openrouter?.cost).toBe(0.00042)
          expect(finish.metadata.openrouter?.generationId).toBe("gen-stream-1")
        })
    ))

  it.scopedLive("reasoning round trip: reasoning_details come back unchanged on the next turn", () => {
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
          const prompt = Prompt.merge(
            Prompt.make("Weather in Paris?"),
            OpenRouterLanguageModel.fromResponseParts(turn1.content)
          )
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

  it.scopedLive("reasoning round trip over a stream: the deltas' reasoning_details ride on reasoning-end", () => {
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
          const parts = Chunk.toArray(yield* Stream.runCollect(LanguageModel.streamText({ prompt: "Q" })))
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
          const prompt = Prompt.merge(Prompt.make("Q"), OpenRouterLanguageModel.fromResponseParts(parts))
          yield* LanguageModel.generateText({ prompt })
          const [, sent] = yield* bodies(server)
          expect(sent.messages[1]).toEqual({ role: "assistant", content: "Answer", reasoning_details: [block] })
        })
    )
  })

  for (
    const [label, fragments] of fragmentCases
  ) {
    it.scopedLive(`two tool calls streamed ${label} stay two calls`, () =>
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
            const parts = Chunk.toArray(
              yield* Stream.runCollect(LanguageModel.streamText({ prompt: "Paris and Oslo?", toolkit: Tools }))
            )
            const calls = parts.filter((p) => p.type === "tool-call") as Array<Response.ToolCallPart<string, unknown>>
            expect(calls.map((c) => [c.id, c.params])).toEqual([["call_a", { city: "Paris" }], ["call_b", {
              city: "Oslo"
            }]])
            const results = parts.filter((p) => p.type === "tool-result") as Array<
              Response.ToolResultPart<string, unknown, unknown>
            >
            expect(results.map((r) => r.id)).toEqual(["call_a", "call_b"])
          }).pipe(Effect.provide(handlers))
      ))
  }

  it.scopedLive("reasoning parts that hold fragments go back as one block per type and index", () => {
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

  it.scopedLive("parallel tool calls: both handlers run, tools and tool_choice are sent from the toolkit", () =>
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
        chunk({ tool_calls: [{ index: 0, function: { arguments: "{\"city\":\"Paris\"}" } }] }),
        chunk({ tool_calls: [{ index: 1, function: { arguments: "ty\":\"Oslo\"}" } }] }),
        finishChunk("tool_calls"),
        usageChunk
      ], { done: true }),
      (server) =>
        Effect.gen(function*() {
          const parts = Chunk.toArray(
            yield* Stream.runCollect(LanguageModel.streamText({ prompt: "Paris and Oslo?", toolkit: Tools }))
          )
          expect(types(parts)).toEqual([
            "response-metadata",
            "tool-params-start",
            "tool-params-start",
            "tool-params-delta",
            "tool-params-delta",
            "tool-params-delta",
            "tool-params-end",
            "tool-call",
            "tool-params-end",
            "tool-call",
            "tool-result",
            "tool-result",
            "finish"
          ])
          const deltas = parts.filter((p): p is Response.ToolParamsDeltaPart => p.type === "tool-params-delta")
          expect(deltas.filter((d) => d.id === "call_b").map((d) => d.delta).join("")).toBe("{\"city\":\"Oslo\"}")
          const results = parts.filter((p) => p.type === "tool-result") as Array<
            Response.ToolResultPart<string, unknown, unknown>
          >
          expect(results.map((r) => [r.id, r.result])).toEqual([
            ["call_a", { city: "Paris", temperature_c: 18 }],
            ["call_b", { city: "Oslo", temperature_c: 9 }]
          ])
          expect((parts.at(-1) as Response.FinishPart).reason).toBe("tool-calls")
          const [sent] = yield* bodies(server)
          expect(sent.tool_choice).toBe("auto")
          expect(sent.tools.map((t: Wire) => t.function.name)).toEqual(["get_weather", "explode"])
          expect(sent.tools[0]).toEqual({
            type: "function",
            function: {
              name: "get_weather",
              description: "The weather in a city",
              strict: true,
              parameters: {
                type: "object",
                required: ["city"],
                properties: { city: { type: "string" } },
                additionalProperties: false
              }
            }
          })
        }).pipe(Effect.provide(handlers))
    ))

  it.scopedLive("a tool that fails: the failure is a tool result, sent back to the model as the tool message", () =>
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
            prompt: Prompt.merge(Prompt.make("Blow up"), Prompt.fromResponseParts(turn1.content)),
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

  it.scopedLive("a tool with no result Schema (void) goes back as the tool message \"null\", and the next turn is answered", () => {
    const Ping = Tool.make("ping", { description: "Returns nothing", parameters: {} })
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
            prompt: Prompt.merge(Prompt.make("Ping"), Prompt.fromResponseParts(turn1.content)),
            toolkit: PingTools
          })
          expect(turn2.text).toBe("Pinged")
          const [, second] = yield* bodies(server)
          expect(second.messages.at(-1)).toEqual({ role: "tool", tool_call_id: "call_p", content: "null" })
        }).pipe(Effect.provide(PingTools.toLayer({ ping: () => Effect.void })))
    )
  })

  it.scopedLive("generateObject: response_format json_schema, strict when the schema allows it", () => {
    const Event = Schema.Struct({ title: Schema.String, year: Schema.Number })
    const Loose = Schema.Struct({ title: Schema.String, note: Schema.optional(Schema.String) })
    return withModel(
      http,
      [
        Testing.completion({ content: "{\"title\":\"Effect Days\",\"year\":2026}" }),
        Testing.completion({ content: "{\"title\":\"x\"}" })
      ],
      (server) =>
        Effect.gen(function*() {
          const response = yield* LanguageModel.generateObject({
            prompt: "Extract",
            schema: Event,
            objectName: "event"
          })
          expect(response.value).toEqual({ title: "Effect Days", year: 2026 })
          const loose = yield* LanguageModel.generateObject({ prompt: "Extract", schema: Loose, objectName: "loose" })
          expect(loose.value).toEqual({ title: "x" })
          const [first, second] = yield* bodies(server)
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
          expect(second.response_format.json_schema.strict).toBe(false)
        })
    )
  })

  it.scopedLive("a mid-stream error fails the stream with HttpResponseError carrying the MidStreamError", () =>
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
          expect(error._tag).toBe("HttpResponseError")
          if (error._tag !== "HttpResponseError") return
          expect(error.response.status).toBe(502)
          expect(error.cause).toBeInstanceOf(Errors.MidStreamError)
          expect((error.cause as Errors.MidStreamError).message).toBe("Upstream died")
          expect((error.cause as Errors.MidStreamError).contentEmitted).toBe(true)
        })
    ))

  it.scopedLive("retries a 429 under the configured policy, then answers", () =>
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

  it.scopedLive("a 429 that is not retried is HttpResponseError with the TooManyRequestsResponseError as cause", () =>
    withModel(http, Testing.error(429, { retryAfter: 7 }), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(LanguageModel.generateText({ prompt: "Hi" }))
        expect(AiError.isAiError(error)).toBe(true)
        expect(error._tag).toBe("HttpResponseError")
        if (error._tag !== "HttpResponseError") return
        expect(error.reason).toBe("StatusCode")
        expect(error.response.status).toBe(429)
        expect(error.cause).toBeInstanceOf(Errors.TooManyRequestsResponseError)
        expect((error.cause as Errors.TooManyRequestsResponseError).retryAfter).toBeDefined()
        expect(JSON.stringify(error)).not.toContain(SECRET)
        expect(error.message).not.toContain(SECRET)
      })))

  it.scopedLive("interrupting streamText closes the connection", () =>
    withModel(http, Testing.hang({ after: 2 }), (server) =>
      Effect.gen(function*() {
        // Interrupt once a part has arrived (the server is then hanging mid-body), not after a guessed
        // delay: on a loaded machine the request may not have reached the server yet.
        const started = yield* Deferred.make<void>()
        const fiber = yield* Effect.fork(
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

describe.each(httpClients)("OpenRouterLanguageModel mapping over %s", (_name, http) => {
  it.scopedLive("annotates @effect/ai's span with GenAI attributes, and never the key", () =>
    withModel(
      http,
      Testing.completion({ id: "gen-span", model: MODEL, usage: { prompt_tokens: 4, completion_tokens: 2 } }),
      () =>
        Effect.gen(function*() {
          const { spans, tracer } = yield* recordingTracer
          yield* LanguageModel.generateText({ prompt: "Hi" }).pipe(Effect.withTracer(tracer))
          const span = spans.find((s) => s.name === "LanguageModel.generateText")!
          expect(span.attributes.get("gen_ai.system")).toBe("openrouter")
          expect(span.attributes.get("gen_ai.request.model")).toBe(MODEL)
          expect(span.attributes.get("gen_ai.response.id")).toBe("gen-span")
          expect(span.attributes.get("gen_ai.usage.input_tokens")).toBe(4)
          expect(JSON.stringify([...span.attributes.values()])).not.toContain(SECRET)
        })
    ))

  it.scopedLive("an invalid request is MalformedInput with InvalidRequestError as cause, and nothing is sent", () =>
    withModel(
      http,
      Testing.completion(),
      (server) =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(LanguageModel.generateText({ prompt: "Hi" }))
          expect(error._tag).toBe("MalformedInput")
          expect((error as AiError.MalformedInput).cause).toBeInstanceOf(Errors.InvalidRequestError)
          expect((yield* server.requests).length).toBe(0)
        }),
      { config: { temperature: 5 } }
    ))

  it.scopedLive("a refused connection is HttpRequestError (Transport) with ConnectionError as cause", () =>
    withModel(
      http,
      Testing.completion(),
      () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(LanguageModel.generateText({ prompt: "Hi" }))
          expect(error._tag).toBe("HttpRequestError")
          if (error._tag !== "HttpRequestError") return
          expect(error.reason).toBe("Transport")
          expect(error.cause).toBeInstanceOf(Errors.ConnectionError)
          expect(JSON.stringify(error.request)).not.toContain(SECRET)
        }),
      { client: { baseUrl: "http://127.0.0.1:9/api/v1" } }
    ))

  it.scopedLive("OpenRouter fields from the config and withConfigOverride reach the request", () =>
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
          reasoning: { max_tokens: 2000 },
          tools: [{ type: "openrouter:web_search" }]
        }
      }
    ))

  it.scopedLive("OpenRouter's server tools from the config are sent after the toolkit's functions", () =>
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

  it.scopedLive("a prompt JSON cannot carry is MalformedInput, not a defect, and nothing is sent", () =>
    withModel(http, Testing.completion(), (server) =>
      Effect.gen(function*() {
        const prompt = Prompt.fromMessages([
          Prompt.makeMessage("assistant", {
            content: [Prompt.makePart("tool-call", { id: "c", name: "f", params: { n: 1n }, providerExecuted: false })]
          })
        ])
        const error = yield* Effect.flip(LanguageModel.generateText({ prompt }))
        expect(error._tag).toBe("MalformedInput")
        expect((yield* server.requests).length).toBe(0)
      })))

  it.scopedLive("user content: images, files and audio become OpenRouter content parts", () =>
    withModel(http, Testing.completion(), (server) =>
      Effect.gen(function*() {
        yield* LanguageModel.generateText({
          prompt: Prompt.fromMessages([
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
                Prompt.makePart("file", { mediaType: "audio/wav", data: new Uint8Array([4, 5]) })
              ]
            })
          ])
        })
        const [sent] = yield* bodies(server)
        expect(sent.messages[0].content).toEqual([
          { type: "text", text: "Look" },
          { type: "image_url", image_url: { url: "https://example.com/a.png" } },
          { type: "image_url", image_url: { url: "data:image/jpeg;base64,AQID", detail: "low" } },
          { type: "file", file: { filename: "doc.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } },
          { type: "input_audio", input_audio: { data: "BAU=", format: "wav" } }
        ])
      })))

  it.scopedLive("a tool call whose arguments are not JSON is MalformedOutput", () =>
    withModel(
      http,
      Testing.completion({ toolCalls: [{ id: "c", name: "get_weather", arguments: "{not json" }] }),
      () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(LanguageModel.generateText({ prompt: "Hi", toolkit: Tools }))
          expect(error._tag).toBe("MalformedOutput")
          // the parser's own error, for the position of the fault
          expect((error as AiError.MalformedOutput).cause).toBeInstanceOf(SyntaxError)
        }).pipe(Effect.provide(handlers))
    ))
})

const finishReasons = finishReasonCases as ReadonlyArray<readonly [string | null, Response.FinishReason]>

describe("OpenRouterLanguageModel finish reasons", () => {
  it.effect.each(finishReasons)(
    "finish_reason %s is %s, for generateText and streamText",
    ([wire, mapped]) =>
      Effect.gen(function*() {
        const text = yield* LanguageModel.generateText({ prompt: "Hi" })
        expect(text.finishReason).toBe(mapped)
        const parts = Chunk.toArray(yield* Stream.runCollect(LanguageModel.streamText({ prompt: "Hi" })))
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

describe("OpenRouterLanguageModel created timestamps", () => {
  it.effect("a created timestamp out of Date's range is left out of the metadata, and the answer is kept", () =>
    Effect.gen(function*() {
      const response = yield* LanguageModel.generateText({ prompt: "Hi" })
      expect(response.text).toBe("kept")
      expect((response.content[0] as Response.ResponseMetadataPart).timestamp).toEqual(Option.none())
      const parts = Chunk.toArray(yield* Stream.runCollect(LanguageModel.streamText({ prompt: "Hi" })))
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
