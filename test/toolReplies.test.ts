/**
 * The test kit's scripted replies for tool loops: `Testing.callTools`, `Testing.answer`,
 * `Testing.rounds` and `Testing.roundOf`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
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

  it("counts an answer asked again (Structured retries, ToolLoop outputRetries) as the next round", () => {
    const reask = { role: "user", content: "Your previous answer cannot be used: it is not valid JSON (x). Again." }
    const bad = { role: "assistant", content: "Wear a coat." }
    expect(Testing.roundOf(recorded([user, assistantCall, toolResult, bad, reask]))).toBe(2)
    expect(Testing.roundOf(recorded([user, bad, reask, bad, reask]))).toBe(2)
    // A user message that merely looks similar starts a new conversation.
    expect(Testing.roundOf(recorded([user, bad, { role: "user", content: "Your answer cannot be used." }]))).toBe(0)
  })

  it("finalAnswer calls final_answer when the loop offers it, else answers with the JSON content", () => {
    const Advice = Schema.Struct({ wear: Schema.String, note: Schema.optional(Schema.String) })
    const reply = Testing.finalAnswer(Advice, { wear: "coat" })
    const tools = [{ type: "function", function: { name: "final_answer", parameters: {} } }]
    const body = (r: Testing.Reply) => JSON.parse(String([...r.body].join("")))
    const withTool = body(reply({ ...recorded([user]), body: { messages: [user], tools } }))
    expect(withTool.choices[0].message.tool_calls[0].function).toEqual({
      name: "final_answer",
      arguments: "{\"wear\":\"coat\",\"note\":null}"
    })
    const formatted = body(reply({
      ...recorded([user]),
      body: { messages: [user], tools, response_format: { type: "json_schema" } }
    }))
    expect(formatted.choices[0].message.content).toBe("{\"wear\":\"coat\",\"note\":null}")
    expect(reply({ ...recorded([user]), body: { messages: [user] } }).status).toBe(200)
    expect(Testing.finalAnswer(Schema.Struct({ n: Schema.Int }), { n: 1.5 })(recorded([user])).status).toBe(500)
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
