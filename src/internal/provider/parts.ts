/**
 * The Effect-free half of both editions' `OpenRouterLanguageModel`: a chat response, or a stream of
 * chunks, as the encoded response parts of the AI library (its Effect 3 package, and `effect/ai` on Effect 4), which
 * have the same shapes but for `usage` (each edition passes its own) and the error of a tool call or an
 * answer the provider cannot use (each edition passes its own constructor). Also the request-side
 * tables both providers read: finish reasons, audio formats, OpenAI strict mode's acceptance test.
 *
 * Reads plain decoded JSON (the editions' `Schema` types are structurally these); imports no edition.
 */
import { CallFragments } from "../chat/callFragments.js"
import { ReasoningFold } from "../chat/collect.js"
import { isRecord, nestsDeeperThan, TOO_DEEP } from "../transport/json.js"
import { jsonUsage } from "./usage.js"

/** A response part, encoded: what `LanguageModel.make`'s `generateText` / `streamText` return. */
export type PartEncoded = { readonly type: string; readonly [key: string]: unknown }

type Loose = Record<string, unknown>

/** The usage object as OpenRouter sends it (fields read loosely: model output is input). */
export interface UsageLike {
  readonly cost?: unknown
  readonly [key: string]: unknown
}

/** The envelope fields of a response or chunk that the metadata parts carry. */
interface EnvelopeLike {
  readonly id?: unknown
  readonly model?: unknown
  readonly provider?: unknown
  readonly created?: unknown
}

/** What a response's or a chunk's reader needs from its edition. */
export interface Edition<E> {
  /** The edition's encoded `Usage` of OpenRouter's usage. */
  readonly usage: (usage: UsageLike | null | undefined) => unknown
  /** Tool-call arguments as parameters, with the edition's JSON parser (effect/ai's secure parse). */
  readonly parse: (args: string) => unknown
  /**
   * The edition's error for output the provider cannot use (the usage of the billed answer with it, and
   * the parser's exception when there is one).
   */
  readonly invalidOutput: (
    method: string,
    description: string,
    usage: UsageLike | null | undefined,
    cause?: unknown
  ) => E
}

// ---------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------

const finishReasons: Readonly<Record<string, string>> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool-calls",
  function_call: "tool-calls",
  content_filter: "content-filter",
  error: "error"
}

/** OpenRouter's `finish_reason` as effect/ai's: unknown values are `other`, a missing one `unknown`. */
export const finishReason = (reason: unknown): string =>
  typeof reason !== "string" ? "unknown" : Object.hasOwn(finishReasons, reason) ? finishReasons[reason]! : "other"

/** `input_audio.format` by media type; another `audio/x` is sent as `x`. */
export const audioFormats: Readonly<Record<string, string>> = {
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

/** The `input_audio.format` of an audio media type. */
export const audioFormat = (mediaType: string): string =>
  Object.hasOwn(audioFormats, mediaType) ? audioFormats[mediaType]! : mediaType.slice("audio/".length)

/** A string is taken as a URL (http, https or data) when it looks like one, else as base64 data. */
export const isUrlString = (data: string): boolean => /^(https?:|data:)/i.test(data)

/**
 * Whether OpenAI-style strict mode accepts a JSON Schema as it is: the root is an object (not a
 * union, not a `$ref`: strict mode refuses any other root, and the call would fail instead of
 * answering), and every object lists all its properties as required and forbids additional ones.
 */
export const isStrictCompatible = (schema: unknown): boolean => {
  if (!isRecord(schema) || schema.type !== "object" || schema.anyOf !== undefined) return false
  const visit = (node: unknown): boolean => {
    if (Array.isArray(node)) return node.every(visit)
    if (!isRecord(node)) return true
    if (node.type === "object" || node.properties !== undefined) {
      const properties = isRecord(node.properties) ? node.properties : {}
      const required = Array.isArray(node.required) ? node.required as ReadonlyArray<unknown> : []
      if (node.additionalProperties !== false) return false
      if (Object.keys(properties).some((key) => !required.includes(key))) return false
    }
    for (const key in node) {
      if (key === "enum" || key === "const" || key === "examples" || key === "default") continue
      if (!visit(node[key])) return false
    }
    return true
  }
  return visit(schema)
}

// ---------------------------------------------------------------------------
// Pieces of parts
// ---------------------------------------------------------------------------

const str = (u: unknown): string | undefined => (typeof u === "string" ? u : undefined)

/** The fields that have a value: effect/ai 4's JSON metadata has no `undefined`. */
const defined = (fields: Loose): Loose => {
  const out: Loose = {}
  for (const key in fields) if (fields[key] !== undefined) out[key] = fields[key]
  return out
}

const isoTime = (created: unknown): string | undefined =>
  typeof created === "number" && Number.isFinite(created) && Math.abs(created) < 8.64e12
    ? new Date(created * 1000).toISOString()
    : undefined

const responseMetadata = (envelope: EnvelopeLike): PartEncoded => ({
  type: "response-metadata",
  ...defined({ id: str(envelope.id), modelId: str(envelope.model), timestamp: isoTime(envelope.created) }),
  metadata: { openrouter: defined({ provider: str(envelope.provider), generationId: str(envelope.id) }) }
})

const finishPart = <E>(
  edition: Edition<E>,
  envelope: EnvelopeLike,
  usage: UsageLike | null | undefined,
  finish: unknown,
  nativeFinish: unknown
): PartEncoded => ({
  type: "finish",
  reason: finishReason(finish),
  usage: edition.usage(usage),
  metadata: {
    openrouter: defined({
      generationId: str(envelope.id),
      provider: str(envelope.provider),
      model: str(envelope.model),
      cost: typeof usage?.cost === "number" && Number.isFinite(usage.cost) ? usage.cost : undefined,
      usage: usage === null || usage === undefined ? undefined : jsonUsage(usage),
      finishReason: str(finish),
      nativeFinishReason: str(nativeFinish)
    })
  }
})

/** The text of reasoning details, for a reasoning part when the message has no `reasoning` string. */
const detailsText = (details: ReadonlyArray<unknown>): string => {
  let text = ""
  for (const d of details) {
    if (!isRecord(d)) continue
    if (d.type === "reasoning.text" && typeof d.text === "string") text += d.text
    else if (d.type === "reasoning.summary" && typeof d.summary === "string") text += d.summary
  }
  return text
}

/** Parsed tool-call arguments, or the edition's error (not JSON, or nested deeper than the bound). */
const toolParams = <E>(
  edition: Edition<E>,
  method: string,
  name: string,
  args: string,
  usage: UsageLike | null | undefined
): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: E } => {
  if (args.trim() === "") return { ok: true, value: {} }
  // effect/ai decodes the parameters with a Schema walk that recurses once per level.
  if (nestsDeeperThan(args)) {
    return {
      ok: false,
      error: edition.invalidOutput(method, `The model called tool ${name} with arguments ${TOO_DEEP}`, usage)
    }
  }
  try {
    return { ok: true, value: edition.parse(args) }
  } catch (cause) {
    return {
      ok: false,
      error: edition.invalidOutput(
        method,
        `The model called tool ${name} with arguments that are not JSON: ${args.slice(0, 200)}`,
        usage,
        cause
      )
    }
  }
}

const mediaTypeOfDataUrl = (url: string): string | undefined => /^data:([^;,]+)[;,]/.exec(url)?.[1]

const imagePart = (image: unknown): PartEncoded | undefined => {
  const url = isRecord(image) && isRecord(image.image_url) ? image.image_url.url : undefined
  if (typeof url !== "string") return undefined
  const comma = url.indexOf(",")
  if (!url.startsWith("data:") || comma < 0) return undefined
  return { type: "file", mediaType: mediaTypeOfDataUrl(url) ?? "image/png", data: url.slice(comma + 1) }
}

const sourcePart = (annotation: unknown): PartEncoded | undefined => {
  if (!isRecord(annotation) || annotation.type !== "url_citation") return undefined
  const citation = annotation.url_citation
  if (!isRecord(citation) || typeof citation.url !== "string") return undefined
  return {
    type: "source",
    sourceType: "url",
    id: citation.url,
    url: citation.url,
    title: str(citation.title) ?? citation.url,
    metadata: {
      openrouter: defined({
        content: str(citation.content),
        startIndex: typeof citation.start_index === "number" ? citation.start_index : undefined,
        endIndex: typeof citation.end_index === "number" ? citation.end_index : undefined
      })
    }
  }
}

const messageText = (content: unknown): string => {
  if (typeof content === "string") return content
  if (!Array.isArray(content)) return ""
  let text = ""
  for (const part of content) {
    if (isRecord(part) && part.type === "text" && typeof part.text === "string") text += part.text
  }
  return text
}

const list = (u: unknown): ReadonlyArray<unknown> => (Array.isArray(u) ? u : [])

// ---------------------------------------------------------------------------
// Response → parts
// ---------------------------------------------------------------------------

/**
 * The parts of a non-streaming response (its first choice). For `generateObject` (`json`), an answer
 * nested deeper than `MAX_DEPTH` fails here: effect/ai decodes the text with a Schema walk that
 * recurses once per level, and would die of a stack overflow instead of failing.
 */
export const responseParts = <E>(
  edition: Edition<E>,
  response: EnvelopeLike & { readonly choices: ReadonlyArray<unknown>; readonly usage?: UsageLike | null | undefined },
  json: boolean
): { readonly ok: true; readonly parts: Array<PartEncoded> } | { readonly ok: false; readonly error: E } => {
  const parts: Array<PartEncoded> = [responseMetadata(response)]
  const choice = isRecord(response.choices[0]) ? response.choices[0] : undefined
  const message = choice?.message
  const usage = response.usage
  if (isRecord(message)) {
    const details = list(message.reasoning_details)
    const reasoning = str(message.reasoning) ?? ""
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
      return { ok: false, error: edition.invalidOutput("generateObject", `The answer is JSON ${TOO_DEEP}`, usage) }
    }
    const refusal = str(message.refusal)
    if (text.length > 0 || refusal !== undefined) {
      parts.push(
        refusal !== undefined ? { type: "text", text, metadata: { openrouter: { refusal } } } : { type: "text", text }
      )
    }
    for (const call of list(message.tool_calls)) {
      const fn = isRecord(call) && isRecord(call.function) ? call.function : undefined
      const name = str(fn?.name) ?? ""
      const params = toolParams(edition, "generateText", name, str(fn?.arguments) ?? "", usage)
      if (!params.ok) return params
      const id = isRecord(call) ? str(call.id) : undefined
      parts.push({ type: "tool-call", id: id ?? `call_${parts.length}`, name, params: params.value })
    }
    for (const annotation of list(message.annotations)) {
      const source = sourcePart(annotation)
      if (source !== undefined) parts.push(source)
    }
    for (const image of list(message.images)) {
      const file = imagePart(image)
      if (file !== undefined) parts.push(file)
    }
  }
  parts.push(finishPart(edition, response, usage, choice?.finish_reason, choice?.native_finish_reason))
  return { ok: true, parts }
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
 * Turns stream chunks into stream parts, in the order effect/ai expects: `response-metadata` first;
 * `reasoning-start`/`-delta`/`-end` and `text-start`/`-delta`/`-end` as they come (a reasoning part
 * ends when text starts, and the other way round); `tool-params-start`/`-delta` as arguments arrive
 * (fragments assigned to calls by the shared `CallFragments` rule), then `tool-params-end` and
 * `tool-call` once the call is complete (at its finish reason, or at the end); `finish` last, with the
 * usage of the usage chunk. The reasoning details of a reasoning part ride on its `reasoning-end`,
 * folded per `type` and `index` (`ReasoningFold`), so they can be sent back unchanged.
 */
export class StreamMapper<E> {
  private nextId = 0
  private metadataSent = false
  private textId: string | undefined
  private reasoningId: string | undefined
  private reasoningDetails = new ReasoningFold()
  private readonly toolCalls = new Map<number, OpenToolCall>()
  private toolFragments = new CallFragments()
  private finish: unknown
  private nativeFinish: unknown
  private usage: UsageLike | null | undefined
  private readonly envelope: { id?: string; model?: string; provider?: string; created?: number } = {}

  constructor(private readonly edition: Edition<E>) {}

  private endText(out: Array<PartEncoded>): void {
    if (this.textId !== undefined) {
      out.push({ type: "text-end", id: this.textId })
      this.textId = undefined
    }
  }

  private endReasoning(out: Array<PartEncoded>): void {
    if (this.reasoningId !== undefined) {
      const details = this.reasoningDetails.blocks
      out.push(
        details.length > 0
          ? { type: "reasoning-end", id: this.reasoningId, metadata: { openrouter: { reasoningDetails: details } } }
          : { type: "reasoning-end", id: this.reasoningId }
      )
      this.reasoningId = undefined
      this.reasoningDetails = new ReasoningFold()
    }
  }

  private endToolCalls(out: Array<PartEncoded>): E | undefined {
    for (const call of this.toolCalls.values()) {
      const params = toolParams(this.edition, "streamText", call.name, call.args, this.usage)
      if (!params.ok) return params.error
      out.push({ type: "tool-params-end", id: call.id })
      out.push({ type: "tool-call", id: call.id, name: call.name, params: params.value })
    }
    this.toolCalls.clear()
    this.toolFragments = new CallFragments()
    return undefined
  }

  private addDelta(delta: Loose, out: Array<PartEncoded>): void {
    const details = list(delta.reasoning_details)
    const hasDetails = details.length > 0
    const own = str(delta.reasoning) ?? ""
    const reasoning = own.length > 0 ? own : hasDetails ? detailsText(details) : ""
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
    for (const piece of list(delta.tool_calls)) {
      if (!isRecord(piece)) continue
      const slot = this.toolFragments.slot(piece)
      let call = this.toolCalls.get(slot)
      const fn = isRecord(piece.function) ? piece.function : undefined
      const args = str(fn?.arguments) ?? ""
      if (call === undefined) {
        this.endReasoning(out)
        this.endText(out)
        call = { id: str(piece.id) ?? `call_${this.nextId++}`, name: str(fn?.name) ?? "", args: "" }
        this.toolCalls.set(slot, call)
        out.push({ type: "tool-params-start", id: call.id, name: call.name })
      }
      if (args.length > 0) {
        call.args += args
        out.push({ type: "tool-params-delta", id: call.id, delta: args })
      }
    }
    for (const image of list(delta.images)) {
      const file = imagePart(image)
      if (file !== undefined) out.push(file)
    }
    for (const annotation of list(delta.annotations)) {
      const source = sourcePart(annotation)
      if (source !== undefined) out.push(source)
    }
  }

  /** The parts of one chunk, appended to `out`; a tool call with arguments that are not JSON fails. */
  add(
    chunk: EnvelopeLike & { readonly choices: ReadonlyArray<unknown>; readonly usage?: unknown },
    out: Array<PartEncoded>
  ): E | undefined {
    const env = this.envelope
    if (typeof chunk.id === "string") env.id = chunk.id
    if (typeof chunk.model === "string") env.model = chunk.model
    if (typeof chunk.provider === "string") env.provider = chunk.provider
    if (typeof chunk.created === "number") env.created = chunk.created
    if (!this.metadataSent && typeof chunk.id === "string") {
      this.metadataSent = true
      out.push(responseMetadata(chunk))
    }
    if (isRecord(chunk.usage)) this.usage = chunk.usage
    for (const choice of chunk.choices) {
      // effect/ai has one answer per call: only the first choice is mapped
      if (!isRecord(choice) || (typeof choice.index === "number" && choice.index !== 0)) continue
      if (isRecord(choice.delta)) this.addDelta(choice.delta, out)
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
  end(out: Array<PartEncoded>): E | undefined {
    if (!this.metadataSent) {
      this.metadataSent = true
      out.push(responseMetadata(this.envelope))
    }
    this.endReasoning(out)
    this.endText(out)
    const error = this.endToolCalls(out)
    if (error !== undefined) return error
    out.push(finishPart(this.edition, this.envelope, this.usage, this.finish, this.nativeFinish))
    return undefined
  }
}
