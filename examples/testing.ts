/**
 * Testing code that calls OpenRouter without a network or a key: `Testing.layer(script)` is an
 * in-process `HttpClient` that answers from a script and records every request (`Testing.requests`).
 * This runs the checks you would write in vitest as a plain script (the same checks run under vitest
 * in test/examples.test.ts); each prints an `ok` line, a failed assertion exits non-zero.
 *
 *   npm run example -- testing
 *
 * It never uses the network, with or without OPENROUTER_API_KEY.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Console, Effect, Layer, Redacted } from "effect"
import * as assert from "node:assert/strict"
import { OpenRouterConfig, Testing } from "../src/index.js"
import { instruction, summarize } from "./support/summarize.js"

/** The emulator with a script, plus a config without retries (a failure shows at once). */
const testLayer = (script: Testing.Script) =>
  Layer.merge(Testing.layer(script), OpenRouterConfig.layer({ apiKey: Redacted.make("sk-or-test"), retry: false }))

const text = "Effect is a TypeScript library for building programs that are typed, composable and testable."

const checks = [
  [
    "returns the model's answer as the summary",
    Effect.gen(function*() {
      const summary = yield* summarize(text)
      assert.equal(summary, "Effect makes TypeScript programs typed and testable.")
    }).pipe(
      Effect.provide(
        testLayer(Testing.completion({ content: "  Effect makes TypeScript programs typed and testable.\n" }))
      )
    )
  ],
  [
    "sends the instruction and the text, with the key and the model",
    Effect.gen(function*() {
      yield* summarize(text, "anthropic/claude-sonnet-4")
      const [request, ...more] = yield* Testing.requests
      assert.equal(more.length, 0)
      assert.equal(request?.path, "/api/v1/chat/completions")
      assert.equal(request?.headers.authorization, "Bearer sk-or-test")
      assert.deepEqual(request?.body, {
        model: "anthropic/claude-sonnet-4",
        messages: [{ role: "system", content: instruction }, { role: "user", content: text }],
        max_tokens: 100,
        temperature: 0
      })
    }).pipe(Effect.provide(testLayer(Testing.completion())))
  ],
  [
    "fails with PaymentRequiredResponseError when the account is out of credits",
    Effect.gen(function*() {
      const error = yield* Effect.flip(summarize(text))
      assert.equal(error._tag, "PaymentRequiredResponseError")
    }).pipe(Effect.provide(testLayer(Testing.error(402))))
  ],
  [
    "fails with EmptySummaryError when the model answers with no text",
    Effect.gen(function*() {
      const error = yield* Effect.flip(summarize(text))
      assert.equal(error._tag, "EmptySummaryError")
    }).pipe(Effect.provide(testLayer(Testing.completion({ content: "", finishReason: "length" }))))
  ]
] as const

const program = Effect.gen(function*() {
  yield* Console.log("Using the in-process Testing layer (no network, no key).")
  for (const [index, [name, check]] of checks.entries()) {
    yield* check
    yield* Console.log(`ok ${index + 1} - ${name}`)
  }
  yield* Console.log(`${checks.length} checks passed`)
})

NodeRuntime.runMain(program)
