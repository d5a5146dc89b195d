import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import * as Testing from "../src/Testing.js"
import * as TestServer from "../src/TestServer.js"
import { httpClients } from "./support/harness.js"
import { parseSse, readBody, type Wire } from "./support/wire.js"

const clients = httpClients

const post = (
  server: TestServer.TestServer,
  body: unknown = { model: "openai/gpt-4o", messages: [{ role: "user", content: "hi" }] },
  path = "/chat/completions"
) =>
  Effect.flatMap(
    HttpClient.HttpClient,
    (client) => client.execute(HttpClientRequest.post(server.url + path).pipe(HttpClientRequest.bodyJsonUnsafe(body)))
  )

describe("TestServer", () => {
  for (const [name, client] of clients) {
    it.live(`serves a completion at {url}/chat/completions (${name})`, () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(Testing.completion({ content: "Paris." }))
        expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/)
        const response = yield* post(server)
        const body = (yield* response.json) as Wire
        expect(response.status).toBe(200)
        expect(response.headers["x-generation-id"]).toBe(body.id)
        expect(body.choices[0].message.content).toBe("Paris.")
      }).pipe(Effect.provide(client)))

    it.live(`streams SSE written one byte per write intact (${name})`, () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(Testing.stream({ deltas: ["héllo", " → ", "🌍"], writeSize: 1 }))
        const { text, error } = yield* readBody(yield* post(server))
        expect(error).toBeUndefined()
        const sse = parseSse(text)
        expect(sse.data.at(-1)).toBe("[DONE]")
        expect(sse.chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("héllo → 🌍")
      }).pipe(Effect.provide(client)))

    it.live(`a reset gives the client the chunks written so far, then a transport error (${name})`, () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(Testing.reset({ after: 5 }))
        const { text, error } = yield* readBody(yield* post(server))
        assert(error !== undefined)
        expect(error._tag).toBe("HttpClientError")
        expect(error.reason._tag).toBe("DecodeError")
        expect(parseSse(text).data).toHaveLength(5)
        expect(yield* server.aborted).toBe(0)
      }).pipe(Effect.provide(client)))

    it.live(`observes a client that abandons a hanging response (${name})`, () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(Testing.hang({ after: 1 }))
        const response = yield* post(server)
        const firstChunk = yield* Deferred.make<void>()
        const fiber = yield* Effect.forkChild(
          response.stream.pipe(Stream.tap(() => Deferred.succeed(firstChunk, undefined)), Stream.runDrain)
        )
        yield* Deferred.await(firstChunk)
        expect(yield* server.aborted).toBe(0)
        yield* Fiber.interrupt(fiber)
        yield* server.awaitAbort
        expect(yield* server.aborted).toBe(1)
      }).pipe(Effect.provide(client)))
  }

  it.live("records method, path, URL, lower-cased headers and the parsed body", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(Testing.completion())
      const client = yield* HttpClient.HttpClient
      yield* client.execute(
        HttpClientRequest.post(server.url + "/chat/completions").pipe(
          HttpClientRequest.setHeader("Authorization", "Bearer sk-test"),
          HttpClientRequest.setHeader("HTTP-Referer", "https://example.com"),
          HttpClientRequest.bodyJsonUnsafe({ model: "x/y", messages: [] })
        )
      )
      const [request] = yield* server.requests
      assert(request !== undefined)
      expect(request.method).toBe("POST")
      expect(request.path).toBe("/api/v1/chat/completions")
      expect(request.url).toBe(server.url + "/chat/completions")
      expect(request.headers.authorization).toBe("Bearer sk-test")
      expect(request.headers["http-referer"]).toBe("https://example.com")
      expect(request.body).toEqual({ model: "x/y", messages: [] })
      expect(request.text).toBe("{\"model\":\"x/y\",\"messages\":[]}")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.live("answers a sequence in order and past its end with a 500 naming the request", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make([Testing.error(429, { retryAfter: 1 }), Testing.completion()])
      const first = yield* post(server)
      const second = yield* post(server)
      const third = yield* post(server)
      expect([first.status, second.status, third.status]).toEqual([429, 200, 500])
      expect(first.headers["retry-after"]).toBe("1")
      expect(((yield* third.json) as Wire).error.message).toMatch(/no scripted answer for request #3/)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.live("answers other routes with a 404 JSON error", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(Testing.completion())
      const response = yield* post(server, {}, "/models")
      expect(response.status).toBe(404)
      expect(((yield* response.json) as Wire).error.code).toBe(404)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.live("writes keep-alive comments while hanging", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(Testing.hang({ keepAliveEvery: "10 millis" }))
      const response = yield* post(server)
      const text = yield* response.stream.pipe(
        Stream.decodeText(),
        Stream.scan(() => "", (seen, piece) => seen + piece),
        Stream.takeUntil((seen) => seen.length >= Testing.keepAliveComment.length * 2),
        Stream.runLast
      )
      expect(text._tag === "Some" && text.value.startsWith(Testing.keepAliveComment.repeat(2))).toBe(true)
      yield* server.awaitAbort
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.live("waits out Pause pieces and headersDelay, then sends the whole body", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(
        Testing.delay(Testing.raw({ body: ["a", Testing.pause("20 millis"), "b"] }), "20 millis")
      )
      expect((yield* readBody(yield* post(server))).text).toBe("ab")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.live("renders a mid-stream error chunk and ends without [DONE]", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(Testing.midStreamError({ after: 2, code: 502 }))
      const { text, error } = yield* readBody(yield* post(server))
      const sse = parseSse(text)
      expect(error).toBeUndefined()
      expect(sse.data).not.toContain("[DONE]")
      expect(sse.chunks.at(-1)).toMatchObject({ error: { code: 502 }, choices: [{ finish_reason: "error" }] })
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.live("streams a 20,000-chunk lazy body in 64-byte writes complete and in order", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(Testing.stream({ deltas: Testing.pieces(20_000), writeSize: 64 }))
      const { text } = yield* readBody(yield* post(server))
      const sse = parseSse(text)
      expect(sse.data).toHaveLength(20_003)
      expect(sse.chunks.slice(0, 20_000).map((c) => c.choices[0].delta.content).join("")).toBe(
        [...Testing.pieces(20_000)].join("")
      )
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.live("setScript answers later requests from the new script", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(Testing.completion())
      const before = yield* post(server)
      yield* server.setScript(Testing.error(401))
      const after = yield* post(server)
      expect([before.status, after.status]).toEqual([200, 401])
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.live("a body read to its end is not counted as a client close", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(Testing.stream({ deltas: ["a"] }))
      yield* readBody(yield* post(server))
      yield* readBody(yield* post(server))
      expect(yield* server.aborted).toBe(0)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.live("closing the scope ends a hanging response with a transport error for the client", () =>
    Effect.gen(function*() {
      const server = yield* Effect.scoped(
        Effect.gen(function*() {
          const server = yield* TestServer.make(Testing.hang())
          const response = yield* post(server)
          const reading = yield* Effect.forkChild(readBody(response))
          return { server, reading }
        })
      )
      const { error } = yield* Fiber.join(server.reading)
      expect(error?.reason._tag).toBe("DecodeError")
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
        Effect.callback<Http.ClientRequest>((resume) => {
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

  it.live("listen gives Promise code a server to use and close", () =>
    Effect.gen(function*() {
      const server = yield* Effect.promise(() => TestServer.listen(Testing.emulator))
      const response = yield* Effect.promise(() =>
        fetch(server.url + "/chat/completions", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: "a/b", messages: [{ role: "user", content: "ping" }] })
        }).then((r) => r.json() as Promise<Wire>)
      )
      expect(response.model).toBe("a/b")
      expect(response.choices[0].message.content).toContain("ping")
      expect(server.requests()).toHaveLength(1)
      yield* Effect.promise(() => server.close())
    }))

  it.live("several concurrent streams are served independently", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make((_, index) => Testing.stream({ deltas: [`#${index}`] }))
      const results = yield* Effect.all(
        Array.from({ length: 4 }, () => Effect.flatMap(post(server), readBody)),
        { concurrency: "unbounded" }
      )
      const contents = results.map(({ text }) => parseSse(text).chunks[0]!.choices[0].delta.content).sort()
      expect(contents).toEqual(["#0", "#1", "#2", "#3"])
      expect(yield* server.requests).toHaveLength(4)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))
})

describe("TestServer flushEachWrite", () => {
  const countReads = (url: string, body: string) =>
    new Promise<{ reads: number; text: string }>((resolve, reject) => {
      const req = Http.request(`${url}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" }
      }, (res) => {
        let reads = 0
        let text = ""
        res.setEncoding("utf8")
        res.on("data", (d: string) => {
          reads++
          text += d
        })
        res.on("end", () => resolve({ reads, text }))
        res.on("error", reject)
      })
      req.on("error", reject)
      req.end(body)
    })

  it.live("delivers each write as a read of its own over the socket", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(Testing.raw({ body: "x".repeat(40), writeSize: 1, flushEachWrite: true }))
      const { reads, text } = yield* Effect.promise(() => countReads(server.url, "{}"))
      expect(text).toBe("x".repeat(40))
      // Without flushEachWrite Node batches the 40 writes into one or two segments.
      expect(reads).toBeGreaterThan(20)
    }))
})
