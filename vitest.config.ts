import { defineConfig } from "vitest/config"
import { endToEnd } from "./vitest.e2e.config.js"

/**
 * Test files that read state global to the process (Effect 3's metric registry): they run in a worker
 * of their own (the `threads` pool, isolated). Every other file runs in the `forks` pool without
 * isolation, sharing its worker's modules: Effect and the platform are imported once per worker
 * instead of once per file, which takes the suite from about 115 s to about 45 s on a 2-core machine.
 * (vitest 3 sets isolation per pool, not per project.)
 */
export const isolated = ["test/cardinality.test.ts"]

// The end-to-end checks (each example and the demo run as child processes) take most of the time of
// a full run; CI runs them as their own step (`npx vitest run -c vitest.e2e.config.ts`).
const exclude = [...endToEnd, "**/node_modules/**"]

export default defineConfig({
  test: {
    // Every core: vitest's default leaves one free (cores - 1), which on a 2-core machine runs the
    // files one at a time.
    maxWorkers: "100%",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    poolOptions: { forks: { isolate: false }, threads: { isolate: true } },
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ["default", "json"],
    outputFile: { json: ".tmp/vitest-results.json" },
    projects: [
      {
        extends: true,
        test: { name: "shared", include: ["test/**/*.test.ts"], exclude: [...exclude, ...isolated], pool: "forks" }
      },
      { extends: true, test: { name: "isolated", include: isolated, exclude, pool: "threads" } }
    ]
  }
})
