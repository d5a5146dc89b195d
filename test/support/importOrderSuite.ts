/**
 * Every public module imported first, in a module registry of its own, for both editions
 * (`test/importOrder.test.ts`, `effect4/test/importOrder.test.ts`): a user may import any subpath on its
 * own (`import * as ToolLoop from "effect-openrouter/ToolLoop"`), and an import cycle between the
 * modules can leave an export read before it was initialised. Node then throws a `ReferenceError`
 * when the module loads; vitest's loader gives `undefined` instead. So each module is imported first,
 * then every other one, and every export of every module must be defined. The packed package is
 * checked the same way in processes of its own (`scripts/pack-check*.sh`).
 */
import type { Vitest } from "./suite.js"

/** What the suite takes from an edition. */
export interface ImportOrderEdition extends Vitest {
  readonly edition: "effect3" | "effect4"
  /** The edition's `package.json` (its `exports` name the modules). */
  readonly packageJson: { readonly exports: Readonly<Record<string, unknown>> }
  /** Imports `src/<name>.ts` of the edition (`index` for `"."`). */
  readonly importModule: (name: string) => Promise<Readonly<Record<string, unknown>>>
  /** Empties the module registry (vitest's `vi.resetModules`): the next import evaluates afresh. */
  readonly resetModules: () => void
}

/** The exports of `namespace` whose value is `undefined`, as `module.export`. */
const undefinedExports = (module: string, namespace: Readonly<Record<string, unknown>>): ReadonlyArray<string> =>
  Object.keys(namespace).filter((key) => namespace[key] === undefined).map((key) => `${module}.${key}`)

export const importOrderSuite = (edition: ImportOrderEdition): void => {
  const { describe, expect, it } = edition
  const modules = Object.keys(edition.packageJson.exports).filter((key) => !key.endsWith(".json"))
    .map((key) => key === "." ? "index" : key.slice(2))

  describe(`each public module of the ${edition.edition} edition imported first`, () => {
    it("the package's exports name the modules", async () => {
      expect(modules).toContain("index")
      expect(modules).toContain("ToolLoop")
      expect(modules.length).toBeGreaterThan(10)
    })

    for (const first of modules) {
      it(`${first} first, then every other module: every export of every module is defined`, async () => {
        edition.resetModules()
        const found: Array<string> = []
        for (const module of [first, ...modules.filter((m) => m !== first)]) {
          found.push(...undefinedExports(module, await edition.importModule(module)))
        }
        expect(found).toEqual([])
      }, 60_000)
    }
  })
}
