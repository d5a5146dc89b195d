/**
 * `Chat.collect` folds to exactly what `Chat.send` returns for the same generation: the emulator
 * renders one completion body both ways (a JSON answer, and `Testing.streamOf`), and the fold of the
 * stream deep-equals the response.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as fc from "fast-check"
import { Chat } from "../src/index.js"
import { streamChunks } from "../src/internal/emulator/wire.js"
import type * as S from "../src/Schema.js"
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

// A non-streaming response carries one block per type and index (some providers send no index).
const reasoningDetails = fc.array(fc.tuple(reasoningDetail, fc.boolean()), { maxLength: 3 }).map((details) =>
  details.map(([detail, indexed], index) => (indexed ? { ...detail, index } : detail))
)

// Ids are unique within a reply, as providers make them (a gateway that drops `index` tells calls apart by them).
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
    id: `${call.id}#${index}`,
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
  reasoning_details: reasoningDetails,
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

type Json = Record<string, unknown>

const split = (text: string, size: number): Array<string> => {
  const pieces: Array<string> = []
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size))
  return pieces.length === 0 ? [""] : pieces
}

/**
 * A block as real streams send it: its text (summary, data) in pieces, each fragment with the block's
 * `type`, `index` and other fields; a signature in a fragment of its own after an empty one
 * (Anthropic), and a block without `index` whole.
 */
const fragmentDetail = (detail: Json, size: number): Array<Json> => {
  if (typeof detail.index !== "number") return [detail]
  const { data, signature, summary, text: body, ...head } = detail
  const [key, value] = body !== undefined
    ? ["text", body]
    : summary !== undefined
    ? ["summary", summary]
    : ["data", data]
  const fragments: Array<Json> = value === undefined ?
    [{ ...head }] :
    split(String(value), size).map((piece) => ({ ...head, [key]: piece }))
  if (typeof signature === "string" && signature !== "") {
    fragments[0] = { ...fragments[0], signature: "" }
    fragments.push({ type: detail.type, index: detail.index, signature })
  } else if (signature !== undefined) {
    fragments[0] = { ...fragments[0], signature }
  }
  return fragments
}

/**
 * The emulator's stream of a body with reasoning fragmented the way real streams do, and, with
 * `dropToolIndex`, tool-call fragments without `index` (some Gemini-compatible gateways).
 */
const fragmentedStream = (body: Json, pieceLength: number, dropToolIndex: boolean): Array<Json> =>
  streamChunks(body, pieceLength).flatMap((chunk) => {
    const choice = (chunk.choices as Array<Json>)[0]
    const delta = choice?.delta as Json | undefined
    if (delta === undefined) return [chunk]
    const withDelta = (d: Json): Json => ({ ...chunk, choices: [{ ...choice, delta: d }] })
    if (Array.isArray(delta.reasoning_details) && delta.reasoning_details.length === 1) {
      return fragmentDetail(delta.reasoning_details[0] as Json, pieceLength).map((fragment) =>
        withDelta({ reasoning_details: [fragment] })
      )
    }
    if (dropToolIndex && Array.isArray(delta.tool_calls)) {
      return [withDelta({ tool_calls: (delta.tool_calls as Array<Json>).map(({ index: _, ...rest }) => rest) })]
    }
    return [chunk]
  })

describe("Chat.collect equals Chat.send", () => {
  it(
    "for generated completions whose stream fragments reasoning (and drops tool-call indexes) as real ones do",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          completion,
          fc.integer({ min: 1, max: 9 }),
          fc.boolean(),
          (body, pieceLength, dropIndex) =>
            Effect.gen(function*() {
              const sent = yield* Chat.send(request)
              const collected = yield* Chat.collect(Chat.stream(request))
              expect(collected).toEqual(sent)
              expect(sent).toEqual(body)
            }).pipe(
              Effect.provide(Testing.layerWithConfig([
                Testing.raw({ headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
                Testing.sse(fragmentedStream(body, pieceLength, dropIndex), { done: true })
              ], { retry: false })),
              Effect.runPromise
            )
        ),
        { numRuns: 150 }
      )
    },
    120_000
  ) // 150 runs take 10 s alone, over 30 s on a busy machine

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
  }, 120_000) // 150 runs take 10 s alone, over 30 s on a busy machine

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

/** `Chat.collect` of one chunk per delta, all of choice 0. */
const collectDeltas = (deltas: ReadonlyArray<object>) =>
  Chat.collect(Stream.fromIterable(deltas.map((delta) => ({
    id: "g",
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta }]
  })) as unknown as ReadonlyArray<S.ChatStreamChunk>))

describe("Chat.collect tool-call fragments", () => {
  const fold = (deltas: ReadonlyArray<ReadonlyArray<object>>) =>
    collectDeltas(deltas.map((tool_calls) => ({ tool_calls }))).pipe(
      Effect.map((response) =>
        (response.choices[0]!.message!.tool_calls ?? []).map((call) => [
          call.index,
          call.id,
          call.function?.name,
          call.function?.arguments
        ])
      )
    )
  const fn = (name: string | undefined, args?: string) => ({
    function: { ...(name === undefined ? {} : { name }), ...(args === undefined ? {} : { arguments: args }) }
  })
  const cases: ReadonlyArray<readonly [string, ReadonlyArray<ReadonlyArray<object>>, ReadonlyArray<unknown>]> = [
    [
      "no index: id and name first, then arguments only (a Gemini-compatible gateway), two calls",
      [[{ id: "a", ...fn("f") }], [fn(undefined, "{\"x\":")], [fn(undefined, "1}")], [{ id: "b", ...fn("g") }], [
        fn(undefined, "{}")
      ]],
      [[0, "a", "f", "{\"x\":1}"], [1, "b", "g", "{}"]]
    ],
    [
      "no index and no id: a new name starts a new call",
      [[fn("f", "{\"x\":")], [fn(undefined, "1}")], [fn("g", "{}")]],
      [[0, "", "f", "{\"x\":1}"], [1, "", "g", "{}"]]
    ],
    [
      "no index, the same id again: the same call",
      [[{ id: "a", ...fn("f", "{\"x\":") }], [{ id: "a", ...fn(undefined, "1}") }]],
      [[0, "a", "f", "{\"x\":1}"]]
    ],
    [
      "no index: arguments first start the first call",
      [[fn(undefined, "{}")]],
      [[0, "", "", "{}"]]
    ],
    [
      "the same index 0 with a different id: two parallel calls",
      [[{ index: 0, id: "a", ...fn("f", "{\"x\":1}") }], [{ index: 0, id: "b", ...fn("g", "{\"y\":") }], [{
        index: 0,
        ...fn(undefined, "2}")
      }]],
      [[0, "a", "f", "{\"x\":1}"], [1, "b", "g", "{\"y\":2}"]]
    ],
    [
      "the same index with the same id, or an empty one: the same call",
      [[{ index: 0, id: "a", ...fn("f", "{\"x\":") }], [{ index: 0, id: "a", ...fn("", "1") }], [{
        index: 0,
        id: "",
        ...fn(undefined, "}")
      }]],
      [[0, "a", "f", "{\"x\":1}"]]
    ],
    [
      "an id that comes after the call started fills it in",
      [[{ index: 0, ...fn("f", "{") }], [{ index: 0, id: "late", ...fn(undefined, "}") }]],
      [[0, "late", "f", "{}"]]
    ],
    [
      "indexes interleaved: each fragment goes to its index",
      [[{ index: 0, id: "a", ...fn("f") }, { index: 1, id: "b", ...fn("g") }], [{ index: 1, ...fn(undefined, "{}") }], [
        {
          index: 0,
          ...fn(undefined, "[]")
        }
      ]],
      [[0, "a", "f", "[]"], [1, "b", "g", "{}"]]
    ],
    [
      "a fragment without index after indexed ones continues the last call touched",
      [[{ index: 0, id: "a", ...fn("f") }, { index: 1, id: "b", ...fn("g") }], [fn(undefined, "{}")]],
      [[0, "a", "f", undefined], [1, "b", "g", "{}"]]
    ],
    [
      "a call keeps its streamed index (Anthropic-compatible streams start at 1)",
      [[{ index: 1, id: "a", ...fn("f", "{}") }]],
      [[1, "a", "f", "{}"]]
    ]
  ]
  it.effect.each(cases)("%s", ([, deltas, expected]) =>
    Effect.gen(function*() {
      expect(yield* fold(deltas)).toEqual(expected)
    }))
})

describe("Chat.collect reasoning_details", () => {
  const fold = (fragments: ReadonlyArray<object>) =>
    collectDeltas(fragments.map((detail) => ({ reasoning_details: [detail] }))).pipe(
      Effect.map((response) => response.choices[0]!.message!.reasoning_details)
    )
  const format = "anthropic-claude-v1"
  const cases: ReadonlyArray<readonly [string, ReadonlyArray<object>, ReadonlyArray<object>]> = [
    [
      "text pieces and a signature in a fragment of its own (Anthropic) make one block",
      [
        { type: "reasoning.text", text: "", signature: "", format, index: 0 },
        { type: "reasoning.text", text: "This", format, index: 0 },
        { type: "reasoning.text", text: " is it.", format, index: 0 },
        { type: "reasoning.text", signature: "Et0BCkg", format, index: 0 }
      ],
      [{ type: "reasoning.text", text: "This is it.", signature: "Et0BCkg", format, index: 0 }]
    ],
    [
      "summary and data pieces are concatenated, other fields the first non-empty",
      [
        { type: "reasoning.summary", summary: "a", id: null, index: 0 },
        { type: "reasoning.summary", summary: "b", id: "rs_1", index: 0 },
        { type: "reasoning.encrypted", data: "xx", index: 1 },
        { type: "reasoning.encrypted", data: "yy", id: "rs_2", index: 1 }
      ],
      [
        { type: "reasoning.summary", summary: "ab", id: "rs_1", index: 0 },
        { type: "reasoning.encrypted", data: "xxyy", id: "rs_2", index: 1 }
      ]
    ],
    [
      "blocks of different types or indexes stay apart, each at the place of its first fragment",
      [
        { type: "reasoning.text", text: "a", index: 0 },
        { type: "reasoning.encrypted", data: "d", index: 0 },
        { type: "reasoning.text", text: "b", index: 1 },
        { type: "reasoning.text", text: "c", index: 0 }
      ],
      [
        { type: "reasoning.text", text: "ac", index: 0 },
        { type: "reasoning.encrypted", data: "d", index: 0 },
        { type: "reasoning.text", text: "b", index: 1 }
      ]
    ],
    [
      "fragments without an index stay as sent",
      [{ type: "reasoning.text", text: "a" }, { type: "reasoning.text", text: "b" }],
      [{ type: "reasoning.text", text: "a" }, { type: "reasoning.text", text: "b" }]
    ],
    [
      "896 fragments of one block (Grok) make one block",
      Array.from(
        { length: 896 },
        (_, i) => ({ type: "reasoning.text", text: `${i % 10}`, format: "xai-responses-v1", index: 0 })
      ),
      [{
        type: "reasoning.text",
        text: Array.from({ length: 896 }, (_, i) => `${i % 10}`).join(""),
        format: "xai-responses-v1",
        index: 0
      }]
    ]
  ]
  it.effect.each(cases)("%s", ([, fragments, expected]) =>
    Effect.gen(function*() {
      expect(yield* fold(fragments)).toEqual(expected)
    }))
})
