/**
 * Folding stream chunks into the response a non-streaming call returns (`Chat.collect`). Effect-free.
 *
 * The fold is the inverse of how OpenRouter streams a completion, field by field, so that
 * `collect(stream(x))` equals `send(x)`:
 * - envelope fields (`id`, `model`, `created`, `provider`, `system_fingerprint`, `service_tier`,
 *   `citations`, any other): the first non-empty value (a placeholder first chunk with `id: ""`,
 *   `model: ""`, `created: 0` hides nothing), else the first value sent (`null` stays `null`);
 *   `usage`: the last non-null value; `object` becomes `"chat.completion"`; `invalidFields` (the
 *   fields decoding took out for their unexpected type) concatenated, a delta's path as the message's;
 * - delta fields, known or not: strings concatenated (`content`, `reasoning`, `refusal`,
 *   `reasoning_content`, ...), arrays concatenated (`images`, `annotations`), other values the last
 *   one sent; a field only ever sent as `null` stays `null`; `role`: the first;
 * - `reasoning_details` folded by {@link ReasoningFold} into one block per `type` and `index`, the way
 *   a non-streaming response carries them (streams send one block as many fragments);
 * - tool calls assigned to calls by `CallFragments` (`toolCalls.ts`: by `index`, and by `id` when two
 *   calls share an index or come without one): `id`, `type`, `name` and any other field the first
 *   non-empty value, `arguments` concatenated;
 * - choice fields: `finish_reason`, `native_finish_reason` and any other field the last non-null value,
 *   `logprobs` concatenated; a field never sent stays absent (except `finish_reason`, always there).
 */
import { isRecord } from "../transport/json.js"
import { CallFragments } from "./callFragments.js"
import type { ChunkShape, ResponseShape } from "./wireShapes.js"

type Loose = Record<string, unknown>

interface ToolCallAcc {
  readonly index: number
  readonly call: Loose
  readonly fn: Loose
}

interface ChoiceAcc {
  readonly index: number
  role: unknown
  readonly message: Loose
  readonly toolCalls: Map<number, ToolCallAcc>
  readonly fragments: CallFragments
  reasoning: ReasoningFold | undefined
  readonly choice: Loose
}

/** A value that says nothing: absent, null or an empty string. */
const isEmpty = (value: unknown): boolean => value === undefined || value === null || value === ""

const hasOwn = (record: Loose, key: string): boolean => Object.prototype.hasOwnProperty.call(record, key)

/** The first non-empty value, else the first value sent. */
const keepFirst = (into: Loose, key: string, value: unknown, empty: (value: unknown) => boolean = isEmpty): void => {
  if (value === undefined) return
  if (!hasOwn(into, key) || (empty(into[key]) && !empty(value))) into[key] = value
}

/** Strings and arrays concatenated, other values the last non-null one; `null` only if nothing else came. */
const merge = (into: Loose, key: string, value: unknown): void => {
  if (value === undefined) return
  if (value === null) {
    if (!hasOwn(into, key)) into[key] = null
    return
  }
  const had = into[key]
  if (typeof value === "string") into[key] = typeof had === "string" ? had + value : value
  else if (Array.isArray(value)) into[key] = Array.isArray(had) ? [...had, ...value] : [...value]
  else into[key] = value
}

/** The last non-null value; `null` only if nothing else came. */
const keepLast = (into: Loose, key: string, value: unknown): void => {
  if (value === undefined) return
  if (value !== null || !hasOwn(into, key)) into[key] = value
}

/** The fields of a reasoning block that streams send in pieces. */
const reasoningText = new Set(["text", "summary", "data"])

/**
 * Folds streamed `reasoning_details` fragments into the blocks a non-streaming response carries: the
 * fragments of one `type` and `index` make one block (at the place of the first), `text`, `summary`
 * and `data` concatenated, every other field (`signature`, `format`, `id`, ...) the first non-empty
 * value (Anthropic sends the signature in a fragment of its own, after an empty one). A fragment
 * without a numeric `index` is a block of its own: nothing says which block it would continue.
 * Merged blocks are fresh objects; merging them again changes nothing.
 */
export class ReasoningFold {
  readonly blocks: Array<unknown> = []
  private readonly at = new Map<string, Loose>()

  add(fragments: ReadonlyArray<unknown>): void {
    for (const fragment of fragments) {
      if (!isRecord(fragment)) {
        this.blocks.push(fragment)
        continue
      }
      const key = typeof fragment.index === "number" ? `${fragment.index}:${String(fragment.type)}` : undefined
      const block = key === undefined ? undefined : this.at.get(key)
      if (block === undefined) {
        const copy: Loose = { ...fragment }
        if (key !== undefined) this.at.set(key, copy)
        this.blocks.push(copy)
        continue
      }
      for (const field in fragment) {
        const value = fragment[field]
        if (reasoningText.has(field) && typeof value === "string" && typeof block[field] === "string") {
          block[field] = block[field] + value
        } else {
          keepFirst(block, field, value)
        }
      }
    }
  }
}

/** `reasoning_details` as a non-streaming response carries them (see {@link ReasoningFold}). */
export const foldReasoningDetails = <A>(details: ReadonlyArray<A>): Array<A> => {
  const fold = new ReasoningFold()
  fold.add(details)
  return fold.blocks as Array<A>
}

const emptyCreated = (value: unknown): boolean => isEmpty(value) || value === 0

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

/**
 * The mutable accumulator behind `Chat.collect`; `Response` is the edition's `Schema.ChatResponse`
 * (the fold builds it field by field from decoded chunks).
 */
export class Collector<Response extends ResponseShape = ResponseShape> {
  private readonly top: Loose = {}
  private readonly choices = new Map<number, ChoiceAcc>()

  add(chunk: ChunkShape): void {
    const c = chunk as unknown as Loose
    for (const key in c) {
      switch (key) {
        case "choices":
        case "object":
        case "error":
          break
        case "usage":
          keepLast(this.top, key, c[key])
          break
        case "invalidFields":
          this.addInvalid(c[key])
          break
        case "created":
          keepFirst(this.top, key, c[key], emptyCreated)
          break
        default:
          keepFirst(this.top, key, c[key])
      }
    }
    const choices = c.choices
    if (!Array.isArray(choices)) return
    for (const raw of choices) {
      if (isRecord(raw)) this.addChoice(raw)
    }
  }

  // A chunk's path `choices.N.delta.x` is `choices.N.message.x` in the response.
  private addInvalid(fields: unknown): void {
    if (!Array.isArray(fields)) return
    const all = (this.top.invalidFields ??= []) as Array<unknown>
    for (const field of fields) {
      const path = isRecord(field) && Array.isArray(field.path) ? field.path : undefined
      all.push(
        path !== undefined && path[0] === "choices" && path[2] === "delta"
          ? { ...field, path: ["choices", path[1], "message", ...path.slice(3)] }
          : field
      )
    }
  }

  private addChoice(raw: Loose): void {
    const index = typeof raw.index === "number" ? raw.index : 0
    let acc = this.choices.get(index)
    if (acc === undefined) {
      acc = {
        index,
        role: undefined,
        message: {},
        toolCalls: new Map(),
        fragments: new CallFragments(),
        reasoning: undefined,
        choice: {}
      }
      this.choices.set(index, acc)
    }
    for (const key in raw) {
      const value = raw[key]
      switch (key) {
        case "index":
        case "delta":
        case "error":
          break
        case "logprobs":
          if (isRecord(value)) acc.choice.logprobs = mergeLogprobs(acc.choice.logprobs, value)
          else keepLast(acc.choice, key, value)
          break
        default:
          keepLast(acc.choice, key, value)
      }
    }
    const delta = raw.delta
    if (!isRecord(delta)) return
    for (const key in delta) {
      const value = delta[key]
      if (key === "role") {
        if (typeof value === "string" && value !== "") acc.role ??= value
      } else if (key === "tool_calls") {
        if (Array.isArray(value)) {
          // An empty list stays an empty list; calls replace it in `result`.
          if (!hasOwn(acc.message, key) || acc.message[key] === null) acc.message[key] = []
          this.addToolCalls(acc, value)
        } else {
          merge(acc.message, key, value)
        }
      } else if (key === "reasoning_details" && Array.isArray(value)) {
        acc.reasoning ??= new ReasoningFold()
        acc.reasoning.add(value)
        acc.message[key] = acc.reasoning.blocks
      } else {
        merge(acc.message, key, value)
      }
    }
  }

  private addToolCalls(acc: ChoiceAcc, deltas: ReadonlyArray<unknown>): void {
    for (const tc of deltas) {
      if (!isRecord(tc)) continue
      const slot = acc.fragments.slot(tc)
      let call = acc.toolCalls.get(slot)
      if (call === undefined) {
        call = { index: acc.fragments.indexOf(slot), call: {}, fn: {} }
        acc.toolCalls.set(slot, call)
      }
      // Later deltas may repeat `id: ""` or `name: ""` (Alibaba, Mistral): they never erase a value.
      for (const key in tc) {
        if (key !== "index" && key !== "function") keepFirst(call.call, key, tc[key])
      }
      const fn = tc.function
      if (!isRecord(fn)) continue
      for (const key in fn) {
        if (key === "arguments") merge(call.fn, key, fn[key])
        else keepFirst(call.fn, key, fn[key])
      }
    }
  }

  result(): Response {
    const choices = [...this.choices.values()].sort((a, b) => a.index - b.index).map((acc) => {
      const message: Loose = { role: acc.role ?? "assistant", content: null, ...acc.message }
      if (acc.reasoning !== undefined) message.reasoning_details = [...acc.reasoning.blocks]
      if (acc.toolCalls.size > 0) {
        // In the order the calls started.
        message.tool_calls = [...acc.toolCalls.values()].map((tc) => ({
          index: tc.index,
          ...tc.call,
          id: typeof tc.call.id === "string" ? tc.call.id : "",
          type: typeof tc.call.type === "string" && tc.call.type !== "" ? tc.call.type : "function",
          function: { ...tc.fn, name: typeof tc.fn.name === "string" ? tc.fn.name : "" }
        }))
      }
      return { ...acc.choice, index: acc.index, message, finish_reason: acc.choice.finish_reason ?? null }
    })
    return { ...this.top, object: "chat.completion", choices } as unknown as Response
  }
}
