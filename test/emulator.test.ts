/**
 * The emulator script (`Testing.emulator`, `Testing.emulatorWith`) as a program meets it over a real
 * socket, with both HTTP clients: what it says about the API key is true, it refuses a model id that
 * cannot be one the way OpenRouter does (400, `model_not_found`), and with `models` it refuses every
 * other model with OpenRouter's 404, so a test scripts a `NotFoundResponseError` by name.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Chat } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import * as TestServer from "../src/TestServer.js"
import { httpClients, withServer } from "./support/harness.js"

const messages = [{ role: "user", content: "Hi" }] as const

const content = (response: { readonly choices: ReadonlyArray<{ readonly message?: unknown }> }) =>
  (response.choices[0]?.message as { content?: unknown } | undefined)?.content

/** Model ids OpenRouter refuses with 400 "<model> is not a valid model ID", and the name the message shows. */
const invalidModels: ReadonlyArray<readonly [string, string]> = [
  ["", `""`],
  ["gpt-4o", "gpt-4o"],
  ["openai/ gpt-4o", "openai/ gpt-4o"],
  ["/gpt-4o", "/gpt-4o"],
  [" ", " "]
]

for (const [name, http] of httpClients) {
  describe(`the emulator over ${name}`, () => {
    it.scoped("says it accepts any API key when the program sent one (not that none is set)", () =>
      withServer(http, Testing.emulator, () =>
        Effect.gen(function*() {
          const response = yield* Chat.send({ model: "openai/gpt-4o", messages })
          const text = content(response)
          expect(text).toMatch(/^This answer comes from the local OpenRouter emulator, which accepts any API key: /)
          expect(text).not.toMatch(/OPENROUTER_API_KEY/)
          expect(text).toContain(`You said: "Hi"`)
        })))

    it.scoped("says the request carried no API key when it had none", () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(Testing.emulator)
        const client = yield* HttpClient.HttpClient
        const response = yield* client.execute(
          HttpClientRequest.post(`${server.url}/chat/completions`).pipe(
            HttpClientRequest.bodyUnsafeJson({ model: "openai/gpt-4o", messages })
          )
        )
        const body = (yield* response.json) as { choices: Array<{ message: { content: string } }> }
        expect(body.choices[0]?.message.content).toMatch(
          /the request carried no API key \(OpenRouter would answer 401\)/
        )
      }).pipe(Effect.provide(http)))

    for (const [model, shown] of invalidModels) {
      it.scoped(`refuses the model id ${JSON.stringify(model)} with OpenRouter's 400, for send and stream`, () =>
        withServer(http, Testing.emulator, (server) =>
          Effect.gen(function*() {
            const sent = yield* Effect.flip(Chat.send({ model, messages }))
            const streamed = yield* Effect.flip(Stream.runDrain(Chat.stream({ model, messages })))
            for (const error of [sent, streamed]) {
              expect(error._tag).toBe("BadRequestResponseError")
              if (error._tag !== "BadRequestResponseError") continue
              expect(error.message).toBe(`${shown} is not a valid model ID`)
              expect(error.availability?.code).toBe("model_not_found")
              expect(error.availability?.requested_models).toEqual([model])
              expect(error.errorType).toBe("invalid_request")
            }
            expect((yield* server.requests).length).toBe(2)
          })))
    }

    it.scoped("answers any valid model id and a request without a model", () =>
      withServer(http, Testing.emulator, () =>
        Effect.gen(function*() {
          for (const model of ["openrouter/auto", "acme/never-heard-of-it", "openai/gpt-4o:online", undefined]) {
            const response = yield* Chat.send(model === undefined ? { messages } : { model, messages })
            expect(response.model).toBe(model ?? "openrouter/auto")
          }
        })))

    it.scoped("with models, refuses every other model with OpenRouter's 404 (send and stream)", () =>
      withServer(
        http,
        Testing.emulatorWith({ models: ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4"] }),
        () =>
          Effect.gen(function*() {
            const listed = yield* Chat.send({ model: "anthropic/claude-sonnet-4", messages })
            expect(listed.model).toBe("anthropic/claude-sonnet-4")
            const chunks = yield* Stream.runCollect(Chat.stream({ model: "openai/gpt-4o-mini", messages }))
            expect(chunks.length).toBeGreaterThan(0)
            const sent = yield* Effect.flip(Chat.send({ model: "openai/gpt-4o", messages }))
            const streamed = yield* Effect.flip(Stream.runDrain(Chat.stream({ model: "openai/gpt-4o", messages })))
            for (const error of [sent, streamed]) {
              expect(error._tag).toBe("NotFoundResponseError")
              if (error._tag !== "NotFoundResponseError") continue
              expect(error.status).toBe(404)
              expect(error.message).toBe("No endpoints found for openai/gpt-4o.")
              expect(error.availability?.code).toBe("no_endpoints")
              expect(error.availability?.requested_models).toEqual(["openai/gpt-4o"])
            }
            // Without a model OpenRouter uses the account's default: answered.
            const unnamed = yield* Chat.send({ messages })
            expect(unnamed.choices).toHaveLength(1)
            // An invalid id is still a 400, listed models or not.
            const invalid = yield* Effect.flip(Chat.send({ model: "", messages }))
            expect(invalid._tag).toBe("BadRequestResponseError")
          })
      ))
  })
}
