/**
 * The mapping behind `OpenRouterLanguageModel`: an `@effect/ai` prompt, toolkit and response format
 * to a chat request; a chat response, or a stream of chunks, to `@effect/ai` response parts; our
 * tagged errors to `AiError`s that carry them as `cause`.
 *
 * Only this module, `aiProvider.ts` and `OpenRouterLanguageModel.ts` import `@effect/ai`.
 */
import * as AiError from "@effect/ai/AiError"
import type * as LanguageModel from "@effect/ai/LanguageModel"
import type * as Prompt from "@effect/ai/Prompt"
import type * as Response from "@effect/ai/Response"
import * as Tool from "@effect/ai/Tool"
import * as Either from "effect/Either"
import * as Encoding from "effect/Encoding"
import * as Option from "effect/Option"
import type * as Errors from "../Errors.js"
import type * as S from "../Schema.js"
import { CallFragments } from "./callFragments.js"
import { foldReasoningDetails, ReasoningFold } from "./collect.js"
import { isRecord, nestsDeeperThan, TOO_DEEP } from "./json.js"
import { resultContent } from "./toolCalls.js"

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

/** A string is taken as a URL (http, https or data) when it looks like one, else as base64 data. */
const isUrlString = (data: string): boolean => /^(https?:|data:)/i.test(data)

const fileSource = (part: Prompt.FilePart, mediaType: string): string =>
  part.data instanceof URL
    ? part.data.toString()
    : typeof part.data === "string" && isUrlString(part.data)
    ? part.data
    : dataUrl(mediaType, part.data)

const audioFormats: Record<string, string> = {
  "audio/wav": "wav",
  "audio/x-wav": "wav",
  "audio/wave": "wav",
  "audio/mpeg": "mp3",
  "audio/mp3": "mp3",
  "audio/flac": "flac",
  "audio/ogg": "ogg",
  "audio/aac": "aac",
  "audio/mp4": "m4a",
  "audio/aiff": "aiff",
  "audio/webm": "webm"
}

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
    const format = audioFormats[mediaType] ?? mediaType.slice("audio/".length)
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

type JsonSchemaNode = { readonly [key: string]: unknown }

/**
 * Whether OpenAI-style strict mode accepts a JSON Schema as it is: every object lists all its
 * properties as required and forbids additional ones. Effect's generator leaves optional fields out
 * of `required`, which strict mode rejects; such schemas are sent without `strict`.
 */
export const isStrictCompatible = (schema: unknown): boolean => {
  const visit = (node: unknown): boolean => {
    if (Array.isArray(node)) return node.every(visit)
    if (!isRecord(node)) return true
    const n = node as JsonSchemaNode
    if (n.type === "object" || n.properties !== undefined) {
      const properties = (n.properties ?? {}) as JsonSchemaNode
      const required = Array.isArray(n.required) ? n.required as ReadonlyArray<unknown> : []
      if (n.additionalProperties !== false) return false
      if (Object.keys(properties).some((key) => !required.includes(key))) return false
    }
    for (const key in n) {
      if (key === "enum" || key === "const" || key === "examples" || key === "default") continue
      if (!visit(n[key])) return false
    }
    return true
  }
  return visit(schema)
}

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
    const parameters = Tool.getJsonSchema(tool as Tool.Any as Parameters<typeof Tool.getJsonSchema>[0])
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
  const schema = Tool.getJsonSchemaFromSchemaAst(format.schema.ast)
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
// Response → parts
// ---------------------------------------------------------------------------

const finishReasons: Record<string, Response.FinishReason> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool-calls",
  function_call: "tool-calls",
  content_filter: "content-filter",
  error: "error"
}

/** OpenRouter's `finish_reason` as `@effect/ai`'s: unknown values are `other`, a missing one `unknown`. */
export const finishReason = (reason: string | null | undefined): Response.FinishReason =>
  reason === null || reason === undefined ? "unknown" : finishReasons[reason] ?? "other"

const usageOf = (usage: S.Usage | null | undefined): typeof Response.Usage.Encoded => {
  const out: {
    inputTokens: number | undefined
    outputTokens: number | undefined
    totalTokens: number | undefined
    reasoningTokens?: number
    cachedInputTokens?: number
  } = {
    inputTokens: usage?.prompt_tokens ?? undefined,
    outputTokens: usage?.completion_tokens ?? undefined,
    totalTokens: usage?.total_tokens ?? undefined
  }
  const reasoning = usage?.completion_tokens_details?.reasoning_tokens
  if (typeof reasoning === "number") out.reasoningTokens = reasoning
  const cached = usage?.prompt_tokens_details?.cached_tokens
  if (typeof cached === "number") out.cachedInputTokens = cached
  return out
}

const isoTime = (created: number | null | undefined): string | undefined =>
  typeof created === "number" && Number.isFinite(created) ? new Date(created * 1000).toISOString() : undefined

/** The envelope fields of a response or chunk that the metadata parts carry. */
interface Envelope {
  readonly id?: string | null | undefined
  readonly model?: string | null | undefined
  readonly provider?: string | null | undefined
  readonly created?: number | null | undefined
}

const responseMetadata = (envelope: Envelope): Response.ResponseMetadataPartEncoded => {
  const part: {
    -readonly [K in keyof Response.ResponseMetadataPartEncoded]: Response.ResponseMetadataPartEncoded[K]
  } = { type: "response-metadata" }
  if (typeof envelope.id === "string") part.id = envelope.id
  if (typeof envelope.model === "string") part.modelId = envelope.model
  const timestamp = isoTime(envelope.created)
  if (timestamp !== undefined) part.timestamp = timestamp
  const openrouter: Loose = {}
  if (typeof envelope.provider === "string") openrouter.provider = envelope.provider
  if (typeof envelope.id === "string") openrouter.generationId = envelope.id
  part.metadata = { openrouter }
  return part
}

const finishMetadata = (
  envelope: Envelope,
  usage: S.Usage | null | undefined,
  nativeFinishReason: string | null | undefined,
  finish: string | null | undefined
): Response.FinishPartEncoded["metadata"] => {
  const openrouter: Loose = {}
  if (typeof envelope.id === "string") openrouter.generationId = envelope.id
  if (typeof envelope.provider === "string") openrouter.provider = envelope.provider
  if (typeof envelope.model === "string") openrouter.model = envelope.model
  if (typeof usage?.cost === "number") openrouter.cost = usage.cost
  if (usage !== null && usage !== undefined) openrouter.usage = usage
  if (typeof finish === "string") openrouter.finishReason = finish
  if (typeof nativeFinishReason === "string") openrouter.nativeFinishReason = nativeFinishReason
  return { openrouter }
}

/** The text of reasoning details, for a reasoning part when the message has no `reasoning` string. */
const detailsText = (details: ReadonlyArray<S.ReasoningDetail>): string => {
  let text = ""
  for (const detail of details) {
    const d = detail as { readonly type: string; readonly text?: unknown; readonly summary?: unknown }
    if (d.type === "reasoning.text" && typeof d.text === "string") text += d.text
    else if (d.type === "reasoning.summary" && typeof d.summary === "string") text += d.summary
  }
  return text
}

const malformedOutput = (method: string, description: string, cause?: unknown): AiError.MalformedOutput =>
  new AiError.MalformedOutput({ module: MODULE, method, description, ...(cause === undefined ? {} : { cause }) })

const parseToolParams = (
  method: string,
  name: string,
  args: string
): Either.Either<unknown, AiError.MalformedOutput> => {
  if (args.trim() === "") return Either.right({})
  // @effect/ai decodes the parameters with a Schema walk that recurses once per level.
  if (nestsDeeperThan(args)) {
    return Either.left(malformedOutput(method, `The model called tool ${name} with arguments ${TOO_DEEP}`))
  }
  try {
    return Either.right(Tool.unsafeSecureJsonParse(args))
  } catch (cause) {
    return Either.left(malformedOutput(
      method,
      `The model called tool ${name} with arguments that are not JSON: ${args.slice(0, 200)}`,
      cause
    ))
  }
}

const mediaTypeOfDataUrl = (url: string): string | undefined => /^data:([^;,]+)[;,]/.exec(url)?.[1]

const imagePart = (image: S.GeneratedImage): Response.FilePartEncoded | undefined => {
  const url = (image as { readonly image_url?: { readonly url?: unknown } }).image_url?.url
  if (typeof url !== "string") return undefined
  const comma = url.indexOf(",")
  if (!url.startsWith("data:") || comma < 0) return undefined
  return { type: "file", mediaType: mediaTypeOfDataUrl(url) ?? "image/png", data: url.slice(comma + 1) }
}

const sourcePart = (annotation: S.Annotation): Response.UrlSourcePartEncoded | undefined => {
  const citation = annotation.url_citation
  if (annotation.type !== "url_citation" || citation === null || citation === undefined) return undefined
  if (typeof citation.url !== "string") return undefined
  const openrouter: Loose = {}
  if (typeof citation.content === "string") openrouter.content = citation.content
  if (typeof citation.start_index === "number") openrouter.startIndex = citation.start_index
  if (typeof citation.end_index === "number") openrouter.endIndex = citation.end_index
  return {
    type: "source",
    sourceType: "url",
    id: citation.url,
    url: citation.url,
    title: citation.title ?? citation.url,
    metadata: { openrouter }
  }
}

const messageText = (content: S.ChatMessage["content"]): string => {
  if (typeof content === "string") return content
  if (!Array.isArray(content)) return ""
  let text = ""
  for (const part of content) {
    if ((part as { readonly type: string }).type === "text") text += (part as S.TextPart).text
  }
  return text
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
  const parts: Array<Response.PartEncoded> = [responseMetadata(response)]
  const choice = response.choices[0]
  const message = choice?.message
  if (message !== null && message !== undefined) {
    const details = message.reasoning_details ?? []
    const reasoning = message.reasoning ?? ""
    if (details.length > 0) {
      parts.push({
        type: "reasoning",
        text: reasoning.length > 0 ? reasoning : detailsText(details),
        metadata: { openrouter: { reasoningDetails: details } }
      })
    } else if (reasoning.length > 0) {
      parts.push({ type: "reasoning", text: reasoning })
    }
    const text = messageText(message.content)
    if (json && nestsDeeperThan(text)) {
      return Either.left(malformedOutput("generateObject", `The answer is JSON ${TOO_DEEP}`))
    }
    const refusal = message.refusal
    if (text.length > 0 || typeof refusal === "string") {
      parts.push(
        typeof refusal === "string"
          ? { type: "text", text, metadata: { openrouter: { refusal } } }
          : { type: "text", text }
      )
    }
    for (const call of message.tool_calls ?? []) {
      const name = call.function?.name ?? ""
      const params = parseToolParams("generateText", name, call.function?.arguments ?? "")
      if (Either.isLeft(params)) return Either.left(params.left)
      parts.push({ type: "tool-call", id: call.id ?? `call_${parts.length}`, name, params: params.right })
    }
    for (const annotation of message.annotations ?? []) {
      const source = sourcePart(annotation)
      if (source !== undefined) parts.push(source)
    }
    for (const image of message.images ?? []) {
      const file = imagePart(image)
      if (file !== undefined) parts.push(file)
    }
  }
  parts.push({
    type: "finish",
    reason: finishReason(choice?.finish_reason),
    usage: usageOf(response.usage),
    metadata: finishMetadata(response, response.usage, choice?.native_finish_reason, choice?.finish_reason)
  })
  return Either.right(parts)
}

// ---------------------------------------------------------------------------
// Stream chunks → stream parts
// ---------------------------------------------------------------------------

interface OpenToolCall {
  readonly id: string
  readonly name: string
  args: string
}

/**
 * Turns stream chunks into stream parts, in the order `@effect/ai` expects: `response-metadata`
 * first; `reasoning-start`/`-delta`/`-end` and `text-start`/`-delta`/`-end` as they come (a reasoning
 * part ends when text starts, and the other way round); `tool-params-start`/`-delta` as arguments
 * arrive, then `tool-params-end` and `tool-call` once the call is complete (at its finish reason, or
 * at the end); `finish` last, with the usage of the usage chunk. The reasoning details of a
 * reasoning part ride on its `reasoning-end`, as received, so they can be sent back unchanged.
 */
export class StreamMapper {
  private nextId = 0
  private metadataSent = false
  private textId: string | undefined
  private reasoningId: string | undefined
  private reasoningDetails = new ReasoningFold()
  private readonly toolCalls = new Map<number, OpenToolCall>()
  private toolFragments = new CallFragments()
  private finish: string | null | undefined
  private nativeFinish: string | null | undefined
  private usage: S.Usage | null | undefined
  private envelope: { id?: string; model?: string; provider?: string; created?: number } = {}

  private endText(out: Array<Response.StreamPartEncoded>): void {
    if (this.textId !== undefined) {
      out.push({ type: "text-end", id: this.textId })
      this.textId = undefined
    }
  }

  private endReasoning(out: Array<Response.StreamPartEncoded>): void {
    if (this.reasoningId !== undefined) {
      const details = this.reasoningDetails.blocks as Array<S.ReasoningDetail>
      out.push(
        details.length > 0
          ? { type: "reasoning-end", id: this.reasoningId, metadata: { openrouter: { reasoningDetails: details } } }
          : { type: "reasoning-end", id: this.reasoningId }
      )
      this.reasoningId = undefined
      this.reasoningDetails = new ReasoningFold()
    }
  }

  private endToolCalls(out: Array<Response.StreamPartEncoded>): AiError.MalformedOutput | undefined {
    for (const call of this.toolCalls.values()) {
      const params = parseToolParams("streamText", call.name, call.args)
      if (Either.isLeft(params)) return params.left
      out.push({ type: "tool-params-end", id: call.id })
      out.push({ type: "tool-call", id: call.id, name: call.name, params: params.right })
    }
    this.toolCalls.clear()
    this.toolFragments = new CallFragments()
    return undefined
  }

  /** The parts of one chunk, appended to `out`; a tool call with arguments that are not JSON fails. */
  add(chunk: S.ChatStreamChunk, out: Array<Response.StreamPartEncoded>): AiError.MalformedOutput | undefined {
    const env = this.envelope
    if (typeof chunk.id === "string") env.id = chunk.id
    if (typeof chunk.model === "string") env.model = chunk.model
    if (typeof chunk.provider === "string") env.provider = chunk.provider
    if (typeof chunk.created === "number") env.created = chunk.created
    if (!this.metadataSent && typeof chunk.id === "string") {
      this.metadataSent = true
      out.push(responseMetadata(chunk))
    }
    if (chunk.usage !== null && chunk.usage !== undefined) this.usage = chunk.usage
    const choices = chunk.choices
    for (let c = 0; c < choices.length; c++) {
      const choice = choices[c]!
      // @effect/ai has one answer per call: only the first choice is mapped
      if (typeof choice.index === "number" && choice.index !== 0) continue
      const delta = choice.delta
      if (delta !== null && delta !== undefined) {
        const details = delta.reasoning_details
        const hasDetails = details !== null && details !== undefined && details.length > 0
        const reasoning = typeof delta.reasoning === "string" && delta.reasoning.length > 0
          ? delta.reasoning
          : hasDetails
          ? detailsText(details)
          : ""
        if (reasoning.length > 0 || hasDetails) {
          this.endText(out)
          if (this.reasoningId === undefined) {
            this.reasoningId = String(this.nextId++)
            out.push({ type: "reasoning-start", id: this.reasoningId })
          }
          if (hasDetails) this.reasoningDetails.add(details)
          if (reasoning.length > 0) out.push({ type: "reasoning-delta", id: this.reasoningId, delta: reasoning })
        }
        const content = delta.content
        if (typeof content === "string" && content.length > 0) {
          this.endReasoning(out)
          if (this.textId === undefined) {
            this.textId = String(this.nextId++)
            out.push({ type: "text-start", id: this.textId })
          }
          out.push({ type: "text-delta", id: this.textId, delta: content })
        }
        const toolCalls = delta.tool_calls
        if (toolCalls !== null && toolCalls !== undefined) {
          for (let t = 0; t < toolCalls.length; t++) {
            const piece = toolCalls[t]!
            const slot = this.toolFragments.slot(piece)
            let call = this.toolCalls.get(slot)
            const args = piece.function?.arguments ?? ""
            if (call === undefined) {
              this.endReasoning(out)
              this.endText(out)
              call = {
                id: piece.id ?? `call_${this.nextId++}`,
                name: piece.function?.name ?? "",
                args: ""
              }
              this.toolCalls.set(slot, call)
              out.push({ type: "tool-params-start", id: call.id, name: call.name })
            }
            if (args.length > 0) {
              call.args += args
              out.push({ type: "tool-params-delta", id: call.id, delta: args })
            }
          }
        }
        const images = delta.images
        if (images !== null && images !== undefined) {
          for (const image of images) {
            const file = imagePart(image)
            if (file !== undefined) out.push(file)
          }
        }
        const annotations = delta.annotations
        if (annotations !== null && annotations !== undefined) {
          for (const annotation of annotations) {
            const source = sourcePart(annotation)
            if (source !== undefined) out.push(source)
          }
        }
      }
      if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
        this.finish = choice.finish_reason
        if (choice.native_finish_reason !== undefined) this.nativeFinish = choice.native_finish_reason
        const error = this.endToolCalls(out)
        if (error !== undefined) return error
      }
    }
    return undefined
  }

  /** The closing parts, once the stream has ended: open parts end, then `finish`. */
  end(out: Array<Response.StreamPartEncoded>): AiError.MalformedOutput | undefined {
    if (!this.metadataSent) {
      this.metadataSent = true
      out.push(responseMetadata(this.envelope))
    }
    this.endReasoning(out)
    this.endText(out)
    const error = this.endToolCalls(out)
    if (error !== undefined) return error
    out.push({
      type: "finish",
      reason: finishReason(this.finish),
      usage: usageOf(this.usage),
      metadata: finishMetadata(this.envelope, this.usage, this.nativeFinish, this.finish)
    })
    return undefined
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
