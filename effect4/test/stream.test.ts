import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import { Chat, Retry, type Schema } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import { httpClients, withServer } from "./support/harness.js"

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

const run = (options?: Chat.Options) => Stream.runCollect(Chat.stream(request, options))

const text = (chunks: ReadonlyArray<Schema.ChatStreamChunk>) =>
  chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("")

const chunk = (content: string, extra: Record<string, unknown> = {}) => ({
  id: "gen-1",
  object: "chat.completion.chunk",
  created: 1700000000,
  model: "openai/gpt-4o",
  provider: "OpenAI",
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
  ...extra
})

/** The chunks a stream emitted before it failed, and its error. */
const chunksThenError = Effect.gen(function*() {
  const seen: Array<Schema.ChatStreamChunk> = []
  const error = yield* Chat.stream(request).pipe(
    Stream.runForEach((c) => Effect.sync(() => seen.push(c))),
    Effect.flip
  )
  return { seen, error }
})

describe.each(httpClients)("Chat.stream over %s", (_name, http) => {
  it.live("emits every chunk, ending at [DONE]", () =>
    withServer(http, Testing.stream({ deltas: ["Hel", "lo", " world"] }), (server) =>
      Effect.gen(function*() {
        const chunks = yield* run()
        expect(text(chunks)).toBe("Hello world")
        const [sent] = yield* server.requests
        expect(sent!.body).toMatchObject({ stream: true })
        expect(sent!.headers.accept).toBe("text/event-stream")
      })))

  it.live("sends no trace headers when no tracer is installed (the HTTP client opens no span)", () =>
    withServer(http, Testing.stream({ deltas: ["a"] }), (server) =>
      Effect.gen(function*() {
        yield* run()
        const [sent] = yield* server.requests
        expect(sent!.headers["traceparent"]).toBeUndefined()
        expect(sent!.headers["b3"]).toBeUndefined()
      })))

  it.live("skips keep-alive comments", () =>
    withServer(
      http,
      Testing.stream({ deltas: ["a", "b"], keepAlive: 3 }),
      () => Effect.map(run(), (chunks) => expect(text(chunks)).toBe("ab"))
    ))

  it.live("parses CRLF line endings", () =>
    withServer(
      http,
      Testing.stream({ deltas: ["a", "b", "c"], lineEnding: "\r\n" }),
      () => Effect.map(run(), (chunks) => expect(text(chunks)).toBe("abc"))
    ))

  it.live("parses CR line endings", () =>
    withServer(
      http,
      Testing.stream({ deltas: ["a", "b", "c"], lineEnding: "\r" }),
      () => Effect.map(run(), (chunks) => expect(text(chunks)).toBe("abc"))
    ))

  it.live("parses a stream written one byte at a time", () =>
    withServer(
      http,
      Testing.stream({ deltas: ["héllo ", "wörld ", "€ 😀"], writeSize: 1, flushEachWrite: true }),
      () => Effect.map(run(), (chunks) => expect(text(chunks)).toBe("héllo wörld € 😀"))
    ))

  it.live("joins multi-line data fields with a newline", () =>
    withServer(
      http,
      Testing.sse([
        `data: {"id":"gen-1","object":"chat.completion.chunk",\ndata: "choices":[{"index":0,"delta":{"content":"multi"}}]}`,
        "data: [DONE]"
      ]),
      () => Effect.map(run(), (chunks) => expect(text(chunks)).toBe("multi"))
    ))

  it.live("ends at a final [DONE] without its trailing blank line", () =>
    withServer(
      http,
      Testing.raw({
        headers: { "content-type": "text/event-stream" },
        body: `data: ${JSON.stringify(chunk("x"))}\n\ndata: [DONE]`
      }),
      () => Effect.map(run(), (chunks) => expect(text(chunks)).toBe("x"))
    ))

  it.live("keeps unknown fields and unknown finish reasons on chunks", () =>
    withServer(
      http,
      Testing.sse([
        chunk("a", { future_field: { x: 1 } }),
        { ...chunk(""), choices: [{ index: 0, delta: {}, finish_reason: "brand_new_reason" }] }
      ], { done: true }),
      () =>
        Effect.map(run(), (chunks) => {
          expect((chunks[0] as unknown as Record<string, unknown>).future_field).toEqual({ x: 1 })
          expect(chunks[1]!.choices[0]!.finish_reason).toBe("brand_new_reason")
        })
    ))

  it.live("emits the usage chunk", () =>
    withServer(
      http,
      Testing.stream({ deltas: ["a"], usage: { prompt_tokens: 3, completion_tokens: 1, cost: 0.5 } }),
      () =>
        Effect.map(run(), (chunks) => {
          const usage = chunks.find((c) => c.usage)?.usage
          expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 1, cost: 0.5 })
        })
    ))

  it.live("fails a top-level mid-stream error with MidStreamError after the chunks before it", () =>
    withServer(
      http,
      Testing.midStreamError({ after: 2, code: 502, errorType: "provider_unavailable", providerName: "Anthropic" }),
      () =>
        Effect.gen(function*() {
          const { error, seen } = yield* chunksThenError
          expect(seen.filter(Chat.hasContent)).toHaveLength(2)
          expect(error._tag).toBe("MidStreamError")
          if (error._tag !== "MidStreamError") return
          expect(error.code).toBe(502)
          expect(error.errorType).toBe("provider_unavailable")
          expect(error.providerName).toBe("Anthropic")
          expect(error.contentEmitted).toBe(true)
        })
    ))

  it.live("fails the older choices[].error form with MidStreamError", () =>
    withServer(
      http,
      Testing.midStreamError({ after: 1, form: "choice", code: "server_error", message: "boom" }),
      () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(run())
          expect(error._tag).toBe("MidStreamError")
          if (error._tag !== "MidStreamError") return
          expect(error.code).toBe("server_error")
          expect(error.message).toBe("boom")
        })
    ))

  it.live("fails a stream cut off before [DONE] with ConnectionError after emitting what came", () =>
    withServer(http, Testing.truncated({ after: 3 }), () =>
      Effect.gen(function*() {
        const { error, seen } = yield* chunksThenError
        expect(seen.filter(Chat.hasContent)).toHaveLength(3)
        expect(error._tag).toBe("ConnectionError")
        if (error._tag === "ConnectionError") expect(error.reason).toBe("StreamCutOff")
      })))

  // What the Effect 3 edition's `sseEvents` (src/internal/transport/sseStream.ts) guarantees, here of the parser
  // inside `decodeEvents`: the event pending at the end of the body is parsed, one pending when the
  // body fails is not, and each attempt of a retried stream parses with a fresh parser.
  const sseBody = (events: ReadonlyArray<string>, pending: string) =>
    events.map((event) => `data: ${event}\n\n`).join("") + `data: ${pending}`

  it.live("parses the event pending when the body ends (no blank line after it), then fails the cut-off", () =>
    withServer(
      http,
      Testing.raw({
        body: sseBody([JSON.stringify(chunk("a"))], JSON.stringify(chunk("b"))),
        headers: { "content-type": "text/event-stream" }
      }),
      () =>
        Effect.gen(function*() {
          const { error, seen } = yield* chunksThenError
          expect(text(seen)).toBe("ab")
          expect(error._tag === "ConnectionError" && error.reason).toBe("StreamCutOff")
        })
    ))

  it.live("drops the event pending when the body fails (a reset): only whole events reach the consumer", () =>
    withServer(
      http,
      Testing.raw({
        body: sseBody([JSON.stringify(chunk("a"))], JSON.stringify(chunk("b"))),
        headers: { "content-type": "text/event-stream" },
        ending: "reset"
      }),
      () =>
        Effect.gen(function*() {
          const { error, seen } = yield* chunksThenError
          expect(text(seen)).toBe("a")
          expect(error._tag === "ConnectionError" && error.reason).not.toBe("StreamCutOff")
        })
    ))

  it.live("parses each attempt of a retried stream afresh: an event cut off in the first is not joined to the next", () =>
    withServer(
      http,
      [
        Testing.raw({
          body: sseBody([], `{"id":"gen-1","choices":[{"index":0,"delta":{"content":"lost`),
          headers: { "content-type": "text/event-stream" },
          ending: "reset"
        }),
        Testing.stream({ deltas: ["fine ", "now"] })
      ],
      (server) =>
        Effect.gen(function*() {
          expect(text(yield* run())).toBe("fine now")
          expect(yield* server.requests).toHaveLength(2)
        }),
      { retry: Retry.make({ retries: 1, baseDelay: "1 millis", jitter: 0 }) }
    ))

  it.live("fails a connection reset mid-stream with ConnectionError", () =>
    withServer(http, Testing.reset({ after: 2 }), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(run())
        expect(error._tag).toBe("ConnectionError")
        if (error._tag === "ConnectionError") expect(error.reason).not.toBe("RequestFailed")
      })))

  it.live("fails an error status before the stream with the status error", () =>
    withServer(http, Testing.error(429, { message: "slow down" }), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(run())
        expect(error._tag).toBe("TooManyRequestsResponseError")
        expect(error.message).toBe("slow down")
      })))

  it.live("fails a JSON error object on a 200 with its status error", () =>
    withServer(
      http,
      Testing.raw({
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ error: { code: 401, message: "No auth credentials found" } })
      }),
      () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(run())
          expect(error._tag).toBe("UnauthorizedResponseError")
        })
    ))

  it.live("fails a chunk that does not decode with ResponseDecodeError holding the event text", () =>
    withServer(
      http,
      Testing.sse([chunk("a"), "data: {\"choices\": 42}"], { done: true }),
      () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(run())
          expect(error._tag).toBe("ResponseDecodeError")
          if (error._tag === "ResponseDecodeError") expect(error.excerpt).toBe("{\"choices\": 42}")
        })
    ))

  it.live("merges tool-call deltas through Chat.collect", () =>
    withServer(
      http,
      Testing.stream({
        deltas: ["Let me check."],
        toolCalls: [
          { id: "call_1", name: "get_weather", arguments: ["{\"city\":", "\"Paris\"}"] },
          { id: "call_2", name: "get_time", arguments: "{}" }
        ],
        usage: { prompt_tokens: 10, completion_tokens: 5 }
      }),
      () =>
        Effect.gen(function*() {
          const response = yield* Chat.collect(Chat.stream(request))
          const message = response.choices[0]!.message!
          expect(message.content).toBe("Let me check.")
          // `index` is kept, as in OpenRouter's non-streaming tool calls (collect equals send).
          expect(message.tool_calls).toEqual([
            {
              index: 0,
              id: "call_1",
              type: "function",
              function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" }
            },
            { index: 1, id: "call_2", type: "function", function: { name: "get_time", arguments: "{}" } }
          ])
          expect(response.choices[0]!.finish_reason).toBe("tool_calls")
          expect(response.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 5 })
          expect(response.model).toBeDefined()
          expect(response.id).toMatch(/^gen-/)
        })
    ))

  it.live("times out when no data event arrives within idleTimeout, though keep-alives flow", () =>
    withServer(http, Testing.hang({ after: 1, keepAliveEvery: "20 millis" }), (server) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(run({ idleTimeout: "300 millis" }))
        expect(error._tag).toBe("TimeoutError")
        if (error._tag !== "TimeoutError") return
        expect(error.limit).toBe("idle")
        expect(Duration.toMillis(error.duration)).toBe(300)
        yield* server.awaitAbort
      })))

  it.live("never times out a consumer that is slower than idleTimeout", () =>
    withServer(http, Testing.stream({ deltas: ["a", "b", "c"] }), () =>
      Effect.gen(function*() {
        const chunks = yield* Chat.stream(request, { idleTimeout: "100 millis" }).pipe(
          Stream.tap(() => Effect.sleep("250 millis")),
          Stream.runCollect
        )
        expect(text(chunks)).toBe("abc")
      })))

  it.live("closes the connection when the consumer stops early", () =>
    withServer(
      http,
      Testing.stream({ deltas: Testing.pieces(10_000), chunkDelay: "5 millis" }),
      (server) =>
        Effect.gen(function*() {
          const taken = yield* Chat.stream(request).pipe(
            Stream.filter(Chat.hasContent),
            Stream.take(3),
            Stream.runCollect
          )
          expect(taken.length).toBe(3)
          yield* server.awaitAbort
          expect(yield* server.aborted).toBe(1)
        })
    ))

  it.live("closes the connection when the consuming fiber is interrupted", () =>
    withServer(http, Testing.hang({ after: 2 }), (server) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(run())
        yield* Effect.sleep("100 millis")
        yield* Fiber.interrupt(fiber)
        yield* server.awaitAbort
      })))
})
