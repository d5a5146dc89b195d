/**
 * The test kit's scripted replies for tool loops: `Testing.callTools`, `Testing.answer`,
 * `Testing.rounds`, `Testing.roundOf` and `Testing.finalAnswer`. The body is shared with the Effect 3
 * edition (`test/support/toolRepliesSuite.ts`); this file gives it the Effect 4 edition's pieces.
 */
import * as Schema from "effect/Schema"
import { toolRepliesSuite } from "../../test/support/toolRepliesSuite.js"
import * as Testing from "../src/Testing.js"
import { callsWithConfig, wired } from "./support/callsEffect4.js"

const Advice = Schema.Struct({ wear: Schema.String, note: Schema.optionalKey(Schema.String) })
const Whole = Schema.Struct({ n: Schema.Int })

toolRepliesSuite(wired, {
  inProcess: (script) => callsWithConfig(script as Testing.Script),
  replies: Testing,
  finalAnswer: (schema, value) =>
    schema === "advice"
      ? Testing.finalAnswer(Advice, value as typeof Advice.Type)
      : Testing.finalAnswer(Whole, value as typeof Whole.Type)
})
