/**
 * The body of the stream-end test over HTTP, shared by both editions (`test/stream-end.test.ts`,
 * `effect4/test/stream-end.test.ts`): how `Chat.stream` leaves the connection once `[DONE]` came (a
 * body that ends soon is read to its end, one left open is cut off after a short grace) and when the
 * program stops early. A wire exchange, so Effect-free: each edition passes its vitest functions, its
 * `Testing` replies, its `TestServer.listen` and its calls (`calls.ts`) per HttpClient.
 */
import { pause } from "../../src/internal/emulator/replies.js"
import { success } from "./calls.js"
import { serving, type Wired } from "./suite.js"

const request = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

/** One SSE event of a content chunk. */
export const chunk = (content: string) =>
  `data: ${
    JSON.stringify({
      id: "gen-1",
      object: "chat.completion.chunk",
      created: 1700000000,
      model: "openai/gpt-4o",
      choices: [{ index: 0, delta: { content }, finish_reason: null }]
    })
  }\n\n`

/** The content of the chunks a stream emitted. */
export const text = (chunks: ReadonlyArray<unknown>) =>
  (chunks as ReadonlyArray<{ readonly choices: ReadonlyArray<{ readonly delta?: { readonly content?: string } }> }>)
    .map((c) => c.choices[0]?.delta?.content ?? "").join("")

const sse = { "content-type": "text/event-stream" }

export const streamEndSuite = <R>({ clients, describe, expect, it, listen, testing: Testing }: Wired<R>) => {
  for (const [name, calls] of clients) {
    describe(`the end of a stream over ${name}`, () => {
      it("a body that ends soon after [DONE] finishes on its own: the request is not aborted", () =>
        serving(
          listen,
          [
            Testing.raw({
              headers: sse,
              body: [chunk("a"), chunk("b"), "data: [DONE]\n\n", pause("50 millis"), ": bye\n\n"]
            }),
            Testing.stream({ deltas: ["c"] })
          ],
          async (server) => {
            expect(text(success(await calls.stream(server.url, request)))).toBe("ab")
            expect(text(success(await calls.stream(server.url, request)))).toBe("c")
            // Ending the stream at [DONE] would abort the first request while its body is still open.
            expect(server.aborted()).toBe(0)
          }
        ))

      it("a body left open after [DONE] is cut off after a short grace, and the stream succeeds", () =>
        serving(
          listen,
          Testing.raw({ headers: sse, body: [chunk("x"), "data: [DONE]\n\n", pause("30 seconds"), chunk("ignored")] }),
          async (server) => {
            const started = Date.now()
            expect(text(success(await calls.stream(server.url, request)))).toBe("x")
            expect(Date.now() - started).toBeLessThan(20_000)
            await server.awaitAbort()
          }
        ))

      it("stopping after the last chunk, before the body ended, still closes the connection", () =>
        serving(
          listen,
          Testing.raw({ headers: sse, body: [chunk("x"), pause("30 seconds"), "data: [DONE]\n\n"] }),
          async (server) => {
            expect(text(success(await calls.stream(server.url, request, { take: 1 })))).toBe("x")
            await server.awaitAbort()
          }
        ))
    })
  }
}
