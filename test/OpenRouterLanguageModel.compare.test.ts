/**
 * Side by side: the same scripted answers through our provider (chat completions, from the emulator)
 * and through `@effect/ai-openai` (Responses API, from a loopback server speaking it), run with
 * `@effect/ai`'s own `generateText` and `streamText`. The parts agree once provider ids and metadata
 * are set aside, with one documented difference (see `byCall`).
 */
import * as OpenAiClient from "@effect/ai-openai/OpenAiClient"
import * as OpenAiLanguageModel from "@effect/ai-openai/OpenAiLanguageModel"
import * as LanguageModel from "@effect/ai/LanguageModel"
import type * as Response from "@effect/ai/Response"
import * as Tool from "@effect/ai/Tool"
import * as Toolkit from "@effect/ai/Toolkit"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as OpenRouterLanguageModel from "../src/OpenRouterLanguageModel.js"
import * as Testing from "../src/Testing.js"
import { type Answer, chatCompletion, chatStream, responsesServer } from "./support/answers.js"
import { httpClients, withServer } from "./support/harness.js"

const GetWeather = Tool.make("get_weather", {
  description: "The weather in a city",
  parameters: { city: Schema.String },
  success: Schema.Struct({ city: Schema.String, temperature_c: Schema.Number })
})
const Tools = Toolkit.make(GetWeather)
const handlers = Tools.toLayer({ get_weather: ({ city }) => Effect.succeed({ city, temperature_c: city.length }) })

const answers: ReadonlyArray<readonly [string, Answer]> = [
  ["text", { text: ["Hel", "lo", " there"], usage: { input: 9, output: 3 } }],
  ["reasoning and text", { reasoning: ["Let me ", "think."], text: ["Four", "."], usage: { input: 5, output: 8 } }],
  ["parallel tool calls", {
    toolCalls: [
      { id: "call_a", name: "get_weather", args: ["{\"city\":", "\"Paris\"}"] },
      { id: "call_b", name: "get_weather", args: ["{\"ci", "ty\":\"Oslo\"}"] }
    ],
    usage: { input: 20, output: 12 }
  }]
]

type Part = Response.AnyPart

/** A part without what is the provider's own: ids of the API, timestamps, provider metadata. */
const normalize = (part: Part): Record<string, unknown> => {
  switch (part.type) {
    case "text":
    case "reasoning":
      return { type: part.type, text: part.text }
    case "text-delta":
    case "reasoning-delta":
      return { type: part.type, delta: part.delta }
    case "tool-params-start":
      return { type: part.type, id: part.id, name: part.name }
    case "tool-params-delta":
      return { type: part.type, id: part.id, delta: part.delta }
    case "tool-params-end":
      return { type: part.type, id: part.id }
    case "tool-call":
      return { type: part.type, id: part.id, name: part.name, params: part.params }
    case "tool-result":
      return { type: part.type, id: part.id, name: part.name, result: part.result, isFailure: part.isFailure }
    case "finish":
      return {
        type: part.type,
        reason: part.reason,
        usage: {
          inputTokens: part.usage.inputTokens,
          outputTokens: part.usage.outputTokens,
          totalTokens: part.usage.totalTokens
        }
      }
    default:
      return { type: part.type }
  }
}

/**
 * The documented difference: chat completions has no per-call end signal, so our provider completes
 * every tool call (`tool-params-end`, `tool-call`) at the finish reason, where the Responses API ends
 * each call before the next starts. The parts are the same; only calls interleave. Compared per
 * call id, and the other parts in order.
 */
const byCall = (parts: ReadonlyArray<Record<string, unknown>>) => {
  const calls: Record<string, Array<Record<string, unknown>>> = {}
  const rest: Array<Record<string, unknown>> = []
  for (const part of parts) {
    if (typeof part.id === "string") (calls[part.id] ??= []).push(part)
    else rest.push(part)
  }
  return { calls, rest }
}

const program = (answer: Answer, streaming: boolean) => {
  const toolkit = answer.toolCalls === undefined ? {} : { toolkit: Tools }
  const parts: Effect.Effect<ReadonlyArray<Part>, unknown, LanguageModel.LanguageModel | Tool.Handler<"get_weather">> =
    streaming
      ? Effect.map(Stream.runCollect(LanguageModel.streamText({ prompt: "Hi", ...toolkit })), Chunk.toArray)
      : Effect.map(LanguageModel.generateText({ prompt: "Hi", ...toolkit }), (r) => r.content)
  return Effect.provide(Effect.map(parts, (ps) => ps.map(normalize)), handlers)
}

describe.each(httpClients)("side by side with @effect/ai-openai over %s", (_name, http) => {
  for (const [label, answer] of answers) {
    for (const streaming of [false, true]) {
      it.scopedLive(`${streaming ? "streamText" : "generateText"}: ${label}`, () =>
        Effect.gen(function*() {
          const reply = streaming ? chatStream(answer) : chatCompletion(answer)
          const ours = yield* withServer(
            http,
            reply as Testing.Reply,
            () => Effect.provide(program(answer, streaming), OpenRouterLanguageModel.layer({ model: "openai/gpt-4o" }))
          )
          const server = yield* responsesServer([answer])
          const theirs = yield* Effect.provide(
            program(answer, streaming),
            OpenAiLanguageModel.layer({ model: "gpt-4o" }).pipe(
              Layer.provide(OpenAiClient.layer({ apiKey: Redacted.make("sk-test"), apiUrl: server.url })),
              Layer.provide(http)
            )
          )
          expect(byCall(ours)).toEqual(byCall(theirs))
          if (answer.toolCalls === undefined || !streaming) expect(ours).toEqual(theirs)
        }))
    }
  }
})
