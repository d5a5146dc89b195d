/**
 * The doc comments' code is checked by `@effect/docgen` (`npm run docs`, in CI), but docgen only
 * compiles code under an `@example` tag: a code block without one would go unchecked. These tests
 * keep every code block in a public module's doc comments under `@example`, give every module an
 * example, keep every example self-contained, and check the step after docgen that makes docs/ a
 * site (scripts/docs-site.mjs; test/docs-site.test.ts reads the generated files).
 */
import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { homePage, moduleSummary, repairFrontMatter } from "../scripts/docs-site.js"

const src = fileURLToPath(new URL("../src/", import.meta.url))

// The public modules: what docgen documents (docgen.json excludes src/internal).
const modules = readdirSync(src).filter((name) => name.endsWith(".ts"))

/** The code blocks of a file's doc comments that are not the first thing after an `@example` tag. */
const untaggedCodeBlocks = (text: string): ReadonlyArray<string> => {
  const out: Array<string> = []
  for (const comment of text.match(/\/\*\*[\s\S]*?\*\//g) ?? []) {
    const lines = comment.split("\n").map((line) => line.replace(/^\s*\*?\s?/, ""))
    let open = false
    lines.forEach((line, i) => {
      if (!line.startsWith("```")) return
      if (open) {
        open = false
        return
      }
      open = true
      const previous = lines.slice(0, i).reverse().find((l) => l.trim() !== "")
      if (previous?.trim() !== "@example") out.push(lines.slice(i, i + 3).join(" / "))
    })
  }
  return out
}

describe("doc comments", () => {
  it("finds a code block without @example (the check can fail)", () => {
    expect(untaggedCodeBlocks("/**\n * Text.\n *\n * ```ts\n * x\n * ```\n */")).toHaveLength(1)
    expect(untaggedCodeBlocks("/**\n * Text.\n *\n * @example\n * ```ts\n * x\n * ```\n */")).toHaveLength(0)
  })

  for (const name of modules) {
    it(`every code block in src/${name} doc comments is under @example (compiled by docgen)`, () => {
      expect(untaggedCodeBlocks(readFileSync(src + name, "utf8"))).toEqual([])
    })
  }
})

/** The code of every `@example` block of a file's doc comments. */
const exampleBlocks = (text: string): ReadonlyArray<string> =>
  (text.match(/\/\*\*[\s\S]*?\*\//g) ?? []).flatMap((comment) =>
    [...comment.replace(/^\s*\*( |$)/gm, "").matchAll(/@example\s*\n```ts\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? "")
  )

/** An example that calls `assert.x` without importing `assert`: docgen imports it for itself, a reader does not. */
const usesUnimportedAssert = (code: string) => /\bassert\./.test(code) && !/^import .*\bassert\b.* from /m.test(code)

describe("examples", () => {
  it("finds an example that uses assert without importing it (the check can fail)", () => {
    const example =
      "/**\n * @example\n * ```ts\n * import { Effect } from \"effect\"\n * assert.strictEqual(1, 1)\n * ```\n */"
    expect(exampleBlocks(example)).toHaveLength(1)
    expect(exampleBlocks(example).filter(usesUnimportedAssert)).toHaveLength(1)
    expect(usesUnimportedAssert("import { strictEqual } from \"node:assert\"\nstrictEqual(1, 1)")).toBe(false)
  })

  for (const name of modules) {
    const text = readFileSync(src + name, "utf8")
    it(`src/${name} has an example on the module itself`, () => {
      const moduleComment = text.match(/^\/\*\*[\s\S]*?\*\//)?.[0] ?? ""
      expect(exampleBlocks(moduleComment)).not.toHaveLength(0)
    })
    it(`every example in src/${name} imports what it uses (no assert docgen adds by itself)`, () => {
      expect(exampleBlocks(text).filter(usesUnimportedAssert)).toEqual([])
    })
  }
})

describe("docs site (scripts/docs-site.mjs)", () => {
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

  it("the home page has front matter, what the library is, the install lines and every module linked", () => {
    const page = homePage({
      description: "An Effect client.",
      homepage: "https://example.com",
      installLines: ["npm install effect-openrouter"],
      modules: [{ name: "Chat", summary: "Chat completions." }, { name: "Errors", summary: "Failures." }]
    })
    expect(page.startsWith("---\ntitle: Home\nnav_order: 1\n---\n")).toBe(true)
    expect(page).toContain("An Effect client.")
    expect(page).toContain("```sh\nnpm install effect-openrouter\n```")
    expect(page).toContain("- [Chat](modules/Chat.ts.html): Chat completions.")
    expect(page).toContain("- [Errors](modules/Errors.ts.html): Failures.")
  })
})
