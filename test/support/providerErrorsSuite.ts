/**
 * The body of the provider-error test over HTTP, shared by both editions (`test/provider-errors.test.ts`,
 * `effect4/test/provider-errors.test.ts`): the upstream provider's name and own message unpacked from
 * `metadata.raw` (JSON or text, bounded), shown in the printed error, and the generation named by
 * mid-stream errors and cut or reset bodies. A wire exchange, so Effect-free: each edition passes its
 * vitest functions, its `Testing` replies, its `TestServer.listen`, its calls (`calls.ts`) per
 * HttpClient and its `ErrorReaders`.
 */
import { inspect } from "node:util"
import { failure } from "./calls.js"
import { serving, type Wired } from "./suite.js"

const request = { model: "openai/o3", messages: [{ role: "user", content: "Hi" }] }

// The body of an OpenAI 400, as OpenRouter forwards it in `metadata.raw`.
const upstreamJson = JSON.stringify(
  {
    error: {
      message: "Unsupported value: 'none' is not supported with the 'o3' model.",
      type: "invalid_request_error",
      param: "reasoning.effort",
      code: "unsupported_value"
    }
  },
  null,
  2
)

export const providerErrorsSuite = <R>(
  { clients, describe, errors, expect, it, listen, testing: Testing }: Wired<R>
) => {
  const providerError = (raw: unknown, providerName = "OpenAI") =>
    Testing.error(400, { message: "Provider returned error", metadata: { provider_name: providerName, raw } })

  for (const [name, calls] of clients) {
    describe(`provider errors over ${name}`, () => {
      it("unpacks a JSON metadata.raw: the provider's name and own message, OpenRouter's message kept", () =>
        serving(listen, providerError(upstreamJson), async (server) => {
          const error = failure(await calls.send(server.url, request))
          if (!errors.isStatusError(error)) throw new Error(`not a status error: ${error._tag}`)
          expect(error.message).toBe("Provider returned error")
          expect(error.providerName).toBe("OpenAI")
          expect(error.providerMessage).toBe("Unsupported value: 'none' is not supported with the 'o3' model.")
          expect(error.providerError).toEqual(JSON.parse(upstreamJson))
        }))

      it("keeps a metadata.raw that is not JSON as its text", () =>
        serving(listen, providerError("upstream is rate-limited, retry shortly", "BaseTen"), async (server) => {
          const error = failure(await calls.send(server.url, request))
          if (!errors.isStatusError(error)) throw new Error("not a status error")
          expect(error.providerName).toBe("BaseTen")
          expect(error.providerMessage).toBe("upstream is rate-limited, retry shortly")
          expect(error.providerError).toBe("upstream is rate-limited, retry shortly")
        }))

      it("bounds a huge metadata.raw", () =>
        serving(listen, providerError(`{"error":{"message":"${"x".repeat(100_000)}"}}`), async (server) => {
          const error = failure(await calls.send(server.url, request))
          if (!errors.isStatusError(error)) throw new Error("not a status error")
          expect(typeof error.providerError).toBe("string")
          expect((error.providerError as string).length).toBeLessThan(3000)
          expect((error.providerMessage as string).length).toBeLessThan(3000)
        }))

      it("shows the provider and its message in the printed error", () =>
        serving(listen, providerError(upstreamJson), async (server) => {
          const error = failure(await calls.send(server.url, request))
          const printed = String(error)
          expect(printed).toContain("BadRequestResponseError: Provider returned error")
          expect(printed).toContain("provider OpenAI: Unsupported value: 'none'")
          expect(inspect(error)).toContain("provider OpenAI: Unsupported value: 'none'")
        }))

      it("prints an error without provider details as before", () =>
        serving(listen, Testing.error(401, { message: "No auth credentials found" }), async (server) => {
          const error = failure(await calls.send(server.url, request))
          expect(String(error)).toBe("UnauthorizedResponseError: No auth credentials found")
          expect(errors.pretty(error)).toContain("No auth credentials found")
        }))

      it("unpacks the provider of a mid-stream error and names the generation", () =>
        serving(
          listen,
          Testing.midStreamError({
            after: 2,
            id: "gen-mid-1",
            providerName: "Anthropic",
            metadata: {
              raw: "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"
            }
          }),
          async (server) => {
            const error = failure(await calls.stream(server.url, request))
            if (error._tag !== "MidStreamError") throw new Error(error._tag)
            expect(error.providerName).toBe("Anthropic")
            expect(error.providerMessage).toBe("Overloaded")
            expect(error.generationId).toBe("gen-mid-1")
            expect(String(error)).toContain("provider Anthropic: Overloaded")
          }
        ))

      it("names the generation of a stream cut off before [DONE]", () =>
        serving(listen, Testing.truncated({ after: 3, id: "gen-cut-1" }), async (server) => {
          const error = failure(await calls.stream(server.url, request))
          if (error._tag !== "ConnectionError") throw new Error(error._tag)
          expect(error.reason).toBe("StreamCutOff")
          expect(error.generationId).toBe("gen-cut-1")
        }))

      it("names the generation (X-Generation-Id) of a completion whose body was cut off", () =>
        serving(
          listen,
          Testing.raw({
            headers: { "content-type": "application/json", "x-generation-id": "gen-send-cut" },
            body: "{\"id\": \"gen-send-cut\", \"choi",
            ending: "reset"
          }),
          async (server) => {
            const error = failure(await calls.send(server.url, request))
            if (error._tag !== "ConnectionError") throw new Error(error._tag)
            expect(error.generationId).toBe("gen-send-cut")
          }
        ))

      it("names the generation of a stream whose connection is reset", () =>
        serving(listen, Testing.reset({ after: 3, id: "gen-reset-1" }), async (server) => {
          const error = failure(await calls.stream(server.url, request))
          if (error._tag !== "ConnectionError") throw new Error(error._tag)
          expect(error.generationId).toBe("gen-reset-1")
        }))
    })
  }
}
