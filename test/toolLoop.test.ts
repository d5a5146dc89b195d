/**
 * ToolLoop over real loopback sockets, with both HTTP clients: the rounds, the bound, the concurrency
 * limit, interruption (of the request and of running handlers), failing handlers, calls the toolkit
 * cannot run, tools without arguments, and the streaming variant.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Testing, Tool, Toolkit, ToolLoop } from "../src/index.js"
import type * as S from "../src/Schema.js"
import { httpClients, SECRET, withServer } from "./support/harness.js"
import { throwingAt, unprintable } from "./support/hostileValues.js"
import { readRecorded, recordedDir } from "./support/recorded.js"

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

const ToolsLive = Toolkit.toLayer(Tools, {
  get_weather: ({ city }) => weather(city),
  now: () => Effect.map(Clock, (clock) => clock.now)
})
const handlers = Layer.merge(ToolsLive, Layer.succeed(Clock, { now: "2026-12-01T12:00:00Z" }))

const request = { model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "Weather?" }] }

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
  it.scopedLive("runs the calls of a reply, sends the results back and returns the final answer", () =>
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

  it.scopedLive("stops after maxRounds with a MaxRoundsError carrying the transcript", () =>
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

  it.scopedLive("runs at most `concurrency` handlers at once", () =>
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
              Effect.provide(Layer.merge(live, Layer.succeed(Clock, { now: "" })))
            )
            expect(result.rounds[0]!.results).toHaveLength(5)
            expect(yield* Ref.get(peak)).toBe(expected)
          }
        })
    ))

  it.scopedLive("interrupting it while a request is in flight closes the connection", () =>
    withServer(http, Testing.hang(), (server) =>
      Effect.gen(function*() {
        const fiber = yield* ToolLoop.run(request, { toolkit: Tools }).pipe(Effect.provide(handlers), Effect.fork)
        while ((yield* server.requests).length === 0) yield* Effect.sleep("5 millis")
        yield* Fiber.interrupt(fiber)
        yield* server.awaitClientClose
        expect(yield* server.clientClosed).toBe(1)
      })))

  it.scopedLive("interrupting it while handlers run interrupts them", () =>
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
            Effect.provide(Layer.merge(live, Layer.succeed(Clock, { now: "" }))),
            Effect.fork
          )
          yield* Deferred.await(started)
          yield* Fiber.interrupt(fiber)
          expect(yield* Ref.get(interrupted)).toBe(2)
        })
    ))

  it.scopedLive("a failing handler fails the loop with its typed error (failureMode \"error\")", () =>
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

  it.scopedLive("a failing handler's error goes back to the model with failureMode \"return\"", () => {
    const Returning = Tool.make("get_weather", {
      parameters: GetWeather.parameters,
      success: GetWeather.success,
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
            content: `{"error":{"city":"Atlantis","_tag":"WeatherUnavailable"}}`
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
      ["arguments that do not decode", { name: "get_weather", arguments: { town: "Paris" } }, "InvalidArgumentsError"]
    ] as const
  ) {
    it.scopedLive(`${what} fails the loop with ${tag}, carrying the raw call, before any handler runs`, () =>
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
              ToolLoop.run(request, { toolkit: Tools }).pipe(
                Effect.provide(Layer.merge(live, Layer.succeed(Clock, { now: "" })))
              )
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

    it.scopedLive(`${what} goes back to the model as an error result with invalidCalls "return"`, () =>
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

  it.scopedLive("a tool without parameters, called with arguments \"\", runs", () =>
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

  it.scopedLive("a result that does not encode is an InvalidResultError", () => {
    const Positive = Tool.make("now", { success: Schema.Number.pipe(Schema.positive()) })
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

  it.scopedLive("bad options fail with InvalidRequestError and nothing is sent", () =>
    withServer(http, twoCallsThenAnswer, (server) =>
      Effect.gen(function*() {
        for (const options of [{ maxRounds: 0 }, { maxRounds: 1.5 }, { concurrency: 0 }, { concurrency: Number.NaN }]) {
          const error = yield* Effect.flip(
            ToolLoop.run(request, { toolkit: Tools, ...options }).pipe(Effect.provide(handlers))
          )
          expect(error._tag).toBe("InvalidRequestError")
        }
        expect(yield* server.requests).toHaveLength(0)
      })))

  it.scopedLive("the request's own tools are kept, before the toolkit's", () =>
    withServer(http, twoCallsThenAnswer, (server) =>
      Effect.gen(function*() {
        yield* ToolLoop.run({ ...request, tools: [{ type: "openrouter:datetime" }] }, { toolkit: Tools }).pipe(
          Effect.provide(handlers)
        )
        const [first] = yield* server.requests
        expect((first!.body as { tools: ReadonlyArray<{ type: string }> }).tools.map((t) => t.type))
          .toEqual(["openrouter:datetime", "function", "function"])
      })))
})

describe.each(httpClients)("ToolLoop.stream over %s", (_name, http) => {
  it.scopedLive("streams each round's chunks, then the round, then the result", () =>
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
          const tags = [...events].filter((e) => e._tag !== "CallPartial").map((e) =>
            e._tag === "Chunk" ? `Chunk${e.round}` : e._tag
          )
          const firstRound = tags.indexOf("Round")
          expect(tags.slice(0, firstRound).every((t) => t === "Chunk1")).toBe(true)
          expect(firstRound).toBeGreaterThan(10) // the arguments arrived two characters per chunk
          expect(tags.slice(firstRound + 1, -2).every((t) => t === "Chunk2")).toBe(true)
          expect(tags.slice(-2)).toEqual(["Round", "Done"])
          const done = [...events].at(-1)
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
    it.scopedLive(`runs two calls streamed ${label} and sends reasoning back as one block`, () =>
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
            yield* ToolLoop.stream(request, { toolkit: Tools }).pipe(Stream.runDrain, Effect.provide(handlers))
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
          })
      ))
  }

  it.scopedLive("stops after maxRounds with a MaxRoundsError", () =>
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

  it.scopedLive("interrupting it mid-stream closes the connection", () =>
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

  it.scopedLive.skipIf(recordedDir === undefined)(
    "a recorded gpt-4.1-mini tool call (arguments \"\" then \"{}\") runs, then the recorded answer",
    () => {
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
            const done = [...events].at(-1)
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
    }
  )
})

/** Hostile input to the loop, with the path its InvalidRequestError names. */
const hostileLoopInput: ReadonlyArray<readonly [string, unknown, unknown, string]> = [
  ["a request that is null", null, { toolkit: Tools }, "request"],
  ["a request that is a string", "hi", { toolkit: Tools }, "request"],
  ["a request without messages", { model: "m" }, { toolkit: Tools }, "messages"],
  ["tools that are not an array", { ...request, tools: "all" }, { toolkit: Tools }, "tools"],
  ["tools: [null]", { ...request, tools: [null] }, { toolkit: Tools }, "tools.0"],
  ["a request whose messages getter throws", throwingAt(request, "messages"), { toolkit: Tools }, "request"],
  ["a request whose model getter throws", throwingAt(request, "model"), { toolkit: Tools }, "request"],
  ["options that are null", request, null, "options"],
  ["no toolkit", request, { toolkit: undefined }, "toolkit"],
  ["a toolkit without tools", request, { toolkit: { tools: null } }, "toolkit"],
  ["options whose maxRounds getter throws", request, throwingAt({ toolkit: Tools }, "maxRounds"), "options"],
  ["a maxRounds whose toString throws", request, { toolkit: Tools, maxRounds: unprintable }, "maxRounds"],
  ["a concurrency whose toString throws", request, { toolkit: Tools, concurrency: unprintable }, "concurrency"],
  ["an invalidCalls whose toString throws", request, { toolkit: Tools, invalidCalls: unprintable }, "invalidCalls"],
  ["a stopAfter entry whose toString throws", request, { toolkit: Tools, stopAfter: [unprintable] }, "stopAfter"],
  [
    "a toolChoiceAfterForced whose type getter throws",
    request,
    { toolkit: Tools, toolChoiceAfterForced: throwingAt({}, "type") },
    "options"
  ],
  [
    "an outputStrategy whose toString throws",
    request,
    { toolkit: Tools, output: Schema.Struct({ a: Schema.String }), outputStrategy: unprintable },
    "outputStrategy"
  ],
  [
    "an outputRetries whose toString throws",
    request,
    { toolkit: Tools, output: Schema.Struct({ a: Schema.String }), outputRetries: unprintable },
    "outputRetries"
  ],
  [
    "an extract whose toString throws",
    request,
    { toolkit: Tools, output: Schema.Struct({ a: Schema.String }), extract: unprintable },
    "extract"
  ]
]

describe.each(httpClients)("ToolLoop on hostile input over %s", (_name, http) => {
  for (const [label, req, options, path] of hostileLoopInput) {
    for (const kind of ["run", "stream"] as const) {
      it.scopedLive(`ToolLoop.${kind} refuses ${label}: InvalidRequestError at ${path}, nothing sent`, () =>
        withServer(http, twoCallsThenAnswer, (server) =>
          Effect.gen(function*() {
            const loop = kind === "run"
              ? ToolLoop.run(req as never, options as never)
              : Stream.runDrain(ToolLoop.stream(req as never, options as never))
            // The hostile arguments leave the loop's types open; its requirements are the handlers and the client.
            const exit = yield* Effect.exit(loop.pipe(Effect.provide(handlers)) as Effect.Effect<unknown, unknown>)
            expect(Exit.isFailure(exit) && exit.cause._tag === "Fail").toBe(true)
            if (Exit.isFailure(exit) && exit.cause._tag === "Fail") {
              const error = exit.cause.error as {
                readonly _tag: string
                readonly issues: ReadonlyArray<{ path: string }>
              }
              expect(error._tag).toBe("InvalidRequestError")
              expect(error.issues[0]?.path).toBe(path)
            }
            expect(yield* server.requests).toHaveLength(0)
          })))
    }
  }
})
