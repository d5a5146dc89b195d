/**
 * ToolLoop over real loopback sockets, with both HTTP clients: the shared body (`support/toolLoopSuite.ts`:
 * the rounds, the bound, the concurrency limit, failing handlers, calls the toolkit cannot run, tools
 * without arguments, bad and hostile input, the streaming variant, any calls a model sends and the nesting
 * bound on arguments) run with this edition's tools, and here the interruptions (of the request, of
 * running handlers, of a stream), which drive fibers.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { OpenRouterConfig, Testing, Tool, Toolkit, ToolLoop } from "../src/index.js"
import { wired } from "./support/callsEffect3.js"
import { httpClients, SECRET, withServer } from "./support/harness.js"
import {
  type Ended,
  type Loop,
  type LoopError,
  type LoopEvent,
  type LoopResult,
  toolLoopSuite
} from "./support/toolLoopSuite.js"

class WeatherUnavailable extends Schema.TaggedError<WeatherUnavailable>()("WeatherUnavailable", {
  city: Schema.String
}) {}

class Clock extends Context.Tag("test/Clock")<Clock, { readonly now: string }>() {}

const GetWeather = Tool.make("get_weather", {
  parameters: Schema.Struct({ city: Schema.String }),
  success: Schema.Struct({ city: Schema.String, celsius: Schema.Number }),
  failure: WeatherUnavailable
})
const Now = Tool.make("now", { success: Schema.String, dependencies: [Clock] })
const Tools = Toolkit.make(GetWeather, Now)

const weather = (city: string) =>
  city === "Atlantis" ? Effect.fail(new WeatherUnavailable({ city })) : Effect.succeed({ city, celsius: city.length })

const clockAt = (now: string) => Layer.succeed(Clock, { now })
const ToolsLive = Toolkit.toLayer(Tools, {
  get_weather: ({ city }) => weather(city),
  now: () => Effect.map(Clock, (clock) => clock.now)
})
const handlers = Layer.merge(ToolsLive, clockAt("2026-12-01T12:00:00Z"))

const request = { model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "Weather?" }] }

interface Node {
  readonly child: Node | null
}
const Node: Schema.Schema<Node> = Schema.Struct({
  child: Schema.NullOr(Schema.suspend((): Schema.Schema<Node> => Node))
})

/** The depth of a decoded node, walked without recursion. */
const depthOf = (node: Node): number => {
  let depth = 1
  for (let n = node.child; n !== null; n = n.child) depth++
  return depth
}

/** An exit as the shared body reads it: a defect or an interruption anywhere rejects. */
const ended = <A>(exit: Exit.Exit<A, unknown>): Ended<A> => {
  if (Exit.isSuccess(exit)) return { ok: true, value: exit.value }
  const errors = Chunk.toReadonlyArray(Cause.failures(exit.cause)) as ReadonlyArray<LoopError>
  if (Cause.isDie(exit.cause) || Cause.isInterrupted(exit.cause) || errors.length === 0) {
    throw new Error(`not a typed failure: ${Cause.pretty(exit.cause)}`)
  }
  return { ok: false, errors }
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
      exited<ReadonlyArray<LoopEvent>>(
        Effect.map(Stream.runCollect(ToolLoop.stream(req as never, options as never)), Chunk.toReadonlyArray),
        handlers
      )
  }
}

const PositiveNow = Toolkit.make(Tool.make("now", { success: Schema.Number.pipe(Schema.positive()) }))
const Returning = Toolkit.make(Tool.make("get_weather", {
  parameters: GetWeather.parameters,
  success: GetWeather.success,
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
          Effect.zipRight(Effect.sleep("20 millis")),
          Effect.map(() => {
            running--
            return { city, celsius: 1 }
          })
        ),
      now: () => Effect.succeed("")
    })
    return { handlers: Layer.merge(live, clockAt("")), peak: () => peak }
  },
  counting: () => {
    let ran = 0
    const live = Toolkit.toLayer(Tools, {
      get_weather: ({ city }) => Effect.succeed({ city, celsius: 0 }),
      now: () => Effect.sync(() => (ran++, ""))
    })
    return { handlers: Layer.merge(live, clockAt("")), ran: () => ran }
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
  // This edition's tools have no approval step.
  needingApproval: [],
  output: Schema.Struct({ a: Schema.String }),
  make: (...tools) => Toolkit.make(...(tools as ReadonlyArray<Tool.Any>)),
  merge: undefined,
  toLayer: (toolkit, build) => Toolkit.toLayer(toolkit as typeof Tools, build as never),
  succeed: (value) => Effect.succeed(value)
})

describe.each(httpClients)("ToolLoop interrupted over %s", (_name, http) => {
  it.scopedLive("interrupting ToolLoop.run while a request is in flight closes the connection", () =>
    withServer(http, Testing.hang(), (server) =>
      Effect.gen(function*() {
        const fiber = yield* ToolLoop.run(request, { toolkit: Tools }).pipe(Effect.provide(handlers), Effect.fork)
        while ((yield* server.requests).length === 0) yield* Effect.sleep("5 millis")
        yield* Fiber.interrupt(fiber)
        yield* server.awaitClientClose
        expect(yield* server.clientClosed).toBe(1)
      })))

  it.scopedLive("interrupting ToolLoop.run while handlers run interrupts them", () =>
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
                Effect.zipRight(Effect.never),
                Effect.onInterrupt(() => Ref.update(interrupted, (n) => n + 1))
              )
          })
          const fiber = yield* ToolLoop.run(request, { toolkit: Tools }).pipe(
            Effect.provide(Layer.merge(live, clockAt(""))),
            Effect.fork
          )
          yield* Deferred.await(started)
          yield* Fiber.interrupt(fiber)
          expect(yield* Ref.get(interrupted)).toBe(2)
        })
    ))

  it.scopedLive("interrupting ToolLoop.stream mid-stream closes the connection", () =>
    withServer(http, Testing.hang({ after: 2 }), (server) =>
      Effect.gen(function*() {
        const firstChunk = yield* Deferred.make<void>()
        const fiber = yield* ToolLoop.stream(request, { toolkit: Tools }).pipe(
          Stream.tap(() => Deferred.succeed(firstChunk, undefined)),
          Stream.runDrain,
          Effect.provide(handlers),
          Effect.fork
        )
        yield* Deferred.await(firstChunk)
        yield* Fiber.interrupt(fiber)
        yield* server.awaitClientClose
        expect(yield* server.clientClosed).toBe(1)
      })))
})
