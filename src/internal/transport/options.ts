/**
 * The option checks of `./optionChecks.ts` (shared by both editions), bound to Effect 3: what a
 * `Duration`, a `Schedule` and a `Redacted` are.
 */
import * as Duration from "effect/Duration"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import type * as Retry from "../../Retry.js"
import { bind } from "./optionChecks.js"

export {
  checkBaseUrl,
  checkBoolean,
  checkHeaderRecord,
  checkHeaders,
  checkTelemetry,
  configIssues,
  readField
} from "./optionChecks.js"

export const { checkApiKey, checkDuration, checkPolicy, serviceIssues } = bind<Duration.Duration, Retry.Policy>({
  decodeDuration: (u) => {
    const decoded = Duration.decodeUnknown(u)
    return decoded._tag === "Some" ? decoded.value : undefined
  },
  isDuration: Duration.isDuration,
  isSchedule: Schedule.isSchedule,
  isRedacted: Redacted.isRedacted,
  redactedValue: (u) => Redacted.value(u as Redacted.Redacted<unknown>)
})
