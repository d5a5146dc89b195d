/**
 * The option checks of the shared `src/internal/transport/optionChecks.ts`, bound to Effect 4: what a
 * `Duration`, a `Schedule` and a `Redacted` are.
 */
import * as Duration from "effect/Duration"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import { bind } from "../../../../src/internal/transport/optionChecks.js"
import type * as Retry from "../../Retry.js"

export {
  checkBaseUrl,
  checkBoolean,
  checkHeaderRecord,
  checkHeaders,
  checkTelemetry,
  configIssues,
  readField
} from "../../../../src/internal/transport/optionChecks.js"

export const { checkApiKey, checkDuration, checkPolicy, serviceIssues } = bind<Duration.Duration, Retry.Policy>({
  // `Duration.fromInput` returns `None` for what it cannot read (it catches its own throws).
  decodeDuration: (u) => {
    const decoded = Duration.fromInput(u as Duration.Input)
    // Effect 4 reads more inputs as durations than Effect 3 did (`{ seconds: -3 }`, `"-5 seconds"`):
    // a negative one is refused like a negative number of milliseconds.
    return decoded._tag === "Some" && !Duration.isNegative(decoded.value) ? decoded.value : undefined
  },
  isDuration: Duration.isDuration,
  isSchedule: Schedule.isSchedule,
  isRedacted: Redacted.isRedacted,
  redactedValue: (u) => Redacted.value(u as Redacted.Redacted<unknown>)
})
