/**
 * The Effect-free side of telemetry (`src/internal/telemetry/genai.ts`): which request fields become attributes,
 * what a stream's chunks teach, and the opt-in content in the GenAI conventions' message format.
 */
import { describe, expect, it } from "@effect/vitest"
import {
  inputMessages,
  outputMessages,
  requestAttributes,
  ResponseFacts,
  serverAttributes,
  spanName
} from "../src/internal/telemetry/genai.js"
import type * as S from "../src/Schema.js"

const attributesOf = (request: unknown, stream = false) => {
  const out: Record<string, unknown> = {}
  requestAttributes(request, stream, (k, v) => (out[k] = v))
  return out
}

describe("request attributes", () => {
  it("names the span chat {model}, or chat without a model", () => {
    expect(spanName({ model: "openai/gpt-4o" })).toBe("chat openai/gpt-4o")
    expect(spanName({ messages: [] })).toBe("chat")
    expect(spanName({ model: 42 })).toBe("chat")
    expect(spanName(null)).toBe("chat")
  })

  it("reads only well-typed values of an (invalid) request", () => {
    expect(attributesOf({ model: 1, temperature: "hot", max_tokens: Infinity, stop: [1, 2], seed: null })).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openrouter",
      "gen_ai.request.stream": false
    })
  })

  it("prefers max_completion_tokens, lists a single stop string, and names n only when not 1", () => {
    expect(attributesOf({ max_tokens: 10, max_completion_tokens: 20, stop: "END", n: 1 }, true)).toMatchObject({
      "gen_ai.request.max_tokens": 20,
      "gen_ai.request.stop_sequences": ["END"],
      "gen_ai.request.stream": true
    })
    expect(attributesOf({ n: 1 })["gen_ai.request.choice.count"]).toBeUndefined()
    expect(attributesOf({ n: 3 })["gen_ai.request.choice.count"]).toBe(3)
  })

  it("takes server.address and server.port from the base URL", () => {
    expect(serverAttributes("https://openrouter.ai/api/v1")).toEqual({ address: "openrouter.ai", port: 443 })
    expect(serverAttributes("http://user:pw@127.0.0.1:8080/api")).toEqual({ address: "127.0.0.1", port: 8080 })
    expect(serverAttributes("not a url")).toBeUndefined()
  })
})

describe("ResponseFacts", () => {
  const chunk = (fields: Record<string, unknown>): S.ChatStreamChunk =>
    ({ choices: [], ...fields }) as unknown as S.ChatStreamChunk

  it("keeps the first id, model and provider, the last usage, and each choice's finish reason by index", () => {
    const facts = new ResponseFacts()
    facts.chunk(chunk({ id: "gen-1", model: "m", provider: "P", choices: [{ index: 1, delta: { content: "a" } }] }))
    facts.chunk(chunk({ id: "gen-2", model: "other", choices: [{ index: 1, finish_reason: "length" }] }))
    facts.chunk(chunk({ choices: [{ index: 0, finish_reason: "stop" }] }))
    facts.chunk(chunk({ usage: { prompt_tokens: 1, completion_tokens: 2, cost: 0.5 } }))
    const out: Record<string, unknown> = {}
    facts.attributes((k, v) => (out[k] = v))
    expect(out).toEqual({
      "gen_ai.response.id": "gen-1",
      "gen_ai.response.model": "m",
      "openrouter.provider": "P",
      "gen_ai.response.finish_reasons": ["stop", "length"],
      "gen_ai.usage.input_tokens": 1,
      "gen_ai.usage.output_tokens": 2,
      "openrouter.cost": 0.5
    })
  })

  it("records nothing it did not see", () => {
    const out: Record<string, unknown> = {}
    new ResponseFacts().attributes((k, v) => (out[k] = v))
    expect(out).toEqual({})
  })
})

describe("content in the conventions' message format", () => {
  it("maps text, content parts, tool calls and tool results", () => {
    const json = inputMessages({
      messages: [
        { role: "system", content: "be brief" },
        {
          role: "user",
          content: [{ type: "text", text: "look" }, { type: "image_url", image_url: { url: "https://x/y.png" } }]
        },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{\"a\":1}" } }]
        },
        { role: "tool", tool_call_id: "c1", content: "42" }
      ]
    })
    expect(JSON.parse(json!)).toEqual([
      { role: "system", parts: [{ type: "text", content: "be brief" }] },
      {
        role: "user",
        parts: [{ type: "text", content: "look" }, { type: "uri", modality: "image", uri: "https://x/y.png" }]
      },
      { role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "f", arguments: "{\"a\":1}" }] },
      { role: "tool", parts: [{ type: "tool_call_response", id: "c1", response: "42" }] }
    ])
    expect(inputMessages({ model: "m" })).toBeUndefined()
  })

  it("maps each choice, its reasoning first, with its finish reason", () => {
    const response = {
      choices: [
        { index: 0, message: { role: "assistant", content: "hi", reasoning: "think" }, finish_reason: "stop" },
        { index: 1, message: { role: "assistant", content: "yo" }, finish_reason: "length" }
      ]
    } as unknown as S.ChatResponse
    expect(JSON.parse(outputMessages(response))).toEqual([
      {
        role: "assistant",
        parts: [{ type: "reasoning", content: "think" }, { type: "text", content: "hi" }],
        finish_reason: "stop"
      },
      { role: "assistant", parts: [{ type: "text", content: "yo" }], finish_reason: "length" }
    ])
  })
})
