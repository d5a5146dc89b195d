/**
 * The body of the Schema tests, shared by both editions (`test/schema.test.ts`,
 * `effect4/test/schema.test.ts`): what the stream chunk, the response, the error body and the request
 * accept, keep and reject; the fast path (`compileGuard`, `fastDecoder`) agreeing with the schema it
 * was compiled from; plugins and tools added later passing through; tolerant decoding keeping aside
 * what a caller can do without. Effect-free: each edition passes its `SchemaEdition`, its decoders
 * folded to a `Decoded` (`Either` vs `Result`, each edition's issue formatter), the pieces built from
 * its own Schema AST (a compiled guard, the required field names) and its fast-check (`Properties`).
 * What only one edition's compiler does (Effect 4's generated guards) stays in its file.
 */
import type { Vitest } from "./suite.js"
import * as Cases from "./tolerantCases.js"

/** A decoded value, read loosely (the assertions check its fields). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- decoded wire values, read loosely
type Loose = any

/**
 * How a decode ended: its value, or its failure with the edition's message and the path of each
 * issue (both computed only when a test reads them: the property tests decode thousands of values).
 */
export type Decoded =
  | { readonly ok: true; readonly value: Loose }
  | {
    readonly ok: false
    readonly message: () => string
    readonly paths: () => ReadonlyArray<ReadonlyArray<PropertyKey>>
  }

/** A decoder, folded to a `Decoded`. */
export type Decode = (u: unknown) => Decoded

/** The schemas the fast path is checked against. */
export type Subject = "ChatStreamChunk" | "ChatResponse" | "ErrorResponse" | "ChatRequest"

/** A schema of `Schema.ts` as it decodes itself (`R`: the result of the edition's decoders). */
export interface Strict<R> {
  /** `compileGuard(schema.ast)`. */
  readonly guard: (u: unknown) => boolean
  /** The schema's own decoder (unknown keys kept), stopping at the first issue. */
  readonly decode: (u: unknown) => R
  /** The same, reporting every issue. */
  readonly decodeAll: (u: unknown) => R
  /** The names of the required fields anywhere in the schema (a walk of the edition's AST). */
  readonly required: () => ReadonlySet<string>
}

/** Values for the property tests, drawn with the edition's own fast-check (`A`: its `Arbitrary`). */
export interface Properties<Sch, A> {
  /** Valid values of a schema (the edition's Schema `Arbitrary`). */
  readonly valid: (schema: Sch, subject: Subject) => A
  /** Values from `values`, each changed by one to three random mutations (`mutations.ts`). */
  readonly mutated: (values: A) => A
  readonly map: (values: A, f: (value: unknown) => unknown) => A
  /** `assert(property(values, body), { numRuns })`. */
  readonly assert: (values: A, body: (value: unknown) => void, numRuns: number) => void
  /** `pre`: a value that fails it is skipped, and another drawn. */
  readonly pre: (condition: boolean) => void
}

/**
 * What the body reads of an edition's `Schema.ts` (`Sch`: a schema of the edition, `R`: the result of
 * its decoders, `Either` or `Result`).
 */
export interface SchemaModule<Sch, R> {
  readonly ChatStreamChunk: Sch
  readonly ChatResponse: Sch
  readonly ErrorResponse: Sch
  readonly ChatRequest: Sch
  readonly ModerationErrorMetadata: Sch
  readonly GuardrailErrorMetadata: Sch
  readonly ProviderErrorMetadata: Sch
  readonly decodeChatStreamChunk: (u: unknown) => R
  readonly decodeChatResponse: (u: unknown) => R
  readonly decodeErrorResponse: (u: unknown) => R
  readonly validateRequest: (u: unknown) => R
  readonly essentialResponseFields: ReadonlyArray<string>
  readonly essentialChunkFields: ReadonlyArray<string>
}

/** What the Schema body takes from an edition. */
export interface SchemaEdition<Sch, R> extends Pick<Vitest, "describe"> {
  readonly it: (name: string, body: () => void) => unknown
  readonly expect: Vitest["expect"] & { readonly any: (constructor: unknown) => unknown }
  readonly edition: "effect3" | "effect4"
  readonly S: SchemaModule<Sch, R>
  /** A decoder's result as the body reads it. */
  readonly fold: (result: R) => Decoded
  /** `Schema.is`. */
  readonly is: (schema: Sch) => (u: unknown) => boolean
  /** The schema's encoder (`Schema.encodeUnknownEither` / `encodeUnknownResult`). */
  readonly encode: (schema: Sch) => (u: unknown) => R
  /** The strict fast path, `fastDecoder` (`internal/chat/decode.ts`). */
  readonly fastDecoder: (schema: Sch) => (u: unknown) => R
  readonly strict: (schema: Sch) => Strict<R>
  /** `compileGuard` of a recursive struct `Tree`: `{ value: number, children: Array<Tree> }`. */
  readonly treeGuard: (u: unknown) => boolean
  /** `compileGuard` of a struct whose decoding transforms its value (`{ n: NumberFromString }`). */
  readonly compileTransforming: () => unknown
}

/** The value of a decode that must succeed. */
const getRight = (result: Decoded): Loose => {
  if (!result.ok) throw new Error(result.message())
  return result.value
}

/** The paths (joined with ".") of the issues of a failed decode. */
const issuePaths = (result: Decoded): Array<string> => {
  if (result.ok) throw new Error("expected a decoding failure")
  return result.paths().map((path) => path.map(String).join("."))
}

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

/**
 * Where the editions name a content part of an unknown type: Effect 3 at its `type`, Effect 4 at the
 * union member that no candidate matched (the part itself).
 */
const unknownPart = {
  effect3: { naming: "its type", path: "messages.0.content.1.type" },
  effect4: { naming: "the part", path: "messages.0.content.1" }
} as const

// Effect's decoder copies a record key "__proto__" by assignment, which sets the copy's prototype
// instead of keeping the key, so its output cannot equal such an input; the fast path returns the
// input itself and keeps the key. Values with that key are left out of the comparisons.
const hasProtoKey = (u: unknown): boolean => {
  if (typeof u !== "object" || u === null) return false
  if (Object.prototype.hasOwnProperty.call(u, "__proto__")) return true
  return Object.values(u).some(hasProtoKey)
}

export const schemaSuite = <Sch, R, A>(edition: SchemaEdition<Sch, R>, properties: Properties<Sch, A>) => {
  const { describe, expect, fold, it, S } = edition
  const folded = (decode: (u: unknown) => R): Decode => (u) => fold(decode(u))
  /** The edition's decoders, folded. */
  const self = {
    decodeChatStreamChunk: folded(S.decodeChatStreamChunk),
    decodeChatResponse: folded(S.decodeChatResponse),
    decodeErrorResponse: folded(S.decodeErrorResponse),
    validateRequest: folded(S.validateRequest),
    encodeChatRequest: folded(edition.encode(S.ChatRequest))
  }
  const strict = (subject: Subject) => {
    const { decode, decodeAll, guard, required } = edition.strict(S[subject])
    return { guard, required, decode: folded(decode), decodeAll: folded(decodeAll) }
  }

  describe("ChatStreamChunk", () => {
    it("keeps unknown fields on the chunk, its choices and their deltas", () => {
      const input = {
        ...chunk(),
        future_top: { a: 1 },
        choices: [{ ...chunk().choices[0], future_choice: 2, delta: { content: "x", future_delta: [3] } }]
      }
      const decoded = getRight(self.decodeChatStreamChunk(input))
      expect(decoded.future_top).toEqual({ a: 1 })
      expect(decoded.choices[0].future_choice).toBe(2)
      expect(decoded.choices[0].delta.future_delta).toEqual([3])
    })

    it("keeps a finish_reason value nobody has listed", () => {
      const input = { ...chunk(), choices: [{ index: 0, delta: {}, finish_reason: "brand_new_reason" }] }
      expect(getRight(self.decodeChatStreamChunk(input)).choices[0].finish_reason).toBe("brand_new_reason")
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
      expect(self.decodeChatStreamChunk(nulls).ok).toBe(true)
    })

    it("accepts a chunk whose choice has no fields at all", () => {
      expect(self.decodeChatStreamChunk({ choices: [{}] }).ok).toBe(true)
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
      expect(getRight(self.decodeChatStreamChunk(usage)).usage?.cost).toBe(0.0001)
    })

    it("decodes a mid-stream error chunk with its error and metadata", () => {
      const error = {
        ...chunk(),
        error: { code: 502, message: "Provider disconnected", metadata: { error_type: "provider_unavailable" } },
        choices: [{ index: 0, delta: { content: "" }, finish_reason: "error" }]
      }
      const decoded = getRight(self.decodeChatStreamChunk(error))
      expect(decoded.error?.metadata?.error_type).toBe("provider_unavailable")
      expect(decoded.choices[0].finish_reason).toBe("error")
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
      expect(getRight(self.decodeChatStreamChunk(error)).choices[0].error?.code).toBe("server")
    })

    it("keeps a reasoning detail of an unknown type", () => {
      const detail = { type: "reasoning.future", blob: "x", index: 0 }
      const input = { ...chunk(), choices: [{ index: 0, delta: { reasoning_details: [detail] } }] }
      expect(getRight(self.decodeChatStreamChunk(input)).choices[0].delta?.reasoning_details).toEqual([detail])
    })

    it("rejects a chunk without choices", () => {
      expect(self.decodeChatStreamChunk({ ...chunk(), choices: undefined }).ok).toBe(false)
    })

    it("rejects a delta whose content is not a string, naming the path", () => {
      const input = { ...chunk(), choices: [{ index: 0, delta: { content: 42 } }] }
      expect(issuePaths(self.decodeChatStreamChunk(input))).toContain("choices.0.delta.content")
    })

    it("returns the parsed object itself when it is valid", () => {
      const input = chunk()
      expect(getRight(self.decodeChatStreamChunk(input))).toBe(input)
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
      const decoded = getRight(self.decodeChatResponse(input))
      expect(decoded.choices[0].message?.tool_calls?.[0]?.function?.name).toBe("f")
      expect(decoded.usage?.cost).toBe(0.5)
    })

    it("rejects a 200 error body without choices, which decodes as an ErrorResponse", () => {
      const body = { error: { code: 429, message: "Rate limited" }, user_id: "u1" }
      expect(issuePaths(self.decodeChatResponse(body))).toContain("choices")
      expect(getRight(self.decodeErrorResponse(body)).error.message).toBe("Rate limited")
    })

    it("keeps unknown fields in the message and the usage details", () => {
      const input = {
        ...response(),
        choices: [{ index: 0, message: { role: "assistant", content: "x", future_message: true } }],
        usage: { total_tokens: 1, prompt_tokens_details: { cached_tokens: 0, future_tokens: 4 } }
      }
      const decoded = getRight(self.decodeChatResponse(input))
      expect(decoded.choices[0].message.future_message).toBe(true)
      expect(decoded.usage.prompt_tokens_details.future_tokens).toBe(4)
    })

    it("accepts a message whose content is a list of parts, of known and unknown types", () => {
      const content = [{ type: "text", text: "a" }, { type: "refusal", refusal: "no" }]
      const input = { ...response(), choices: [{ index: 0, message: { role: "assistant", content } }] }
      expect(getRight(self.decodeChatResponse(input)).choices[0].message?.content).toEqual(content)
    })

    it("keeps an array where an object belongs aside in invalidFields, naming the field", () => {
      const input = { ...response(), usage: [] }
      const decoded = getRight(self.decodeChatResponse(input))
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
      const decoded = getRight(self.decodeErrorResponse(body))
      expect(decoded.error.availability?.retry_after).toBe(30)
      expect(decoded.error.metadata?.previous_errors?.[0]?.provider).toBe("P")
    })

    it("keeps an availability code nobody has listed", () => {
      const body = { error: { code: 503, message: "x", availability: { code: "new_reason", retryable: false } } }
      expect(getRight(self.decodeErrorResponse(body)).error.availability?.code).toBe("new_reason")
    })

    it("accepts a string error code", () => {
      expect(getRight(self.decodeErrorResponse({ error: { code: "server_error", message: "x" } })).error.code).toBe(
        "server_error"
      )
    })

    it("tells moderation, guardrail and provider metadata apart", () => {
      const moderation = { reasons: ["violence"], flagged_input: "...", provider_name: "OpenAI", model_slug: "m" }
      const guardrail = { patterns: ["ignore all previous instructions"] }
      const provider = { provider_name: "Anthropic", raw: "{\"error\":\"overloaded\"}" }
      const isModeration = edition.is(S.ModerationErrorMetadata)
      const isGuardrail = edition.is(S.GuardrailErrorMetadata)
      const isProvider = edition.is(S.ProviderErrorMetadata)
      expect(isModeration(moderation)).toBe(true)
      expect(isModeration(provider)).toBe(false)
      expect(isGuardrail(guardrail)).toBe(true)
      expect(isGuardrail(provider)).toBe(false)
      expect(isProvider(provider)).toBe(true)
      expect(isProvider(guardrail)).toBe(false)
    })
  })

  describe("ChatRequest", () => {
    const rejects = (fields: Record<string, unknown>) => issuePaths(self.validateRequest(request(fields)))

    it("accepts a minimal request with only messages", () => {
      expect(self.validateRequest({ messages: [{ role: "user", content: "Hi" }] }).ok).toBe(true)
    })

    it("rejects a temperature of 3, naming temperature", () => {
      expect(rejects({ temperature: 3 })).toContain("temperature")
    })

    it("rejects a tool message without tool_call_id, naming the field", () => {
      expect(rejects({ messages: [{ role: "tool", content: "42" }] })).toContain("messages.0.tool_call_id")
    })

    const part = unknownPart[edition.edition]
    it(`rejects a content part of an unknown type, naming ${part.naming}`, () => {
      const messages = [{ role: "user", content: [{ type: "text", text: "a" }, { type: "hologram" }] }]
      expect(rejects({ messages })).toContain(part.path)
    })

    it("rejects an empty message list", () => {
      expect(rejects({ messages: [] })).toContain("messages")
    })

    it("rejects top_logprobs above 20", () => {
      expect(rejects({ top_logprobs: 21 })).toContain("top_logprobs")
    })

    it("rejects a session_id longer than 256 characters", () => {
      expect(rejects({ session_id: "s".repeat(257) })).toContain("session_id")
    })

    it("rejects metadata with more than 16 pairs", () => {
      const metadata = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"]))
      expect(rejects({ metadata })).toContain("metadata")
    })

    it("rejects more than 4 stop sequences", () => {
      expect(rejects({ stop: ["a", "b", "c", "d", "e"] })).toContain("stop")
    })

    it("rejects a reasoning effort the spec does not list", () => {
      expect(rejects({ reasoning: { effort: "extreme" } })).toContain("reasoning.effort")
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
      expect(self.validateRequest(full).ok).toBe(true)
    })

    it("keeps unknown fields at the top level and in nested objects", () => {
      const input = request({
        transforms: ["middle-out"],
        reasoning: { effort: "low", future_reasoning_knob: 1 },
        provider: { order: ["a"], future_routing_knob: true },
        messages: [{ role: "user", content: [{ type: "text", text: "Hi", future_part_field: "p" }], future_msg: 1 }],
        tools: [{ type: "function", function: { name: "f", future_fn_field: 2 } }]
      })
      expect(getRight(self.validateRequest(input))).toEqual(input)
    })

    it("keeps unknown fields when encoding", () => {
      const input = request({ transforms: ["middle-out"], reasoning: { future_reasoning_knob: 1 } })
      expect(getRight(self.encodeChatRequest(input))).toEqual(input)
    })
  })

  describe("fast path", () => {
    const agreement = (name: Exclude<Subject, "ChatRequest">) => {
      const { decode: slow, guard } = strict(name)
      // the tolerant ErrorResponse decoder is the strict fast path itself
      const fast = name === "ErrorResponse" ? self.decodeErrorResponse : folded(edition.fastDecoder(S[name]))
      const valid = properties.valid(S[name], name)

      it(`returns every valid ${name} itself, as the schema decodes it`, () => {
        properties.assert(valid, (value) => {
          properties.pre(!hasProtoKey(value))
          const result = fast(value)
          expect(result.ok && result.value === value).toBe(true)
          expect(getRight(slow(value))).toStrictEqual(value)
        }, 300)
      })

      it(`accepts exactly the mutated ${name} values the schema accepts, with the same result`, () => {
        let accepted = 0
        properties.assert(properties.mutated(valid), (value) => {
          properties.pre(!hasProtoKey(value))
          const expected = slow(value)
          expect(guard(value)).toBe(expected.ok)
          const actual = fast(value)
          if (expected.ok) {
            accepted++
            expect(getRight(actual)).toStrictEqual(expected.value)
          } else {
            expect(actual.ok).toBe(false)
          }
        }, 1000)
        // both outcomes must occur, or the property says little
        expect(accepted).toBeGreaterThan(50)
        expect(accepted).toBeLessThan(950)
      })
    }

    it("compiles a recursive schema", () => {
      expect(edition.treeGuard({ value: 1, children: [{ value: 2, children: [] }] })).toBe(true)
      expect(edition.treeGuard({ value: 1, children: [{ value: "2", children: [] }] })).toBe(false)
    })

    it("refuses a schema whose decoding transforms the value", () => {
      expect(edition.compileTransforming).toThrow(/Transformation/)
    })

    // the strict fast path under the tolerant decoders (tolerance is checked in "tolerant decoding")
    agreement("ChatStreamChunk")
    agreement("ChatResponse")
    agreement("ErrorResponse")

    it("agrees with the schema on request constraints (refinements, closed enums, records)", () => {
      const { decode: slow, guard } = strict("ChatRequest")
      properties.assert(properties.mutated(properties.valid(S.ChatRequest, "ChatRequest")), (value) => {
        expect(guard(value)).toBe(slow(value).ok)
      }, 300)
    })
  })

  describe("request pass-through for tools and plugins added later", () => {
    it("accepts a plugin id it does not know and keeps its fields", () => {
      const result = self.validateRequest({
        messages: [{ role: "user", content: "hi" }],
        plugins: [{ id: "brand-new-plugin", setting: 3 }]
      })
      expect(result.ok && result.value.plugins).toEqual([{ id: "brand-new-plugin", setting: 3 }])
    })

    it("accepts a server tool type it does not know and keeps its fields", () => {
      const result = self.validateRequest({
        messages: [{ role: "user", content: "hi" }],
        tools: [{ type: "openrouter:future_tool", parameters: { x: 1 } }]
      })
      expect(result.ok && result.value.tools).toEqual([{
        type: "openrouter:future_tool",
        parameters: { x: 1 }
      }])
    })

    it("still validates a known plugin fully", () => {
      const result = self.validateRequest({
        messages: [{ role: "user", content: "hi" }],
        plugins: [{ id: "web", max_results: "many" }]
      })
      expect(result.ok).toBe(false)
    })
  })

  describe("tolerant decoding", () => {
    const { at, body, chunkEssential, chunkTolerated, essential, essentialPattern, tolerated, without } = Cases

    // Fields a caller can do without: each, with a value of the wrong type, is taken out and kept aside.
    for (const [label, input, path] of tolerated) {
      it(`a response keeps ${label} aside, with its path and value`, () => {
        const { invalidFields, ...rest } = getRight(self.decodeChatResponse(input))
        expect(invalidFields).toEqual([{ path, expected: expect.any(String), value: at(input, path) }])
        expect(rest).toEqual(without(input, path))
      })
    }

    // Fields without which there is no answer: the call still fails, naming the field.
    for (const [label, input, path] of essential) {
      it(`a response with ${label} still fails`, () => {
        expect(issuePaths(self.decodeChatResponse(input)).some((p) => p.startsWith(path))).toBe(true)
      })
    }

    for (const [label, input, path] of chunkTolerated) {
      it(`a stream chunk keeps ${label} aside`, () => {
        const decoded = getRight(self.decodeChatStreamChunk(input))
        expect(decoded.invalidFields).toEqual([{ path, expected: expect.any(String), value: at(input, path) }])
      })
    }
    for (const [label, input, path] of chunkEssential) {
      it(`a stream chunk with ${label} still fails`, () => {
        expect(issuePaths(self.decodeChatStreamChunk(input)).some((p) => p.startsWith(path))).toBe(true)
      })
    }

    it("returns a valid body itself, and never changes its input", () => {
      const valid = body()
      expect(getRight(self.decodeChatResponse(valid))).toBe(valid)
      const odd = body({ logprobs: 1 })
      const before = structuredClone(odd)
      getRight(self.decodeChatResponse(odd))
      expect(odd).toEqual(before)
    })

    it("names what it expected in the same words in both editions", () => {
      const decoded = getRight(self.decodeChatResponse(body({ logprobs: -1.78e-06, index: "0" })))
      expect(decoded.invalidFields?.map((f: { readonly expected: string }) => f.expected)).toEqual([
        "number | null | undefined",
        "Logprobs | null | undefined"
      ])
    })

    for (
      const [name, decode, essentials] of [
        ["ChatResponse", self.decodeChatResponse, S.essentialResponseFields],
        ["ChatStreamChunk", self.decodeChatStreamChunk, S.essentialChunkFields]
      ] as const
    ) {
      it(`on mutated ${name} values: a strict failure is repaired unless an essential field is wrong; what it takes out is kept as it was`, () => {
        const { decode: strictOne, decodeAll: strictAll, required: requiredOf } = strict(name)
        const required = requiredOf()
        let repaired = 0
        properties.assert(
          // (a body from the wire has no invalidFields of its own)
          properties.mutated(properties.map(properties.valid(S[name], name), (value) => {
            const { invalidFields: _, ...rest } = value as Record<string, unknown>
            return rest
          })),
          (value) => {
            const result = decode(value)
            if (strictOne(value).ok) return
            if (!result.ok) {
              // only an essential field, a required one (which cannot be taken out) or the top makes a failure
              const all = strictAll(value)
              if (all.ok) throw new Error("expected a failure")
              expect(all.paths().some((path) => Cases.failureExplained(path, essentials, required))).toBe(true)
              return
            }
            repaired++
            const { invalidFields, ...rest } = result.value
            expect(invalidFields.length).toBeGreaterThan(0)
            for (const field of invalidFields) {
              expect(essentialPattern(field.path, essentials)).toBe(false)
              expect(field.value).toBe(at(value, field.path))
            }
            // what is left decodes strictly
            expect(strictOne(rest).ok).toBe(true)
          },
          500
        )
        expect(repaired).toBeGreaterThan(20)
      })
    }
  })
}
