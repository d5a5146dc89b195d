/**
 * The mapping behind `OpenRouterLanguageModel`: an `@effect/ai` prompt, toolkit and response format
 * to a chat request; a chat response, or a stream of chunks, to `@effect/ai` response parts; our
 * tagged errors to `AiError`s that carry them as `cause`.
 *
 * Only this module, `provider/languageModel.ts` and `OpenRouterLanguageModel.ts` import `@effect/ai`.
 */
import * as AiError from "@effect/ai/AiError"
import type * as LanguageModel from "@effect/ai/LanguageModel"
import type * as Prompt from "@effect/ai/Prompt"
import type * as Response from "@effect/ai/Response"
import * as Tool from "@effect/ai/Tool"
import * as Either from "effect/Either"
import * as Encoding from "effect/Encoding"
import * as Option from "effect/Option"
import type * as Errors from "../../Errors.js"
import type * as S from "../../Schema.js"
import { foldReasoningDetails } from "../chat/collect.js"
import { inlineRoot } from "../tool/inlineRoot.js"
import { resultContent } from "../tool/toolCalls.js"
import { nameRecursion } from "../tool/toolSchema.js"
import * as Parts from "./parts.js"
import { audioFormat, isStrictCompatible, isUrlString } from "./parts.js"
import { tokenCount } from "./usage.js"

const MODULE = "OpenRouterLanguageModel"

/** A request under construction: wire field names, unknown fields allowed. */
type Loose = Record<string, unknown>

// ---------------------------------------------------------------------------
// Prompt → messages
// ---------------------------------------------------------------------------

/** The `openrouter` provider options of a prompt message or part, loosely typed. */
interface PartOptions {
  readonly cacheControl?: S.CacheControl | undefined
  readonly reasoningDetails?: ReadonlyArray<S.ReasoningDetail> | undefined
  readonly imageDetail?: "auto" | "low" | "high" | "original" | undefined
  readonly fileName?: string | undefined
}

const openrouterOptions = (options: Prompt.ProviderOptions | undefined): PartOptions | undefined =>
  options?.openrouter as PartOptions | undefined

const malformedInput = (description: string): AiError.MalformedInput =>
  new AiError.MalformedInput({ module: MODULE, method: "prepareRequest", description })

const dataUrl = (mediaType: string, data: Uint8Array | string): string =>
  `data:${mediaType};base64,${typeof data === "string" ? data : Encoding.encodeBase64(data)}`

const fileSource = (part: Prompt.FilePart, mediaType: string): string =>
  part.data instanceof URL
    ? part.data.toString()
    : typeof part.data === "string" && isUrlString(part.data)
    ? part.data
    : dataUrl(mediaType, part.data)

const filePart = (part: Prompt.FilePart, index: number): Either.Either<Loose, AiError.MalformedInput> => {
  const options = openrouterOptions(part.options)
  const cache = options?.cacheControl === undefined ? {} : { cache_control: options.cacheControl }
  const mediaType = part.mediaType
  if (mediaType.startsWith("image/")) {
    const url = fileSource(part, mediaType === "image/*" ? "image/jpeg" : mediaType)
    const detail = options?.imageDetail
    return Either.right({ type: "image_url", image_url: detail === undefined ? { url } : { url, detail }, ...cache })
  }
  if (mediaType.startsWith("audio/")) {
    const format = audioFormat(mediaType)
    if (part.data instanceof URL || (typeof part.data === "string" && isUrlString(part.data))) {
      return Either.left(malformedInput(
        `Audio (${mediaType}) must be sent as data (a Uint8Array or base64 text); OpenRouter's input_audio takes no URL`
      ))
    }
    const data = typeof part.data === "string" ? part.data : Encoding.encodeBase64(part.data)
    return Either.right({ type: "input_audio", input_audio: { data, format }, ...cache })
  }
  if (mediaType.startsWith("video/")) {
    return Either.right({ type: "video_url", video_url: { url: fileSource(part, mediaType) }, ...cache })
  }
  const filename = options?.fileName ?? part.fileName ?? `part-${index}${mediaType === "application/pdf" ? ".pdf" : ""}`
  return Either.right({ type: "file", file: { filename, file_data: fileSource(part, mediaType) }, ...cache })
}

const textContent = (text: string, options: PartOptions | undefined): string | ReadonlyArray<Loose> =>
  options?.cacheControl === undefined ? text : [{ type: "text", text, cache_control: options.cacheControl }]

/**
 * The prompt as chat messages. Reasoning parts go back as `reasoning_details` when they carry the
 * details they came with (one block per `type` and `index`, as the model produced them), else as
 * `reasoning` text.
 */
export const prepareMessages = (prompt: Prompt.Prompt): Either.Either<Array<Loose>, AiError.MalformedInput> => {
  const messages: Array<Loose> = []
  for (const message of prompt.content) {
    const messageOptions = openrouterOptions(message.options)
    switch (message.role) {
      case "system": {
        messages.push({ role: "system", content: textContent(message.content, messageOptions) })
        break
      }
      case "user": {
        const only = message.content.length === 1 ? message.content[0] : undefined
        if (only !== undefined && only.type === "text") {
          const options = openrouterOptions(only.options) ?? messageOptions
          messages.push({ role: "user", content: textContent(only.text, options) })
          break
        }
        const content: Array<Loose> = []
        for (let i = 0; i < message.content.length; i++) {
          const part = message.content[i]!
          if (part.type === "text") {
            const cacheControl = openrouterOptions(part.options)?.cacheControl ?? messageOptions?.cacheControl
            content.push(
              cacheControl === undefined
                ? { type: "text", text: part.text }
                : { type: "text", text: part.text, cache_control: cacheControl }
            )
          } else {
            const mapped = filePart(part, i)
            if (Either.isLeft(mapped)) return Either.left(mapped.left)
            content.push(mapped.right)
          }
        }
        messages.push({ role: "user", content })
        break
      }
      case "assistant": {
        let text = ""
        let reasoning = ""
        const details: Array<S.ReasoningDetail> = []
        const toolCalls: Array<Loose> = []
        for (const part of message.content) {
          switch (part.type) {
            case "text":
              text += part.text
              break
            case "reasoning": {
              reasoning += part.text
              const own = openrouterOptions(part.options)?.reasoningDetails
              if (own !== undefined) details.push(...own)
              break
            }
            case "tool-call":
              if (!part.providerExecuted) {
                toolCalls.push({
                  id: part.id,
                  type: "function",
                  function: { name: part.name, arguments: JSON.stringify(part.params ?? {}) }
                })
              }
              break
            default:
              // files and provider-executed tool results have no chat completions form
              break
          }
        }
        const assistant: Loose = { role: "assistant", content: text.length > 0 ? text : null }
        if (toolCalls.length > 0) assistant.tool_calls = toolCalls
        // Fragments (a stream's parts from before reasoning was folded) go back as the blocks the model made.
        if (details.length > 0) assistant.reasoning_details = foldReasoningDetails(details)
        else if (reasoning.length > 0) assistant.reasoning = reasoning
        messages.push(assistant)
        break
      }
      case "tool": {
        for (const part of message.content) {
          // Always a string: a void result (a tool with no success Schema) goes as "null", as ToolLoop sends it.
          const content = resultContent(part.result)
          if (!content.ok) return Either.left(malformedInput(`The result of tool call ${part.id}: ${content.message}`))
          messages.push({ role: "tool", tool_call_id: part.id, content: content.value })
        }
        break
      }
    }
  }
  return Either.right(messages)
}

// ---------------------------------------------------------------------------
// Tools, tool choice, response format
// ---------------------------------------------------------------------------

/** `tools` and `tool_choice` from the toolkit the caller gave (already narrowed to `oneOf`). */
export const prepareTools = (
  options: LanguageModel.ProviderOptions
): Either.Either<Loose, AiError.MalformedInput> => {
  if (options.tools.length === 0) return Either.right({})
  const tools: Array<Loose> = []
  for (const tool of options.tools) {
    if (Tool.isProviderDefined(tool)) {
      return Either.left(malformedInput(
        `Provider-defined tool ${tool.name} (${tool.id}) is not an OpenRouter tool; OpenRouter's server tools ` +
          `(web search, datetime, ...) go in the request through the provider config's \`tools\``
      ))
    }
    // As in `generateObject`: recursion without an identifier gets a made-up one (see `nameRecursion`).
    const parameters = Tool.getJsonSchemaFromSchemaAst(nameRecursion(tool.parametersSchema.ast))
    const description = Tool.getDescription(tool as Tool.Any as Parameters<typeof Tool.getDescription>[0])
    const fn: Loose = { name: tool.name, parameters }
    if (description !== undefined) fn.description = description
    if (isStrictCompatible(parameters)) fn.strict = true
    tools.push({ type: "function", function: fn })
  }
  const choice = options.toolChoice
  const tool_choice = choice === "auto" || choice === "none" || choice === "required"
    ? choice
    : "tool" in choice
    ? { type: "function", function: { name: choice.tool } }
    : choice.mode === "required"
    ? "required"
    : "auto"
  return Either.right({ tools, tool_choice })
}

/** `response_format` for `generateObject`: the schema's JSON Schema, strict when strict mode accepts it. */
export const prepareResponseFormat = (
  options: LanguageModel.ProviderOptions,
  strict: boolean | undefined
): Loose => {
  const format = options.responseFormat
  if (format.type !== "json") return {}
  // A recursive root (`Schema.suspend`) is a root `$ref`, which strict mode refuses: inlined, an object
  // root stays strict, its recursion following `$ref`s into `$defs` (as in the Effect 4 edition). Recursion
  // without an identifier gets a made-up one (`@effect/ai` would throw "Missing annotation").
  const schema = inlineRoot(
    Tool.getJsonSchemaFromSchemaAst(nameRecursion(format.schema.ast)) as unknown as Record<string, unknown>
  )
  const description = Tool.getDescriptionFromSchemaAst(format.schema.ast)
  const json_schema: Loose = {
    name: format.objectName.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64) || "object",
    schema,
    strict: strict ?? isStrictCompatible(schema)
  }
  if (description !== undefined) json_schema.description = description
  return { response_format: { type: "json_schema", json_schema } }
}

// ---------------------------------------------------------------------------
// Response → parts (the shared `provider/parts.ts`, with this edition's usage and error)
// ---------------------------------------------------------------------------

/** OpenRouter's `finish_reason` as `@effect/ai`'s: unknown values are `other`, a missing one `unknown`. */
export const finishReason = (reason: string | null | undefined): Response.FinishReason =>
  Parts.finishReason(reason) as Response.FinishReason

/** OpenRouter's usage as `@effect/ai`'s `Usage`; a count that is not a non-negative integer is left out. */
const usageOf = (usage: S.Usage | null | undefined): typeof Response.Usage.Encoded => {
  const out: {
    inputTokens: number | undefined
    outputTokens: number | undefined
    totalTokens: number | undefined
    reasoningTokens?: number
    cachedInputTokens?: number
  } = {
    inputTokens: tokenCount(usage?.prompt_tokens),
    outputTokens: tokenCount(usage?.completion_tokens),
    totalTokens: tokenCount(usage?.total_tokens)
  }
  const reasoning = tokenCount(usage?.completion_tokens_details?.reasoning_tokens)
  if (reasoning !== undefined) out.reasoningTokens = reasoning
  const cached = tokenCount(usage?.prompt_tokens_details?.cached_tokens)
  if (cached !== undefined) out.cachedInputTokens = cached
  return out
}

const malformedOutput = (method: string, description: string, cause?: unknown): AiError.MalformedOutput =>
  new AiError.MalformedOutput({ module: MODULE, method, description, ...(cause === undefined ? {} : { cause }) })

const edition: Parts.Edition<AiError.MalformedOutput> = {
  usage: (usage) => usageOf(usage as S.Usage | null | undefined),
  parse: Tool.unsafeSecureJsonParse,
  invalidOutput: (method, description, _usage, cause) => malformedOutput(method, description, cause)
}

/**
 * The parts of a non-streaming response (its first choice). For `generateObject` (`json`), an answer
 * nested deeper than `MAX_DEPTH` fails here: `@effect/ai` decodes the text with a Schema walk that
 * recurses once per level, and would die of a stack overflow instead of failing.
 */
export const responseParts = (
  response: S.ChatResponse,
  json: boolean = false
): Either.Either<Array<Response.PartEncoded>, AiError.MalformedOutput> => {
  const parts = Parts.responseParts(edition, response, json)
  return parts.ok ? Either.right(parts.parts as unknown as Array<Response.PartEncoded>) : Either.left(parts.error)
}

/** Stream chunks as stream parts, in the order `@effect/ai` expects (see the shared `StreamMapper`). */
export class StreamMapper {
  private readonly shared = new Parts.StreamMapper(edition)

  /** The parts of one chunk, appended to `out`; a tool call with arguments that are not JSON fails. */
  add(chunk: S.ChatStreamChunk, out: Array<Response.StreamPartEncoded>): AiError.MalformedOutput | undefined {
    return this.shared.add(chunk, out as unknown as Array<Parts.PartEncoded>)
  }

  /** The closing parts, once the stream has ended: open parts end, then `finish`. */
  end(out: Array<Response.StreamPartEncoded>): AiError.MalformedOutput | undefined {
    return this.shared.end(out as unknown as Array<Parts.PartEncoded>)
  }
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

const requestDetails = (url: string): typeof AiError.HttpRequestDetails.Type => ({
  method: "POST",
  url,
  urlParams: [],
  hash: Option.none(),
  // never the request's headers: they hold the API key
  headers: {}
})

/**
 * Our tagged error as an `AiError`, with the error itself as `cause` (see the README's table):
 * status errors and mid-stream errors are `HttpResponseError` (`StatusCode`), undecodable responses
 * `HttpResponseError` (`Decode`), transport failures and timeouts `HttpRequestError` (`Transport`),
 * an invalid request `MalformedInput`.
 */
export const toAiError = (error: Errors.StreamError, method: string, url: string): AiError.AiError => {
  const base = { module: MODULE, method, description: error.message, cause: error }
  switch (error._tag) {
    case "InvalidRequestError":
      return new AiError.MalformedInput(base)
    case "ConnectionError":
    case "TimeoutError":
      return new AiError.HttpRequestError({ ...base, reason: "Transport", request: requestDetails(url) }, {
        disableValidation: true
      })
    case "ResponseDecodeError":
      return new AiError.HttpResponseError({
        ...base,
        reason: "Decode",
        request: requestDetails(url),
        response: { status: error.status, headers: {} },
        body: error.excerpt
      }, { disableValidation: true })
    case "MidStreamError":
      return new AiError.HttpResponseError({
        ...base,
        reason: "StatusCode",
        request: requestDetails(url),
        response: { status: typeof error.code === "number" ? error.code : 200, headers: {} },
        body: JSON.stringify({ code: error.code, message: error.message, metadata: error.metadata })
      }, { disableValidation: true })
    default:
      return new AiError.HttpResponseError({
        ...base,
        reason: "StatusCode",
        request: requestDetails(url),
        response: { status: error.status, headers: error.headers },
        body: typeof error.body === "string" ? error.body : JSON.stringify(error.body)
      }, { disableValidation: true })
  }
}
