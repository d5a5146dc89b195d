/**
 * The Effect 4 edition's port of test/toolLoop.test.ts: ToolLoop over real loopback sockets, with both
 * HTTP clients: the rounds, the bound, the concurrency limit, interruption (of the request and of
 * running handlers), failing handlers, calls the toolkit cannot run, tools without arguments, the
 * nesting bound on arguments, and the streaming variant. Also: a toolkit made with `effect/ai`'s own
 * `Tool.make` / `Toolkit.make` and the layer of its `toLayer` runs through the loop unchanged.
 */
import { describe, expect, it } from "@effect/vitest"
import * as AiTool from "effect/ai/Tool"
import * as AiToolkit from "effect/ai/Toolkit"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as fc from "fast-check"
import { MAX_DEPTH } from "../../src/internal/transport/json.js"
import { readRecorded } from "../../test/support/recorded.js"
import { type Errors, type OpenRouterConfig, Testing, Tool, Toolkit, ToolLoop } from "../src/index.js"
import type * as S from "../src/Schema.js"
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

/** The typed failure of a loop run with options the types would refuse (so its types are lost). */
const failureOf = (effect: unknown) =>
  Effect.flip(effect as Effect.Effect<unknown, Errors.InvalidRequestError, HttpClient.HttpClient | OpenRouterConfig>)

/** The messages of a recorded request. */
const messagesOf = (recorded: Testing.RecordedRequest): ReadonlyArray<Record<string, unknown>> =>
  (recorded.body as { readonly messages: ReadonlyArray<Record<string, unknown>> }).messages

const twoCallsThenAnswer = Testing.rounds([
  Testing.callTools([
    { id: "call_w", name: "get_weather", arguments: { city: "Paris" } },
    { id: "call_n", name: "now", arguments: "" }
  ]),
  Testing.answer("It is 5 °C in Paris at noon.")
])

describe.each(httpClients)("ToolLoop.run over %s", (_name, http) => {
  it.live("runs the calls of a reply, sends the results back and returns the final answer", () =>
    withServer(http, twoCallsThenAnswer, (server) =>
      Effect.gen(function*() {
        const result = yield* ToolLoop.run(request, { toolkit: Tools }).pipe(Effect.provide(handlers))
        expect(result.response.choices[0]?.message?.content).toBe("It is 5 °C in Paris at noon.")
        const [first, second] = yield* server.requests
        expect((first!.body as { tools: ReadonlyArray<S.FunctionTool> }).tools.map((t) => t.function.name))
          .toEqual(["get_weather", "now"])
        expect(messagesOf(second!).slice(1)).toEqual([
          {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "call_w", type: "function", function: { name: "get_weather", arguments: `{"city":"Paris"}` } },
              { id: "call_n", type: "function", function: { name: "now", arguments: "{}" } }
            ]
          },
          { role: "tool", tool_call_id: "call_w", content: `{"city":"Paris","celsius":5}` },
          { role: "tool", tool_call_id: "call_n", content: "2026-12-01T12:00:00Z" }
        ])
        expect(result.transcript).toEqual([
          ...request.messages,
          ...messagesOf(second!).slice(1),
          { role: "assistant", content: "It is 5 °C in Paris at noon." }
        ])
        expect(result.rounds.map((r) => r.results.map((x) => x._tag))).toEqual([["Success", "Success"], []])
        const [w] = result.rounds[0]!.results
        if (w?._tag === "Success" && w.call.name === "get_weather") {
          expect(w.call.params.city).toBe("Paris")
          expect(w.value).toEqual({ city: "Paris", celsius: 5 })
        } else expect.unreachable()
        expect(JSON.stringify(result)).not.toContain(SECRET)
      })))

  it.live("stops after maxRounds with a MaxRoundsError carrying the transcript", () =>
    withServer(http, Testing.callTools([{ name: "now", arguments: "" }]), (server) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(
          ToolLoop.run(request, { toolkit: Tools, maxRounds: 3 }).pipe(Effect.provide(handlers))
        )
        expect(error._tag).toBe("MaxRoundsError")
        if (error._tag !== "MaxRoundsError") return
        expect(error.maxRounds).toBe(3)
        expect(yield* server.requests).toHaveLength(3)
        // user, then two full rounds (assistant + tool), then the last assistant reply (not run).
        expect(error.transcript.map((m) => m.role)).toEqual([
          "user",
          "assistant",
          "tool",
          "assistant",
          "tool",
          "assistant"
        ])
        expect(error.response.choices[0]?.message?.tool_calls).toHaveLength(1)
      })))

  it.live("runs at most `concurrency` handlers at once", () =>
    withServer(
      http,
      Testing.rounds([
        Testing.callTools(["a", "b", "c", "d", "e"].map((city) => ({ name: "get_weather", arguments: { city } }))),
        Testing.answer("done")
      ]),
      () =>
        Effect.gen(function*() {
          for (const [concurrency, expected] of [[2, 2], [1, 1], ["unbounded", 5]] as const) {
            const running = yield* Ref.make(0)
            const peak = yield* Ref.make(0)
            const live = Toolkit.toLayer(Tools, {
              get_weather: ({ city }) =>
                Effect.gen(function*() {
                  const now = yield* Ref.updateAndGet(running, (n) => n + 1)
                  yield* Ref.update(peak, (p) => Math.max(p, now))
                  yield* Effect.sleep("20 millis")
                  yield* Ref.update(running, (n) => n - 1)
                  return { city, celsius: 1 }
                }),
              now: () => Effect.succeed("")
            })
            const result = yield* ToolLoop.run(request, { toolkit: Tools, concurrency }).pipe(
              Effect.provide(Layer.provideMerge(live, clockAt("")))
            )
            expect(result.rounds[0]!.results).toHaveLength(5)
            expect(yield* Ref.get(peak)).toBe(expected)
          }
        })
    ))

  it.live("interrupting it while a request is in flight closes the connection", () =>
    withServer(http, Testing.hang(), (server) =>
      Effect.gen(function*() {
        const fiber = yield* ToolLoop.run(request, { toolkit: Tools }).pipe(Effect.provide(handlers), Effect.forkChild)
        while ((yield* server.requests).length === 0) yield* Effect.sleep("5 millis")
        yield* Fiber.interrupt(fiber)
        yield* server.awaitAbort
        expect(yield* server.aborted).toBe(1)
      })))

  it.live("interrupting it while handlers run interrupts them", () =>
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

  it.live("a failing handler fails the loop with its typed error (failureMode \"error\")", () =>
    withServer(
      http,
      Testing.callTools([{ name: "get_weather", arguments: { city: "Atlantis" } }]),
      (server) =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(ToolLoop.run(request, { toolkit: Tools }).pipe(Effect.provide(handlers)))
          expect(error).toBeInstanceOf(WeatherUnavailable)
          expect(yield* server.requests).toHaveLength(1)
        })
    ))

  it.live("a failing handler's error goes back to the model with failureMode \"return\"", () => {
    const Returning = Tool.make("get_weather", {
      parameters: GetWeather.parametersSchema,
      success: GetWeather.successSchema,
      failure: WeatherUnavailable,
      failureMode: "return"
    })
    const Kit = Toolkit.make(Returning)
    return withServer(
      http,
      Testing.rounds([
        Testing.callTools([{ id: "c1", name: "get_weather", arguments: { city: "Atlantis" } }]),
        Testing.answer("Atlantis has no weather service.")
      ]),
      (server) =>
        Effect.gen(function*() {
          const result = yield* ToolLoop.run(request, { toolkit: Kit }).pipe(
            Effect.provide(Toolkit.toLayer(Kit, { get_weather: ({ city }) => weather(city) }))
          )
          const [, second] = yield* server.requests
          expect(messagesOf(second!).at(-1)).toEqual({
            role: "tool",
            tool_call_id: "c1",
            content: `{"error":{"_tag":"WeatherUnavailable","city":"Atlantis"}}`
          })
          const [outcome] = result.rounds[0]!.results
          expect(outcome?._tag).toBe("Failure")
          if (outcome?._tag === "Failure") expect(outcome.error).toBeInstanceOf(WeatherUnavailable)
        })
    )
  })

  for (
    const [what, call, tag] of [
      ["an unknown tool", { name: "get_time", arguments: "{}" }, "UnknownToolError"],
      ["arguments that are not JSON", { name: "get_weather", arguments: `{"city": "Par` }, "MalformedArgumentsError"],
      ["arguments that do not decode", { name: "get_weather", arguments: { town: "Paris" } }, "InvalidArgumentsError"],
      ["a tool named after a prototype key", { name: "__proto__", arguments: "{}" }, "UnknownToolError"]
    ] as const
  ) {
    it.live(`${what} fails the loop with ${tag}, carrying the raw call, before any handler runs`, () =>
      withServer(
        http,
        Testing.callTools([{ name: "now", arguments: "" }, { id: "bad", ...call }]),
        (server) =>
          Effect.gen(function*() {
            const ran = yield* Ref.make(0)
            const live = Toolkit.toLayer(Tools, {
              get_weather: ({ city }) => Effect.succeed({ city, celsius: 0 }),
              now: () => Effect.as(Ref.update(ran, (n) => n + 1), "")
            })
            const error = yield* Effect.flip(
              ToolLoop.run(request, { toolkit: Tools }).pipe(Effect.provide(Layer.provideMerge(live, clockAt(""))))
            )
            expect(error._tag).toBe(tag)
            if (error._tag === tag) {
              expect(error.id).toBe("bad")
              expect(error.call.function?.name).toBe(call.name)
            }
            expect(yield* Ref.get(ran)).toBe(0)
            expect(yield* server.requests).toHaveLength(1)
          })
      ))

    it.live(`${what} goes back to the model as an error result with invalidCalls "return"`, () =>
      withServer(
        http,
        Testing.rounds([Testing.callTools([{ id: "bad", ...call }]), Testing.answer("Sorry.")]),
        (server) =>
          Effect.gen(function*() {
            const result = yield* ToolLoop.run(request, { toolkit: Tools, invalidCalls: "return" }).pipe(
              Effect.provide(handlers)
            )
            expect(result.response.choices[0]?.message?.content).toBe("Sorry.")
            const [, second] = yield* server.requests
            const last = messagesOf(second!).at(-1) as { role: string; tool_call_id: string; content: string }
            expect(last.role).toBe("tool")
            expect(last.tool_call_id).toBe("bad")
            expect(JSON.parse(last.content)).toEqual({ error: expect.stringContaining(call.name) })
            expect(result.rounds[0]!.results[0]?._tag).toBe("Invalid")
          })
      ))
  }

  it.live("a tool without parameters, called with arguments \"\", runs", () =>
    withServer(
      http,
      Testing.rounds([Testing.callTools([{ name: "now", arguments: "" }]), Testing.answer("Noon.")]),
      () =>
        Effect.gen(function*() {
          const result = yield* ToolLoop.run(request, { toolkit: Tools }).pipe(Effect.provide(handlers))
          const [outcome] = result.rounds[0]!.results
          expect(outcome).toMatchObject({ _tag: "Success", call: { name: "now", params: {} } })
        })
    ))

  it.live("a handler with no result (success Schema.Void) sends \"null\" back", () => {
    const Log = Tool.make("log", { parameters: Schema.Struct({ line: Schema.String }), success: Schema.Void })
    const Kit = Toolkit.make(Log)
    return withServer(
      http,
      Testing.rounds([Testing.callTools([{ id: "l", name: "log", arguments: { line: "hi" } }]), Testing.answer("Ok.")]),
      (server) =>
        Effect.gen(function*() {
          yield* ToolLoop.run(request, { toolkit: Kit }).pipe(
            Effect.provide(Toolkit.toLayer(Kit, { log: () => Effect.void }))
          )
          const [, second] = yield* server.requests
          expect(messagesOf(second!).at(-1)).toEqual({ role: "tool", tool_call_id: "l", content: "null" })
        })
    )
  })

  it.live("a result that does not encode is an InvalidResultError", () => {
    const Positive = Tool.make("now", { success: Schema.Number.check(Schema.isGreaterThan(0)) })
    const Kit = Toolkit.make(Positive)
    return withServer(http, Testing.callTools([{ name: "now", arguments: "" }]), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(
          ToolLoop.run(request, { toolkit: Kit }).pipe(
            Effect.provide(Toolkit.toLayer(Kit, { now: () => Effect.succeed(-1) }))
          )
        )
        expect(error._tag).toBe("InvalidResultError")
      }))
  })

  it.live("bad options fail with InvalidRequestError and nothing is sent", () =>
    withServer(http, twoCallsThenAnswer, (server) =>
      Effect.gen(function*() {
        const bad: ReadonlyArray<Record<string, unknown>> = [
          { maxRounds: 0 },
          { maxRounds: 1.5 },
          { maxRounds: Number.POSITIVE_INFINITY },
          { concurrency: 0 },
          { concurrency: Number.NaN },
          { concurrency: "all" },
          { invalidCalls: "ignore" },
          {
            maxRounds: {
              toString: () => {
                throw new Error("no")
              }
            }
          },
          { stopAfter: "now" },
          { toolkit: undefined },
          { toolkit: { tools: null } },
          { toolkit: Toolkit.make(Tool.make("delete_all", { needsApproval: true })) },
          { toolkit: Toolkit.make(Tool.make("delete_all", { needsApproval: () => Effect.succeed(false) })) }
        ]
        for (const options of bad) {
          const error = yield* failureOf(
            ToolLoop.run(request, { toolkit: Tools, ...options } as never).pipe(Effect.provide(handlers))
          )
          expect(error._tag).toBe("InvalidRequestError")
          expect(error.message).toContain(Object.keys(options)[0]!)
        }
        const throwing = (key: string) =>
          Object.defineProperty({ ...request }, key, {
            enumerable: true,
            get: () => {
              throw new Error("no")
            }
          })
        const badOptions = Object.defineProperty({ toolkit: Tools }, "maxRounds", {
          enumerable: true,
          get: () => {
            throw new Error("no")
          }
        })
        const error = yield* failureOf(ToolLoop.run(request, badOptions).pipe(Effect.provide(handlers)))
        expect([error._tag, error.message]).toEqual([
          "InvalidRequestError",
          "Invalid tool loop options, nothing was sent: options cannot be read: no"
        ])
        for (
          const req of [
            { model: "m" },
            null,
            "hi",
            { ...request, tools: "all" },
            { ...request, tools: [null] },
            throwing("messages"),
            throwing("model")
          ]
        ) {
          const error = yield* failureOf(ToolLoop.run(req as never, { toolkit: Tools }).pipe(Effect.provide(handlers)))
          expect(error._tag).toBe("InvalidRequestError")
        }
        expect(yield* server.requests).toHaveLength(0)
      })))

  it.live("calls without an id (or with id \"\") get ids unique in the conversation, which their tool messages name", () => {
    const noIds = (id: string) =>
      Testing.raw({
        headers: { "content-type": "application/json" },
        body: [JSON.stringify({
          id,
          object: "chat.completion",
          created: 1,
          model: "openai/gpt-4o-mini",
          choices: [{
            index: 0,
            finish_reason: "tool_calls",
            message: {
              role: "assistant",
              content: null,
              tool_calls: [
                { type: "function", function: { name: "now", arguments: "" } },
                { id: "", type: "function", function: { name: "now", arguments: "{}" } }
              ]
            }
          }]
        })]
      })
    return withServer(
      http,
      Testing.rounds([noIds("gen-a"), noIds("gen-b"), Testing.answer("Noon.")]),
      (server) =>
        Effect.gen(function*() {
          const result = yield* ToolLoop.run(request, { toolkit: Tools }).pipe(Effect.provide(handlers))
          const ids = result.rounds.flatMap((r) => r.results.map((x) => x._tag === "Success" ? x.call.id : ""))
          expect(ids).toEqual(["call_gen-a_0", "call_gen-a_1", "call_gen-b_0", "call_gen-b_1"])
          const third = messagesOf((yield* server.requests)[2]!)
          expect(third.filter((m) => m.role === "tool").map((m) => m.tool_call_id)).toEqual(ids)
          expect(
            third.filter((m) => m.role === "assistant").flatMap((m) =>
              (m.tool_calls as ReadonlyArray<{ id: string }>).map((c) => c.id)
            )
          ).toEqual(ids)
        })
    )
  })

  it.live("requestOptions go with every round's request, for run and stream", () =>
    withServer(http, twoCallsThenAnswer, (server) =>
      Effect.gen(function*() {
        const options = { toolkit: Tools, requestOptions: { headers: { "x-trace": "t1" } } }
        yield* ToolLoop.run(request, options).pipe(Effect.provide(handlers))
        yield* ToolLoop.stream(request, options).pipe(Stream.runDrain, Effect.provide(handlers))
        const sent = yield* server.requests
        expect(sent).toHaveLength(4)
        expect(sent.map((r) => r.headers["x-trace"])).toEqual(["t1", "t1", "t1", "t1"])
      })))

  it.live("the request's own tools are kept, before the toolkit's", () =>
    withServer(http, twoCallsThenAnswer, (server) =>
      Effect.gen(function*() {
        yield* ToolLoop.run({ ...request, tools: [{ type: "openrouter:datetime" }] }, { toolkit: Tools }).pipe(
          Effect.provide(handlers)
        )
        const [first] = yield* server.requests
        expect((first!.body as { tools: ReadonlyArray<{ type: string }> }).tools.map((t) => t.type))
          .toEqual(["openrouter:datetime", "function", "function"])
      })))

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

describe("ToolLoop.run on whatever calls a model sends", () => {
  const name = fc.oneof(
    fc.constantFrom("get_weather", "now", "__proto__", "constructor", "toString", "final_answer", ""),
    fc.string({ maxLength: 8 })
  )
  const args = fc.oneof(fc.json({ maxDepth: 4 }), fc.string({ maxLength: 20 }), fc.constant(""))
  const calls = fc.array(fc.record({ name, arguments: args }), { minLength: 1, maxLength: 4 })
  const typed = new Set(["UnknownToolError", "MalformedArgumentsError", "InvalidArgumentsError", "WeatherUnavailable"])

  it("ends with a result or a typed error, never a defect; with invalidCalls \"return\" only a handler's error fails it", async () => {
    await fc.assert(
      fc.asyncProperty(calls, fc.constantFrom("error" as const, "return" as const), async (sent, invalidCalls) => {
        const exit = await Effect.runPromise(Effect.exit(
          ToolLoop.run(request, { toolkit: Tools, invalidCalls }).pipe(
            Effect.provide(handlers),
            Effect.provide(
              Testing.layerWithConfig(Testing.rounds([Testing.callTools(sent), Testing.answer("ok")]), { retry: false })
            )
          )
        ))
        if (Exit.isSuccess(exit)) {
          expect(exit.value.rounds[0]!.results).toHaveLength(sent.length)
          return
        }
        const reasons = exit.cause.reasons
        expect(reasons.every((r) => r._tag === "Fail")).toBe(true)
        for (const r of reasons) {
          const tag = r._tag === "Fail" ? (r.error as { readonly _tag?: unknown })._tag : undefined
          expect(typed.has(String(tag))).toBe(true)
          if (invalidCalls === "return") expect(tag).toBe("WeatherUnavailable")
        }
      }),
      { numRuns: 150 }
    )
  })

  it("ToolLoop.stream too, with the arguments streamed in pieces of any size", async () => {
    await fc.assert(
      fc.asyncProperty(calls, fc.integer({ min: 1, max: 6 }), async (sent, argumentsChunkSize) => {
        const exit = await Effect.runPromise(Effect.exit(
          ToolLoop.stream(request, { toolkit: Tools, invalidCalls: "return" }).pipe(
            Stream.runCollect,
            Effect.provide(handlers),
            Effect.provide(
              Testing.layerWithConfig(
                Testing.rounds([Testing.callTools(sent, { argumentsChunkSize }), Testing.answer("ok")]),
                { retry: false }
              )
            )
          )
        ))
        if (Exit.isSuccess(exit)) {
          const done = exit.value.at(-1)
          expect(done?._tag === "Done" && done.result.rounds[0]!.results.length).toBe(sent.length)
          return
        }
        expect(exit.cause.reasons.map((r) => r._tag === "Fail" && (r.error as { _tag: string })._tag)).toEqual(
          exit.cause.reasons.map(() => "WeatherUnavailable")
        )
      }),
      { numRuns: 100 }
    )
  })
})

interface Node {
  readonly child: Node | null
}
const Node: Schema.Codec<Node> = Schema.Struct({
  child: Schema.NullOr(Schema.suspend((): Schema.Codec<Node> => Node))
}).annotate({ identifier: "Node" })

/** `{"child":{"child":...null}}` with `levels` objects: JSON nested `levels` deep. */
const nested = (levels: number): string => `${"{\"child\":".repeat(levels - 1)}{"child":null}${"}".repeat(levels - 1)}`

/** The depth of a decoded node, walked without recursion. */
const depthOf = (node: Node): number => {
  let depth = 1
  for (let n = node.child; n !== null; n = n.child) depth++
  return depth
}

describe("ToolLoop.run and the nesting bound on arguments", () => {
  const NestTools = Toolkit.make(Tool.make("nest", { parameters: Node, success: Schema.String }))
  const live = Toolkit.toLayer(NestTools, { nest: (node) => Effect.succeed(`depth ${depthOf(node)}`) })
  const script = (levels: number) =>
    Testing.rounds([
      Testing.callTools([{ id: "call_1", name: "nest", arguments: nested(levels) }]),
      Testing.answer("done")
    ])

  for (const levels of [MAX_DEPTH - 1, MAX_DEPTH]) {
    it.effect(`runs a call whose arguments are ${levels} levels deep`, () =>
      Effect.gen(function*() {
        const result = yield* ToolLoop.run(request, { toolkit: NestTools })
        const first = result.rounds[0]!.results[0]!
        expect(first._tag).toBe("Success")
        expect(first.message.content).toBe(`depth ${levels}`)
      }).pipe(Effect.provide(live), Effect.provide(Testing.layerWithConfig(script(levels), { retry: false }))))
  }
  for (const levels of [MAX_DEPTH + 1, 5000]) {
    it.effect(`a call whose arguments are ${levels} levels deep is MalformedArgumentsError, not a defect`, () =>
      Effect.gen(function*() {
        const exit = yield* Effect.exit(ToolLoop.run(request, { toolkit: NestTools }))
        if (Exit.isSuccess(exit)) return expect.unreachable()
        const error = exit.cause.reasons.find((r) => r._tag === "Fail")
        if (error?._tag !== "Fail") return expect.unreachable()
        expect((error.error as { _tag: string })._tag).toBe("MalformedArgumentsError")
        const returned = yield* ToolLoop.run(request, { toolkit: NestTools, invalidCalls: "return" })
        const first = returned.rounds[0]!.results[0]!
        expect(first._tag).toBe("Invalid")
        expect(first.message.content).toContain(`nested deeper than ${MAX_DEPTH} levels`)
      }).pipe(Effect.provide(live), Effect.provide(Testing.layerWithConfig(script(levels), { retry: false }))))
  }
})

describe.each(httpClients)("ToolLoop.stream over %s", (_name, http) => {
  it.live("streams each round's chunks, then the round, then the result", () =>
    withServer(
      http,
      Testing.rounds([
        Testing.callTools([{ name: "get_weather", arguments: { city: "Lima" } }, { name: "now", arguments: "" }], {
          argumentsChunkSize: 2
        }),
        Testing.answer("Warm in Lima.")
      ]),
      (server) =>
        Effect.gen(function*() {
          const events = yield* ToolLoop.stream(request, { toolkit: Tools }).pipe(
            Stream.runCollect,
            Effect.provide(handlers)
          )
          const tags = events.filter((e) => e._tag !== "CallPartial").map((e) =>
            e._tag === "Chunk" ? `Chunk${e.round}` : e._tag
          )
          const firstRound = tags.indexOf("Round")
          expect(tags.slice(0, firstRound).every((t) => t === "Chunk1")).toBe(true)
          expect(firstRound).toBeGreaterThan(10) // the arguments arrived two characters per chunk
          expect(tags.slice(firstRound + 1, -2).every((t) => t === "Chunk2")).toBe(true)
          expect(tags.slice(-2)).toEqual(["Round", "Done"])
          const done = events.at(-1)
          if (done?._tag !== "Done") return expect.unreachable()
          expect(done.result.response.choices[0]?.message?.content).toBe("Warm in Lima.")
          expect(done.result.rounds[0]!.results.map((r) => r._tag)).toEqual(["Success", "Success"])
          const [, second] = yield* server.requests
          expect(messagesOf(second!).at(-2)).toMatchObject({ role: "tool", content: `{"city":"Lima","celsius":4}` })
          expect((second!.body as { stream: boolean }).stream).toBe(true)
        })
    ))

  const format = "anthropic-claude-v1"
  const thinking = [
    { type: "reasoning.text", text: "", signature: "", format, index: 0 },
    { type: "reasoning.text", text: "Two ", format, index: 0 },
    { type: "reasoning.text", text: "cities.", format, index: 0 },
    { type: "reasoning.text", signature: "sig-7", format, index: 0 }
  ]
  for (
    const [label, calls] of [
      ["without index (id and name first, then arguments only)", [
        { id: "call_a", type: "function", function: { name: "get_weather", arguments: "" } },
        { function: { arguments: "{\"city\":\"Lima\"}" } },
        { id: "call_b", type: "function", function: { name: "get_weather" } },
        { function: { arguments: "{\"city\":\"Oslo\"}" } }
      ]],
      ["with the same index 0 and different ids", [
        { index: 0, id: "call_a", type: "function", function: { name: "get_weather", arguments: "{\"city\":" } },
        { index: 0, function: { arguments: "\"Lima\"}" } },
        { index: 0, id: "call_b", type: "function", function: { name: "get_weather", arguments: "{\"city\":" } },
        { index: 0, function: { arguments: "\"Oslo\"}" } }
      ]]
    ] as const
  ) {
    it.live(`runs two calls streamed ${label} and sends reasoning back as one block`, () =>
      withServer(
        http,
        Testing.rounds([
          Testing.sse([
            ...thinking.map((detail) => ({
              id: "gen-1",
              choices: [{ index: 0, delta: { reasoning_details: [detail] } }]
            })),
            ...calls.map((call) => ({ id: "gen-1", choices: [{ index: 0, delta: { tool_calls: [call] } }] })),
            { id: "gen-1", choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] }
          ], { done: true }),
          Testing.answer("Lima and Oslo.")
        ]),
        (server) =>
          Effect.gen(function*() {
            const events = yield* ToolLoop.stream(request, { toolkit: Tools }).pipe(
              Stream.runCollect,
              Effect.provide(handlers)
            )
            const [, second] = yield* server.requests
            expect(messagesOf(second!).slice(1)).toEqual([
              {
                role: "assistant",
                content: null,
                tool_calls: [
                  {
                    id: "call_a",
                    type: "function",
                    function: { name: "get_weather", arguments: "{\"city\":\"Lima\"}" }
                  },
                  {
                    id: "call_b",
                    type: "function",
                    function: { name: "get_weather", arguments: "{\"city\":\"Oslo\"}" }
                  }
                ],
                reasoning_details: [{
                  type: "reasoning.text",
                  text: "Two cities.",
                  signature: "sig-7",
                  format,
                  index: 0
                }]
              },
              { role: "tool", tool_call_id: "call_a", content: `{"city":"Lima","celsius":4}` },
              { role: "tool", tool_call_id: "call_b", content: `{"city":"Oslo","celsius":4}` }
            ])
            // The partial calls follow the same fragment rule as the fold: two calls, not one.
            const last = (id: string) =>
              events.filter((e) => e._tag === "CallPartial" && e.id === id).at(-1) as
                | { readonly index: number; readonly arguments: unknown }
                | undefined
            expect([last("call_a")?.arguments, last("call_b")?.arguments]).toEqual([{ city: "Lima" }, {
              city: "Oslo"
            }])
            expect(last("call_a")?.index).not.toBe(last("call_b")?.index)
          })
      ))
  }

  it.live("stops after maxRounds with a MaxRoundsError", () =>
    withServer(http, Testing.callTools([{ name: "now", arguments: "" }]), (server) =>
      Effect.gen(function*() {
        const error = yield* ToolLoop.stream(request, { toolkit: Tools, maxRounds: 2 }).pipe(
          Stream.runDrain,
          Effect.provide(handlers),
          Effect.flip
        )
        expect(error._tag).toBe("MaxRoundsError")
        expect(yield* server.requests).toHaveLength(2)
      })))

  it.live("bad options fail the stream with InvalidRequestError and nothing is sent", () =>
    withServer(http, twoCallsThenAnswer, (server) =>
      Effect.gen(function*() {
        const error = yield* ToolLoop.stream(request, { toolkit: Tools, maxRounds: 0 }).pipe(
          Stream.runDrain,
          Effect.provide(handlers),
          Effect.flip
        )
        expect(error._tag).toBe("InvalidRequestError")
        expect(yield* server.requests).toHaveLength(0)
      })))

  it.live("interrupting it mid-stream closes the connection", () =>
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

  it.live("a recorded gpt-4.1-mini tool call (arguments \"\" then \"{}\") runs, then the recorded answer", () => {
    const Version = Tool.make("llm_version", { success: Schema.String })
    const Kit = Toolkit.make(Version)
    const sse = (file: string) =>
      Testing.raw({ headers: { "content-type": "text/event-stream" }, body: readRecorded(file) })
    return withServer(
      http,
      Testing.rounds([sse("llm-gpt41mini-stream-tool-call.sse"), sse("llm-gpt41mini-stream-after-tool-result.sse")]),
      (server) =>
        Effect.gen(function*() {
          const events = yield* ToolLoop.stream(request, { toolkit: Kit }).pipe(
            Stream.runCollect,
            Effect.provide(Toolkit.toLayer(Kit, { llm_version: () => Effect.succeed("0.26") }))
          )
          const done = events.at(-1)
          if (done?._tag !== "Done") return expect.unreachable()
          expect(done.result.rounds).toHaveLength(2)
          const [, second] = yield* server.requests
          expect(messagesOf(second!).at(-1)).toEqual({
            role: "tool",
            tool_call_id: "call_o4OCgtJrNoZTmoCRvmlfoHfj",
            content: "0.26"
          })
          expect(done.result.response.choices[0]?.message?.content).toBeTruthy()
        })
    )
  })
})
