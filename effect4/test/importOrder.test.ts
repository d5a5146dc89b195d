/**
 * Every public module of the Effect 4 edition imported first (`test/support/importOrderSuite.ts`).
 */
import { describe, expect, it, vi } from "@effect/vitest"
import { importOrderSuite } from "../../test/support/importOrderSuite.js"
import packageJson from "../package.json" with { type: "json" }

importOrderSuite({
  describe,
  it,
  expect,
  edition: "effect4",
  packageJson,
  importModule: (name) => import(`../src/${name}.ts`),
  resetModules: () => vi.resetModules()
})
