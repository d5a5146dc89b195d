/**
 * `Chat.send` over both HTTP clients against the emulator; the body is shared with the Effect 3
 * edition (`test/support/sendSuite.ts`), this file gives it the Effect 4 edition's pieces.
 */
import { sendSuite } from "../../test/support/sendSuite.js"
import { wired } from "./support/callsEffect4.js"

sendSuite(wired)
