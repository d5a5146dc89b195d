/**
 * The replay suite over `../shared/openrouter/recorded/`, on both HTTP clients; the body is shared
 * with the Effect 3 edition (`test/support/replaySuite.ts`), this file gives it the Effect 4
 * edition's pieces.
 */
import { describe, expect, it } from "@effect/vitest"
import { replaySuite } from "../../test/support/replaySuite.js"
import * as Testing from "../src/Testing.js"
import * as TestServer from "../src/TestServer.js"
import { callsOver, errorReaders } from "./support/callsEffect4.js"
import { httpClients } from "./support/harness.js"
import { parseSse } from "./support/wire.js"

replaySuite<Testing.Reply>({
  describe,
  describeIf: (condition) => describe.skipIf(!condition),
  it,
  expect,
  clients: httpClients.map(([name, http]) => [name, callsOver(http)] as const),
  testing: Testing,
  listen: (script) => TestServer.listen(script),
  parseSse,
  errors: errorReaders
})
