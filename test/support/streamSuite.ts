/**
 * The body of the `Chat.stream` test over HTTP, shared by both editions (`test/stream.test.ts`,
 * `effect4/test/stream.test.ts`): SSE framing (keep-alives, line endings, one byte at a time,
 * multi-line data, a `[DONE]` without its blank line, an event pending at the end of the body or when
 * it fails), tolerant chunks, the usage chunk, every way a stream fails (mid-stream errors in both
 * forms, cut off, reset, an error status, an error object on a 200, a chunk that does not decode, the
 * idle timeout) and `Chat.collect` merging tool calls. A wire exchange, so Effect-free: each edition
 * passes its vitest functions, its `Testing` replies, its `TestServer.listen`, its calls (`calls.ts`) per
 * HttpClient, its `ErrorReaders` and its `Chat.hasContent`.
 */
import { failure, success } from "./calls.js"
import { serving, type Wired } from "./suite.js"

/** What the suite needs of an edition (`R`: its `Testing.Reply`). */
export interface Edition<R> extends Wired<R> {
  /** `Chat.hasContent`. */
  readonly hasContent: (chunk: never) => boolean
}

const request = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

/** A chunk as the assertions read it. */
interface Chunk {
  readonly choices: ReadonlyArray<{ readonly delta?: { readonly content?: string }; readonly finish_reason?: unknown }>
  readonly usage?: unknown
  readonly [field: string]: unknown
}

const text = (chunks: ReadonlyArray<unknown>) =>
  (chunks as ReadonlyArray<Chunk>).map((c) => c.choices[0]?.delta?.content ?? "").join("")

const chunk = (content: string, extra: Record<string, unknown> = {}) => ({
  id: "gen-1",
  object: "chat.completion.chunk",
  created: 1700000000,
  model: "openai/gpt-4o",
  provider: "OpenAI",
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
  ...extra
})

/** An SSE body of whole events, then one event pending (no blank line after it). */
const sseBody = (events: ReadonlyArray<string>, pending: string) =>
  events.map((event) => `data: ${event}\n\n`).join("") + `data: ${pending}`

const sse = { "content-type": "text/event-stream" }

export const streamSuite = <R>(edition: Edition<R>) => {
  const { clients, describe, errors, expect, it, listen, testing: Testing } = edition
  const hasContent = edition.hasContent as (chunk: unknown) => boolean

  for (const [name, calls] of clients) {
    describe(`Chat.stream over ${name}`, () => {
      /** The text of the stream `script` answers with. */
      const streamed = (script: R) =>
        serving(listen, script, async (server) => text(success(await calls.stream(server.url, request))))
      /** The error the stream `script` answers with fails with. */
      const fails = (script: R) =>
        serving(listen, script, async (server) => failure(await calls.stream(server.url, request)))

      it("emits every chunk, ending at [DONE]", () =>
        serving(listen, Testing.stream({ deltas: ["Hel", "lo", " world"] }), async (server) => {
          const chunks = success(await calls.stream(server.url, request))
          expect(text(chunks)).toBe("Hello world")
          const [sent] = server.requests()
          expect(sent!.body).toMatchObject({ stream: true })
          expect(sent!.headers.accept).toBe("text/event-stream")
        }))

      // As `Chat.send`'s (see sendSuite.ts).
      it("sends no trace headers when no tracer is installed (the HTTP client opens no span)", () =>
        serving(listen, Testing.stream({ deltas: ["a"] }), async (server) => {
          expect(text(success(await calls.stream(server.url, request)))).toBe("a")
          const [sent] = server.requests()
          expect(sent!.headers["traceparent"]).toBeUndefined()
          expect(sent!.headers["b3"]).toBeUndefined()
        }))

      it("skips keep-alive comments", async () => {
        expect(await streamed(Testing.stream({ deltas: ["a", "b"], keepAlive: 3 }))).toBe("ab")
      })

      it("parses CRLF line endings", async () => {
        expect(await streamed(Testing.stream({ deltas: ["a", "b", "c"], lineEnding: "\r\n" }))).toBe("abc")
      })

      it("parses CR line endings", async () => {
        expect(await streamed(Testing.stream({ deltas: ["a", "b", "c"], lineEnding: "\r" }))).toBe("abc")
      })

      it("parses a stream written one byte at a time", async () => {
        expect(
          await streamed(
            Testing.stream({ deltas: ["héllo ", "wörld ", "€ 😀"], writeSize: 1, flushEachWrite: true })
          )
        ).toBe("héllo wörld € 😀")
      })

      it("joins multi-line data fields with a newline", async () => {
        expect(
          await streamed(Testing.sse([
            `data: {"id":"gen-1","object":"chat.completion.chunk",\ndata: "choices":[{"index":0,"delta":{"content":"multi"}}]}`,
            "data: [DONE]"
          ]))
        ).toBe("multi")
      })

      it("ends at a final [DONE] without its trailing blank line", async () => {
        expect(
          await streamed(Testing.raw({ headers: sse, body: `data: ${JSON.stringify(chunk("x"))}\n\ndata: [DONE]` }))
        ).toBe("x")
      })

      // What the Effect 3 edition's `sseEvents` (src/internal/transport/sseStream.ts) and the parser inside
      // the Effect 4 edition's `decodeEvents` guarantee: the event pending at the end of the body is parsed,
      // one pending when the body fails is not.
      it("parses the event pending when the body ends (no blank line after it), then fails the cut-off", () =>
        serving(
          listen,
          Testing.raw({ body: sseBody([JSON.stringify(chunk("a"))], JSON.stringify(chunk("b"))), headers: sse }),
          async (server) => {
            const { chunks, error } = await calls.drain(server.url, request)
            expect(text(chunks)).toBe("ab")
            expect(error?._tag === "ConnectionError" && error.reason).toBe("StreamCutOff")
          }
        ))

      it("drops the event pending when the body fails (a reset): only whole events reach the consumer", () =>
        serving(
          listen,
          Testing.raw({
            body: sseBody([JSON.stringify(chunk("a"))], JSON.stringify(chunk("b"))),
            headers: sse,
            ending: "reset"
          }),
          async (server) => {
            const { chunks, error } = await calls.drain(server.url, request)
            expect(text(chunks)).toBe("a")
            expect(error?._tag).toBe("ConnectionError")
            expect(error?.reason).not.toBe("StreamCutOff")
          }
        ))

      it("keeps unknown fields and unknown finish reasons on chunks", () =>
        serving(
          listen,
          Testing.sse([
            chunk("a", { future_field: { x: 1 } }),
            { ...chunk(""), choices: [{ index: 0, delta: {}, finish_reason: "brand_new_reason" }] }
          ], { done: true }),
          async (server) => {
            const chunks = success(await calls.stream(server.url, request)) as ReadonlyArray<Chunk>
            expect(chunks[0]!.future_field).toEqual({ x: 1 })
            expect(chunks[1]!.choices[0]!.finish_reason).toBe("brand_new_reason")
          }
        ))

      it("emits the usage chunk", () =>
        serving(
          listen,
          Testing.stream({ deltas: ["a"], usage: { prompt_tokens: 3, completion_tokens: 1, cost: 0.5 } }),
          async (server) => {
            const chunks = success(await calls.stream(server.url, request)) as ReadonlyArray<Chunk>
            const usage = chunks.find((c) => c.usage)?.usage
            expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 1, cost: 0.5 })
          }
        ))

      it("fails a top-level mid-stream error with MidStreamError after the chunks before it", () =>
        serving(
          listen,
          Testing.midStreamError({ after: 2, code: 502, errorType: "provider_unavailable", providerName: "Anthropic" }),
          async (server) => {
            const { chunks, error } = await calls.drain(server.url, request)
            expect(chunks.filter(hasContent)).toHaveLength(2)
            expect(error?._tag).toBe("MidStreamError")
            expect(error?.code).toBe(502)
            expect(error?.errorType).toBe("provider_unavailable")
            expect(error?.providerName).toBe("Anthropic")
            expect(error?.contentEmitted).toBe(true)
          }
        ))

      it("fails the older choices[].error form with MidStreamError", async () => {
        const error = await fails(
          Testing.midStreamError({ after: 1, form: "choice", code: "server_error", message: "boom" })
        )
        expect(error._tag).toBe("MidStreamError")
        expect(error.code).toBe("server_error")
        expect(error.message).toBe("boom")
      })

      it("fails a stream cut off before [DONE] with ConnectionError after emitting what came", () =>
        serving(listen, Testing.truncated({ after: 3 }), async (server) => {
          const { chunks, error } = await calls.drain(server.url, request)
          expect(chunks.filter(hasContent)).toHaveLength(3)
          expect(error?._tag).toBe("ConnectionError")
          expect(error?.reason).toBe("StreamCutOff")
        }))

      it("fails a connection reset mid-stream with ConnectionError", async () => {
        const error = await fails(Testing.reset({ after: 2 }))
        expect(error._tag).toBe("ConnectionError")
        expect(error.reason).not.toBe("RequestFailed")
      })

      it("fails an error status before the stream with the status error", async () => {
        const error = await fails(Testing.error(429, { message: "slow down" }))
        expect(error._tag).toBe("TooManyRequestsResponseError")
        expect(error.message).toBe("slow down")
      })

      it("fails a JSON error object on a 200 with its status error", async () => {
        const error = await fails(Testing.raw({
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ error: { code: 401, message: "No auth credentials found" } })
        }))
        expect(error._tag).toBe("UnauthorizedResponseError")
      })

      it("fails a chunk that does not decode with ResponseDecodeError holding the event text", async () => {
        const error = await fails(Testing.sse([chunk("a"), "data: {\"choices\": 42}"], { done: true }))
        expect(error._tag).toBe("ResponseDecodeError")
        expect(error.excerpt).toBe("{\"choices\": 42}")
      })

      it("merges tool-call deltas through Chat.collect", () =>
        serving(
          listen,
          Testing.stream({
            deltas: ["Let me check."],
            toolCalls: [
              { id: "call_1", name: "get_weather", arguments: ["{\"city\":", "\"Paris\"}"] },
              { id: "call_2", name: "get_time", arguments: "{}" }
            ],
            usage: { prompt_tokens: 10, completion_tokens: 5 }
          }),
          async (server) => {
            const response = success(await calls.collect(server.url, request)) as unknown as {
              readonly id: string
              readonly model: string
              readonly usage: unknown
              readonly choices: ReadonlyArray<
                {
                  readonly message: { readonly content: unknown; readonly tool_calls: unknown }
                  finish_reason: unknown
                }
              >
            }
            const message = response.choices[0]!.message
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
          }
        ))

      it("times out when no data event arrives within idleTimeout, though keep-alives flow", () =>
        serving(listen, Testing.hang({ after: 1, keepAliveEvery: "20 millis" }), async (server) => {
          const error = failure(await calls.stream(server.url, request, { call: { idleTimeout: "300 millis" } }))
          expect(error._tag).toBe("TimeoutError")
          expect(error.limit).toBe("idle")
          expect(errors.millis(error.duration)).toBe(300)
          await server.awaitAbort()
        }))
    })
  }
}
