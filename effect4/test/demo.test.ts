/**
 * The Effect 4 edition's demo (effect4/examples/demo.ts, what `npm run demo` runs) as a user runs it:
 * the shared body of `test/support/demoSuite.ts`, on the Node 22 that runs this suite.
 */
import { afterEach, describe, expect, it } from "@effect/vitest"
import { fileURLToPath } from "node:url"
import { demoSuite } from "../../test/support/demoSuite.js"
import { Testing } from "../src/index.js"
import * as TestServer from "../src/TestServer.js"

const root = fileURLToPath(new URL("../..", import.meta.url))

demoSuite(
  { afterEach, describe, expect, it },
  root,
  fileURLToPath(new URL("..", import.meta.url)),
  () => TestServer.listen(Testing.emulator)
)
