/**
 * `TestServer`: the body shared with the Effect 4 edition is `test/support/testServerSuite.ts`; this
 * file gives it the Effect 3 edition's pieces and holds what drives the Effect runtime (a reader
 * interrupted, the server's scope closed, a stream read until enough came, backpressure).
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import type * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import * as Testing from "../src/Testing.js"
import * as TestServer from "../src/TestServer.js"
import { callsOver, madeServer, wired } from "./support/callsEffect3.js"
import { testServerSuite } from "./support/testServerSuite.js"
import { readBody } from "./support/wire.js"

const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["undici", NodeHttpClient.layerUndici],
  ["fetch", FetchHttpClient.layer]
]

const post = (
  server: TestServer.TestServer,
  body: unknown = { model: "openai/gpt-4o", messages: [{ role: "user", content: "hi" }] },
  path = "/chat/completions"
) =>
  Effect.flatMap(
    HttpClient.HttpClient,
    (client) => client.execute(HttpClientRequest.post(server.url + path).pipe(HttpClientRequest.bodyUnsafeJson(body)))
  )

testServerSuite<Testing.Reply>({
  ...wired,
  clients: clients.map(([name, http]) => [name, callsOver(http)] as const),
  make: madeServer
})

describe("TestServer", () => {
  for (const [name, client] of clients) {
    it.scopedLive(`observes a client that abandons a hanging response (${name})`, () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(Testing.hang({ after: 1 }))
        const response = yield* post(server)
        const firstChunk = yield* Deferred.make<void>()
        const fiber = yield* Effect.fork(
          response.stream.pipe(Stream.tap(() => Deferred.succeed(firstChunk, undefined)), Stream.runDrain)
        )
        yield* Deferred.await(firstChunk)
        expect(yield* server.aborted).toBe(0)
        yield* Fiber.interrupt(fiber)
        yield* server.awaitAbort
        expect(yield* server.aborted).toBe(1)
      }).pipe(Effect.provide(client)))
  }

  it.scopedLive("writes keep-alive comments while hanging", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(Testing.hang({ keepAliveEvery: "10 millis" }))
      const response = yield* post(server)
      const text = yield* response.stream.pipe(
        Stream.decodeText(),
        Stream.mapAccum("", (seen, piece) => [seen + piece, seen + piece]),
        Stream.takeUntil((seen) => seen.length >= Testing.keepAliveComment.length * 2),
        Stream.runLast
      )
      expect(text._tag === "Some" && text.value.startsWith(Testing.keepAliveComment.repeat(2))).toBe(true)
      yield* server.awaitAbort
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.live("closing the scope ends a hanging response with a transport error for the client", () =>
    Effect.gen(function*() {
      const server = yield* Effect.scoped(
        Effect.gen(function*() {
          const server = yield* TestServer.make(Testing.hang())
          const response = yield* post(server)
          const reading = yield* Effect.fork(readBody(response))
          return { server, reading }
        })
      )
      const { error } = yield* Fiber.join(server.reading)
      expect(error?._tag).toBe("ResponseError")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.live("holds a lazy body while the client stops reading (backpressure)", () =>
    Effect.gen(function*() {
      let pulled = 0
      const total = 200_000
      const body: Iterable<string> = {
        *[Symbol.iterator]() {
          for (let i = 0; i < total; i++) {
            pulled++
            yield `data: ${"x".repeat(200)}\n\n`
          }
        }
      }
      const server = yield* Effect.acquireRelease(
        Effect.promise(() => TestServer.listen(Testing.raw({ body }))),
        (s) => Effect.promise(() => s.close())
      )
      const request = yield* Effect.acquireRelease(
        Effect.async<Http.ClientRequest>((resume) => {
          const req = Http.request(server.url + "/chat/completions", { method: "POST" }, (res) => {
            res.pause()
            resume(Effect.succeed(req))
          })
          req.end("{}")
        }),
        (req) => Effect.sync(() => req.destroy())
      )
      // Wait until the server stops pulling: it is blocked on 'drain'.
      let previous = -1
      while (pulled !== previous) {
        previous = pulled
        yield* Effect.sleep("50 millis")
      }
      expect(pulled).toBeLessThan(total)
      request.destroy()
      yield* Effect.promise(() => server.awaitAbort())
      expect(server.aborted()).toBe(1)
    }).pipe(Effect.scoped))
})
