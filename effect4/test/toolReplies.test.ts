/**
 * The test kit's scripted replies for tool loops: `Testing.callTools`, `Testing.answer`,
 * `Testing.rounds` and `Testing.roundOf`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Chat, Errors, Testing } from "../src/index.js"

const user = { role: "user" as const, content: "Hi" }
const assistantCall = {
  role: "assistant" as const,
  content: null,
  tool_calls: [{ id: "c", type: "function" as const, function: { name: "now", arguments: "{}" } }]
}
const toolResult = { role: "tool" as const, tool_call_id: "c", content: "noon" }

const recorded = (messages: ReadonlyArray<unknown>, stream = false): Testing.RecordedRequest => ({
  method: "POST",
  path: "/api/v1/chat/completions",
  url: "http://x/api/v1/chat/completions",
  headers: {},
  body: { messages, stream },
  text: ""
})

describe("Testing.callTools", () => {
  it.effect("answers a non-streaming request with a completion carrying the calls", () =>
    Effect.gen(function*() {
      const response = yield* Chat.send({ messages: [user] })
      const calls = response.choices[0]?.message?.tool_calls ?? []
      expect(calls.map((c) => [c.function?.name, c.function?.arguments])).toEqual([
        ["a", `{"x":1}`],
        ["b", ""],
        ["c", "{oops"]
      ])
      expect(response.choices[0]?.finish_reason).toBe("tool_calls")
    }).pipe(Effect.provide(Testing.layerWithConfig(
      Testing.callTools([
        { name: "a", arguments: { x: 1 } },
        { name: "b", arguments: "" },
        { name: "c", arguments: "{oops" }
      ])
    ))))

  it.effect("answers a streaming request with tool-call deltas, arguments spread by argumentsChunkSize", () =>
    Effect.gen(function*() {
      const chunks = yield* Stream.runCollect(Chat.stream({ messages: [user] }))
      const argumentPieces = [...chunks].flatMap((c) =>
        (c.choices[0]?.delta?.tool_calls ?? []).map((d) => d.function?.arguments ?? "")
      ).filter((a) => a !== "")
      expect(argumentPieces).toEqual([`{"`, `x"`, `:1`, `}`])
      const collected = yield* Chat.collect(Stream.fromIterable(chunks))
      expect(collected.choices[0]?.message?.tool_calls?.[0]?.function?.arguments).toBe(`{"x":1}`)
    }).pipe(Effect.provide(Testing.layerWithConfig(
      Testing.callTools([{ name: "a", arguments: { x: 1 } }], { argumentsChunkSize: 2 })
    ))))
})

describe("Testing.answer", () => {
  it.effect("answers with text, streamed or not as the request asks", () =>
    Effect.gen(function*() {
      const sent = yield* Chat.send({ messages: [user] })
      expect(sent.choices[0]?.message?.content).toBe("All done here.")
      const streamed = yield* Chat.collect(Chat.stream({ messages: [user] }))
      expect(streamed.choices[0]?.message?.content).toBe("All done here.")
    }).pipe(Effect.provide(Testing.layerWithConfig(Testing.answer("All done here.")))))
})

describe("Testing.rounds", () => {
  it("counts the round as the assistant messages after the last user message", () => {
    expect(Testing.roundOf(recorded([user]))).toBe(0)
    expect(Testing.roundOf(recorded([user, assistantCall, toolResult]))).toBe(1)
    expect(Testing.roundOf(recorded([user, assistantCall, toolResult, assistantCall, toolResult]))).toBe(2)
    // An earlier exchange, before the last user message, does not count.
    expect(Testing.roundOf(recorded([user, { role: "assistant", content: "Hello" }, user]))).toBe(0)
  })

  it("answers each round with its reply; a retried request gets its round's reply again", () => {
    const script = Testing.rounds([
      Testing.error(500),
      (_request, round) => Testing.completion({ content: `r${round}` })
    ])
    expect(Testing.replyTo(script, recorded([user]), 0).status).toBe(500)
    expect(Testing.replyTo(script, recorded([user]), 1).status).toBe(500)
    expect(Testing.replyTo(script, recorded([user, assistantCall, toolResult]), 2).status).toBe(200)
  })

  it.effect("a request past the last round gets a 500 saying so", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Chat.send({ messages: [user, assistantCall, toolResult] }))
      expect(error).toBeInstanceOf(Errors.InternalServerResponseError)
      expect(error.message).toContain("no scripted answer for round #2")
    }).pipe(Effect.provide(Testing.layerWithConfig(Testing.rounds([Testing.answer("only one")]), { retry: false }))))
})
