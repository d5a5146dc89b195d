/**
 * Tool and Toolkit without a loop: the body (the request's `tools` entries, decoding calls into the
 * typed union, the typed errors for calls the toolkit cannot run, collected streams, the recorded tool
 * calls of real providers, hostile input) is shared with the Effect 4 edition
 * (`test/support/toolsSuite.ts`); this file gives it the Effect 3 edition's tools and runs, and keeps
 * `Toolkit.toLayer` with the services its handlers need, and hostile toolkits, calls and replies (a
 * typed error here; the Effect 4 edition's Toolkit still throws on them).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { Testing, Tool, Toolkit, ToolLoop } from "../src/index.js"
import type * as S from "../src/Schema.js"
import { callsWithConfig, outcome, wired } from "./support/callsEffect3.js"
import { throwingAt } from "./support/hostileValues.js"
import { type Decoded, toolsSuite } from "./support/toolsSuite.js"

const GetWeather = Tool.make("get_weather", {
  description: "The weather in a city.",
  parameters: Schema.Struct({ city: Schema.String, unit: Schema.optional(Schema.Literal("c", "f")) }),
  success: Schema.Struct({ celsius: Schema.Number })
})
const Now = Tool.make("now", { success: Schema.String })
const Shell = Tool.make("developer__shell", { parameters: Schema.Struct({ command: Schema.String }) })
const Tools = Toolkit.make(GetWeather, Now)

interface Tree {
  readonly label: string
  readonly children: ReadonlyArray<Tree>
}
const Tree: Schema.Schema<Tree> = Schema.Struct({
  label: Schema.String,
  children: Schema.Array(Schema.suspend((): Schema.Schema<Tree> => Tree))
})

/** The shared body's toolkits: any tools. */
type AnyKit = Toolkit.Toolkit<Record<string, Tool.Any>>

/** `Toolkit.decodeCalls` run, as the shared body reads it. */
const decoded = (effect: Effect.Effect<ReadonlyArray<Decoded>, { readonly _tag: string }>) =>
  Effect.runPromise(Effect.map(Effect.either(effect), outcome))

toolsSuite(wired, {
  replies: Testing,
  describeIf: (condition) => describe.skipIf(!condition),
  definition: (tool) => outcome(Tool.definition(tool as Tool.Any)),
  definitions: (toolkit) => outcome(Toolkit.definitions(toolkit as AnyKit)),
  decodeCall: (raw, toolkit) => outcome(Toolkit.decodeCall(raw as S.ResponseToolCall, toolkit as AnyKit)),
  decodeCalls: (response, toolkit) => decoded(Toolkit.decodeCalls(response as S.ChatResponse, toolkit as AnyKit)),
  decodeCallsOf: (toolkit) => (response) => decoded(Toolkit.decodeCalls(toolkit as AnyKit)(response as S.ChatResponse)),
  collectInProcess: (script, request, config) => callsWithConfig(script as Testing.Script, config).collect("", request),
  tools: Tools,
  strictWeather: Tool.make("get_weather", { parameters: GetWeather.parameters, strict: true }),
  sum: Tool.make("sum", { parameters: Schema.Array(Schema.Number) }),
  noParameters: [Tool.make("a"), Tool.make("b", { strict: true }), Tool.make("c", { parameters: Schema.Struct({}) })],
  named: Tool.make("named", {
    parameters: Schema.Struct({ q: Schema.String }).annotations({ identifier: "Query", description: "A query" })
  }),
  tree: (strict) => Tool.make("tree", { parameters: Tree, strict }),
  at: Tool.make("at", { parameters: Schema.Struct({ when: Schema.Date }) }),
  nest: Toolkit.make(Tool.make("nest", { parameters: Schema.Struct({ child: Schema.Unknown }) })),
  withStrict: Toolkit.make(GetWeather, Now, Tool.make("strict", { parameters: GetWeather.parameters, strict: true })),
  // A Date instance has no JSON Schema.
  unstatable: { tool: Tool.make("at", { parameters: Schema.Struct({ when: Schema.DateFromSelf }) }), name: "at" },
  version: Toolkit.make(Tool.make("llm_version", { success: Schema.String })),
  shell: Toolkit.make(Shell),
  anyArguments: (name) => Tool.make(name, { parameters: Schema.Record({ key: Schema.String, value: Schema.Unknown }) }),
  make: (...tools) => Toolkit.make(...(tools as ReadonlyArray<Tool.Any>))
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
