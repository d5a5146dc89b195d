/**
 * The body of the `Testing` replies test, shared by both editions (`test/replies.test.ts`,
 * `effect4/test/replies.test.ts`): what each reply constructor renders (completions, streams, errors,
 * mid-stream errors, cut streams, raw bodies and SSE, headers), how scripts answer and what the
 * recorder keeps, through the edition's in-process `Testing.layer`. Effect-free: each edition passes
 * its vitest functions, its `Testing` replies, its `InProcess` (`calls.ts`) and its SSE test parser;
 * the replies that wait on the Effect clock stay in each edition's file (they drive `TestClock`).
 */
import { type InProcess, resetError } from "./calls.js"
import type { Replies, Script, Vitest } from "./suite.js"

/** A decoded wire value, read loosely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Wire = any

/** What the suite needs of an edition (`R`: its `Testing.Reply`). */
export interface Edition<R> extends Vitest {
  readonly edition: "effect3" | "effect4"
  readonly testing: Replies<R>
  readonly inProcess: InProcess<Script<R>>
  /** The edition's SSE test parser: the `data:` payloads, the comments and the JSON chunks. */
  readonly parseSse: (text: string) => {
    readonly data: ReadonlyArray<string>
    readonly comments: ReadonlyArray<string>
    readonly chunks: ReadonlyArray<Wire>
  }
}

const chatUrl = "https://openrouter.ai/api/v1/chat/completions"

const decoder = new TextDecoder()

export const repliesSuite = <R>(
  { describe, edition, expect, inProcess, it, parseSse, testing: Testing }: Edition<R>
): void => {
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
    it("renders a chat.completion body with OpenRouter's fields and X-Generation-Id", () =>
      inProcess(
        Testing.completion({
          content: "Paris.",
          reasoning: "Capital of France.",
          model: "anthropic/claude-sonnet-4",
          provider: "Anthropic",
          usage: { prompt_tokens: 7 }
        }),
        async ({ post }) => {
          const response = await post()
          const body = JSON.parse(response.text) as Wire
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
        }
      ))

    it("renders tool calls with null content, serialised arguments and finish_reason tool_calls", () =>
      inProcess(
        Testing.completion({
          toolCalls: [{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }, {
            name: "noop",
            arguments: "{}"
          }]
        }),
        async ({ post }) => {
          const body = (JSON.parse((await post()).text)) as Wire
          expect(body.choices[0].finish_reason).toBe("tool_calls")
          expect(body.choices[0].message.content).toBeNull()
          expect(body.choices[0].message.tool_calls).toEqual([
            {
              index: 0,
              id: "call_1",
              type: "function",
              function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" }
            },
            {
              index: 1,
              id: expect.stringMatching(/^call_/),
              type: "function",
              function: { name: "noop", arguments: "{}" }
            }
          ])
        }
      ))

    it("merges extra fields into the body and omits usage when asked", () =>
      inProcess(
        Testing.completion({
          usage: false,
          extra: { openrouter_metadata: { pipeline: [] } }
        }),
        async ({ post }) => {
          const body = (JSON.parse((await post()).text)) as Wire
          expect(body.openrouter_metadata).toEqual({ pipeline: [] })
          expect("usage" in body).toBe(false)
        }
      ))
  })

  describe("Testing.stream", () => {
    it("sends role first, content pieces, a finish chunk, a usage chunk with no choices, then [DONE]", () =>
      inProcess(Testing.stream({ deltas: ["Hel", "lo"] }), async ({ post }) => {
        const response = await post()
        expect(response.headers["content-type"]).toBe("text/event-stream")
        const { text } = response
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
      }))

    it("streams tool calls keyed by index: name on the first delta, then argument pieces only", () =>
      inProcess(
        Testing.stream({
          toolCalls: [
            { id: "call_a", name: "search", arguments: ["{\"q\":", "\"x\"}"] },
            { name: "noop", arguments: {} }
          ]
        }),
        async ({ post }) => {
          const { chunks } = parseSse((await post()).text)
          const calls = chunks.flatMap((c) => c.choices.flatMap((choice: Wire) => choice.delta.tool_calls ?? []))
          expect(calls).toEqual([
            { index: 0, id: "call_a", type: "function", function: { name: "search", arguments: "" } },
            { index: 0, function: { arguments: "{\"q\":" } },
            { index: 0, function: { arguments: "\"x\"}" } },
            {
              index: 1,
              id: expect.stringMatching(/^call_/),
              type: "function",
              function: { name: "noop", arguments: "" }
            },
            { index: 1, function: { arguments: "{}" } }
          ])
          expect(chunks[0]!.choices[0].delta.role).toBe("assistant")
          expect(chunks.at(-2)!.choices[0].finish_reason).toBe("tool_calls")
        }
      ))

    it("sends reasoning pieces before the content", () =>
      inProcess(Testing.stream({ reasoning: ["Think", "ing"], deltas: ["Answer"] }), async ({ post }) => {
        const { chunks } = parseSse((await post()).text)
        expect(chunks.slice(0, 3).map((c) => c.choices[0].delta)).toEqual([
          { role: "assistant", content: "", reasoning: "Think" },
          { content: "", reasoning: "ing" },
          { content: "Answer" }
        ])
      }))

    it("writes keep-alive comments before every event when keepAlive is set", () =>
      inProcess(Testing.stream({ deltas: ["a"], keepAlive: 2 }), async ({ post }) => {
        const sse = parseSse((await post()).text)
        expect(sse.comments).toHaveLength(2 * sse.data.length)
        expect(new Set(sse.comments)).toEqual(new Set(["OPENROUTER PROCESSING"]))
      }))

    it("frames events with the requested line ending", () =>
      inProcess(Testing.stream({ deltas: ["a", "b"], lineEnding: "\r\n" }), async ({ post }) => {
        const { text } = await post()
        expect(text.endsWith("data: [DONE]\r\n\r\n")).toBe(true)
        expect(text.replaceAll("\r\n", "")).not.toMatch(/[\r\n]/)
        expect(parseSse(text).data).toHaveLength(5)
      }))

    it("leaves out the final chunk, the usage chunk and [DONE] when asked", () =>
      inProcess(
        Testing.stream({
          deltas: ["a"],
          finishReason: null,
          usage: false,
          done: false
        }),
        async ({ post }) => {
          const sse = parseSse((await post()).text)
          expect(sse.data).toHaveLength(1)
          expect(sse.chunks[0]!.choices[0].finish_reason).toBeNull()
        }
      ))

    it("puts the role on the final chunk when there are no deltas", () =>
      inProcess(Testing.stream(), async ({ post }) => {
        const { chunks } = parseSse((await post()).text)
        expect(chunks[0]!.choices[0]).toMatchObject({
          delta: { role: "assistant", content: "" },
          finish_reason: "stop"
        })
        expect(chunks).toHaveLength(2)
      }))

    it("passes whole delta objects through and merges extra into every chunk", () =>
      inProcess(
        Testing.stream({
          deltas: [{ refusal: "no", content: null }],
          extra: { service_tier: "default" }
        }),
        async ({ post }) => {
          const { chunks } = parseSse((await post()).text)
          expect(chunks[0]!.choices[0].delta).toEqual({ role: "assistant", refusal: "no", content: null })
          chunks.forEach((c) => expect(c.service_tier).toBe("default"))
        }
      ))
  })

  describe("Testing.error", () => {
    const statuses = [400, 401, 402, 403, 404, 408, 413, 422, 429, 500, 502, 503, 524, 529, 418]
    it("answers each status with OpenRouter's error body and a message", () =>
      inProcess(statuses.map((status) => Testing.error(status)), async ({ post }) => {
        for (const status of statuses) {
          const response = await post()
          const body = JSON.parse(response.text) as Wire
          expect(response.status).toBe(status)
          expect(body.error.code).toBe(status)
          expect(typeof body.error.message).toBe("string")
          expect(body.error.message.length).toBeGreaterThan(0)
        }
      }))

    it("uses OpenRouter's wording for 401 and 402", () =>
      inProcess([Testing.error(401), Testing.error(402)], async ({ post }) => {
        const unauthorized = (JSON.parse((await post()).text)) as Wire
        const payment = (JSON.parse((await post()).text)) as Wire
        expect(unauthorized.error.message).toBe("No auth credentials found")
        expect(payment.error.message).toMatch(/^Insufficient credits/)
      }))

    it("marks a 429 as rate_limit_exceeded and sends Retry-After in seconds", () =>
      inProcess(Testing.error(429, { retryAfter: "2500 millis" }), async ({ post }) => {
        const response = await post()
        const body = JSON.parse(response.text) as Wire
        expect(body.error.metadata.error_type).toBe("rate_limit_exceeded")
        expect(response.headers["retry-after"]).toBe("3")
      }))

    it("sends a string Retry-After verbatim when it is not a duration", () =>
      inProcess(Testing.error(503, { retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT" }), async ({ post }) => {
        const response = await post()
        expect(response.headers["retry-after"]).toBe("Wed, 21 Oct 2015 07:28:00 GMT")
      }))

    it("gives a 503 the availability fields", () =>
      inProcess(Testing.error(503), async ({ post }) => {
        const body = (JSON.parse((await post()).text)) as Wire
        expect(body.error).toMatchObject({
          code: 503,
          http_status: 503,
          error_type: "provider_unavailable",
          availability: { code: "temporarily_unavailable", retryable: true }
        })
        expect(body.error.metadata.previous_errors).toHaveLength(1)
      }))

    it("gives a 403 moderation metadata", () =>
      inProcess(Testing.error(403), async ({ post }) => {
        const body = (JSON.parse((await post()).text)) as Wire
        expect(body.error.metadata).toMatchObject({ reasons: ["harassment"], provider_name: "OpenAI" })
      }))

    it("overrides message, code and metadata, and adds user_id and extra fields", () =>
      inProcess(
        Testing.error(500, {
          code: "boom",
          message: "Custom",
          metadata: { x: 1 },
          userId: "user_1",
          extra: { openrouter_metadata: { a: 1 } }
        }),
        async ({ post }) => {
          const body = (JSON.parse((await post()).text)) as Wire
          expect(body).toEqual({
            error: { code: "boom", message: "Custom", metadata: { x: 1 } },
            user_id: "user_1",
            openrouter_metadata: { a: 1 }
          })
        }
      ))

    it("sends a raw non-JSON body when given one", () =>
      inProcess(Testing.error(502, { body: "<html>Bad gateway</html>" }), async ({ post }) => {
        const response = await post()
        expect(response.status).toBe(502)
        expect(response.text).toBe("<html>Bad gateway</html>")
      }))
  })

  describe("Testing.midStreamError", () => {
    it("sends N content chunks, then a top-level error chunk with finish_reason error, and no [DONE]", () =>
      inProcess(
        Testing.midStreamError({
          after: 2,
          code: 429,
          message: "slow down",
          errorType: "rate_limit_exceeded"
        }),
        async ({ post }) => {
          const response = await post()
          expect(response.status).toBe(200)
          const sse = parseSse(response.text)
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
        }
      ))

    it("puts the error inside the choice in the older form", () =>
      inProcess(Testing.midStreamError({ after: 1, form: "choice" }), async ({ post }) => {
        const { chunks } = parseSse((await post()).text)
        const last = chunks.at(-1)!
        expect("error" in last).toBe(false)
        expect(last.choices[0]).toMatchObject({ finish_reason: "error", error: { code: 502 } })
      }))
  })

  describe("Testing.truncated / reset / hang", () => {
    it("truncated sends N chunks and ends cleanly without a finish chunk or [DONE]", () =>
      inProcess(Testing.truncated({ after: 3 }), async ({ post }) => {
        const body = await post()
        const sse = parseSse(body.text)
        expect(body.error).toBeUndefined()
        expect(sse.data).toHaveLength(3)
        expect(sse.chunks.every((c) => c.choices[0].finish_reason === null)).toBe(true)
      }))

    it("reset delivers the chunks written so far, then a transport error", () =>
      inProcess(Testing.reset({ after: 20 }), async ({ post }) => {
        const body = await post()
        expect(parseSse(body.text).data).toHaveLength(20)
        // The error's tag, then the tag of the reason it nests, where the edition nests one.
        const [tag, reason] = resetError[edition]
        expect((body.error as Wire)?._tag).toBe(tag)
        const error = reason === undefined ? body.error as Wire : (body.error as Wire).reason
        if (reason !== undefined) expect(error._tag).toBe(reason)
        expect(String(error.cause)).toMatch(/ECONNRESET/)
      }))

    it("a body read to its end is not an abort", () =>
      inProcess(Testing.stream({ deltas: ["a"] }), async ({ post, aborted }) => {
        await post()
        expect(await aborted()).toBe(0)
      }))
  })

  describe("Reply rendering", () => {
    it("writeSize 1 delivers the body one byte per read, multi-byte characters included", () =>
      inProcess(Testing.raw({ body: ["hé", "llo → ", "🌍"], writeSize: 1 }), async ({ post }) => {
        const body = await post()
        expect(body.text).toBe("héllo → 🌍")
        expect(body.pieces.every((p) => p.length === 1)).toBe(true)
        expect(body.pieces).toHaveLength(new TextEncoder().encode("héllo → 🌍").length)
      }))

    it("writeSize re-splits across piece boundaries", () =>
      inProcess(Testing.raw({ body: ["ab", "cd", "efg"], writeSize: 3 }), async ({ post }) => {
        const body = await post()
        expect(body.pieces.map((p) => decoder.decode(p))).toEqual(["abc", "def", "g"])
      }))

    it("withHeaders adds headers and replaces same-named ones regardless of case", () =>
      inProcess(
        Testing.withHeaders(Testing.completion(), {
          "Content-Type": "application/json; charset=utf-8",
          "X-Extra": "1"
        }),
        async ({ post }) => {
          const response = await post()
          expect(response.headers["content-type"]).toBe("application/json; charset=utf-8")
          expect(response.headers["x-extra"]).toBe("1")
        }
      ))

    it("raw sends status, headers and body exactly as given", () =>
      inProcess(Testing.raw({ status: 207, headers: { "x-a": "b" }, body: "plain" }), async ({ post }) => {
        const response = await post()
        expect(response.status).toBe(207)
        expect(response.headers["x-a"]).toBe("b")
        expect(response.text).toBe("plain")
      }))

    it("sse frames hand-written events and JSON values, with [DONE] on request", () =>
      inProcess(Testing.sse([": hi", { a: 1 }, "event: x\ndata: y"], { done: true }), async ({ post }) => {
        const { text } = await post()
        expect(text).toBe(": hi\n\ndata: {\"a\":1}\n\nevent: x\ndata: y\n\ndata: [DONE]\n\n")
      }))

    it("renders a 204 with no body", () =>
      inProcess(Testing.raw({ status: 204 }), async ({ post }) => {
        const response = await post()
        expect(response.status).toBe(204)
      }))
  })

  describe("Scripts and recording", () => {
    it("answers request N with reply N and past the end with a 500 naming the request", () =>
      inProcess([Testing.error(429), Testing.completion()], async ({ post }) => {
        const a = await post()
        const b = await post()
        const c = await post()
        expect([a.status, b.status, c.status]).toEqual([429, 200, 500])
        const body = JSON.parse(c.text) as Wire
        expect(body.error.message).toMatch(/no scripted answer for request #3/)
      }))

    it("a single Reply answers every request, its lazy body replayed each time", () =>
      inProcess(Testing.stream({ deltas: Testing.pieces(3) }), async ({ post }) => {
        const first = (await post()).text
        const second = (await post()).text
        expect(parseSse(first).data).toHaveLength(parseSse(second).data.length)
        expect(parseSse(second).data).toHaveLength(6)
      }))

    it("a function script receives the recorded request and its index", () =>
      inProcess(
        (request, index) => Testing.completion({ content: `${index}:${(request.body as { model: string }).model}` }),
        async ({ post }) => {
          const a = JSON.parse((await post({ model: "m/one" })).text) as Wire
          const b = JSON.parse((await post({ model: "m/two" })).text) as Wire
          expect([a.choices[0].message.content, b.choices[0].message.content]).toEqual(["0:m/one", "1:m/two"])
        }
      ))

    it("a throwing function script answers a 500 carrying the message", () =>
      inProcess(() => {
        throw new Error("oops")
      }, async ({ post }) => {
        const response = await post()
        const body = JSON.parse(response.text) as Wire
        expect(response.status).toBe(500)
        expect(body.error.message).toMatch(/oops/)
      }))

    it("records method, path, URL, lower-cased headers, the parsed body and its text", () =>
      inProcess(Testing.completion(), async ({ post, requests }) => {
        await post({ model: "x/y", stream: false }, {
          headers: { "Authorization": "Bearer sk-test", "X-OpenRouter-Title": "Tests" }
        })
        const [request] = await requests()
        if (request === undefined) throw new Error("no request recorded")
        expect(request.method).toBe("POST")
        expect(request.path).toBe("/api/v1/chat/completions")
        expect(request.url).toBe(chatUrl)
        expect(request.headers.authorization).toBe("Bearer sk-test")
        expect(request.headers["x-openrouter-title"]).toBe("Tests")
        expect(request.headers["content-type"]).toBe("application/json")
        expect(request.body).toEqual({ model: "x/y", stream: false })
        expect(request.text).toBe("{\"model\":\"x/y\",\"stream\":false}")
      }))

    it("answers other routes with a 404 without consuming the script", () =>
      inProcess([Testing.completion()], async ({ post, requests }) => {
        const missing = await post({}, { url: "https://openrouter.ai/api/v1/models" })
        const chat = await post()
        expect([missing.status, chat.status]).toEqual([404, 200])
        expect(await requests()).toHaveLength(2)
      }))

    it("setScript answers later requests from the new script", () =>
      inProcess(Testing.completion(), async ({ post, setScript }) => {
        const before = await post()
        await setScript(Testing.error(401))
        const after = await post()
        expect([before.status, after.status]).toEqual([200, 401])
      }))

    it("pieces is lazy and re-iterable", async () => {
      const seq = Testing.pieces(3)
      expect([...seq]).toEqual(["piece-1 ", "piece-2 ", "piece-3 "])
      expect([...seq]).toEqual(["piece-1 ", "piece-2 ", "piece-3 "])
      expect([...Testing.pieces(2, (i) => `<${i}>`)]).toEqual(["<0>", "<1>"])
    })
  })

  describe("Testing.emulator", () => {
    it("answers a completion that names the emulator and echoes the last user message", () =>
      inProcess(Testing.emulator, async ({ post }) => {
        const body = (JSON.parse(
          (await post({
            model: "openai/gpt-4o",
            messages: [{ role: "user", content: "old" }, { role: "user", content: "What is 2+2?" }]
          })).text
        )) as Wire
        expect(body.model).toBe("openai/gpt-4o")
        expect(body.provider).toBe("Emulator")
        expect(body.choices[0].message.content).toMatch(/OpenRouter emulator/)
        expect(body.choices[0].message.content).toMatch(/no API key/)
        expect(body.choices[0].message.content).toContain("What is 2+2?")
        expect(body.usage.cost).toBeGreaterThan(0)
      }))

    it("answers a stream when the request asks for one, defaulting the model to openrouter/auto", () =>
      inProcess(Testing.emulator, async ({ post }) => {
        const response = await post({
          stream: true,
          messages: [{ role: "user", content: [{ type: "text", text: "Hi!" }] }]
        })
        const sse = parseSse(response.text)
        expect(sse.data.at(-1)).toBe("[DONE]")
        const content = sse.chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")
        expect(content).toMatch(/OpenRouter emulator.*Hi!/)
        expect(sse.chunks[0]!.model).toBe("openrouter/auto")
        expect(sse.chunks.at(-1)!.usage.cost).toBeGreaterThan(0)
      }))
  })
}
