/**
 * The mapping behind the Effect 4 `OpenRouterLanguageModel`: an `effect/ai` prompt, toolkit and
 * response format to a chat request; a chat response, or a stream of chunks, to `effect/ai` response
 * parts; our tagged errors to `AiError` reasons that carry them as `cause`. The Effect 3 twin is
 * `src/internal/provider/mapping.ts`; the Effect-free pieces (the reasoning fold, the tool-call
 * fragment rule, the depth bound) are the shared files both read.
 */
import * as AiError from "effect/ai/AiError"
import { defaultCodecTransformer } from "effect/ai/LanguageModel"
import type * as LanguageModel from "effect/ai/LanguageModel"
import type * as Prompt from "effect/ai/Prompt"
import type * as Response from "effect/ai/Response"
import * as Tool from "effect/ai/Tool"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Base64 from "effect/encoding/Base64"
import * as Exit from "effect/Exit"
import * as Result from "effect/Result"
import type * as Schema from "effect/Schema"
import { foldReasoningDetails } from "../../../../src/internal/chat/collect.js"
import * as Parts from "../../../../src/internal/provider/parts.js"
import { audioFormat, isUrlString } from "../../../../src/internal/provider/parts.js"
import { tokenCount } from "../../../../src/internal/provider/usage.js"
import { isRecord } from "../../../../src/internal/transport/json.js"
import type * as Errors from "../../Errors.js"
import type * as S from "../../Schema.js"
import * as OurTool from "../../Tool.js"
import { toCodecOpenAIStated } from "../structured/constraints.js"
import { type ToolSchema, toolSchemaOf } from "../tool/toolSchema.js"

/** A request under construction, or a piece of JSON: wire field names, unknown fields allowed. */
type Loose = Record<string, unknown>

/** Builds an `AiError` of this module. */
export const aiError = (method: string, reason: AiError.AiErrorReason): AiError.AiError =>
  AiError.make({ module: "OpenRouterLanguageModel", method, reason })

// ---------------------------------------------------------------------------
// Prompt → messages
// ---------------------------------------------------------------------------

/** The `openrouter` provider options of a prompt message or part, loosely typed. */
interface PartOptions {
  readonly cacheControl?: S.CacheControl | null | undefined
  readonly reasoningDetails?: ReadonlyArray<S.ReasoningDetail> | null | undefined
  readonly imageDetail?: "auto" | "low" | "high" | "original" | null | undefined
  readonly fileName?: string | null | undefined
}

const openrouterOptions = (options: Prompt.ProviderOptions | undefined): PartOptions | undefined => {
  const own = options?.openrouter
  return isRecord(own) ? own as PartOptions : undefined
}

const invalidInput = (description: string): AiError.AiError =>
  aiError("prepareRequest", new AiError.InvalidUserInputError({ description }))

const dataUrl = (mediaType: string, data: Uint8Array | string): string =>
  `data:${mediaType};base64,${typeof data === "string" ? data : Base64.encode(data)}`

const fileSource = (part: Prompt.FilePart, mediaType: string): string =>
  part.data instanceof URL
    ? part.data.toString()
    : typeof part.data === "string" && isUrlString(part.data)
    ? part.data
    : dataUrl(mediaType, part.data)

const cacheOf = (cacheControl: S.CacheControl | null | undefined): Loose =>
  cacheControl === undefined || cacheControl === null ? {} : { cache_control: cacheControl }

const filePart = (part: Prompt.FilePart, index: number): Result.Result<Loose, AiError.AiError> => {
  const options = openrouterOptions(part.options)
  const cache = cacheOf(options?.cacheControl)
  const mediaType = part.mediaType
  if (mediaType.startsWith("image/")) {
    const url = fileSource(part, mediaType === "image/*" ? "image/jpeg" : mediaType)
    const detail = options?.imageDetail
    return Result.succeed({
      type: "image_url",
      image_url: detail === undefined || detail === null ? { url } : { url, detail },
      ...cache
    })
  }
  if (mediaType.startsWith("audio/")) {
    const format = audioFormat(mediaType)
    if (part.data instanceof URL || (typeof part.data === "string" && isUrlString(part.data))) {
      return Result.fail(invalidInput(
        `Audio (${mediaType}) must be sent as data (a Uint8Array or base64 text); OpenRouter's input_audio takes no URL`
      ))
    }
    const data = typeof part.data === "string" ? part.data : Base64.encode(part.data)
    return Result.succeed({ type: "input_audio", input_audio: { data, format }, ...cache })
  }
  if (mediaType.startsWith("video/")) {
    return Result.succeed({ type: "video_url", video_url: { url: fileSource(part, mediaType) }, ...cache })
  }
  const filename = options?.fileName ?? part.fileName ?? `part-${index}${mediaType === "application/pdf" ? ".pdf" : ""}`
  return Result.succeed({ type: "file", file: { filename, file_data: fileSource(part, mediaType) }, ...cache })
}

const textContent = (text: string, options: PartOptions | undefined): string | ReadonlyArray<Loose> =>
  options?.cacheControl === undefined || options.cacheControl === null
    ? text
    : [{ type: "text", text, cache_control: options.cacheControl }]

/**
 * The `content` of a tool message: always a string (OpenAI's API requires it). A string result as is,
 * anything else as JSON, and a void result (a tool with no success Schema) as `"null"`, as `ToolLoop`
 * sends it; the text parts of a tool's `modelOutput` (effect/ai 4) win over its result.
 */
const toolContent = (part: Prompt.ToolResultPart): Result.Result<string, string> => {
  const output = part.modelOutput
  if (output !== undefined && output.length > 0 && output.every((p) => p.type === "text")) {
    return Result.succeed(output.map((p) => (p as Prompt.TextPart).text).join(""))
  }
  const encoded = part.result
  if (typeof encoded === "string") return Result.succeed(encoded)
  try {
    const text = JSON.stringify(encoded === undefined ? null : encoded)
    return typeof text === "string" ? Result.succeed(text) : Result.fail("the result is not JSON-serialisable")
  } catch (e) {
    return Result.fail(`the result is not JSON-serialisable: ${(e as Error).message}`)
  }
}

/**
 * The prompt as chat messages. Reasoning parts go back as `reasoning_details` when they carry the
 * details they came with (one block per `type` and `index`, as the model produced them), else as
 * `reasoning` text.
 */
export const prepareMessages = (prompt: Prompt.Prompt): Result.Result<Array<Loose>, AiError.AiError> => {
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
            content.push({ type: "text", text: part.text, ...cacheOf(cacheControl) })
          } else {
            const mapped = filePart(part, i)
            if (Result.isFailure(mapped)) return Result.fail(mapped.failure)
            content.push(mapped.success)
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
              if (Array.isArray(own)) details.push(...own)
              break
            }
            case "tool-call":
              if (!part.providerExecuted) {
                // A tool whose parameters are not an object travels wrapped as `{ value }` (as
                // Toolkit.definitions sends it), and a call's arguments are always an object.
                const params = part.params ?? {}
                toolCalls.push({
                  id: part.id,
                  type: "function",
                  function: {
                    name: part.name,
                    arguments: JSON.stringify(isRecord(params) ? params : { value: params })
                  }
                })
              }
              break
            default:
              // files, approvals and provider-executed tool results have no chat completions form
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
          // an approval answer is effect/ai's own bookkeeping: chat completions has no message for it
          if (part.type !== "tool-result") continue
          const content = toolContent(part)
          if (Result.isFailure(content)) {
            return Result.fail(invalidInput(`The result of tool call ${part.id}: ${content.failure}`))
          }
          messages.push({ role: "tool", tool_call_id: part.id, content: content.success })
        }
        break
      }
    }
  }
  return Result.succeed(messages)
}

// ---------------------------------------------------------------------------
// Tools, tool choice, response format
// ---------------------------------------------------------------------------

const unsupportedSchema = (what: string, cause: unknown): AiError.AiError =>
  aiError(
    "prepareRequest",
    new AiError.UnsupportedSchemaError({
      description: `${what} has no JSON Schema form: ${cause instanceof Error ? cause.message : String(cause)}`
    })
  )

/**
 * `tools` and `tool_choice` from the toolkit the caller gave (already narrowed to `oneOf` by effect/ai).
 * Each tool goes as `Toolkit.definitions` (and so `ToolLoop`) sends it: this package's `Tool.definition`,
 * one derivation for both drivers of a toolkit. A strict tool's parameters are in the strict form, whose
 * arguments {@link plainToolCalls} turns back into the form effect/ai decodes.
 */
export const prepareTools = (options: LanguageModel.ProviderOptions): Result.Result<Loose, AiError.AiError> => {
  if (options.tools.length === 0) return Result.succeed({})
  const tools: Array<S.FunctionTool> = []
  for (const tool of options.tools) {
    if (Tool.isProviderDefined(tool)) {
      return Result.fail(invalidInput(
        `Provider-defined tool ${tool.name} (${tool.id}) is not an OpenRouter tool; OpenRouter's server tools ` +
          `(web search, datetime, ...) go in the request through the provider config's \`tools\``
      ))
    }
    const definition = OurTool.definition(tool)
    if (Result.isFailure(definition)) {
      const issue = definition.failure.issues[0]?.message ?? definition.failure.message
      return Result.fail(unsupportedSchema(`The parameters of tool ${tool.name}`, issue))
    }
    tools.push(definition.success)
  }
  const choice = options.toolChoice
  const tool_choice = choice === "auto" || choice === "none" || choice === "required"
    ? choice
    : "tool" in choice
    ? { type: "function", function: { name: choice.tool } }
    : choice.mode === "required"
    ? "required"
    : "auto"
  return Result.succeed({ tools, tool_choice })
}

/**
 * For the tools sent in the strict form (`strict: true`), the tool-call parts with the model's
 * arguments in the parameters' plain JSON form, the one effect/ai decodes before it runs a handler
 * (a `null` for an absent optional field would fail there); `undefined` when no tool of the call needs
 * it, so that a call without strict tools pays nothing. Arguments that do not decode are handed on as
 * the model sent them: effect/ai reports them as it reports any invalid call.
 */
export const plainToolCalls = (
  options: LanguageModel.ProviderOptions
): (<P extends Response.PartEncoded | Response.StreamPartEncoded>(part: P) => Effect.Effect<P>) | undefined => {
  const toPlain = new Map<string, NonNullable<ToolSchema["toPlain"]>>()
  for (const tool of options.tools) {
    const derived = toolSchemaOf(tool)
    if (Result.isSuccess(derived) && derived.success.toPlain !== undefined) {
      toPlain.set(tool.name, derived.success.toPlain)
    }
  }
  if (toPlain.size === 0) return undefined
  return (part) => {
    const convert = part.type === "tool-call" ? toPlain.get(part.name) : undefined
    if (convert === undefined || part.type !== "tool-call") return Effect.succeed(part)
    // a Schema that needs a service effect/ai would provide dies here: handed on as sent, as a mismatch is
    return Effect.map(
      Effect.exit(convert(part.params) as Effect.Effect<unknown, Schema.SchemaError>),
      (exit) => Exit.isSuccess(exit) ? { ...part, params: exit.value } : part
    )
  }
}

/**
 * The codec transformer of `generateObject`: effect/ai's `toCodecOpenAI` (every field required,
 * optional ones nullable, closed objects: what strict mode accepts, and effect/ai decodes the answer
 * with its codec; the JSON Schema with the constraints its derivation leaves out stated), or, for a schema it refuses (a root that is not an object), effect/ai's default
 * (sent with `strict: false`, the answer still checked against the schema).
 */
export const codecOf = (
  schema: Schema.Top
): ReturnType<LanguageModel.CodecTransformer> & { readonly strict: boolean } => {
  try {
    // The JSON Schema states the constraints the schema checks (see structured/constraints.ts).
    return { ...toCodecOpenAIStated(schema as Schema.Codec<unknown, unknown>), strict: true }
  } catch {
    return { ...defaultCodecTransformer(schema as Schema.Codec<unknown, unknown>), strict: false }
  }
}

/** The `codecTransformer` given to effect/ai's `LanguageModel.make`: the codec of {@link codecOf}. */
export const codecTransformer: LanguageModel.CodecTransformer = (schema) => {
  const { codec, jsonSchema } = codecOf(schema as Schema.Top)
  return { codec: codec as never, jsonSchema }
}

/** `response_format` for `generateObject`: the JSON Schema of {@link codecOf}, strict unless it fell back. */
export const prepareResponseFormat = (
  options: LanguageModel.ProviderOptions,
  strict: boolean | undefined
): Result.Result<Loose, AiError.AiError> => {
  const format = options.responseFormat
  if (format.type !== "json") return Result.succeed({})
  let derived: ReturnType<LanguageModel.CodecTransformer> & { readonly strict: boolean }
  try {
    derived = codecOf(format.schema)
  } catch (cause) {
    return Result.fail(unsupportedSchema(`The schema of ${format.objectName}`, cause))
  }
  const schema = derived.jsonSchema
  const json_schema: Loose = {
    name: format.objectName.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64) || "object",
    schema,
    strict: strict ?? derived.strict
  }
  const description = isRecord(schema) && typeof schema.description === "string" ? schema.description : undefined
  if (description !== undefined) json_schema.description = description
  return Result.succeed({ response_format: { type: "json_schema", json_schema } })
}

// ---------------------------------------------------------------------------
// Response → parts (the shared `provider/parts.ts`, with this edition's usage and error)
// ---------------------------------------------------------------------------

/** OpenRouter's `finish_reason` as effect/ai's: unknown values are `other`, a missing one `unknown`. */
export const finishReason = (reason: string | null | undefined): Response.FinishReason =>
  Parts.finishReason(reason) as Response.FinishReason

/** The fields that have a value: effect/ai's JSON metadata has no `undefined`. */
const defined = <A extends Loose>(fields: A): { [K in keyof A]?: Exclude<A[K], undefined> } => {
  const out: Loose = {}
  for (const key in fields) if (fields[key] !== undefined) out[key] = fields[key]
  return out as { [K in keyof A]?: Exclude<A[K], undefined> }
}

/**
 * OpenRouter's usage as effect/ai 4's `Usage`: input tokens split into uncached, cache reads and
 * cache writes when OpenRouter says, output tokens into text and reasoning.
 */
export const usageOf = (usage: S.Usage | null | undefined): typeof Response.Usage.Encoded => {
  const input = tokenCount(usage?.prompt_tokens)
  const output = tokenCount(usage?.completion_tokens)
  const cacheRead = tokenCount(usage?.prompt_tokens_details?.cached_tokens)
  const cacheWrite = tokenCount((usage?.prompt_tokens_details as Loose | null | undefined)?.cache_write_tokens)
  const reasoning = tokenCount(usage?.completion_tokens_details?.reasoning_tokens)
  const uncached = input === undefined ? undefined : Math.max(0, input - (cacheRead ?? 0) - (cacheWrite ?? 0))
  return {
    inputTokens: defined({ total: input, uncached, cacheRead, cacheWrite }),
    outputTokens: defined({
      total: output,
      reasoning,
      text: output === undefined ? undefined : Math.max(0, output - (reasoning ?? 0))
    })
  }
}

/** The usage of a response as `AiError.UsageInfo` (for an output error on a billed answer). */
const usageInfo = (usage: S.Usage | null | undefined): typeof AiError.UsageInfo.Type | undefined =>
  usage === null || usage === undefined ? undefined : defined({
    promptTokens: tokenCount(usage.prompt_tokens),
    completionTokens: tokenCount(usage.completion_tokens),
    totalTokens: tokenCount(usage.total_tokens)
  })

const edition: Parts.Edition<AiError.AiError> = {
  usage: (usage) => usageOf(usage as S.Usage | null | undefined),
  parse: Tool.unsafeSecureJsonParse,
  invalidOutput: (method, description, usage) => {
    const info = usageInfo(usage as S.Usage | null | undefined)
    return aiError(
      method,
      new AiError.InvalidOutputError(info === undefined ? { description } : { description, usage: info })
    )
  }
}

/**
 * The parts of a non-streaming response (its first choice). For `generateObject` (`json`), an answer
 * nested deeper than `MAX_DEPTH` fails here: effect/ai decodes the text with a Schema walk that
 * recurses once per level, and would die of a stack overflow instead of failing.
 */
export const responseParts = (
  response: S.ChatResponse,
  json: boolean = false
): Result.Result<Array<Response.PartEncoded>, AiError.AiError> => {
  const parts = Parts.responseParts(edition, response, json)
  return parts.ok ? Result.succeed(parts.parts as unknown as Array<Response.PartEncoded>) : Result.fail(parts.error)
}

/** Stream chunks as stream parts, in the order effect/ai expects (see the shared `StreamMapper`). */
export class StreamMapper {
  private readonly shared = new Parts.StreamMapper(edition)

  /** The parts of one chunk, appended to `out`; a tool call with arguments that are not JSON fails. */
  add(chunk: S.ChatStreamChunk, out: Array<Response.StreamPartEncoded>): AiError.AiError | undefined {
    return this.shared.add(chunk, out as unknown as Array<Parts.PartEncoded>)
  }

  /** The closing parts, once the stream has ended: open parts end, then `finish`. */
  end(out: Array<Response.StreamPartEncoded>): AiError.AiError | undefined {
    return this.shared.end(out as unknown as Array<Parts.PartEncoded>)
  }
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/** Leaves out what is not JSON (undefined, functions) so that effect/ai's metadata Schema accepts it. */
const jsonOnly = (fields: Loose): { readonly [key: string]: AiError.ProviderMetadata[string] } => {
  const out: Loose = {}
  for (const key in fields) {
    const value = fields[key]
    if (typeof value === "string" || typeof value === "boolean") out[key] = value
    else if (typeof value === "number" && Number.isFinite(value)) out[key] = value
    else if (Array.isArray(value) && value.every((v) => typeof v === "string")) out[key] = value
  }
  return out as never
}

const responseText = (body: unknown): string | undefined => {
  if (body === undefined) return undefined
  if (typeof body === "string") return body
  try {
    return JSON.stringify(body)
  } catch {
    return undefined
  }
}

const httpContext = (error: Errors.StatusError): typeof AiError.HttpContext.Type => {
  const body = responseText(error.body)
  const response = { status: Number.isInteger(error.status) ? error.status : 0, headers: { ...error.headers } }
  return body === undefined ? { response } : { response, body }
}

/** The upstream provider's `error.param`, when its raw error names the request field at fault. */
const parameterOf = (error: Errors.StatusError): string | undefined => {
  const raw = error.providerError
  const inner = isRecord(raw) && isRecord(raw.error) ? raw.error : raw
  return isRecord(inner) && typeof inner.param === "string" ? inner.param : undefined
}

/** OpenRouter's `metadata.resets_at` (ISO text, or seconds/milliseconds since the epoch), else now + Retry-After. */
const resetAt = (error: Errors.StatusError, now: number): DateTime.Utc | undefined => {
  const sent = error.metadata?.resets_at
  if (typeof sent === "string" || typeof sent === "number") {
    const millis = typeof sent === "number" ? (sent < 1e12 ? sent * 1000 : sent) : Date.parse(sent)
    if (Number.isFinite(millis) && Math.abs(millis) < 8.64e15) return DateTime.makeUnsafe(millis)
  }
  if (error.retryAfter === undefined) return undefined
  return DateTime.makeUnsafe(now + Duration.toMillis(error.retryAfter))
}

const statusReason = (error: Errors.StatusError, now: number): AiError.AiErrorReason => {
  const http = httpContext(error)
  const temporary = error.retryAfter !== undefined && error._tag === "PaymentRequiredResponseError" &&
    typeof error.metadata?.limit_source === "string" && error.metadata.limit_source !== ""
  const metadata = {
    openrouter: jsonOnly({
      status: error.status,
      code: error.code,
      errorType: error.errorType,
      providerName: error.providerName,
      providerMessage: error.providerMessage,
      generationId: error.generationId,
      attempts: error.attempts,
      retryAfterMillis: error.retryAfter === undefined ? undefined : Duration.toMillis(error.retryAfter),
      limitSource: error.metadata?.limit_source ?? undefined,
      remedyHint: error.metadata?.remedy_hint ?? undefined,
      temporary: error._tag === "PaymentRequiredResponseError" ? temporary : undefined,
      reasons: error.metadata?.reasons ?? undefined,
      flaggedInput: error.metadata?.flagged_input ?? undefined,
      modelSlug: error.metadata?.model_slug ?? undefined
    })
  }
  const description = error.message
  switch (error._tag) {
    case "UnauthorizedResponseError":
      return new AiError.AuthenticationError({ kind: "InvalidKey", description, metadata, http })
    case "ForbiddenResponseError":
      // Every 403 is AuthenticationError, as the provider contract asks; a moderation refusal (OpenRouter's
      // usual 403) keeps its reasons and flagged input in metadata.openrouter, so a caller can tell it apart
      return new AiError.AuthenticationError({ kind: "InsufficientPermissions", description, metadata, http })
    case "PaymentRequiredResponseError": {
      const at = resetAt(error, now)
      return new AiError.QuotaExhaustedError(at === undefined ? { metadata, http } : { resetAt: at, metadata, http })
    }
    case "TooManyRequestsResponseError":
      return new AiError.RateLimitError(
        error.retryAfter === undefined ? { metadata, http } : { retryAfter: error.retryAfter, metadata, http }
      )
    case "BadRequestResponseError":
    case "NotFoundResponseError":
    case "PayloadTooLargeResponseError":
    case "UnprocessableEntityResponseError": {
      const parameter = parameterOf(error)
      return new AiError.InvalidRequestError(
        parameter === undefined ? { description, metadata, http } : { parameter, description, metadata, http }
      )
    }
    case "RequestTimeoutResponseError":
    case "InternalServerResponseError":
    case "BadGatewayResponseError":
    case "ServiceUnavailableResponseError":
    case "EdgeNetworkTimeoutResponseError":
    case "ProviderOverloadedResponseError":
      return new AiError.InternalProviderError({ description, metadata, http })
    case "OpenRouterDefaultError":
      return error.status >= 500
        ? new AiError.InternalProviderError({ description, metadata, http })
        : new AiError.UnknownError({ description, metadata, http })
  }
}

/** A reason with our error as its `cause` (effect/ai's reasons other than `NetworkError` have no such field). */
const withCause = <R extends AiError.AiErrorReason>(reason: R, cause: Errors.StreamError): R => {
  if (!("cause" in reason) || reason.cause === undefined) {
    Object.defineProperty(reason, "cause", { value: cause, enumerable: false, writable: true, configurable: true })
  }
  return reason
}

/**
 * Our tagged error as an `AiError` whose reason carries it as `cause` (see the README's table):
 * `now` dates a 402's `resetAt` from its `Retry-After`.
 */
export const toAiError = (error: Errors.StreamError, method: string, url: string, now: number): AiError.AiError => {
  switch (error._tag) {
    case "InvalidRequestError": {
      const first = error.issues[0]
      return aiError(
        method,
        withCause(
          new AiError.InvalidRequestError(
            first === undefined
              ? { description: error.message }
              : { parameter: first.path, constraint: first.message, description: error.message }
          ),
          error
        )
      )
    }
    case "ConnectionError":
    case "TimeoutError":
      // never the request's headers: they hold the API key
      return aiError(
        method,
        new AiError.NetworkError({
          reason: "TransportError",
          method: "POST",
          url,
          description: error.message,
          cause: error
        })
      )
    case "ResponseDecodeError":
      return aiError(
        method,
        withCause(
          new AiError.InvalidResponseError({
            description: error.message,
            metadata: {
              openrouter: jsonOnly({ issue: error.issue, generationId: error.generationId, attempts: error.attempts })
            },
            http: {
              response: { status: Number.isInteger(error.status) ? error.status : 0, headers: {} },
              body: error.excerpt
            }
          }),
          error
        )
      )
    case "MidStreamError":
      return aiError(
        method,
        withCause(
          new AiError.InternalProviderError({
            description: error.message,
            metadata: {
              openrouter: jsonOnly({
                code: error.code,
                errorType: error.errorType,
                providerName: error.providerName,
                providerMessage: error.providerMessage,
                contentEmitted: error.contentEmitted,
                generationId: error.generationId,
                attempts: error.attempts
              })
            }
          }),
          error
        )
      )
    default:
      return aiError(method, withCause(statusReason(error, now), error))
  }
}
