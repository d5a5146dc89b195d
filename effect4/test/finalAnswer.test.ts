/**
 * `Testing.finalAnswer` (the Effect 3 edition's name, in the Effect 4 edition since 1.0.0): a tool
 * loop's final answer as a `final_answer` call when the request offers that tool, else as JSON content;
 * streamed when the request streams; a value that does not encode is the emulator's 500.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Chat, Testing } from "../src/index.js"

const Advice = Schema.Struct({ wear: Schema.Literals(["coat", "t-shirt"]), note: Schema.optionalKey(Schema.String) })
const user = { role: "user" as const, content: "What should I wear?" }
const finalAnswerTool = {
  type: "function" as const,
  function: { name: "final_answer", parameters: { type: "object" } }
}
const otherTool = { type: "function" as const, function: { name: "get_weather", parameters: { type: "object" } } }

describe("Testing.finalAnswer", () => {
  it.effect.each(
    [
      ["an object root: the strict form", Advice, { wear: "coat" as const }, `{"wear":"coat","note":null}`],
      ["a root that is not an object: wrapped as { value }", Schema.Array(Schema.Number), [1, 2], `{"value":[1,2]}`]
    ] as const
  )(
    "a request offering final_answer gets a final_answer call: %s",
    ([, schema, value, args]) =>
      Effect.gen(function*() {
        const response = yield* Chat.send({ messages: [user], tools: [otherTool, finalAnswerTool] })
        const calls = response.choices[0]?.message?.tool_calls ?? []
        expect(calls.map((c) => [c.function?.name, c.function?.arguments])).toEqual([["final_answer", args]])
        expect(response.choices[0]?.finish_reason).toBe("tool_calls")
      }).pipe(Effect.provide(Testing.layerWithConfig(
        Testing.finalAnswer(schema as Schema.Codec<unknown, unknown>, value)
      )))
  )

  it.effect("a request without the tool (or with response_format) gets the value as JSON content", () =>
    Effect.gen(function*() {
      const plain = yield* Chat.send({ messages: [user], tools: [otherTool] })
      expect(plain.choices[0]?.message?.content).toBe(`{"wear":"t-shirt","note":"sunny"}`)
      expect(plain.choices[0]?.message?.tool_calls ?? []).toEqual([])
      const withFormat = yield* Chat.send({
        messages: [user],
        tools: [finalAnswerTool],
        response_format: { type: "json_object" }
      })
      expect(withFormat.choices[0]?.message?.content).toBe(`{"wear":"t-shirt","note":"sunny"}`)
    }).pipe(Effect.provide(Testing.layerWithConfig(
      Testing.finalAnswer(Advice, { wear: "t-shirt", note: "sunny" })
    ))))

  it.effect("a streaming request gets the arguments in pieces of argumentsChunkSize characters", () =>
    Effect.gen(function*() {
      const chunks = yield* Stream.runCollect(Chat.stream({ messages: [user], tools: [finalAnswerTool] }))
      const pieces = [...chunks].flatMap((c) =>
        (c.choices[0]?.delta?.tool_calls ?? []).map((d) => d.function?.arguments ?? "")
      ).filter((a) => a !== "")
      const inPieces = [`{"wea`, `r":"c`, `oat",`, `"note`, `":nul`, `l}`]
      expect(pieces).toEqual(inPieces)
      const content = yield* Stream.runCollect(Chat.stream({ messages: [user] }))
      const text = [...content].map((c) => c.choices[0]?.delta?.content ?? "")
      expect(text.filter((t) => t !== "")).toEqual(inPieces)
    }).pipe(Effect.provide(Testing.layerWithConfig(
      Testing.finalAnswer(Advice, { wear: "coat" }, { argumentsChunkSize: 5 })
    ))))

  it.effect("a value that does not encode is the emulator's 500, naming Testing.finalAnswer", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Chat.send({ messages: [user], tools: [finalAnswerTool] }))
      expect(error._tag).toBe("InternalServerResponseError")
      expect(error.message).toContain("Testing.finalAnswer: the value does not encode with the Schema")
    }).pipe(Effect.provide(Testing.layerWithConfig(
      Testing.finalAnswer(Advice, { wear: "boots" } as never),
      { retry: false }
    ))))
})
