/**
 * `Chat.send` over both HTTP clients against the emulator; the body is shared with the Effect 4
 * edition (`test/support/sendSuite.ts`), this file gives it the Effect 3 edition's pieces.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import { Errors } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import * as TestServer from "../src/TestServer.js"
import type { CallError } from "./support/calls.js"
import { callsOver } from "./support/callsEffect3.js"
import { httpClients } from "./support/harness.js"
import { sendSuite } from "./support/sendSuite.js"

/** A shared body's error is the edition's own error value. */
const own = (error: CallError) => error as unknown as Errors.StreamError

sendSuite<Testing.Reply>({
  describe,
  it,
  expect,
  clients: httpClients.map(([name, http]) => [name, callsOver(http)] as const),
  testing: Testing,
  listen: (script) => TestServer.listen(script),
  errors: {
    isStatusError: (error) => Errors.isStatusError(error),
    isRetryable: (error) => Errors.isRetryable(own(error)),
    retryAfterMillis: (error) => {
      const after = Errors.retryAfter(own(error))
      return after === undefined ? undefined : Duration.toMillis(after)
    }
  }
})
