// The step after both editions' `docgen` in `npm run docs` (the Effect 3 edition's into docs/, the Effect 4
// edition's into effect4/docs/): makes docs/ one site that renders, with a section per edition.
//
// 1. Repairs the front matter of every module page. docgen 0.5.2 writes a module page as "\n---\ntitle: ..."
//    and formats it with prettier; from prettier 3.10 the leading newline makes the first `---` a
//    thematic break, printed `***`, so the page has no front matter (no title, no navigation) and
//    shows its YAML as text. Measured: prettier 3.9.10 prints "---\n\ntitle: ...", 3.10.0 and
//    3.10.1 "***\n\ntitle: ...". Repairing here, rather than pinning prettier below 3.10 (docgen
//    asks for ^3.2.5), keeps the output right whatever prettier npm picks, and fails loudly if a page
//    has no front matter at all.
// 2. Puts each edition's module pages under its own section (`parent:`): the Effect 4 edition's in
//    docs/effect4/, the Effect 3 edition's where docgen wrote them, docs/modules/; each section page
//    gives the edition's install lines.
// 3. Writes the home page, docs/index.md (docgen's is front matter only): what the library is, how to
//    install each edition (the README's own install lines) and every module of each edition with the
//    first sentence of its description, linked to its page.
//
// Usage: tsx scripts/docs-site.ts (after both docgen runs). Exports the steps for test/docs.test.ts.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
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

/**
 * The page with its front matter's `fields` set (replaced when present, added at the end when not):
 * how a module page moves under its edition's section of the navigation (`parent`).
 */
export const setFrontMatter = (page: string, fields: Readonly<Record<string, string>>, name = "page"): string => {
  const repaired = repairFrontMatter(page, name)
  const end = repaired.indexOf("\n---\n", 4)
  const lines = repaired.slice(4, end).split("\n")
  for (const [key, value] of Object.entries(fields)) {
    const i = lines.findIndex((line) => line.startsWith(`${key}:`))
    if (i < 0) lines.push(`${key}: ${value}`)
    else lines[i] = `${key}: ${value}`
  }
  return `---\n${lines.join("\n")}${repaired.slice(end)}`
}

/** One edition of the site: its section of the navigation and its modules. */
export interface Edition {
  /** The section's title, the module pages' `parent`: "Effect 4 edition (1.x)". */
  readonly title: string
  /** The folder of its module pages under docs/ (`effect4`, `modules`): their links are `${folder}/X.ts.html`. */
  readonly folder: string
  /** The README's install lines of the edition. */
  readonly installLines: ReadonlyArray<string>
  readonly modules: ReadonlyArray<{ readonly name: string; readonly summary: string }>
}

/** The section page of an edition: the parent of its module pages in the navigation. */
export const editionPage = (edition: Edition, navOrder: number): string =>
  [
    "---",
    `title: ${edition.title}`,
    "has_children: true",
    // docgen's own permalink for its section page (`/docs/modules`), kept for links made to it
    `permalink: /docs/${edition.folder}`,
    `nav_order: ${navOrder}`,
    "---",
    "",
    "```sh",
    ...edition.installLines,
    "```",
    ""
  ].join("\n")

/** The home page: front matter, what the library is, install, the modules of each edition. */
export const homePage = (site: {
  readonly description: string
  readonly homepage: string
  readonly editions: ReadonlyArray<Edition>
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
    "Two editions of the same package, one per Effect, with the same modules, names and behaviour.",
    "",
    "## Install",
    "",
    "```sh",
    ...site.editions.flatMap((edition) => [`# ${edition.title}`, ...edition.installLines]),
    "```",
    "",
    "## Modules",
    "",
    "Each module is also a subpath export (`effect-openrouter/Chat`, ...).",
    ...site.editions.flatMap((edition) => [
      "",
      `### ${edition.title}`,
      "",
      ...edition.modules.map(({ name, summary }) => `- [${name}](${edition.folder}/${name}.ts.html): ${summary}`)
    ]),
    ""
  ].join("\n")

/**
 * The module pages docgen wrote into `from` (one edition's), each with valid front matter under the
 * edition's section, written into `to`; the edition's modules, sorted, with their summaries read from `src`.
 */
const publishEdition = (
  edition: Omit<Edition, "modules">,
  dirs: { readonly from: string; readonly to: string; readonly src: string }
): Edition => {
  const pages = readdirSync(dirs.from).filter((f) => f.endsWith(".ts.md"))
  if (pages.length === 0) throw new Error(`${dirs.from}: no module pages (did docgen run?)`)
  mkdirSync(dirs.to, { recursive: true })
  for (const page of pages) {
    const text = readFileSync(join(dirs.from, page), "utf8")
    writeFileSync(join(dirs.to, page), setFrontMatter(text, { parent: edition.title }, join(dirs.from, page)))
  }
  const modules = pages.map((p) => p.slice(0, -".ts.md".length)).sort()
    .map((name) => ({ name, summary: moduleSummary(readFileSync(join(dirs.src, `${name}.ts`), "utf8")) }))
  return { ...edition, modules }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const docs = join(root, "docs")
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"))
  const readme = new URL("../README.md", import.meta.url)
  // The Effect 4 edition first, as in the README: npm's `latest` is its line.
  const editions = [
    publishEdition(
      { title: "Effect 4 edition (1.x)", folder: "effect4", installLines: readmeInstallLines(readme, "effect4") },
      { from: join(root, "effect4", "docs", "modules"), to: join(docs, "effect4"), src: join(root, "effect4", "src") }
    ),
    publishEdition(
      { title: "Effect 3 edition (0.x)", folder: "modules", installLines: readmeInstallLines(readme, "effect3") },
      { from: join(docs, "modules"), to: join(docs, "modules"), src: join(root, "src") }
    )
  ]
  editions.forEach((edition, i) => {
    writeFileSync(join(docs, edition.folder, "index.md"), editionPage(edition, i + 2))
  })
  writeFileSync(join(docs, "index.md"), homePage({ description: pkg.description, homepage: pkg.homepage, editions }))
  console.log(
    `docs-site: ${
      editions.map((e) => `${e.title}: ${e.modules.length} module pages`).join(", ")
    }, front matter checked, home page written`
  )
}
