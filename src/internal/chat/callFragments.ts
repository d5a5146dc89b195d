/**
 * Which streamed tool-call fragment belongs to which call: the one rule shared by `Chat.collect` and
 * the `LanguageModel` provider (and by both editions). No Effect imports.
 */
import { isRecord } from "../transport/json.js"

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
 * (hence `ToolLoop` and `Toolkit.decodeCalls` on a folded stream) and the `LanguageModel` provider (`OpenRouterLanguageModel`).
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
