/**
 * The body of the retry test over a real socket, shared by both editions (`test/retry.test.ts`,
 * `effect4/test/retry.test.ts`): a call retried after 503s and a connection reset, a stream retried when
 * it fails before any content (the failed attempt's opening chunk held back, never shown twice) and
 * never once content was emitted, the attempts on the error when the policy gives up, and a slow
 * server timed out with its connection closed. A wire exchange, so Effect-free: each edition passes its
 * `Wired` and its `Retry.make`; the policy's timing itself (the TestClock) stays in each edition's file.
 */
import { failure, success } from "./calls.js"
import { type Duration, serving, type Wired } from "./suite.js"

/** The edition's `Retry.make`. */
export type MakeRetry = (options: {
  readonly retries: number
  readonly baseDelay: Duration
  readonly maxDelay: Duration
  readonly jitter: number
}) => unknown

const request = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

interface Delta {
  readonly choices: ReadonlyArray<{ readonly delta?: { readonly role?: string; readonly content?: string | null } }>
}

const deltaOf = (chunk: unknown) => (chunk as Delta).choices[0]?.delta

/** The text of the chunks' content deltas, in order. */
const contentOf = (chunks: ReadonlyArray<unknown>) => chunks.map((c) => deltaOf(c)?.content ?? "").join("")

export const retrySuite = <R>(
  { clients, describe, expect, it, listen, testing: Testing }: Wired<R>,
  make: MakeRetry
) => {
  const fast = { config: { retry: make({ retries: 2, baseDelay: "1 millis", maxDelay: "5 millis", jitter: 0 }) } }

  for (const [name, calls] of clients) {
    describe(`Retry over a real socket (${name})`, () => {
      it("succeeds after two 503s", () =>
        serving(
          listen,
          [Testing.error(503), Testing.error(503), Testing.completion({ content: "third time" })],
          async (server) => {
            const response = success(await calls.send(server.url, request, fast))
            expect(response.choices[0]!.message!.content).toBe("third time")
            expect(server.requests()).toHaveLength(3)
          }
        ))

      it("succeeds after a connection reset", () =>
        serving(listen, [Testing.reset({ after: 0 }), Testing.completion({ content: "recovered" })], async (server) => {
          const response = success(await calls.send(server.url, request, fast))
          expect(response.choices[0]!.message!.content).toBe("recovered")
          expect(server.requests()).toHaveLength(2)
        }))

      it("retries a stream that fails with an overloaded provider before any content", () =>
        serving(
          listen,
          [
            // an opening chunk without content, then the error
            Testing.midStreamError({ deltas: [""], after: 1, code: 529, errorType: "provider_overloaded" }),
            Testing.stream({ deltas: ["fine ", "now"] })
          ],
          async (server) => {
            const chunks = success(await calls.stream(server.url, request, fast))
            // One opening (role) chunk: the failed attempt's was held back, never shown.
            expect(chunks.filter((c) => deltaOf(c)?.role === "assistant")).toHaveLength(1)
            expect(contentOf(chunks)).toBe("fine now")
            expect(server.requests()).toHaveLength(2)
          }
        ))

      it("hands out the chunks held back before content ahead of the first content chunk, in their order", () =>
        serving(listen, [Testing.stream({ deltas: ["", "", "fine ", "now"] })], async (server) => {
          const chunks = success(await calls.stream(server.url, request, fast))
          // The two contentless chunks wait while a retry is possible, and go out first when content begins.
          expect(chunks.map((c) => deltaOf(c)?.content).slice(0, 4)).toEqual(["", "", "fine ", "now"])
          expect(server.requests()).toHaveLength(1)
        }))

      it("retries a stream whose status is 503 before it starts", () =>
        serving(listen, [Testing.error(503), Testing.stream({ deltas: ["ok"] })], async (server) => {
          const response = success(await calls.collect(server.url, request, fast))
          expect(response.choices[0]!.message!.content).toBe("ok")
          expect(server.requests()).toHaveLength(2)
        }))

      it("never retries a stream once content was emitted", () =>
        serving(
          listen,
          [Testing.midStreamError({ after: 2, code: 529, errorType: "provider_overloaded" }), Testing.stream()],
          async (server) => {
            const { chunks, error } = await calls.drain(server.url, request, fast)
            expect(error?._tag).toBe("MidStreamError")
            expect(error?.contentEmitted).toBe(true)
            expect(contentOf(chunks)).not.toBe("")
            expect(server.requests()).toHaveLength(1)
          }
        ))

      it("gives up after the policy's retries with the attempts on the error", () =>
        serving(listen, [Testing.error(503), Testing.error(503), Testing.error(503)], async (server) => {
          const { error } = await calls.drain(server.url, request, fast)
          expect(error?._tag).toBe("ServiceUnavailableResponseError")
          expect(error?.attempts).toBe(3)
          expect(server.requests()).toHaveLength(3)
        }))

      it("times out a slow server and closes the connection", () =>
        serving(listen, Testing.delay(Testing.completion(), "30 seconds"), async (server) => {
          const error = failure(await calls.send(server.url, request, { call: { timeout: "200 millis" } }))
          expect(error._tag).toBe("TimeoutError")
          await server.awaitAbort()
        }))
    })
  }
}
