/**
 * Names deprecated in 0.2.0 still behave as the names that replace them.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Errors from "../src/Errors.js"
import * as Retry from "../src/Retry.js"
import * as Testing from "../src/Testing.js"
import * as TestServer from "../src/TestServer.js"

describe("deprecated aliases", () => {
  it("Retry.isTransient is Errors.isRetryable", () => {
    expect(Retry.isTransient).toBe(Errors.isRetryable)
  })

  it.scoped("TestServer.clientClosed and awaitClientClose(s) are aborted and awaitAbort(s)", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(Testing.completion())
      expect(server.clientClosed).toBe(server.aborted)
      expect(server.awaitClientClose).toBe(server.awaitAbort)
      expect(server.awaitClientCloses).toBe(server.awaitAborts)
    }))

  it("TestServer.listen keeps clientClosed and awaitClientClose", async () => {
    const server = await TestServer.listen(Testing.completion())
    try {
      expect(server.clientClosed()).toBe(server.aborted())
      expect(typeof server.awaitClientClose).toBe("function")
    } finally {
      await server.close()
    }
  })
})
