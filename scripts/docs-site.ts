// The step after `docgen` in `npm run docs`: makes docs/ a site that renders.
//
// 1. Repairs the front matter of every page. docgen 0.5.2 writes a module page as "\n---\ntitle: ..."
//    and formats it with prettier; from prettier 3.10 the leading newline makes the first `---` a
//    thematic break, printed `***`, so the page has no front matter (no title, no navigation) and
//    shows its YAML as text. Measured: prettier 3.9.10 prints "---\n\ntitle: ...", 3.10.0 and
//    3.10.1 "***\n\ntitle: ...". Repairing here, rather than pinning prettier below 3.10 (docgen
//    asks for ^3.2.5), keeps the output right whatever prettier npm picks, and fails loudly if a page
//    has no front matter at all.
// 2. Writes the home page, docs/index.md (docgen's is front matter only): what the library is, how to
//    install it (the README's own install lines) and every module with the first sentence of its
//    description, linked to its page.
//
// Usage: tsx scripts/docs-site.ts (after docgen). Exports the two steps for test/docs.test.ts.
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { readmeInstallLines } from "./readme-install.mjs"

const root = fileURLToPath(new URL("..", import.meta.url))

/**
 * The page with valid front matter at its very start: `---`, the `key: value` lines, `---`. Accepts
 * the opening line as docgen and prettier leave it (`***` or `---`, after blank lines, with blank
 * lines before the keys). Throws when the page does not begin with front matter in any form.
 */
export const repairFrontMatter = (page: string, name = "page"): string => {
  const lines = page.split("\n")
  let i = 0
  while (i < lines.length && (lines[i] ?? "").trim() === "") i++
  if (!/^(---|\*\*\*)\s*$/.test(lines[i] ?? "")) throw new Error(`${name}: no front matter at the top`)
  i++
  const fields: Array<string> = []
  for (; i < lines.length && !/^---\s*$/.test(lines[i] ?? ""); i++) {
    const line = lines[i] ?? ""
    if (line.trim() === "") continue
    if (!/^[A-Za-z_][\w-]*:( .*)?$/.test(line)) throw new Error(`${name}: not a front matter line: ${line}`)
    fields.push(line)
  }
  if (i === lines.length || fields.length === 0) throw new Error(`${name}: front matter without fields or end`)
  const rest = lines.slice(i + 1).join("\n").replace(/^\n+/, "")
  return `---\n${fields.join("\n")}\n---\n\n${rest}`
}

/** The first sentence of the first paragraph of a source file's first doc comment (its module doc). */
export const moduleSummary = (source: string): string => {
  const comment = source.match(/\/\*\*([\s\S]*?)\*\//)?.[1] ?? ""
  const paragraph = comment.split("\n").map((l) => l.replace(/^\s*\* ?/, "")).join("\n").trim().split(/\n\s*\n/)[0] ??
    ""
  const text = paragraph.replace(/\s*\n\s*/g, " ").trim()
  return text.match(/^.*?\.(?=\s|$)/)?.[0] ?? text
}

/** The home page: front matter, what the library is, install, the modules. */
export const homePage = (site: {
  readonly description: string
  readonly homepage: string
  readonly installLines: ReadonlyArray<string>
  readonly modules: ReadonlyArray<{ readonly name: string; readonly summary: string }>
}): string =>
  [
    "---",
    "title: Home",
    "nav_order: 1",
    "---",
    "",
    "# effect-openrouter",
    "",
    site.description,
    "",
    `Guide, examples and benchmarks: [the README](${site.homepage}).`,
    "",
    "## Install",
    "",
    "```sh",
    ...site.installLines,
    "```",
    "",
    "## Modules",
    "",
    "Each module is also a subpath export (`effect-openrouter/Chat`, ...).",
    "",
    ...site.modules.map(({ name, summary }) => `- [${name}](modules/${name}.ts.html): ${summary}`),
    ""
  ].join("\n")

if (import.meta.url === `file://${process.argv[1]}`) {
  const docs = join(root, "docs")
  const pages = readdirSync(join(docs, "modules")).filter((f) => f.endsWith(".md"))
  for (const page of pages) {
    const path = join(docs, "modules", page)
    writeFileSync(path, repairFrontMatter(readFileSync(path, "utf8"), `docs/modules/${page}`))
  }
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"))
  const modules = pages.filter((p) => p.endsWith(".ts.md")).map((p) => p.slice(0, -".ts.md".length)).sort()
    .map((name) => ({ name, summary: moduleSummary(readFileSync(join(root, "src", `${name}.ts`), "utf8")) }))
  writeFileSync(
    join(docs, "index.md"),
    homePage({ description: pkg.description, homepage: pkg.homepage, installLines: readmeInstallLines(), modules })
  )
  console.log(`docs-site: front matter of ${pages.length} pages checked, home page lists ${modules.length} modules`)
}
