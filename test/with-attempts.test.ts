/**
 * `withAttempts` keeps an error of this edition whole; the body is shared with the Effect 4 edition
 * (`test/support/withAttemptsSuite.ts`).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Errors from "../src/Errors.js"
import { withAttemptsSuite } from "./support/withAttemptsSuite.js"

const cause = new Error("socket hang up")
const errors: ReadonlyArray<Errors.StreamError> = [
  new Errors.ConnectionError({ reason: "RequestFailed", message: "Request failed: boom", cause }),
  new Errors.TimeoutError({ limit: "idle", duration: Duration.seconds(3), message: "took too long" }),
  Errors.fromStatus(429, {
    message: "Rate limited",
    code: 429,
    headers: { "retry-after": "2" },
    retryAfter: Duration.seconds(2),
    body: { error: { code: 429, message: "Rate limited" } }
  }),
  new Errors.MidStreamError({ message: "provider died", code: 502, contentEmitted: false, generationId: "gen-1" })
]

withAttemptsSuite({
  describe,
  it,
  expect,
  errors,
  invalid: new Errors.InvalidRequestError({ message: "bad", issues: [] })
})
