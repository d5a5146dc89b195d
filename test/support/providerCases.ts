/**
 * The wire fixtures the provider tests (`languageModelSuite.ts`, and what stays in each edition's
 * `OpenRouterLanguageModel.test.ts`) script the emulator with: chunks, signed and encrypted reasoning,
 * streamed tool-call fragments, finish reasons (Effect-free: each suite reads them with its own `effect`).
 */

/** The model every provider test asks for. */
export const MODEL = "anthropic/claude-sonnet-4"

/** A stream chunk of generation `gen-stream-1` with one delta. */
export const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: "gen-stream-1",
  object: "chat.completion.chunk",
  created: 1700000000,
  model: MODEL,
  provider: "Anthropic",
  choices: [{ index: 0, delta, finish_reason: null }],
  ...extra
})

/** The chunk that ends the choice with `reason` (and the same native reason). */
export const finishChunk = (reason: string) => ({
  ...chunk({}),
  choices: [{ index: 0, delta: {}, finish_reason: reason, native_finish_reason: reason }]
})

/** The usage chunk: no choices, the usage and cost. */
export const usageChunk = {
  ...chunk({}),
  choices: [],
  usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19, cost: 0.00042 }
}

/**
 * A token count as JSON text, and whether it is kept: the providers (each library's `Usage`) and the
 * telemetry (the `gen_ai.usage.*` attributes, the token histogram) leave out a count that is not a
 * non-negative safe integer (the shared `provider/usage.ts`), and keep the answer. `NaN` is not JSON;
 * `1e400` parses to `Infinity`.
 */
export const tokenCounts: ReadonlyArray<readonly [json: string, kept: boolean]> = [
  ["0", true],
  ["1", true],
  [String(2 ** 53 - 1), true],
  [String(2 ** 53), false],
  ["2.5", false],
  ["-1", false],
  ["1e400", false],
  ["\"3\"", false],
  ["null", false],
  ["true", false]
]

/**
 * An answer `content` by `model` whose usage has every token count that the providers and the telemetry
 * read set to `count` (JSON text, which `JSON.stringify` could not always write): as a completion's
 * body, and as the SSE events of a stream (a content chunk with the finish reason, then the usage chunk).
 */
export const withUsage = (count: string, content: string, model: string) => {
  const usage = JSON.stringify({
    prompt_tokens: "@",
    completion_tokens: "@",
    total_tokens: "@",
    prompt_tokens_details: { cached_tokens: "@", cache_write_tokens: "@" },
    completion_tokens_details: { reasoning_tokens: "@" }
  }).replaceAll("\"@\"", count)
  const envelope = `"id":"gen-count","created":1700000000,"model":${JSON.stringify(model)}`
  const message = JSON.stringify({ role: "assistant", content })
  return {
    completion: `{${envelope},"object":"chat.completion","choices":[{"index":0,"finish_reason":"stop",` +
      `"message":${message}}],"usage":${usage}}`,
    events: [
      `data: {${envelope},"object":"chat.completion.chunk","choices":[{"index":0,"delta":${message},` +
      `"finish_reason":"stop"}]}`,
      `data: {${envelope},"object":"chat.completion.chunk","choices":[],"usage":${usage}}`
    ]
  }
}

/** Anthropic's signed reasoning and encrypted block, as a message carries them. */
export const signedDetails = [
  {
    type: "reasoning.text",
    text: "The user wants the weather.",
    signature: "sig-123",
    format: "anthropic-claude-v1",
    index: 0
  },
  { type: "reasoning.encrypted", data: "ENCRYPTED==", format: "anthropic-claude-v1", index: 1 }
]

/** A completion that reasons (with {@link signedDetails}) and calls `get_weather` for Paris. */
export const reasoningToolCall = {
  id: "gen-r1",
  object: "chat.completion",
  created: 1700000000,
  model: MODEL,
  provider: "Anthropic",
  choices: [{
    index: 0,
    finish_reason: "tool_calls",
    message: {
      role: "assistant",
      content: null,
      reasoning: "The user wants the weather.",
      reasoning_details: signedDetails,
      tool_calls: [{
        id: "call_1",
        type: "function",
        function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" }
      }]
    }
  }],
  usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10, cost: 0.1 }
}

/** Two calls streamed as fragments that only the shared `CallFragments` rule keeps apart. */
export const fragmentCases = [
  ["without index (a Gemini-compatible gateway: id and name first, then arguments only)", [
    { id: "call_a", type: "function", function: { name: "get_weather", arguments: "" } },
    { function: { arguments: "{\"city\":\"Paris\"}" } },
    { id: "call_b", type: "function", function: { name: "get_weather" } },
    { function: { arguments: "{\"city\":" } },
    { function: { arguments: "\"Oslo\"}" } }
  ]],
  ["with the same index 0 and different ids", [
    { index: 0, id: "call_a", type: "function", function: { name: "get_weather", arguments: "{\"city\":" } },
    { index: 0, function: { arguments: "\"Paris\"}" } },
    { index: 0, id: "call_b", type: "function", function: { name: "get_weather", arguments: "{\"city\":" } },
    { index: 0, function: { arguments: "\"Oslo\"}" } }
  ]]
] as const

/** Every finish_reason OpenRouter sends, as effect/ai's FinishReason; an unknown one is "other", none "unknown". */
export const finishReasonCases: ReadonlyArray<readonly [wire: string | null, mapped: string]> = [
  ["stop", "stop"],
  ["length", "length"],
  ["tool_calls", "tool-calls"],
  ["function_call", "tool-calls"],
  ["content_filter", "content-filter"],
  ["error", "error"],
  ["something_new", "other"],
  ["constructor", "other"],
  [null, "unknown"]
]
