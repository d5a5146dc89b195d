/**
 * CONTRIBUTING.md's map of internals stays true: every file of `src/internal/` (the Effect 3 edition
 * and the shared Effect-free files) and of `effect4/src/internal/` is in it, and it names no file
 * that does not exist. And one piece of logic has one place in both editions' sources: the record
 * guard (`json.ts`'s `isRecord`) and the platform timer (`timer.ts`'s `startTimer`).
 */
import { describe, expect, it } from "@effect/vitest"
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))

const walk = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : path.endsWith(".ts") ? [path] : []
  })

const map = readFileSync(join(root, "CONTRIBUTING.md"), "utf8")
const mapped = new Set([...map.matchAll(/^\| `((?:effect4\/)?src\/internal\/[^`]+\.ts)` \|/gm)].map((m) => m[1]!))

describe("CONTRIBUTING.md's map of internals", () => {
  const files = ["src/internal", "effect4/src/internal"]
    .filter((dir) => existsSync(join(root, dir)))
    .flatMap((dir) => walk(join(root, dir)))
    .map((path) => relative(root, path).split("\\").join("/"))
    .sort()

  it("covers both editions' internals", () => {
    expect(files.some((f) => f.startsWith("src/internal/"))).toBe(true)
    expect(files.some((f) => f.startsWith("effect4/src/internal/"))).toBe(true)
  })

  for (const file of files) {
    it(`lists ${file}`, () => {
      expect(mapped.has(file)).toBe(true)
    })
  }

  it("lists no file that does not exist", () => {
    expect([...mapped].filter((file) => !existsSync(join(root, file)))).toEqual([])
  })
})

describe("one place for one piece of logic", () => {
  const sources = ["src", "effect4/src"]
    .flatMap((dir) => walk(join(root, dir)))
    .map((path) => [relative(root, path).split("\\").join("/"), readFileSync(path, "utf8")] as const)

  const offenders = (pattern: RegExp, home: string, view: (text: string) => string = (text) => text) =>
    sources.filter(([file, text]) => file !== home && pattern.test(view(text))).map(([file]) => file)

  it("defines the record guard once (src/internal/transport/json.ts)", () => {
    // A guard written out: `typeof u === "object" && u !== null && !Array.isArray(u)`, or its negation.
    // Template literals are left out: source generated for `new Function` cannot call `isRecord`.
    const guard = /typeof (\w+) [!=]== "object" (?:&&|\|\|) \1 [!=]== null (?:&&|\|\|) !?Array\.isArray\(\1\)/
    const code = (text: string) => text.replace(/`(?:[^`\\]|\\.)*`/g, "``")
    expect(offenders(guard, "src/internal/transport/json.ts", code)).toEqual([])
  })

  it("starts platform timers in one place (src/internal/transport/timer.ts)", () => {
    expect(offenders(/\b(?:setTimeout|setInterval)\(/, "src/internal/transport/timer.ts")).toEqual([])
  })
})
