import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Every core, as the Effect 3 suite's config: vitest's default leaves one free (cores - 1), which
    // on a 2-core machine runs the files one at a time.
    maxWorkers: "100%",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line per edition.
    reporters: ["default", "json"],
    outputFile: { json: ".tmp/vitest-results.json" }
  }
})
