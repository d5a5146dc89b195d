/**
 * The generated API docs site (`npm run docs`: docgen over each edition, then scripts/docs-site.ts),
 * read from docs/: every page of both editions begins with valid front matter (a page without it
 * shows its YAML as text and drops out of the navigation), each edition's module pages sit under its
 * own section, and the home page says what the library is and lists every module of both editions.
 * Needs `npm run docs` first, so it runs with the end-to-end tests (vitest.e2e.config.ts), after
 * CI's docs step.
 */
import { describe, expect, it } from "@effect/vitest"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const docs = fileURLToPath(new URL("../docs/", import.meta.url))
const src = fileURLToPath(new URL("../src/", import.meta.url))
const src4 = fileURLToPath(new URL("../effect4/src/", import.meta.url))

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

  const pagesIn = (folder: string) =>
    existsSync(docs + folder)
      ? readdirSync(docs + folder).filter((f) => f.endsWith(".md")).map((f) => `${folder}/${f}`)
      : []
  const pages = ["index.md", ...pagesIn("modules"), ...pagesIn("effect4")]

  it.each([["Effect 3", src, "modules"], ["Effect 4", src4, "effect4"]])(
    "has a page for every public module of the %s edition",
    (_, dir, folder) => {
      const modules = readdirSync(dir).filter((f) => f.endsWith(".ts")).map((f) => `${folder}/${f}.md`)
      expect(modules.filter((page) => !pages.includes(page))).toEqual([])
    }
  )

  it.each(pages)("docs/%s begins with valid front matter, with a title", (page) => {
    const fields = frontMatter(readFileSync(docs + page, "utf8"))
    expect(fields, `docs/${page} does not begin with ---, field lines, ---`).toBeDefined()
    expect(fields?.title).toBeTruthy()
  })

  it.each([["Effect 3 edition (0.x)", "modules"], ["Effect 4 edition (1.x)", "effect4"]])(
    "the %s: a section page, the parent of each of its module pages",
    (title, folder) => {
      expect(frontMatter(readFileSync(`${docs}${folder}/index.md`, "utf8"))).toMatchObject({
        title,
        has_children: "true"
      })
      const modulePages = pages.filter((p) => p.startsWith(`${folder}/`) && p.endsWith(".ts.md"))
      expect(modulePages.length).toBeGreaterThan(10)
      expect(modulePages.filter((p) => frontMatter(readFileSync(docs + p, "utf8"))?.parent !== title)).toEqual([])
    }
  )

  it("the home page says what the library is, how to install each edition, and links every module page", () => {
    const home = readFileSync(docs + "index.md", "utf8").replace(/^---\n[\s\S]*?\n---\n/, "")
    expect(home).toMatch(/# effect-openrouter\n\n.*Effect client for OpenRouter/)
    expect(home).toContain("npm install effect-openrouter effect@^4")
    expect(home).toContain("npm install effect-openrouter@^0.3")
    const modulePages = pages.filter((p) => p.endsWith(".ts.md"))
    expect(modulePages.length).toBeGreaterThan(20)
    for (const page of modulePages) expect(home).toContain(`](${page.replace(/\.md$/, ".html")})`)
  })
})
