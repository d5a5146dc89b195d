/**
 * The body of the tool loop tests, shared by both editions (`test/toolLoop.test.ts`,
 * `effect4/test/toolLoop.test.ts`): `ToolLoop.run` and `ToolLoop.stream` over real loopback sockets with
 * both HTTP clients (the rounds and what the emulator sees of them, the bound, the concurrency limit,
 * failing handlers, calls the toolkit cannot run, tools without arguments or result, bad options and
 * hostile input, the streamed calls and a recorded stream), and in-process through `Testing.layerWithConfig`
 * (any calls a model sends, the nesting bound on arguments). Effect-free: each edition passes its `Wired`
 * and its `ToolLoopEdition`: the loop run as a Promise, and the toolkits and handler layers only its
 * `Tool`, `Toolkit` and `Schema` build. What interrupts a fiber stays in each edition's file.
 */
import * as fc from "fast-check"
import type * as Types from "../../src/internal/emulator/types.js"
import { MAX_DEPTH } from "../../src/internal/transport/json.js"
import type { CallError, Response } from "./calls.js"
import { throwingAt, throwingProxy, unprintable } from "./hostileValues.js"
import { readRecorded, recordedDir } from "./recorded.js"
import { SECRET } from "./secret.js"
import { type Duration, type Script, serving, type Vitest, type Wired } from "./suite.js"

/** A call of a round's result, as the shared body reads it. */
export interface LoopCall {
  readonly id: string
  readonly name: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- decoded parameters, read loosely
  readonly params: any
}

/** The outcome of one call in a round (`ToolLoop.CallResult`). */
export interface LoopCallResult {
  readonly _tag: "Success" | "Failure" | "Invalid"
  readonly call: LoopCall
  readonly value?: unknown
  readonly error?: unknown
  readonly message: { readonly content: unknown }
}

/** What `ToolLoop.run` returns (`ToolLoop.Result`), as the shared body reads it. */
export interface LoopResult {
  readonly response: Response & {
    readonly choices: ReadonlyArray<{
      readonly message?: { readonly content?: unknown; readonly tool_calls?: ReadonlyArray<unknown> } | undefined
    }>
  }
  readonly transcript: ReadonlyArray<Readonly<Record<string, unknown>>>
  readonly rounds: ReadonlyArray<{ readonly results: ReadonlyArray<LoopCallResult> }>
}

/** An event of `ToolLoop.stream` (`ToolLoop.Event`), as the shared body reads it. */
export type LoopEvent =
  | { readonly _tag: "Chunk"; readonly round: number }
  | { readonly _tag: "CallPartial"; readonly id: string; readonly index: number; readonly arguments: unknown }
  | { readonly _tag: "Round" }
  | { readonly _tag: "Done"; readonly result: LoopResult }

/** A loop error, as the shared body reads it (the fields its behaviour sets). */
export interface LoopError extends CallError {
  readonly issues?: ReadonlyArray<{ readonly path: string }>
}

/**
 * How a loop ended: its value, or every typed failure of its cause (a defect or an interruption
 * anywhere in the cause rejects the Promise).
 */
export type Ended<A> = { readonly ok: true; readonly value: A } | {
  readonly ok: false
  readonly errors: ReadonlyArray<LoopError>
}

/**
 * `ToolLoop.run` (`stream`: `ToolLoop.stream` run to its end, its events collected) with the request and
 * options exactly as given, under `handlers` (the edition's layer of tool handlers and what they need).
 */
export interface Loop {
  readonly run: (request: unknown, options: unknown, handlers: unknown) => Promise<Ended<LoopResult>>
  readonly stream: (request: unknown, options: unknown, handlers: unknown) => Promise<Ended<ReadonlyArray<LoopEvent>>>
}

/** A toolkit of the edition and the layer of its handlers. */
export interface Kit {
  readonly toolkit: unknown
  readonly handlers: unknown
}

/** The edition's `Testing` tool-loop replies (`R`: its `Testing.Reply`). */
export interface LoopReplies<R> {
  callTools(
    calls: ReadonlyArray<Types.ToolCall>,
    options?: Types.ToolReplyOptions<Duration>
  ): (request: Types.RecordedRequest) => R
  answer(content: string, options?: Types.ToolReplyOptions<Duration>): (request: Types.RecordedRequest) => R
  rounds(script: ReadonlyArray<R | ((request: Types.RecordedRequest, round: number) => R)>): (
    request: Types.RecordedRequest
  ) => R
}

/**
 * What the tool loop body takes from an edition besides its `Wired`. `tools` is the toolkit of
 * `get_weather` (`{ city }` to `{ city, celsius }`, failing with `WeatherUnavailable`) and `now` (no
 * parameters, a string, needing a `Clock` service); `handlers` answers `city.length` degrees (Atlantis
 * fails) and the clock's `2026-12-01T12:00:00Z`.
 */
export interface ToolLoopEdition<R> {
  /** The loop over a real socket, per HttpClient: the test key, the base URL, retries off. */
  readonly clients: ReadonlyArray<readonly [string, (baseUrl: string) => Loop]>
  /** The loop through `Testing.layerWithConfig(script, { retry: false })`, in-process. */
  readonly inProcess: (script: Script<R>) => Loop
  readonly replies: LoopReplies<R>
  /** `it.skipIf(!condition)`. */
  readonly itIf: (condition: boolean) => Vitest["it"]
  readonly tools: unknown
  readonly handlers: unknown
  /** The class `get_weather` fails with. */
  readonly WeatherUnavailable: abstract new(...args: never) => object
  /** Handlers of `tools` whose `get_weather` takes 20 millis, with the most that ran at once. */
  readonly tracked: () => { readonly handlers: unknown; readonly peak: () => number }
  /** Handlers of `tools` that count the runs of `now`. */
  readonly counting: () => { readonly handlers: unknown; readonly ran: () => number }
  /** `get_weather` with `failureMode: "return"`, its handler `handlers`'. */
  readonly returning: Kit
  /** `now` whose success is a positive number, its handler answering -1. */
  readonly positive: Kit
  /** `llm_version` (no parameters, a string), answering `"0.26"`. */
  readonly version: Kit
  /** `log` (`{ line }`) whose success is `Schema.Void`. */
  readonly log: Kit
  /** `nest`, whose parameters are `Node` (`{ child: Node | null }`), answering `depth N`. */
  readonly nest: Kit
  /** Toolkits with a tool that needs approval (the loop refuses them); none in an edition without the option. */
  readonly needingApproval: ReadonlyArray<unknown>
  /** `Schema.Struct({ a: Schema.String })`. */
  readonly output: unknown
  /** `Toolkit.make(...tools)`, with the arguments exactly as given. */
  readonly make: (...tools: ReadonlyArray<unknown>) => unknown
  /** `Toolkit.merge(...toolkits)`; `undefined` in an edition without it. */
  readonly merge: ((...toolkits: ReadonlyArray<unknown>) => unknown) | undefined
  /** `Toolkit.toLayer(toolkit, build)`, with the arguments exactly as given. */
  readonly toLayer: (toolkit: unknown, build: unknown) => unknown
  /** `Effect.succeed(value)`: handlers built by an Effect. */
  readonly succeed: (value: unknown) => unknown
}

/**
 * The tool message of a handler's error with `failureMode: "return"`, per edition: the error as its
 * Schema encodes it, whose key order differs (Effect 3's `TaggedError` puts `_tag` last).
 */
export const returnedError = {
  effect3: `{"error":{"city":"Atlantis","_tag":"WeatherUnavailable"}}`,
  effect4: `{"error":{"_tag":"WeatherUnavailable","city":"Atlantis"}}`
} as const

const request = { model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "Weather?" }] }

/** The messages of a recorded request. */
const messagesOf = (recorded: Types.RecordedRequest): ReadonlyArray<Record<string, unknown>> =>
  (recorded.body as { readonly messages: ReadonlyArray<Record<string, unknown>> }).messages

/** The value of a loop that must have succeeded. */
const value = <A>(ended: Ended<A>): A => {
  if (!ended.ok) throw new Error(`expected a success, got ${ended.errors.map((e) => e._tag).join(", ")}`)
  return ended.value
}

/** The one typed failure of a loop that must have failed. */
const failure = <A>(ended: Ended<A>): LoopError => {
  if (ended.ok) throw new Error("expected a failure, got a success")
  if (ended.errors.length !== 1) throw new Error(`expected one failure, got ${ended.errors.length}`)
  return ended.errors[0]!
}

/** The result of a stream's last event, which must be `Done`. */
const doneOf = (events: ReadonlyArray<LoopEvent>): LoopResult => {
  const done = events.at(-1)
  if (done?._tag !== "Done") throw new Error(`expected the stream to end with Done, got ${done?._tag}`)
  return done.result
}

/** A pattern that matches `text` literally. */
const escaped = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))

/** `{"child":{"child":...null}}` with `levels` objects: JSON nested `levels` deep. */
const nested = (levels: number): string => `${"{\"child\":".repeat(levels - 1)}{"child":null}${"}".repeat(levels - 1)}`

export const toolLoopSuite = <R>(wired: Wired<R>, edition: ToolLoopEdition<R>) => {
  const { describe, edition: name, expect, it, listen, testing: Replies } = wired
  const { handlers, replies: Testing, tools: Tools } = edition
  const twoCallsThenAnswer = Testing.rounds([
    Testing.callTools([
      { id: "call_w", name: "get_weather", arguments: { city: "Paris" } },
      { id: "call_n", name: "now", arguments: "" }
    ]),
    Testing.answer("It is 5 °C in Paris at noon.")
  ])

  for (const [client, over] of edition.clients) {
    describe(`ToolLoop.run over ${client}`, () => {
      it("runs the calls of a reply, sends the results back and returns the final answer", () =>
        serving(listen, twoCallsThenAnswer, async (server) => {
          const result = value(await over(server.url).run(request, { toolkit: Tools }, handlers))
          expect(result.response.choices[0]?.message?.content).toBe("It is 5 °C in Paris at noon.")
          const [first, second] = server.requests()
          expect(
            (first!.body as { tools: ReadonlyArray<{ function: { name: string } }> }).tools.map((t) => t.function.name)
          ).toEqual(["get_weather", "now"])
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
          expect([w?._tag, w?.call.name, w?.call.params.city]).toEqual(["Success", "get_weather", "Paris"])
          expect(w?.value).toEqual({ city: "Paris", celsius: 5 })
          expect(JSON.stringify(result)).not.toContain(SECRET)
        }))

      it("stops after maxRounds with a MaxRoundsError carrying the transcript", () =>
        serving(listen, Testing.callTools([{ name: "now", arguments: "" }]), async (server) => {
          const error = failure(await over(server.url).run(request, { toolkit: Tools, maxRounds: 3 }, handlers)) as
            & LoopError
            & Pick<LoopResult, "response" | "transcript">
          expect(error._tag).toBe("MaxRoundsError")
          expect(error.maxRounds).toBe(3)
          expect(server.requests()).toHaveLength(3)
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
        }))

      it("runs at most `concurrency` handlers at once", () =>
        serving(
          listen,
          Testing.rounds([
            Testing.callTools(["a", "b", "c", "d", "e"].map((city) => ({ name: "get_weather", arguments: { city } }))),
            Testing.answer("done")
          ]),
          async (server) => {
            for (const [concurrency, expected] of [[2, 2], [1, 1], ["unbounded", 5]] as const) {
              const tracked = edition.tracked()
              const result = value(
                await over(server.url).run(request, { toolkit: Tools, concurrency }, tracked.handlers)
              )
              expect(result.rounds[0]!.results).toHaveLength(5)
              expect(tracked.peak()).toBe(expected)
            }
          }
        ))

      it("a failing handler fails the loop with its typed error (failureMode \"error\")", () =>
        serving(
          listen,
          Testing.callTools([{ name: "get_weather", arguments: { city: "Atlantis" } }]),
          async (server) => {
            const error = failure(await over(server.url).run(request, { toolkit: Tools }, handlers))
            expect(error instanceof edition.WeatherUnavailable).toBe(true)
            expect(server.requests()).toHaveLength(1)
          }
        ))

      it("a failing handler's error goes back to the model with failureMode \"return\"", () =>
        serving(
          listen,
          Testing.rounds([
            Testing.callTools([{ id: "c1", name: "get_weather", arguments: { city: "Atlantis" } }]),
            Testing.answer("Atlantis has no weather service.")
          ]),
          async (server) => {
            const { handlers, toolkit } = edition.returning
            const result = value(await over(server.url).run(request, { toolkit }, handlers))
            const [, second] = server.requests()
            expect(messagesOf(second!).at(-1)).toEqual({
              role: "tool",
              tool_call_id: "c1",
              content: returnedError[name]
            })
            const [outcome] = result.rounds[0]!.results
            expect(outcome?._tag).toBe("Failure")
            expect(outcome?.error instanceof edition.WeatherUnavailable).toBe(true)
          }
        ))

      for (
        const [what, call, tag] of [
          ["an unknown tool", { name: "get_time", arguments: "{}" }, "UnknownToolError"],
          [
            "arguments that are not JSON",
            { name: "get_weather", arguments: `{"city": "Par` },
            "MalformedArgumentsError"
          ],
          [
            "arguments that do not decode",
            { name: "get_weather", arguments: { town: "Paris" } },
            "InvalidArgumentsError"
          ],
          ["a tool named after a prototype key", { name: "__proto__", arguments: "{}" }, "UnknownToolError"]
        ] as const
      ) {
        it(`${what} fails the loop with ${tag}, carrying the raw call, before any handler runs`, () =>
          serving(
            listen,
            Testing.callTools([{ name: "now", arguments: "" }, { id: "bad", ...call }]),
            async (server) => {
              const counting = edition.counting()
              const error = failure(await over(server.url).run(request, { toolkit: Tools }, counting.handlers)) as
                & LoopError
                & { readonly call?: { readonly function?: { readonly name?: string } } }
              expect(error._tag).toBe(tag)
              expect(error.id).toBe("bad")
              expect(error.call?.function?.name).toBe(call.name)
              expect(counting.ran()).toBe(0)
              expect(server.requests()).toHaveLength(1)
            }
          ))

        it(`${what} goes back to the model as an error result with invalidCalls "return"`, () =>
          serving(
            listen,
            Testing.rounds([Testing.callTools([{ id: "bad", ...call }]), Testing.answer("Sorry.")]),
            async (server) => {
              const result = value(
                await over(server.url).run(request, { toolkit: Tools, invalidCalls: "return" }, handlers)
              )
              expect(result.response.choices[0]?.message?.content).toBe("Sorry.")
              const [, second] = server.requests()
              const last = messagesOf(second!).at(-1) as { role: string; tool_call_id: string; content: string }
              expect(last.role).toBe("tool")
              expect(last.tool_call_id).toBe("bad")
              expect(JSON.parse(last.content)).toEqual({ error: expect.stringMatching(escaped(call.name)) })
              expect(result.rounds[0]!.results[0]?._tag).toBe("Invalid")
            }
          ))
      }

      it("a tool without parameters, called with arguments \"\", runs", () =>
        serving(
          listen,
          Testing.rounds([Testing.callTools([{ name: "now", arguments: "" }]), Testing.answer("Noon.")]),
          async (server) => {
            const result = value(await over(server.url).run(request, { toolkit: Tools }, handlers))
            const [outcome] = result.rounds[0]!.results
            expect(outcome).toMatchObject({ _tag: "Success", call: { name: "now", params: {} } })
          }
        ))

      it("a handler with no result (success Schema.Void) sends \"null\" back", () =>
        serving(
          listen,
          Testing.rounds([
            Testing.callTools([{ id: "l", name: "log", arguments: { line: "hi" } }]),
            Testing.answer("Ok.")
          ]),
          async (server) => {
            const { handlers, toolkit } = edition.log
            value(await over(server.url).run(request, { toolkit }, handlers))
            const [, second] = server.requests()
            expect(messagesOf(second!).at(-1)).toEqual({ role: "tool", tool_call_id: "l", content: "null" })
          }
        ))

      it("a result that does not encode is an InvalidResultError", () =>
        serving(listen, Testing.callTools([{ name: "now", arguments: "" }]), async (server) => {
          const { handlers, toolkit } = edition.positive
          expect(failure(await over(server.url).run(request, { toolkit }, handlers))._tag).toBe("InvalidResultError")
        }))

      it("bad options fail with InvalidRequestError naming the option, and nothing is sent", () =>
        serving(listen, twoCallsThenAnswer, async (server) => {
          const bad: ReadonlyArray<Record<string, unknown>> = [
            { maxRounds: 0 },
            { maxRounds: 1.5 },
            { maxRounds: Number.POSITIVE_INFINITY },
            { concurrency: 0 },
            { concurrency: Number.NaN },
            { concurrency: "all" },
            { invalidCalls: "ignore" },
            { maxRounds: unprintable },
            { stopAfter: "now" },
            { toolkit: undefined },
            { toolkit: { tools: null } },
            ...edition.needingApproval.map((toolkit) => ({ toolkit }))
          ]
          for (const options of bad) {
            const error = failure(await over(server.url).run(request, { toolkit: Tools, ...options }, handlers))
            expect(error._tag).toBe("InvalidRequestError")
            expect(error.message).toContain(Object.keys(options)[0]!)
          }
          const error = failure(
            await over(server.url).run(request, throwingAt({ toolkit: Tools }, "maxRounds"), handlers)
          )
          expect([error._tag, error.message]).toEqual([
            "InvalidRequestError",
            "Invalid tool loop options, nothing was sent: options cannot be read: no"
          ])
          expect(server.requests()).toHaveLength(0)
        }))

      it("calls without an id (or with id \"\") get ids unique in the conversation, which their tool messages name", () => {
        const noIds = (id: string) =>
          Replies.raw({
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
        return serving(
          listen,
          Testing.rounds([noIds("gen-a"), noIds("gen-b"), Testing.answer("Noon.")]),
          async (server) => {
            const result = value(await over(server.url).run(request, { toolkit: Tools }, handlers))
            const ids = result.rounds.flatMap((r) => r.results.map((x) => x._tag === "Success" ? x.call.id : ""))
            expect(ids).toEqual(["call_gen-a_0", "call_gen-a_1", "call_gen-b_0", "call_gen-b_1"])
            const third = messagesOf(server.requests()[2]!)
            expect(third.filter((m) => m.role === "tool").map((m) => m.tool_call_id)).toEqual(ids)
            expect(
              third.filter((m) => m.role === "assistant").flatMap((m) =>
                (m.tool_calls as ReadonlyArray<{ id: string }>).map((c) => c.id)
              )
            ).toEqual(ids)
          }
        )
      })

      it("requestOptions go with every round's request, for run and stream", () =>
        serving(listen, twoCallsThenAnswer, async (server) => {
          const options = { toolkit: Tools, requestOptions: { headers: { "x-trace": "t1" } } }
          value(await over(server.url).run(request, options, handlers))
          value(await over(server.url).stream(request, options, handlers))
          const sent = server.requests()
          expect(sent).toHaveLength(4)
          expect(sent.map((r) => r.headers["x-trace"])).toEqual(["t1", "t1", "t1", "t1"])
        }))

      it("the request's own tools are kept, before the toolkit's", () =>
        serving(listen, twoCallsThenAnswer, async (server) => {
          value(
            await over(server.url).run(
              { ...request, tools: [{ type: "openrouter:datetime" }] },
              { toolkit: Tools },
              handlers
            )
          )
          const [first] = server.requests()
          expect((first!.body as { tools: ReadonlyArray<{ type: string }> }).tools.map((t) => t.type))
            .toEqual(["openrouter:datetime", "function", "function"])
        }))
    })

    describe(`ToolLoop.stream over ${client}`, () => {
      it("streams each round's chunks, then the round, then the result", () =>
        serving(
          listen,
          Testing.rounds([
            Testing.callTools([{ name: "get_weather", arguments: { city: "Lima" } }, { name: "now", arguments: "" }], {
              argumentsChunkSize: 2
            }),
            Testing.answer("Warm in Lima.")
          ]),
          async (server) => {
            const events = value(await over(server.url).stream(request, { toolkit: Tools }, handlers))
            const tags = events.filter((e) => e._tag !== "CallPartial").map((e) =>
              e._tag === "Chunk" ? `Chunk${e.round}` : e._tag
            )
            const firstRound = tags.indexOf("Round")
            expect(tags.slice(0, firstRound).every((t) => t === "Chunk1")).toBe(true)
            expect(firstRound).toBeGreaterThan(10) // the arguments arrived two characters per chunk
            expect(tags.slice(firstRound + 1, -2).every((t) => t === "Chunk2")).toBe(true)
            expect(tags.slice(-2)).toEqual(["Round", "Done"])
            const done = events.at(-1)
            expect(done?._tag).toBe("Done")
            if (done?._tag !== "Done") return
            expect(done.result.response.choices[0]?.message?.content).toBe("Warm in Lima.")
            expect(done.result.rounds[0]!.results.map((r) => r._tag)).toEqual(["Success", "Success"])
            const [, second] = server.requests()
            expect(messagesOf(second!).at(-2)).toMatchObject({ role: "tool", content: `{"city":"Lima","celsius":4}` })
            expect((second!.body as { stream: boolean }).stream).toBe(true)
          }
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
        it(`runs two calls streamed ${label} and sends reasoning back as one block`, () =>
          serving(
            listen,
            Testing.rounds([
              Replies.sse([
                ...thinking.map((detail) => ({
                  id: "gen-1",
                  choices: [{ index: 0, delta: { reasoning_details: [detail] } }]
                })),
                ...calls.map((call) => ({ id: "gen-1", choices: [{ index: 0, delta: { tool_calls: [call] } }] })),
                { id: "gen-1", choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] }
              ], { done: true }),
              Testing.answer("Lima and Oslo.")
            ]),
            async (server) => {
              const events = value(await over(server.url).stream(request, { toolkit: Tools }, handlers))
              const [, second] = server.requests()
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
              expect([last("call_a")?.arguments, last("call_b")?.arguments]).toEqual([
                { city: "Lima" },
                { city: "Oslo" }
              ])
              expect(last("call_a")?.index).not.toBe(last("call_b")?.index)
            }
          ))
      }

      it("stops after maxRounds with a MaxRoundsError", () =>
        serving(listen, Testing.callTools([{ name: "now", arguments: "" }]), async (server) => {
          const error = failure(await over(server.url).stream(request, { toolkit: Tools, maxRounds: 2 }, handlers))
          expect(error._tag).toBe("MaxRoundsError")
          expect(server.requests()).toHaveLength(2)
        }))

      it("bad options fail the stream with InvalidRequestError and nothing is sent", () =>
        serving(listen, twoCallsThenAnswer, async (server) => {
          const error = failure(await over(server.url).stream(request, { toolkit: Tools, maxRounds: 0 }, handlers))
          expect(error._tag).toBe("InvalidRequestError")
          expect(server.requests()).toHaveLength(0)
        }))

      edition.itIf(recordedDir !== undefined)(
        "a recorded gpt-4.1-mini tool call (arguments \"\" then \"{}\") runs, then the recorded answer",
        () => {
          const sse = (file: string) =>
            Replies.raw({ headers: { "content-type": "text/event-stream" }, body: readRecorded(file) })
          return serving(
            listen,
            Testing.rounds([
              sse("llm-gpt41mini-stream-tool-call.sse"),
              sse("llm-gpt41mini-stream-after-tool-result.sse")
            ]),
            async (server) => {
              const { handlers, toolkit } = edition.version
              const events = value(await over(server.url).stream(request, { toolkit }, handlers))
              const done = events.at(-1)
              expect(done?._tag).toBe("Done")
              if (done?._tag !== "Done") return
              expect(done.result.rounds).toHaveLength(2)
              const [, second] = server.requests()
              expect(messagesOf(second!).at(-1)).toEqual({
                role: "tool",
                tool_call_id: "call_o4OCgtJrNoZTmoCRvmlfoHfj",
                content: "0.26"
              })
              expect(done.result.response.choices[0]?.message?.content).toBeTruthy()
            }
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
      ["a toolkit whose tools getter throws", request, { toolkit: throwingAt({}, "tools") }, "toolkit"],
      ["a toolkit with a tool that is null", request, { toolkit: { tools: { now: null } } }, "toolkit"],
      ["a toolkit with a tool whose getter throws", request, { toolkit: { tools: throwingAt({}, "now") } }, "toolkit"],
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
        { toolkit: Tools, output: edition.output, outputStrategy: unprintable },
        "outputStrategy"
      ],
      [
        "an outputRetries whose toString throws",
        request,
        { toolkit: Tools, output: edition.output, outputRetries: unprintable },
        "outputRetries"
      ],
      [
        "an extract whose toString throws",
        request,
        { toolkit: Tools, output: edition.output, extract: unprintable },
        "extract"
      ]
    ]

    describe(`ToolLoop over ${client} with what Toolkit's constructors were handed`, () => {
      const weather = (Tools as { readonly tools: Readonly<Record<string, unknown>> }).tools.get_weather
      const refusedKits: ReadonlyArray<readonly [string, () => unknown, string]> = [
        [
          "Toolkit.make(get_weather, null)",
          () => edition.make(weather, null),
          "has a tool that is not a Tool (argument 1)"
        ],
        [
          "Toolkit.make(null, get_weather)",
          () => edition.make(null, weather),
          "has a tool that is not a Tool (argument 0)"
        ],
        ...(edition.merge === undefined ? [] : [
          [
            "Toolkit.merge(toolkit, null)",
            () => edition.merge!(Tools, null),
            "merges a toolkit that cannot be sent (argument 1: must be a Toolkit)"
          ] as const
        ])
      ]
      for (const [label, toolkit, reason] of refusedKits) {
        for (const [kind, extra] of [["run", {}], ["stream", {}], ["run", { output: edition.output }]] as const) {
          const what = `ToolLoop.${kind}${"output" in extra ? " with an output" : ""}`
          it(`${what} refuses a toolkit ${label} made: InvalidRequestError at toolkit, nothing sent`, () =>
            serving(listen, twoCallsThenAnswer, async (server) => {
              const options = { toolkit: toolkit(), ...extra }
              const ended: Ended<unknown> = await over(server.url)[kind](request, options, handlers)
              const error = failure(ended)
              expect([error._tag, error.issues?.[0]?.path]).toEqual(["InvalidRequestError", "toolkit"])
              expect(error.message).toContain(`toolkit ${reason}`)
              expect(server.requests()).toHaveLength(0)
            }))
        }
      }

      const noHandler = "there is no handler for this tool (provide one with Toolkit.toLayer)"
      const layers: ReadonlyArray<readonly [string, () => unknown, string]> = [
        ["Toolkit.toLayer(null, handlers)", () => edition.toLayer(null, {}), noHandler],
        ["Toolkit.toLayer of a plain object", () => edition.toLayer({ tools: {} }, {}), noHandler],
        ["Toolkit.toLayer of a Proxy whose traps throw", () => edition.toLayer(throwingProxy(), {}), noHandler],
        ["Toolkit.toLayer(toolkit, null)", () => edition.toLayer(Tools, null), noHandler],
        ["Toolkit.toLayer(toolkit, a string)", () => edition.toLayer(Tools, "handlers"), noHandler],
        ["handlers that are a Proxy whose traps throw", () => edition.toLayer(Tools, throwingProxy()), noHandler],
        ["handlers whose getter throws", () => edition.toLayer(Tools, throwingAt({}, "get_weather")), noHandler],
        ["handlers built by an Effect giving null", () => edition.toLayer(Tools, edition.succeed(null)), noHandler],
        [
          "a handler that is a number",
          () => edition.toLayer(Tools, { get_weather: 5 }),
          "its handler is not a function"
        ],
        [
          "a handler that returns a number",
          () => edition.toLayer(Tools, { get_weather: () => 5 }),
          "its handler did not return an Effect"
        ],
        [
          "a handler that throws",
          () =>
            edition.toLayer(Tools, {
              get_weather: () => {
                throw new Error("boom")
              }
            }),
          "its handler threw: boom"
        ]
      ]
      const weatherThenAnswer = Testing.rounds([
        Testing.callTools([{ id: "call_w", name: "get_weather", arguments: { city: "Paris" } }]),
        Testing.answer("5 °C.")
      ])
      for (const [label, layer, reason] of layers) {
        it(`${label}: the layer builds, and the loop fails the call with InvalidResultError, not a defect`, () =>
          serving(listen, weatherThenAnswer, async (server) => {
            const error = failure(await over(server.url).run(request, { toolkit: Tools }, layer()))
            expect([error._tag, error.id, error.name, error.message]).toEqual([
              "InvalidResultError",
              "call_w",
              "get_weather",
              `get_weather: ${reason}`
            ])
            expect(server.requests()).toHaveLength(1)
          }))
      }
    })

    describe(`ToolLoop on hostile input over ${client}`, () => {
      for (const [label, req, options, path] of hostileLoopInput) {
        for (const kind of ["run", "stream"] as const) {
          it(`ToolLoop.${kind} refuses ${label}: InvalidRequestError at ${path}, nothing sent`, () =>
            serving(listen, twoCallsThenAnswer, async (server) => {
              const ended: Ended<unknown> = await over(server.url)[kind](req, options, handlers)
              const error = failure(ended)
              expect(error._tag).toBe("InvalidRequestError")
              expect(error.issues?.[0]?.path).toBe(path)
              expect(server.requests()).toHaveLength(0)
            }))
        }
      }
    })
  }

  describe("ToolLoop.run on whatever calls a model sends", () => {
    const toolName = fc.oneof(
      fc.constantFrom("get_weather", "now", "__proto__", "constructor", "toString", "final_answer", ""),
      fc.string({ maxLength: 8 })
    )
    const args = fc.oneof(fc.json({ maxDepth: 4 }), fc.string({ maxLength: 20 }), fc.constant(""))
    const calls = fc.array(fc.record({ name: toolName, arguments: args }), { minLength: 1, maxLength: 4 })
    const typed = new Set([
      "UnknownToolError",
      "MalformedArgumentsError",
      "InvalidArgumentsError",
      "WeatherUnavailable"
    ])

    it("ends with a result or a typed error, never a defect; with invalidCalls \"return\" only a handler's error fails it", async () => {
      await fc.assert(
        fc.asyncProperty(calls, fc.constantFrom("error" as const, "return" as const), async (sent, invalidCalls) => {
          const ended = await edition.inProcess(Testing.rounds([Testing.callTools(sent), Testing.answer("ok")])).run(
            request,
            { toolkit: Tools, invalidCalls },
            handlers
          )
          if (ended.ok) {
            expect(ended.value.rounds[0]!.results).toHaveLength(sent.length)
            return
          }
          for (const error of ended.errors) {
            expect(typed.has(error._tag)).toBe(true)
            if (invalidCalls === "return") expect(error._tag).toBe("WeatherUnavailable")
          }
        }),
        { numRuns: 150 }
      )
    })

    it("ToolLoop.stream too, with the arguments streamed in pieces of any size", async () => {
      await fc.assert(
        fc.asyncProperty(calls, fc.integer({ min: 1, max: 6 }), async (sent, argumentsChunkSize) => {
          const ended = await edition.inProcess(
            Testing.rounds([Testing.callTools(sent, { argumentsChunkSize }), Testing.answer("ok")])
          ).stream(request, { toolkit: Tools, invalidCalls: "return" }, handlers)
          if (ended.ok) {
            const done = ended.value.at(-1)
            expect(done?._tag === "Done" && done.result.rounds[0]!.results.length).toBe(sent.length)
            return
          }
          expect(ended.errors.map((e) => e._tag)).toEqual(ended.errors.map(() => "WeatherUnavailable"))
        }),
        { numRuns: 100 }
      )
    })
  })

  describe("ToolLoop reads the toolkit's tools once", () => {
    /** `Tools` behind a `tools` getter that throws when read a second time. */
    const readOnce = () => {
      let reads = 0
      return Object.defineProperty({}, "tools", {
        enumerable: true,
        get: () => {
          if (reads++ > 0) throw new Error("read again")
          return (Tools as { readonly tools: unknown }).tools
        }
      })
    }
    for (const kind of ["run", "stream"] as const) {
      it(`ToolLoop.${kind} runs the calls with the tools it checked: a getter that throws later changes nothing`, async () => {
        const loop = edition.inProcess(twoCallsThenAnswer)
        const options = { toolkit: readOnce() }
        const result = kind === "run"
          ? value(await loop.run(request, options, handlers))
          : doneOf(value(await loop.stream(request, options, handlers)))
        expect(result.rounds[0]!.results.map((r) => [r.call.name, r._tag])).toEqual([
          ["get_weather", "Success"],
          ["now", "Success"]
        ])
      })
    }
  })

  describe("ToolLoop.run and the nesting bound on arguments", () => {
    const { handlers, toolkit } = edition.nest
    const loop = (levels: number) =>
      edition.inProcess(Testing.rounds([
        Testing.callTools([{ id: "call_1", name: "nest", arguments: nested(levels) }]),
        Testing.answer("done")
      ]))

    for (const levels of [MAX_DEPTH - 1, MAX_DEPTH]) {
      it(`runs a call whose arguments are ${levels} levels deep`, async () => {
        const result = value(await loop(levels).run(request, { toolkit }, handlers))
        const first = result.rounds[0]!.results[0]!
        expect(first._tag).toBe("Success")
        expect(first.message.content).toBe(`depth ${levels}`)
      })
    }
    for (const levels of [MAX_DEPTH + 1, 5000]) {
      it(`a call whose arguments are ${levels} levels deep is MalformedArgumentsError, not a defect`, async () => {
        expect(failure(await loop(levels).run(request, { toolkit }, handlers))._tag).toBe("MalformedArgumentsError")
        const returned = value(await loop(levels).run(request, { toolkit, invalidCalls: "return" }, handlers))
        const first = returned.rounds[0]!.results[0]!
        expect(first._tag).toBe("Invalid")
        expect(first.message.content).toContain(`nested deeper than ${MAX_DEPTH} levels`)
      })
    }
  })
}
