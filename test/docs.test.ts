/**
 * The doc comments' code is checked by `@effect/docgen` (`npm run docs`, in CI), but docgen only
 * compiles code under an `@example` tag: a code block without one would go unchecked. These tests
 * keep every code block in a public module's doc comments under `@example`.
 */
import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

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
