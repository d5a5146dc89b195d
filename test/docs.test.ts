/**
 * The doc comments' code is checked by `@effect/docgen` (`npm run docs`, in CI), but docgen only
 * compiles code under an `@example` tag: a code block without one would go unchecked. These tests
 * (`test/support/docComments.ts`, one body with `effect4/test/docs.test.ts`) keep every code block in
 * a public module's doc comments under `@example` and no prose after one, give every module an
 * example, keep every example self-contained and every export in a category, and check the step
 * after docgen that makes docs/ one site for both editions (scripts/docs-site.ts;
 * test/docs-site.test.ts reads the generated files).
 */
import { describe, expect, it } from "@effect/vitest"
import { fileURLToPath } from "node:url"
import { editionPage, homePage, moduleSummary, repairFrontMatter, setFrontMatter } from "../scripts/docs-site.js"
import { docCommentsSuite } from "./support/docComments.js"

docCommentsSuite({ describe, expect, it }, fileURLToPath(new URL("../src/", import.meta.url)), "src/")

describe("docs site (scripts/docs-site.ts)", () => {
  const body = "\n## Chat overview\n\ntext\n"
  const valid = `---\ntitle: Chat.ts\nnav_order: 1\nparent: Modules\n---\n${body}`

  it.each([
    ["prettier 3.10 (a thematic break, ***)", `***\n\ntitle: Chat.ts\nnav_order: 1\nparent: Modules\n---\n${body}`],
    ["prettier 3.9 (a blank line after ---)", `---\n\ntitle: Chat.ts\nnav_order: 1\nparent: Modules\n---\n${body}`],
    [
      "docgen before prettier (a newline first)",
      `\n---\ntitle: Chat.ts\nnav_order: 1\nparent: Modules\n---\n\n${body}`
    ],
    ["already valid", valid]
  ])("front matter as %s becomes valid front matter", (_, page) => {
    expect(repairFrontMatter(page)).toBe(valid)
  })

  it.each([
    ["no front matter", "## Chat overview\n\ntext\n"],
    ["no end", "---\ntitle: Chat.ts\n\n## Chat overview\n"],
    ["a line that is not a field", "***\n\nSome paragraph.\n---\n"]
  ])("a page with %s is refused, not published broken", (_, page) => {
    expect(() => repairFrontMatter(page, "docs/modules/X.ts.md")).toThrow(/docs\/modules\/X\.ts\.md/)
  })

  it("the module summary is the first sentence of the module's doc comment", () => {
    expect(moduleSummary("/**\n * Retry policies for `send`. More text\n * here.\n *\n * @since 0.1.0\n */")).toBe(
      "Retry policies for `send`."
    )
  })

  it("setting front matter fields replaces the ones present and adds the others", () => {
    expect(setFrontMatter(`***\n\ntitle: Chat.ts\nnav_order: 1\nparent: Modules\n---\n${body}`, {
      parent: "Effect 4 edition (1.x)",
      has_toc: "false"
    })).toBe(`---\ntitle: Chat.ts\nnav_order: 1\nparent: Effect 4 edition (1.x)\nhas_toc: false\n---\n${body}`)
  })

  const editions = [
    {
      title: "Effect 4 edition (1.x)",
      folder: "effect4",
      installLines: ["npm install effect-openrouter effect@^4.1"],
      modules: [{ name: "Chat", summary: "Chat completions." }]
    },
    {
      title: "Effect 3 edition (0.x)",
      folder: "modules",
      installLines: ["npm install effect-openrouter@^0.3 effect@^3.22"],
      modules: [{ name: "Chat", summary: "Chat completions." }, { name: "Errors", summary: "Failures." }]
    }
  ]

  it("the home page has front matter, what the library is, each edition's install lines and modules linked", () => {
    const page = homePage({ description: "An Effect client.", homepage: "https://example.com", editions })
    expect(page.startsWith("---\ntitle: Home\nnav_order: 1\n---\n")).toBe(true)
    expect(page).toContain("An Effect client.")
    expect(page).toContain(
      "```sh\n# Effect 4 edition (1.x)\nnpm install effect-openrouter effect@^4.1\n" +
        "# Effect 3 edition (0.x)\nnpm install effect-openrouter@^0.3 effect@^3.22\n```"
    )
    expect(page).toContain("### Effect 4 edition (1.x)\n\n- [Chat](effect4/Chat.ts.html): Chat completions.\n")
    expect(page).toContain(
      "### Effect 3 edition (0.x)\n\n- [Chat](modules/Chat.ts.html): Chat completions.\n" +
        "- [Errors](modules/Errors.ts.html): Failures.\n"
    )
  })

  it("an edition's section page is a parent in the navigation, with the edition's install lines", () => {
    const [effect4] = editions
    expect(editionPage(effect4!, 2)).toBe(
      "---\ntitle: Effect 4 edition (1.x)\nhas_children: true\npermalink: /docs/effect4\nnav_order: 2\n---\n\n" +
        "```sh\nnpm install effect-openrouter effect@^4.1\n```\n"
    )
  })
})
