/**
 * Errors keep bounded copies of a response, never the body: 20 errors read from 5 MB bodies, over a
 * real socket, kept alive, retain a bounded amount of heap after garbage collection.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import { Chat, OpenRouterConfig } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import * as TestServer from "../src/TestServer.js"
import { SECRET } from "./support/harness.js"

v8.setFlagsFromString("--expose-gc")
const gc = vm.runInNewContext("gc") as () => void

const heapUsed = (): number => {
  for (let i = 0; i < 4; i++) gc()
  return process.memoryUsage().heapUsed
}

const MB = 1024 * 1024
const big = (c: string) => c.repeat(5 * MB)

// Five kinds of error from a 5 MB body (built once: the server holds them for the whole test).
const notJson = big("x")
const mismatch = JSON.stringify({ id: "gen-1", object: "chat.completion", choices: big("c") })
const htmlPage = `<html>${big("h")}</html>`
const jsonError = JSON.stringify({ error: { code: 400, message: big("m"), metadata: { raw: big("r") } } })
const streamEvent = JSON.stringify({ id: "gen-2", object: "chat.completion.chunk", choices: big("s") })
const midStream = JSON.stringify({ id: "gen-3", error: { code: 502, message: big("e"), metadata: { raw: big("q") } } })

const replies: ReadonlyArray<readonly ["send" | "stream", Testing.Reply, string]> = [
  ["send", Testing.raw({ body: notJson, headers: { "content-type": "text/plain" } }), "ResponseDecodeError"],
  ["send", Testing.raw({ body: mismatch, headers: { "content-type": "application/json" } }), "ResponseDecodeError"],
  ["send", Testing.error(502, { body: htmlPage, headers: { "content-type": "text/html" } }), "BadGatewayResponseError"],
  [
    "send",
    Testing.raw({ status: 400, body: jsonError, headers: { "content-type": "application/json" } }),
    "BadRequestResponseError"
  ],
  ["stream", Testing.sse([`data: ${streamEvent}`]), "ResponseDecodeError"],
  ["stream", Testing.sse([`data: ${midStream}`]), "MidStreamError"]
]

describe("errors from 5 MB bodies", () => {
  it.scopedLive("retain a bounded amount of heap (20 errors, after GC)", () =>
    Effect.gen(function*() {
      const rounds = 1 + Math.ceil(20 / replies.length)
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
      while (kept.length < 20) {
        const [call, , tag] = replies[index++ % replies.length]!
        const error = yield* one(call)
        expect(error._tag).toBe(tag)
        kept.push(error)
      }
      const retained = heapUsed() - before
      // Each error keeps at most a few tens of KB (excerpts, bounded issue and fields, its formatted
      // stack); a single slice of one body, or an unformatted stack trace whose frames' closures hold
      // the response (which caches its text), would retain 5 MB.
      expect(retained).toBeLessThan(4 * MB)
      expect(JSON.stringify(kept).length).toBeLessThan(20 * 64 * 1024)
      expect(kept).toHaveLength(20)
    }), 120_000)
})
