/**
 * The Effect 3 edition's `effect-openrouter-emulator` bin (`src/internal/emulator/cli.ts`): the body is
 * shared with the Effect 4 edition's (`test/support/emulatorBinSuite.ts`).
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterEach, describe, expect, it } from "@effect/vitest"
import { fileURLToPath } from "node:url"
import { callsOver } from "./support/callsEffect3.js"
import { emulatorBinSuite } from "./support/emulatorBinSuite.js"

emulatorBinSuite({
  describe,
  it,
  expect,
  afterEach,
  edition: "effect3",
  root: fileURLToPath(new URL("..", import.meta.url)),
  entry: "src/internal/emulator/cli.ts",
  script: "test/support/emulator-script.ts",
  calls: callsOver(NodeHttpClient.layerUndici)
})
