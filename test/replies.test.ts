import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { pipe } from "effect/Function"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as Testing from "../src/Testing.js"
import { parseSse, readBody, type Wire } from "./support/wire.js"

const decoder = new TextDecoder()

const URL_ = "https://openrouter.ai/api/v1/chat/completions"

const post = (body: unknown = { model: "openai/gpt-4o", messages: [{ role: "user", content: "hi" }] }, url = URL_) =>
  Effect.flatMap(
    HttpClient.HttpClient,
    (client) => client.execute(HttpClientRequest.post(url).pipe(HttpClientRequest.bodyUnsafeJson(body)))
  )

const envelope = (chunk: Wire) => {
  expect(chunk.id).toMatch(/^gen-/)
  expect(chunk.object).toBe("chat.completion.chunk")
  expect(typeof chunk.created).toBe("number")
  expect(typeof chunk.model).toBe("string")
  expect(typeof chunk.provider).toBe("string")
  expect("system_fingerprint" in chunk).toBe(true)
  for (const choice of chunk.choices) {
    expect(choice.index).toBe(0)
    expect("delta" in choice && "finish_reason" in choice && "native_finish_reason" in choice).toBe(true)
    expect(choice.logprobs).toBeNull()
  }
}

describe("Testing.completion", () => {
  it.effect("renders a chat.completion body with OpenRouter's fields and X-Generation-Id", () =>
    Effect.gen(function*() {
      const response = yield* post()
      const body = (yield* response.json) as Wire
      expect(response.status).toBe(200)
      expect(response.headers["content-type"]).toBe("application/json")
      expect(body.id).toMatch(/^gen-/)
      expect(response.headers["x-generation-id"]).toBe(body.id)
      expect(body).toMatchObject({
        object: "chat.completion",
        model: "anthropic/claude-sonnet-4",
        provider: "Anthropic",
        system_fingerprint: "fp_emulator",
        choices: [{
          index: 0,
          message: { role: "assistant", content: "Paris.", refusal: null, reasoning: "Capital of France." },
          finish_reason: "stop",
          native_finish_reason: "stop",
          logprobs: null
        }]
      })
      expect(typeof body.created).toBe("number")
      expect(body.usage).toMatchObject({ prompt_tokens: 7, is_byok: false })
      expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens)
      expect(body.usage.cost).toBeGreaterThan(0)
      expect(Object.keys(body.usage)).toEqual(expect.arrayContaining([
        "prompt_tokens_details",
        "completion_tokens_details",
        "cost_details"
      ]))
    }).pipe(Effect.provide(Testing.layer(Testing.completion({
      content: "Paris.",
      reasoning: "Capital of France.",
      model: "anthropic/claude-sonnet-4",
      provider: "Anthropic",
      usage: { prompt_tokens: 7 }
    })))))

  it.effect("renders tool calls with null content, serialised arguments and finish_reason tool_calls", () =>
    Effect.gen(function*() {
      const body = (yield* Effect.flatMap(post(), (r) => r.json)) as Wire
      expect(body.choices[0].finish_reason).toBe("tool_calls")
      expect(body.choices[0].message.content).toBeNull()
      expect(body.choices[0].message.tool_calls).toEqual([
        {
          index: 0,
          id: "call_1",
          type: "function",
          function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" }
        },
        { index: 1, id: expect.stringMatching(/^call_/), type: "function", function: { name: "noop", arguments: "{}" } }
      ])
    }).pipe(Effect.provide(Testing.layer(Testing.completion({
      toolCalls: [{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }, {
        name: "noop",
        arguments: "{}"
      }]
    })))))

  it.effect("merges extra fields into the body and omits usage when asked", () =>
    Effect.gen(function*() {
      const body = (yield* Effect.flatMap(post(), (r) => r.json)) as Wire
      expect(body.openrouter_metadata).toEqual({ pipeline: [] })
      expect("usage" in body).toBe(false)
    }).pipe(Effect.provide(Testing.layer(Testing.completion({
      usage: false,
      extra: { openrouter_metadata: { pipeline: [] } }
    })))))
})

describe("Testing.stream", () => {
  it.effect("sends role first, content pieces, a finish chunk, a usage chunk with no choices, then [DONE]", () =>
    Effect.gen(function*() {
      const response = yield* post()
      expect(response.headers["content-type"]).toBe("text/event-stream")
      const { text } = yield* readBody(response)
      const sse = parseSse(text)
      expect(sse.data.at(-1)).toBe("[DONE]")
      sse.chunks.forEach(envelope)
      const [first, second, finish, usage] = sse.chunks
      expect(first!.choices[0].delta).toEqual({ role: "assistant", content: "Hel" })
      expect(second!.choices[0].delta).toEqual({ content: "lo" })
      expect(finish!.choices[0]).toMatchObject({ finish_reason: "stop", native_finish_reason: "stop" })
      expect(usage!.choices).toEqual([])
      expect(usage!.usage).toMatchObject({ prompt_tokens: 12, is_byok: false })
      expect(sse.chunks).toHaveLength(4)
      expect(new Set(sse.chunks.map((c) => c.id)).size).toBe(1)
    }).pipe(Effect.provide(Testing.layer(Testing.stream({ deltas: ["Hel", "lo"] })))))

  it.effect("streams tool calls keyed by index: name on the first delta, then argument pieces only", () =>
    Effect.gen(function*() {
      const { chunks } = parseSse((yield* readBody(yield* post())).text)
      const calls = chunks.flatMap((c) => c.choices.flatMap((choice: Wire) => choice.delta.tool_calls ?? []))
      expect(calls).toEqual([
        { index: 0, id: "call_a", type: "function", function: { name: "search", arguments: "" } },
        { index: 0, function: { arguments: "{\"q\":" } },
        { index: 0, function: { arguments: "\"x\"}" } },
        { index: 1, id: expect.stringMatching(/^call_/), type: "function", function: { name: "noop", arguments: "" } },
        { index: 1, function: { arguments: "{}" } }
      ])
      expect(chunks[0]!.choices[0].delta.role).toBe("assistant")
      expect(chunks.at(-2)!.choices[0].finish_reason).toBe("tool_calls")
    }).pipe(Effect.provide(Testing.layer(Testing.stream({
      toolCalls: [
        { id: "call_a", name: "search", arguments: ["{\"q\":", "\"x\"}"] },
        { name: "noop", arguments: {} }
      ]
    })))))

  it.effect("sends reasoning pieces before the content", () =>
    Effect.gen(function*() {
      const { chunks } = parseSse((yield* readBody(yield* post())).text)
      expect(chunks.slice(0, 3).map((c) => c.choices[0].delta)).toEqual([
        { role: "assistant", content: "", reasoning: "Think" },
        { content: "", reasoning: "ing" },
        { content: "Answer" }
      ])
    }).pipe(Effect.provide(Testing.layer(Testing.stream({ reasoning: ["Think", "ing"], deltas: ["Answer"] })))))

  it.effect("writes keep-alive comments before every event when keepAlive is set", () =>
    Effect.gen(function*() {
      const sse = parseSse((yield* readBody(yield* post())).text)
      expect(sse.comments).toHaveLength(2 * sse.data.length)
      expect(new Set(sse.comments)).toEqual(new Set(["OPENROUTER PROCESSING"]))
    }).pipe(Effect.provide(Testing.layer(Testing.stream({ deltas: ["a"], keepAlive: 2 })))))

  it.effect("frames events with the requested line ending", () =>
    Effect.gen(function*() {
      const { text } = yield* readBody(yield* post())
      expect(text.endsWith("data: [DONE]\r\n\r\n")).toBe(true)
      expect(text.replaceAll("\r\n", "")).not.toMatch(/[\r\n]/)
      expect(parseSse(text).data).toHaveLength(5)
    }).pipe(Effect.provide(Testing.layer(Testing.stream({ deltas: ["a", "b"], lineEnding: "\r\n" })))))

  it.effect("leaves out the final chunk, the usage chunk and [DONE] when asked", () =>
    Effect.gen(function*() {
      const sse = parseSse((yield* readBody(yield* post())).text)
      expect(sse.data).toHaveLength(1)
      expect(sse.chunks[0]!.choices[0].finish_reason).toBeNull()
    }).pipe(Effect.provide(Testing.layer(Testing.stream({
      deltas: ["a"],
      finishReason: null,
      usage: false,
      done: false
    })))))

  it.effect("puts the role on the final chunk when there are no deltas", () =>
    Effect.gen(function*() {
      const { chunks } = parseSse((yield* readBody(yield* post())).text)
      expect(chunks[0]!.choices[0]).toMatchObject({ delta: { role: "assistant", content: "" }, finish_reason: "stop" })
      expect(chunks).toHaveLength(2)
    }).pipe(Effect.provide(Testing.layer(Testing.stream()))))

  it.effect("passes whole delta objects through and merges extra into every chunk", () =>
    Effect.gen(function*() {
      const { chunks } = parseSse((yield* readBody(yield* post())).text)
      expect(chunks[0]!.choices[0].delta).toEqual({ role: "assistant", refusal: "no", content: null })
      chunks.forEach((c) => expect(c.service_tier).toBe("default"))
    }).pipe(Effect.provide(Testing.layer(Testing.stream({
      deltas: [{ refusal: "no", content: null }],
      extra: { service_tier: "default" }
    })))))

  it.effect("waits chunkDelay between events on the Effect clock", () =>
    Effect.gen(function*() {
      const response = yield* post()
      const fiber = yield* Effect.fork(readBody(response))
      yield* TestClock.adjust("2 seconds")
      expect(Option.isNone(yield* Fiber.poll(fiber))).toBe(true)
      yield* TestClock.adjust("1 second")
      expect(parseSse((yield* Fiber.join(fiber)).text).data).toHaveLength(5)
    }).pipe(Effect.provide(Testing.layer(Testing.stream({ deltas: ["a", "b"], chunkDelay: "750 millis" })))))
})

describe("Testing.error", () => {
  const statuses = [400, 401, 402, 403, 404, 408, 413, 422, 429, 500, 502, 503, 524, 529, 418]
  it.effect("answers each status with OpenRouter's error body and a message", () =>
    Effect.gen(function*() {
      for (const status of statuses) {
        const response = yield* post()
        const body = (yield* response.json) as Wire
        expect(response.status).toBe(status)
        expect(body.error.code).toBe(status)
        expect(typeof body.error.message).toBe("string")
        expect(body.error.message.length).toBeGreaterThan(0)
      }
    }).pipe(Effect.provide(Testing.layer(statuses.map((status) => Testing.error(status))))))

  it.effect("uses OpenRouter's wording for 401 and 402", () =>
    Effect.gen(function*() {
      const unauthorized = (yield* Effect.flatMap(post(), (r) => r.json)) as Wire
      const payment = (yield* Effect.flatMap(post(), (r) => r.json)) as Wire
      expect(unauthorized.error.message).toBe("No auth credentials found")
      expect(payment.error.message).toMatch(/^Insufficient credits/)
    }).pipe(Effect.provide(Testing.layer([Testing.error(401), Testing.error(402)]))))

  it.effect("marks a 429 as rate_limit_exceeded and sends Retry-After in seconds", () =>
    Effect.gen(function*() {
      const response = yield* post()
      const body = (yield* response.json) as Wire
      expect(body.error.metadata.error_type).toBe("rate_limit_exceeded")
      expect(response.headers["retry-after"]).toBe("3")
    }).pipe(Effect.provide(Testing.layer(Testing.error(429, { retryAfter: "2500 millis" })))))

  it.effect("sends a string Retry-After verbatim when it is not a duration", () =>
    Effect.gen(function*() {
      const response = yield* post()
      expect(response.headers["retry-after"]).toBe("Wed, 21 Oct 2015 07:28:00 GMT")
    }).pipe(Effect.provide(Testing.layer(Testing.error(503, { retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT" })))))

  it.effect("gives a 503 the availability fields", () =>
    Effect.gen(function*() {
      const body = (yield* Effect.flatMap(post(), (r) => r.json)) as Wire
      expect(body.error).toMatchObject({
        code: 503,
        http_status: 503,
        error_type: "provider_unavailable",
        availability: { code: "temporarily_unavailable", retryable: true }
      })
      expect(body.error.metadata.previous_errors).toHaveLength(1)
    }).pipe(Effect.provide(Testing.layer(Testing.error(503)))))

  it.effect("gives a 403 moderation metadata", () =>
    Effect.gen(function*() {
      const body = (yield* Effect.flatMap(post(), (r) => r.json)) as Wire
      expect(body.error.metadata).toMatchObject({ reasons: ["harassment"], provider_name: "OpenAI" })
    }).pipe(Effect.provide(Testing.layer(Testing.error(403)))))

  it.effect("overrides message, code and metadata, and adds user_id and extra fields", () =>
    Effect.gen(function*() {
      const body = (yield* Effect.flatMap(post(), (r) => r.json)) as Wire
      expect(body).toEqual({
        error: { code: "boom", message: "Custom", metadata: { x: 1 } },
        user_id: "user_1",
        openrouter_metadata: { a: 1 }
      })
    }).pipe(Effect.provide(Testing.layer(Testing.error(500, {
      code: "boom",
      message: "Custom",
      metadata: { x: 1 },
      userId: "user_1",
      extra: { openrouter_metadata: { a: 1 } }
    })))))

  it.effect("sends a raw non-JSON body when given one", () =>
    Effect.gen(function*() {
      const response = yield* post()
      expect(response.status).toBe(502)
      expect(yield* response.text).toBe("<html>Bad gateway</html>")
    }).pipe(Effect.provide(Testing.layer(Testing.error(502, { body: "<html>Bad gateway</html>" })))))
})

describe("Testing.midStreamError", () => {
  it.effect("sends N content chunks, then a top-level error chunk with finish_reason error, and no [DONE]", () =>
    Effect.gen(function*() {
      const response = yield* post()
      expect(response.status).toBe(200)
      const sse = parseSse((yield* readBody(response)).text)
      expect(sse.data).not.toContain("[DONE]")
      expect(sse.chunks).toHaveLength(3)
      sse.chunks.forEach(envelope)
      expect(sse.chunks.slice(0, 2).map((c) => c.choices[0].delta.content).join("")).toBe(
        [...Testing.pieces(2)].join("")
      )
      const last = sse.chunks[2]!
      expect(last.error).toEqual({
        code: 429,
        message: "slow down",
        metadata: { error_type: "rate_limit_exceeded", provider_name: "Emulator" }
      })
      expect(last.choices).toEqual([{
        index: 0,
        delta: { content: "" },
        finish_reason: "error",
        native_finish_reason: "error",
        logprobs: null
      }])
    }).pipe(Effect.provide(Testing.layer(Testing.midStreamError({
      after: 2,
      code: 429,
      message: "slow down",
      errorType: "rate_limit_exceeded"
    })))))

  it.effect("puts the error inside the choice in the older form", () =>
    Effect.gen(function*() {
      const { chunks } = parseSse((yield* readBody(yield* post())).text)
      const last = chunks.at(-1)!
      expect("error" in last).toBe(false)
      expect(last.choices[0]).toMatchObject({ finish_reason: "error", error: { code: 502 } })
    }).pipe(Effect.provide(Testing.layer(Testing.midStreamError({ after: 1, form: "choice" })))))
})

describe("Testing.truncated / reset / hang", () => {
  it.effect("truncated sends N chunks and ends cleanly without a finish chunk or [DONE]", () =>
    Effect.gen(function*() {
      const body = yield* readBody(yield* post())
      const sse = parseSse(body.text)
      expect(body.error).toBeUndefined()
      expect(sse.data).toHaveLength(3)
      expect(sse.chunks.every((c) => c.choices[0].finish_reason === null)).toBe(true)
    }).pipe(Effect.provide(Testing.layer(Testing.truncated({ after: 3 })))))

  it.effect("reset delivers the chunks written so far, then a transport error", () =>
    Effect.gen(function*() {
      const body = yield* readBody(yield* post())
      expect(parseSse(body.text).data).toHaveLength(20)
      assert(body.error !== undefined)
      expect(body.error._tag).toBe("ResponseError")
      expect(String((body.error as Wire).cause)).toMatch(/ECONNRESET/)
    }).pipe(Effect.provide(Testing.layer(Testing.reset({ after: 20 })))))

  it.effect("hang holds the response open and records that the client abandoned it", () =>
    Effect.gen(function*() {
      const response = yield* post()
      const firstChunk = yield* Deferred.make<void>()
      const fiber = yield* Effect.fork(
        response.stream.pipe(Stream.tap(() => Deferred.succeed(firstChunk, undefined)), Stream.runDrain)
      )
      yield* Deferred.await(firstChunk)
      yield* TestClock.adjust("1 hour")
      expect(Option.isNone(yield* Fiber.poll(fiber))).toBe(true)
      expect(yield* Testing.aborted).toBe(0)
      yield* Fiber.interrupt(fiber)
      yield* Testing.awaitAbort
      expect(yield* Testing.aborted).toBe(1)
    }).pipe(Effect.provide(Testing.layer(Testing.hang({ after: 1 })))))

  it.effect("keepAliveEvery writes keep-alive comments while hanging", () =>
    Effect.gen(function*() {
      const response = yield* post()
      const fiber = yield* Effect.fork(response.stream.pipe(Stream.take(3), Stream.runCollect))
      yield* TestClock.adjust("3 seconds")
      const text = Chunk.toReadonlyArray(yield* Fiber.join(fiber)).map((b) => decoder.decode(b)).join("")
      expect(text).toBe(Testing.keepAliveComment.repeat(3))
      yield* Testing.awaitAbort
    }).pipe(Effect.provide(Testing.layer(Testing.hang({ keepAliveEvery: "1 second" })))))

  it.effect("a client that stops reading a stream midway is recorded as an abort", () =>
    Effect.gen(function*() {
      const response = yield* post()
      yield* response.stream.pipe(Stream.take(1), Stream.runDrain)
      yield* Testing.awaitAbort
      expect(yield* Testing.aborted).toBe(1)
    }).pipe(Effect.provide(Testing.layer(Testing.stream({ deltas: Testing.pieces(10_000) })))))

  it.effect("a body read to its end is not an abort", () =>
    Effect.gen(function*() {
      yield* readBody(yield* post())
      expect(yield* Testing.aborted).toBe(0)
    }).pipe(Effect.provide(Testing.layer(Testing.stream({ deltas: ["a"] })))))
})

describe("Reply rendering", () => {
  it.effect("writeSize 1 delivers the body one byte per read, multi-byte characters included", () =>
    Effect.gen(function*() {
      const body = yield* readBody(yield* post())
      expect(body.text).toBe("héllo → 🌍")
      expect(body.pieces.every((p) => p.length === 1)).toBe(true)
      expect(body.pieces).toHaveLength(new TextEncoder().encode("héllo → 🌍").length)
    }).pipe(Effect.provide(Testing.layer(Testing.raw({ body: ["hé", "llo → ", "🌍"], writeSize: 1 })))))

  it.effect("writeSize re-splits across piece boundaries", () =>
    Effect.gen(function*() {
      const body = yield* readBody(yield* post())
      expect(body.pieces.map((p) => decoder.decode(p))).toEqual(["abc", "def", "g"])
    }).pipe(Effect.provide(Testing.layer(Testing.raw({ body: ["ab", "cd", "efg"], writeSize: 3 })))))

  it.effect("a Pause piece holds the rest of the body until the clock passes it", () =>
    Effect.gen(function*() {
      const response = yield* post()
      const fiber = yield* Effect.fork(readBody(response))
      yield* TestClock.adjust("999 millis")
      expect(Option.isNone(yield* Fiber.poll(fiber))).toBe(true)
      yield* TestClock.adjust("1 millis")
      expect((yield* Fiber.join(fiber)).text).toBe("ab")
    }).pipe(Effect.provide(Testing.layer(Testing.raw({ body: ["a", Testing.pause("1 second"), "b"] })))))

  it.effect("keepAliveEvery writes keep-alive comments inside a Pause", () =>
    Effect.gen(function*() {
      const response = yield* post()
      const fiber = yield* Effect.fork(readBody(response))
      yield* TestClock.adjust("3 seconds")
      expect((yield* Fiber.join(fiber)).text).toBe("a" + Testing.keepAliveComment.repeat(2) + "b")
    }).pipe(Effect.provide(Testing.layer(Testing.raw({
      body: ["a", Testing.pause("3 seconds"), "b"],
      keepAliveEvery: "1 second"
    })))))

  it.effect("a client that gives up during headersDelay is recorded as an abort", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(post())
      yield* TestClock.adjust("1 second")
      yield* Fiber.interrupt(fiber)
      expect(yield* Testing.aborted).toBe(1)
    }).pipe(Effect.provide(Testing.layer(Testing.delay(Testing.completion(), "1 minute")))))

  it.effect("delay holds the status and headers until the clock passes it", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(post())
      yield* TestClock.adjust("4 seconds")
      expect(Option.isNone(yield* Fiber.poll(fiber))).toBe(true)
      yield* TestClock.adjust("1 second")
      expect((yield* Fiber.join(fiber)).status).toBe(200)
    }).pipe(Effect.provide(Testing.layer(Testing.delay(Testing.completion(), "5 seconds")))))

  it.effect("withHeaders adds headers and replaces same-named ones regardless of case", () =>
    Effect.gen(function*() {
      const response = yield* post()
      expect(response.headers["content-type"]).toBe("application/json; charset=utf-8")
      expect(response.headers["x-extra"]).toBe("1")
    }).pipe(Effect.provide(Testing.layer(
      pipe(
        Testing.completion(),
        Testing.withHeaders({ "Content-Type": "application/json; charset=utf-8", "X-Extra": "1" })
      )
    ))))

  it.effect("raw sends status, headers and body exactly as given", () =>
    Effect.gen(function*() {
      const response = yield* post()
      expect(response.status).toBe(207)
      expect(response.headers["x-a"]).toBe("b")
      expect(yield* response.text).toBe("plain")
    }).pipe(Effect.provide(Testing.layer(Testing.raw({ status: 207, headers: { "x-a": "b" }, body: "plain" })))))

  it.effect("sse frames hand-written events and JSON values, with [DONE] on request", () =>
    Effect.gen(function*() {
      const { text } = yield* readBody(yield* post())
      expect(text).toBe(": hi\n\ndata: {\"a\":1}\n\nevent: x\ndata: y\n\ndata: [DONE]\n\n")
    }).pipe(Effect.provide(Testing.layer(Testing.sse([": hi", { a: 1 }, "event: x\ndata: y"], { done: true })))))

  it.effect("renders a 204 with no body", () =>
    Effect.gen(function*() {
      const response = yield* post()
      expect(response.status).toBe(204)
    }).pipe(Effect.provide(Testing.layer(Testing.raw({ status: 204 })))))
})

describe("Scripts and recording", () => {
  it.effect("answers request N with reply N and past the end with a 500 naming the request", () =>
    Effect.gen(function*() {
      const a = yield* post()
      const b = yield* post()
      const c = yield* post()
      expect([a.status, b.status, c.status]).toEqual([429, 200, 500])
      const body = (yield* c.json) as Wire
      expect(body.error.message).toMatch(/no scripted answer for request #3/)
    }).pipe(Effect.provide(Testing.layer([Testing.error(429), Testing.completion()]))))

  it.effect("a single Reply answers every request, its lazy body replayed each time", () =>
    Effect.gen(function*() {
      const first = (yield* readBody(yield* post())).text
      const second = (yield* readBody(yield* post())).text
      expect(parseSse(first).data).toHaveLength(parseSse(second).data.length)
      expect(parseSse(second).data).toHaveLength(6)
    }).pipe(Effect.provide(Testing.layer(Testing.stream({ deltas: Testing.pieces(3) })))))

  it.effect("a function script receives the recorded request and its index", () =>
    Effect.gen(function*() {
      const a = (yield* Effect.flatMap(post({ model: "m/one" }), (r) => r.json)) as Wire
      const b = (yield* Effect.flatMap(post({ model: "m/two" }), (r) => r.json)) as Wire
      expect([a.choices[0].message.content, b.choices[0].message.content]).toEqual(["0:m/one", "1:m/two"])
    }).pipe(Effect.provide(Testing.layer((request, index) =>
      Testing.completion({ content: `${index}:${(request.body as { model: string }).model}` })
    ))))

  it.effect("a throwing function script answers a 500 carrying the message", () =>
    Effect.gen(function*() {
      const response = yield* post()
      const body = (yield* response.json) as Wire
      expect(response.status).toBe(500)
      expect(body.error.message).toMatch(/oops/)
    }).pipe(Effect.provide(Testing.layer(() => {
      throw new Error("oops")
    }))))

  it.effect("records method, path, URL, lower-cased headers, the parsed body and its text", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      yield* client.execute(
        HttpClientRequest.post(URL_).pipe(
          HttpClientRequest.setHeader("Authorization", "Bearer sk-test"),
          HttpClientRequest.setHeader("X-OpenRouter-Title", "Tests"),
          HttpClientRequest.bodyUnsafeJson({ model: "x/y", stream: false })
        )
      )
      const [request] = yield* Testing.requests
      assert(request !== undefined)
      expect(request.method).toBe("POST")
      expect(request.path).toBe("/api/v1/chat/completions")
      expect(request.url).toBe(URL_)
      expect(request.headers.authorization).toBe("Bearer sk-test")
      expect(request.headers["x-openrouter-title"]).toBe("Tests")
      expect(request.headers["content-type"]).toBe("application/json")
      expect(request.body).toEqual({ model: "x/y", stream: false })
      expect(request.text).toBe("{\"model\":\"x/y\",\"stream\":false}")
    }).pipe(Effect.provide(Testing.layer(Testing.completion()))))

  it.effect("answers other routes with a 404 without consuming the script", () =>
    Effect.gen(function*() {
      const missing = yield* post({}, "https://openrouter.ai/api/v1/models")
      const chat = yield* post()
      expect([missing.status, chat.status]).toEqual([404, 200])
      expect(yield* Testing.requests).toHaveLength(2)
    }).pipe(Effect.provide(Testing.layer([Testing.completion()]))))

  it.effect("setScript answers later requests from the new script", () =>
    Effect.gen(function*() {
      const before = yield* post()
      yield* Testing.setScript(Testing.error(401))
      const after = yield* post()
      expect([before.status, after.status]).toEqual([200, 401])
    }).pipe(Effect.provide(Testing.layer(Testing.completion()))))

  it("pieces is lazy and re-iterable", () => {
    const seq = Testing.pieces(3)
    expect([...seq]).toEqual(["piece-1 ", "piece-2 ", "piece-3 "])
    expect([...seq]).toEqual(["piece-1 ", "piece-2 ", "piece-3 "])
    expect([...Testing.pieces(2, (i) => `<${i}>`)]).toEqual(["<0>", "<1>"])
  })
})

describe("Testing.emulator", () => {
  it.effect("answers a completion that names the emulator and echoes the last user message", () =>
    Effect.gen(function*() {
      const body = (yield* Effect.flatMap(
        post({
          model: "openai/gpt-4o",
          messages: [{ role: "user", content: "old" }, { role: "user", content: "What is 2+2?" }]
        }),
        (r) => r.json
      )) as Wire
      expect(body.model).toBe("openai/gpt-4o")
      expect(body.provider).toBe("Emulator")
      expect(body.choices[0].message.content).toMatch(/OpenRouter emulator/)
      expect(body.choices[0].message.content).toMatch(/no API key/)
      expect(body.choices[0].message.content).toContain("What is 2+2?")
      expect(body.usage.cost).toBeGreaterThan(0)
    }).pipe(Effect.provide(Testing.layer(Testing.emulator))))

  it.effect("answers a stream when the request asks for one, defaulting the model to openrouter/auto", () =>
    Effect.gen(function*() {
      const response = yield* post({
        stream: true,
        messages: [{ role: "user", content: [{ type: "text", text: "Hi!" }] }]
      })
      const sse = parseSse((yield* readBody(response)).text)
      expect(sse.data.at(-1)).toBe("[DONE]")
      const content = sse.chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")
      expect(content).toMatch(/OpenRouter emulator.*Hi!/)
      expect(sse.chunks[0]!.model).toBe("openrouter/auto")
      expect(sse.chunks.at(-1)!.usage.cost).toBeGreaterThan(0)
    }).pipe(Effect.provide(Testing.layer(Testing.emulator))))
})
