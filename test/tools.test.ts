/**
 * Tool and Toolkit without a loop: the request's `tools` entries, decoding calls into the typed
 * union, the typed errors for calls the toolkit cannot run, and the recorded tool calls of real
 * providers (read from the shared folder at test time).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { Chat, Testing, Tool, Toolkit, ToolLoop } from "../src/index.js"
import type * as S from "../src/Schema.js"
import { throwingAt } from "./support/hostileValues.js"
import { readRecorded, recordedDir, recordedMissing } from "./support/recorded.js"

const GetWeather = Tool.make("get_weather", {
  description: "The weather in a city.",
  parameters: Schema.Struct({ city: Schema.String, unit: Schema.optional(Schema.Literal("c", "f")) }),
  success: Schema.Struct({ celsius: Schema.Number })
})
const Now = Tool.make("now", { success: Schema.String })
const Shell = Tool.make("developer__shell", { parameters: Schema.Struct({ command: Schema.String }) })
const Tools = Toolkit.make(GetWeather, Now)

const call = (name: string, args: string, id: string | null = "call_1"): S.ResponseToolCall => ({
  ...(id === null ? {} : { id }),
  type: "function",
  function: { name, arguments: args }
})

const decode = (raw: S.ResponseToolCall) => Toolkit.decodeCall(raw, Tools)

describe("Tool.definition / Toolkit.definitions", () => {
  it("gives one function entry per tool, parameters as JSON Schema", () => {
    const definitions = Either.getOrThrow(Toolkit.definitions(Tools))
    expect(definitions).toEqual([
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "The weather in a city.",
          parameters: {
            type: "object",
            required: ["city"],
            properties: { city: { type: "string" }, unit: { type: "string", enum: ["c", "f"] } },
            additionalProperties: false
          }
        }
      },
      {
        type: "function",
        function: { name: "now", parameters: { type: "object", properties: {}, additionalProperties: false } }
      }
    ])
  })

  it("a strict tool gets the strict form: every property required, optional ones nullable, strict: true", () => {
    const strict = Tool.make("get_weather", { parameters: GetWeather.parameters, strict: true })
    const definition = Either.getOrThrow(Tool.definition(strict))
    expect(definition.function.strict).toBe(true)
    expect(definition.function.parameters).toMatchObject({
      type: "object",
      required: ["city", "unit"],
      properties: { unit: { anyOf: [{ type: "string", enum: ["c", "f"] }, { type: "null" }] } },
      additionalProperties: false
    })
  })

  it("a strict tool's null for an optional field decodes as absent", () => {
    const strict = Toolkit.make(Tool.make("get_weather", { parameters: GetWeather.parameters, strict: true }))
    const decoded = Toolkit.decodeCall(call("get_weather", `{"city":"Oslo","unit":null}`), strict)
    expect(Either.getOrThrow(decoded).params).toEqual({ city: "Oslo" })
  })

  it("parameters that are not an object travel wrapped as {value}", () => {
    const Sum = Tool.make("sum", { parameters: Schema.Array(Schema.Number) })
    const definition = Either.getOrThrow(Tool.definition(Sum))
    expect(definition.function.parameters).toMatchObject({ type: "object", required: ["value"] })
    const decoded = Toolkit.decodeCall(call("sum", `{"value":[1,2,3]}`), Toolkit.make(Sum))
    expect(Either.getOrThrow(decoded).params).toEqual([1, 2, 3])
  })

  it("a Schema JSON Schema cannot state is an InvalidRequestError, not a defect", () => {
    const At = Tool.make("at", { parameters: Schema.Struct({ when: Schema.DateFromSelf }) })
    const result = Toolkit.definitions(Toolkit.make(At))
    expect(Either.isLeft(result) && result.left._tag).toBe("InvalidRequestError")
    expect(Either.isLeft(result) && result.left.issues[0]?.path).toBe("tools.at.parameters")
  })
})

describe("Toolkit.decodeCall", () => {
  it("decodes the parameters with the tool's Schema, discriminated by name", () => {
    const decoded = Either.getOrThrow(decode(call("get_weather", `{"city":"Paris","unit":"c"}`)))
    expect(decoded.name).toBe("get_weather")
    if (decoded.name === "get_weather") expect(decoded.params).toEqual({ city: "Paris", unit: "c" })
    expect(decoded.id).toBe("call_1")
    expect(decoded.raw.function?.arguments).toBe(`{"city":"Paris","unit":"c"}`)
  })

  it("empty arguments are an empty object (a tool without parameters)", () => {
    expect(Either.getOrThrow(decode(call("now", ""))).params).toEqual({})
    expect(Either.getOrThrow(decode(call("now", "{}"))).params).toEqual({})
  })

  it("a call to an unknown tool is an UnknownToolError carrying the raw call", () => {
    const raw = call("get_time", "{}")
    const error = Either.flip(decode(raw)).pipe(Either.getOrThrow)
    expect(error._tag).toBe("UnknownToolError")
    expect(error.call).toEqual(raw)
    expect(error._tag === "UnknownToolError" && error.available).toEqual(["get_weather", "now"])
  })

  it("a name that is a key of every object is still unknown", () => {
    expect(Either.flip(decode(call("constructor", "{}"))).pipe(Either.getOrThrow)._tag).toBe("UnknownToolError")
  })

  it("arguments that are not JSON are a MalformedArgumentsError carrying the raw call and text", () => {
    const raw = call("get_weather", `{"city": "Par`)
    const error = Either.flip(decode(raw)).pipe(Either.getOrThrow)
    expect(error._tag).toBe("MalformedArgumentsError")
    expect(error.call).toEqual(raw)
    expect(error._tag === "MalformedArgumentsError" && error.arguments).toBe(`{"city": "Par`)
  })

  it("arguments that do not decode are an InvalidArgumentsError naming the field", () => {
    const error = Either.flip(decode(call("get_weather", `{"city":42}`))).pipe(Either.getOrThrow)
    expect(error._tag).toBe("InvalidArgumentsError")
    expect(error.message).toContain("city")
    expect(error._tag === "InvalidArgumentsError" && error.arguments).toEqual({ city: 42 })
  })

  it("arguments that are JSON but not an object are an InvalidArgumentsError", () => {
    for (const args of ["5", `"x"`, "[]", "null"]) {
      const error = Either.flip(decode(call("now", args))).pipe(Either.getOrThrow)
      expect(error._tag).toBe("InvalidArgumentsError")
    }
  })

  it("a call without an id gets the fallback id", () => {
    expect(Either.getOrThrow(decode(call("now", "", null))).id).toBe("call_0")
  })
})

describe("Toolkit.toLayer", () => {
  it.effect("takes an Effect that builds the handlers, with the services it needs", () => {
    class Greeting extends Context.Tag("Greeting")<Greeting, string>() {}
    const Hello = Tool.make("hello", { success: Schema.String })
    const Kit = Toolkit.make(Hello)
    const live = Toolkit.toLayer(Kit, Effect.map(Greeting, (greeting) => ({ hello: () => Effect.succeed(greeting) })))
    return Effect.gen(function*() {
      const result = yield* ToolLoop.run({ messages: [{ role: "user", content: "hi" }] }, { toolkit: Kit })
      expect(result.transcript.at(-2)).toEqual({ role: "tool", tool_call_id: "c", content: "bonjour" })
    }).pipe(
      Effect.provide(live),
      Effect.provide(Layer.succeed(Greeting, "bonjour")),
      Effect.provide(Testing.layerWithConfig(
        Testing.rounds([Testing.callTools([{ id: "c", name: "hello", arguments: "" }]), Testing.answer("ok")])
      ))
    )
  })
})

describe("Toolkit.decodeCalls", () => {
  const response = (calls: ReadonlyArray<S.ResponseToolCall>): S.ChatResponse => ({
    id: "gen-1",
    choices: [{ message: { role: "assistant", content: null, tool_calls: calls }, finish_reason: "tool_calls" }]
  })

  it.effect("decodes several calls of one reply, in order", () =>
    Effect.gen(function*() {
      const calls = yield* Toolkit.decodeCalls(
        response([call("now", "", "a"), call("get_weather", `{"city":"Rome"}`, "b")]),
        Tools
      )
      expect(calls.map((c) => [c.id, c.name, c.params])).toEqual([["a", "now", {}], ["b", "get_weather", {
        city: "Rome"
      }]])
    }))

  it.effect("a reply without calls gives none", () =>
    Effect.map(
      Toolkit.decodeCalls(Tools)({ choices: [{ message: { content: "hi" } }] }),
      (calls) => expect(calls).toEqual([])
    ))

  it.effect("fails with the first call that does not decode", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Toolkit.decodeCalls(response([call("now", ""), call("nope", "{}"), call("get_weather", "x")]), Tools)
      )
      expect(error._tag).toBe("UnknownToolError")
    }))

  it.effect("calls without ids get ids unique to the reply", () =>
    Effect.gen(function*() {
      const calls = yield* Toolkit.decodeCalls(response([call("now", "", null), call("now", "", null)]), Tools)
      expect(calls.map((c) => c.id)).toEqual(["call_gen-1_0", "call_gen-1_1"])
    }))

  it.effect("decodes the calls of a collected stream whose arguments arrive one character per chunk", () =>
    Effect.gen(function*() {
      const collected = yield* Chat.collect(Chat.stream({ messages: [{ role: "user", content: "hi" }] }))
      const calls = yield* Toolkit.decodeCalls(collected, Tools)
      expect(calls.map((c) => c.params)).toEqual([{ city: "Reykjavík" }, {}])
    }).pipe(
      Effect.provide(Testing.layerWithConfig(
        Testing.callTools([{ name: "get_weather", arguments: { city: "Reykjavík" } }, { name: "now", arguments: "" }], {
          argumentsChunkSize: 1
        })
      ))
    ))
})

describe("Toolkit.decodeCalls on a collected stream whose tool-call fragments", () => {
  const chunk = (toolCall: object) => ({ id: "gen-1", choices: [{ index: 0, delta: { tool_calls: [toolCall] } }] })
  for (
    const [label, fragments] of [
      ["carry no index (id and name first, then arguments only)", [
        { id: "call_a", type: "function", function: { name: "get_weather", arguments: "" } },
        { function: { arguments: "{\"city\":\"Rome\"}" } },
        { id: "call_b", type: "function", function: { name: "now" } },
        { function: { arguments: "" } }
      ]],
      ["share index 0 with different ids", [
        { index: 0, id: "call_a", type: "function", function: { name: "get_weather", arguments: "{\"city\":" } },
        { index: 0, function: { arguments: "\"Rome\"}" } },
        { index: 0, id: "call_b", type: "function", function: { name: "now", arguments: "" } }
      ]]
    ] as const
  ) {
    it.effect(`${label} gives each call`, () =>
      Effect.gen(function*() {
        const collected = yield* Chat.collect(Chat.stream({ messages: [{ role: "user", content: "hi" }] }))
        const calls = yield* Toolkit.decodeCalls(collected, Tools)
        expect(calls.map((c) => [c.id, c.name, c.params])).toEqual([["call_a", "get_weather", { city: "Rome" }], [
          "call_b",
          "now",
          {}
        ]])
      }).pipe(Effect.provide(Testing.layerWithConfig(Testing.sse(fragments.map(chunk), { done: true })))))
  }
})

describe.skipIf(recordedDir === undefined)("recorded tool calls (shared/openrouter/recorded)", () => {
  if (recordedDir === undefined) console.warn(recordedMissing)

  const replay = (file: string) =>
    Chat.collect(Chat.stream({ messages: [{ role: "user", content: "hi" }] })).pipe(
      Effect.provide(Testing.layerWithConfig(
        Testing.raw({ headers: { "content-type": "text/event-stream" }, body: readRecorded(file) }),
        { retry: false }
      ))
    )

  it.effect("gpt-4.1-mini: a tool without parameters, arguments \"\" then \"{}\"", () =>
    Effect.gen(function*() {
      const Version = Toolkit.make(Tool.make("llm_version", { success: Schema.String }))
      const calls = yield* Effect.flatMap(replay("llm-gpt41mini-stream-tool-call.sse"), Toolkit.decodeCalls(Version))
      expect(calls).toHaveLength(1)
      expect(calls[0]).toMatchObject({ id: "call_o4OCgtJrNoZTmoCRvmlfoHfj", name: "llm_version", params: {} })
    }))

  it.effect("Claude on Bedrock: two parallel calls (indexes 1 and 2) with arguments in fragments", () =>
    Effect.gen(function*() {
      const calls = yield* Effect.flatMap(
        replay("goose-bedrock-claude4-parallel-tool-calls.sse"),
        Toolkit.decodeCalls(Toolkit.make(Shell))
      )
      expect(calls.map((c) => c.name)).toEqual(["developer__shell", "developer__shell"])
      expect(calls[0]!.params.command).toBe("ls")
      expect(calls[1]!.params.command).toMatch(/^ls /)
      expect(new Set(calls.map((c) => c.id)).size).toBe(2)
    }))

  it.effect("GLM via Mistral: a second delta repeating name \"\" keeps the name", () =>
    Effect.gen(function*() {
      const collected = yield* replay("vercel-mistral-glm-incremental-tool-call.sse")
      const [raw] = collected.choices[0]?.message?.tool_calls ?? []
      const Any = Tool.make(raw!.function!.name!, {
        parameters: Schema.Record({ key: Schema.String, value: Schema.Unknown })
      })
      const calls = yield* Toolkit.decodeCalls(collected, Toolkit.make(Any))
      expect(calls).toHaveLength(1)
      expect(typeof calls[0]!.params).toBe("object")
    }))

  it.effect("non-streaming recorded replies decode with Toolkit.decodeCalls", () =>
    Effect.gen(function*() {
      for (const file of ["pyd-mistral-small-tool-call.json", "pyd-claude45-tool-call-optional-params.json"]) {
        const response = JSON.parse(readRecorded(file)) as S.ChatResponse
        const raws = response.choices[0]?.message?.tool_calls ?? []
        expect(raws.length).toBeGreaterThan(0)
        const tools = Toolkit.make(
          ...raws.map((raw) =>
            Tool.make(raw.function!.name!, { parameters: Schema.Record({ key: Schema.String, value: Schema.Unknown }) })
          )
        )
        const calls = yield* Toolkit.decodeCalls(response, tools)
        expect(calls.map((c) => c.params)).toEqual(raws.map((raw) => JSON.parse(raw.function!.arguments || "{}")))
      }
    }))

  it.effect("every recorded tool-call stream folds into calls that parse", () =>
    Effect.gen(function*() {
      for (
        const file of [
          "goose-tetrate-claude-tool-call-no-finish-field.sse",
          "vercel-alibaba-qwen3max-tool-call.sse",
          "vercel-groq-tool-call-x-groq.sse",
          "vercel-xai-grok3mini-reasoning-tool-call.sse",
          "vercel-anthropic-compat-tool-call-index1.sse"
        ]
      ) {
        const collected = yield* replay(file)
        const raws = collected.choices[0]?.message?.tool_calls ?? []
        expect(raws.length, file).toBeGreaterThan(0)
        const tools = Toolkit.make(
          ...[...new Set(raws.map((raw) => raw.function!.name!))].map((name) =>
            Tool.make(name, { parameters: Schema.Record({ key: Schema.String, value: Schema.Unknown }) })
          )
        )
        const calls = yield* Toolkit.decodeCalls(collected, tools)
        expect(calls).toHaveLength(raws.length)
      }
    }))
})

describe("Toolkit on hostile input: a typed error, never a throw", () => {
  const toolkits: ReadonlyArray<readonly [string, unknown]> = [
    ["null", null],
    ["a string", "kit"],
    ["tools: null", { tools: null }],
    ["a tool that is null", { tools: { a: null } }],
    ["tools whose getter throws", throwingAt({}, "tools")],
    ["a tool whose getter throws", { tools: throwingAt({}, "a") }]
  ]
  for (const [label, toolkit] of toolkits) {
    it(`Toolkit.definitions of ${label} is an InvalidRequestError at toolkit`, () => {
      const result = Toolkit.definitions(toolkit as never)
      expect(Either.isLeft(result) && [result.left._tag, result.left.issues[0]?.path]).toEqual([
        "InvalidRequestError",
        "toolkit"
      ])
    })
  }

  const calls: ReadonlyArray<readonly [string, unknown]> = [
    ["null", null],
    ["a string", "call"],
    ["a call whose function getter throws", throwingAt({}, "function")],
    ["a call whose id getter throws", throwingAt({}, "id")],
    ["a call whose function's name getter throws", { id: "c", type: "function", function: throwingAt({}, "name") }]
  ]
  for (const [label, call] of calls) {
    it(`Toolkit.decodeCall of ${label} is an UnknownToolError (a call without a readable name)`, () => {
      const result = Toolkit.decodeCall(call as never, Tools)
      expect(Either.isLeft(result) && [result.left._tag, result.left.name]).toEqual(["UnknownToolError", ""])
    })
  }

  const replies: ReadonlyArray<readonly [string, unknown, string]> = [
    ["null", null, "none"],
    ["a reply whose choices getter throws", throwingAt({}, "choices"), "none"],
    ["tool_calls that are a string", { choices: [{ message: { tool_calls: "ab" } }] }, "none"],
    ["tool_calls: [null]", { choices: [{ message: { tool_calls: [null] } }] }, "UnknownToolError"],
    [
      "a call whose getter throws",
      { choices: [{ message: { tool_calls: [throwingAt({}, "function")] } }] },
      "UnknownToolError"
    ]
  ]
  for (const [label, reply, expected] of replies) {
    it.effect(`Toolkit.decodeCalls of ${label}: ${expected === "none" ? "no calls" : expected}`, () =>
      Effect.gen(function*() {
        const result = yield* Effect.either(Toolkit.decodeCalls(reply as never, Tools))
        if (expected === "none") expect(Either.isRight(result) && result.right).toEqual([])
        else expect(Either.isLeft(result) && result.left._tag).toBe(expected)
      }))
  }
})
