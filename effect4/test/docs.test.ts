/**
 * The Effect 4 edition's doc comments, beyond what `@effect/docgen` checks (`npm run docs` runs it over
 * effect4/src with effect4/docgen.json: a description and `@since` on every export, every `@example`
 * compiled against effect 4 and run): one body with the Effect 3 edition's `test/docs.test.ts`
 * (`test/support/docComments.ts`), and each `@since` true to where the name comes from.
 */
import { describe, expect, it } from "@effect/vitest"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { docCommentsSuite, exportTags, untrueSince } from "../../test/support/docComments.js"

const src = fileURLToPath(new URL("../src/", import.meta.url))
const src3 = fileURLToPath(new URL("../../src/", import.meta.url))

docCommentsSuite({ describe, expect, it }, src, "effect4/src/")

describe("@since of effect4/src", () => {
  const sinces = (path: string, name: string) =>
    existsSync(path + name) ? exportTags(name, readFileSync(path + name, "utf8"), "since") : new Map()

  it("finds a @since that is neither the Effect 3 edition's nor 1.0.0 (the check can fail)", () => {
    const effect3 = new Map([["send", "0.1.0"], ["stream", "0.1.0"]])
    const effect4 = new Map([["send", "0.1.0"], ["stream", "1.0.0"], ["collect", "0.2.0"], ["fold", "1.0.0"]])
    expect(untrueSince("Chat", effect4, effect3)).toEqual(["Chat.collect: effect4 0.2.0, effect3 (none)"])
    expect(untrueSince("Chat", new Map([["send", "0.3.0"]]), effect3)).toEqual([
      "Chat.send: effect4 0.3.0, effect3 0.1.0"
    ])
  })

  for (const name of readdirSync(src).filter((f) => f.endsWith(".ts")).sort()) {
    it(`effect4/src/${name}: the Effect 3 edition's @since for a name both have, else 1.0.0`, () => {
      expect(untrueSince(name.slice(0, -3), sinces(src, name), sinces(src3, name))).toEqual([])
    })
  }
})
