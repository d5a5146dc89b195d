/**
 * The body of the replays of what real models send that the recorded corpus does not hold (issue 20),
 * shared by both editions (`test/replay-cases.test.ts`, `effect4/test/replay-cases.test.ts`):
 * hand-written cases in `test/cases/` (one copy for both editions), written from the descriptions of
 * live traffic, served byte for byte from a loopback server and read through `Chat.send`,
 * `Chat.stream`, `Chat.collect`, `Toolkit.decodeCalls` and the retry policy on both HTTP clients.
 *
 * - `together-qwen-thinking-logprobs-number.json`: a finished, billed completion with a valid tool call
 *   whose choice's `logprobs` is a bare number and which has no `X-Generation-Id` header.
 * - `anthropic-reasoning-signature-fragment.{sse,json}`: one reasoning block streamed as text fragments
 *   and a signature in a fragment of its own, and the same generation's non-streaming body.
 * - a Grok-like stream of 896 fragments of one reasoning block (built here).
 * - `gemini-gateway-tool-calls-without-index.sse`: two calls, no `index`, id and name first.
 * - `parallel-tool-calls-same-index.sse`: two calls streamed with `index: 0` and different ids.
 * - `free-model-429-ratelimit-reset.error.json`: a 429 whose only hint is `X-RateLimit-Reset` in
 *   `metadata.headers`.
 *
 * A wire exchange, so Effect-free: each edition passes its `Wired` and its `ReplayCasesEdition` (the
 * calls with debug logging captured, its `Toolkit.decodeCalls` and a retry policy).
 */
import * as fs from "node:fs"
import { failure, type Outcome, type Response, success } from "./calls.js"
import { serving, type Wired } from "./suite.js"

/** A decoded wire value, read loosely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Wire = any

/** A line the library logged: its message and its annotations. */
export interface Logged {
  readonly message: unknown
  readonly annotations: Readonly<Record<string, unknown>>
}

/** A call's outcome and what it logged at debug level. */
export interface WithLogs {
  readonly outcome: Outcome<Response>
  readonly logs: ReadonlyArray<Logged>
}

/**
 * `Chat.send` and `Chat.collect(Chat.stream(request))` over one HttpClient (the test key, the given base
 * URL, retries off) with debug logging on, capturing what they log.
 */
export interface LoggedCalls {
  readonly send: (baseUrl: string, request: unknown) => Promise<WithLogs>
  readonly collect: (baseUrl: string, request: unknown) => Promise<WithLogs>
}

/** What the replay-cases body takes from an edition besides its `Wired`. */
export interface ReplayCasesEdition {
  /** The logged calls per HttpClient, in the order of `Wired.clients`. */
  readonly logged: ReadonlyArray<LoggedCalls>
  /** `Toolkit.decodeCalls(response, Toolkit.make(get_weather))`, `get_weather` taking `{ city: string }`. */
  readonly decodeCalls: (response: Response) => Promise<
    Outcome<ReadonlyArray<{ readonly id: string; readonly name: string; readonly params: unknown }>>
  >
  /** `Retry.make({ retries: 3 })`. */
  readonly retryThrice: unknown
}

const read = (name: string): string => fs.readFileSync(new URL(`../cases/${name}`, import.meta.url), "utf8")

const request = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

export const replayCasesSuite = <R>(wired: Wired<R>, edition: ReplayCasesEdition): void => {
  const { clients, describe, errors, expect, it, listen, parseSse, testing: Testing } = wired
  const jsonReply = (text: string, headers: Record<string, string> = {}) =>
    Testing.raw({ headers: { "content-type": "application/json", ...headers }, body: text })
  const sseReply = (text: string) => Testing.raw({ headers: { "content-type": "text/event-stream" }, body: text })

  for (const [index, [name, calls]] of clients.entries()) {
    const logged = edition.logged[index]!
    describe(`replay of hand-written cases over ${name}`, () => {
      describe("a billed completion whose logprobs is a bare number (Together, Qwen thinking)", () => {
        const text = read("together-qwen-thinking-logprobs-number.json")
        const body = JSON.parse(text) as Wire

        it("Chat.send returns it, the tool call decodes, logprobs is kept aside and logged", () =>
          serving(listen, jsonReply(text), async (server) => {
            const { logs, outcome } = await logged.send(server.url, request)
            const response = success(outcome)
            const { logprobs, ...choice } = body.choices[0]
            expect(logprobs).toBe(-1.78e-06)
            expect(response).toEqual({
              ...body,
              choices: [choice],
              invalidFields: [{
                path: ["choices", 0, "logprobs"],
                expected: "Logprobs | null | undefined",
                value: logprobs
              }]
            })
            const decoded = success(await edition.decodeCalls(response))
            expect(decoded.map((c) => [c.id, c.name, c.params])).toEqual([
              ["call_9c1f0e2b7a4d4c1e", "get_weather", { city: "Paris" }]
            ])
            expect(logs).toEqual([{
              message: ["effect-openrouter: choices.0.logprobs had an unexpected type; kept in invalidFields"],
              annotations: {
                path: "choices.0.logprobs",
                expected: "Logprobs | null | undefined",
                generationId: body.id
              }
            }])
          }))

        it("streamed, every chunk arrives and Chat.collect keeps logprobs aside with the message's path", () =>
          serving(listen, Testing.streamOf(body, { pieceLength: 5 }), async (server) => {
            const { logs, outcome } = await logged.collect(server.url, request)
            const response = success(outcome) as Wire
            expect(response.choices[0].message.tool_calls.map((c: Wire) => c.function?.arguments)).toEqual([
              "{\"city\": \"Paris\"}"
            ])
            expect(response.choices[0].logprobs).toBeUndefined()
            expect(response.invalidFields).toEqual([{
              path: ["choices", 0, "logprobs"],
              expected: "Logprobs | null | undefined",
              value: -1.78e-06
            }])
            expect(logs.map((l) => l.annotations.path)).toEqual(["choices.0.logprobs"])
            expect(logs.map((l) => l.annotations.generationId)).toEqual([body.id])
          }))

        it("Chat.collect gathers the chunks' invalidFields, a delta's path as the message's, each logged once", () =>
          serving(
            listen,
            Testing.sse([
              {
                id: "gen-d",
                choices: [{ index: 0, delta: { role: "assistant", content: "a", refusal: null, reasoning: 1 } }]
              },
              { id: "gen-d", choices: [{ index: 0, delta: { content: "b" }, logprobs: 2 }], usage: [] }
            ], { done: true }),
            async (server) => {
              const { logs, outcome } = await logged.collect(server.url, request)
              const response = success(outcome) as Wire
              expect(response.choices[0].message.content).toBe("ab")
              expect(response.invalidFields?.map((f: Wire) => [f.path, f.value])).toEqual([
                [["choices", 0, "message", "reasoning"], 1],
                [["usage"], []],
                [["choices", 0, "logprobs"], 2]
              ])
              expect(logs.map((l) => l.annotations.path).sort()).toEqual(
                ["choices.0.delta.reasoning", "choices.0.logprobs", "usage"]
              )
            }
          ))

        it("an essential field of the wrong type still fails, with the body's id as generationId", () =>
          serving(
            listen,
            jsonReply(JSON.stringify({
              ...body,
              choices: [{ ...body.choices[0], message: { ...body.choices[0].message, content: 42 } }]
            })),
            async (server) => {
              const error = failure(await calls.send(server.url, request))
              expect(error._tag).toBe("ResponseDecodeError")
              expect(error.generationId).toBe("gen-1765080000-TqWnThinkLogprobs")
              expect(error.issue).toContain("content")
            }
          ))

        it("a stream chunk with an essential field of the wrong type fails with the chunk's id as generationId", () =>
          serving(
            listen,
            Testing.sse([{ id: "gen-chunk-id", choices: [{ index: 0, delta: { content: 42 } }] }], { done: true }),
            async (server) => {
              const { error } = await calls.drain(server.url, request)
              expect(error?._tag).toBe("ResponseDecodeError")
              expect(error?.generationId).toBe("gen-chunk-id")
            }
          ))

        it("the X-Generation-Id header still names the generation first", () =>
          serving(
            listen,
            jsonReply(JSON.stringify({ ...body, choices: "none" }), { "x-generation-id": "gen-from-header" }),
            async (server) => {
              const error = failure(await calls.send(server.url, request))
              expect(error._tag).toBe("ResponseDecodeError")
              expect(error.generationId).toBe("gen-from-header")
            }
          ))
      })

      describe("a reasoning block streamed as fragments, its signature in one of its own (Anthropic)", () => {
        const sse = read("anthropic-reasoning-signature-fragment.sse")
        const json = read("anthropic-reasoning-signature-fragment.json")

        it("Chat.collect of the stream equals Chat.send of the same generation", () =>
          serving(listen, [sseReply(sse), jsonReply(json)], async (server) => {
            const collected = success(await calls.collect(server.url, request))
            const sent = success(await calls.send(server.url, request))
            expect(sent).toEqual(JSON.parse(json))
            expect(collected).toEqual(sent)
          }))

        it("Chat.stream still emits every fragment as sent", () =>
          serving(listen, sseReply(sse), async (server) => {
            const chunks = success(await calls.stream(server.url, request))
            expect([...chunks]).toEqual(parseSse(sse).chunks)
          }))
      })

      it("896 fragments of one reasoning block (Grok) fold into the one block", () => {
        const pieces = Array.from({ length: 896 }, (_, i) => `w${i} `)
        const chunk = (delta: Wire, extra: Wire = {}) => ({
          id: "gen-grok",
          model: "x-ai/grok-4",
          object: "chat.completion.chunk",
          choices: [{ index: 0, delta, ...extra }]
        })
        const format = "xai-responses-v1"
        return serving(
          listen,
          Testing.sse([
            ...pieces.map((text) =>
              chunk({ reasoning: text, reasoning_details: [{ type: "reasoning.text", text, format, index: 0 }] })
            ),
            chunk({ reasoning_details: [{ type: "reasoning.encrypted", data: "enc-a", format, index: 1 }] }),
            chunk({
              reasoning_details: [{ type: "reasoning.encrypted", data: "enc-b", id: "rs_1", format, index: 1 }]
            }),
            chunk({ content: "Done." }, { finish_reason: "stop" })
          ], { done: true }),
          async (server) => {
            const response = success(await calls.collect(server.url, request)) as Wire
            expect(response.choices[0].message.reasoning_details).toEqual([
              { type: "reasoning.text", text: pieces.join(""), format, index: 0 },
              { type: "reasoning.encrypted", data: "enc-aenc-b", id: "rs_1", format, index: 1 }
            ])
          }
        )
      })

      for (
        const [file, ids] of [
          ["gemini-gateway-tool-calls-without-index.sse", ["tool_0_get_weather_a1", "tool_1_get_weather_b2"]],
          ["parallel-tool-calls-same-index.sse", ["functions.get_weather:0", "functions.get_weather:1"]]
        ] as const
      ) {
        it(`${file}: two calls, each with its own arguments`, () =>
          serving(listen, sseReply(read(file)), async (server) => {
            const response = success(await calls.collect(server.url, request))
            const decoded = success(await edition.decodeCalls(response))
            expect(decoded.map((c) => [c.id, c.params])).toEqual([[ids[0], { city: "Paris" }], [ids[1], {
              city: "Oslo"
            }]])
          }))
      }

      it("a 429 with only X-RateLimit-Reset in metadata.headers: retryAfter is the time to the reset", () => {
        const { body, headers, status } = JSON.parse(read("free-model-429-ratelimit-reset.error.json")) as Wire
        return serving(
          listen,
          [Testing.raw({ status, headers, body: JSON.stringify(body) }), Testing.completion()],
          async (server) => {
            const before = Date.now()
            const error = failure(
              await calls.send(server.url, request, { config: { retry: edition.retryThrice } })
            )
            const after = Date.now()
            expect(error._tag).toBe("TooManyRequestsResponseError")
            const wait = errors.retryAfterMillis(error)!
            const reset = Number(body.error.metadata.headers["X-RateLimit-Reset"])
            expect(wait).toBeGreaterThanOrEqual(reset - after)
            expect(wait).toBeLessThanOrEqual(reset - before)
            // far past maxRetryAfter: the policy gives up at once instead of backing off blindly
            expect(error.attempts).toBe(1)
            expect(server.requests()).toHaveLength(1)
          }
        )
      })
    })
  }
}
