/**
 * Retry policies for `Chat.send` and `Chat.stream`.
 *
 * The default policy retries transient failures (408, 429, 500, 502, 503, 524, 529, connection errors,
 * timeouts) at most twice, with exponential backoff from 500 ms (factor 2, capped at 8 s, minus up to
 * 25 % jitter), and honours the server's `retry-after-ms` / `Retry-After` up to 60 s. A longer requested
 * wait is not slept: the call fails at once with the error, whose `retryAfter` says how long to wait.
 *
 * @example
 * ```ts
 * import { Schedule } from "effect"
 * import { Chat, Retry } from "effect-openrouter"
 *
 * const request = { model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "Hi" }] }
 *
 * // more patience for a batch job
 * Chat.send(request, { retry: Retry.make({ retries: 5, maxDelay: "30 seconds" }) })
 * // your own Schedule (Retry-After and the transient check still apply)
 * Chat.send(request, { retry: Retry.fromSchedule(Schedule.spaced("1 second").pipe(Schedule.intersect(Schedule.recurs(3)))) })
 * // no retry
 * Chat.send(request, { retry: false })
 * ```
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import type * as Predicate from "effect/Predicate"
import * as Schedule from "effect/Schedule"
import * as Errors from "./Errors.js"
import { onRetry } from "./internal/telemetry/telemetry.js"
import * as Options from "./internal/transport/options.js"
import { readPolicyOptions, recordProblems, scheduleCache, withAttempts } from "./internal/transport/retry.js"
import { shownValue } from "./internal/transport/snapshot.js"

/**
 * A retry policy: either {@link Backoff} (the built-in exponential backoff, from {@link make}) or
 * {@link FromSchedule} (your own `Schedule`, from {@link fromSchedule}). Both say which failures are
 * retried and the longest server-requested delay they honour.
 *
 * @since 0.1.0
 * @category models
 */
export type Policy = Backoff | FromSchedule

/**
 * The built-in policy: at most `retries` retries, exponential backoff with jitter, `Retry-After` (or,
 * without one, the time until `X-RateLimit-Reset`) honoured up to `maxRetryAfter`.
 *
 * @since 0.2.0
 * @category models
 */
export interface Backoff {
  readonly _tag: "Backoff"
  /** The most retries after the first attempt. */
  readonly retries: number
  /** The delay before the first retry. */
  readonly baseDelay: Duration.Duration
  /** The growth factor of the delay from one retry to the next. */
  readonly factor: number
  /** The cap on a computed delay. */
  readonly maxDelay: Duration.Duration
  /** Each computed delay is multiplied by a random factor in `[1 - jitter, 1]`. */
  readonly jitter: number
  /** The longest server-requested delay that is honoured; a longer one ends the retries at once. */
  readonly maxRetryAfter: Duration.Duration
  /** Which failures are retried. */
  readonly while: Predicate.Predicate<Errors.StreamError>
}

/**
 * A policy driven by your own `Schedule` (its input is the failure): the schedule decides how often and
 * how long to wait.
 *
 * @since 0.2.0
 * @category models
 */
export interface FromSchedule {
  readonly _tag: "FromSchedule"
  /** Your schedule. */
  readonly schedule: Schedule.Schedule<unknown, Errors.StreamError>
  /** The longest server-requested delay that is honoured; a longer one ends the retries at once. */
  readonly maxRetryAfter: Duration.Duration
  /** Which failures are retried. */
  readonly while: Predicate.Predicate<Errors.StreamError>
}

/**
 * The options of {@link make}; every duration is a `Duration.DurationInput` (`"2 seconds"` works).
 *
 * @since 0.1.0
 * @category models
 */
export interface PolicyOptions {
  /** The most retries after the first attempt. Default 2. */
  readonly retries?: number | undefined
  /** The delay before the first retry. Default 500 millis. */
  readonly baseDelay?: Duration.DurationInput | undefined
  /** The growth factor of the delay. Default 2. */
  readonly factor?: number | undefined
  /** The cap on a computed delay. Default 8 seconds. */
  readonly maxDelay?: Duration.DurationInput | undefined
  /** The jitter fraction in `[0, 1]`: delays are shortened by up to this fraction. Default 0.25. */
  readonly jitter?: number | undefined
  /** The longest `Retry-After` honoured. Default 60 seconds. */
  readonly maxRetryAfter?: Duration.DurationInput | undefined
  /** Which failures are retried. Default `Errors.isRetryable`. */
  readonly while?: Predicate.Predicate<Errors.StreamError> | undefined
}

/**
 * Which failures are transient.
 *
 * @deprecated Use `Errors.isRetryable` (the same function): one name for one predicate.
 * @since 0.1.0
 * @category predicates
 */
export const isTransient: Predicate.Predicate<Errors.StreamError> = Errors.isRetryable

const defaultMaxRetryAfter = Duration.seconds(60)

const backoffDefaults: Omit<Backoff, "_tag"> = {
  retries: 2,
  baseDelay: Duration.millis(500),
  factor: 2,
  maxDelay: Duration.seconds(8),
  jitter: 0.25,
  maxRetryAfter: defaultMaxRetryAfter,
  while: Errors.isRetryable
}

/**
 * Builds a policy; options left out take the defaults (2 retries, 500 ms doubling to at most 8 s,
 * 25 % jitter, Retry-After honoured up to 60 s, transient failures only).
 *
 * It never throws. Options it cannot use (a negative or fractional `retries`, a `factor` below 1, a
 * `jitter` outside `[0, 1]`, something that is not a duration, a `while` that is not a function, an
 * options object whose fields cannot be read) give a policy that `Chat.send` and `Chat.stream` (as
 * their `retry` option or the configuration's) refuse with an `InvalidRequestError` naming each problem,
 * nothing sent, and that {@link retry} and {@link toSchedule} never retry with. A number out of its
 * range is kept as given; a duration or `while` that cannot be used is replaced by its default.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: PolicyOptions = {}): Backoff => {
  const { problems, values } = readPolicyOptions(options, backoffDefaults, Options.checkDuration)
  return recordProblems<Backoff>({ _tag: "Backoff", ...values }, "Retry.make", problems)
}

/**
 * The default policy: `make()`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultPolicy: Backoff = make()

/**
 * A policy from your own `Schedule` (its input is the failure). The schedule decides how often and how
 * long to wait; failures that are not transient (or fail `options.while`) are still not retried, and
 * a server-requested delay still replaces the schedule's delay (up to `maxRetryAfter`).
 *
 * It never throws: a `schedule` that is not a `Schedule`, or options it cannot use, give a policy that
 * `Chat.send` and `Chat.stream` refuse with an `InvalidRequestError` naming the problem, nothing sent
 * (see {@link make}).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromSchedule = (
  schedule: Schedule.Schedule<unknown, Errors.StreamError>,
  options: Pick<PolicyOptions, "maxRetryAfter" | "while"> = {}
): FromSchedule => {
  const { problems, values } = readPolicyOptions(
    options,
    { maxRetryAfter: defaultMaxRetryAfter, while: Errors.isRetryable },
    Options.checkDuration
  )
  const notSchedule = isSchedule(schedule) ? [] : [`schedule: expected a Schedule, got ${shownValue(schedule)}`]
  return recordProblems<FromSchedule>(
    { _tag: "FromSchedule", schedule, ...values },
    "Retry.fromSchedule",
    [...notSchedule, ...problems]
  )
}

const isSchedule = (u: unknown): boolean => {
  try {
    return Schedule.isSchedule(u)
  } catch {
    return false
  }
}

/**
 * The computed delay before retry number `retry` (0 for the first), before jitter:
 * `min(baseDelay * factor^retry, maxDelay)`. It never throws: for a value that is not a {@link Backoff}
 * (its `baseDelay` and `maxDelay` durations, its `factor` a number), or a `retry` that is not a number
 * `>= 0`, the delay is zero.
 *
 * @since 0.1.0
 * @category utils
 */
export const backoff = (policy: Backoff, retry: number): Duration.Duration => {
  try {
    const { baseDelay, factor, maxDelay } = policy
    if (
      !Duration.isDuration(baseDelay) || !Duration.isDuration(maxDelay) || typeof factor !== "number" ||
      !(factor >= 0) || typeof retry !== "number" || !(retry >= 0)
    ) return Duration.zero
    return Duration.min(Duration.times(baseDelay, Math.pow(factor, retry)), maxDelay)
  } catch {
    return Duration.zero
  }
}

const exceedsMaxRetryAfter = (policy: Policy, error: Errors.StreamError): boolean => {
  const requested = Errors.retryAfter(error)
  return requested !== undefined && Duration.greaterThan(requested, policy.maxRetryAfter)
}

/**
 * The policy as an Effect `Schedule` over failures: it stops on a failure the policy does not retry
 * or whose requested delay exceeds `maxRetryAfter`, and uses the requested delay when there is one.
 * For a value that is not a valid policy (one that `Chat.send` refuses, see {@link make}) it is a
 * schedule that never retries.
 *
 * @since 0.1.0
 * @category conversions
 */
export const toSchedule = (policy: Policy): Schedule.Schedule<unknown, Errors.StreamError> =>
  scheduleOf(policy) ?? noRetry

const noRetry: Schedule.Schedule<unknown, Errors.StreamError> = Schedule.stop

const isPolicy = (u: unknown): boolean => {
  if (u === false || u === undefined) return false
  const issues: Array<Errors.RequestIssue> = []
  Options.checkPolicy(u, "retry", issues)
  return issues.length === 0
}

const buildSchedule = (policy: Policy): Schedule.Schedule<unknown, Errors.StreamError> => {
  const base: Schedule.Schedule<unknown, Errors.StreamError> = policy._tag === "FromSchedule" ?
    policy.schedule :
    Schedule.exponential(policy.baseDelay, policy.factor).pipe(
      Schedule.modifyDelay((_, delay) => Duration.min(delay, policy.maxDelay)),
      policy.jitter > 0 ? Schedule.jitteredWith({ min: 1 - policy.jitter, max: 1 }) : (s) => s,
      Schedule.intersect(Schedule.recurs(policy.retries))
    )
  return Schedule.identity<Errors.StreamError>().pipe(
    Schedule.intersect(base),
    Schedule.whileInput((error: Errors.StreamError) => policy.while(error) && !exceedsMaxRetryAfter(policy, error)),
    Schedule.modifyDelay(([error], delay) => Errors.retryAfter(error) ?? delay),
    // Each retry becomes an event on the call's span (only runs when a retry is decided).
    Schedule.modifyDelayEffect(([error], delay) => onRetry(error, delay))
  )
}

const scheduleOf = scheduleCache(isPolicy, buildSchedule)

/**
 * Runs an effect under a policy (or none with `false`): every attempt runs the effect again; after the
 * last one the failure is the last typed error, unchanged in type, with `attempts` set. A value that is
 * not a valid policy (one that `Chat.send` refuses, see {@link make}) runs the effect once, as `false`
 * does: this function has no error channel of its own to report it in.
 *
 * @since 0.1.0
 * @category combinators
 */
export const retry: {
  (policy: Policy | false): <A, E extends Errors.StreamError, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E extends Errors.StreamError, R>(self: Effect.Effect<A, E, R>, policy: Policy | false): Effect.Effect<A, E, R>
} = dual(2, <A, E extends Errors.StreamError, R>(self: Effect.Effect<A, E, R>, policy: Policy | false) => {
  const schedule = scheduleOf(policy)
  if (schedule === undefined) return self
  // `Effect.retry` makes the schedule's driver for every call, also one that succeeds at once; making it
  // on the first failure instead saved about 7 us a call in process, under 5 % of a call end to end
  // (bench/pipeline-primitives.ts, 5), so the primitive stays.
  return Effect.suspend(() => {
    let attempts = 0
    return Effect.retry(
      Effect.suspend(() => {
        attempts++
        return self
      }),
      schedule as Schedule.Schedule<unknown, E>
    ).pipe(
      Effect.mapError((error) => withAttempts(error, attempts))
    )
  })
})
