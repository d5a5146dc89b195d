/**
 * Every public module of the Effect 3 edition imported first (`test/support/importOrderSuite.ts`).
 */
import { describe, expect, it, vi } from "@effect/vitest"
import packageJson from "../package.json" with { type: "json" }
import { importOrderSuite } from "./support/importOrderSuite.js"

importOrderSuite({
  describe,
  it,
  expect,
  edition: "effect3",
  packageJson,
  importModule: (name) => import(`../src/${name}.ts`),
  resetModules: () => vi.resetModules()
})
