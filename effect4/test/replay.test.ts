/**
 * The replay suite over `../shared/openrouter/recorded/`, on both HTTP clients; the body is shared
 * with the Effect 3 edition (`test/support/replaySuite.ts`), this file gives it the Effect 4
 * edition's pieces.
 */
import { describe } from "@effect/vitest"
import { replaySuite } from "../../test/support/replaySuite.js"
import * as Testing from "../src/Testing.js"
import { wired } from "./support/callsEffect4.js"

replaySuite<Testing.Reply>({
  ...wired,
  describeIf: (condition) => describe.skipIf(!condition)
})
