import { assert, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Testing from "../src/Testing.js"
import * as TestServer from "../src/TestServer.js"
import { httpClients } from "./support/harness.js"
import { parseSse, readBody, type Wire } from "./support/wire.js"

const page = "http://localhost:5173"

// What a browser sends before a cross-origin POST with an Authorization header and a JSON body.
const preflight = (server: TestServer.TestServer, origin = page) =>
  Effect.flatMap(HttpClient.HttpClient, (client) =>
    client.execute(
      HttpClientRequest.make("OPTIONS")(server.url + "/chat/completions").pipe(
        HttpClientRequest.setHeaders({
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization,content-type"
        })
      )
    ))

const post = (server: TestServer.TestServer, origin = page) =>
  Effect.flatMap(HttpClient.HttpClient, (client) =>
    client.execute(
      HttpClientRequest.post(server.url + "/chat/completions").pipe(
        HttpClientRequest.setHeaders({ origin, authorization: "Bearer sk-test" }),
        HttpClientRequest.bodyJsonUnsafe({ messages: [{ role: "user", content: "hi" }] })
      )
    ))

describe("TestServer cors", () => {
  for (const [name, client] of httpClients) {
    it.live(`cors: true answers a preflight itself, allowing the asked method and headers (${name})`, () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(Testing.completion({ content: "first" }), { cors: true })
        const response = yield* preflight(server)
        expect(response.status).toBe(204)
        expect(response.headers["access-control-allow-origin"]).toBe("*")
        expect(response.headers["access-control-allow-methods"]).toBe("POST")
        // Authorization cannot be allowed by a wildcard: the asked names are echoed.
        expect(response.headers["access-control-allow-headers"]).toBe("authorization,content-type")
        // The preflight is neither recorded nor answered from the script.
        expect(yield* server.requests).toHaveLength(0)
        const body = (yield* (yield* post(server)).json) as Wire
        expect(body.choices[0].message.content).toBe("first")
      }).pipe(Effect.provide(client)))

    it.live(`cors: true lets the page read completions, streams and error statuses (${name})`, () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(
          [Testing.completion(), Testing.stream({ deltas: ["a", "b"] }), Testing.error(429, { retryAfter: 3 })],
          { cors: true }
        )
        const completion = yield* post(server)
        const stream = yield* post(server)
        const error = yield* post(server)
        for (const response of [completion, stream, error]) {
          expect(response.headers["access-control-allow-origin"]).toBe("*")
          expect(response.headers["access-control-expose-headers"]).toBe("*")
        }
        expect(parseSse((yield* readBody(stream)).text).data.at(-1)).toBe("[DONE]")
        expect([error.status, error.headers["retry-after"]]).toEqual([429, "3"])
      }).pipe(Effect.provide(client)))

    it.live(`allowedOrigins reflects an allowed origin and gives others no CORS headers (${name})`, () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(Testing.completion(), { cors: { allowedOrigins: [page] } })
        const allowed = yield* preflight(server)
        expect(allowed.headers["access-control-allow-origin"]).toBe(page)
        expect(allowed.headers["vary"]).toBe("Origin")
        const denied = yield* preflight(server, "https://elsewhere.example")
        expect(denied.status).toBe(204)
        expect(denied.headers["access-control-allow-origin"]).toBeUndefined()
        expect(denied.headers["access-control-allow-headers"]).toBeUndefined()
        const deniedPost = yield* post(server, "https://elsewhere.example")
        expect(deniedPost.headers["access-control-allow-origin"]).toBeUndefined()
        const allowedPost = yield* post(server)
        expect(allowedPost.headers["access-control-allow-origin"]).toBe(page)
      }).pipe(Effect.provide(client)))

    it.live(`without cors a preflight is an ordinary request: recorded, 404, no CORS headers (${name})`, () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(Testing.completion())
        const response = yield* preflight(server)
        expect(response.status).toBe(404)
        expect(response.headers["access-control-allow-origin"]).toBeUndefined()
        const completion = yield* post(server)
        expect(completion.headers["access-control-allow-origin"]).toBeUndefined()
        const requests = yield* server.requests
        assert(requests[0] !== undefined)
        expect(requests.map((r) => r.method)).toEqual(["OPTIONS", "POST"])
      }).pipe(Effect.provide(client)))
  }

  it("listen takes the same cors option", async () => {
    const server = await TestServer.listen(Testing.completion(), { cors: true })
    try {
      const response = await fetch(server.url + "/chat/completions", {
        method: "POST",
        headers: { origin: page, "content-type": "application/json" },
        body: JSON.stringify({ messages: [] })
      })
      expect(response.headers.get("access-control-allow-origin")).toBe("*")
      await response.arrayBuffer()
    } finally {
      await server.close()
    }
  })
})
