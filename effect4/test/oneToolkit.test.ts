/**
 * One Toolkit, one layer of handlers, two drivers: `ToolLoop.run` and `effect/ai`'s
 * `LanguageModel.generateText` through our provider (`OpenRouterLanguageModel`), over both HTTP
 * clients against the emulator. The tool is made with this package's `Tool.make` (an `effect/ai` tool
 * with our extras: strict parameters) and its parameters decode (`days` travels as a string and reaches
 * the handler as a number), so each driver must decode the model's arguments with the tool's Schema,
 * run the handler from the same layer, send its result back, and end with the model's answer.
 */
import { describe, expect, it } from "@effect/vitest"
import * as LanguageModel from "effect/ai/LanguageModel"
import * as Prompt from "effect/ai/Prompt"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import { Testing, Tool, Toolkit, ToolLoop } from "../src/index.js"
import * as OpenRouterLanguageModel from "../src/OpenRouterLanguageModel.js"
import type * as TestServer from "../src/TestServer.js"
import { httpClients, withServer } from "./support/harness.js"
import type { Wire } from "./support/wire.js"

const MODEL = "openai/gpt-4o-mini"
const QUESTION = "What will the weather be in Paris for the next 3 days?"
const ANSWER = "Paris: 18 °C and light rain for the next 3 days."

const GetForecast = Tool.make("get_forecast", {
  description: "The weather forecast for a city.",
  parameters: Schema.Struct({ city: Schema.String, days: Schema.NumberFromString }),
  success: Schema.Struct({ city: Schema.String, days: Schema.Number, celsius: Schema.Number }),
  strict: true
})

const Tools = Toolkit.make(GetForecast)

/** The one layer of handlers both drivers run; it records the decoded parameters it is called with. */
const handlersRecordingInto = (calls: Ref.Ref<ReadonlyArray<unknown>>) =>
  Toolkit.toLayer(Tools, {
    get_forecast: (params) =>
      Ref.update(calls, (all) => [...all, params]).pipe(
        Effect.as({ city: params.city, days: params.days, celsius: 18 })
      )
  })

/** The model: a call of get_forecast with `days` as the string its Schema encodes to, then the answer. */
const script = Testing.rounds([
  Testing.callTools([{ id: "call_1", name: "get_forecast", arguments: { city: "Paris", days: "3" } }]),
  Testing.answer(ANSWER)
])

/** A request's `tools` with the descriptions of the parameters' properties left out. */
const withoutPropertyDescriptions = (tools: Wire): Wire =>
  tools.map((tool: Wire) => ({
    ...tool,
    function: {
      ...tool.function,
      parameters: {
        ...tool.function.parameters,
        properties: Object.fromEntries(
          Object.entries(tool.function.parameters.properties).map(([key, { description: _, ...rest }]: Wire) => [
            key,
            rest
          ])
        )
      }
    }
  }))

const bodies = (server: TestServer.TestServer) =>
  Effect.map(server.requests, (requests) => requests.map((r) => r.body as Wire))

describe("one Toolkit and one handler layer through ToolLoop.run and LanguageModel.generateText", () => {
  for (const [name, http] of httpClients) {
    it.live(name, () =>
      Effect.gen(function*() {
        const calls = yield* Ref.make<ReadonlyArray<unknown>>([])
        const handlers = handlersRecordingInto(calls)

        const viaLoop = yield* withServer(http, script, (server) =>
          Effect.gen(function*() {
            const result = yield* ToolLoop.run(
              { model: MODEL, messages: [{ role: "user", content: QUESTION }] },
              { toolkit: Tools }
            )
            return { result, sent: yield* bodies(server) }
          }).pipe(Effect.provide(handlers)))

        const viaLanguageModel = yield* withServer(http, script, (server) =>
          Effect.gen(function*() {
            const first = yield* LanguageModel.generateText({ prompt: QUESTION, toolkit: Tools })
            const prompt = Prompt.concat(Prompt.make(QUESTION), Prompt.fromResponseParts(first.content))
            const second = yield* LanguageModel.generateText({ prompt, toolkit: Tools })
            return { first, second, sent: yield* bodies(server) }
          }).pipe(
            Effect.provide(handlers),
            Effect.provide(OpenRouterLanguageModel.layer({ model: MODEL }))
          ))

        // The handler ran once per driver, with the decoded parameters (days: the number 3).
        expect(yield* Ref.get(calls)).toEqual([{ city: "Paris", days: 3 }, { city: "Paris", days: 3 }])

        // ToolLoop.run: the call decoded, its result, then the model's answer.
        const [round] = viaLoop.result.rounds
        expect(round?.results.map((r) => r._tag === "Invalid" ? r : [r._tag, r.call.params])).toEqual([
          ["Success", { city: "Paris", days: 3 }]
        ])
        expect(viaLoop.result.response.choices[0]?.message?.content).toBe(ANSWER)

        // LanguageModel.generateText: the call, the handler's result, then the same answer. effect/ai 4
        // hands the handler the decoded parameters (the Ref above) but keeps a resolved call's `params` in
        // the response opaque: as the model sent them.
        expect(viaLanguageModel.first.toolCalls.map((c) => [c.name, c.params])).toEqual([
          ["get_forecast", { city: "Paris", days: "3" }]
        ])
        expect(viaLanguageModel.first.toolResults.map((r) => r.result)).toEqual([{
          city: "Paris",
          days: 3,
          celsius: 18
        }])
        expect(viaLanguageModel.second.text).toBe(ANSWER)

        // Both sent the same strict tool definition and the same tool message back to the model.
        for (const sent of [viaLoop.sent, viaLanguageModel.sent]) {
          expect(sent).toHaveLength(2)
          expect(sent[0]?.tools?.map((t: Wire) => [t.function.name, t.function.strict])).toEqual([[
            "get_forecast",
            true
          ]])
          expect(sent[1]?.messages.find((m: Wire) => m.role === "tool")).toEqual({
            role: "tool",
            tool_call_id: "call_1",
            content: "{\"city\":\"Paris\",\"days\":3,\"celsius\":18}"
          })
        }
        // The same definition, but for the description Effect's JSON Schema generation gives
        // `NumberFromString` ("a string that will be decoded as a number"): `Toolkit.definitions` keeps it,
        // the provider does not.
        expect(withoutPropertyDescriptions(viaLanguageModel.sent[0]?.tools)).toEqual(
          withoutPropertyDescriptions(viaLoop.sent[0]?.tools)
        )
      }))
  }
})
