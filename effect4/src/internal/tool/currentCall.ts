/**
 * The reference behind `Toolkit.CurrentCall`, in a module of its own: the running of a call
 * (`./toolkit.ts`) sets it, and `Toolkit.ts` exports it. Were it defined in `Toolkit.ts`, `./toolkit.ts`
 * would import `Toolkit.ts` for it while `Toolkit.ts` imports `./toolkit.ts`, and a program whose first
 * import reaches `./toolkit.ts` before `Toolkit.ts` (`effect-openrouter/ToolLoop`) would read
 * `Toolkit.make` before it was initialised (`test/support/importOrderSuite.ts`).
 */
import * as Context from "effect/Context"
import type { CallContext } from "../../Toolkit.js"

/** `Toolkit.CurrentCall`. */
export const CurrentCall: Context.Reference<CallContext | undefined> = Context.Reference<CallContext | undefined>(
  "effect-openrouter/Toolkit/CurrentCall",
  { defaultValue: () => undefined }
)
