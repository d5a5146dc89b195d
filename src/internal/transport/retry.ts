/**
 * What the retry loops record on the error they give up with, and what `Retry.make` / `Retry.fromSchedule`
 * read from the options they are given (shared by both editions, Effect-free).
 */
import type { TaggedErrorShape } from "../chat/wireShapes.js"
import { isRecord } from "./json.js"
import { describeThrown, shownValue } from "./snapshot.js"

/**
 * Returns a copy of the error that records how many attempts were made: a new instance of the error's
 * own class (its tagged error constructor, without re-validating fields that a valid instance
 * already holds), with the original's `stack`, so the trace still points where the failure happened.
 * Runs once per call that gives up, never per chunk: `bench/pipeline-primitives.ts` measured the
 * property-descriptor copy this replaced at no gain end to end.
 */
export const withAttempts = <E extends TaggedErrorShape>(error: E, attempts: number): E => {
  if (error._tag === "InvalidRequestError") return error
  // `message` and `cause` are own but not enumerable on errors: name every field.
  const fields: Record<string, unknown> = {}
  for (const key of Object.keys(error)) fields[key] = (error as unknown as Record<string, unknown>)[key]
  fields.message = error.message
  if ("cause" in error) fields.cause = error.cause
  delete fields._tag
  // Effect 3's constructor reads `{ disableValidation }`, Effect 4's `{ disableChecks }` (it ignores a
  // bare `true`): the one options object skips re-validation in both editions.
  const Class = error.constructor as new(
    fields: Record<string, unknown>,
    options: { readonly disableValidation: boolean; readonly disableChecks: boolean }
  ) => E
  const copy = new Class({ ...fields, attempts }, { disableValidation: true, disableChecks: true })
  if (error.stack !== undefined) {
    Object.defineProperty(copy, "stack", { value: error.stack, writable: true, configurable: true })
  }
  return copy
}

/** A problem with one option (`Errors.RequestIssue` in either edition). */
interface Issue {
  readonly path: string
  readonly message: string
}

/**
 * The problems `Retry.make` / `Retry.fromSchedule` found in the options they were given, by the policy
 * they returned. The constructors have no error channel, so they never throw: they return a policy
 * that the option check (`optionChecks.ts`) refuses with these words, so the caller gets an
 * `InvalidRequestError` at the call, and that `Retry.retry` / `Retry.toSchedule` never retry.
 */
export const policyProblems = new WeakMap<object, string>()

const numberChecks = {
  retries: [(n: number) => Number.isInteger(n) && n >= 0, "a whole number >= 0"],
  factor: [(n: number) => Number.isFinite(n) && n >= 1, "a finite number >= 1"],
  jitter: [(n: number) => n >= 0 && n <= 1, "a number in [0, 1]"]
} as const

/** The options of `Retry.make` (`Retry.fromSchedule` takes the last two). */
type PolicyKey = "retries" | "baseDelay" | "factor" | "maxDelay" | "jitter" | "maxRetryAfter" | "while"

/**
 * Reads the options of `Retry.make` (or of `Retry.fromSchedule`: the keys of `defaults` are the options
 * read) once each, inside a `try`: an options object may be anything, a `Proxy` whose traps throw
 * included. An option left out takes its default. A number out of its range is kept as given (so a copy
 * of the policy is still refused by the option check); a duration or a `while` that cannot be used takes
 * the default, and every problem is named (`problems`, empty when there is none).
 */
export const readPolicyOptions = <T extends { readonly [K in PolicyKey]?: unknown }>(
  options: unknown,
  defaults: T,
  checkDuration: (u: unknown, path: string, issues: Array<Issue>) => unknown
): { readonly values: T; readonly problems: ReadonlyArray<string> } => {
  const problems: Array<string> = []
  const values: Record<string, unknown> = { ...defaults }
  if (options !== undefined && !isRecord(options)) {
    problems.push(`expected an options object, got ${shownValue(options)}`)
    options = undefined
  }
  for (const key of Object.keys(defaults) as Array<PolicyKey>) {
    let value: unknown
    try {
      value = options === undefined ? undefined : (options as Record<string, unknown>)[key]
    } catch (e) {
      problems.push(`${key}: reading the option threw: ${describeThrown(e)}`)
      continue
    }
    if (value === undefined) continue
    if (key === "while") {
      if (typeof value === "function") values[key] = value
      else problems.push(`while: expected a predicate, got ${shownValue(value)}`)
    } else if (key === "retries" || key === "factor" || key === "jitter") {
      const [valid, expected] = numberChecks[key]
      if (typeof value === "number") values[key] = value
      if (typeof value !== "number" || !valid(value)) {
        problems.push(`${key}: expected ${expected}, got ${shownValue(value)}`)
      }
    } else {
      const issues: Array<Issue> = []
      const duration = checkDuration(value, key, issues)
      if (duration !== undefined) values[key] = duration
      for (const issue of issues) problems.push(`${issue.path}: ${issue.message}`)
    }
  }
  return { values: values as T, problems }
}

/** Records the problems of a policy a constructor built, in the words the option check shows. */
export const recordProblems = <P extends object>(
  policy: P,
  constructor: string,
  problems: ReadonlyArray<string>
): P => {
  if (problems.length > 0) {
    policyProblems.set(policy, `${constructor} was given invalid options: ${problems.join("; ")}`)
  }
  return policy
}

/**
 * The schedule of each policy, built once (a policy is immutable and calls are a hot path), a policy
 * checked only then: `undefined` for a value that is not a valid policy (`isPolicy` says), or whose
 * schedule cannot be built (fields that changed since they were checked).
 */
export const scheduleCache = <S>(
  isPolicy: (u: unknown) => boolean,
  build: (policy: never) => S
): (policy: unknown) => S | undefined => {
  const schedules = new WeakMap<object, S>()
  return (policy) => {
    // `WeakMap.prototype.get` answers `undefined` for a primitive and runs no trap of a Proxy.
    const known = schedules.get(policy as object)
    if (known !== undefined || !isPolicy(policy)) return known
    try {
      const schedule = build(policy as never)
      schedules.set(policy as object, schedule)
      return schedule
    } catch {
      return undefined
    }
  }
}
