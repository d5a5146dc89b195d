/**
 * `Chat.send` over both HTTP clients against the emulator; the body is shared with the Effect 4
 * edition (`test/support/sendSuite.ts`), this file gives it the Effect 3 edition's pieces.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Testing from "../src/Testing.js"
import * as TestServer from "../src/TestServer.js"
import { callsOver, errorReaders } from "./support/callsEffect3.js"
import { httpClients } from "./support/harness.js"
import { sendSuite } from "./support/sendSuite.js"

sendSuite<Testing.Reply>({
  describe,
  it,
  expect,
  clients: httpClients.map(([name, http]) => [name, callsOver(http)] as const),
  testing: Testing,
  listen: (script) => TestServer.listen(script),
  errors: errorReaders
})
