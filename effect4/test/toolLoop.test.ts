/**
 * The Effect 4 edition's tool loop tests over real loopback sockets, with both HTTP clients: the shared
 * body (`test/support/toolLoopSuite.ts`: the rounds, the bound, the concurrency limit, failing handlers,
 * calls the toolkit cannot run, tools without arguments or result, bad and hostile input, the streaming
 * variant, any calls a model sends and the nesting bound on arguments) run with this edition's tools, and
 * here the interruptions (of the request, of running handlers, of a stream), which drive fibers, and what
 * only this edition has: a tool the client executes, and a toolkit made with `effect/ai`'s own
 * `Tool.make` / `Toolkit.make` and the layer of its `toLayer` running through the loop unchanged.
 */
import { describe, expect, it } from "@effect/vitest"
import * as AiTool from "effect/ai/Tool"
import * as AiToolkit from "effect/ai/Toolkit"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import {
  type Ended,
  type Loop,
  type LoopError,
  type LoopEvent,
  type LoopResult,
  toolLoopSuite
} from "../../test/support/toolLoopSuite.js"
import { OpenRouterConfig, Testing, Tool, Toolkit, ToolLoop } from "../src/index.js"
import type * as S from "../src/Schema.js"
import { wired } from "./support/callsEffect4.js"
import { httpClients, SECRET, withServer } from "./support/harness.js"

class WeatherUnavailable extends Schema.TaggedError<WeatherUnavailable>()("WeatherUnavailable", {
  city: Schema.String
}) {}

class Clock extends Context.Service<Clock, { readonly now: string }>()("test/Clock") {}

const GetWeather = Tool.make("get_weather", {
  parameters: Schema.Struct({ city: Schema.String }),
  success: Schema.Struct({ city: Schema.String, celsius: Schema.Number }),
  failure: WeatherUnavailable
})
const Now = Tool.make("now", { success: Schema.String, dependencies: [Clock] })
const Tools = Toolkit.make(GetWeather, Now)

const weather = (city: string) =>
  city === "Atlantis" ? Effect.fail(new WeatherUnavailable({ city })) : Effect.succeed({ city, celsius: city.length })

const now = Effect.gen(function*() {
  const clock = yield* Clock
  return clock.now
})

const ToolsLive = Toolkit.toLayer(Tools, {
  get_weather: ({ city }) => weather(city),
  now: () => now
})
const clockAt = (at: string) => Layer.succeed(Clock, { now: at })
const handlers = Layer.provideMerge(ToolsLive, clockAt("2026-12-01T12:00:00Z"))

const request = { model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "Weather?" }] }

/** The messages of a recorded request. */
const messagesOf = (recorded: Testing.RecordedRequest): ReadonlyArray<Record<string, unknown>> =>
  (recorded.body as { readonly messages: ReadonlyArray<Record<string, unknown>> }).messages

interface Node {
  readonly child: Node | null
}
const Node: Schema.Codec<Node> = Schema.Struct({
  child: Schema.NullOr(Schema.suspend((): Schema.Codec<Node> => Node))
}).annotate({ identifier: "Node" })

/** The depth of a decoded node, walked without recursion. */
const depthOf = (node: Node): number => {
  let depth = 1
  for (let n = node.child; n !== null; n = n.child) depth++
  return depth
}

/** An exit as the shared body reads it: a defect or an interruption anywhere rejects. */
const ended = <A>(exit: Exit.Exit<A, unknown>): Ended<A> => {
  if (Exit.isSuccess(exit)) return { ok: true, value: exit.value }
  const reasons = exit.cause.reasons
  if (reasons.length === 0 || !reasons.every(Cause.isFailReason)) {
    throw new Error(`not a typed failure: ${Cause.pretty(exit.cause)}`)
  }
  return { ok: false, errors: reasons.map((r) => (r as Cause.Fail<LoopError>).error) }
}

/** The loop with the request and options as given, in `layer` (the client and its configuration). */
const loopIn = (layer: Layer.Layer<HttpClient.HttpClient | OpenRouterConfig>): Loop => {
  // The options as given leave the loop's types open; its requirements are the handlers and the client.
  const exited = <A>(effect: unknown, handlers: unknown) =>
    Effect.runPromise(
      Effect.exit(
        (effect as Effect.Effect<A, unknown, never>).pipe(
          Effect.provide(handlers as Layer.Layer<never>),
          Effect.provide(layer)
        )
      )
    ).then(ended)
  return {
    run: (req, options, handlers) => exited<LoopResult>(ToolLoop.run(req as never, options as never), handlers),
    stream: (req, options, handlers) =>
      exited<ReadonlyArray<LoopEvent>>(Stream.runCollect(ToolLoop.stream(req as never, options as never)), handlers)
  }
}

const PositiveNow = Toolkit.make(Tool.make("now", { success: Schema.Number.check(Schema.isGreaterThan(0)) }))
const Returning = Toolkit.make(Tool.make("get_weather", {
  parameters: GetWeather.parametersSchema,
  success: GetWeather.successSchema,
  failure: WeatherUnavailable,
  failureMode: "return"
}))
const Version = Toolkit.make(Tool.make("llm_version", { success: Schema.String }))
const Log = Toolkit.make(Tool.make("log", { parameters: Schema.Struct({ line: Schema.String }), success: Schema.Void }))
const Nest = Toolkit.make(Tool.make("nest", { parameters: Node, success: Schema.String }))

toolLoopSuite(wired, {
  clients: httpClients.map(([name, http]) =>
    [
      name,
      (baseUrl: string) =>
        loopIn(Layer.merge(http, OpenRouterConfig.layer({ apiKey: Redacted.make(SECRET), baseUrl, retry: false })))
    ] as const
  ),
  inProcess: (script) => loopIn(Testing.layerWithConfig(script, { retry: false })),
  replies: Testing,
  itIf: (condition) => it.skipIf(!condition),
  tools: Tools,
  handlers,
  WeatherUnavailable,
  tracked: () => {
    let running = 0
    let peak = 0
    const live = Toolkit.toLayer(Tools, {
      get_weather: ({ city }) =>
        Effect.sync(() => peak = Math.max(peak, ++running)).pipe(
          Effect.andThen(Effect.sleep("20 millis")),
          Effect.map(() => {
            running--
            return { city, celsius: 1 }
          })
        ),
      now: () => Effect.succeed("")
    })
    return { handlers: Layer.provideMerge(live, clockAt("")), peak: () => peak }
  },
  counting: () => {
    let ran = 0
    const live = Toolkit.toLayer(Tools, {
      get_weather: ({ city }) => Effect.succeed({ city, celsius: 0 }),
      now: () => Effect.sync(() => (ran++, ""))
    })
    return { handlers: Layer.provideMerge(live, clockAt("")), ran: () => ran }
  },
  returning: {
    toolkit: Returning,
    handlers: Toolkit.toLayer(Returning, { get_weather: ({ city }) => weather(city) })
  },
  positive: { toolkit: PositiveNow, handlers: Toolkit.toLayer(PositiveNow, { now: () => Effect.succeed(-1) }) },
  version: { toolkit: Version, handlers: Toolkit.toLayer(Version, { llm_version: () => Effect.succeed("0.26") }) },
  log: { toolkit: Log, handlers: Toolkit.toLayer(Log, { log: () => Effect.void }) },
  nest: {
    toolkit: Nest,
    handlers: Toolkit.toLayer(Nest, { nest: (node) => Effect.succeed(`depth ${depthOf(node)}`) })
  },
  needingApproval: [
    Toolkit.make(Tool.make("delete_all", { needsApproval: true })),
    Toolkit.make(Tool.make("delete_all", { needsApproval: () => Effect.succeed(false) }))
  ],
  output: Schema.Struct({ a: Schema.String }),
  make: (...tools) => Toolkit.make(...(tools as ReadonlyArray<Tool.Any>)),
  merge: (...toolkits) => Toolkit.merge(...(toolkits as ReadonlyArray<Toolkit.Any>)),
  toLayer: (toolkit, build) => Toolkit.toLayer(toolkit as typeof Tools, build as never),
  succeed: (value) => Effect.succeed(value)
})

describe.each(httpClients)("ToolLoop interrupted over %s", (_name, http) => {
  it.live("interrupting ToolLoop.run while a request is in flight closes the connection", () =>
    withServer(http, Testing.hang(), (server) =>
      Effect.gen(function*() {
        const fiber = yield* ToolLoop.run(request, { toolkit: Tools }).pipe(Effect.provide(handlers), Effect.forkChild)
        while ((yield* server.requests).length === 0) yield* Effect.sleep("5 millis")
        yield* Fiber.interrupt(fiber)
        yield* server.awaitAbort
        expect(yield* server.aborted).toBe(1)
      })))

  it.live("interrupting ToolLoop.run while handlers run interrupts them", () =>
    withServer(
      http,
      Testing.callTools([{ name: "now", arguments: "" }, { name: "now", arguments: "" }]),
      () =>
        Effect.gen(function*() {
          const started = yield* Deferred.make<void>()
          const interrupted = yield* Ref.make(0)
          const live = Toolkit.toLayer(Tools, {
            get_weather: ({ city }) => Effect.succeed({ city, celsius: 0 }),
            now: () =>
              Deferred.succeed(started, undefined).pipe(
                Effect.andThen(Effect.never),
                Effect.onInterrupt(() => Ref.update(interrupted, (n) => n + 1))
              )
          })
          const fiber = yield* ToolLoop.run(request, { toolkit: Tools }).pipe(
            Effect.provide(Layer.provideMerge(live, clockAt(""))),
            Effect.forkChild
          )
          yield* Deferred.await(started)
          yield* Fiber.interrupt(fiber)
          expect(yield* Ref.get(interrupted)).toBe(2)
        })
    ))

  it.live("interrupting ToolLoop.stream mid-stream closes the connection", () =>
    withServer(http, Testing.hang({ after: 2 }), (server) =>
      Effect.gen(function*() {
        const firstChunk = yield* Deferred.make<void>()
        const fiber = yield* ToolLoop.stream(request, { toolkit: Tools }).pipe(
          Stream.tap(() => Deferred.succeed(firstChunk, undefined)),
          Stream.runDrain,
          Effect.provide(handlers),
          Effect.forkChild
        )
        yield* Deferred.await(firstChunk)
        yield* Fiber.interrupt(fiber)
        yield* server.awaitAbort
        expect(yield* server.aborted).toBe(1)
      })))
})

describe.each(httpClients)("ToolLoop with effect/ai's tools over %s", (_name, http) => {
  it.live("a call of a tool the client executes ends the loop: the other calls run, it is pending, and the caller answers it", () => {
    const AskUser = AiTool.make("ask_user", {
      parameters: Schema.Struct({ question: Schema.String }),
      success: Schema.String,
      execution: "client"
    })
    const Kit = Toolkit.make(Now, AskUser)
    const live = Layer.provideMerge(Toolkit.toLayer(Kit, { now: () => now }), clockAt("noon"))
    return withServer(
      http,
      Testing.rounds([
        Testing.callTools([
          { id: "n", name: "now", arguments: "" },
          { id: "q", name: "ask_user", arguments: { question: "When?" } }
        ]),
        Testing.answer("Booked for 8 pm.")
      ]),
      (server) =>
        Effect.gen(function*() {
          for (const maxRounds of [10, 1]) {
            const result = yield* ToolLoop.run(request, { toolkit: Kit, maxRounds }).pipe(Effect.provide(live))
            expect(result.pending?.map((call) => [call.id, call.name, call.params])).toEqual([
              ["q", "ask_user", { question: "When?" }]
            ])
            expect(result.rounds.map((r) => r.results.map((x) => x._tag))).toEqual([["Success"]])
            expect(result.transcript.slice(-2)).toMatchObject([
              { role: "assistant", tool_calls: [{ id: "n" }, { id: "q" }] },
              { role: "tool", tool_call_id: "n", content: "noon" }
            ])
          }
          const first = yield* ToolLoop.stream(request, { toolkit: Kit }).pipe(Stream.runCollect, Effect.provide(live))
          const done = first.at(-1)
          if (done?._tag !== "Done") return expect.unreachable()
          const answer = { role: "tool" as const, tool_call_id: done.result.pending![0]!.id, content: "8 pm" }
          const next = yield* ToolLoop.run({ ...request, messages: [...done.result.transcript, answer] }, {
            toolkit: Kit
          }).pipe(Effect.provide(live))
          expect(next.response.choices[0]?.message?.content).toBe("Booked for 8 pm.")
          expect(next.pending).toBeUndefined()
          // With an output Schema the loop must end with the output: a toolkit with a client tool is refused.
          const refused = yield* Effect.flip(
            ToolLoop.run(request, { toolkit: Kit, output: Schema.Struct({ when: Schema.String }) }).pipe(
              Effect.provide(live)
            )
          )
          expect(refused._tag).toBe("InvalidRequestError")
          expect(yield* server.requests).toHaveLength(4)
          expect(messagesOf((yield* server.requests)[3]!).slice(-2)).toEqual([
            { role: "tool", tool_call_id: "n", content: "noon" },
            answer
          ])
        })
    )
  })

  it.live("an effect/ai Toolkit (effect/ai's Tool.make and Toolkit.make) runs with the layer of its own toLayer", () => {
    const Add = AiTool.make("add", {
      parameters: Schema.Struct({ a: Schema.Number, b: Schema.Number }),
      success: Schema.Number
    })
    const AiKit = AiToolkit.make(Add)
    const AiLive = AiKit.toLayer({ add: ({ a, b }) => Effect.succeed(a + b) })
    return withServer(
      http,
      Testing.rounds([
        Testing.callTools([{ id: "s", name: "add", arguments: { a: 2, b: 3 } }]),
        Testing.answer("5.")
      ]),
      (server) =>
        Effect.gen(function*() {
          const result = yield* ToolLoop.run(request, { toolkit: AiKit }).pipe(Effect.provide(AiLive))
          const [outcome] = result.rounds[0]!.results
          if (outcome?._tag !== "Success") return expect.unreachable()
          const sum: number = outcome.value
          expect(sum).toBe(5)
          const [first, second] = yield* server.requests
          expect((first!.body as { tools: ReadonlyArray<S.FunctionTool> }).tools.map((t) => t.function.name))
            .toEqual(["add"])
          expect(messagesOf(second!).at(-1)).toEqual({ role: "tool", tool_call_id: "s", content: "5" })
        })
    )
  })
})
