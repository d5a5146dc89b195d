/**
 * The Effect 4 edition's `effect-openrouter-emulator` bin (`effect4/src/internal/emulator/cli.ts`): the
 * body is shared with the Effect 3 edition's (`test/support/emulatorBinSuite.ts`).
 */
import { afterEach, describe, expect, it } from "@effect/vitest"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import { fileURLToPath } from "node:url"
import { emulatorBinSuite } from "../../test/support/emulatorBinSuite.js"
import { callsOver } from "./support/callsEffect4.js"

emulatorBinSuite({
  describe,
  it,
  expect,
  afterEach,
  edition: "effect4",
  root: fileURLToPath(new URL("../..", import.meta.url)),
  entry: "effect4/src/internal/emulator/cli.ts",
  script: "effect4/test/support/emulator-script.ts",
  calls: callsOver(FetchHttpClient.layer)
})
