/**
 * The Effect 4 edition's port of test/agentLoop.test.ts: the agent loop over real loopback sockets,
 * with both HTTP clients: a typed final answer after tools (the `final_answer` tool and
 * `response_format` strategies, re-asks, bad options), forced tool choice that ends, `stopAfter`,
 * handlers that know their call (`Toolkit.CurrentCall`, and `effect/ai`'s handler context), the
 * arguments of tool calls and the output as they form, the `Restart` event of `ToolLoop.stream`, and
 * tools with recursive parameters.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { type OpenRouterConfig, Retry, Structured, Testing, Tool, Toolkit, ToolLoop } from "../src/index.js"
import { httpClients, withServer } from "./support/harness.js"

const GetWeather = Tool.make("get_weather", {
  parameters: Schema.Struct({ city: Schema.String }),
  success: Schema.Struct({ city: Schema.String, celsius: Schema.Number })
})
const Book = Tool.make("book", { parameters: Schema.Struct({ city: Schema.String }), success: Schema.String })
const Tools = Toolkit.make(GetWeather, Book)
const ToolsLive = Toolkit.toLayer(Tools, {
  get_weather: ({ city }) => Effect.succeed({ city, celsius: city.length }),
  book: ({ city }) => Effect.succeed(`booked ${city}`)
})

const Advice = Schema.Struct({
  city: Schema.String,
  wear: Schema.Literals(["coat", "t-shirt"]),
  note: Schema.optionalKey(Schema.String)
}).annotate({ identifier: "Advice", description: "What to wear" })
const advice = { city: "Paris", wear: "coat" } as const
/** The advice as a model holding to the strict schema writes it: the absent optional field as `null`. */
const strictAdvice = { ...advice, note: null }

const request = { model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "What to wear?" }] }

interface Body {
  readonly tools?: ReadonlyArray<{ readonly function: { readonly name: string; readonly strict?: boolean } }>
  readonly tool_choice?: unknown
  readonly response_format?: unknown
  readonly messages: ReadonlyArray<Record<string, unknown>>
}
const bodyOf = (recorded: Testing.RecordedRequest): Body => recorded.body as Body

/** A model that answers with the `final_answer` tool. */
const finalAnswer = (value: unknown, options?: Testing.ToolReplyOptions) =>
  Testing.callTools([{ name: "final_answer", arguments: value as Record<string, unknown> }], options)

const weatherThen = (...rest: ReadonlyArray<Testing.RoundReply>) =>
  Testing.rounds([Testing.callTools([{ id: "w", name: "get_weather", arguments: { city: "Paris" } }]), ...rest])

/** The `json_schema` response format of a Schema. */
const formatOf = (schema: Schema.Codec<unknown, unknown>) => {
  const format = Result.getOrThrow(Structured.responseFormat(schema))
  if (format.type !== "json_schema") throw new Error("expected a json_schema format")
  return format
}

/** The typed failure of a loop run with options the types would refuse (so its types are lost). */
const failureOf = (effect: unknown) =>
  Effect.flip(effect as Effect.Effect<unknown, { readonly _tag: string }, HttpClient.HttpClient | OpenRouterConfig>)

describe.each(httpClients)("ToolLoop with an output Schema over %s", (_name, http) => {
  it.live("the \"tool\" strategy: a final_answer tool of the output Schema, whose call is the typed output", () =>
    withServer(http, weatherThen(finalAnswer(strictAdvice)), (server) =>
      Effect.gen(function*() {
        const result = yield* ToolLoop.run(request, { toolkit: Tools, output: Advice }).pipe(Effect.provide(ToolsLive))
        const wear: "coat" | "t-shirt" = result.output.wear
        expect(wear).toBe("coat")
        expect(result.output).toStrictEqual(advice)
        const [first, second] = yield* server.requests
        for (const sent of [first!, second!]) {
          expect(bodyOf(sent).tools?.map((t) => t.function.name)).toEqual(["get_weather", "book", "final_answer"])
          expect(bodyOf(sent).response_format).toBeUndefined()
        }
        const tool = bodyOf(first!).tools![2]!.function as unknown as Record<string, unknown>
        expect(tool.strict).toBe(true)
        expect(tool.parameters).toEqual(formatOf(Advice).json_schema.schema)
        expect(String(tool.description)).toContain("What to wear")
        // The transcript ends with the final_answer call and its acknowledgement: a conversation that can go on.
        expect(result.transcript.slice(-2)).toMatchObject([
          { role: "assistant", tool_calls: [{ function: { name: "final_answer" } }] },
          { role: "tool", content: "Final answer received." }
        ])
        expect(result.rounds.map((r) => r.index)).toEqual([1, 2])
      })))

  it.live("other calls beside final_answer are not run, and each is answered \"not run\"", () =>
    withServer(
      http,
      Testing.rounds([
        Testing.callTools([
          { id: "b", name: "book", arguments: { city: "Paris" } },
          { id: "f", name: "final_answer", arguments: strictAdvice }
        ])
      ]),
      () =>
        Effect.gen(function*() {
          const booked = yield* Ref.make(0)
          const live = Toolkit.toLayer(Tools, {
            get_weather: ({ city }) => Effect.succeed({ city, celsius: 0 }),
            book: ({ city }) => Effect.as(Ref.update(booked, (n) => n + 1), city)
          })
          const result = yield* ToolLoop.run(request, { toolkit: Tools, output: Advice }).pipe(Effect.provide(live))
          expect(result.output).toStrictEqual(advice)
          expect(yield* Ref.get(booked)).toBe(0)
          expect(result.transcript.slice(-2)).toEqual([
            {
              role: "tool",
              tool_call_id: "b",
              content: JSON.stringify({ error: "Not run: the final answer ended the conversation." })
            },
            { role: "tool", tool_call_id: "f", content: "Final answer received." }
          ])
        })
    ))

  it.live("the \"responseFormat\" strategy: response_format on every round, the last reply's content decoded", () =>
    withServer(http, weatherThen(Testing.answer(JSON.stringify(strictAdvice))), (server) =>
      Effect.gen(function*() {
        const result = yield* ToolLoop.run(request, {
          toolkit: Tools,
          output: Advice,
          outputStrategy: "responseFormat"
        }).pipe(Effect.provide(ToolsLive))
        expect(result.output).toStrictEqual(advice)
        const sent = yield* server.requests
        expect(sent).toHaveLength(2)
        for (const one of sent) {
          expect(bodyOf(one).response_format).toEqual(formatOf(Advice))
          expect(bodyOf(one).tools?.map((t) => t.function.name)).toEqual(["get_weather", "book"])
        }
      })))

  it.live("a final answer that does not decode fails with OutputDecodeError (in the loop's error union)", () =>
    withServer(
      http,
      weatherThen(finalAnswer({ city: "Paris", wear: "hat", note: null })),
      (server) =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(
            ToolLoop.run(request, { toolkit: Tools, output: Advice }).pipe(Effect.provide(ToolsLive))
          )
          expect(error._tag).toBe("OutputDecodeError")
          if (error._tag === "OutputDecodeError") {
            expect([...new Set(error.issues.map((i) => i.path))]).toEqual(["wear"])
            expect(error.attempts).toBe(1)
          }
          expect(yield* server.requests).toHaveLength(2)
        })
    ))

  it.live("with outputRetries, a final answer that does not decode is sent back as the call's error", () =>
    withServer(
      http,
      weatherThen(
        Testing.callTools([{ id: "bad", name: "final_answer", arguments: { city: "Paris", wear: "hat", note: null } }]),
        finalAnswer(strictAdvice)
      ),
      (server) =>
        Effect.gen(function*() {
          const result = yield* ToolLoop.run(request, { toolkit: Tools, output: Advice, outputRetries: 1 }).pipe(
            Effect.provide(ToolsLive)
          )
          expect(result.output).toStrictEqual(advice)
          const third = (yield* server.requests)[2]!
          const last = bodyOf(third).messages.at(-1)!
          expect(last).toMatchObject({ role: "tool", tool_call_id: "bad" })
          expect(String(last.content)).toContain("does not match the schema")
        })
    ))

  it.live("a re-ask counts against maxRounds: the last round's bad answer fails with its output error", () =>
    withServer(
      http,
      weatherThen(Testing.callTools([{ name: "final_answer", arguments: { city: "Paris", wear: "hat", note: null } }])),
      (server) =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(
            ToolLoop.run(request, { toolkit: Tools, output: Advice, outputRetries: 3, maxRounds: 2 }).pipe(
              Effect.provide(ToolsLive)
            )
          )
          expect(error._tag).toBe("OutputDecodeError")
          expect(yield* server.requests).toHaveLength(2)
        })
    ))

  it.live("a reply without calls is read as the answer: JSON decodes, prose fails, and is asked again", () =>
    Effect.gen(function*() {
      const json = yield* withServer(
        http,
        weatherThen(Testing.answer(JSON.stringify(strictAdvice))),
        () => ToolLoop.run(request, { toolkit: Tools, output: Advice }).pipe(Effect.provide(ToolsLive))
      )
      expect(json.output).toStrictEqual(advice)
      const prose = yield* withServer(
        http,
        weatherThen(Testing.answer("Wear a coat.")),
        () => Effect.flip(ToolLoop.run(request, { toolkit: Tools, output: Advice }).pipe(Effect.provide(ToolsLive)))
      )
      expect(prose._tag).toBe("OutputNotJsonError")
      const reasked = yield* withServer(
        http,
        weatherThen(Testing.answer("Wear a coat."), finalAnswer(strictAdvice)),
        (server) =>
          Effect.gen(function*() {
            const result = yield* ToolLoop.run(request, { toolkit: Tools, output: Advice, outputRetries: 1 }).pipe(
              Effect.provide(ToolsLive)
            )
            const third = (yield* server.requests)[2]!
            expect(bodyOf(third).messages.slice(-2)).toMatchObject([
              { role: "assistant", content: "Wear a coat." },
              { role: "user", content: expect.stringContaining("final_answer tool") }
            ])
            return result
          })
      )
      expect(reasked.output).toStrictEqual(advice)
    }))

  it.live("extract \"lenient\" reads a fenced final answer; without it the same reply is OutputNotJsonError", () =>
    Effect.gen(function*() {
      const fenced = Testing.answer("Here:\n```json\n" + JSON.stringify(strictAdvice) + "\n```")
      const options = { toolkit: Tools, output: Advice, outputStrategy: "responseFormat" } as const
      const lenient = yield* withServer(
        http,
        weatherThen(fenced),
        () => ToolLoop.run(request, { ...options, extract: "lenient" }).pipe(Effect.provide(ToolsLive))
      )
      expect(lenient.output).toStrictEqual(advice)
      const exact = yield* withServer(
        http,
        weatherThen(fenced),
        () => Effect.flip(ToolLoop.run(request, options).pipe(Effect.provide(ToolsLive)))
      )
      expect(exact._tag).toBe("OutputNotJsonError")
    }))

  it.live("bad output options fail with InvalidRequestError and nothing is sent", () =>
    withServer(http, weatherThen(finalAnswer(strictAdvice)), (server) =>
      Effect.gen(function*() {
        const Clash = Toolkit.make(Tool.make("final_answer"))
        const cases: ReadonlyArray<unknown> = [
          ToolLoop.run({ ...request, response_format: { type: "json_object" } }, { toolkit: Tools, output: Advice }),
          ToolLoop.run(request, { toolkit: Tools, output: Advice, outputRetries: -1 }),
          ToolLoop.run(request, { toolkit: Tools, output: Advice, outputRetries: 0.5 }),
          ToolLoop.run(request, { toolkit: Tools, output: Advice, outputStrategy: "grammar" as never }),
          ToolLoop.run(request, { toolkit: Tools, output: Advice, extract: "loose" as never }),
          ToolLoop.run(request, { toolkit: Tools, output: Advice, extract: { toString: () => "lenient" } as never }),
          ToolLoop.run(request, { toolkit: Tools, output: Advice, stopAfter: ["book"] }),
          ToolLoop.run(request, { toolkit: Tools, output: Schema.Struct({ f: Schema.Unknown }) }),
          ToolLoop.run(request, { toolkit: Tools, stopAfter: ["no_such_tool" as never] }),
          ToolLoop.run(request, { toolkit: Tools, stopAfter: ["toString" as never] }),
          ToolLoop.run(request, { toolkit: Tools, toolChoiceAfterForced: 42 as never }),
          ToolLoop.run(request, {
            toolkit: Tools,
            toolChoiceAfterForced: Object.defineProperty({}, "type", {
              enumerable: true,
              get: () => {
                throw new Error("no")
              }
            }) as never
          }),
          ToolLoop.run(request, { toolkit: Clash, output: Advice })
        ]
        const live = Layer.merge(ToolsLive, Toolkit.toLayer(Clash, { final_answer: () => Effect.succeed(null) }))
        for (const run of cases) {
          const error = yield* failureOf(Effect.provide(run as Effect.Effect<unknown>, live))
          expect(error._tag).toBe("InvalidRequestError")
        }
        expect(yield* server.requests).toHaveLength(0)
      })))

  it.live("ToolLoop.stream ends with the output, its partial values consistent with it", () =>
    withServer(
      http,
      weatherThen(finalAnswer(strictAdvice, { argumentsChunkSize: 3 })),
      () =>
        Effect.gen(function*() {
          const events = yield* ToolLoop.stream(request, { toolkit: Tools, output: Advice }).pipe(
            Stream.runCollect,
            Effect.provide(ToolsLive)
          )
          const done = events.at(-1)
          if (done?._tag !== "Done") return expect.unreachable()
          expect(done.result.output).toStrictEqual(advice)
          const partials = events.flatMap((e) => e._tag === "OutputPartial" ? [e] : [])
          expect(partials.length).toBeGreaterThan(3)
          expect(partials.every((p) => p.round === 2)).toBe(true)
          for (const p of partials) {
            const value = p.value as { city?: string; wear?: string }
            expect(advice.city.startsWith(value.city ?? "")).toBe(true)
            expect(advice.wear.startsWith(value.wear ?? "")).toBe(true)
          }
          // The partial values are the encoded side shown as Structured.stream shows them: null as absent.
          expect(partials.at(-1)!.value).toStrictEqual(advice)
          // The final_answer call's arguments show as the output, not as a CallPartial.
          expect(events.some((e) => e._tag === "CallPartial" && e.name === "final_answer")).toBe(false)
        })
    ))

  it.live("ToolLoop.stream emits Restart before the partial values of an answer asked again", () =>
    withServer(
      http,
      weatherThen(
        Testing.callTools([{ name: "final_answer", arguments: { city: "Lyon", wear: "hat", note: null } }]),
        finalAnswer(strictAdvice)
      ),
      () =>
        Effect.gen(function*() {
          const events = yield* ToolLoop.stream(request, { toolkit: Tools, output: Advice, outputRetries: 1 }).pipe(
            Stream.runCollect,
            Effect.provide(ToolsLive)
          )
          const tags = events.flatMap((e) =>
            e._tag === "OutputPartial" ? [`Partial${e.round}`] : e._tag === "Restart" ? [`Restart${e.round}`] : []
          )
          const restart = tags.indexOf("Restart3")
          expect(restart).toBeGreaterThan(0)
          expect(tags.slice(0, restart).every((t) => t === "Partial2")).toBe(true)
          expect(tags.slice(restart + 1).every((t) => t === "Partial3")).toBe(true)
          expect(tags.slice(restart + 1).length).toBeGreaterThan(0)
          const r = events.find((e) => e._tag === "Restart")
          if (r?._tag !== "Restart") return expect.unreachable()
          expect(r.error._tag).toBe("OutputDecodeError")
          const done = events.at(-1)
          if (done?._tag !== "Done") return expect.unreachable()
          expect(done.result.output).toStrictEqual(advice)
        })
    ))

  it.live("under \"responseFormat\", ToolLoop.stream shows the content as OutputPartial, and restarts a re-ask", () =>
    withServer(
      http,
      weatherThen(
        Testing.answer(JSON.stringify({ city: "Lyon", wear: "hat", note: null })),
        Testing.jsonAnswer(Advice, advice, { stream: true, pieceSize: 4 })
      ),
      (server) =>
        Effect.gen(function*() {
          const events = yield* ToolLoop.stream(request, {
            toolkit: Tools,
            output: Advice,
            outputStrategy: "responseFormat",
            outputRetries: 1
          }).pipe(Stream.runCollect, Effect.provide(ToolsLive))
          const done = events.at(-1)
          if (done?._tag !== "Done") return expect.unreachable()
          expect(done.result.output).toStrictEqual(advice)
          const tags = events.flatMap((e) =>
            e._tag === "OutputPartial" ? [`Partial${e.round}`] : e._tag === "Restart" ? [`Restart${e.round}`] : []
          )
          const restart = tags.indexOf("Restart3")
          expect(restart).toBeGreaterThan(0)
          expect(tags.slice(0, restart).every((t) => t === "Partial2")).toBe(true)
          expect(tags.slice(restart + 1).length).toBeGreaterThan(1)
          expect(tags.slice(restart + 1).every((t) => t === "Partial3")).toBe(true)
          const last = events.filter((e) => e._tag === "OutputPartial").at(-1)
          expect(last?._tag === "OutputPartial" && last.value).toStrictEqual(advice)
          // The re-ask: the failed answer and what was wrong, then the answer asked again is the next round.
          const third = (yield* server.requests)[2]!
          expect(bodyOf(third).messages.slice(-2)).toMatchObject([
            { role: "assistant" },
            { role: "user", content: expect.stringContaining("does not match the schema") }
          ])
        })
    ))

  it.live("a failure Chat.stream retries (before any content) shows no Restart in ToolLoop.stream", () =>
    withServer(
      http,
      (recorded, index) =>
        index === 0
          ? Testing.callTools([{ id: "w", name: "get_weather", arguments: { city: "Paris" } }])(recorded)
          : index === 1
          ? Testing.error(503)
          : Testing.jsonAnswer(Advice, advice, { stream: true, pieceSize: 4 }),
      (server) =>
        Effect.gen(function*() {
          const events = yield* ToolLoop.stream(request, {
            toolkit: Tools,
            output: Advice,
            outputStrategy: "responseFormat"
          }).pipe(Stream.runCollect, Effect.provide(ToolsLive))
          expect(events.some((e) => e._tag === "Restart")).toBe(false)
          const done = events.at(-1)
          if (done?._tag !== "Done") return expect.unreachable()
          expect(done.result.output).toStrictEqual(advice)
          expect(done.result.rounds).toHaveLength(2)
          expect(yield* server.requests).toHaveLength(3)
        }),
      { retry: Retry.make({ retries: 1, baseDelay: "1 millis" }) }
    ))

  it.live("without the output option, no final_answer tool and no response_format are sent", () =>
    withServer(http, weatherThen(Testing.answer("Wear a coat.")), (server) =>
      Effect.gen(function*() {
        const result = yield* ToolLoop.run(request, { toolkit: Tools }).pipe(Effect.provide(ToolsLive))
        expect("output" in result).toBe(false)
        for (const sent of yield* server.requests) {
          expect(bodyOf(sent).tools?.map((t) => t.function.name)).toEqual(["get_weather", "book"])
          expect(bodyOf(sent).response_format).toBeUndefined()
        }
      })))
})

describe.each(httpClients)("ToolLoop forced tool choice and stopAfter over %s", (_name, http) => {
  for (
    const [what, forced, options, expected] of [
      ["\"required\", once honoured, becomes \"auto\"", "required", {}, "auto"],
      [
        "a named function, once called, becomes \"auto\"",
        { type: "function", function: { name: "get_weather" } },
        {},
        "auto"
      ],
      ["\"required\" becomes toolChoiceAfterForced", "required", { toolChoiceAfterForced: "none" }, "none"]
    ] as const
  ) {
    it.live(`a forced tool_choice: ${what}`, () =>
      withServer(http, weatherThen(Testing.answer("Coat.")), (server) =>
        Effect.gen(function*() {
          yield* ToolLoop.run({ ...request, tool_choice: forced }, { toolkit: Tools, ...options }).pipe(
            Effect.provide(ToolsLive)
          )
          const [first, second] = yield* server.requests
          expect(bodyOf(first!).tool_choice).toEqual(forced)
          expect(bodyOf(second!).tool_choice).toEqual(expected)
        })))
  }

  it.live("a named function that was not called stays forced; \"auto\" is never changed", () =>
    Effect.gen(function*() {
      const forced = { type: "function", function: { name: "book" } } as const
      const kept = yield* withServer(http, weatherThen(Testing.answer("Coat.")), (server) =>
        Effect.andThen(
          ToolLoop.run({ ...request, tool_choice: forced }, { toolkit: Tools }).pipe(Effect.provide(ToolsLive)),
          server.requests
        ))
      expect(kept.map((r) => bodyOf(r).tool_choice)).toEqual([forced, forced])
      const auto = yield* withServer(http, weatherThen(Testing.answer("Coat.")), (server) =>
        Effect.andThen(
          ToolLoop.run({ ...request, tool_choice: "auto" }, { toolkit: Tools }).pipe(Effect.provide(ToolsLive)),
          server.requests
        ))
      expect(auto.map((r) => bodyOf(r).tool_choice)).toEqual(["auto", "auto"])
    }))

  it.live("stopAfter ends the loop once the tool has run: its result is the loop's result", () =>
    withServer(
      http,
      Testing.rounds([Testing.callTools([{ id: "b", name: "book", arguments: { city: "Rome" } }])]),
      (server) =>
        Effect.gen(function*() {
          const result = yield* ToolLoop.run({ ...request, tool_choice: "required" }, {
            toolkit: Tools,
            stopAfter: ["book"]
          }).pipe(Effect.provide(ToolsLive))
          expect(result.stoppedBy?.value).toBe("booked Rome")
          expect(result.stoppedBy?.call.id).toBe("b")
          expect(result.transcript.at(-1)).toEqual({ role: "tool", tool_call_id: "b", content: "booked Rome" })
          expect(yield* server.requests).toHaveLength(1)
        })
    ))

  it.live("stopAfter does not stop on other tools, and ToolLoop.stream stops the same way", () =>
    withServer(
      http,
      weatherThen(Testing.callTools([{ name: "book", arguments: { city: "Rome" } }])),
      (server) =>
        Effect.gen(function*() {
          const events = yield* ToolLoop.stream(request, { toolkit: Tools, stopAfter: ["book"] }).pipe(
            Stream.runCollect,
            Effect.provide(ToolsLive)
          )
          const done = events.at(-1)
          if (done?._tag !== "Done") return expect.unreachable()
          expect(done.result.stoppedBy?.value).toBe("booked Rome")
          expect(done.result.rounds).toHaveLength(2)
          expect(yield* server.requests).toHaveLength(2)
        })
    ))
})

describe.each(httpClients)("ToolLoop handlers and streamed calls over %s", (_name, http) => {
  it.live("a handler reads its call (id, name, round, transcript so far) from Toolkit.CurrentCall", () =>
    withServer(
      http,
      Testing.rounds([
        Testing.callTools([{ id: "w1", name: "get_weather", arguments: { city: "Oslo" } }]),
        Testing.callTools([{ id: "b2", name: "book", arguments: { city: "Oslo" } }]),
        Testing.answer("Done.")
      ]),
      () =>
        Effect.gen(function*() {
          const seen = yield* Ref.make<ReadonlyArray<readonly [Toolkit.CallContext | undefined, string | undefined]>>(
            []
          )
          const record = (toolCallId: string | undefined) =>
            Effect.gen(function*() {
              const call = yield* Toolkit.CurrentCall
              yield* Ref.update(seen, (s) => [...s, [call, toolCallId] as const])
            })
          const live = Toolkit.toLayer(Tools, {
            get_weather: ({ city }, context) => Effect.as(record(context.toolCallId), { city, celsius: 1 }),
            book: ({ city }, context) => Effect.as(record(context.toolCallId), city)
          })
          yield* ToolLoop.run(request, { toolkit: Tools }).pipe(Effect.provide(live))
          const [[first, firstId], [second, secondId]] = (yield* Ref.get(seen)) as unknown as [
            [Toolkit.CallContext, string],
            [Toolkit.CallContext, string]
          ]
          expect([firstId, secondId]).toEqual(["w1", "b2"])
          expect([first.id, first.name, first.round]).toEqual(["w1", "get_weather", 1])
          expect([second.id, second.name, second.round]).toEqual(["b2", "book", 2])
          expect(first.transcript.map((m) => m.role)).toEqual(["user", "assistant"])
          expect(second.transcript.map((m) => m.role)).toEqual(["user", "assistant", "tool", "assistant"])
          expect(second.transcript.at(-1)).toMatchObject({ tool_calls: [{ id: "b2" }] })
        })
    ))

  it.live("ToolLoop.stream shows each call's arguments as they form, consistent with the call", () =>
    withServer(
      http,
      Testing.rounds([
        Testing.callTools([
          { id: "a", name: "get_weather", arguments: { city: "Lima" } },
          { id: "b", name: "book", arguments: { city: "Quito" } }
        ], { argumentsChunkSize: 2 }),
        Testing.answer("Done.")
      ]),
      () =>
        Effect.gen(function*() {
          const events = yield* ToolLoop.stream(request, { toolkit: Tools }).pipe(
            Stream.runCollect,
            Effect.provide(ToolsLive)
          )
          const partials = events.flatMap((e) => e._tag === "CallPartial" ? [e] : [])
          for (const [index, id, name, city] of [[0, "a", "get_weather", "Lima"], [1, "b", "book", "Quito"]] as const) {
            const mine = partials.filter((p) => p.index === index)
            expect(mine.length).toBeGreaterThan(1)
            expect(mine.every((p) => p.id === id && p.name === name && p.round === 1)).toBe(true)
            for (const p of mine) expect(city.startsWith((p.arguments as { city?: string }).city ?? "")).toBe(true)
            expect(mine.at(-1)!.arguments).toEqual({ city })
          }
          // Each partial comes after the chunk that completed it and before the round ends.
          const roundEnd = events.findIndex((e) => e._tag === "Round")
          const lastPartial = events.length - 1 - [...events].reverse().findIndex((e) => e._tag === "CallPartial")
          expect(lastPartial).toBeLessThan(roundEnd)
        })
    ))

  it.live("a strict tool's partial arguments show an optional field sent as null as absent", () => {
    const Find = Tool.make("find", {
      parameters: Schema.Struct({ query: Schema.String, limit: Schema.optionalKey(Schema.Number) }),
      success: Schema.Number,
      strict: true
    })
    const Kit = Toolkit.make(Find)
    return withServer(
      http,
      Testing.rounds([
        Testing.callTools([{ id: "f", name: "find", arguments: { query: "cats", limit: null } }], {
          argumentsChunkSize: 3
        }),
        Testing.answer("Found.")
      ]),
      () =>
        Effect.gen(function*() {
          const events = yield* ToolLoop.stream(request, { toolkit: Kit }).pipe(
            Stream.runCollect,
            Effect.provide(Toolkit.toLayer(Kit, { find: ({ limit }) => Effect.succeed(limit ?? -1) }))
          )
          const partials = events.flatMap((e) => e._tag === "CallPartial" ? [e.arguments] : [])
          expect(partials.at(-1)).toStrictEqual({ query: "cats" })
          const done = events.at(-1)
          if (done?._tag !== "Done") return expect.unreachable()
          expect(done.result.rounds[0]!.results[0]).toMatchObject({ _tag: "Success", value: -1 })
        })
    )
  })

  it.live("a tool whose parameters are recursive gets made-up identifiers, and its calls run", () => {
    interface Node {
      readonly name: string
      readonly children: ReadonlyArray<Node>
    }
    const Node: Schema.Codec<Node> = Schema.Struct({
      name: Schema.String,
      children: Schema.Array(Schema.suspend((): Schema.Codec<Node> => Node))
    })
    const Count = Tool.make("count", { parameters: Schema.Struct({ root: Node }), success: Schema.Number })
    const Kit = Toolkit.make(Count)
    const size = (n: Node): number => 1 + n.children.reduce((a, c) => a + size(c), 0)
    const tree = { name: "a", children: [{ name: "b", children: [{ name: "c", children: [] }] }] }
    return withServer(
      http,
      Testing.rounds([Testing.callTools([{ name: "count", arguments: { root: tree } }]), Testing.answer("3 nodes.")]),
      (server) =>
        Effect.gen(function*() {
          const result = yield* ToolLoop.run(request, { toolkit: Kit }).pipe(
            Effect.provide(Toolkit.toLayer(Kit, { count: ({ root }) => Effect.succeed(size(root)) }))
          )
          expect(result.rounds[0]!.results[0]).toMatchObject({ _tag: "Success", value: 3 })
          const params = bodyOf((yield* server.requests)[0]!).tools![0]!.function as unknown as {
            parameters: { $defs: Record<string, unknown> }
          }
          const names = Object.keys(params.parameters.$defs)
          expect(names).toHaveLength(1)
          expect(JSON.stringify(params.parameters)).toContain(`"$ref":"#/$defs/${names[0]}"`)
        })
    )
  })
})
