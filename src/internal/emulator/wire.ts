/**
 * Builders for the JSON bodies and SSE text OpenRouter sends. Plain objects only: this file
 * must not depend on the library's schemas (the emulator is what those schemas are tested against).
 *
 * @internal
 */
import { isRecord } from "../transport/json.js"
import type * as Testing from "./types.js"

/** @internal */
export type Json = Record<string, unknown>

let counter = 0
const nextSerial = (): string => (++counter).toString(36).padStart(12, "0")

/** @internal */
export const generationId = (created: number): string => `gen-${created}-emu${nextSerial()}`

/** @internal */
export const toolCallId = (): string => `call_emu${nextSerial()}`

/** @internal */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000)

/** @internal */
export const DEFAULT_MODEL = "openrouter/auto"
/** @internal */
export const DEFAULT_PROVIDER = "Emulator"
/** @internal */
export const DEFAULT_FINGERPRINT = "fp_emulator"
/** @internal */
export const DEFAULT_CONTENT = "Hello from the OpenRouter emulator."

/** @internal */
export const estimateTokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4))

const round = (n: number): number => Number(n.toFixed(10))

/**
 * A full usage object: defaults computed from the token counts, then the caller's fields on top
 * (nested objects replaced, not merged, so a test can send exactly the shape it wants).
 *
 * @internal
 */
export const usage = (
  input: Testing.UsageInput | undefined,
  defaults: { readonly prompt: number; readonly completion: number; readonly reasoning?: number }
): Json => {
  const prompt = typeof input?.prompt_tokens === "number" ? input.prompt_tokens : defaults.prompt
  const completion = typeof input?.completion_tokens === "number" ? input.completion_tokens : defaults.completion
  const promptCost = round(prompt * 0.000001)
  const completionCost = round(completion * 0.000002)
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    cost: round(promptCost + completionCost),
    is_byok: false,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    cost_details: {
      upstream_inference_cost: null,
      upstream_inference_prompt_cost: promptCost,
      upstream_inference_completions_cost: completionCost
    },
    completion_tokens_details: { reasoning_tokens: defaults.reasoning ?? 0, image_tokens: 0 },
    ...input
  }
}

/** @internal */
export const argumentsText = (args: Testing.ToolCall["arguments"]): ReadonlyArray<string> =>
  typeof args === "string"
    ? [args]
    : Array.isArray(args)
    ? (args as ReadonlyArray<string>)
    : [JSON.stringify(args)]

/** The `chat.completion` body. @internal */
export const completionBody = (options: Testing.CompletionOptions): Json => {
  const created = options.created ?? nowSeconds()
  const toolCalls = options.toolCalls
  const content = options.content !== undefined
    ? options.content
    : toolCalls !== undefined && toolCalls.length > 0
    ? null
    : DEFAULT_CONTENT
  const finishReason = options.finishReason !== undefined
    ? options.finishReason
    : toolCalls !== undefined && toolCalls.length > 0
    ? "tool_calls"
    : "stop"
  const message: Json = {
    role: "assistant",
    content,
    refusal: null,
    reasoning: options.reasoning ?? null
  }
  if (toolCalls !== undefined && toolCalls.length > 0) {
    message.tool_calls = toolCalls.map((call, index) => ({
      index,
      id: call.id ?? toolCallId(),
      type: "function",
      function: { name: call.name, arguments: argumentsText(call.arguments).join("") }
    }))
  }
  const completionText = (content ?? "") +
    (toolCalls ?? []).map((call) => call.name + argumentsText(call.arguments).join("")).join("")
  const body: Json = {
    id: options.id ?? generationId(created),
    provider: options.provider ?? DEFAULT_PROVIDER,
    model: options.model ?? DEFAULT_MODEL,
    object: "chat.completion",
    created,
    choices: [{
      logprobs: null,
      finish_reason: finishReason,
      native_finish_reason: options.nativeFinishReason !== undefined ? options.nativeFinishReason : finishReason,
      index: 0,
      message
    }],
    system_fingerprint: options.systemFingerprint !== undefined ? options.systemFingerprint : DEFAULT_FINGERPRINT
  }
  if (options.usage !== false) {
    body.usage = usage(options.usage, {
      prompt: 12,
      completion: estimateTokens(completionText + (options.reasoning ?? "")),
      reasoning: options.reasoning === undefined ? 0 : estimateTokens(options.reasoning)
    })
  }
  return options.extra === undefined ? body : { ...body, ...options.extra }
}

/** Fields every chunk of one stream shares. @internal */
export interface ChunkHead {
  readonly id: string
  readonly provider: string
  readonly model: string
  readonly created: number
  readonly systemFingerprint: string | null
  readonly extra: Json | undefined
}

/** @internal */
export const chunkHead = (options: Testing.StreamShapeOptions): ChunkHead => {
  const created = options.created ?? nowSeconds()
  return {
    id: options.id ?? generationId(created),
    provider: options.provider ?? DEFAULT_PROVIDER,
    model: options.model ?? DEFAULT_MODEL,
    created,
    systemFingerprint: options.systemFingerprint !== undefined ? options.systemFingerprint : DEFAULT_FINGERPRINT,
    extra: options.extra
  }
}

/** One `chat.completion.chunk` object. @internal */
export const chunk = (head: ChunkHead, choices: ReadonlyArray<unknown>, fields?: Json): Json => {
  const body: Json = {
    id: head.id,
    provider: head.provider,
    model: head.model,
    object: "chat.completion.chunk",
    created: head.created,
    choices,
    system_fingerprint: head.systemFingerprint
  }
  if (fields !== undefined) Object.assign(body, fields)
  if (head.extra !== undefined) Object.assign(body, head.extra)
  return body
}

/**
 * Encodes the `data:` payload of a plain content chunk. Without `extra` it splices the text into
 * a precomputed template (same JSON as {@link chunk} + {@link choice}), which keeps a
 * 200,000-chunk stream cheap to generate.
 *
 * @internal
 */
export const contentChunkEncoder = (head: ChunkHead): (text: string) => string => {
  if (head.extra !== undefined) return (text) => JSON.stringify(chunk(head, [choice({ content: text })]))
  const prefix = `{"id":${JSON.stringify(head.id)},"provider":${JSON.stringify(head.provider)},"model":${
    JSON.stringify(head.model)
  },"object":"chat.completion.chunk","created":${
    JSON.stringify(head.created)
  },"choices":[{"index":0,"delta":{"content":`
  const suffix = `},"finish_reason":null,"native_finish_reason":null,"logprobs":null}],"system_fingerprint":${
    JSON.stringify(head.systemFingerprint)
  }}`
  return (text) => prefix + JSON.stringify(text) + suffix
}

/** A streaming choice. @internal */
export const choice = (
  delta: unknown,
  finishReason: string | null = null,
  nativeFinishReason: string | null = finishReason
): Json => ({
  index: 0,
  delta,
  finish_reason: finishReason,
  native_finish_reason: nativeFinishReason,
  logprobs: null
})

/** Text of the piece with 0-based index `i` in {@link Testing.pieces}. @internal */
export const pieceText = (i: number): string => `piece-${i + 1} `

const reasonPhrases: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  425: "Too Early",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  520: "Unknown Error",
  521: "Web Server Is Down",
  522: "Connection Timed Out",
  523: "Origin Is Unreachable",
  524: "A Timeout Occurred",
  529: "Site Is Overloaded"
}

/** @internal */
export const reasonPhrase = (status: number): string => reasonPhrases[status] ?? `HTTP ${status}`

interface ErrorDefaults {
  readonly message: string
  readonly metadata?: Json
  readonly fields?: Json
}

/**
 * Default error payloads, as OpenRouter words them for each status.
 *
 * @internal
 */
export const errorDefaults = (status: number): ErrorDefaults => {
  switch (status) {
    case 400:
      return { message: "Bad Request", metadata: { error_type: "invalid_request" } }
    case 401:
      return { message: "No auth credentials found" }
    case 402:
      return {
        message: "Insufficient credits. Add more using https://openrouter.ai/settings/credits",
        metadata: { error_type: "payment_required" }
      }
    case 403:
      return {
        message:
          "openai/gpt-4o requires moderation on OpenAI. Your input was flagged for \"harassment\". No credits were charged.",
        metadata: {
          reasons: ["harassment"],
          flagged_input: "an example of flagged input...",
          provider_name: "OpenAI",
          model_slug: "openai/gpt-4o"
        }
      }
    case 404:
      return { message: "No endpoints found for emulator/unknown-model.", metadata: { error_type: "not_found" } }
    case 408:
      return { message: "Request timed out", metadata: { error_type: "timeout" } }
    case 413:
      return { message: "Request payload too large", metadata: { error_type: "payload_too_large" } }
    case 422:
      return { message: "Unprocessable Entity", metadata: { error_type: "unprocessable" } }
    case 429:
      return {
        message: "Rate limit exceeded: limit_rpm/emulator. High demand for this model, please retry shortly.",
        metadata: { error_type: "rate_limit_exceeded", provider_name: DEFAULT_PROVIDER }
      }
    case 500:
      return { message: "Internal Server Error", metadata: { error_type: "server" } }
    case 502:
      return {
        message: "Provider returned error",
        metadata: {
          error_type: "provider_unavailable",
          provider_name: DEFAULT_PROVIDER,
          raw: JSON.stringify({ error: { message: "upstream connection failed", type: "server_error" } })
        }
      }
    case 503:
      return {
        message: "No endpoints available for openrouter/auto: the provider is temporarily unavailable.",
        metadata: { previous_errors: [{ provider: DEFAULT_PROVIDER, code: 503, status: 503 }] },
        fields: {
          error_type: "provider_unavailable",
          http_status: 503,
          availability: {
            code: "temporarily_unavailable",
            retryable: true,
            requested_models: [DEFAULT_MODEL],
            affected_providers: [DEFAULT_PROVIDER],
            docs_url: "https://openrouter.ai/docs/api-reference/errors"
          }
        }
      }
    case 524:
      return { message: "Request timed out. Please try again later.", metadata: { error_type: "timeout" } }
    case 529:
      return {
        message: "Provider returned error: overloaded",
        metadata: { error_type: "provider_overloaded", provider_name: DEFAULT_PROVIDER }
      }
    default:
      return { message: reasonPhrase(status) }
  }
}

/** The `{error: {code, message, metadata?}, user_id?}` body. @internal */
export const errorBody = (status: number, options: Testing.ErrorOptions): Json => {
  const defaults = errorDefaults(status)
  const error: Json = {
    code: options.code ?? status,
    message: options.message ?? defaults.message
  }
  const metadata = options.metadata !== undefined ? options.metadata : defaults.metadata
  if (metadata !== undefined && metadata !== null) error.metadata = metadata
  if (defaults.fields !== undefined) Object.assign(error, defaults.fields)
  if (options.errorExtra !== undefined) Object.assign(error, options.errorExtra)
  const body: Json = { error }
  if (options.userId !== undefined) body.user_id = options.userId
  return options.extra === undefined ? body : { ...body, ...options.extra }
}

const split = (text: string, size: number): Array<string> => {
  if (text.length <= size) return [text]
  const out: Array<string> = []
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size))
  return out
}

/**
 * The `chat.completion.chunk` objects OpenRouter would stream for a `chat.completion` body: the
 * envelope (every top-level field but `choices` and `usage`) on every chunk; per choice, the role,
 * then each message field as deltas (strings in pieces of `pieceLength` characters, arrays one
 * element per delta, other values whole), tool calls by `index` (the call without its arguments,
 * then the arguments in pieces), and a last chunk with the choice's other fields (`finish_reason`,
 * `native_finish_reason`, `logprobs`, ...); then a usage chunk with `choices: []`. `Chat.collect`
 * folds these back into the body.
 *
 * @internal
 */
export const streamChunks = (body: Json, pieceLength = 16): Array<Json> => {
  const size = Math.max(1, Math.floor(pieceLength))
  const envelope: Json = {}
  for (const key in body) {
    if (key !== "choices" && key !== "usage") envelope[key] = body[key]
  }
  envelope.object = "chat.completion.chunk"
  const out: Array<Json> = []
  const emit = (choice: Json) => out.push({ ...envelope, choices: [choice] })
  const choices = Array.isArray(body.choices) ? body.choices as ReadonlyArray<unknown> : []
  choices.forEach((raw, position) => {
    if (!isRecord(raw)) return
    const choice = raw as Json
    const index = typeof choice.index === "number" ? choice.index : position
    const message = isRecord(choice.message) ? choice.message : {}
    const delta = (d: Json) => emit({ index, delta: d })
    if (message.role !== undefined) delta({ role: message.role })
    for (const key in message) {
      const value = message[key]
      if (key === "role" || value === undefined) continue
      if (key === "tool_calls" && Array.isArray(value) && value.length > 0) {
        value.forEach((call: unknown, i: number) => {
          const tc = isRecord(call) ? call : {}
          const tcIndex = typeof tc.index === "number" ? tc.index : i
          const fn = isRecord(tc.function) ? tc.function : {}
          const { arguments: args, ...head } = fn
          delta({ tool_calls: [{ ...tc, index: tcIndex, function: head }] })
          if (typeof args === "string") {
            for (const piece of split(args, size)) {
              delta({ tool_calls: [{ index: tcIndex, function: { arguments: piece } }] })
            }
          } else if (args !== undefined) {
            delta({ tool_calls: [{ index: tcIndex, function: { arguments: args } }] })
          }
        })
      } else if (typeof value === "string") {
        for (const piece of split(value, size)) delta({ [key]: piece })
      } else if (Array.isArray(value) && value.length > 0) {
        for (const element of value) delta({ [key]: [element] })
      } else {
        delta({ [key]: value })
      }
    }
    const last: Json = { index, delta: {} }
    for (const key in choice) {
      if (key !== "index" && key !== "message") last[key] = choice[key]
    }
    emit(last)
  })
  if (body.usage !== undefined) out.push({ ...envelope, choices: [], usage: body.usage })
  return out
}
