/**
 * The one platform timer of both editions (and of the emulator): a callback after a delay, cancelled by
 * the function it returns. Code that waits inside an Effect uses `Effect.sleep` and the `Clock`; this
 * is for the few places that bound something from outside the fiber (a request's abort, the drain
 * after `[DONE]`, the loopback emulator's pauses), where a fiber per timer would cost more than the
 * work it bounds.
 *
 * No Effect imports: both editions compile this one source.
 */

/** The longest delay a platform timer holds (2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2_147_483_647

const never = (): void => {}

/**
 * Calls `onExpiry` once after `millis` milliseconds unless the returned function is called first.
 *
 * A delay longer than {@link MAX_TIMER_MS} (an infinite timeout, `"30 days"`) never expires: Node, Deno
 * and browsers fire such a timer after 1 ms instead, which would end a call with no real limit at once.
 */
export const startTimer = (millis: number, onExpiry: () => void): () => void => {
  if (!(millis <= MAX_TIMER_MS)) return never
  const timer = setTimeout(onExpiry, Math.max(0, millis))
  return () => clearTimeout(timer)
}
