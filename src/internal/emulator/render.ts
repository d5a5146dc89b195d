/**
 * The transport-independent part of rendering a Reply: walking the (possibly lazy) body,
 * re-splitting it into writes, pauses with keep-alives, and holding a hanging response open.
 * Each transport supplies a {@link Sink}: the Node server writes to a socket with real timers,
 * the in-process client enqueues into a web ReadableStream and sleeps on the Effect clock.
 * Effect-free: the Sink reads the Reply's durations with its edition's `Duration`.
 *
 * @internal
 */
import { isRecord } from "../transport/json.js"
import { unreadablePauses } from "./guard.js"
import type * as Testing from "./types.js"

/** @internal */
export const KEEP_ALIVE_TEXT = ": OPENROUTER PROCESSING\n\n"

/** @internal */
export interface Sink {
  /** Text to bytes (the server uses `Buffer.from`, faster for short strings). */
  readonly encode: (text: string) => Uint8Array
  /** Milliseconds of one of the Reply's durations (`Infinity` for an infinite one). */
  readonly millis: (duration: unknown) => number
  /**
   * Hands one write to the consumer (strings as UTF-8); a returned promise means "wait before
   * writing more".
   */
  readonly write: (chunk: string | Uint8Array) => Promise<void> | undefined
  /** Waits `millis` (may be Infinity); resolves early when the consumer goes away. */
  readonly sleep: (millis: number) => Promise<void>
  /** True once the consumer has gone away. */
  readonly gone: () => boolean
}

/** @internal */
export const isPause = (u: unknown): u is Testing.Pause => isRecord(u) && u._tag === "Pause"

/**
 * Waits `total` milliseconds (Infinity: until the consumer goes away), writing a keep-alive
 * comment every `every` milliseconds meanwhile.
 *
 * @internal
 */
export const wait = async (sink: Sink, total: number, every: number | undefined): Promise<void> => {
  if (every === undefined || !(every > 0) || every === Infinity) {
    await sink.sleep(total)
    return
  }
  let remaining = total
  while (!sink.gone()) {
    const step = Math.min(every, remaining)
    await sink.sleep(step)
    remaining -= step
    if (sink.gone() || remaining <= 0) return
    const pending = sink.write(KEEP_ALIVE_TEXT)
    if (pending !== undefined) await pending
  }
}

/**
 * Writes the reply's body to the sink. Returns `true` when the whole body was written, `false`
 * when the consumer went away first. With `writeSize`, writes are exactly that many bytes
 * (across piece boundaries) except the last one before a pause or the end.
 *
 * @internal
 */
export const writeBody = async (reply: Testing.Reply, sink: Sink): Promise<boolean> => {
  const size = reply.writeSize !== undefined && reply.writeSize > 0 ? Math.floor(reply.writeSize) : undefined
  const every = reply.keepAliveEvery === undefined ? undefined : sink.millis(reply.keepAliveEvery)
  let carry: Uint8Array | undefined
  let carried = 0
  const flush = (): Promise<void> | undefined => {
    if (carry === undefined || carried === 0) return undefined
    const bytes = carry.subarray(0, carried)
    carry = undefined
    carried = 0
    return sink.write(bytes)
  }
  for (const piece of reply.body) {
    if (sink.gone()) return false
    if (isPause(piece)) {
      const problem = unreadablePauses.get(piece)
      // The body fails here, saying why, rather than with the Duration's own words.
      if (problem !== undefined) throw new Error(problem)
      const pending = flush()
      if (pending !== undefined) await pending
      if (sink.gone()) return false
      await wait(sink, sink.millis(piece.duration), every)
      continue
    }
    if (size === undefined) {
      if (piece.length === 0) continue
      const pending = sink.write(piece)
      if (pending !== undefined) await pending
      continue
    }
    const bytes = typeof piece === "string" ? sink.encode(piece) : piece
    const length = bytes.length
    if (length === 0) continue
    let offset = 0
    if (carried > 0) {
      const take = Math.min(size - carried, length)
      carry!.set(bytes.subarray(0, take), carried)
      carried += take
      offset = take
      if (carried === size) {
        const pending = flush()
        if (pending !== undefined) await pending
      }
    }
    while (length - offset >= size) {
      if (sink.gone()) return false
      const pending = sink.write(bytes.subarray(offset, offset + size))
      offset += size
      if (pending !== undefined) await pending
    }
    if (offset < length) {
      carry = new Uint8Array(size)
      carry.set(bytes.subarray(offset), 0)
      carried = length - offset
    }
  }
  const pending = flush()
  if (pending !== undefined) await pending
  return !sink.gone()
}

/**
 * Keeps a response open until the consumer goes away, with keep-alive comments if asked.
 *
 * @internal
 */
export const hold = (reply: Testing.Reply, sink: Sink): Promise<void> =>
  wait(sink, Infinity, reply.keepAliveEvery === undefined ? undefined : sink.millis(reply.keepAliveEvery))
