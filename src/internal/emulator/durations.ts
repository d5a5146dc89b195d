/**
 * The emulator's durations on Effect 3's `Duration`: the shared, Effect-free builders keep a
 * duration as given, and the transports and the public constructors convert it here.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import { checkedPause } from "./replies.js"
import type * as Types from "./types.js"

/** Milliseconds of a duration input, `Infinity` for an infinite one. @internal */
export const millis = (input: unknown): number => {
  const duration = Duration.decode(input as Duration.DurationInput)
  return Duration.isFinite(duration) ? Duration.toMillis(duration) : Infinity
}

/**
 * A Pause piece; the duration is decoded now, and one it cannot read is noted where it is written
 * (`Replies.checkedPause`) instead of throwing.
 *
 * @internal
 */
export const pause = (duration: Duration.DurationInput): Types.Pause<Duration.DurationInput> =>
  checkedPause(duration, Duration.decode)

/**
 * The `Retry-After` header text: a number is seconds as is, a duration is rounded up to whole
 * seconds, a string is sent verbatim unless it decodes as a duration (`"2 seconds"`).
 *
 * @internal
 */
export const retryAfterHeader = (input: Duration.DurationInput | string): string => {
  if (typeof input === "string") {
    const decoded = Duration.decodeUnknown(input)
    return decoded._tag === "Some" ? String(Math.ceil(Duration.toSeconds(decoded.value))) : input
  }
  if (typeof input === "number") return String(input)
  return String(Math.ceil(Duration.toSeconds(Duration.decode(input))))
}
