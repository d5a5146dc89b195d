/**
 * `Chat.collect` folds to exactly what `Chat.send` returns for the same generation: the emulator
 * renders one completion body both ways (a JSON answer, and `Testing.streamOf`), and the fold of the
 * stream deep-equals the response.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fc from "fast-check"
import { Chat } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import { httpClients, withServer } from "./support/harness.js"

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

const text = fc.string({ unit: "grapheme", maxLength: 40 })
const maybe = <A>(arb: fc.Arbitrary<A>) => fc.option(arb, { nil: null })

const reasoningDetail = fc.oneof(
  fc.record({ type: fc.constant("reasoning.text"), text, signature: maybe(text), format: fc.constant("unknown") }),
  fc.record({ type: fc.constant("reasoning.encrypted"), data: text, id: maybe(text) }),
  fc.record({ type: fc.constant("reasoning.summary"), summary: text }, { requiredKeys: ["type"] })
)

const toolCalls = fc.array(
  fc.record({
    id: text,
    name: fc.stringMatching(/^[a-z_]{1,12}$/),
    arguments: fc.option(fc.json({ maxDepth: 2 }), { nil: undefined }),
    extra: fc.option(text, { nil: undefined })
  }),
  { maxLength: 3 }
).map((calls) =>
  calls.map((call, index) => ({
    index,
    id: call.id,
    type: "function",
    function: call.arguments === undefined ? { name: call.name } : { name: call.name, arguments: call.arguments },
    ...(call.extra === undefined ? {} : { thought_signature: call.extra })
  }))
)

const message = fc.record({
  role: fc.constant("assistant"),
  content: maybe(text),
  reasoning: maybe(text),
  refusal: maybe(text),
  reasoning_details: fc.array(reasoningDetail, { maxLength: 3 }),
  tool_calls: toolCalls,
  annotations: fc.array(
    fc.record({ type: fc.constant("url_citation"), url_citation: fc.record({ url: text, title: text }) }),
    { maxLength: 2 }
  ),
  reasoning_content: text
}, { requiredKeys: ["role", "content"] })

const finishReason = fc.constantFrom("stop", "length", "tool_calls", "content_filter", null)

const completion = fc.record({
  id: fc.oneof(fc.constant("gen-1"), text),
  object: fc.constant("chat.completion"),
  created: fc.nat(),
  model: text,
  provider: text,
  system_fingerprint: maybe(text),
  service_tier: text,
  citations: fc.array(text, { maxLength: 3 }),
  x_extension: fc.record({ flag: fc.boolean(), n: fc.nat() }),
  usage: fc.record({
    prompt_tokens: fc.nat(),
    completion_tokens: fc.nat(),
    total_tokens: fc.nat(),
    cost: fc.double({ min: 0, max: 1, noNaN: true })
  }),
  choices: fc.array(
    fc.record({
      message,
      finish_reason: finishReason,
      native_finish_reason: maybe(text),
      logprobs: fc.constant(null),
      content_filter_results: fc.record({ hate: fc.record({ filtered: fc.boolean() }) })
    }, { requiredKeys: ["message", "finish_reason"] }),
    { minLength: 1, maxLength: 3 }
  ).map((choices) => choices.map((choice, index) => ({ index, ...choice })))
}, { requiredKeys: ["id", "object", "created", "model", "choices"] })

const bothForms = (body: object, pieceLength: number) => [
  Testing.raw({ headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  Testing.streamOf(body as Record<string, unknown>, { pieceLength })
]

describe("Chat.collect equals Chat.send", () => {
  it("for generated completions rendered both ways by the emulator (in-process)", async () => {
    await fc.assert(
      fc.asyncProperty(completion, fc.integer({ min: 1, max: 9 }), (body, pieceLength) =>
        Effect.gen(function*() {
          const sent = yield* Chat.send(request)
          const collected = yield* Chat.collect(Chat.stream(request))
          expect(collected).toEqual(sent)
          expect(sent).toEqual(body)
        }).pipe(
          Effect.provide(Testing.layerWithConfig(bothForms(body, pieceLength), { retry: false })),
          Effect.runPromise
        )),
      { numRuns: 150 }
    )
  })

  describe.each(httpClients)("over %s", (_name, http) => {
    it.scopedLive("for a handful of generated completions over a real socket", () =>
      Effect.forEach(
        fc.sample(completion, 10),
        (body) =>
          withServer(http, bothForms(body, 5), () =>
            Effect.gen(function*() {
              const sent = yield* Chat.send(request)
              expect(yield* Chat.collect(Chat.stream(request))).toEqual(sent)
            })).pipe(Effect.scoped)
      ))
  })
})

describe("Chat.collect envelope", () => {
  const chunk = (fields: object, delta: object = {}) => ({
    object: "chat.completion.chunk",
    ...fields,
    choices: [{ index: 0, delta }]
  })

  it.effect("takes id, model and created from the first chunk that has them non-empty (Azure's placeholder)", () =>
    Effect.gen(function*() {
      const response = yield* Chat.collect(Chat.stream(request))
      expect(response.id).toBe("chatcmpl-1")
      expect(response.model).toBe("gpt-5-nano")
      expect(response.created).toBe(1762317021)
      expect((response as Record<string, unknown>)["prompt_filter_results"]).toEqual([{ prompt_index: 0 }])
      expect(response.choices[0]!.message!.content).toBe("Capital")
    }).pipe(Effect.provide(Testing.layerWithConfig(
      Testing.sse([
        { id: "", model: "", object: "", created: 0, choices: [], prompt_filter_results: [{ prompt_index: 0 }] },
        chunk({ id: "chatcmpl-1", model: "gpt-5-nano", created: 1762317021 }, { role: "assistant", content: "Capital" })
      ], { done: true }),
      { retry: false }
    ))))

  it.effect("keeps top-level fields that only a later chunk carries (service_tier on the last chunk)", () =>
    Effect.gen(function*() {
      const response = yield* Chat.collect(Chat.stream(request))
      expect(response.service_tier).toBe("default")
      expect(response.system_fingerprint).toBe("fp_1")
      expect((response as Record<string, unknown>)["citations"]).toEqual(["https://a.example"])
    }).pipe(Effect.provide(Testing.layerWithConfig(
      Testing.sse([
        chunk({ id: "g", system_fingerprint: "fp_1", citations: ["https://a.example"] }, { content: "a" }),
        chunk({ id: "g", system_fingerprint: "fp_1", service_tier: "default" }, { content: "b" })
      ], { done: true }),
      { retry: false }
    ))))

  it.effect("never lets a repeated empty id or name erase a tool call's", () =>
    Effect.gen(function*() {
      const response = yield* Chat.collect(Chat.stream(request))
      expect(response.choices[0]!.message!.tool_calls).toEqual([
        { index: 0, id: "call_1", type: "function", function: { name: "f", arguments: "{\"a\":1}" } }
      ])
    }).pipe(Effect.provide(Testing.layerWithConfig(
      Testing.sse([
        chunk({ id: "g" }, { tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "f" } }] }),
        chunk({ id: "g" }, {
          tool_calls: [{ index: 0, id: "", type: "function", function: { name: "", arguments: "{\"a\":" } }]
        }),
        chunk({ id: "g" }, { tool_calls: [{ index: 0, function: { arguments: "1}" } }] })
      ], { done: true }),
      { retry: false }
    ))))

  it.effect("concatenates delta fields the schema does not know (reasoning_content)", () =>
    Effect.gen(function*() {
      const response = yield* Chat.collect(Chat.stream(request))
      expect((response.choices[0]!.message as Record<string, unknown>)["reasoning_content"]).toBe("thinking hard")
    }).pipe(Effect.provide(Testing.layerWithConfig(
      Testing.sse([
        chunk({ id: "g" }, { role: "assistant", reasoning_content: "thinking" }),
        chunk({ id: "g" }, { reasoning_content: " hard" })
      ], { done: true }),
      { retry: false }
    ))))
})
