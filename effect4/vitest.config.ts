import { defineConfig } from "vitest/config"

/**
 * Test files that read state global to the process (Effect's metric registry) run isolated, each in a
 * worker of its own. Every other file shares its worker's modules (`isolate: false`): Effect is
 * imported once per worker instead of once per file, which takes the suite from about 68 s to about
 * 40 s on a 2-core machine.
 */
export const isolated = ["test/cardinality.test.ts"]

export default defineConfig({
  test: {
    // Every core, as the Effect 3 suite's config: vitest's default leaves one free (cores - 1), which
    // on a 2-core machine runs the files one at a time.
    maxWorkers: "100%",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line per edition.
    reporters: ["default", "json"],
    outputFile: { json: ".tmp/vitest-results.json" },
    projects: [
      { extends: true, test: { name: "shared", include: ["test/**/*.test.ts"], exclude: isolated, isolate: false } },
      { extends: true, test: { name: "isolated", include: isolated, isolate: true } }
    ]
  }
})
