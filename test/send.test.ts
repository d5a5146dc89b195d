/**
 * `Chat.send` over both HTTP clients against the emulator; the body is shared with the Effect 4
 * edition (`test/support/sendSuite.ts`), this file gives it the Effect 3 edition's pieces.
 */
import { wired } from "./support/callsEffect3.js"
import { sendSuite } from "./support/sendSuite.js"

sendSuite(wired)
