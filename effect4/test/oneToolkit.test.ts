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
import * as Stream from "effect/Stream"
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
        // The same definition, descriptions included (`NumberFromString`'s "a string that will be decoded
        // as a number"): both send `Toolkit.definitions`.
        expect(viaLanguageModel.sent[0]?.tools).toEqual(viaLoop.sent[0]?.tools)
      }))
  }
})

/**
 * The parameters of the table's tools: transformations, refinements, optional and nullable fields, and
 * what the strict form rewrites (a root that is not an object, a record, an identifier at the root).
 */
const parameterCases: ReadonlyArray<readonly [string, Schema.Top]> = [
  ["a transformation (NumberFromString)", Schema.Struct({ days: Schema.NumberFromString })],
  [
    "a transformation with its own description",
    Schema.Struct({ days: Schema.NumberFromString.annotate({ description: "How many days" }) })
  ],
  ["a nested transformation", Schema.Struct({ inner: Schema.Struct({ x: Schema.NumberFromString }) })],
  [
    "refinements",
    Schema.Struct({
      n: Schema.Number.check(Schema.isInt(), Schema.isGreaterThan(0)),
      s: Schema.String.check(Schema.isMinLength(2))
    })
  ],
  [
    "optional fields",
    Schema.Struct({ a: Schema.String, b: Schema.optional(Schema.String), c: Schema.optionalKey(Schema.Number) })
  ],
  ["a nullable field", Schema.Struct({ a: Schema.NullOr(Schema.String) })],
  ["an optional nullable field", Schema.Struct({ a: Schema.optionalKey(Schema.NullOr(Schema.Number)) })],
  ["descriptions", Schema.Struct({ a: Schema.String.annotate({ description: "A" }) }).annotate({ description: "All" })],
  ["an identifier at the root", Schema.Struct({ a: Schema.String }).annotate({ identifier: "Named" })],
  ["a record", Schema.Struct({ tags: Schema.Record(Schema.String, Schema.Number) })],
  ["no parameters", Schema.Struct({})],
  ["a root that is not an object", Schema.Array(Schema.String)]
]

const toolCases = parameterCases.flatMap(([label, parameters]) =>
  [true, false, undefined].map((strict) =>
    [
      `${label}, ${strict === undefined ? "strict left unset" : strict ? "strict" : "not strict"}`,
      Tool.make("t", {
        description: "A tool.",
        parameters: parameters as Schema.Struct<{}>,
        ...(strict === undefined ? {} : { strict })
      })
    ] as const
  )
)

/** A layer of handlers for a toolkit of one tool named `t` (never called: the model answers in text). */
const handlerOf = (toolkit: Toolkit.Toolkit<Record<string, Tool.Any>>) =>
  Toolkit.toLayer(toolkit as never, { t: () => Effect.succeed(null) } as never) as never

describe("one tool definition on the wire through Toolkit.definitions, ToolLoop.run and the provider", () => {
  const [[, http]] = httpClients as unknown as [[string, (typeof httpClients)[number][1]]]
  for (const [label, tool] of toolCases) {
    it.live(label, () =>
      Effect.gen(function*() {
        const toolkit = Toolkit.make(tool) as unknown as Toolkit.Toolkit<Record<string, Tool.Any>>
        const definitions = yield* Effect.fromResult(Toolkit.definitions(toolkit))
        const answer = Testing.rounds([Testing.answer("ok")])
        const viaLoop = yield* withServer(http, answer, (server) =>
          ToolLoop.run({ model: MODEL, messages: [{ role: "user", content: "Hi" }] }, { toolkit }).pipe(
            Effect.andThen(bodies(server)),
            Effect.provide(handlerOf(toolkit))
          ))
        const viaProvider = yield* withServer(http, answer, (server) =>
          LanguageModel.generateText({ prompt: "Hi", toolkit }).pipe(
            Effect.andThen(bodies(server)),
            Effect.provide(handlerOf(toolkit)),
            Effect.provide(OpenRouterLanguageModel.layer({ model: MODEL }))
          ))
        expect(viaProvider[0]?.tools).toEqual(definitions)
        expect(viaLoop[0]?.tools).toEqual(definitions)
      }))
  }
})

/**
 * [what the strict form rewrites, the parameters, the arguments as a model sends them in the strict
 * form, what the handler must get].
 */
const strictArguments: ReadonlyArray<readonly [string, Schema.Top, unknown, unknown]> = [
  [
    "optional fields sent as null",
    Schema.Struct({ a: Schema.String, b: Schema.optional(Schema.String), c: Schema.optionalKey(Schema.Number) }),
    { a: "x", b: null, c: null },
    { a: "x" }
  ],
  ["a transformation", Schema.Struct({ days: Schema.NumberFromString }), { days: "3" }, { days: 3 }],
  ["a root that is not an object (wrapped)", Schema.Array(Schema.String), { value: ["a", "b"] }, ["a", "b"]],
  [
    "a record (as pairs)",
    Schema.Struct({ tags: Schema.Record(Schema.String, Schema.Number) }),
    { tags: [{ "0": "k", "1": 1 }] },
    { tags: { k: 1 } }
  ]
]

describe("a strict tool's arguments in the strict form reach the handler decoded: ToolLoop.run, generateText, streamText", () => {
  const [[, http]] = httpClients as unknown as [[string, (typeof httpClients)[number][1]]]
  for (const [label, parameters, sent, expected] of strictArguments) {
    it.live(label, () =>
      Effect.gen(function*() {
        const tool = Tool.make("t", { parameters: parameters as Schema.Struct<{}>, strict: true })
        const toolkit = Toolkit.make(tool) as unknown as Toolkit.Toolkit<Record<string, Tool.Any>>
        const calls = yield* Ref.make<ReadonlyArray<unknown>>([])
        const handlers = Toolkit.toLayer(
          toolkit as never,
          { t: (params: unknown) => Ref.update(calls, (all) => [...all, params]).pipe(Effect.as(null)) } as never
        ) as never
        const script = Testing.rounds([
          Testing.callTools([{ id: "call_1", name: "t", arguments: sent as Record<string, unknown> }]),
          Testing.answer("done")
        ])
        yield* withServer(http, script, () =>
          ToolLoop.run({ model: MODEL, messages: [{ role: "user", content: "Hi" }] }, { toolkit }).pipe(
            Effect.provide(handlers)
          ))
        const history = yield* withServer(http, script, (server) =>
          Effect.gen(function*() {
            const first = yield* LanguageModel.generateText({ prompt: "Hi", toolkit })
            const prompt = Prompt.concat(Prompt.make("Hi"), Prompt.fromResponseParts(first.content))
            yield* LanguageModel.generateText({ prompt, toolkit })
            return yield* bodies(server)
          }).pipe(
            Effect.provide(handlers),
            Effect.provide(OpenRouterLanguageModel.layer({ model: MODEL }))
          ))
        // the call goes back to the model with arguments that are an object, as every call's are
        const assistant = history[1]?.messages.find((m: Wire) =>
          m.role === "assistant"
        )
        const args = JSON.parse(assistant?.tool_calls?.[0]?.function?.arguments)
        expect([typeof args, Array.isArray(args)]).toEqual(["object", false])
        yield* withServer(http, script, () =>
          Stream.runDrain(LanguageModel.streamText({ prompt: "Hi", toolkit })).pipe(
            Effect.provide(handlers),
            Effect.provide(OpenRouterLanguageModel.layer({ model: MODEL }))
          ))
        // ToolLoop.run, generateText, streamText
        expect(yield* Ref.get(calls)).toEqual([expected, expected, expected])
      }))
  }
})
