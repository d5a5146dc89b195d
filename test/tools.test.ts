/**
 * Tool and Toolkit without a loop: the body (the request's `tools` entries, decoding calls into the
 * typed union, the typed errors for calls the toolkit cannot run, collected streams, the recorded tool
 * calls of real providers, hostile input) is shared with the Effect 4 edition
 * (`test/support/toolsSuite.ts`); this file gives it the Effect 3 edition's tools and runs, and keeps
 * `Toolkit.toLayer` with the services its handlers need.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { Testing, Tool, Toolkit, ToolLoop } from "../src/index.js"
import type * as S from "../src/Schema.js"
import { callsWithConfig, outcome, wired } from "./support/callsEffect3.js"
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
  make: (...tools) => Toolkit.make(...(tools as ReadonlyArray<Tool.Any>)),
  forgedTool: { [Tool.TypeId]: Tool.TypeId, name: "now" },
  makeTool: (name, options) => Tool.make(name as string, options as undefined),
  merge: undefined,
  handlers: (toolkit, handlers) => Toolkit.handlers(toolkit as AnyKit, handlers as never),
  isTool: Tool.isTool
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
