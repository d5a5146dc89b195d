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

  it("TestServer.listen keeps clientClosed and awaitClientClose, counting what aborted counts", async () => {
    const server = await TestServer.listen(Testing.hang({ after: 1 }))
    try {
      expect(server.clientClosed()).toBe(0)
      // a client that leaves a stream half-read: one abandoned response
      const controller = new AbortController()
      const response = await fetch(`${server.url}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ messages: [{ role: "user", content: "Hi" }], stream: true }),
        signal: controller.signal
      })
      await response.body!.getReader().read()
      controller.abort()
      await server.awaitClientClose()
      expect(server.clientClosed()).toBe(1)
      expect(server.aborted()).toBe(1)
    } finally {
      await server.close()
    }
  })
})
