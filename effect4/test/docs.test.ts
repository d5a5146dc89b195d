/**
 * The Effect 4 edition's doc comments, beyond what `@effect/docgen` checks (`npm run docs` runs it over
 * effect4/src with effect4/docgen.json: a description and `@since` on every export, every `@example`
 * compiled against effect 4 and run): one body with the Effect 3 edition's `test/docs.test.ts`
 * (`test/support/docComments.ts`).
 */
import { describe, expect, it } from "@effect/vitest"
import { fileURLToPath } from "node:url"
import { docCommentsSuite } from "../../test/support/docComments.js"

docCommentsSuite({ describe, expect, it }, fileURLToPath(new URL("../src/", import.meta.url)), "effect4/src/")
