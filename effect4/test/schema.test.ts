import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import * as SchemaIssue from "effect/SchemaIssue"
import * as FastCheck from "fast-check"
import { applyMutations, junk, type Mutation } from "../../test/support/mutations.js"
import * as Cases from "../../test/support/tolerantCases.js"
import { compileGuard, fastDecoder } from "../src/internal/chat/decode.js"
import * as S from "../src/Schema.js"

const getRight = <A>(result: Result.Result<A, Schema.SchemaError>): A => {
  if (Result.isFailure(result)) throw new Error(result.failure.message)
  return result.success
}

const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1()

/** The paths (joined with ".") of the issues of a failed decode. */
const issuePaths = (result: Result.Result<unknown, Schema.SchemaError>): Array<string> => {
  if (Result.isSuccess(result)) throw new Error("expected a decoding failure")
  return formatIssues(result.failure.issue).issues.map((issue) => (issue.path ?? []).map(String).join("."))
}

/**
 * A copy with ordinary objects: Effect 4's Arbitrary builds objects without a prototype, while the
 * client decodes what `JSON.parse` returns (and the decoder's output has `Object.prototype`).
 */
const plain = (u: unknown): unknown => {
  if (Array.isArray(u)) return u.map(plain)
  if (typeof u !== "object" || u === null) return u
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(u)) {
    Object.defineProperty(out, key, {
      value: plain((u as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true
    })
  }
  return out
}

/** Valid values of a schema, from Effect 4's own Arbitrary (seeded), for fast-check to draw from. */
const validOf = (schema: Schema.Top, count: number) =>
  FastCheck.constantFrom(
    ...(Effect.runSync(Arbitrary.sampleEffect(Arbitrary.schema(schema), { count, seed: 23 })) as Array<unknown>)
      .map(plain)
  )

const mutation: FastCheck.Arbitrary<Mutation> = FastCheck.oneof(
  FastCheck.constantFrom(...junk).map((value): Mutation => ({ _tag: "replace", value })),
  FastCheck.constant<Mutation>({ _tag: "delete" }),
  FastCheck.constantFrom(...junk).map((value): Mutation => ({ _tag: "addKey", value }))
)

/** Values from `valid`, each changed by one to three random mutations at random paths. */
const mutated = (valid: FastCheck.Arbitrary<unknown>): FastCheck.Arbitrary<unknown> =>
  FastCheck.tuple(valid, FastCheck.array(FastCheck.tuple(FastCheck.nat(), mutation), { minLength: 1, maxLength: 3 }))
    .map(([value, changes]) => applyMutations(value, changes))

const chunk = () => ({
  id: "gen-1747000000-abc",
  provider: "OpenAI",
  model: "openai/gpt-4o-mini",
  object: "chat.completion.chunk",
  created: 1747000000,
  choices: [{
    index: 0,
    delta: { role: "assistant", content: "Hello" },
    finish_reason: null,
    native_finish_reason: null,
    logprobs: null
  }]
})

const response = () => ({
  id: "gen-1747000000-abc",
  provider: "OpenAI",
  model: "openai/gpt-4o-mini",
  object: "chat.completion",
  created: 1747000000,
  system_fingerprint: null,
  choices: [{
    index: 0,
    finish_reason: "stop",
    native_finish_reason: "stop",
    logprobs: null,
    message: { role: "assistant", content: "Paris.", refusal: null, reasoning: null }
  }],
  usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 }
})

const request = (fields: Record<string, unknown> = {}) => ({
  model: "openai/gpt-4o-mini",
  messages: [{ role: "user", content: "Hi" }],
  ...fields
})

describe("ChatStreamChunk", () => {
  it("keeps unknown fields on the chunk, its choices and their deltas", () => {
    const input = {
      ...chunk(),
      future_top: { a: 1 },
      choices: [{ ...chunk().choices[0], future_choice: 2, delta: { content: "x", future_delta: [3] } }]
    }
    const decoded = getRight(S.decodeChatStreamChunk(input)) as unknown as typeof input
    expect(decoded.future_top).toEqual({ a: 1 })
    expect(decoded.choices[0]!.future_choice).toBe(2)
    expect(decoded.choices[0]!.delta.future_delta).toEqual([3])
  })

  it("keeps a finish_reason value nobody has listed", () => {
    const input = { ...chunk(), choices: [{ index: 0, delta: {}, finish_reason: "brand_new_reason" }] }
    expect(getRight(S.decodeChatStreamChunk(input)).choices[0]!.finish_reason).toBe("brand_new_reason")
  })

  it("accepts null in every optional field", () => {
    const nulls = {
      id: null,
      object: null,
      created: null,
      model: null,
      provider: null,
      system_fingerprint: null,
      service_tier: null,
      usage: null,
      openrouter_metadata: null,
      error: null,
      choices: [{
        index: null,
        delta: {
          role: null,
          content: null,
          reasoning: null,
          reasoning_details: null,
          refusal: null,
          tool_calls: [{ index: 0, id: null, type: null, function: { name: null, arguments: null } }],
          images: null,
          audio: null,
          annotations: null
        },
        finish_reason: null,
        native_finish_reason: null,
        logprobs: null,
        error: null
      }]
    }
    expect(Result.isSuccess(S.decodeChatStreamChunk(nulls))).toBe(true)
  })

  it("accepts a chunk whose choice has no fields at all", () => {
    expect(Result.isSuccess(S.decodeChatStreamChunk({ choices: [{}] }))).toBe(true)
  })

  it("accepts the usage chunk, whose choices are empty", () => {
    const usage = {
      ...chunk(),
      choices: [],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 100,
        total_tokens: 112,
        cost: 0.0001,
        is_byok: false,
        prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 10 },
        cost_details: { upstream_inference_cost: null },
        server_tool_use_details: { web_search_requests: 1 }
      }
    }
    expect(getRight(S.decodeChatStreamChunk(usage)).usage?.cost).toBe(0.0001)
  })

  it("decodes a mid-stream error chunk with its error and metadata", () => {
    const error = {
      ...chunk(),
      error: { code: 502, message: "Provider disconnected", metadata: { error_type: "provider_unavailable" } },
      choices: [{ index: 0, delta: { content: "" }, finish_reason: "error" }]
    }
    const decoded = getRight(S.decodeChatStreamChunk(error))
    expect(decoded.error?.metadata?.error_type).toBe("provider_unavailable")
    expect(decoded.choices[0]!.finish_reason).toBe("error")
  })

  it("decodes an error reported inside a choice, as older traffic does", () => {
    const error = {
      ...chunk(),
      choices: [{
        index: 0,
        delta: { content: "" },
        finish_reason: "error",
        error: { code: "server", message: "Boom" }
      }]
    }
    expect(getRight(S.decodeChatStreamChunk(error)).choices[0]!.error?.code).toBe("server")
  })

  it("keeps a reasoning detail of an unknown type", () => {
    const detail = { type: "reasoning.future", blob: "x", index: 0 }
    const input = { ...chunk(), choices: [{ index: 0, delta: { reasoning_details: [detail] } }] }
    expect(getRight(S.decodeChatStreamChunk(input)).choices[0]!.delta?.reasoning_details).toEqual([detail])
  })

  it("rejects a chunk without choices", () => {
    expect(Result.isFailure(S.decodeChatStreamChunk({ ...chunk(), choices: undefined }))).toBe(true)
  })

  it("rejects a delta whose content is not a string, naming the path", () => {
    const input = { ...chunk(), choices: [{ index: 0, delta: { content: 42 } }] }
    expect(issuePaths(S.decodeChatStreamChunk(input))).toContain("choices.0.delta.content")
  })

  it("returns the parsed object itself when it is valid", () => {
    const input = chunk()
    expect(getRight(S.decodeChatStreamChunk(input))).toBe(input)
  })
})

describe("ChatResponse", () => {
  it("decodes tool calls, annotations, images, reasoning details and usage with cost", () => {
    const input = {
      ...response(),
      choices: [{
        index: 0,
        finish_reason: "tool_calls",
        native_finish_reason: "TOOL_USE",
        message: {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }],
          annotations: [{ type: "url_citation", url_citation: { url: "https://a.example", title: "A" } }],
          images: [{ type: "image_url", image_url: { url: "data:image/png;base64,AA" } }],
          reasoning_details: [{ type: "reasoning.encrypted", data: "xyz", format: "anthropic-claude-v1" }]
        }
      }],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3, cost: 0.5, is_byok: true }
    }
    const decoded = getRight(S.decodeChatResponse(input))
    expect(decoded.choices[0]!.message?.tool_calls?.[0]?.function?.name).toBe("f")
    expect(decoded.usage?.cost).toBe(0.5)
  })

  it("rejects a 200 error body without choices, which decodes as an ErrorResponse", () => {
    const body = { error: { code: 429, message: "Rate limited" }, user_id: "u1" }
    expect(issuePaths(S.decodeChatResponse(body))).toContain("choices")
    expect(getRight(S.decodeErrorResponse(body)).error.message).toBe("Rate limited")
  })

  it("keeps unknown fields in the message and the usage details", () => {
    const input = {
      ...response(),
      choices: [{ index: 0, message: { role: "assistant", content: "x", future_message: true } }],
      usage: { total_tokens: 1, prompt_tokens_details: { cached_tokens: 0, future_tokens: 4 } }
    }
    const decoded = getRight(S.decodeChatResponse(input)) as unknown as typeof input
    expect(decoded.choices[0]!.message.future_message).toBe(true)
    expect(decoded.usage.prompt_tokens_details.future_tokens).toBe(4)
  })

  it("accepts a message whose content is a list of parts, of known and unknown types", () => {
    const content = [{ type: "text", text: "a" }, { type: "refusal", refusal: "no" }]
    const input = { ...response(), choices: [{ index: 0, message: { role: "assistant", content } }] }
    expect(getRight(S.decodeChatResponse(input)).choices[0]!.message?.content).toEqual(content)
  })

  it("keeps an array where an object belongs aside in invalidFields, naming the field", () => {
    const input = { ...response(), usage: [] }
    const decoded = getRight(S.decodeChatResponse(input))
    expect(decoded.usage).toBeUndefined()
    expect(decoded.invalidFields).toEqual([{ path: ["usage"], expected: "Usage | null | undefined", value: [] }])
  })
})

describe("ErrorResponse", () => {
  it("decodes the availability fields and the previous errors", () => {
    const body = {
      error: {
        code: 503,
        message: "No endpoints available",
        error_type: "provider_unavailable",
        http_status: 503,
        availability: {
          code: "capacity_exhausted",
          retryable: true,
          retry_after: 30,
          requested_models: ["a/b"],
          affected_providers: ["P"],
          fallback_models: ["c/d"],
          docs_url: "https://openrouter.ai/docs"
        },
        metadata: { previous_errors: [{ provider: "P", code: 503, status: 503 }] }
      },
      user_id: "user_1"
    }
    const decoded = getRight(S.decodeErrorResponse(body))
    expect(decoded.error.availability?.retry_after).toBe(30)
    expect(decoded.error.metadata?.previous_errors?.[0]?.provider).toBe("P")
  })

  it("keeps an availability code nobody has listed", () => {
    const body = { error: { code: 503, message: "x", availability: { code: "new_reason", retryable: false } } }
    expect(getRight(S.decodeErrorResponse(body)).error.availability?.code).toBe("new_reason")
  })

  it("accepts a string error code", () => {
    expect(getRight(S.decodeErrorResponse({ error: { code: "server_error", message: "x" } })).error.code).toBe(
      "server_error"
    )
  })

  it("tells moderation, guardrail and provider metadata apart", () => {
    const moderation = { reasons: ["violence"], flagged_input: "...", provider_name: "OpenAI", model_slug: "m" }
    const guardrail = { patterns: ["ignore all previous instructions"] }
    const provider = { provider_name: "Anthropic", raw: "{\"error\":\"overloaded\"}" }
    expect(Schema.is(S.ModerationErrorMetadata)(moderation)).toBe(true)
    expect(Schema.is(S.ModerationErrorMetadata)(provider)).toBe(false)
    expect(Schema.is(S.GuardrailErrorMetadata)(guardrail)).toBe(true)
    expect(Schema.is(S.GuardrailErrorMetadata)(provider)).toBe(false)
    expect(Schema.is(S.ProviderErrorMetadata)(provider)).toBe(true)
    expect(Schema.is(S.ProviderErrorMetadata)(guardrail)).toBe(false)
  })
})

describe("ChatRequest", () => {
  it("accepts a minimal request with only messages", () => {
    expect(Result.isSuccess(S.validateRequest({ messages: [{ role: "user", content: "Hi" }] }))).toBe(true)
  })

  it("rejects a temperature of 3, naming temperature", () => {
    expect(issuePaths(S.validateRequest(request({ temperature: 3 })))).toContain("temperature")
  })

  it("rejects a tool message without tool_call_id, naming the field", () => {
    const messages = [{ role: "tool", content: "42" }]
    expect(issuePaths(S.validateRequest(request({ messages })))).toContain("messages.0.tool_call_id")
  })

  // Effect 4 reports a union member that no candidate matched at the member itself (Effect 3 named
  // its `type`)
  it("rejects a content part of an unknown type, naming the part", () => {
    const messages = [{ role: "user", content: [{ type: "text", text: "a" }, { type: "hologram" }] }]
    expect(issuePaths(S.validateRequest(request({ messages })))).toContain("messages.0.content.1")
  })

  it("rejects an empty message list", () => {
    expect(issuePaths(S.validateRequest(request({ messages: [] })))).toContain("messages")
  })

  it("rejects top_logprobs above 20", () => {
    expect(issuePaths(S.validateRequest(request({ top_logprobs: 21 })))).toContain("top_logprobs")
  })

  it("rejects a session_id longer than 256 characters", () => {
    expect(issuePaths(S.validateRequest(request({ session_id: "s".repeat(257) })))).toContain("session_id")
  })

  it("rejects metadata with more than 16 pairs", () => {
    const metadata = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"]))
    expect(issuePaths(S.validateRequest(request({ metadata })))).toContain("metadata")
  })

  it("rejects more than 4 stop sequences", () => {
    expect(issuePaths(S.validateRequest(request({ stop: ["a", "b", "c", "d", "e"] })))).toContain("stop")
  })

  it("rejects a reasoning effort the spec does not list", () => {
    expect(issuePaths(S.validateRequest(request({ reasoning: { effort: "extreme" } })))).toContain("reasoning.effort")
  })

  it("accepts the full set of message kinds, tools, plugins and routing preferences", () => {
    const full = request({
      messages: [
        {
          role: "system",
          content: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral", ttl: "1h" } }]
        },
        { role: "developer", content: "No emojis." },
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: "https://a.example/i.png", detail: "high" } },
            { type: "input_audio", input_audio: { data: "AAAA", format: "wav" } },
            { type: "video_url", video_url: { url: "https://a.example/v.mp4" } },
            { type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,AA" } }
          ]
        },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }],
          reasoning_details: [{ type: "reasoning.text", text: "thinking", signature: "sig" }]
        },
        { role: "tool", tool_call_id: "call_1", content: "42" }
      ],
      tools: [
        { type: "function", function: { name: "f", parameters: { type: "object" }, strict: true } },
        { type: "openrouter:web_search", parameters: { max_results: 3 } }
      ],
      tool_choice: { type: "function", function: { name: "f" } },
      plugins: [{ id: "web", max_results: 3 }, { id: "file-parser", pdf: { engine: "pdf-text" } }],
      provider: { order: ["anthropic"], allow_fallbacks: false, sort: { by: "price", partition: "none" } },
      response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" } } },
      reasoning: { effort: "high", max_tokens: 2000, exclude: true, enabled: true },
      metadata: { user: "u" },
      stop: ["\n"],
      logit_bias: { "50256": -100 }
    })
    expect(Result.isSuccess(S.validateRequest(full))).toBe(true)
  })

  it("keeps unknown fields at the top level and in nested objects", () => {
    const input = request({
      transforms: ["middle-out"],
      reasoning: { effort: "low", future_reasoning_knob: 1 },
      provider: { order: ["a"], future_routing_knob: true },
      messages: [{ role: "user", content: [{ type: "text", text: "Hi", future_part_field: "p" }], future_msg: 1 }],
      tools: [{ type: "function", function: { name: "f", future_fn_field: 2 } }]
    })
    expect(getRight(S.validateRequest(input))).toEqual(input)
  })

  it("keeps unknown fields when encoding", () => {
    const input = request({ transforms: ["middle-out"], reasoning: { future_reasoning_knob: 1 } })
    expect(getRight(Schema.encodeUnknownResult(S.ChatRequest)(input))).toEqual(input)
  })
})

describe("fast path", () => {
  const decodeWithSchema = (schema: Schema.Decoder<unknown>) => Schema.decodeUnknownResult(schema)

  // Effect's decoder copies a record key "__proto__" by assignment, which sets the copy's prototype
  // instead of keeping the key, so its output cannot equal such an input; the fast path returns the
  // input itself and keeps the key. Values with that key are left out of the comparisons.
  const hasProtoKey = (u: unknown): boolean => {
    if (typeof u !== "object" || u === null) return false
    if (Object.prototype.hasOwnProperty.call(u, "__proto__")) return true
    return Object.values(u).some(hasProtoKey)
  }

  const agreement = (
    name: string,
    schema: Schema.Decoder<unknown>,
    fast: (u: unknown) => Result.Result<unknown, Schema.SchemaError>
  ) => {
    const guard = compileGuard(schema.ast)
    const slow = decodeWithSchema(schema)
    const valid = validOf(schema, 300)

    it(`returns every valid ${name} itself, as the schema decodes it`, () => {
      FastCheck.assert(
        FastCheck.property(valid, (value) => {
          FastCheck.pre(!hasProtoKey(value))
          const result = fast(value)
          expect(Result.isSuccess(result) && result.success === value).toBe(true)
          expect(getRight(slow(value))).toStrictEqual(value)
        }),
        { numRuns: 300 }
      )
    })

    it(`accepts exactly the mutated ${name} values the schema accepts, with the same result`, () => {
      let accepted = 0
      FastCheck.assert(
        FastCheck.property(mutated(valid), (value) => {
          FastCheck.pre(!hasProtoKey(value))
          const expected = slow(value)
          expect(guard(value)).toBe(Result.isSuccess(expected))
          const actual = fast(value)
          if (Result.isSuccess(expected)) {
            accepted++
            expect(getRight(actual)).toStrictEqual(expected.success)
          } else {
            expect(Result.isFailure(actual)).toBe(true)
          }
        }),
        { numRuns: 1000 }
      )
      // both outcomes must occur, or the property says little
      expect(accepted).toBeGreaterThan(50)
      expect(accepted).toBeLessThan(950)
    })
  }

  it("compiles a recursive schema", () => {
    interface Tree {
      readonly value: number
      readonly children: ReadonlyArray<Tree>
    }
    const Tree: Schema.Codec<Tree> = Schema.Struct({
      value: Schema.Number,
      children: Schema.Array(Schema.suspend((): Schema.Codec<Tree> => Tree))
    })
    const guard = compileGuard(Tree.ast)
    expect(guard({ value: 1, children: [{ value: 2, children: [] }] })).toBe(true)
    expect(guard({ value: 1, children: [{ value: "2", children: [] }] })).toBe(false)
  })

  // A struct's guard is generated code (one read per property name) where the runtime allows it.
  it("generates a struct's guard whatever its property names (names enter the code as string literals)", () => {
    const names = ["a\"b", "c\\d", "e\u2028f", "constructor", "\"}) || true; ({\"", "case", "__proto__x"]
    const OddNames = Schema.Struct(Object.fromEntries(names.map((name) => [name, Schema.String])))
    const guard = compileGuard(OddNames.ast)
    // the generated function, not the closure it falls back to
    expect(guard.name).toBe("guard")
    const valid = Object.fromEntries(names.map((name) => [name, "s"]))
    expect(guard(valid)).toBe(true)
    for (const name of names) {
      expect(guard({ ...valid, [name]: 1 })).toBe(false)
      const { [name]: _, ...missing } = valid
      expect(guard(missing)).toBe(false)
    }
  })

  // The generated guard reads each property by name, as the decoder does: absent means not `in` the
  // input, and a name `Object.prototype` has (`constructor`) counts only as an own property.
  it("tells absent, undefined and inherited properties apart as the decoder does", () => {
    const Named = Schema.Struct({
      constructor: Schema.optionalKey(Schema.String),
      toString: Schema.optionalKey(Schema.String),
      a: Schema.optionalKey(Schema.String),
      b: Schema.optional(Schema.Number),
      r: Schema.Unknown
    })
    const guard = compileGuard(Named.ast)
    expect(guard.name).toBe("guard")
    const slow = Schema.decodeUnknownResult(Named)
    const inherited = Object.create({ a: 1 }) as Record<string, unknown>
    inherited.r = 0
    const values: Array<[unknown, boolean]> = [
      [{ r: 0 }, true],
      [{}, false],
      [{ r: undefined }, true],
      [{ r: 0, constructor: "c", toString: "t" }, true],
      [{ r: 0, constructor: 1 }, false],
      [{ r: 0, toString: 1 }, false],
      [{ r: 0, a: undefined }, false],
      [{ r: 0, b: undefined }, true],
      [{ r: 0, b: "1" }, false],
      [inherited, false]
    ]
    for (const [value, accepted] of values) {
      expect(Result.isSuccess(slow(value))).toBe(accepted)
      expect(guard(value)).toBe(accepted)
    }
  })

  it("inlines keyword, literal and union tests exactly as the closures test them", () => {
    const Inline = Schema.Struct({
      n: Schema.Number,
      lit: Schema.Literals(["x", 1, true]),
      nullable: Schema.optionalKey(Schema.NullOr(Schema.String)),
      big: Schema.optionalKey(Schema.BigInt),
      anything: Schema.Unknown,
      nested: Schema.optionalKey(Schema.Struct({ k: Schema.Literal(-1) }))
    })
    const guard = compileGuard(Inline.ast)
    expect(guard.name).toBe("guard")
    const slow = Schema.decodeUnknownResult(Inline)
    const values: Array<unknown> = [
      { n: 1, lit: "x", anything: undefined },
      { n: 1, lit: 1, nullable: null, big: 1n, anything: {} },
      { n: 1, lit: true, nested: { k: -1 }, anything: 0 },
      { n: "1", lit: "x", anything: 0 },
      { n: 1, lit: "y", anything: 0 },
      { n: 1, lit: 2, anything: 0 },
      { n: 1, lit: "x", nullable: 3, anything: 0 },
      { n: 1, lit: "x", big: 1, anything: 0 },
      { n: 1, lit: "x", nested: { k: 1 }, anything: 0 },
      { n: 1, lit: "x", nullable: undefined, anything: 0 },
      { n: 1, lit: "x" },
      null,
      [],
      "x"
    ]
    for (const value of values) expect(guard(value)).toBe(Result.isSuccess(slow(value)))
  })

  it("compiles closures where the runtime refuses new Function (a content security policy)", () => {
    const original = globalThis.Function
    globalThis.Function = function() {
      throw new EvalError("refused by policy")
    } as unknown as FunctionConstructor
    let guard: (u: unknown) => boolean
    try {
      guard = compileGuard(Schema.Struct({ a: Schema.String, b: Schema.optionalKey(Schema.Number) }).ast)
    } finally {
      globalThis.Function = original
    }
    expect(guard.name).not.toBe("guard")
    expect(guard({ a: "s" })).toBe(true)
    expect(guard({ a: "s", b: 1 })).toBe(true)
    expect(guard({ a: "s", b: "1" })).toBe(false)
    expect(guard({ b: 1 })).toBe(false)
  })

  it("refuses a schema whose decoding transforms the value", () => {
    expect(() => compileGuard(Schema.Struct({ n: Schema.NumberFromString }).ast)).toThrow(/Transformation/)
  })

  // the strict fast path under the tolerant decoders (tolerance is checked in "tolerant decoding")
  agreement("ChatStreamChunk", S.ChatStreamChunk, fastDecoder(S.ChatStreamChunk))
  agreement("ChatResponse", S.ChatResponse, fastDecoder(S.ChatResponse))
  agreement("ErrorResponse", S.ErrorResponse, S.decodeErrorResponse)

  it("agrees with the schema on request constraints (refinements, closed enums, records)", () => {
    const guard = compileGuard(S.ChatRequest.ast)
    const slow = decodeWithSchema(S.ChatRequest)
    FastCheck.assert(
      FastCheck.property(mutated(validOf(S.ChatRequest, 100)), (value) => {
        expect(guard(value)).toBe(Result.isSuccess(slow(value)))
      }),
      { numRuns: 300 }
    )
  })
})

describe("request pass-through for tools and plugins added later", () => {
  it("accepts a plugin id it does not know and keeps its fields", () => {
    const result = S.validateRequest({
      messages: [{ role: "user", content: "hi" }],
      plugins: [{ id: "brand-new-plugin", setting: 3 }]
    })
    expect(Result.isSuccess(result) && result.success.plugins).toEqual([{ id: "brand-new-plugin", setting: 3 }])
  })

  it("accepts a server tool type it does not know and keeps its fields", () => {
    const result = S.validateRequest({
      messages: [{ role: "user", content: "hi" }],
      tools: [{ type: "openrouter:future_tool", parameters: { x: 1 } }]
    })
    expect(Result.isSuccess(result) && result.success.tools).toEqual([{
      type: "openrouter:future_tool",
      parameters: { x: 1 }
    }])
  })

  it("still validates a known plugin fully", () => {
    const result = S.validateRequest({
      messages: [{ role: "user", content: "hi" }],
      plugins: [{ id: "web", max_results: "many" }]
    })
    expect(Result.isFailure(result)).toBe(true)
  })
})

describe("tolerant decoding", () => {
  const { at, body, chunkEssential, chunkTolerated, essential, essentialPattern, tolerated, without } = Cases

  // Fields a caller can do without: each, with a value of the wrong type, is taken out and kept aside.
  it.each(tolerated)("a response keeps %s aside, with its path and value", (_label, input, path) => {
    const decoded = getRight(S.decodeChatResponse(input)) as unknown as Record<string, unknown>
    expect(decoded.invalidFields).toEqual([{ path, expected: expect.any(String), value: at(input, path) }])
    const { invalidFields: _, ...rest } = decoded
    expect(rest).toEqual(without(input, path))
  })

  // Fields without which there is no answer: the call still fails, naming the field.
  it.each(essential)("a response with %s still fails", (_label, input, path) => {
    expect(issuePaths(S.decodeChatResponse(input)).some((p) => p.startsWith(path))).toBe(true)
  })

  it.each(chunkTolerated)("a stream chunk keeps %s aside", (_label, input, path) => {
    const decoded = getRight(S.decodeChatStreamChunk(input)) as unknown as Record<string, unknown>
    expect(decoded.invalidFields).toEqual([{ path, expected: expect.any(String), value: at(input, path) }])
  })
  it.each(chunkEssential)("a stream chunk with %s still fails", (_label, input, path) => {
    expect(issuePaths(S.decodeChatStreamChunk(input)).some((p) => p.startsWith(path))).toBe(true)
  })

  it("returns a valid body itself, and never changes its input", () => {
    const valid = body()
    expect(getRight(S.decodeChatResponse(valid))).toBe(valid)
    const odd = body({ logprobs: 1 })
    const before = structuredClone(odd)
    getRight(S.decodeChatResponse(odd))
    expect(odd).toEqual(before)
  })

  it("names what it expected as Effect 3's edition does", () => {
    const decoded = getRight(S.decodeChatResponse(body({ logprobs: -1.78e-06, index: "0" })))
    expect(decoded.invalidFields?.map((f) => f.expected)).toEqual([
      "number | null | undefined",
      "Logprobs | null | undefined"
    ])
  })

  /** The names of the required fields anywhere in a schema. */
  const requiredNames = (ast: AST.AST, out = new Set<string>(), seen = new Set<AST.AST>()): Set<string> => {
    if (seen.has(ast)) return out
    seen.add(ast)
    switch (ast._tag) {
      case "Objects":
        for (const ps of ast.propertySignatures) {
          if (!(ps.type.context?.isOptional ?? false)) out.add(String(ps.name))
          requiredNames(ps.type, out, seen)
        }
        break
      case "Union":
        for (const member of ast.types) requiredNames(member, out, seen)
        break
      case "Arrays":
        for (const rest of ast.rest) requiredNames(rest, out, seen)
        break
      case "Suspend":
        requiredNames(ast.thunk(), out, seen)
        break
    }
    return out
  }
  for (
    const [name, schema, decode, essentials] of [
      ["ChatResponse", S.ChatResponse, S.decodeChatResponse, S.essentialResponseFields],
      ["ChatStreamChunk", S.ChatStreamChunk, S.decodeChatStreamChunk, S.essentialChunkFields]
    ] as const
  ) {
    it(`on mutated ${name} values: a strict failure is repaired unless an essential field is wrong; what it takes out is kept as it was`, () => {
      const strict = Schema.decodeUnknownResult(schema as Schema.Decoder<unknown>)
      const strictAll = (u: unknown) =>
        Schema.decodeUnknownResult(schema as Schema.Decoder<unknown>)(u, { errors: "all" })
      const required = requiredNames(schema.ast)
      let repaired = 0
      FastCheck.assert(
        // (a body from the wire has no invalidFields of its own)
        FastCheck.property(
          mutated(
            validOf(schema, 300).map((value) => {
              const { invalidFields: _, ...rest } = value as Record<string, unknown>
              return rest
            })
          ),
          (value) => {
            const result = (decode as (u: unknown) => Result.Result<unknown, Schema.SchemaError>)(value)
            if (Result.isSuccess(strict(value))) return
            if (Result.isFailure(result)) {
              // only an essential field, a required one (which cannot be taken out) or the top makes a failure
              const all = strictAll(value)
              if (Result.isSuccess(all)) throw new Error("expected a failure")
              expect(
                formatIssues(all.failure.issue).issues.some((i) =>
                  Cases.failureExplained((i.path ?? []) as ReadonlyArray<PropertyKey>, essentials, required)
                )
              ).toBe(true)
              return
            }
            repaired++
            const out = result.success as { readonly invalidFields?: ReadonlyArray<S.InvalidField> }
            expect(out.invalidFields!.length).toBeGreaterThan(0)
            for (const field of out.invalidFields!) {
              expect(essentialPattern(field.path, essentials)).toBe(false)
              expect(field.value).toBe(at(value, field.path))
            }
            // what is left decodes strictly
            const { invalidFields: _, ...rest } = out as Record<string, unknown>
            expect(Result.isSuccess(strict(rest))).toBe(true)
          }
        ),
        { numRuns: 500 }
      )
      expect(repaired).toBeGreaterThan(20)
    })
  }
})
