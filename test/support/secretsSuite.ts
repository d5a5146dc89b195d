/**
 * The body of the "API key is in no exit, no log line and no span" test, shared by both editions
 * (`test/secrets.test.ts`, `effect4/test/secrets.test.ts`): for a success and every kind of failure
 * (`secretCases`), and for a refused connection, over both HTTP clients. What records the spans and
 * the log lines and walks them is the edition's (`Seek`): each Effect has its own tracer, logger and
 * `Exit`; what is asserted of them is here, Effect-free.
 */
import { type SecretCase, secretCases } from "./secretSearch.js"
import type { Vitest } from "./suite.js"

/** A span as a recording tracer saw it, and where the key was found in it (name, attributes, events, links, exit). */
export interface SeenSpan {
  readonly name: string
  readonly found: ReadonlyArray<string>
  /** The HTTP client's span of a request. */
  readonly http: boolean
  /** How it ended (`undefined`: it did not). */
  readonly exit: "success" | "failure" | undefined
  /** Its `http.request.header.authorization` attribute. */
  readonly authorization: unknown
}

/** Where the key was found after one call. */
export interface Sought {
  /** How the call ended: `"success"`, its failure's tag, `"interrupted"` or `"defect"`. */
  readonly outcome: string
  /** The call's value, when it succeeded. */
  readonly value: unknown
  readonly inExit: ReadonlyArray<string>
  /** In every line logged during the call, at every level, with its annotations and cause. */
  readonly inLogs: ReadonlyArray<string>
  /** How many lines were logged. */
  readonly logged: number
  /** Every span a recording tracer (not Effect's native one, so the library opens its own) opened. */
  readonly spans: ReadonlyArray<SeenSpan>
}

/**
 * One call (`Chat.send`, or `Chat.stream` run to its end) with the test key and retries off: for a case,
 * inside a span `test {call}` against an emulator answering the case's reply, with the case's options,
 * interrupted after `interruptAfter` if it says; for `"refused"`, against `http://127.0.0.1:1/api/v1`.
 */
export type Seek = (call: "send" | "stream", target: SecretCase | "refused") => Promise<Sought>

export const secretsSuite = (
  { describe, expect, it }: Vitest,
  clients: ReadonlyArray<readonly [string, Seek]>
): void => {
  for (const [name, seek] of clients) {
    describe(`the API key over ${name}`, () => {
      for (const c of secretCases) {
        for (const call of ["send", "stream"] as const) {
          it(`is in no exit and no span after ${c.name} (Chat.${call})`, async () => {
            const { inExit, inLogs, outcome, spans } = await seek(call, c)
            expect(outcome).toBe(c[call])
            expect(inExit).toEqual([])
            expect(inLogs).toEqual([])
            // The test's span and the library's, and the HTTP client's when a request was sent.
            expect(spans.length).toBeGreaterThanOrEqual(c[call] === "InvalidRequestError" ? 2 : 3)
            for (const span of spans) expect([span.name, span.found]).toEqual([span.name, []])
            if (c[call] !== "InvalidRequestError") {
              const httpSpan = spans.find((s) => s.http)
              expect(httpSpan?.exit).toBeDefined()
              expect(httpSpan?.authorization).toBe("<redacted>")
            }
          })
        }
      }

      it("is in no log line when the library logs (a field taken out of a reply is logged at debug)", async () => {
        const body = {
          id: "gen-1",
          object: "chat.completion",
          model: "openai/gpt-4o",
          choices: [{ index: 0, finish_reason: "stop", logprobs: -1, message: { role: "assistant", content: "Hi" } }]
        }
        const { inLogs, logged, outcome, value } = await seek("send", {
          name: "a reply with a field taken out",
          reply: (t) => t.raw({ body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
          send: "success",
          stream: "success"
        })
        expect(outcome).toBe("success")
        expect((value as { invalidFields?: ReadonlyArray<unknown> }).invalidFields).toHaveLength(1)
        expect(logged).toBeGreaterThan(0)
        expect(inLogs).toEqual([])
      })

      it("is in no exit and no span after a refused connection", async () => {
        for (const call of ["send", "stream"] as const) {
          const { inExit, inLogs, outcome, spans } = await seek(call, "refused")
          expect(outcome).toBe("ConnectionError")
          expect(inExit).toEqual([])
          expect(inLogs).toEqual([])
          // The HTTP client's span of the call (the library's span is checked alongside).
          expect(spans.filter((span) => span.http)).toHaveLength(1)
          for (const span of spans) {
            expect(span.exit).toBe("failure")
            expect([span.name, span.found]).toEqual([span.name, []])
          }
        }
      })
    })
  }
}
