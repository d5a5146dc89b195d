import { defineConfig } from "vitest/config"
import { endToEnd } from "./vitest.e2e.config.js"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The end-to-end checks (each example and the demo run as child processes) take most of the
    // time of a full run; CI runs them as their own step (`npx vitest run -c vitest.e2e.config.ts`).
    exclude: [...endToEnd, "**/node_modules/**"],
    // Every core: vitest's default leaves one free (cores - 1), which on a 2-core machine runs the
    // files one at a time.
    maxWorkers: "100%",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ["default", "json"],
    outputFile: { json: ".tmp/vitest-results.json" }
  }
})
