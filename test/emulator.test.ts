/**
 * The emulator script as a program meets it over a real socket, with both HTTP clients; the body is
 * shared with the Effect 4 edition (`test/support/emulatorSuite.ts`), this file gives it the Effect 3
 * edition's pieces.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Testing from "../src/Testing.js"
import * as TestServer from "../src/TestServer.js"
import { callsOver } from "./support/callsEffect3.js"
import { emulatorSuite } from "./support/emulatorSuite.js"
import { httpClients } from "./support/harness.js"

emulatorSuite<Testing.Script>({
  describe,
  it,
  expect,
  clients: httpClients.map(([name, http]) => [name, callsOver(http)] as const),
  emulator: Testing.emulator,
  emulatorWith: Testing.emulatorWith,
  listen: (script) => TestServer.listen(script)
})
