/**
 * The partial values of one JSON text as it arrives in pieces: the incremental parser, plus the rules
 * every stream of partial values keeps (`Structured.stream`'s answer, `ToolLoop.stream`'s tool-call
 * arguments and output): a value is shown only when it differs from the last one shown, nothing is
 * shown once the text is known not to be JSON, and in lenient mode the prose or fence before the first
 * `{` or `[` is skipped. No Effect imports (reused by an Effect 4 edition).
 */
import { makePartialJsonParser, type PartialJsonParser } from "./partialJson.js"
import { type PartialPlan, samePartial } from "./partialPlan.js"

export class PartialValues {
  private readonly parser: PartialJsonParser
  private parsing = true
  private started: boolean
  private previous: unknown = undefined

  constructor(plan: PartialPlan | undefined, lenient = false) {
    this.parser = makePartialJsonParser(plan)
    this.started = !lenient
  }

  /** Feeds the next piece; returns the new partial value, or `undefined` when there is nothing new to show. */
  push(piece: string): unknown {
    if (!this.parsing || piece === "") return undefined
    if (!this.started) {
      const at = piece.search(/[{[]/)
      if (at < 0) return undefined
      this.started = true
      piece = piece.slice(at)
    }
    if (!this.parser.push(piece)) {
      this.parsing = false
      return undefined
    }
    if (!this.parser.changed()) return undefined
    const value = this.parser.snapshot()
    if (value === undefined || samePartial(value, this.previous)) return undefined
    this.previous = value
    return value
  }
}
