/**
 * Folding stream chunks into the response a non-streaming call returns (`Chat.collect`). Effect-free.
 */
import type * as S from "../Schema.js"
import { isRecord } from "./json.js"

interface ToolCallAcc {
  index: number
  id?: string
  type?: string
  name?: string
  arguments: string
  // Fields of the call and of its `function` other than the ones merged above (first non-empty value).
  extra: Record<string, unknown>
  functionExtra: Record<string, unknown>
}

interface ChoiceAcc {
  index: number
  role: string | undefined
  content: string | undefined
  reasoning: string | undefined
  refusal: string | undefined
  reasoningDetails: Array<unknown>
  toolCalls: Map<number, ToolCallAcc>
  images: Array<unknown>
  annotations: Array<unknown>
  audio: unknown
  finishReason: unknown
  nativeFinishReason: unknown
  logprobs: unknown
  // Delta fields the schema does not know (`reasoning_content`, ...): strings and arrays concatenated.
  messageExtra: Record<string, unknown>
  // Choice fields the schema does not know (`content_filter_results`, ...): the last non-null value.
  choiceExtra: Record<string, unknown>
}

/** A value that says nothing: absent, null, an empty string, or 0 for `created` (a placeholder chunk). */
const isEmpty = (value: unknown): boolean => value === undefined || value === null || value === ""

// Handled on their own: never copied to the top level of the folded response.
const notEnvelope: ReadonlySet<string> = new Set(["choices", "usage", "object", "error"])
const knownDelta: ReadonlySet<string> = new Set([
  "role",
  "content",
  "reasoning",
  "refusal",
  "reasoning_details",
  "images",
  "annotations",
  "audio",
  "tool_calls"
])
const knownChoice: ReadonlySet<string> = new Set([
  "index",
  "delta",
  "message",
  "finish_reason",
  "native_finish_reason",
  "logprobs",
  "error"
])
const knownToolCall: ReadonlySet<string> = new Set(["index", "id", "type", "function"])
const knownFunction: ReadonlySet<string> = new Set(["name", "arguments"])

const keepFirst = (into: Record<string, unknown>, from: Record<string, unknown>, known: ReadonlySet<string>) => {
  for (const key in from) {
    if (known.has(key)) continue
    const value = from[key]
    if (!isEmpty(value) && isEmpty(into[key])) into[key] = value
  }
}

const append = (acc: string | undefined, piece: unknown): string | undefined =>
  typeof piece === "string" ? (acc ?? "") + piece : acc

type Loose = Record<string, unknown>

// Per-chunk logprobs hold the tokens of that chunk: the response's are their concatenation.
const mergeLogprobs = (acc: unknown, next: Loose): Loose => {
  if (!isRecord(acc)) return { ...next }
  const merged: Loose = { ...acc }
  for (const key of ["content", "refusal"]) {
    const a = acc[key]
    const b = next[key]
    if (Array.isArray(b)) merged[key] = Array.isArray(a) ? [...a, ...b] : b
  }
  return merged
}

/** The mutable accumulator behind `Chat.collect`. */
export class Collector {
  private readonly top: Loose = {}
  private readonly choices = new Map<number, ChoiceAcc>()
  private usage: unknown = undefined

  add(chunk: S.ChatStreamChunk): void {
    const c = chunk as unknown as Loose
    // Every envelope field, first non-empty value: a placeholder first chunk (Azure: id "", model "",
    // created 0) does not hide the values of the chunks after it.
    for (const key in c) {
      if (notEnvelope.has(key)) continue
      const value = c[key]
      if (isEmpty(value) || (key === "created" && value === 0)) continue
      const had = this.top[key]
      if (had === undefined || (key === "created" && had === 0)) this.top[key] = value
    }
    if (c.usage !== undefined && c.usage !== null) this.usage = c.usage
    const choices = c.choices
    if (!Array.isArray(choices)) return
    for (const raw of choices) {
      if (!isRecord(raw)) continue
      const index = typeof raw.index === "number" ? raw.index : 0
      let acc = this.choices.get(index)
      if (acc === undefined) {
        acc = {
          index,
          role: undefined,
          content: undefined,
          reasoning: undefined,
          refusal: undefined,
          reasoningDetails: [],
          toolCalls: new Map(),
          images: [],
          annotations: [],
          audio: undefined,
          finishReason: undefined,
          nativeFinishReason: undefined,
          logprobs: undefined,
          messageExtra: {},
          choiceExtra: {}
        }
        this.choices.set(index, acc)
      }
      if (raw.finish_reason !== undefined && raw.finish_reason !== null) acc.finishReason = raw.finish_reason
      if (raw.native_finish_reason !== undefined && raw.native_finish_reason !== null) {
        acc.nativeFinishReason = raw.native_finish_reason
      }
      if (isRecord(raw.logprobs)) acc.logprobs = mergeLogprobs(acc.logprobs, raw.logprobs)
      for (const key in raw) {
        if (knownChoice.has(key)) continue
        const value = raw[key]
        if (value !== undefined && value !== null) acc.choiceExtra[key] = value
      }
      const delta = raw.delta
      if (!isRecord(delta)) continue
      for (const key in delta) {
        if (knownDelta.has(key)) continue
        const value = delta[key]
        const had = acc.messageExtra[key]
        if (typeof value === "string") acc.messageExtra[key] = typeof had === "string" ? had + value : value
        else if (Array.isArray(value)) acc.messageExtra[key] = Array.isArray(had) ? [...had, ...value] : value
        else if (value !== undefined && value !== null) acc.messageExtra[key] = value
      }
      if (typeof delta.role === "string") acc.role ??= delta.role
      acc.content = append(acc.content, delta.content)
      acc.reasoning = append(acc.reasoning, delta.reasoning)
      acc.refusal = append(acc.refusal, delta.refusal)
      if (Array.isArray(delta.reasoning_details)) acc.reasoningDetails.push(...delta.reasoning_details)
      if (Array.isArray(delta.images)) acc.images.push(...delta.images)
      if (Array.isArray(delta.annotations)) acc.annotations.push(...delta.annotations)
      if (delta.audio !== undefined && delta.audio !== null) acc.audio = delta.audio
      if (Array.isArray(delta.tool_calls)) {
        for (const tc of delta.tool_calls) {
          if (!isRecord(tc)) continue
          const tcIndex = typeof tc.index === "number" ? tc.index : acc.toolCalls.size
          let call = acc.toolCalls.get(tcIndex)
          if (call === undefined) {
            call = { index: tcIndex, arguments: "", extra: {}, functionExtra: {} }
            acc.toolCalls.set(tcIndex, call)
          }
          // Later deltas may repeat `id: ""` or `name: ""` (Alibaba, Mistral): never erase a value.
          if (typeof tc.id === "string" && tc.id !== "" && call.id === undefined) call.id = tc.id
          if (typeof tc.type === "string" && tc.type !== "" && call.type === undefined) call.type = tc.type
          keepFirst(call.extra, tc, knownToolCall)
          const fn = tc.function
          if (isRecord(fn)) {
            keepFirst(call.functionExtra, fn, knownFunction)
            if (typeof fn.name === "string" && fn.name !== "" && call.name === undefined) call.name = fn.name
            if (typeof fn.arguments === "string") call.arguments += fn.arguments
          }
        }
      }
    }
  }

  result(): S.ChatResponse {
    const choices = [...this.choices.values()].sort((a, b) => a.index - b.index).map((acc) => {
      const message: Loose = {
        ...acc.messageExtra,
        role: acc.role ?? "assistant",
        content: acc.content ?? null
      }
      if (acc.reasoning !== undefined) message.reasoning = acc.reasoning
      if (acc.refusal !== undefined) message.refusal = acc.refusal
      if (acc.reasoningDetails.length > 0) message.reasoning_details = acc.reasoningDetails
      if (acc.images.length > 0) message.images = acc.images
      if (acc.annotations.length > 0) message.annotations = acc.annotations
      if (acc.audio !== undefined) message.audio = acc.audio
      if (acc.toolCalls.size > 0) {
        message.tool_calls = [...acc.toolCalls.values()].sort((a, b) => a.index - b.index).map((call) => ({
          ...call.extra,
          id: call.id ?? "",
          type: call.type ?? "function",
          function: { ...call.functionExtra, name: call.name ?? "", arguments: call.arguments }
        }))
      }
      const choice: Loose = {
        ...acc.choiceExtra,
        index: acc.index,
        message,
        finish_reason: acc.finishReason ?? null,
        native_finish_reason: acc.nativeFinishReason ?? null
      }
      if (acc.logprobs !== undefined) choice.logprobs = acc.logprobs
      return choice
    })
    const response: Loose = { ...this.top, object: "chat.completion", choices }
    if (this.usage !== undefined) response.usage = this.usage
    return response as unknown as S.ChatResponse
  }
}
