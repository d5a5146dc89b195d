/**
 * The partial arguments of the tool calls of a streamed reply, as they form: the fragments of each
 * call, assigned to calls by `CallFragments` (the rule `Chat.collect` folds them by, so a partial call is
 * the call the folded reply will have), fed to an incremental parser per call. No Effect imports, and edition-free:
 * both editions' `ToolLoop.stream` use it.
 */
import { CallFragments } from "../chat/callFragments.js"
import type { ChunkShape } from "../chat/wireShapes.js"
import type { PartialPlan } from "../structured/partialPlan.js"
import { PartialValues } from "../structured/partialValues.js"
import { isRecord } from "../transport/json.js"

/** A call's arguments so far (the encoded side, unvalidated). */
export interface CallPartial {
  readonly index: number
  readonly id: string | undefined
  readonly name: string | undefined
  readonly arguments: unknown
}

interface Forming {
  id: string | undefined
  name: string | undefined
  values: PartialValues | undefined
}

export class CallPartials {
  private readonly fragments = new CallFragments()
  private readonly calls: Array<Forming> = []

  /** `planFor` gives the plan of a tool's arguments by name (`undefined`: plain JSON). */
  constructor(private readonly planFor: (name: string) => PartialPlan | undefined) {}

  /** The calls whose arguments took a new shape with this chunk. */
  push(chunk: ChunkShape): ReadonlyArray<CallPartial> {
    const deltas = chunk.choices[0]?.delta?.tool_calls
    if (!Array.isArray(deltas) || deltas.length === 0) return []
    const out: Array<CallPartial> = []
    for (const delta of deltas) {
      if (!isRecord(delta)) continue
      const d = delta as { readonly id?: unknown; readonly function?: unknown }
      const slot = this.fragments.slot(delta)
      const index = this.fragments.indexOf(slot)
      const call = this.calls[slot] ??= { id: undefined, name: undefined, values: undefined }
      if (call.id === undefined && typeof d.id === "string" && d.id !== "") call.id = d.id
      const fn = d.function as { readonly name?: unknown; readonly arguments?: unknown } | null | undefined
      if (call.name === undefined && typeof fn?.name === "string" && fn.name !== "") call.name = fn.name
      if (typeof fn?.arguments !== "string" || fn.arguments === "") continue
      call.values ??= new PartialValues(call.name === undefined ? undefined : this.planFor(call.name))
      const value = call.values.push(fn.arguments)
      if (value !== undefined) out.push({ index, id: call.id, name: call.name, arguments: value })
    }
    return out
  }
}
