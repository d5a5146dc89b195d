/**
 * What counts as content in a stream chunk, and the hold-back of the chunks without it while a stream
 * attempt may still be retried. Effect-free: both editions' `Chat.stream` gather their batches here.
 */
import type { ChunkShape } from "./wireShapes.js"

const nonEmpty = (u: unknown): boolean =>
  u !== undefined && u !== null && u !== "" && !(Array.isArray(u) && u.length === 0)

/**
 * Whether a chunk carries content for the consumer (text, reasoning, a tool call, a refusal, an image,
 * audio or annotations), as opposed to a role-only opening chunk, a usage chunk or a debug chunk.
 */
export const hasContent = (chunk: ChunkShape): boolean => {
  for (const choice of chunk.choices) {
    const delta = choice.delta
    if (
      delta !== undefined && delta !== null &&
      (nonEmpty(delta.content) || nonEmpty(delta.reasoning) || nonEmpty(delta.reasoning_details) ||
        nonEmpty(delta.tool_calls) || nonEmpty(delta.refusal) || nonEmpty(delta.images) ||
        nonEmpty(delta.audio) || nonEmpty(delta.annotations))
    ) return true
  }
  return false
}

/**
 * `Chat.hasContent`: {@link hasContent} of any value a caller hands in; one it cannot read as a chunk
 * (no iterable `choices`, a getter that throws) has no content. The stream itself calls
 * {@link hasContent} on its decoded chunks.
 */
export const hasContentOf = (chunk: unknown): boolean => {
  try {
    return hasContent(chunk as ChunkShape)
  } catch {
    return false
  }
}

/**
 * The hold-back state of one stream attempt (each edition's `Attempt`): whether content has reached the
 * consumer, and the chunks without content held back until it does, so that a retried attempt never
 * shows the consumer a second opening chunk. With `hold` off (no retry), nothing is held back.
 */
export interface HoldBack<C> {
  readonly hold: boolean
  contentEmitted: boolean
  held: Array<C>
}

/**
 * A new list of chunks: a batch, or an attempt's held chunks. Every such list is made here, in one array
 * literal, for V8's sake. An empty array starts out as a list of small integers; its first chunk changes
 * its kind, and V8 remembers the change at the literal that made it (allocation-site tracking), so
 * the later arrays of the same literal start out as lists of objects. With a literal per place (the
 * batch, the next batch, the held list), a place that makes one array per stream kept making
 * small-integer arrays, and a `push` optimized for them deoptimized on the first chunk it met: V8 threw
 * away the stream's per-event code on a fresh process's third or fourth stream and ran it unoptimized
 * until a new compilation finished a few streams later (`node --trace-deopt`: "not a Smi";
 * bench/micro/effect4-stream-floor.md).
 */
export const chunkList = <C>(): Array<C> => []

/** Every chunk goes into a list through this one `push`, whose feedback sees every list. */
const append = <C>(list: Array<C>, chunk: C): void => {
  list.push(chunk)
}

/**
 * Puts a decoded chunk on its way: into `out` (the batch being gathered), or, while no content has gone
 * out and the attempt holds back, into the held list; the first chunk with content takes the held
 * chunks out before it.
 */
export const gather = <C extends ChunkShape>(attempt: HoldBack<C>, out: Array<C>, chunk: C): void => {
  if (!attempt.contentEmitted) {
    if (hasContent(chunk)) {
      attempt.contentEmitted = true
      releaseHeld(attempt, out)
    } else if (attempt.hold) {
      append(attempt.held, chunk)
      return
    }
  }
  append(out, chunk)
}

/** The held chunks go into `out` (content began, or the stream ended without any). */
export const releaseHeld = <C>(attempt: HoldBack<C>, out: Array<C>): void => {
  const held = attempt.held
  if (held.length === 0) return
  for (let i = 0; i < held.length; i++) append(out, held[i]!)
  attempt.held = chunkList()
}
