/**
 * The generated API docs site (`npm run docs`: docgen, then scripts/docs-site.ts), read from docs/:
 * every page begins with valid front matter (a page without it shows its YAML as text and drops out
 * of the navigation) and the home page says what the library is and lists every module.
 * Needs `npm run docs` first, so it runs with the end-to-end tests (vitest.e2e.config.ts), after
 * CI's docs step.
 */
import { describe, expect, it } from "@effect/vitest"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const docs = fileURLToPath(new URL("../docs/", import.meta.url))
const src = fileURLToPath(new URL("../src/", import.meta.url))

/** The front matter's fields when the page begins with `---`, field lines, `---`; else undefined. */
const frontMatter = (page: string): Record<string, string> | undefined => {
  const match = page.match(/^---\n((?:[A-Za-z_][\w-]*:.*\n)+)---\n/)
  if (match === null) return undefined
  return Object.fromEntries(
    (match[1] ?? "").trimEnd().split("\n").map((
      line
    ) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim()])
  )
}

describe("the generated docs site", () => {
  it("exists (run `npm run docs` first)", () => {
    expect(existsSync(docs + "index.md"), "docs/index.md is missing: run `npm run docs` before these tests").toBe(true)
  })

  const pages = existsSync(docs + "modules")
    ? ["index.md", ...readdirSync(docs + "modules").filter((f) => f.endsWith(".md")).map((f) => `modules/${f}`)]
    : []

  it("has a page for every public module", () => {
    const modules = readdirSync(src).filter((f) => f.endsWith(".ts")).map((f) => `modules/${f}.md`)
    expect(modules.filter((page) => !pages.includes(page))).toEqual([])
  })

  it.each(pages)("docs/%s begins with valid front matter, with a title", (page) => {
    const fields = frontMatter(readFileSync(docs + page, "utf8"))
    expect(fields, `docs/${page} does not begin with ---, field lines, ---`).toBeDefined()
    expect(fields?.title).toBeTruthy()
  })

  it("the home page says what the library is, how to install it, and links every module page", () => {
    const home = readFileSync(docs + "index.md", "utf8").replace(/^---\n[\s\S]*?\n---\n/, "")
    expect(home).toMatch(/# effect-openrouter\n\n.*Effect client for OpenRouter/)
    expect(home).toContain("npm install effect-openrouter")
    const modulePages = pages.filter((p) => p.endsWith(".ts.md"))
    expect(modulePages.length).toBeGreaterThan(10)
    for (const page of modulePages) expect(home).toContain(`](${page.replace(/\.md$/, ".html")})`)
  })
})
