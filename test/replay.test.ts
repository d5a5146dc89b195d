/**
 * The replay suite over `../shared/openrouter/recorded/`, on both HTTP clients; the body is shared
 * with the Effect 4 edition (`test/support/replaySuite.ts`), this file gives it the Effect 3
 * edition's pieces.
 */
import { describe } from "@effect/vitest"
import * as Testing from "../src/Testing.js"
import { wired } from "./support/callsEffect3.js"
import { replaySuite } from "./support/replaySuite.js"

replaySuite<Testing.Reply>({
  ...wired,
  describeIf: (condition) => describe.skipIf(!condition)
})
