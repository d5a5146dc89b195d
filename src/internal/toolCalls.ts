/**
 * Plain helpers for tool calls on the wire: reading a call's fields, parsing its arguments, and the
 * assistant and tool messages a tool loop appends. No Effect imports (reused by an Effect 4 edition).
 */
import type * as S from "../Schema.js"
import { isRecord, nestsDeeperThan, TOO_DEEP } from "./json.js"

/** The name of the tool a tool loop's model answers with under the `"tool"` output strategy. */
export const FINAL_ANSWER = "final_answer"

/** The id of a call, or the fallback when the model sent none (some providers do not). */
export const callId = (raw: S.ResponseToolCall, fallback: string): string =>
  typeof raw.id === "string" && raw.id !== "" ? raw.id : fallback

/** The tool name of a call (`""` when missing). */
export const callName = (raw: S.ResponseToolCall): string =>
  typeof raw.function?.name === "string" ? raw.function.name : ""

/** The arguments text of a call (`""` when missing). */
export const callArguments = (raw: S.ResponseToolCall): string =>
  typeof raw.function?.arguments === "string" ? raw.function.arguments : ""

/** The result of parsing a call's arguments. */
export type Parsed =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string; readonly tooDeep?: true }

/**
 * Parses a call's arguments: `""` (or only whitespace) is `{}`, as models send for a tool without
 * parameters; anything else must be JSON nested at most `MAX_DEPTH` levels deep (checked before
 * parsing: the Schema decode that follows recurses once per level).
 */
export const parseArguments = (text: string): Parsed => {
  if (text.trim() === "") return { ok: true, value: {} }
  if (nestsDeeperThan(text)) return { ok: false, message: TOO_DEEP, tooDeep: true }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (e) {
    return { ok: false, message: (e as Error).message }
  }
}

/** The calls of a reply: the first choice's `message.tool_calls` (empty when there are none). */
export const replyCalls = (response: S.ChatResponse): ReadonlyArray<S.ResponseToolCall> =>
  response.choices[0]?.message?.tool_calls ?? []

/** A fallback call id for call `index` of a reply, unique within the conversation. */
export const fallbackId = (response: S.ChatResponse, round: number, index: number): string =>
  `call_${typeof response.id === "string" && response.id !== "" ? response.id : `round${round}`}_${index}`

/**
 * The assistant message to append for a reply: its text (or `null`), the calls with their ids as the
 * tool messages will name them, and reasoning details, which some providers need back to continue.
 */
export const assistantMessage = (
  response: S.ChatResponse,
  calls: ReadonlyArray<S.ToolCall>
): S.AssistantMessage => {
  const message = response.choices[0]?.message
  // An empty text beside tool calls goes back as null: some providers reject an empty text block.
  const content = typeof message?.content === "string" && (message.content !== "" || calls.length === 0)
    ? message.content
    : null
  const out: {
    role: "assistant"
    content: string | null
    tool_calls?: ReadonlyArray<S.ToolCall>
    reasoning_details?: ReadonlyArray<S.ReasoningDetail>
  } = { role: "assistant", content }
  if (calls.length > 0) out.tool_calls = calls
  if (Array.isArray(message?.reasoning_details) && message.reasoning_details.length > 0) {
    out.reasoning_details = message.reasoning_details
  }
  return out
}

/**
 * A call as it goes back in the conversation: id, `type: "function"`, name and arguments text (empty
 * arguments as `"{}"`, which every provider parses).
 */
export const wireCall = (raw: S.ResponseToolCall, id: string): S.ToolCall => {
  const args = callArguments(raw)
  return { id, type: "function", function: { name: callName(raw), arguments: args.trim() === "" ? "{}" : args } }
}

/** A `tool` message answering a call. */
export const toolMessage = (id: string, content: string): S.ToolMessage => ({
  role: "tool",
  tool_call_id: id,
  content
})

/**
 * The content of a tool message for an encoded result: a string as is, anything else as JSON
 * (`undefined` as `null`). Fails with a message when the value is not JSON-serialisable.
 */
export const resultContent = (encoded: unknown): { readonly ok: true; readonly value: string } | {
  readonly ok: false
  readonly message: string
} => {
  if (typeof encoded === "string") return { ok: true, value: encoded }
  try {
    const text = JSON.stringify(encoded === undefined ? null : encoded)
    if (typeof text !== "string") return { ok: false, message: `the result is not JSON-serialisable` }
    return { ok: true, value: text }
  } catch (e) {
    return { ok: false, message: `the result is not JSON-serialisable: ${(e as Error).message}` }
  }
}

/** The content of a tool message that reports an error to the model: `{"error": ...}`. */
export const errorContent = (error: unknown): string => {
  try {
    return JSON.stringify({ error: error === undefined ? null : error })
  } catch {
    return JSON.stringify({ error: String(error) })
  }
}

/** A non-empty string, else `undefined`. */
const nonEmpty = (value: unknown): string | undefined => typeof value === "string" && value !== "" ? value : undefined

interface Slot {
  /** The `index` the call goes by in the folded response. */
  readonly index: number
  id: string | undefined
  name: string | undefined
}

/**
 * Which call each streamed tool-call fragment belongs to: the one rule shared by `Chat.collect`
 * (hence `ToolLoop` and `Toolkit.decodeCalls` on a folded stream) and the `@effect/ai` provider.
 *
 * - A fragment with an `index` continues the call at that index, unless it carries a non-empty `id`
 *   other than that call's: then it starts a new call (two parallel calls streamed with the same
 *   `index: 0` but different ids stay two calls).
 * - A fragment without an `index` (some Gemini-compatible gateways send the id and name first, then
 *   arguments only) starts a new call when it carries a non-empty `id` other than the call in
 *   progress's, or no `id` but a `function.name` while the call in progress already has one;
 *   otherwise (arguments only, or the same id again) it continues the call in progress, or starts the
 *   first one.
 *
 * Calls are numbered by {@link CallFragments.slot} in the order they start. A call keeps the `index` it
 * was streamed with, unless that index already belongs to an earlier call or it came without one:
 * then its number in that order.
 */
export class CallFragments {
  private readonly slots: Array<Slot> = []
  /** The latest call started at each streamed index. */
  private readonly atIndex = new Map<number, number>()
  private current = -1

  /** How many calls have started. */
  get size(): number {
    return this.slots.length
  }

  /** The `index` call number `slot` goes by in the folded response. */
  indexOf(slot: number): number {
    return this.slots[slot]?.index ?? slot
  }

  /** The call (numbered in the order calls start) that `fragment` belongs to; `size` grows for a new one. */
  slot(fragment: Readonly<Record<string, unknown>>): number {
    const id = nonEmpty(fragment.id)
    const name = isRecord(fragment.function) ? nonEmpty(fragment.function.name) : undefined
    const index = typeof fragment.index === "number" ? fragment.index : undefined
    let slot: number | undefined
    if (index !== undefined) {
      const at = this.atIndex.get(index)
      if (at !== undefined && !(id !== undefined && this.slots[at]!.id !== undefined && this.slots[at]!.id !== id)) {
        slot = at
      }
    } else if (this.current >= 0) {
      const current = this.slots[this.current]!
      const starts = id !== undefined
        ? current.id !== undefined && current.id !== id
        : name !== undefined && current.name !== undefined
      if (!starts) slot = this.current
    }
    if (slot === undefined) {
      slot = this.slots.length
      const taken = index !== undefined && this.atIndex.has(index)
      this.slots.push({ index: index !== undefined && !taken ? index : slot, id, name })
      if (index !== undefined) this.atIndex.set(index, slot)
    } else {
      const call = this.slots[slot]!
      call.id ??= id
      call.name ??= name
    }
    this.current = slot
    return slot
  }
}
