/**
 * The TestServer's CORS answers over both HttpClients; the body is shared with the Effect 4 edition
 * (`test/support/corsSuite.ts`), this file gives it the Effect 3 edition's pieces, and checks that the
 * scoped `TestServer.make` takes the same option as `listen`.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Testing from "../src/Testing.js"
import * as TestServer from "../src/TestServer.js"
import { corsSuite, type Http } from "./support/corsSuite.js"
import { httpClients } from "./support/harness.js"

const over = (layer: (typeof httpClients)[number][1]): Http => ({ headers, json, method, url }) =>
  Effect.runPromise(
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      let request = HttpClientRequest.make(method)(url).pipe(HttpClientRequest.setHeaders(headers))
      if (json !== undefined) request = HttpClientRequest.bodyUnsafeJson(request, json)
      const response = yield* client.execute(request)
      return { status: response.status, headers: response.headers, text: yield* response.text }
    }).pipe(Effect.provide(layer))
  )

corsSuite<Testing.Reply>({
  describe,
  it,
  expect,
  clients: httpClients.map(([name, layer]) => [name, over(layer)] as const),
  testing: Testing,
  listen: (script, options) => TestServer.listen(script as Testing.Script, options)
})

it.scopedLive("TestServer.make takes the same cors option as listen", () =>
  Effect.gen(function*() {
    const server = yield* TestServer.make(Testing.completion(), { cors: true })
    const answer = yield* Effect.promise(() =>
      over(httpClients[0]![1])({
        method: "OPTIONS",
        url: server.url,
        headers: { origin: "http://localhost:5173", "access-control-request-method": "POST" }
      })
    )
    expect([answer.status, answer.headers["access-control-allow-origin"]]).toEqual([204, "*"])
  }))
