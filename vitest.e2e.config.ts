import { defineConfig } from "vitest/config"

/**
 * The end-to-end tests: every example and the demo run as a user runs them, each in its own
 * process (tsx) against the embedded emulator. `npm test` leaves them out (they took 2 of its 5.5
 * minutes on a 2-core machine); CI runs them with `npx vitest run -c vitest.e2e.config.ts`.
 */
export const endToEnd = ["test/examples.test.ts", "test/demo.test.ts", "test/docs-site.test.ts"]

export default defineConfig({
  test: {
    include: endToEnd,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ["default", "json"],
    outputFile: { json: ".tmp/vitest-e2e-results.json" }
  }
})
