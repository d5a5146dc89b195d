/**
 * What @effect/docgen does not check in a public module's doc comments, for both editions' docs tests
 * (`test/docs.test.ts`, `effect4/test/docs.test.ts`; docgen itself, `npm run docs`, requires a
 * description and `@since` on every export and compiles and runs every `@example`):
 * - a code block not under an `@example` tag (docgen would leave it uncompiled);
 * - an example that calls `assert.x` without importing `assert` (docgen adds the import, a reader cannot);
 * - an export without `@category` (docgen files it nowhere in particular).
 * Effect-free, and TypeScript's parser for the exports (a regular expression mistakes a comment between
 * a doc comment and its export, or an overload, for an undocumented export).
 */
import { readdirSync, readFileSync } from "node:fs"
import ts from "typescript"

/** The code blocks of a file's doc comments that are not the first thing after an `@example` tag. */
export const untaggedCodeBlocks = (text: string): ReadonlyArray<string> => {
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

/** The code of every `@example` block of a file's doc comments. */
export const exampleBlocks = (text: string): ReadonlyArray<string> =>
  (text.match(/\/\*\*[\s\S]*?\*\//g) ?? []).flatMap((comment) =>
    [...comment.replace(/^\s*\*( |$)/gm, "").matchAll(/@example\s*\n```ts\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? "")
  )

/** An example that calls `assert.x` without importing `assert`: docgen imports it for itself, a reader does not. */
export const usesUnimportedAssert = (code: string): boolean =>
  /\bassert\./.test(code) && !/^import .*\bassert\b.* from /m.test(code)

/**
 * Text that docgen takes into an example although it is not code: docgen's example runs to the next
 * tag, so prose after the closing fence (a paragraph written below the example) is compiled with it
 * and fails to parse. Returns the first words of each such paragraph.
 */
export const proseAfterExamples = (text: string): ReadonlyArray<string> =>
  (text.match(/\/\*\*[\s\S]*?\*\//g) ?? []).flatMap((comment) => {
    const body = comment.replace(/^\s*\/?\*+\/?( |$)/gm, "")
    return [...body.matchAll(/@example\s*\n```ts\n[\s\S]*?\n```\n([\s\S]*?)(?=\n@|$)/g)]
      .map((m) => (m[1] ?? "").trim())
      .filter((rest) => rest !== "")
      .map((rest) => rest.slice(0, 60))
  })

/**
 * The exported declarations of a module, by name, with the text of `tag` in their doc comment
 * (`undefined` when the tag is missing, `""` when it has no text). Re-exports of a whole module
 * (`export * as Chat from "./Chat.js"`) are left out: docgen lists those under the module's exports
 * without a category. A name declared twice (overloads, a type and a value of one name) takes the
 * first declaration that has the tag.
 */
export const exportTags = (fileName: string, text: string, tag: string): ReadonlyMap<string, string | undefined> => {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true)
  const found = new Map<string, string | undefined>()
  const note = (name: string, node: ts.Node) => {
    const jsDocTag = ts.getJSDocTags(node).find((t) => t.tagName.text === tag)
    const value = jsDocTag === undefined ? undefined : (ts.getTextOfJSDocComment(jsDocTag.comment) ?? "").trim()
    if (found.get(name) === undefined) found.set(name, value)
  }
  const isExported = (node: ts.Node) =>
    ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      if (statement.exportClause !== undefined && ts.isNamedExports(statement.exportClause)) {
        for (const specifier of statement.exportClause.elements) note(specifier.name.text, specifier)
      }
      continue
    }
    if (!isExported(statement)) continue
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        // the doc comment of `export const x = ...` sits on the statement
        if (ts.isIdentifier(declaration.name)) note(declaration.name.text, statement)
      }
    } else if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) ||
        ts.isModuleDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name !== undefined
    ) {
      note(statement.name.text, statement)
    }
  }
  return found
}

/** The exported declarations of a module whose doc comment lacks `tag` (e.g. `@category`), by name. */
export const exportsWithoutTag = (fileName: string, text: string, tag: string): ReadonlyArray<string> =>
  [...exportTags(fileName, text, tag)].filter(([, value]) => value === undefined).map(([name]) => name)

/**
 * The Effect 4 edition's `@since` that say something untrue, as `Module.name: effect4 x, effect3 y`: a
 * name both editions export has the Effect 3 edition's `@since` (the version of the line that
 * introduced it) or 1.0.0 (the Effect 4 edition's first, for a name whose Effect 4 form is new work);
 * a name only the Effect 4 edition exports has 1.0.0.
 */
export const untrueSince = (
  module: string,
  effect4: ReadonlyMap<string, string | undefined>,
  effect3: ReadonlyMap<string, string | undefined>
): ReadonlyArray<string> =>
  [...effect4].flatMap(([name, since]) => {
    const before = effect3.get(name)
    const allowed = effect3.has(name) ? [before, "1.0.0"] : ["1.0.0"]
    return allowed.includes(since) ? [] : [`${module}.${name}: effect4 ${since}, effect3 ${before ?? "(none)"}`]
  })

/** What the suite needs of the running vitest (3 for the Effect 3 suite, 5 for the Effect 4 one). */
export interface Vitest {
  readonly describe: (name: string, body: () => void) => void
  readonly it: (name: string, body: () => void) => void
  readonly expect: (value: unknown) => {
    toEqual(expected: unknown): void
    toHaveLength(expected: number): void
    readonly not: { toHaveLength(expected: number): void }
  }
}

/**
 * One body for both editions' docs tests: the checks above over every public module of `src` (a
 * directory with a trailing slash; `label` names it in the tests, `src/` or `effect4/src/`), each
 * first shown to fail on a doc comment that breaks it.
 */
export const docCommentsSuite = ({ describe, expect, it }: Vitest, src: string, label: string): void => {
  const modules = readdirSync(src).filter((name) => name.endsWith(".ts")).sort()

  describe(`doc comments of ${label}`, () => {
    it("the checks fail on a doc comment that breaks them", () => {
      expect(untaggedCodeBlocks("/**\n * Text.\n *\n * ```ts\n * x\n * ```\n */")).toHaveLength(1)
      expect(untaggedCodeBlocks("/**\n * Text.\n *\n * @example\n * ```ts\n * x\n * ```\n */")).toHaveLength(0)
      const assertExample =
        "/**\n * @example\n * ```ts\n * import { Effect } from \"effect\"\n * assert.strictEqual(1, 1)\n * ```\n */"
      expect(exampleBlocks(assertExample)).toHaveLength(1)
      expect(exampleBlocks(assertExample).filter(usesUnimportedAssert)).toHaveLength(1)
      expect(usesUnimportedAssert("import { strictEqual } from \"node:assert\"\nstrictEqual(1, 1)")).toEqual(false)
      const prose =
        "/**\n * Text.\n *\n * @example\n * ```ts\n * x\n * ```\n *\n * More text.\n *\n * @since 1.0.0\n */"
      expect(proseAfterExamples(prose)).toEqual(["More text."])
      expect(proseAfterExamples(prose.replace(" *\n * More text.\n", ""))).toEqual([])
      const exports = [
        "/**\n * A.\n *\n * @since 1.0.0\n * @category models\n */\nexport type A = string",
        "/**\n * B.\n *\n * @since 1.0.0\n */\n// a comment between\nexport const b = 1",
        "/** C. @since 1.0.0 */\nexport function c(): void {}",
        "export { /** D. @category models */ d } from \"./d.js\"",
        "/** E. @category models */\nexport * as E from \"./E.js\""
      ].join("\n")
      expect(exportsWithoutTag("x.ts", exports, "category")).toEqual(["b", "c"])
    })

    for (const name of modules) {
      const text = readFileSync(src + name, "utf8")
      it(`${label}${name}: every code block is under @example (compiled by docgen)`, () => {
        expect(untaggedCodeBlocks(text)).toEqual([])
      })
      it(`${label}${name}: no prose after an example (docgen would compile it as code)`, () => {
        expect(proseAfterExamples(text)).toEqual([])
      })
      it(`${label}${name}: an example on the module itself`, () => {
        const moduleComment = text.match(/^\/\*\*[\s\S]*?\*\//)?.[0] ?? ""
        expect(exampleBlocks(moduleComment)).not.toHaveLength(0)
      })
      it(`${label}${name}: every example imports what it uses (no assert docgen adds by itself)`, () => {
        expect(exampleBlocks(text).filter(usesUnimportedAssert)).toEqual([])
      })
      it(`${label}${name}: every export has a @category`, () => {
        expect(exportsWithoutTag(name, text, "category")).toEqual([])
      })
    }
  })
}
