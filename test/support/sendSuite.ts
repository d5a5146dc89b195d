/**
 * The body of the `Chat.send` test, shared by both editions (`test/send.test.ts`,
 * `effect4/test/send.test.ts`): every status to its error class with OpenRouter's message, code and
 * headers, error bodies that are HTML, empty or not JSON, tolerant decoding of the completion, what
 * goes on the wire, invalid requests never sent, `Retry-After`, the error metadata OpenRouter sends,
 * and the key kept out of every error. A wire exchange, so Effect-free: each edition passes its vitest
 * functions, its `Testing` replies, its `TestServer.listen`, its calls (`calls.ts`) per HttpClient and
 * the three `Errors` functions the assertions read.
 */
import { inspect } from "node:util"
import { failure, success } from "./calls.js"
import { SECRET, statusTable } from "./secret.js"
import { serving, type Wired } from "./suite.js"

const request = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

const json = { "content-type": "application/json" }

export const sendSuite = <R>(edition: Wired<R>): void => {
  const { clients, describe, errors, expect, it, listen, testing: Testing } = edition

  const expectNoSecret = (value: unknown) => {
    expect(String(value)).not.toContain(SECRET)
    expect(JSON.stringify(value)).not.toContain(SECRET)
    expect(inspect(value, { depth: 20 })).not.toContain(SECRET)
  }

  for (const [name, calls] of clients) {
    describe(`Chat.send over ${name}`, () => {
      /** The error `Chat.send(body)` fails with against a server answering `script`. */
      const sendFails = (script: R | ReadonlyArray<R>, body: unknown = request) =>
        serving(listen, script, async (server) => failure(await calls.send(server.url, body)))

      for (const [status, tag] of statusTable) {
        it(`fails a ${status} with ${tag} carrying OpenRouter's message, code and headers`, async () => {
          const error = await sendFails(Testing.error(status, {
            message: `upstream said ${status}`,
            code: status,
            headers: { "x-generation-id": "gen-err-1" }
          }))
          expect(error._tag).toBe(tag)
          if (!errors.isStatusError(error)) throw new Error("not a status error")
          expect(error.status).toBe(status)
          expect(error.message).toBe(`upstream said ${status}`)
          expect(error.code).toBe(status)
          expect(error.generationId).toBe("gen-err-1")
          expect((error.headers as Record<string, string>)["x-generation-id"]).toBe("gen-err-1")
          expect(error.body).toMatchObject({ error: { message: `upstream said ${status}` } })
          expectNoSecret(error)
        })
      }

      it("fails an HTML error page with the status class, carrying the raw text", async () => {
        const error = await sendFails(Testing.error(502, {
          body: "<html><body>502 Bad Gateway</body></html>",
          headers: { "content-type": "text/html" }
        }))
        expect(error._tag).toBe("BadGatewayResponseError")
        expect(error.body).toBe("<html><body>502 Bad Gateway</body></html>")
        expect(error.message).toContain("Bad gateway")
        expect(error.message).toContain("502 Bad Gateway")
      })

      it("fails an empty error body with the status class", async () => {
        const error = await sendFails(Testing.error(503, { body: "" }))
        expect(error._tag).toBe("ServiceUnavailableResponseError")
        expect(error.message).toBe("Service unavailable (empty body)")
      })

      it("fails a 200 whose body is an error object with the status error for error.code", async () => {
        const error = await sendFails(Testing.raw({
          status: 200,
          headers: json,
          body: JSON.stringify({ error: { code: 402, message: "Insufficient credits" } })
        }))
        expect(error._tag).toBe("PaymentRequiredResponseError")
        expect(error.message).toBe("Insufficient credits")
      })

      it("fails malformed JSON with ResponseDecodeError holding an excerpt", async () => {
        const error = await sendFails(Testing.raw({ status: 200, headers: json, body: "{\"id\": \"gen-1\", \"choi" }))
        expect(error._tag).toBe("ResponseDecodeError")
        expect(error.excerpt).toBe("{\"id\": \"gen-1\", \"choi")
        expect(error.issue).toContain("not JSON")
      })

      it("bounds the excerpt of a huge undecodable body", async () => {
        const error = await sendFails(Testing.raw({ status: 200, headers: json, body: "x".repeat(100_000) }))
        if (error._tag !== "ResponseDecodeError") throw new Error(error._tag)
        expect((error.excerpt as string).length).toBeLessThan(2200)
      })

      it("fails a JSON body that is not a chat completion with ResponseDecodeError", async () => {
        const error = await sendFails(Testing.raw({ status: 200, headers: json, body: "{\"hello\":1}" }))
        expect(error._tag).toBe("ResponseDecodeError")
      })

      it("returns the decoded completion and keeps unknown response fields", () =>
        serving(
          listen,
          Testing.completion({
            content: "Hello there",
            extra: { brand_new_field: { nested: true } },
            finishReason: "a_reason_nobody_listed"
          }),
          async (server) => {
            const response = success(await calls.send(server.url, request)) as unknown as {
              readonly choices: ReadonlyArray<
                { readonly message: { readonly content: unknown }; finish_reason: unknown }
              >
              readonly usage?: { readonly total_tokens: number }
              readonly brand_new_field: unknown
            }
            expect(response.choices[0]!.message.content).toBe("Hello there")
            expect(response.choices[0]!.finish_reason).toBe("a_reason_nobody_listed")
            expect(response.brand_new_field).toEqual({ nested: true })
            expect(response.usage?.total_tokens).toBeGreaterThan(0)
          }
        ))

      it("passes unknown request fields through to the wire unchanged", () =>
        serving(listen, Testing.completion(), async (server) => {
          const withExtras = {
            ...request,
            reasoning: { effort: "high", some_future_flag: true },
            future_top_level: { a: [1, 2] }
          }
          success(await calls.send(server.url, withExtras))
          const [sent] = server.requests()
          expect(sent!.body).toMatchObject({
            model: "openai/gpt-4o",
            reasoning: { effort: "high", some_future_flag: true },
            future_top_level: { a: [1, 2] }
          })
        }))

      it("sends every header to the server", () =>
        serving(listen, Testing.completion(), async (server) => {
          success(
            await calls.send(server.url, request, {
              headers: { "x-session-id": "s-1" },
              config: {
                httpReferer: "https://example.app",
                appTitle: "Example",
                appCategories: ["cli-agent"],
                metadata: true
              }
            })
          )
          const [sent] = server.requests()
          expect(sent!.method).toBe("POST")
          expect(sent!.path).toBe("/api/v1/chat/completions")
          expect(sent!.headers).toMatchObject({
            "authorization": `Bearer ${SECRET}`,
            "http-referer": "https://example.app",
            "x-openrouter-title": "Example",
            "x-title": "Example",
            "x-openrouter-categories": "cli-agent",
            "x-openrouter-metadata": "enabled",
            "content-type": "application/json",
            "accept": "application/json",
            "x-session-id": "s-1"
          })
          expect(sent!.headers["user-agent"]).toMatch(/^effect-openrouter\/\d+\.\d+\.\d+/)
        }))

      // Under Effect's native tracer (no tracer installed) no one records a trace: the HTTP client opens no
      // span for the request, and so no trace headers name one.
      it("sends no trace headers when no tracer is installed (the HTTP client opens no span)", () =>
        serving(listen, Testing.completion(), async (server) => {
          success(await calls.send(server.url, request))
          const [sent] = server.requests()
          expect(sent!.headers["traceparent"]).toBeUndefined()
          expect(sent!.headers["b3"]).toBeUndefined()
        }))

      it("never sends an invalid request", () =>
        serving(listen, Testing.completion(), async (server) => {
          const error = failure(await calls.send(server.url, { ...request, temperature: 7 }))
          expect(error._tag).toBe("InvalidRequestError")
          expect((error.issues as ReadonlyArray<{ readonly path: string }>).map((i) => i.path)).toContain("temperature")
          const noToolCallId = { messages: [{ role: "tool", content: "42" }] }
          const error2 = failure(await calls.send(server.url, noToolCallId))
          expect(error2._tag).toBe("InvalidRequestError")
          expect(error2.message).toContain("messages.0")
          expect(server.requests()).toHaveLength(0)
        }))

      it("exposes Retry-After on 429 and 503 as a Duration", () =>
        serving(
          listen,
          [Testing.error(429, { retryAfter: 7 }), Testing.error(503, { headers: { "retry-after-ms": "1500" } })],
          async (server) => {
            const e429 = failure(await calls.send(server.url, request))
            expect(e429._tag).toBe("TooManyRequestsResponseError")
            expect(errors.retryAfterMillis(e429)).toBe(7000)
            const e503 = failure(await calls.send(server.url, request))
            expect(e503._tag).toBe("ServiceUnavailableResponseError")
            expect(errors.retryAfterMillis(e503)).toBe(1500)
          }
        ))

      it("decodes moderation metadata on a 403", async () => {
        const error = await sendFails(Testing.error(403, {
          message: "Input flagged",
          metadata: { reasons: ["violence"], flagged_input: "some text", provider_name: "OpenAI", model_slug: "gpt-4o" }
        }))
        if (error._tag !== "ForbiddenResponseError") throw new Error(error._tag)
        expect(error.metadata).toMatchObject({
          reasons: ["violence"],
          flagged_input: "some text",
          model_slug: "gpt-4o"
        })
      })

      it("decodes provider error metadata and error_type", async () => {
        const error = await sendFails(Testing.error(502, {
          metadata: { provider_name: "Anthropic", raw: "{\"type\":\"overloaded\"}", error_type: "provider_unavailable" }
        }))
        if (error._tag !== "BadGatewayResponseError") throw new Error(error._tag)
        const metadata = error.metadata as { readonly provider_name?: string; readonly raw?: string } | undefined
        expect(metadata?.provider_name).toBe("Anthropic")
        expect(metadata?.raw).toBe("{\"type\":\"overloaded\"}")
        expect(error.errorType).toBe("provider_unavailable")
      })

      it("decodes availability errors and honours retryable: false", async () => {
        const error = await sendFails(Testing.error(503, {
          message: "No endpoints found",
          errorExtra: {
            error_type: "no_endpoints",
            http_status: 503,
            availability: {
              code: "no_endpoints",
              retryable: false,
              requested_models: ["x/y"],
              docs_url: "https://openrouter.ai/docs"
            }
          }
        }))
        if (error._tag !== "ServiceUnavailableResponseError") throw new Error(error._tag)
        expect(error.availability?.code).toBe("no_endpoints")
        expect((error.availability as { readonly retryable?: boolean } | undefined)?.retryable).toBe(false)
        expect(error.errorType).toBe("no_endpoints")
        expect(errors.isRetryable(error)).toBe(false)
      })

      it("keeps the key out of every error", () =>
        serving(
          listen,
          [
            Testing.error(401),
            Testing.raw({ status: 200, headers: json, body: "nope" }),
            Testing.reset({ after: 0 })
          ],
          async (server) => {
            for (let i = 0; i < 3; i++) {
              const error = failure(await calls.send(server.url, request))
              expectNoSecret(error)
              expectNoSecret(error.message)
            }
          }
        ))
    })
  }

  describe("Chat.send transport failures", () => {
    for (const [name, calls] of clients) {
      it(`fails with ConnectionError when nothing listens (${name})`, async () => {
        // Port 9 (discard) on loopback: nothing listens there, the connection is refused.
        const error = failure(await calls.send("http://127.0.0.1:9/api/v1", request))
        expect(error._tag).toBe("ConnectionError")
        expect(error.reason).toBe("RequestFailed")
        expectNoSecret(error)
      })
    }
  })
}
