import type * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { Chat, Client, OpenRouterConfig, Retry, type Schema } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import * as TestServer from "../src/TestServer.js"
import { httpClients, SECRET } from "./support/harness.js"

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

const tenant = (server: TestServer.TestServer, n: number, extra: Partial<Client.OpenRouterConfigOptions> = {}) =>
  Client.makeConfig({
    apiKey: Redacted.make(`${SECRET}-tenant-${n}`),
    baseUrl: server.url,
    appTitle: `tenant ${n}`,
    retry: false,
    ...extra
  })

const text = (chunks: ReadonlyArray<Schema.ChatStreamChunk>) =>
  chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("")

describe.each(httpClients)("a configuration per call (options.config) over %s", (_name, http) => {
  it.scopedLive("Chat.send and Chat.stream use the call's configuration, with no OpenRouterConfig in the context", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make([
        Testing.completion({ content: "one" }),
        Testing.stream({ deltas: ["t", "wo"] }),
        Testing.completion({ content: "three" })
      ])
      const [a, b] = [tenant(server, 1), tenant(server, 2)]
      // The type says it: only HttpClient is required.
      const sent: Effect.Effect<unknown, unknown, HttpClient.HttpClient> = Chat.send(request, { config: a })
      const streamed: Stream.Stream<unknown, unknown, HttpClient.HttpClient> = Chat.stream(request, { config: b })
      // and running them with nothing but the HttpClient provided reaches the tenants' servers
      const one = (yield* sent) as Schema.ChatResponse
      const two = (yield* Stream.runCollect(streamed)) as Chunk.Chunk<Schema.ChatStreamChunk>
      const three = yield* Chat.send(request, { config: b, headers: { "x-call": "3" } })
      expect(one.choices[0]?.message?.content).toBe("one")
      expect(text(Chunk.toArray(two))).toBe("two")
      expect(three.choices[0]?.message?.content).toBe("three")
      const requests = yield* server.requests
      expect(requests.map((r) => r.headers.authorization)).toEqual([
        `Bearer ${SECRET}-tenant-1`,
        `Bearer ${SECRET}-tenant-2`,
        `Bearer ${SECRET}-tenant-2`
      ])
      expect(requests.map((r) => r.headers["x-openrouter-title"])).toEqual(["tenant 1", "tenant 2", "tenant 2"])
      expect(requests[2]!.headers["x-call"]).toBe("3")
    }).pipe(Effect.provide(http)))

  it.scopedLive("the call's configuration wins over the OpenRouterConfig service", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make([Testing.stream({ deltas: ["ok"] }), Testing.completion({ content: "x" })])
      const other = Client.makeConfig({ apiKey: Redacted.make("sk-from-context"), baseUrl: "http://127.0.0.1:9" })
      const program = Effect.gen(function*() {
        yield* Stream.runDrain(Chat.stream(request, { config: tenant(server, 7) }))
        yield* Chat.send(request, { config: tenant(server, 7) })
      })
      yield* Effect.provideService(program, OpenRouterConfig, other)
      const requests = yield* server.requests
      expect(requests.map((r) => r.headers.authorization)).toEqual([
        `Bearer ${SECRET}-tenant-7`,
        `Bearer ${SECRET}-tenant-7`
      ])
    }).pipe(Effect.provide(http)))

  it.scopedLive("the call's configuration brings its own defaults (retry policy, idle timeout)", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make([Testing.error(503), Testing.completion({ content: "after retry" })])
      const config = tenant(server, 3, { retry: Retry.make({ retries: 1, baseDelay: "1 millis", jitter: 0 }) })
      const response = yield* Chat.send(request, { config })
      expect(response.choices[0]?.message?.content).toBe("after retry")
      expect((yield* server.requests).length).toBe(2)
    }).pipe(Effect.provide(http)))

  it.scopedLive("an invalid configuration is a typed error and nothing is sent", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make([Testing.completion({ content: "never" })])
      const config = tenant(server, 4, { apiKey: Redacted.make("") })
      const error = yield* Effect.flip(Chat.send(request, { config }))
      expect(error._tag).toBe("InvalidRequestError")
      const streamError = yield* Effect.flip(Stream.runDrain(Chat.stream(request, { config })))
      expect(streamError._tag).toBe("InvalidRequestError")
      expect(yield* server.requests).toEqual([])
    }).pipe(Effect.provide(http)))
})
