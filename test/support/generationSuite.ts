/**
 * The body of the `Generation.get` test over HTTP, shared by both editions (`test/generation.test.ts`,
 * `effect4/test/generation.test.ts`): the stats of a completion, of a stream (one written as one large
 * piece too), of a stream stopped early and of one a `MidStreamError` names, the request on the wire,
 * and the typed errors (unknown id, nothing sent for an empty id or a bad header). A wire exchange, so
 * Effect-free: each edition passes its vitest functions, its `Testing` replies, its `TestServer.listen`
 * and its calls (`calls.ts`) per HttpClient.
 */
import { inspect } from "node:util"
import type * as Types from "../../src/internal/emulator/types.js"
import { failure, success } from "./calls.js"
import { SECRET } from "./secret.js"
import { serving, type Wired } from "./suite.js"

const request = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

/** A completion as the assertions read it. */
interface Completion {
  readonly id: string
  readonly model: string
  readonly usage: { readonly cost: number }
}

export const generationSuite = <R extends Types.Reply>(
  { clients, describe, expect, it, listen, testing: Testing }: Wired<R>
) => {
  for (const [name, calls] of clients) {
    describe(`Generation.get over ${name}`, () => {
      const sent = async (url: string) => success(await calls.send(url, request)) as unknown as Completion
      const collected = async (url: string) => success(await calls.collect(url, request)) as unknown as Completion

      it("returns the stats of a completion the emulator served", () =>
        serving(
          listen,
          Testing.completion({ content: "Hello", usage: { prompt_tokens: 12, completion_tokens: 7 } }),
          async (server) => {
            const response = await sent(server.url)
            const stats = success(await calls.generation(server.url, response.id))
            expect(stats.id).toBe(response.id)
            expect(stats.model).toBe(response.model)
            expect(stats.provider_name).toBe("Emulator")
            expect(stats.streamed).toBe(false)
            expect(stats.cancelled).toBe(false)
            expect(stats.finish_reason).toBe("stop")
            expect(stats.tokens_prompt).toBe(12)
            expect(stats.tokens_completion).toBe(7)
            expect(stats.total_cost).toBe(response.usage.cost)
          }
        ))

      it("sends GET {baseUrl}/generation?id= with the key and no body", () =>
        serving(listen, Testing.completion({ id: "gen-shape-1" }), async (server) => {
          await sent(server.url)
          success(await calls.generation(server.url, "gen-shape-1", { headers: { "X-Title": "lookup" } }))
          const lookup = server.requests()[1]!
          expect(lookup.method).toBe("GET")
          expect(lookup.path).toBe("/api/v1/generation")
          expect(new URL(lookup.url).searchParams.get("id")).toBe("gen-shape-1")
          expect(lookup.headers["authorization"]).toBe(`Bearer ${SECRET}`)
          expect(lookup.headers["x-title"]).toBe("lookup")
          expect(lookup.headers["content-type"]).toBeUndefined()
          expect(lookup.text).toBe("")
        }))

      it("returns the stats of a stream, with its usage", () =>
        serving(
          listen,
          Testing.stream({ deltas: ["a", "b"], usage: { prompt_tokens: 3, completion_tokens: 2 } }),
          async (server) => {
            const response = await collected(server.url)
            const stats = success(await calls.generation(server.url, response.id, { wait: "5 seconds" }))
            expect(stats.streamed).toBe(true)
            expect(stats.cancelled).toBe(false)
            expect(stats.tokens_completion).toBe(2)
            expect(stats.total_cost).toBe(response.usage.cost)
          }
        ))

      it("returns the stats of a stream written as one large piece (only its head and tail are read)", () => {
        const lazy = Testing.stream({
          deltas: Array.from({ length: 3000 }, (_, i) => `word${i} `),
          usage: { prompt_tokens: 5, completion_tokens: 3000 }
        })
        const encoder = new TextEncoder()
        const pieces = [...lazy.body].filter((p): p is string | Uint8Array =>
          typeof p === "string" || p instanceof Uint8Array
        )
        const whole = encoder.encode(
          pieces.map((p) => typeof p === "string" ? p : new TextDecoder().decode(p)).join("")
        )
        expect(whole.length).toBeGreaterThan(64 * 1024)
        return serving(listen, { ...lazy, body: [whole] }, async (server) => {
          const response = await collected(server.url)
          const stats = success(await calls.generation(server.url, response.id, { wait: "5 seconds" }))
          expect(stats.id).toBe(response.id)
          expect(stats.streamed).toBe(true)
          expect(stats.finish_reason).toBe("stop")
          expect(stats.tokens_completion).toBe(3000)
          expect(stats.total_cost).toBe(response.usage.cost)
        })
      })

      it("marks a stream the consumer stopped early as cancelled", () =>
        serving(listen, Testing.stream({ deltas: Testing.pieces(50), chunkDelay: "20 millis" }), async (server) => {
          const chunks = success(await calls.stream(server.url, request, { take: 2 }))
          const id = (chunks[0] as { readonly id: string }).id
          const stats = success(await calls.generation(server.url, id, { wait: "10 seconds" }))
          expect(stats.cancelled).toBe(true)
          expect(stats.streamed).toBe(true)
        }))

      it("looks up the generation a MidStreamError names", () =>
        serving(listen, Testing.midStreamError({ after: 2 }), async (server) => {
          const error = failure(await calls.stream(server.url, request))
          if (error._tag !== "MidStreamError") throw new Error(error._tag)
          const stats = success(
            await calls.generation(server.url, error.generationId as string, { wait: "5 seconds" })
          )
          expect(stats.id).toBe(error.generationId)
          expect(stats.finish_reason).toBe("error")
        }))

      it("fails an unknown id with NotFoundResponseError at once", () =>
        serving(listen, Testing.completion(), async (server) => {
          const error = failure(await calls.generation(server.url, "gen-unknown"))
          expect(error._tag).toBe("NotFoundResponseError")
          expect(server.requests().length).toBe(1)
          expect(inspect(error, { depth: 20 })).not.toContain(SECRET)
        }))

      it("fails an empty id with InvalidRequestError and sends nothing", () =>
        serving(listen, Testing.completion(), async (server) => {
          const error = failure(await calls.generation(server.url, ""))
          expect(error._tag).toBe("InvalidRequestError")
          expect(server.requests().length).toBe(0)
        }))

      it("fails a bad per-call header with InvalidRequestError and sends nothing", () =>
        serving(listen, Testing.completion(), async (server) => {
          const error = failure(await calls.generation(server.url, "gen-1", { headers: { "x-bad": "a\r\nb" } }))
          expect(error._tag).toBe("InvalidRequestError")
          expect(server.requests().length).toBe(0)
        }))
    })
  }
}
