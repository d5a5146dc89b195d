/**
 * Errors keep bounded copies of a response, never the body: 20 errors read from 5 MB bodies, over a
 * real socket, kept alive, retain a bounded amount of heap after garbage collection. The replies and
 * bounds are shared with the Effect 3 edition (`test/support/retention.ts`).
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { bigReplies, bounds, heapUsed, KEPT } from "../../test/support/retention.js"
import { Chat, OpenRouterConfig } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import * as TestServer from "../src/TestServer.js"
import { SECRET } from "./support/harness.js"

const replies = bigReplies(Testing)

describe("errors from 5 MB bodies", () => {
  it.live("retain a bounded amount of heap (20 errors, after GC)", () =>
    Effect.gen(function*() {
      const rounds = 1 + Math.ceil(KEPT / replies.length)
      const script = Array.from({ length: rounds }, () => replies.map(([, reply]) => reply)).flat()
      const server = yield* TestServer.make(script)
      const layer = Layer.merge(
        NodeHttpClient.layerUndici,
        OpenRouterConfig.layer({ apiKey: Redacted.make(SECRET), baseUrl: server.url, retry: false })
      )
      const request: Chat.ChatRequest = { model: "m", messages: [{ role: "user", content: "Hi" }] }
      const one = (call: "send" | "stream") =>
        Effect.flip(call === "send" ? Chat.send(request) : Stream.runDrain(Chat.stream(request))).pipe(
          Effect.provide(layer)
        )
      // A first round warms up the connection pool, the schemas and the parsers.
      for (const [call, , tag] of replies) expect((yield* one(call))._tag).toBe(tag)
      const before = heapUsed()
      const kept: Array<unknown> = []
      let index = 0
      while (kept.length < KEPT) {
        const [call, , tag] = replies[index++ % replies.length]!
        const error = yield* one(call)
        expect(error._tag).toBe(tag)
        kept.push(error)
      }
      const retained = heapUsed() - before
      expect(retained).toBeLessThan(bounds.heap)
      expect(JSON.stringify(kept).length).toBeLessThan(bounds.json)
      expect(kept).toHaveLength(KEPT)
    }), 120_000)
})
