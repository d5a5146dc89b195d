/**
 * `Chat.send` over both HTTP clients against the emulator; the body is shared with the Effect 3
 * edition (`test/support/sendSuite.ts`), this file gives it the Effect 4 edition's pieces.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { sendSuite } from "../../test/support/sendSuite.js"
import * as Chat from "../src/Chat.js"
import * as Testing from "../src/Testing.js"
import { wired } from "./support/callsEffect4.js"
import { httpClients, withServer } from "./support/harness.js"

sendSuite(wired)

// The Effect 3 edition's HTTP client still opens its span (and sends its trace headers) under the native tracer.
describe.each(httpClients)("Chat.send over %s", (_name, http) => {
  it.live("sends no trace headers when no tracer is installed (the HTTP client opens no span)", () =>
    withServer(http, Testing.completion(), (server) =>
      Effect.gen(function*() {
        yield* Chat.send({ model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] })
        const [sent] = yield* server.requests
        expect(sent!.headers["traceparent"]).toBeUndefined()
        expect(sent!.headers["b3"]).toBeUndefined()
      })))
})
