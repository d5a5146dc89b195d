/**
 * scripts/readme-check.mjs (CI) compiles and runs the README's code in a fresh app; these tests
 * check how it reads the README, and what can be checked without installing anything: every
 * companion package the README installs names its version (npm's `latest` of the Effect packages is
 * Effect 4, so an unpinned line installs something this package does not support).
 */
import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { fencedBlocks, installLines, runner } from "../scripts/readme-check.mjs"

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")

describe("readme-check", () => {
  it("reads fenced blocks with their language, first line and heading", () => {
    const blocks = fencedBlocks("# A\n\n```ts\nconst x = 1\n```\n\n## B\n\n```sh\nnpm install x@^1 # why\n```\n")
    expect(blocks).toEqual([
      { lang: "ts", code: "const x = 1", line: 3, heading: "A", edition: "3" },
      { lang: "sh", code: "npm install x@^1 # why", line: 9, heading: "B", edition: "3" }
    ])
    expect(() => fencedBlocks("```ts\nnever closed\n")).toThrow(/README\.md:1/)
  })

  it("takes the `npm install <packages>` lines of sh blocks, not `npm install && ...`", () => {
    const blocks = fencedBlocks(
      "```sh\nnpm install && npm test\nnpm install a@^1 b@^2   # c\nnpm run x\n```\n```ts\nnpm install no\n```\n"
    )
    expect(installLines(blocks)).toEqual(["npm install a@^1 b@^2"])
  })

  it("leaves out the Effect 4 edition's section of an install block (the README's code is Effect 3 code)", () => {
    const blocks = fencedBlocks(
      "```sh\n# Effect 4 edition (1.x):\nnpm install p effect@^4.1\n# Effect 3 edition (0.x):\n" +
        "npm install p@^0.3 effect@^3.22\n# on Node:\nnpm install q@^1\n```\n"
    )
    expect(installLines(blocks)).toEqual(["npm install p@^0.3 effect@^3.22", "npm install q@^1"])
  })

  it("a block under `## Effect 4` (its subsections too) is the Effect 4 edition's, until the next `##`", () => {
    const blocks = fencedBlocks(
      "## Install\n```ts\na\n```\n## Effect 4\n```ts\nb\n```\n### More\n```ts\nc\n```\n## Effect 4 later\n" +
        "```ts\nd\n```\n## Testing\n```ts\ne\n```\n"
    )
    expect(blocks.map((b) => [b.code, b.edition])).toEqual([["a", "3"], ["b", "4"], ["c", "4"], ["d", "3"], ["e", "3"]])
  })

  it("the Effect 4 app installs the Effect 4 section of an install block and the sh blocks under `## Effect 4`", () => {
    const blocks = fencedBlocks(
      "## Install\n```sh\n# Effect 4 edition (1.x):\nnpm install p effect@^4.1\n# Effect 3 edition (0.x):\n" +
        "npm install p@^0.3 effect@^3.22\n# on Node:\nnpm install q@^1\n```\n## Testing\n```sh\nnpm install -D v@^3\n```\n" +
        "## Effect 4\n```sh\nnpm install -D typescript@^5.9\n```\n"
    )
    expect(installLines(blocks, "4")).toEqual(["npm install p effect@^4.1", "npm install -D typescript@^5.9"])
    expect(installLines(blocks)).toEqual(["npm install p@^0.3 effect@^3.22", "npm install q@^1", "npm install -D v@^3"])
  })

  it.each(
    [
      ["Effect.runPromise(program)", "node"],
      ["program.pipe(Effect.runPromise)", "node"],
      ["import { it } from \"@effect/vitest\"", "vitest"],
      ["export const program = Effect.succeed(1)", undefined]
    ] as const
  )("a block with %s runs with %s", (code, expected) => {
    expect(runner(code)).toBe(expected)
  })

  it("the README's blocks are ts, text or sh (a bare fence hides what it is)", () => {
    expect(fencedBlocks(readme).filter((b) => !["ts", "text", "sh"].includes(b.lang)).map((b) => b.line)).toEqual([])
  })

  it("every package the README installs, but the package itself, names its version", () => {
    const specs = installLines(fencedBlocks(readme)).flatMap((line) => line.split(/\s+/).slice(2))
      .filter((spec) => !spec.startsWith("-") && spec !== "effect-openrouter")
    expect(specs.length).toBeGreaterThan(10)
    expect(specs.filter((spec) => !/^@?[^@]+@[\^~]?\d/.test(spec))).toEqual([])
  })

  it.each(["3", "4"] as const)("the README installs every package its Effect %s blocks import", (edition) => {
    const blocks = fencedBlocks(readme)
    const installed = new Set(
      installLines(blocks, edition).flatMap((line) => line.split(/\s+/).slice(2)).map((spec) =>
        spec.replace(/(.)@.*$/, "$1")
      )
    )
    const tsBlocks = blocks.filter((b) => b.lang === "ts" && b.edition === edition)
    expect(tsBlocks.length).toBeGreaterThan(0)
    const imported = tsBlocks
      .flatMap((b) => [...b.code.matchAll(/from "([^".][^"]*)"/g)].map((m) => m[1] ?? ""))
      .filter((spec) => !spec.startsWith("node:"))
      .map((spec) => spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0] ?? "")
    expect([...new Set(imported)].filter((name) => !installed.has(name))).toEqual([])
    expect(installed.has("typescript")).toBe(true)
  })
})
