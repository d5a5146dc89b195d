/**
 * The Effect 4 edition's Tool and Toolkit tests without a loop. The body both editions share
 * (`test/support/toolsSuite.ts`: the request's `tools` entries, decoding calls into the typed union, the
 * typed errors for calls the toolkit cannot run, hostile arguments, toolkits, calls and replies, the collected streams of the
 * emulator over both HTTP clients and in-process, the recorded tool calls of real providers) runs with
 * this edition's tools; here what only this edition has: tools that are effect/ai's (its guards,
 * annotations, JSON Schema, dynamic and provider-defined tools), `Effect.fromResult`, a parameters Schema
 * that needs a service, Schema 4's messages for arguments that do not match, and running one call with
 * the handler layer effect/ai's `toLayer` builds (the same layer effect/ai's own `Toolkit.handle` runs).
 */
import { describe, expect, it } from "@effect/vitest"
import * as AiError from "effect/ai/AiError"
import * as AiTool from "effect/ai/Tool"
import * as AiToolkit from "effect/ai/Toolkit"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"
import * as Stream from "effect/Stream"
import { type Decoded, toolsSuite } from "../../test/support/toolsSuite.js"
import { Testing, Tool, type ToolError, Toolkit } from "../src/index.js"
import * as Kit from "../src/internal/tool/toolkit.js"
import type * as S from "../src/Schema.js"
import { callsWithConfig, outcome, wired } from "./support/callsEffect4.js"

const GetWeather = Tool.make("get_weather", {
  description: "The weather in a city.",
  parameters: Schema.Struct({ city: Schema.String, unit: Schema.optionalKey(Schema.Literals(["c", "f"])) }),
  success: Schema.Struct({ celsius: Schema.Number })
})
const Now = Tool.make("now", { success: Schema.String })
const Tools = Toolkit.make(GetWeather, Now)

const call = (name: string, args: string, id: string | null = "call_1"): S.ResponseToolCall => ({
  ...(id === null ? {} : { id }),
  type: "function",
  function: { name, arguments: args }
})

const exitOf = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.exit(effect)
/** The typed failure of an exit; a defect or a success fails the test. */
const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  const found = exit.cause.reasons.find((r) => r._tag === "Fail")
  if (found === undefined || found._tag !== "Fail") {
    throw new Error(`expected a typed failure, got ${String(exit.cause)}`)
  }
  return found.error
}
const getOrThrow = <A, E>(result: Result.Result<A, E>): A => {
  if (Result.isFailure(result)) throw new Error(`expected a success, got ${String(result.failure)}`)
  return result.success
}

interface Tree {
  readonly label: string
  readonly children: ReadonlyArray<Tree>
}
const Tree: Schema.Codec<Tree> = Schema.Struct({
  label: Schema.String,
  children: Schema.Array(Schema.suspend((): Schema.Codec<Tree> => Tree))
})

/** The shared body's toolkits: any tools. */
type AnyKit = Toolkit.Toolkit<Record<string, Tool.Any>>

/** `Toolkit.decodeCalls` run, as the shared body reads it. */
const decoded = (effect: Effect.Effect<ReadonlyArray<Decoded>, { readonly _tag: string }>) =>
  Effect.runPromise(Effect.map(Effect.result(effect), outcome))

toolsSuite(wired, {
  replies: Testing,
  describeIf: (condition) => describe.skipIf(!condition),
  definition: (tool) => outcome(Tool.definition(tool as Tool.Any)),
  definitions: (toolkit) => outcome(Toolkit.definitions(toolkit as AnyKit)),
  // The shared body's tools need no service.
  decodeCall: (raw, toolkit) =>
    outcome(Effect.runSync(Effect.result(
      Toolkit.decodeCall(raw as S.ResponseToolCall, toolkit as AnyKit) as Effect.Effect<Decoded, ToolError.CallError>
    ))),
  decodeCalls: (response, toolkit) =>
    decoded(Toolkit.decodeCalls(response as S.ChatResponse, toolkit as AnyKit) as Effect.Effect<
      ReadonlyArray<Decoded>,
      ToolError.CallError
    >),
  decodeCallsOf: (toolkit) => (response) =>
    decoded(
      Toolkit.decodeCalls(toolkit as AnyKit)(response as S.ChatResponse) as Effect.Effect<
        ReadonlyArray<Decoded>,
        ToolError.CallError
      >
    ),
  collectInProcess: (script, request, config) => callsWithConfig(script as Testing.Script, config).collect("", request),
  tools: Tools,
  strictWeather: Tool.make("get_weather", { parameters: GetWeather.parametersSchema, strict: true }),
  sum: Tool.make("sum", { parameters: Schema.Array(Schema.Number) }),
  noParameters: [
    Tool.make("a"),
    Tool.make("b", { strict: true }),
    Tool.make("c", { parameters: Schema.Struct({}) }),
    AiTool.make("d")
  ],
  named: Tool.make("named", {
    parameters: Schema.Struct({ q: Schema.String }).annotate({ identifier: "Query", description: "A query" })
  }),
  tree: (strict) => Tool.make("tree", { parameters: Tree, strict }),
  at: Tool.make("at", { parameters: Schema.Struct({ when: Schema.Date }) }),
  nest: Toolkit.make(Tool.make("nest", { parameters: Schema.Struct({ child: Schema.Unknown }) })),
  withStrict: Toolkit.make(
    GetWeather,
    Now,
    Tool.make("strict", { parameters: GetWeather.parametersSchema, strict: true })
  ),
  // Strict mode cannot state a value of any type.
  unstatable: {
    tool: Tool.make("loose", { parameters: Schema.Struct({ data: Schema.Unknown }), strict: true }),
    name: "loose"
  },
  version: Toolkit.make(Tool.make("llm_version", { success: Schema.String })),
  shell: Toolkit.make(Tool.make("developer__shell", { parameters: Schema.Struct({ command: Schema.String }) })),
  anyArguments: (name) => Tool.make(name, { parameters: Schema.Record(Schema.String, Schema.Unknown) }),
  make: (...tools) => Toolkit.make(...(tools as ReadonlyArray<Tool.Any>)),
  forgedTool: { [Tool.TypeId]: {}, name: "now" },
  makeTool: (name, options) => Tool.make(name as string, options as undefined),
  merge: (...toolkits) => Toolkit.merge(...(toolkits as ReadonlyArray<Toolkit.Any>)),
  handlers: (toolkit, handlers) => Toolkit.handlers(toolkit as AnyKit, handlers as never),
  isTool: Tool.isTool
})

describe("Tool.make", () => {
  it("makes an effect/ai tool: effect/ai's guards, getters and Toolkit accept it", () => {
    expect(AiTool.isUserDefined(GetWeather)).toBe(true)
    expect(Tool.isTool(GetWeather)).toBe(true)
    expect(Tool.isTool({ name: "get_weather" })).toBe(false)
    expect(AiTool.getDescription(GetWeather)).toBe("The weather in a city.")
    expect(Object.keys(AiToolkit.make(GetWeather, Now).tools)).toEqual(["get_weather", "now"])
  })

  it("defaults: no parameters (effect/ai's EmptyParams), any result, no failure, failureMode error, not strict", () => {
    expect(Now.parametersSchema).toBe(Tool.NoParameters)
    expect(Tool.NoParameters).toBe(AiTool.EmptyParams)
    expect(Now.successSchema).toBe(Schema.String)
    expect(Tool.make("x").successSchema).toBe(Schema.Unknown)
    expect(Tool.make("x").failureSchema).toBe(Schema.Never)
    expect(Tool.make("x").failureMode).toBe("error")
    expect(Tool.isStrict(Tool.make("x"))).toBe(false)
  })

  it("strict: true is effect/ai's Tool.Strict annotation, and an effect/ai tool annotated so is strict too", () => {
    const strict = Tool.make("s", { strict: true })
    expect(AiTool.getStrictMode(strict)).toBe(true)
    expect(Tool.isStrict(strict)).toBe(true)
    expect(AiTool.getStrictMode(Tool.make("s", { strict: false }))).toBe(false)
    expect(AiTool.getStrictMode(Tool.make("s"))).toBe(undefined)
    expect(Tool.isStrict(AiTool.make("s").annotate(AiTool.Strict, true))).toBe(true)
    expect(Tool.isStrict(AiTool.make("s").annotate(AiTool.Strict, false))).toBe(false)
  })

  it("Tool.isStrict of a value that is not a tool (or cannot be read) is false, never a throw", () => {
    const unaskable = new Proxy({}, {
      has: () => {
        throw new Error("has trap")
      }
    })
    for (const value of [null, "s", {}, unaskable]) {
      expect(Tool.isStrict(value as never)).toBe(false)
    }
  })
})

describe("Tool.definition / Toolkit.definitions", () => {
  it("a tool's parameters are effect/ai's JSON Schema", () => {
    expect(getOrThrow(Tool.definition(GetWeather)).function.parameters).toEqual(
      AiTool.getJsonSchema(GetWeather)
    )
  })

  it("yield*s in Effect.gen through Effect.fromResult", () =>
    Effect.gen(function*() {
      const tools = yield* Effect.fromResult(Toolkit.definitions(Tools))
      expect(tools.map((t) => t.function.name)).toEqual(["get_weather", "now"])
    }).pipe(Effect.runSync))
})

describe("effect/ai's other kinds of tool", () => {
  it.effect("a dynamic tool's JSON Schema parameters are sent as given, its arguments passed on undecoded", () =>
    Effect.gen(function*() {
      const jsonSchema = { type: "object", properties: { q: { type: "string" } }, required: ["q"] }
      const Search = AiTool.dynamic("search", { description: "Search", parameters: jsonSchema })
      const definition = getOrThrow(Tool.definition(Search))
      expect(definition).toEqual({
        type: "function",
        function: { name: "search", description: "Search", parameters: jsonSchema }
      })
      const decoded = yield* Toolkit.decodeCall(call("search", `{"q":1,"extra":true}`), Toolkit.make(Search))
      expect(decoded.params).toEqual({ q: 1, extra: true })
    }))

  it("a dynamic tool whose JSON Schema root is not an object is an InvalidRequestError", () => {
    const List = AiTool.dynamic("list", { parameters: { type: "array", items: { type: "string" } } })
    const result = Tool.definition(List)
    expect(Result.isFailure(result) && result.failure.issues[0]).toEqual({
      path: "tools.list.parameters",
      message: `a JSON Schema given as parameters must have type "object" at its root`
    })
  })

  it("a provider-defined tool (an OpenAI or Anthropic built-in) is an InvalidRequestError, not a defect", () => {
    const WebSearch = AiTool.providerDefined({
      id: "openai.web_search",
      customName: "OpenAiWebSearch",
      providerName: "web_search",
      args: Schema.Struct({}),
      success: Schema.Unknown
    })({})
    const result = Toolkit.definitions(AiToolkit.make(WebSearch) as unknown as Toolkit.Any)
    expect(Result.isFailure(result) && result.failure.issues[0]?.path).toBe("tools.OpenAiWebSearch")
    expect(Result.isFailure(result) && result.failure.message).toContain("openai.web_search")
  })
})

describe("Toolkit.decodeCall", () => {
  const Mixed = Tool.make("mixed", {
    parameters: Schema.Struct({
      n: Schema.Number,
      unit: Schema.optionalKey(Schema.Literals(["c", "f"])),
      items: Schema.Array(Schema.Struct({ ok: Schema.Boolean }))
    })
  })
  const mismatches: ReadonlyArray<readonly [string, Tool.Any, string, string]> = [
    [
      "every mismatch, one per path, with the value found",
      Mixed,
      `{"n":"x","unit":"k","items":[{"ok":1}]}`,
      `The arguments of mixed do not match its parameters: n: expected "Infinity", "-Infinity", "NaN" or a number, got "x"; unit: expected "c" or "f", got "k"; items.0.ok: expected a boolean, got 1`
    ],
    [
      "a missing field",
      Mixed,
      `{"items":[]}`,
      `The arguments of mixed do not match its parameters: n: is missing`
    ],
    [
      "a strict tool's mismatch",
      Tool.make("mixed", { parameters: Mixed.parametersSchema, strict: true }),
      `{"n":1,"unit":"k","items":[]}`,
      `The arguments of mixed do not match its parameters: unit: expected "c", "f" or null, got "k"`
    ],
    [
      "an object whose one field is named value keeps it in the path",
      Tool.make("mixed", { parameters: Schema.Struct({ value: Schema.Number }) }),
      `{"value":"2"}`,
      `The arguments of mixed do not match its parameters: value: expected "Infinity", "-Infinity", "NaN" or a number, got "2"`
    ],
    [
      "a wrapped root's mismatch, without the wrapper in the path",
      Tool.make("mixed", { parameters: Schema.Array(Schema.Number) }),
      `{"value":[1,"2"]}`,
      `The arguments of mixed do not match its parameters: 1: expected "Infinity", "-Infinity", "NaN" or a number, got "2"`
    ]
  ]
  for (const [label, tool, args, message] of mismatches) {
    it.effect(`an InvalidArgumentsError says ${label}`, () =>
      Effect.gen(function*() {
        // Tool.Any's Schema may need any service: these need none.
        const decoded = Toolkit.decodeCall(call(tool.name, args), Toolkit.make(tool)) as Effect.Effect<
          unknown,
          ToolError.CallError
        >
        const error = failureOf(yield* exitOf(decoded))
        expect(error._tag).toBe("InvalidArgumentsError")
        expect(error.message).toBe(message)
      }))
  }

  it.effect("a parameters Schema that needs a service gets it from the caller", () =>
    Effect.gen(function*() {
      class Units extends Context.Service<Units, { readonly factor: number }>()("Units") {}
      const Scaled = Schema.Number.pipe(Schema.decodeTo(Schema.Number, {
        decode: SchemaGetter.transformEffect((n: number) => Effect.map(Effect.service(Units), (u) => n * u.factor)),
        encode: SchemaGetter.passthrough()
      }))
      const Scale = Tool.make("scale", { parameters: Schema.Struct({ n: Scaled }) })
      const decoded = yield* Toolkit.decodeCall(call("scale", `{"n":2}`), Toolkit.make(Scale)).pipe(
        Effect.provideService(Units, { factor: 10 })
      )
      expect(decoded.params).toEqual({ n: 20 })
    }))
})

describe("Toolkit.make and merge on bad input: still effect/ai's toolkits", () => {
  // A bad argument, as a cast lets through.
  const bad = null as unknown as Tool.Any
  type Weather = Toolkit.Toolkit<{ readonly get_weather: typeof GetWeather }>
  const refused: ReadonlyArray<readonly [string, Weather]> = [
    ["Toolkit.make(get_weather, null)", Toolkit.make(GetWeather, bad) as unknown as Weather],
    ["Toolkit.merge(toolkit, null)", Toolkit.merge(Toolkit.make(GetWeather), null as unknown as Toolkit.Any)]
  ]
  for (const [label, toolkit] of refused) {
    it.effect(`${label} is effect/ai's toolkit of the good tools: its toLayer serves effect/ai's handle`, () =>
      Effect.gen(function*() {
        expect(toolkit.toJSON()).toEqual({ _id: "effect/ai/Toolkit", tools: ["get_weather"] })
        expect(Result.isFailure(Toolkit.definitions(toolkit))).toBe(true)
        const withHandler = yield* toolkit
        const results = yield* Effect.flatMap(
          withHandler.handle("get_weather", { city: "Oslo" }, "c"),
          Stream.runCollect
        )
        expect(results.map((r) => r.result)).toEqual([{ celsius: 4 }])
      }).pipe(Effect.provide(toolkit.toLayer({ get_weather: ({ city }) => Effect.succeed({ celsius: city.length }) }))))
  }

  it("a toolkit of good tools is effect/ai's own, as effect/ai's make and merge build it", () => {
    expect(Toolkit.make(GetWeather, Now).toJSON()).toEqual(AiToolkit.make(GetWeather, Now).toJSON())
    expect(Result.isSuccess(Toolkit.definitions(Toolkit.merge(Tools, Toolkit.make(Now))))).toBe(true)
  })
})

describe("one handler layer: Toolkit.toLayer, effect/ai's toLayer and handle", () => {
  class NotFound extends Schema.TaggedError<NotFound>()("NotFound", { city: Schema.String }) {}
  const Weather = Tool.make("weather", {
    parameters: Schema.Struct({ city: Schema.String }),
    success: Schema.Struct({ celsius: Schema.Number }),
    failure: NotFound
  })
  const Lenient = Tool.make("lenient", { failure: NotFound, failureMode: "return" })
  const Void = Tool.make("void", { success: Schema.Void })
  const Text = Tool.make("text", { success: Schema.String })
  const Bad = Tool.make("bad", { success: Schema.Struct({ n: Schema.Number }) })
  const Unserialisable = Tool.make("unserialisable")
  const Reason = Tool.make("reason")
  const Round = Tool.make("round", { success: Schema.Unknown })
  const Kitchen = Toolkit.make(Weather, Lenient, Void, Text, Bad, Unserialisable, Reason, Round)
  const handlers = Kitchen.of({
    weather: ({ city }) => city === "" ? Effect.fail(new NotFound({ city })) : Effect.succeed({ celsius: city.length }),
    lenient: () => Effect.fail(new NotFound({ city: "x" })),
    void: () => Effect.void,
    text: () => Effect.succeed("plain text"),
    bad: () => Effect.succeed({ n: "nope" } as unknown as { n: number }),
    unserialisable: () => Effect.succeed(10n),
    reason: () => Effect.fail(new AiError.ToolNotFoundError({ toolName: "x", availableTools: [] })),
    round: () => Effect.map(Effect.service(Toolkit.CurrentCall), (c) => c === undefined ? null : [c.id, c.round])
  })
  const context: Toolkit.CallContext = { id: "call_1", name: "", round: 3, transcript: [] }
  // Kit.run is internal and untyped in R (ToolLoop types it); here it needs the handlers.
  const runCall = (name: string, args: string) =>
    Effect.flatMap(
      Toolkit.decodeCall(call(name, args), Kitchen),
      (decoded) => Kit.run(Kitchen, decoded, { ...context, name })
    ) as Effect.Effect<Kit.Outcome, unknown, Tool.HandlersFor<Toolkit.Tools<typeof Kitchen>>>
  const layers = [
    ["Toolkit.toLayer", Toolkit.toLayer(Kitchen, handlers)],
    ["effect/ai's toolkit.toLayer", Kitchen.toLayer(handlers)],
    ["Toolkit.toLayer (data-last)", Kitchen.pipe(Toolkit.toLayer(handlers))]
  ] as const

  for (const [label, layer] of layers) {
    it.effect(`${label}: a result is sent as JSON, a string as is, a void result as "null"`, () =>
      Effect.gen(function*() {
        expect(yield* runCall("weather", `{"city":"Oslo"}`)).toEqual({
          _tag: "Success",
          value: { celsius: 4 },
          content: `{"celsius":4}`
        })
        expect((yield* runCall("text", "")).content).toBe("plain text")
        expect((yield* runCall("void", "")).content).toBe("null")
      }).pipe(Effect.provide(layer)))
  }

  it.effect("a failure of a failureMode \"error\" tool fails with the handler's error", () =>
    Effect.gen(function*() {
      const error = failureOf(yield* exitOf(runCall("weather", `{"city":""}`)))
      expect(error).toBeInstanceOf(NotFound)
    }).pipe(Effect.provide(Kitchen.toLayer(handlers))))

  it.effect("a failure of a failureMode \"return\" tool is a Failure outcome whose content is {\"error\": ...}", () =>
    Effect.gen(function*() {
      const outcome = yield* runCall("lenient", "")
      expect(outcome._tag).toBe("Failure")
      expect(JSON.parse(outcome.content)).toEqual({ error: { _tag: "NotFound", city: "x" } })
    }).pipe(Effect.provide(Kitchen.toLayer(handlers))))

  it.effect("a result that does not encode, or is not JSON, is an InvalidResultError, not a defect", () =>
    Effect.gen(function*() {
      for (const name of ["bad", "unserialisable"]) {
        const error = failureOf(yield* exitOf(runCall(name, "")))
        expect(error, name).toMatchObject({ _tag: "InvalidResultError", id: "call_1", name })
      }
    }).pipe(Effect.provide(Kitchen.toLayer(handlers))))

  it.effect("an AiErrorReason a handler fails with is wrapped in an AiError, as effect/ai's handle does", () =>
    Effect.gen(function*() {
      const error = failureOf(yield* exitOf(runCall("reason", "")))
      expect(AiError.isAiError(error)).toBe(true)
      expect((error as AiError.AiError).reason._tag).toBe("ToolNotFoundError")
    }).pipe(Effect.provide(Kitchen.toLayer(handlers))))

  it.effect("the handler reads the loop's CallContext with Toolkit.CurrentCall (undefined under effect/ai's handle)", () =>
    Effect.gen(function*() {
      expect(yield* runCall("round", "")).toMatchObject({ _tag: "Success", value: ["call_1", 3] })
      const withHandler = yield* Kitchen
      const results = yield* Effect.flatMap(withHandler.handle("round", {}, "call_9"), Stream.runCollect)
      expect(results.map((r) => r.result)).toEqual([null])
    }).pipe(Effect.provide(Kitchen.toLayer(handlers))))

  it.effect("the same layer serves effect/ai's Toolkit.handle with the same encoded result", () =>
    Effect.gen(function*() {
      const withHandler = yield* Kitchen
      const results = yield* Effect.flatMap(withHandler.handle("weather", { city: "Oslo" }, "c"), Stream.runCollect)
      const ours = yield* runCall("weather", `{"city":"Oslo"}`)
      expect(results.map((r) => JSON.stringify(r.encodedResult))).toEqual([ours.content])
    }).pipe(Effect.provide(Kitchen.toLayer(handlers))))

  it.effect("handlers built by an Effect get its services; a tool's dependencies come from the caller", () =>
    Effect.gen(function*() {
      class Greeting extends Context.Service<Greeting, string>()("Greeting") {}
      class Name extends Context.Service<Name, string>()("Name") {}
      const Hello = Tool.make("hello", { success: Schema.String, dependencies: [Name] })
      const Hi = Toolkit.make(Hello)
      const live = Toolkit.toLayer(
        Hi,
        Effect.map(Effect.service(Greeting), (greeting) => ({
          hello: () => Effect.map(Effect.service(Name), (name) => `${greeting} ${name}`)
        }))
      )
      const run = Effect.flatMap(
        Toolkit.decodeCall(call("hello", ""), Hi),
        (decoded) => Kit.run(Hi, decoded, { ...context, name: "hello" })
      ) as Effect.Effect<Kit.Outcome, unknown, Tool.HandlersFor<Toolkit.Tools<typeof Hi>> | Name>
      const outcome = yield* run.pipe(
        Effect.provideService(Name, "Ada"),
        Effect.provide(live),
        Effect.provide(Layer.succeed(Greeting, "bonjour"))
      )
      expect(outcome.content).toBe("bonjour Ada")
    }))
})
