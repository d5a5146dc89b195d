/**
 * The body of the provider tests, shared by both editions (`test/OpenRouterLanguageModel.test.ts` on
 * `@effect/ai` 0.3x, `effect4/test/OpenRouterLanguageModel.test.ts` on `effect/ai`): each AI library's own
 * `LanguageModel.generateText`, `streamText` and `generateObject` with the edition's
 * `OpenRouterLanguageModel.layer` for MODEL, over real loopback sockets with both HTTP clients (what
 * reaches the wire, the response parts, usage and finish reasons, streamed parts, tool calls and their
 * results, the reasoning round trip, the errors the library's `AiError` carries) and in-process through
 * `Testing.layerWithConfig` (the finish reasons, an odd timestamp). Effect-free: each edition passes its
 * `Wired` and its `LanguageModelEdition`, which runs a call as a Promise and folds the library's parts
 * and errors to the shapes below; the toolkits and Schemas only its `Tool`, `Toolkit` and `Schema` build.
 * Where the editions' providers deliberately differ (README, "OpenRouterLanguageModel on Effect 4"), a
 * table below holds a column per edition. What interrupts a fiber, and what only one provider does,
 * stay in each edition's file.
 */
import {
  chunk,
  finishChunk,
  finishReasonCases,
  fragmentCases,
  MODEL,
  reasoningToolCall,
  signedDetails,
  tokenCounts,
  usageChunk,
  withUsage
} from "./providerCases.js"
import { SECRET } from "./secret.js"
import { type Duration, type Script, serving, type Wired } from "./suite.js"
import type { Wire } from "./wire.js"

/**
 * A response part, folded: the library's part with its `Option` fields (Effect 3's `id`, `modelId`,
 * `timestamp`) read as the value or `undefined`.
 */
export interface Part {
  readonly type: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the library's part fields, read loosely
  readonly [field: string]: any
}

/** An `AiError`, folded: its kind (Effect 3: the `_tag`; Effect 4: the reason's `_tag`) and what it carries. */
export interface Failed {
  readonly kind: string
  /** This package's error the `AiError` (Effect 4: its reason) wraps. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the wrapped error's fields, read loosely
  readonly cause: any
  readonly message: string
  /** What the error says went wrong (`description` of `@effect/ai`'s errors and of `effect/ai`'s reasons). */
  readonly description?: string | undefined
  /** `AiError.isAiError` of the error. */
  readonly isAiError: boolean
  /** The error itself (the key must be in no part of it). */
  readonly own: unknown
  /** The edition's own fields, compared per edition (`toMatchObject` with a column of the tables below). */
  readonly [field: string]: unknown
}

/**
 * How a call ended: its value, or the `AiError` it failed with, folded (a defect or an interruption
 * rejects the Promise).
 */
export type Ended<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: Failed }

/** What `generateText` returned. */
export interface Generated {
  readonly text: string
  readonly finishReason: string
  /** The library's `Usage`, as it is (the editions' shapes differ: `usage` below). */
  readonly usage: unknown
  readonly parts: ReadonlyArray<Part>
  readonly toolResults: ReadonlyArray<{ readonly id: string; readonly result: unknown; readonly isFailure: boolean }>
  /** The library's own parts, for `previous` of the next turn. */
  readonly own: unknown
}

/** What `streamText` emitted before it ended, and the error it ended with (`undefined`: a clean end). */
export interface Streamed {
  readonly parts: ReadonlyArray<Part>
  readonly error: Failed | undefined
  readonly own: unknown
}

/** A prompt: `Prompt.make`'s input, or messages built with `Prompt.makeMessage` and `Prompt.makePart`. */
export type Prompted = string | ReadonlyArray<unknown> | {
  readonly messages: ReadonlyArray<{
    readonly role: "system" | "user" | "assistant" | "tool"
    readonly content: string | ReadonlyArray<{ readonly type: string; readonly [field: string]: unknown }>
    readonly options?: Readonly<Record<string, unknown>>
  }>
}

/** The edition's `Prompt` constructors (`Prompt.fromMessages`, `Prompt.makeMessage`, `Prompt.makePart`). */
export interface PromptBuilders {
  fromMessages(messages: ReadonlyArray<never>): unknown
  makeMessage(role: never, params: never): unknown
  makePart(type: never, params: never): unknown
}

/** A prompt as the edition's `Prompt.make` takes it (`P`: its `Prompt.RawInput`). */
export const promptOf = <P>(Prompt: PromptBuilders, prompted: Prompted): P =>
  (typeof prompted === "string" || Array.isArray(prompted)
    ? prompted
    : Prompt.fromMessages(
      (prompted as Exclude<Prompted, string | ReadonlyArray<unknown>>).messages.map((message) =>
        Prompt.makeMessage(
          message.role as never,
          {
            content: typeof message.content === "string"
              ? message.content
              : message.content.map((part) => Prompt.makePart(part.type as never, part as never)),
            ...(message.options === undefined ? {} : { options: message.options })
          } as never
        ) as never
      )
    )) as P

/** A call: the prompt, then the parts of a previous answer, with one of the edition's toolkits. */
export interface Ask {
  readonly prompt: Prompted
  /**
   * A previous answer's own parts, appended to the prompt by `Prompt.fromResponseParts` ("Prompt") or
   * `OpenRouterLanguageModel.fromResponseParts` ("provider").
   */
  readonly previous?: { readonly own: unknown; readonly via: "Prompt" | "provider" }
  /**
   * `weather`: get_weather and explode; `ping`: a tool without parameters or success Schema; `tree`:
   * `count({ root })`, `root` the recursive `Tree` without an identifier, answering its node count.
   */
  readonly toolkit?: "weather" | "ping" | "tree"
  readonly toolChoice?: unknown
  /** `OpenRouterLanguageModel.withConfigOverride`. */
  readonly override?: Readonly<Record<string, unknown>>
}

/** The provider for MODEL, its calls run as Promises. */
export interface Model {
  readonly generateText: (ask: Ask) => Promise<Ended<Generated>>
  readonly streamText: (ask: Ask) => Promise<Streamed>
  /** `generateObject` with one of the edition's `schemas` and `objectName`. */
  readonly generateObject: (
    ask: Ask & { readonly schema: keyof Schemas; readonly objectName: string }
  ) => Promise<Ended<unknown>>
}

/** The library's `GenerateTextResponse`, as the binding hands it over. */
export interface TextResponse<P> {
  readonly text: string
  readonly finishReason: string
  readonly usage: unknown
  readonly content: ReadonlyArray<P>
  readonly toolResults: ReadonlyArray<{ readonly id: string; readonly result: unknown; readonly isFailure: boolean }>
}

/** A `generateText` response as the shared body reads it, its parts folded by the edition's `fold`. */
export const generatedOf = <P>(response: TextResponse<P>, fold: (part: P) => Part): Generated => ({
  text: response.text,
  finishReason: response.finishReason,
  usage: response.usage,
  parts: response.content.map(fold),
  toolResults: response.toolResults.map((r) => ({ id: r.id, result: r.result, isFailure: r.isFailure })),
  own: response.content
})

/** The parts a stream emitted (`own`) and how it ended, as the shared body reads them. */
export const streamedOf = <P>(own: ReadonlyArray<P>, ended: Ended<unknown>, fold: (part: P) => Part): Streamed => ({
  parts: own.map(fold),
  error: ended.ok ? undefined : ended.error,
  own
})

/**
 * The options of a call the library takes besides the prompt: the toolkit asked for (of the edition's
 * `toolkits`) and the tool choice.
 */
export const callOptions = (
  ask: Ask,
  toolkits: Readonly<Record<NonNullable<Ask["toolkit"]>, { readonly toolkit: unknown }>>
) => ({
  ...(ask.toolkit === undefined ? {} : { toolkit: toolkits[ask.toolkit].toolkit }),
  ...(ask.toolChoice === undefined ? {} : { toolChoice: ask.toolChoice })
})

/** What the provider and its client are given besides the test key and the server's URL. */
export interface ModelOptions {
  /** The provider's `Config` (`OpenRouterLanguageModel.layer({ model, config })`). */
  readonly config?: Readonly<Record<string, unknown>>
  /** Spread over the client's config (retries off by default). */
  readonly client?: Readonly<Record<string, unknown>>
}

/** The Schemas `generateObject` is asked with. */
export interface Schemas {
  /** `{ title: string }`. */
  readonly title: unknown
  /** `{ title: string, year: number }` (Effect 4: `Schema.Finite`, a plain number in JSON Schema). */
  readonly event: unknown
  /** `{ title: string, note?: string }`. */
  readonly loose: unknown
  /** `Array<string>`: a root that is not an object. */
  readonly tags: unknown
  /** `{ a: string } | { b: number }`: a root that is a union of objects (`anyOf`). */
  readonly choice: unknown
  /**
   * `Tree = { name: string, children: Array<Tree> }` as `Schema.suspend` with the identifier `Tree`: a
   * recursive root, whose JSON Schema is a root `$ref` into `$defs`.
   */
  readonly tree: unknown
  /** The same `Tree` as a `Schema.suspend` without an identifier. */
  readonly anonymousTree: unknown
  /** `{ at: Schema.Date }`. */
  readonly dated: unknown
}

/** What the provider body takes from an edition besides its `Wired`. */
export interface LanguageModelEdition<R> {
  /** The provider over a real socket, per HttpClient: the test key, the base URL, retries off. */
  readonly clients: ReadonlyArray<readonly [string, (baseUrl: string, options?: ModelOptions) => Model]>
  /** The provider through `Testing.layerWithConfig(script, { retry: false })`, in-process. */
  readonly inProcess: (script: Script<R>) => Model
  /** The edition's `Retry.make`. */
  readonly retry: (options: { readonly baseDelay: Duration; readonly jitter: number }) => unknown
  /** The name of the edition's `Errors` class `error` is an instance of (`undefined`: none of them). */
  readonly ownError: (error: unknown) => string | undefined
  readonly schemas: Schemas
}

/** A 200 JSON answer: `body` as JSON, or `text` as it is (JSON that `JSON.stringify` cannot write). */
const json = <R>(wired: Wired<R>, body: unknown, text: string = JSON.stringify(body)) =>
  wired.testing.raw({ status: 200, headers: { "content-type": "application/json" }, body: text })

const types = (parts: ReadonlyArray<Part>) => parts.map((p) => p.type)

const weatherOf = (city: string) => ({ city, temperature_c: city === "Paris" ? 18 : 9 })

/** The value of a call that must have succeeded. */
const ok = <A>(ended: Ended<A>): A => {
  if (!ended.ok) throw new Error(`expected a success, got ${ended.error.kind}`)
  return ended.value
}

/** The error of a call that must have failed. */
const failed = <A>(ended: Ended<A>): Failed => {
  if (ended.ok) throw new Error("expected a failure, got a success")
  return ended.error
}

/**
 * The usage of each edition's library (`@effect/ai` 0.3x: flat counts; `effect/ai` 4: `{ total, ... }`
 * per side), for a completion with details and for the stream's usage chunk.
 */
export const usage = {
  effect3: {
    detailed: { inputTokens: 10, outputTokens: 3, totalTokens: 13, cachedInputTokens: 4, reasoningTokens: 1 },
    streamed: { inputTokens: 12, outputTokens: 7, totalTokens: 19 }
  },
  effect4: {
    detailed: {
      inputTokens: { total: 10, uncached: 6, cacheRead: 4 },
      outputTokens: { total: 3, reasoning: 1, text: 2 }
    },
    streamed: { inputTokens: { total: 12 }, outputTokens: { total: 7 } }
  }
} as const

/** Each library's `Usage` when every count of `withUsage` is `n` (`undefined`: each left out). */
export const usageOfEvery = {
  effect3: (n: number | undefined) => ({
    inputTokens: n,
    outputTokens: n,
    totalTokens: n,
    reasoningTokens: n,
    cachedInputTokens: n
  }),
  effect4: (n: number | undefined) => ({
    inputTokens: n === undefined ? {} : { total: n, uncached: 0, cacheRead: n, cacheWrite: n },
    outputTokens: n === undefined ? {} : { total: n, reasoning: n, text: 0 }
  })
} as const

/**
 * The `tools` each provider sends for get_weather and explode: the Effect 3 provider makes a tool strict
 * when its JSON Schema allows it; the Effect 4 one sends them as `Toolkit.definitions` gives them (no
 * `strict`, `effect/ai`'s JSON Schema: objects open).
 */
export const sentTools = {
  effect3: [
    {
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
    },
    {
      type: "function",
      function: {
        name: "explode",
        description: "Always fails",
        strict: true,
        parameters: {
          type: "object",
          required: ["reason"],
          properties: { reason: { type: "string" } },
          additionalProperties: false
        }
      }
    }
  ],
  effect4: [
    {
      type: "function",
      function: {
        name: "get_weather",
        description: "The weather in a city",
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
  ]
} as const

/**
 * How each provider sends `generateObject`'s `{ title, note?: string }`: the Effect 3 one with its JSON
 * Schema and `strict: false` (an optional field cannot be strict); the Effect 4 one with `effect/ai`'s
 * `toCodecOpenAI` form (every field required, the optional one nullable) and `strict: true`, reading a
 * `null` back as an absent key.
 */
export const looseObject = {
  effect3: {
    answer: "{\"title\":\"x\"}",
    strict: false,
    schema: { required: ["title"], properties: { note: { type: "string" } } }
  },
  effect4: {
    answer: "{\"title\":\"x\",\"note\":null}",
    strict: true,
    schema: { required: ["title", "note"], properties: { note: { anyOf: [{ type: "string" }, { type: "null" }] } } }
  }
} as const

/**
 * The `AiError` each library fails with, as its fold reads it: `@effect/ai` 0.3x's `HttpResponseError`
 * (the status on its response), `effect/ai` 4's `AiError` with a reason (retryable, this package's
 * fields in `metadata.openrouter`).
 */
export const aiErrors = {
  effect3: {
    midStream: { kind: "HttpResponseError", status: 502 },
    invalidArguments: { kind: "MalformedOutput" },
    unsendablePrompt: { kind: "MalformedInput" },
    rateLimited: { kind: "HttpResponseError", reason: "StatusCode", status: 429 },
    tooDeep: { kind: "MalformedOutput" },
    cutOff: { kind: "HttpRequestError", reason: "Transport" },
    refused: { kind: "HttpRequestError", reason: "Transport" },
    invalidRequest: { kind: "MalformedInput" }
  },
  effect4: {
    midStream: {
      kind: "InternalProviderError",
      retryable: true,
      metadata: { openrouter: { code: 502, contentEmitted: true } }
    },
    invalidArguments: { kind: "InvalidOutputError" },
    unsendablePrompt: { kind: "InvalidUserInputError" },
    rateLimited: { kind: "RateLimitError", retryable: true },
    tooDeep: { kind: "InvalidOutputError", usage: { promptTokens: 3, completionTokens: 5000, totalTokens: 5003 } },
    cutOff: { kind: "NetworkError" },
    refused: { kind: "NetworkError" },
    invalidRequest: { kind: "InvalidRequestError" }
  }
} as const

/**
 * Whether the `AiError` for tool-call arguments that are not JSON carries the parser's `SyntaxError`:
 * `@effect/ai` 0.3x's `MalformedOutput` has a cause; `effect/ai` 4's `InvalidOutputError` has none (its
 * `description` says what was wrong).
 */
export const parserCause = { effect3: true, effect4: false } as const

/**
 * Every tool_choice both AI libraries have, as sent with the toolkit of get_weather and explode: the
 * choice, the wire's `tool_choice`, the tools sent (`oneOf` narrows them and its `mode` is the choice).
 */
export const toolChoices: ReadonlyArray<readonly [string, unknown, unknown, ReadonlyArray<string>]> = [
  ["auto", "auto", "auto", ["get_weather", "explode"]],
  ["none", "none", "none", ["get_weather", "explode"]],
  ["required", "required", "required", ["get_weather", "explode"]],
  ["one tool", { tool: "explode" }, { type: "function", function: { name: "explode" } }, ["get_weather", "explode"]],
  ["oneOf", { oneOf: ["get_weather"] }, "auto", ["get_weather"]],
  ["oneOf, required", { mode: "required", oneOf: ["explode"] }, "required", ["explode"]]
]

/** Every audio media type with a format of its own; another audio/x goes as x. */
export const audioTypes: ReadonlyArray<readonly [string, string]> = [
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
  ["audio/opus", "opus"],
  ["audio/x-aiff", "x-aiff"]
]

/** Prompts with no OpenRouter form: a message each. */
const unsendablePrompts = [
  ["a prompt JSON cannot carry", {
    role: "assistant",
    content: [{ type: "tool-call", id: "c", name: "f", params: { n: 1n }, providerExecuted: false }]
  }],
  ["audio by URL (no input_audio form)", {
    role: "user",
    content: [{ type: "file", mediaType: "audio/wav", data: new URL("https://example.com/a.wav") }]
  }]
] as const

export const languageModelSuite = <R>(wired: Wired<R>, edition: LanguageModelEdition<R>) => {
  const { describe, expect, it, listen, testing: Testing } = wired
  const column = wired.edition

  /** The bodies the emulator received, as JSON. */
  const bodies = (server: { readonly requests: () => ReadonlyArray<{ readonly body: unknown }> }) =>
    server.requests().map((r) => r.body as Wire)

  for (const [name, make] of edition.clients) {
    /** Runs `body` with the provider against an emulator answering `script`. */
    const withModel = (
      script: Script<R>,
      body: (model: Model, sent: () => Array<Wire>) => Promise<void>,
      options: ModelOptions = {}
    ) => serving(listen, script, (server) => body(make(server.url, options), () => bodies(server)))

    describe(`OpenRouterLanguageModel over ${name}`, () => {
      it("generateText: text, response metadata, finish with usage, cost, provider and generation id", () =>
        withModel(
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
          async (model, sent) => {
            const response = ok(
              await model.generateText({
                prompt: [
                  { role: "system", content: "Be brief" },
                  { role: "user", content: [{ type: "text", text: "Hi" }] }
                ]
              })
            )
            expect(response.text).toBe("Hello there")
            expect(types(response.parts)).toEqual(["response-metadata", "text", "finish"])
            const meta = response.parts[0]!
            expect(meta.id).toBe("gen-abc")
            expect(meta.modelId).toBe(MODEL)
            expect(meta.timestamp).toEqual(new Date(1700000000 * 1000))
            expect(meta.metadata.openrouter).toEqual({ provider: "Anthropic", generationId: "gen-abc" })
            expect(response.finishReason).toBe("stop")
            expect(response.usage).toMatchObject(usage[column].detailed)
            const finish = response.parts.at(-1)!
            expect(finish.metadata.openrouter?.cost).toBe(0.0001)
            expect(finish.metadata.openrouter?.provider).toBe("Anthropic")
            expect(finish.metadata.openrouter?.generationId).toBe("gen-abc")
            expect(finish.metadata.openrouter?.usage?.total_tokens).toBe(13)
            const [request] = sent()
            expect(request.model).toBe(MODEL)
            expect(request.messages).toEqual([
              { role: "system", content: "Be brief" },
              { role: "user", content: "Hi" }
            ])
            expect(request.tools).toBeUndefined()
            expect(request.tool_choice).toBeUndefined()
          }
        ))

      it("streamText: parts in the AI library's order, finish last with the usage chunk's usage and cost", () =>
        withModel(
          Testing.sse([
            chunk({ role: "assistant", content: "" }),
            chunk({ content: "Hel" }),
            chunk({ content: "lo" }),
            finishChunk("stop"),
            usageChunk
          ], { done: true }),
          async (model) => {
            const { error, parts } = await model.streamText({ prompt: "Hi" })
            expect(error).toBeUndefined()
            expect(types(parts)).toEqual([
              "response-metadata",
              "text-start",
              "text-delta",
              "text-delta",
              "text-end",
              "finish"
            ])
            const finish = parts.at(-1)!
            expect(finish.reason).toBe("stop")
            expect(finish.usage).toMatchObject(usage[column].streamed)
            expect(finish.metadata.openrouter?.cost).toBe(0.00042)
            expect(finish.metadata.openrouter?.generationId).toBe("gen-stream-1")
          }
        ))

      it("reasoning round trip: signed and encrypted reasoning_details come back unchanged on the next turn", () =>
        withModel(
          [json(wired, reasoningToolCall), Testing.completion({ content: "18 °C in Paris" })],
          async (model, sent) => {
            const turn1 = ok(await model.generateText({ prompt: "Weather in Paris?", toolkit: "weather" }))
            const reasoning = turn1.parts.find((p) => p.type === "reasoning")!
            expect(reasoning.text).toBe("The user wants the weather.")
            expect(reasoning.metadata.openrouter?.reasoningDetails).toEqual(signedDetails)
            expect(turn1.toolResults[0]?.result).toEqual(weatherOf("Paris"))
            // the provider's own fromResponseParts keeps the metadata, and so the details
            const turn2 = ok(
              await model.generateText({
                prompt: "Weather in Paris?",
                previous: { own: turn1.own, via: "provider" },
                toolkit: "weather"
              })
            )
            expect(turn2.text).toBe("18 °C in Paris")
            const [, request] = sent()
            const assistant = request.messages[1]
            expect(assistant.role).toBe("assistant")
            expect(assistant.reasoning_details).toEqual(signedDetails)
            expect(assistant.tool_calls).toEqual([
              { id: "call_1", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" } }
            ])
            expect(request.messages[2]).toEqual({
              role: "tool",
              tool_call_id: "call_1",
              content: "{\"city\":\"Paris\",\"temperature_c\":18}"
            })
          }
        ))

      it("reasoning round trip over a stream: the deltas' reasoning_details ride on reasoning-end, folded", () => {
        const d1 = { type: "reasoning.text", text: "Think", index: 0, format: "anthropic-claude-v1" }
        const d2 = { type: "reasoning.text", text: "ing.", signature: "sig-9", index: 0, format: "anthropic-claude-v1" }
        return withModel(
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
          async (model, sent) => {
            const streamed = await model.streamText({ prompt: "Q" })
            expect(streamed.error).toBeUndefined()
            expect(types(streamed.parts)).toEqual([
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
            expect(streamed.parts[4]!.metadata.openrouter?.reasoningDetails).toEqual([block])
            ok(await model.generateText({ prompt: "Q", previous: { own: streamed.own, via: "provider" } }))
            const [, request] = sent()
            expect(request.messages[1]).toEqual({ role: "assistant", content: "Answer", reasoning_details: [block] })
          }
        )
      })

      for (const [label, fragments] of fragmentCases) {
        it(`two tool calls streamed ${label} stay two calls (the shared CallFragments rule)`, () =>
          withModel(
            Testing.sse([
              chunk({ role: "assistant", content: "" }),
              ...fragments.map((fragment) => chunk({ tool_calls: [fragment] })),
              finishChunk("tool_calls"),
              usageChunk
            ], { done: true }),
            async (model) => {
              const { error, parts } = await model.streamText({ prompt: "Paris and Oslo?", toolkit: "weather" })
              expect(error).toBeUndefined()
              const calls = parts.filter((p) => p.type === "tool-call")
              expect(calls.map((c) => [c.id, c.params])).toEqual([["call_a", { city: "Paris" }], ["call_b", {
                city: "Oslo"
              }]])
              const results = parts.filter((p) => p.type === "tool-result")
              expect(results.map((r) => r.id)).toEqual(["call_a", "call_b"])
            }
          ))
      }

      it("reasoning parts that hold fragments go back as one block per type and index", () => {
        const format = "anthropic-claude-v1"
        const fragments = [
          { type: "reasoning.text", text: "", signature: "", format, index: 0 },
          { type: "reasoning.text", text: "Think", format, index: 0 },
          { type: "reasoning.text", text: "ing.", format, index: 0 },
          { type: "reasoning.text", signature: "sig-1", format, index: 0 }
        ]
        return withModel(Testing.completion({ content: "ok" }), async (model, sent) => {
          ok(
            await model.generateText({
              prompt: [
                { role: "user", content: "Q" },
                {
                  role: "assistant",
                  content: [
                    {
                      type: "reasoning",
                      text: "Think",
                      options: { openrouter: { reasoningDetails: fragments.slice(0, 2) } }
                    },
                    {
                      type: "reasoning",
                      text: "ing.",
                      options: { openrouter: { reasoningDetails: fragments.slice(2) } }
                    },
                    { type: "text", text: "A" }
                  ]
                },
                { role: "user", content: "Again" }
              ]
            })
          )
          const [request] = sent()
          expect(request.messages[1].reasoning_details).toEqual([
            { type: "reasoning.text", text: "Thinking.", signature: "sig-1", format, index: 0 }
          ])
        })
      })

      it("parallel tool calls: both handlers run, tools and tool_choice are sent from the toolkit", () =>
        withModel(
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
          async (model, sent) => {
            const { error, parts } = await model.streamText({ prompt: "Paris and Oslo?", toolkit: "weather" })
            expect(error).toBeUndefined()
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
            const deltas = parts.filter((p) => p.type === "tool-params-delta" && p.id === "call_b")
            expect(deltas.map((d) => d.delta).join("")).toBe("{\"city\":\"Oslo\"}")
            const results = parts.filter((p) => p.type === "tool-result")
            expect(results.map((r) => [r.id, r.result])).toEqual([
              ["call_a", weatherOf("Paris")],
              ["call_b", weatherOf("Oslo")]
            ])
            expect(parts.at(-1)!.reason).toBe("tool-calls")
            const [request] = sent()
            expect(request.tool_choice).toBe("auto")
            expect(request.tools).toEqual(sentTools[column])
          }
        ))

      it("a tool that fails: the failure is a tool result, sent back to the model as the tool message", () =>
        withModel(
          [
            Testing.completion({ toolCalls: [{ id: "call_x", name: "explode", arguments: { reason: "test" } }] }),
            Testing.completion({ content: "It failed" })
          ],
          async (model, sent) => {
            const turn1 = ok(
              await model.generateText({ prompt: "Blow up", toolkit: "weather", toolChoice: { tool: "explode" } })
            )
            const result = turn1.toolResults[0]!
            expect(result.isFailure).toBe(true)
            expect(result.result).toEqual({ error: "boom: test" })
            ok(
              await model.generateText({
                prompt: "Blow up",
                previous: { own: turn1.own, via: "Prompt" },
                toolkit: "weather"
              })
            )
            const [first, second] = sent()
            expect(first.tool_choice).toEqual({ type: "function", function: { name: "explode" } })
            expect(second.messages.at(-1)).toEqual({
              role: "tool",
              tool_call_id: "call_x",
              content: "{\"error\":\"boom: test\"}"
            })
          }
        ))

      // Recursion without an identifier gets a made-up `$defs` name (`@effect/ai` 0.x alone throws "Missing
      // annotation"); each provider's strictness as in `sentTools`.
      it("a tool whose parameters are recursive without an identifier goes with its recursion in $defs, and runs", () =>
        withModel(
          Testing.completion({
            toolCalls: [{
              id: "call_t",
              name: "count",
              arguments: { root: { name: "a", children: [{ name: "b", children: [] }] } }
            }]
          }),
          async (model, sent) => {
            const turn = ok(await model.generateText({ prompt: "Count", toolkit: "tree" }))
            expect(turn.toolResults).toEqual([{ id: "call_t", result: 2, isFailure: false }])
            const [request] = sent()
            const fn = request.tools[0].function
            expect(fn.strict).toBe((sentTools[column][0]!.function as { readonly strict?: boolean }).strict)
            const names = Object.keys(fn.parameters.$defs ?? {})
            expect(names).toHaveLength(1)
            expect(fn.parameters).toMatchObject({
              type: "object",
              required: ["root"],
              properties: { root: { $ref: `#/$defs/${names[0]}` } },
              $defs: {
                [names[0]!]: { type: "object", properties: { children: { items: { $ref: `#/$defs/${names[0]}` } } } }
              }
            })
          }
        ))

      it("a tool with no success Schema (void) goes back as the tool message \"null\", and the next turn is answered", () =>
        withModel(
          [
            Testing.completion({ toolCalls: [{ id: "call_p", name: "ping", arguments: {} }] }),
            Testing.completion({ content: "Pinged" })
          ],
          async (model, sent) => {
            const turn1 = ok(await model.generateText({ prompt: "Ping", toolkit: "ping" }))
            expect(turn1.toolResults).toHaveLength(1)
            expect(turn1.toolResults[0]!.result).toBeUndefined()
            const turn2 = ok(
              await model.generateText({ prompt: "Ping", previous: { own: turn1.own, via: "Prompt" }, toolkit: "ping" })
            )
            expect(turn2.text).toBe("Pinged")
            const [, second] = sent()
            expect(second.messages.at(-1)).toEqual({ role: "tool", tool_call_id: "call_p", content: "null" })
          }
        ))

      it("generateObject: response_format json_schema, strict as each provider derives it", () =>
        withModel(
          [
            Testing.completion({ content: "{\"title\":\"Effect Days\",\"year\":2026}" }),
            Testing.completion({ content: looseObject[column].answer })
          ],
          async (model, sent) => {
            const event = ok(await model.generateObject({ prompt: "Extract", schema: "event", objectName: "event" }))
            expect(event).toEqual({ title: "Effect Days", year: 2026 })
            const loose = ok(await model.generateObject({ prompt: "Extract", schema: "loose", objectName: "loose" }))
            expect(loose).toEqual({ title: "x" })
            const [first, second] = sent()
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
            expect(second.response_format.json_schema.strict).toBe(looseObject[column].strict)
            expect(second.response_format.json_schema.schema).toMatchObject(looseObject[column].schema)
          }
        ))

      it("a mid-stream error fails the stream with the AiError carrying the MidStreamError", () =>
        withModel(
          Testing.midStreamError({ after: 2, deltas: ["Once ", "upon"], code: 502, message: "Upstream died" }),
          async (model) => {
            const { error, parts } = await model.streamText({ prompt: "Story" })
            expect(parts.map((part) => part.type === "text-delta" ? part.delta : part.type)).toEqual([
              "response-metadata",
              "text-start",
              "Once ",
              "upon"
            ])
            expect(error).toMatchObject(aiErrors[column].midStream)
            expect(edition.ownError(error?.cause)).toBe("MidStreamError")
            expect(error?.cause?.message).toBe("Upstream died")
            expect(error?.cause?.contentEmitted).toBe(true)
          }
        ))

      it("retries a 429 under the configured policy, honouring Retry-After, then answers", () =>
        withModel(
          [Testing.error(429, { retryAfter: 0 }), Testing.completion({ content: "after the wait" })],
          async (model, sent) => {
            const response = ok(await model.generateText({ prompt: "Hi" }))
            expect(response.text).toBe("after the wait")
            expect(sent()).toHaveLength(2)
          },
          { client: { retry: edition.retry({ baseDelay: "5 millis", jitter: 0 }) } }
        ))

      it("OpenRouter fields from the config and withConfigOverride reach the request", () =>
        withModel(
          [Testing.completion(), Testing.completion()],
          async (model, sent) => {
            ok(await model.generateText({ prompt: "Hi" }))
            ok(
              await model.generateText({
                prompt: "Hi",
                override: { model: "openai/gpt-4o", reasoning: { effort: "high" } }
              })
            )
            const [first, second] = sent()
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
          },
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

      it("OpenRouter's server tools from the config are sent after the toolkit's functions", () =>
        withModel(
          Testing.completion(),
          async (model, sent) => {
            ok(await model.generateText({ prompt: "Hi", toolkit: "weather" }))
            const [request] = sent()
            expect(request.tools.map((t: Wire) => t.type)).toEqual(["function", "function", "openrouter:web_search"])
          },
          { config: { tools: [{ type: "openrouter:web_search" }] } }
        ))

      for (const [label, message] of unsendablePrompts) {
        it(`${label} is a typed AiError, not a defect, and nothing is sent`, () =>
          withModel(Testing.completion(), async (model, sent) => {
            const error = failed(await model.generateText({ prompt: { messages: [message] } }))
            expect(error).toMatchObject(aiErrors[column].unsendablePrompt)
            expect(sent()).toHaveLength(0)
          }))
      }

      it("user content: images, files and audio become OpenRouter content parts; cache control rides along", () =>
        withModel(Testing.completion(), async (model, sent) => {
          ok(
            await model.generateText({
              prompt: {
                messages: [
                  {
                    role: "system",
                    content: "Cached system",
                    options: { openrouter: { cacheControl: { type: "ephemeral" } } }
                  },
                  {
                    role: "user",
                    content: [
                      { type: "text", text: "Look" },
                      { type: "file", mediaType: "image/png", data: new URL("https://example.com/a.png") },
                      {
                        type: "file",
                        mediaType: "image/jpeg",
                        data: new Uint8Array([1, 2, 3]),
                        options: { openrouter: { imageDetail: "low" } }
                      },
                      { type: "file", mediaType: "application/pdf", fileName: "doc.pdf", data: "JVBERi0=" },
                      { type: "file", mediaType: "audio/wav", data: new Uint8Array([4, 5]) },
                      { type: "file", mediaType: "video/mp4", data: new URL("https://example.com/v.mp4") }
                    ]
                  }
                ]
              }
            })
          )
          const [request] = sent()
          expect(request.messages[0]).toEqual({
            role: "system",
            content: [{ type: "text", text: "Cached system", cache_control: { type: "ephemeral" } }]
          })
          expect(request.messages[1].content).toEqual([
            { type: "text", text: "Look" },
            { type: "image_url", image_url: { url: "https://example.com/a.png" } },
            { type: "image_url", image_url: { url: "data:image/jpeg;base64,AQID", detail: "low" } },
            { type: "file", file: { filename: "doc.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } },
            { type: "input_audio", input_audio: { data: "BAU=", format: "wav" } },
            { type: "video_url", video_url: { url: "https://example.com/v.mp4" } }
          ])
        }))

      it("a tool call whose arguments are not JSON is a typed AiError (the parser's own error as the cause)", () =>
        withModel(
          Testing.completion({ toolCalls: [{ id: "c", name: "get_weather", arguments: "{not json" }] }),
          async (model) => {
            const error = failed(await model.generateText({ prompt: "Hi", toolkit: "weather" }))
            expect(error).toMatchObject(aiErrors[column].invalidArguments)
            // the parser's own error, for the position of the fault, where the AiError has a cause
            expect(error.cause instanceof SyntaxError).toBe(parserCause[column])
          }
        ))

      it("generateObject: config.strictJsonSchema wins over the derived strictness; the name is made one OpenAI takes", () =>
        withModel(
          Testing.completion({ content: "{\"title\":\"x\"}" }),
          async (model, sent) => {
            const value = ok(
              await model.generateObject({ prompt: "Extract", schema: "title", objectName: "a name with spaces" })
            )
            expect(value).toEqual({ title: "x" })
            const [request] = sent()
            expect(request.response_format.json_schema.strict).toBe(false)
            expect(request.response_format.json_schema.name).toBe("a_name_with_spaces")
          },
          { config: { strictJsonSchema: false } }
        ))

      // OpenAI's strict mode takes only an object root (no union): any other root asked for strictly
      // would be refused and the user would get an error instead of an answer.
      for (
        const [schema, answer, value, root] of [
          ["tags", "[\"a\",\"b\"]", ["a", "b"], { type: "array" }],
          ["choice", "{\"a\":\"x\"}", { a: "x" }, { anyOf: [{ type: "object" }, { type: "object" }] }]
        ] as const
      ) {
        it(`generateObject: a root that is not an object (${schema}) goes with its JSON Schema and strict: false`, () =>
          withModel(
            Testing.completion({ content: answer }),
            async (model, sent) => {
              expect(ok(await model.generateObject({ prompt: "Extract", schema, objectName: schema }))).toEqual(value)
              const [request] = sent()
              expect(request.response_format.json_schema.strict).toBe(false)
              expect(request.response_format.json_schema.schema).toMatchObject(root)
            }
          ))
      }

      // Strict mode refuses a root `$ref` but follows one below an object root: the root of a recursive
      // object Schema is inlined, the recursion left in `$defs`, and it goes strictly. Without an
      // identifier, the `$defs` name is made up (each edition its own).
      for (
        const [schema, label] of [["tree", "with an identifier"], ["anonymousTree", "without an identifier"]] as const
      ) {
        it(`generateObject: a recursive object root (Schema.suspend ${label}) goes inlined, its recursion in $defs, strict`, () =>
          withModel(
            Testing.completion({ content: "{\"name\":\"a\",\"children\":[{\"name\":\"b\",\"children\":[]}]}" }),
            async (model, sent) => {
              expect(ok(await model.generateObject({ prompt: "Extract", schema, objectName: "tree" }))).toEqual({
                name: "a",
                children: [{ name: "b", children: [] }]
              })
              const [request] = sent()
              const { schema: asked, strict } = request.response_format.json_schema
              expect(strict).toBe(true)
              expect(asked.$ref).toBeUndefined()
              const names = Object.keys(asked.$defs ?? {})
              expect(names).toHaveLength(1)
              if (schema === "tree") expect(names).toEqual(["Tree"])
              expect(asked).toMatchObject({
                type: "object",
                required: ["name", "children"],
                additionalProperties: false,
                properties: {
                  name: { type: "string" },
                  children: { type: "array", items: { $ref: `#/$defs/${names[0]}` } }
                },
                $defs: { [names[0]!]: { type: "object", additionalProperties: false } }
              })
            }
          ))
      }

      // A model not told the format writes any string, and an answer that does not decode is thrown away.
      it("generateObject: a Schema.Date is asked for as a date-time string, and decodes", () =>
        withModel(
          Testing.completion({ content: "{\"at\":\"2026-01-02T03:04:05.000Z\"}" }),
          async (model, sent) => {
            const value = ok(await model.generateObject({ prompt: "Extract", schema: "dated", objectName: "dated" }))
            expect(value).toEqual({ at: new Date("2026-01-02T03:04:05.000Z") })
            const [request] = sent()
            expect(request.response_format.json_schema.schema.properties.at).toMatchObject({
              type: "string",
              format: "date-time"
            })
          }
        ))

      it("generateObject: an answer nested deeper than 128 levels is a typed AiError, not a defect", () =>
        withModel(
          Testing.completion({
            content: "[".repeat(5000) + "]".repeat(5000),
            usage: { prompt_tokens: 3, completion_tokens: 5000, total_tokens: 5003 }
          }),
          async (model) => {
            const error = failed(
              await model.generateObject({ prompt: "Extract", schema: "title", objectName: "event" })
            )
            expect(error).toMatchObject(aiErrors[column].tooDeep)
            expect(error.description).toContain("nested deeper than 128 levels")
          }
        ))

      it("tool-call arguments nested deeper than 128 levels are a typed AiError, not a defect", () =>
        withModel(
          Testing.completion({
            toolCalls: [{ id: "c", name: "get_weather", arguments: `{"city":${"[".repeat(5000)}${"]".repeat(5000)}}` }]
          }),
          async (model) => {
            const error = failed(await model.generateText({ prompt: "Hi", toolkit: "weather" }))
            expect(error.kind).toBe(aiErrors[column].invalidArguments.kind)
            expect(error.description).toContain("nested deeper than 128 levels")
          }
        ))

      it("a stream cut off before [DONE] is a typed AiError with the ConnectionError as cause", () =>
        withModel(Testing.truncated({ after: 2 }), async (model) => {
          const { error } = await model.streamText({ prompt: "Hi" })
          expect(error).toMatchObject(aiErrors[column].cutOff)
          expect(edition.ownError(error?.cause)).toBe("ConnectionError")
          expect(error?.cause?.reason).toBe("StreamCutOff")
        }))

      it("a refused connection is a typed AiError with the ConnectionError as cause, and never the key", () =>
        withModel(
          Testing.completion(),
          async (model) => {
            const error = failed(await model.generateText({ prompt: "Hi" }))
            expect(error).toMatchObject(aiErrors[column].refused)
            expect(edition.ownError(error.cause)).toBe("ConnectionError")
            expect(JSON.stringify(error.own)).not.toContain(SECRET)
          },
          { client: { baseUrl: "http://127.0.0.1:9/api/v1" } }
        ))

      it("an invalid request is a typed AiError with the InvalidRequestError as cause, and nothing is sent", () =>
        withModel(
          Testing.completion(),
          async (model, sent) => {
            const error = failed(await model.generateText({ prompt: "Hi" }))
            expect(error).toMatchObject(aiErrors[column].invalidRequest)
            expect(edition.ownError(error.cause)).toBe("InvalidRequestError")
            expect(sent()).toHaveLength(0)
          },
          { config: { temperature: 5 } }
        ))

      it("URL citations become source parts, generated images file parts, a refusal rides on the text", () =>
        withModel(
          json(wired, {
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
          async (model) => {
            const response = ok(await model.generateText({ prompt: "Hi" }))
            expect(types(response.parts)).toEqual(["response-metadata", "text", "source", "file", "finish"])
            const [, text, source, file] = response.parts
            expect(text!.metadata.openrouter?.refusal).toBe("partly")
            expect([source!.url.toString(), source!.title]).toEqual(["https://e.com/", "E"])
            expect(source!.metadata.openrouter).toEqual({ content: "c", startIndex: 1, endIndex: 2 })
            expect(file!.mediaType).toBe("image/webp")
          }
        ))

      it("a 429 that is not retried is an AiError with the TooManyRequestsResponseError as cause, and never the key", () =>
        withModel(Testing.error(429, { retryAfter: 7 }), async (model) => {
          const error = failed(await model.generateText({ prompt: "Hi" }))
          expect(error.isAiError).toBe(true)
          expect(error).toMatchObject(aiErrors[column].rateLimited)
          expect(edition.ownError(error.cause)).toBe("TooManyRequestsResponseError")
          expect(error.cause?.retryAfter).toBeDefined()
          expect(JSON.stringify(error.own)).not.toContain(SECRET)
          expect(String(error.message)).not.toContain(SECRET)
        }))
    })
  }

  // The mapping tables run over one HTTP client: what they check is the request, not the transport.
  const [, first] = edition.clients[0]!
  const sentBy = (ask: Ask) =>
    serving(listen, Testing.completion(), async (server) => {
      ok(await first(server.url).generateText(ask))
      return bodies(server)
    })

  describe("OpenRouterLanguageModel mapping tables", () => {
    for (const [label, choice, wire, names] of toolChoices) {
      it(`toolChoice ${label}`, async () => {
        const [request] = await sentBy({ prompt: "Hi", toolkit: "weather", toolChoice: choice })
        expect(request!.tool_choice).toEqual(wire)
        expect(request!.tools.map((t: Wire) => t.function.name)).toEqual(names)
      })
    }

    for (const [mediaType, format] of audioTypes) {
      it(`audio ${mediaType} goes as input_audio format ${format}`, async () => {
        const [request] = await sentBy({
          prompt: { messages: [{ role: "user", content: [{ type: "file", mediaType, data: new Uint8Array([1]) }] }] }
        })
        expect(request!.messages[0].content).toEqual([{ type: "input_audio", input_audio: { data: "AQ==", format } }])
      })
    }
  })

  describe("OpenRouterLanguageModel finish reasons", () => {
    for (const [wire, mapped] of finishReasonCases) {
      it(`finish_reason ${wire} is ${mapped}, for generateText and streamText`, async () => {
        const model = edition.inProcess((request) =>
          (request.body as { readonly stream?: boolean }).stream === true
            ? Testing.stream({ deltas: ["Hello"], finishReason: wire })
            : Testing.completion({ content: "Hello", finishReason: wire })
        )
        expect(ok(await model.generateText({ prompt: "Hi" })).finishReason).toBe(mapped)
        const streamed = await model.streamText({ prompt: "Hi" })
        expect(streamed.error).toBeUndefined()
        expect(streamed.parts.at(-1)!.reason).toBe(mapped)
      })
    }
  })

  describe("OpenRouterLanguageModel token counts", () => {
    for (const [count, kept] of tokenCounts) {
      it(`a token count of ${count} is ${kept ? "kept" : "left out"}, and the answer is kept, for generateText and streamText`, async () => {
        const answer = withUsage(count, "kept", MODEL)
        const model = edition.inProcess((request) =>
          (request.body as { readonly stream?: boolean }).stream === true
            ? Testing.sse(answer.events, { done: true })
            : json(wired, undefined, answer.completion)
        )
        const expected = usageOfEvery[column](kept ? (JSON.parse(count) as number) : undefined)
        const generated = ok(await model.generateText({ prompt: "Hi" }))
        expect(generated.text).toBe("kept")
        expect(generated.usage).toEqual(expected)
        // OpenRouter's usage object rides in the metadata as received, but for what JSON cannot hold
        const received = generated.parts.at(-1)!.metadata.openrouter?.usage
        expect(received).toEqual(JSON.parse(JSON.stringify(received)))
        const streamed = await model.streamText({ prompt: "Hi" })
        expect(streamed.error).toBeUndefined()
        expect(streamed.parts.filter((p) => p.type === "text-delta").map((p) => p.delta).join("")).toBe("kept")
        expect(streamed.parts.at(-1)!.usage).toEqual(expected)
        const streamedUsage = streamed.parts.at(-1)!.metadata.openrouter?.usage
        expect(streamedUsage).toEqual(JSON.parse(JSON.stringify(streamedUsage)))
      })
    }
  })

  describe("OpenRouterLanguageModel created timestamps", () => {
    it("a created timestamp out of Date's range is left out of the metadata, and the answer is kept", async () => {
      const model = edition.inProcess((request) =>
        (request.body as { readonly stream?: boolean }).stream === true
          ? Testing.stream({ deltas: ["kept"], created: 1e20 })
          : Testing.completion({ content: "kept", created: 1e20 })
      )
      const response = ok(await model.generateText({ prompt: "Hi" }))
      expect(response.text).toBe("kept")
      expect(response.parts[0]!.type).toBe("response-metadata")
      expect(response.parts[0]!.timestamp).toBeUndefined()
      const streamed = await model.streamText({ prompt: "Hi" })
      expect(streamed.error).toBeUndefined()
      expect(streamed.parts.filter((p) => p.type === "text-delta").map((p) => p.delta).join("")).toBe("kept")
    })
  })
}
