/**
 * The Effect 3 edition's demo (examples/demo.ts) as a user runs it: the shared body of
 * `test/support/demoSuite.ts`.
 */
import { afterEach, describe, expect, it } from "@effect/vitest"
import { fileURLToPath } from "node:url"
import { Testing } from "../src/index.js"
import * as TestServer from "../src/TestServer.js"
import { demoSuite } from "./support/demoSuite.js"

const root = fileURLToPath(new URL("..", import.meta.url))

demoSuite({ afterEach, describe, expect, it }, root, root, () => TestServer.listen(Testing.emulator))
