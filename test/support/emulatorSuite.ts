/**
 * The body of the emulator test, shared by both editions (`test/emulator.test.ts`,
 * `effect4/test/emulator.test.ts`): the emulator script (`Testing.emulator`, `Testing.emulatorWith`)
 * as a program meets it over a real socket, with each HTTP client: what it says about the API key is
 * true, it refuses a model id that cannot be one the way OpenRouter does (400, `model_not_found`), and
 * with `models` it refuses every other model with OpenRouter's 404, so a test scripts a
 * `NotFoundResponseError` by name. A wire exchange, so Effect-free: each edition passes its vitest
 * functions, its scripts, its `TestServer.listen` and its calls (`calls.ts`).
 */
import { type Calls, failure, success } from "./calls.js"
import type { Vitest } from "./suite.js"

/** What the suite needs of an edition (`S`: its `Testing.Script`). */
export interface Edition<S> extends Vitest {
  readonly clients: ReadonlyArray<readonly [string, Calls]>
  readonly emulator: S
  readonly emulatorWith: (options: { readonly models: ReadonlyArray<string> }) => S
  readonly listen: (script: S) => Promise<{
    readonly url: string
    readonly requests: () => ReadonlyArray<unknown>
    readonly close: () => Promise<void>
  }>
}

const messages = [{ role: "user", content: "Hi" }] as const

/** Model ids OpenRouter refuses with 400 "<model> is not a valid model ID", and the name the message shows. */
const invalidModels: ReadonlyArray<readonly [string, string]> = [
  ["", `""`],
  ["gpt-4o", "gpt-4o"],
  ["openai/ gpt-4o", "openai/ gpt-4o"],
  ["/gpt-4o", "/gpt-4o"],
  [" ", " "]
]

export const emulatorSuite = <S>(
  { clients, describe, emulator, emulatorWith, expect, it, listen }: Edition<S>
): void => {
  /** Runs `body` against a server listening with `script`, closed afterwards. */
  const withServer = async (
    script: S,
    body: (server: Awaited<ReturnType<Edition<S>["listen"]>>) => Promise<void>
  ) => {
    const server = await listen(script)
    try {
      await body(server)
    } finally {
      await server.close()
    }
  }

  for (const [name, calls] of clients) {
    describe(`the emulator over ${name}`, () => {
      it("says it accepts any API key when the program sent one (not that none is set)", () =>
        withServer(emulator, async (server) => {
          const response = success(await calls.send(server.url, { model: "openai/gpt-4o", messages }))
          const text = response.choices[0]?.message?.content
          expect(text).toMatch(/^This answer comes from the local OpenRouter emulator, which accepts any API key: /)
          expect(text).not.toMatch(/OPENROUTER_API_KEY/)
          expect(text).toContain(`You said: "Hi"`)
        }))

      it("says the request carried no API key when it had none", () =>
        withServer(emulator, async (server) => {
          const body = await calls.post(`${server.url}/chat/completions`, { model: "openai/gpt-4o", messages }) as {
            readonly choices: ReadonlyArray<{ readonly message: { readonly content: string } }>
          }
          expect(body.choices[0]?.message.content).toMatch(
            /the request carried no API key \(OpenRouter would answer 401\)/
          )
        }))

      for (const [model, shown] of invalidModels) {
        it(`refuses the model id ${JSON.stringify(model)} with OpenRouter's 400, for send and stream`, () =>
          withServer(emulator, async (server) => {
            const sent = failure(await calls.send(server.url, { model, messages }))
            const streamed = failure(await calls.stream(server.url, { model, messages }))
            for (const error of [sent, streamed]) {
              expect(error._tag).toBe("BadRequestResponseError")
              expect(error.message).toBe(`${shown} is not a valid model ID`)
              expect(error.availability?.code).toBe("model_not_found")
              expect(error.availability?.requested_models).toEqual([model])
              expect(error.errorType).toBe("invalid_request")
            }
            expect(server.requests().length).toBe(2)
          }))
      }

      it("answers any valid model id and a request without a model", () =>
        withServer(emulator, async (server) => {
          for (const model of ["openrouter/auto", "acme/never-heard-of-it", "openai/gpt-4o:online", undefined]) {
            const response = success(
              await calls.send(server.url, model === undefined ? { messages } : { model, messages })
            )
            expect(response.model).toBe(model ?? "openrouter/auto")
          }
        }))

      it("with models, refuses every other model with OpenRouter's 404 (send and stream)", () =>
        withServer(emulatorWith({ models: ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4"] }), async (server) => {
          const listed = success(await calls.send(server.url, { model: "anthropic/claude-sonnet-4", messages }))
          expect(listed.model).toBe("anthropic/claude-sonnet-4")
          const chunks = success(await calls.stream(server.url, { model: "openai/gpt-4o-mini", messages }))
          expect(chunks.length).toBeGreaterThan(0)
          const sent = failure(await calls.send(server.url, { model: "openai/gpt-4o", messages }))
          const streamed = failure(await calls.stream(server.url, { model: "openai/gpt-4o", messages }))
          for (const error of [sent, streamed]) {
            expect(error._tag).toBe("NotFoundResponseError")
            expect(error.status).toBe(404)
            expect(error.message).toBe("No endpoints found for openai/gpt-4o.")
            expect(error.availability?.code).toBe("no_endpoints")
            expect(error.availability?.requested_models).toEqual(["openai/gpt-4o"])
          }
          // Without a model OpenRouter uses the account's default: answered.
          const unnamed = success(await calls.send(server.url, { messages }))
          expect(unnamed.choices).toHaveLength(1)
          // An invalid id is still a 400, listed models or not.
          const invalid = failure(await calls.send(server.url, { model: "", messages }))
          expect(invalid._tag).toBe("BadRequestResponseError")
        }))
    })
  }
}
