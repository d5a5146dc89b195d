/**
 * The OpenTelemetry GenAI semantic conventions as they apply to a chat completion: attribute names,
 * what a request and a response contribute, the facts a stream gathers on its way, and the opt-in
 * content in the conventions' message format. Effect-free (the spans and metrics are in `./telemetry.ts`).
 *
 * Names follow `@opentelemetry/semantic-conventions` 1.45 (incubating `gen_ai.*`); facts the
 * conventions have no name for are under `openrouter.`.
 */
import type { ChunkShape, EnvelopeShape, ResponseShape, UsageShape } from "../chat/wireShapes.js"
import { tokenCount } from "../provider/usage.js"
import { isRecord } from "../transport/json.js"

/** Attribute names. */
export const Attr = {
  operationName: "gen_ai.operation.name",
  providerName: "gen_ai.provider.name",
  requestModel: "gen_ai.request.model",
  requestMaxTokens: "gen_ai.request.max_tokens",
  requestTemperature: "gen_ai.request.temperature",
  requestTopP: "gen_ai.request.top_p",
  requestTopK: "gen_ai.request.top_k",
  requestFrequencyPenalty: "gen_ai.request.frequency_penalty",
  requestPresencePenalty: "gen_ai.request.presence_penalty",
  requestSeed: "gen_ai.request.seed",
  requestStopSequences: "gen_ai.request.stop_sequences",
  requestChoiceCount: "gen_ai.request.choice.count",
  requestStream: "gen_ai.request.stream",
  responseId: "gen_ai.response.id",
  responseModel: "gen_ai.response.model",
  responseFinishReasons: "gen_ai.response.finish_reasons",
  responseTimeToFirstChunk: "gen_ai.response.time_to_first_chunk",
  usageInputTokens: "gen_ai.usage.input_tokens",
  usageOutputTokens: "gen_ai.usage.output_tokens",
  usageCacheReadInputTokens: "gen_ai.usage.cache_read.input_tokens",
  usageCacheCreationInputTokens: "gen_ai.usage.cache_creation.input_tokens",
  usageReasoningOutputTokens: "gen_ai.usage.reasoning.output_tokens",
  tokenType: "gen_ai.token.type",
  inputMessages: "gen_ai.input.messages",
  outputMessages: "gen_ai.output.messages",
  errorType: "error.type",
  metricOverflow: "otel.metric.overflow",
  serverAddress: "server.address",
  serverPort: "server.port",
  openrouterProvider: "openrouter.provider",
  openrouterCost: "openrouter.cost",
  openrouterAttempts: "openrouter.attempts",
  openrouterCancelled: "openrouter.cancelled",
  openrouterRequestModels: "openrouter.request.models",
  retryAttempt: "openrouter.retry.attempt",
  retryDelay: "openrouter.retry.delay",
  retryFromRetryAfter: "openrouter.retry.from_retry_after"
} as const

/** The value of `gen_ai.provider.name`: OpenRouter is the service the client talks to. */
export const providerName = "openrouter"

/** The value of `gen_ai.operation.name`. */
export const operationName = "chat"

/** The name of the span event of a retry. */
export const retryEvent = "openrouter.retry"

/** Metric names. */
export const MetricName = {
  tokenUsage: "gen_ai.client.token.usage",
  operationDuration: "gen_ai.client.operation.duration",
  timeToFirstChunk: "gen_ai.client.operation.time_to_first_chunk",
  cost: "openrouter.client.cost",
  failures: "openrouter.client.failures"
} as const

/** Explicit bucket boundaries the conventions advise for `gen_ai.client.token.usage` (`{token}`). */
export const tokenBuckets: ReadonlyArray<number> = [
  1,
  4,
  16,
  64,
  256,
  1024,
  4096,
  16384,
  65536,
  262144,
  1048576,
  4194304,
  16777216,
  67108864
]

/** Explicit bucket boundaries the conventions advise for `gen_ai.client.operation.duration` (`s`). */
export const secondsBuckets: ReadonlyArray<number> = [
  0.01,
  0.02,
  0.04,
  0.08,
  0.16,
  0.32,
  0.64,
  1.28,
  2.56,
  5.12,
  10.24,
  20.48,
  40.96,
  81.92
]

const isNumber = (u: unknown): u is number => typeof u === "number" && Number.isFinite(u)

/** The span name: `chat {model}`, or `chat` when the request names no model (the account's default). */
export const spanName = (request: unknown): string => {
  const model = isRecord(request) ? request.model : undefined
  return typeof model === "string" && model.length > 0 ? `chat ${model}` : operationName
}

/** The requested model, when the request names one. */
export const requestModel = (request: unknown): string | undefined => {
  const model = isRecord(request) ? request.model : undefined
  return typeof model === "string" && model.length > 0 ? model : undefined
}

/**
 * The `gen_ai.request.*` attributes of a request body: only well-typed values are read (the body may
 * be invalid; then the call fails with `InvalidRequestError` and the span records it).
 */
export const requestAttributes = (request: unknown, stream: boolean, set: (key: string, value: unknown) => void) => {
  set(Attr.operationName, operationName)
  set(Attr.providerName, providerName)
  set(Attr.requestStream, stream)
  if (!isRecord(request)) return
  const r = request
  if (typeof r.model === "string") set(Attr.requestModel, r.model)
  const maxTokens = isNumber(r.max_completion_tokens) ? r.max_completion_tokens : r.max_tokens
  if (isNumber(maxTokens)) set(Attr.requestMaxTokens, maxTokens)
  if (isNumber(r.temperature)) set(Attr.requestTemperature, r.temperature)
  if (isNumber(r.top_p)) set(Attr.requestTopP, r.top_p)
  if (isNumber(r.top_k)) set(Attr.requestTopK, r.top_k)
  if (isNumber(r.frequency_penalty)) set(Attr.requestFrequencyPenalty, r.frequency_penalty)
  if (isNumber(r.presence_penalty)) set(Attr.requestPresencePenalty, r.presence_penalty)
  if (isNumber(r.seed)) set(Attr.requestSeed, r.seed)
  if (isNumber(r.n) && r.n !== 1) set(Attr.requestChoiceCount, r.n)
  if (typeof r.stop === "string") set(Attr.requestStopSequences, [r.stop])
  else if (Array.isArray(r.stop) && r.stop.every((s) => typeof s === "string")) {
    set(Attr.requestStopSequences, r.stop)
  }
  if (Array.isArray(r.models) && r.models.every((s) => typeof s === "string")) {
    set(Attr.openrouterRequestModels, r.models)
  }
}

/**
 * What a call learned about its response: from the body of `Chat.send`, or gathered chunk by chunk from
 * a stream (the first id, model and provider; the last usage; each choice's finish reason).
 */
export class ResponseFacts {
  id: string | undefined = undefined
  model: string | undefined = undefined
  provider: string | undefined = undefined
  usage: UsageShape | undefined = undefined
  finishReasons: Array<string> | undefined = undefined

  /** Reads a whole response. */
  response(response: ResponseShape): void {
    this.envelope(response)
    const choices = response.choices
    for (let i = 0; i < choices.length; i++) this.finish(i, choices[i]!.finish_reason)
  }

  /** Reads what a stream chunk adds: O(1) field reads, and one per choice. */
  chunk(chunk: ChunkShape): void {
    if (chunk.usage != null) this.usage = chunk.usage
    if (this.id === undefined && chunk.id != null) this.id = chunk.id
    if (this.model === undefined && chunk.model != null) this.model = chunk.model
    if (this.provider === undefined && chunk.provider != null) this.provider = chunk.provider
    const choices = chunk.choices
    for (let i = 0; i < choices.length; i++) {
      const choice = choices[i]!
      if (choice.finish_reason != null) this.finish(isNumber(choice.index) ? choice.index : i, choice.finish_reason)
    }
  }

  private envelope(e: EnvelopeShape): void {
    if (e.id != null) this.id = e.id
    if (e.model != null) this.model = e.model
    if (e.provider != null) this.provider = e.provider
    if (e.usage != null) this.usage = e.usage
  }

  private finish(index: number, reason: unknown): void {
    if (typeof reason !== "string") return
    if (this.finishReasons === undefined) this.finishReasons = []
    this.finishReasons[index] = reason
  }

  /** The `gen_ai.response.*`, `gen_ai.usage.*` and `openrouter.*` attributes of what was seen. */
  attributes(set: (key: string, value: unknown) => void): void {
    if (this.id !== undefined) set(Attr.responseId, this.id)
    if (this.model !== undefined) set(Attr.responseModel, this.model)
    if (this.provider !== undefined) set(Attr.openrouterProvider, this.provider)
    if (this.finishReasons !== undefined) {
      // A sparse array (choices by index) becomes a dense list.
      set(Attr.responseFinishReasons, this.finishReasons.filter((r) => r !== undefined))
    }
    const usage = this.usage
    if (usage === undefined) return
    // A count that cannot be (a fraction, a negative, past 2^53 - 1) is left out, as the providers do.
    const count = (key: string, value: unknown) => {
      const n = tokenCount(value)
      if (n !== undefined) set(key, n)
    }
    count(Attr.usageInputTokens, usage.prompt_tokens)
    count(Attr.usageOutputTokens, usage.completion_tokens)
    count(Attr.usageCacheReadInputTokens, usage.prompt_tokens_details?.cached_tokens)
    count(Attr.usageCacheCreationInputTokens, usage.prompt_tokens_details?.cache_write_tokens)
    count(Attr.usageReasoningOutputTokens, usage.completion_tokens_details?.reasoning_tokens)
    if (isNumber(usage.cost)) set(Attr.openrouterCost, usage.cost)
  }
}

/** `server.address` and `server.port` of a base URL (the port only when it is not the scheme's default). */
export const serverAttributes = (baseUrl: string): { readonly address: string; readonly port: number } | undefined => {
  try {
    const url = new URL(baseUrl)
    const port = url.port === "" ? (url.protocol === "http:" ? 80 : 443) : Number(url.port)
    return { address: url.hostname, port }
  } catch {
    return undefined
  }
}

// ---------------------------------------------------------------------------------------------
// Content (opt-in): the conventions' message format, `{ role, parts: [{ type, ... }] }`.

type Part = Record<string, unknown>

const contentParts = (content: unknown): Array<Part> => {
  if (typeof content === "string") return [{ type: "text", content }]
  if (!Array.isArray(content)) return []
  const parts: Array<Part> = []
  for (const item of content) {
    if (!isRecord(item)) continue
    if (item.type === "text" && typeof item.text === "string") parts.push({ type: "text", content: item.text })
    else if (item.type === "image_url") parts.push({ type: "uri", modality: "image", uri: uriOf(item.image_url) })
    else parts.push({ type: typeof item.type === "string" ? item.type : "unknown" })
  }
  return parts
}

const uriOf = (u: unknown): unknown => (isRecord(u) ? u.url : u)

const toolCallParts = (toolCalls: unknown): Array<Part> => {
  if (!Array.isArray(toolCalls)) return []
  const parts: Array<Part> = []
  for (const call of toolCalls) {
    if (!isRecord(call)) continue
    const fn = isRecord(call.function) ? call.function : {}
    parts.push({ type: "tool_call", id: call.id, name: fn.name, arguments: fn.arguments })
  }
  return parts
}

/** `gen_ai.input.messages`: the request's messages as JSON in the conventions' format. */
export const inputMessages = (request: unknown): string | undefined => {
  if (!isRecord(request) || !Array.isArray(request.messages)) return undefined
  const messages: Array<Part> = []
  for (const m of request.messages) {
    if (!isRecord(m)) continue
    if (m.role === "tool") {
      messages.push({ role: "tool", parts: [{ type: "tool_call_response", id: m.tool_call_id, response: m.content }] })
      continue
    }
    messages.push({ role: m.role, parts: [...contentParts(m.content), ...toolCallParts(m.tool_calls)] })
  }
  return JSON.stringify(messages)
}

/** `gen_ai.output.messages`: the response's choices as JSON in the conventions' format. */
export const outputMessages = (response: ResponseShape): string => {
  const messages: Array<Part> = []
  for (const choice of response.choices) {
    const message = (choice.message ?? {}) as Record<string, unknown>
    const parts: Array<Part> = []
    if (typeof message.reasoning === "string") parts.push({ type: "reasoning", content: message.reasoning })
    parts.push(...contentParts(message.content), ...toolCallParts(message.tool_calls))
    messages.push({ role: message.role ?? "assistant", parts, finish_reason: choice.finish_reason ?? undefined })
  }
  return JSON.stringify(messages)
}
