/**
 * The body of the test kit as a user meets it, shared by both editions (`test/testkit.test.ts`,
 * `effect4/test/testkit.test.ts`): every scripted answer kind that needs no clock, consumed through
 * `Chat` with `Testing.layerWithConfig` (in-process, no socket). Each edition passes its `Wired` and its
 * calls through `Testing.layerWithConfig` (`callsWithConfig` in `callsEffect3.ts` / `callsEffect4.ts`);
 * what drives the Effect clock (delays, idle timeouts, retries in order, an interrupted hang) stays in
 * each edition's file.
 */
import type { Calls } from "./calls.js"
import { failure, success } from "./calls.js"
import type { Script, Wired } from "./suite.js"

/** An edition's calls through `Testing.layerWithConfig(script, config)` (the base URL is not read). */
export type WithConfig<R> = (script: Script<R>, config?: Readonly<Record<string, unknown>>) => Calls

const request = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

/** The layer's own base URL; the calls do not read it. */
const url = "http://openrouter.test/api/v1"

interface Message {
  readonly content?: unknown
  readonly tool_calls?: ReadonlyArray<{ readonly function?: { readonly name?: string; readonly arguments?: string } }>
}

const messageOf = (response: { readonly choices: ReadonlyArray<{ readonly message?: unknown }> }): Message =>
  response.choices[0]!.message as Message

export const testkitSuite = <R>(
  { describe, errors, expect, it, testing: Testing }: Wired<R>,
  withConfig: WithConfig<R>
): void => {
  describe("Testing through Chat", () => {
    it("completion: content, tool calls and usage", async () => {
      const calls = withConfig(Testing.completion({
        content: "Checking",
        toolCalls: [{ name: "lookup", arguments: { q: "x" } }],
        usage: { prompt_tokens: 4, completion_tokens: 2, cost: 0.001 }
      }))
      const response = success(await calls.send(url, request))
      const message = messageOf(response)
      expect(message.content).toBe("Checking")
      expect(message.tool_calls?.[0]?.function?.name).toBe("lookup")
      expect(JSON.parse(message.tool_calls![0]!.function!.arguments!)).toEqual({ q: "x" })
      expect(response.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 2, cost: 0.001 })
    })

    it("stream: deltas, keep-alives and a usage chunk, ending at [DONE]", async () => {
      const calls = withConfig(
        Testing.stream({ deltas: ["Hello", ", ", "world"], keepAlive: 2, usage: { cost: 0.25 } })
      )
      const response = success(await calls.collect(url, request))
      expect(messageOf(response).content).toBe("Hello, world")
      expect((response.usage as { cost?: number } | undefined)?.cost).toBe(0.25)
    })

    for (const status of [400, 401, 402, 403, 404, 408, 413, 422, 429, 500, 502, 503, 524, 529, 418]) {
      it(`error(${status}): the typed error for the status`, async () => {
        const error = failure(await withConfig(Testing.error(status), { retry: false }).send(url, request))
        expect(errors.isStatusError(error)).toBe(true)
        expect(error.status).toBe(status)
        expect(error.message.length).toBeGreaterThan(0)
      })
    }

    it("midStreamError after N chunks", async () => {
      const drained = await withConfig(Testing.midStreamError({ after: 3 }), { retry: false }).drain(url, request)
      expect(drained.error?._tag).toBe("MidStreamError")
      expect(drained.chunks).toHaveLength(3)
    })

    it("truncated: a ConnectionError after the chunks", async () => {
      const error = failure(await withConfig(Testing.truncated({ after: 2 }), { retry: false }).collect(url, request))
      expect(error._tag).toBe("ConnectionError")
    })

    it("reset: a ConnectionError mid-stream", async () => {
      const error = failure(await withConfig(Testing.reset({ after: 2 }), { retry: false }).collect(url, request))
      expect(error._tag).toBe("ConnectionError")
    })

    it("retryAfter: exposed on the error", async () => {
      const error = failure(await withConfig(Testing.error(429, { retryAfter: 90 })).send(url, request))
      expect(errors.retryAfterMillis(error)).toBe(90_000)
    })

    it("a function script answers from the request", async () => {
      const calls = withConfig((req) => Testing.stream({ model: (req.body as { model: string }).model, deltas: ["x"] }))
      const chunks = success(await calls.stream(url, { ...request, model: "echo/model" }))
      expect((chunks[0] as { model?: string }).model).toBe("echo/model")
    })
  })
}
