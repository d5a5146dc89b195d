/**
 * The emulator's durations on Effect 4's `Duration`: the shared, Effect-free builders keep a
 * duration as given, and the transports and the public constructors convert it here.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import { checkedPause } from "../../../../src/internal/emulator/replies.js"
import type * as Types from "../../../../src/internal/emulator/types.js"

/** Milliseconds of a duration input, `Infinity` for an infinite one. @internal */
export const millis = (input: unknown): number => {
  const duration = Duration.fromInputUnsafe(input as Duration.Input)
  return Duration.isFinite(duration) ? Duration.toMillis(duration) : Infinity
}

/**
 * A Pause piece; the duration is decoded now, and one it cannot read is noted where it is written
 * (`Replies.checkedPause`) instead of throwing.
 *
 * @internal
 */
export const pause = (duration: Duration.Input): Types.Pause<Duration.Input> =>
  checkedPause(duration, Duration.fromInputUnsafe)

/**
 * The `Retry-After` header text: a number is seconds as is, a duration is rounded up to whole
 * seconds, a string is sent verbatim unless it reads as a duration (`"2 seconds"`).
 *
 * @internal
 */
export const retryAfterHeader = (input: Duration.Input | string): string => {
  if (typeof input === "number") return String(input)
  if (typeof input === "string") {
    const decoded = Duration.fromInput(input as Duration.Input)
    return Option.isSome(decoded) ? String(Math.ceil(Duration.toSeconds(decoded.value))) : input
  }
  return String(Math.ceil(Duration.toSeconds(Duration.fromInputUnsafe(input))))
}
