/**
 * The body of the agent-loop test over real loopback sockets, shared by both editions
 * (`test/agentLoop.test.ts`, `effect4/test/agentLoop.test.ts`): a typed final answer after tools (the
 * `final_answer` tool and `response_format` strategies, re-asks, bad options, an output that is not an
 * object asked for strictly wrapped as `{ value }`, as by `Structured.stream`), forced tool choice that
 * ends, `stopAfter`, handlers that know their call, the arguments of tool calls and the output as they
 * form, the `Restart` event of `ToolLoop.stream` and `Structured.stream`, and tools with recursive
 * parameters (a recursive root inlined). A wire exchange, so Effect-free: each edition passes its `Wired` and its `AgentLoop`: its
 * toolkits, handlers and Schemas built with its own `Tool`, `Toolkit` and `Schema`, and its loop calls
 * returning Promises. Where the editions deliberately differ, `differences` has a column per edition.
 */
import type * as Types from "../../src/internal/emulator/types.js"
import { type CallError, failure, type Outcome, success } from "./calls.js"
import { type Duration, serving, type Wired } from "./suite.js"
import type { Kit, LoopReplies, LoopResult } from "./toolLoopSuite.js"

/** A `ToolLoop` result (`toolLoopSuite.ts`'s), with what its output, rounds and `stopAfter` add. */
export interface AgentResult extends LoopResult {
  readonly output?: unknown
  readonly rounds: ReadonlyArray<LoopResult["rounds"][number] & { readonly index: number }>
  readonly stoppedBy?: { readonly value: unknown; readonly call: { readonly id: string } } | undefined
}

/** A `ToolLoop.stream` event, as the shared body reads it (the fields its `_tag` carries). */
export interface AgentEvent {
  readonly _tag: string
  readonly round?: number
  readonly value?: unknown
  readonly error?: CallError
  readonly result?: AgentResult
  readonly index?: number
  readonly id?: string
  readonly name?: string
  readonly arguments?: unknown
}

/** A `Structured.stream` event, as the shared body reads it. */
export interface StructuredEvent {
  readonly _tag: string
  readonly value?: unknown
  readonly attempt?: number
  readonly error?: CallError
}

/** How a loop call runs: the handlers' layer (default: `AgentLoop.handlers`), config over the test config. */
export interface RunWith {
  readonly handlers?: unknown
  readonly config?: Readonly<Record<string, unknown>>
}

/**
 * An edition's calls over one HttpClient, with the test key, the given base URL and retries off (unless
 * `config` says): `request` and `options` passed to the call as they are.
 */
export interface AgentCalls {
  /** `ToolLoop.run(request, options)`. */
  readonly run: (baseUrl: string, request: unknown, options: unknown, run?: RunWith) => Promise<Outcome<AgentResult>>
  /** `ToolLoop.stream(request, options)`, run to its end. */
  readonly stream: (
    baseUrl: string,
    request: unknown,
    options: unknown,
    run?: RunWith
  ) => Promise<Outcome<ReadonlyArray<AgentEvent>>>
  /** `Structured.stream(schema, request, options)`, run to its end. */
  readonly structured: (
    baseUrl: string,
    schema: unknown,
    request: unknown,
    options?: unknown,
    config?: Readonly<Record<string, unknown>>
  ) => Promise<Outcome<ReadonlyArray<StructuredEvent>>>
}

/** The `Testing` replies the body uses (`R`: the edition's `Testing.Reply`): the tool loop's, and these. */
export interface AgentReplies<R> extends LoopReplies<R> {
  readonly error: (status: number) => R
  readonly mismatchedAnswer: (json: unknown, options?: Types.AnswerOptions<Duration>) => R
  /** `Testing.finalAnswer` with one of the edition's Schemas. */
  readonly finalAnswer: (
    schema: unknown,
    value: unknown,
    options?: Types.ToolReplyOptions<Duration>
  ) => (request: Types.RecordedRequest) => R
  /** `Testing.jsonAnswer` with one of the edition's Schemas. */
  readonly jsonAnswer: (schema: unknown, value: unknown, options?: Types.AnswerOptions<Duration>) => R
}

/** The call a handler knew, as the body reads it, and the `effect/ai` handler context's call id if any. */
export interface Seen {
  readonly call: {
    readonly id: string
    readonly name: string
    readonly round: number
    readonly transcript: ReadonlyArray<{ readonly role: string }>
  }
  readonly toolCallId: string | undefined
}

/**
 * What the agent-loop body takes from an edition besides its `Wired`. Its values are the edition's own
 * (opaque here): `tools` is `Toolkit.make(get_weather, book)`, whose `handlers` answer `get_weather({ city })`
 * with `{ city, celsius: city.length }` and `book({ city })` with `booked ${city}`.
 */
export interface AgentLoop<R> {
  readonly clients: ReadonlyArray<readonly [string, AgentCalls]>
  readonly testing: AgentReplies<R>
  /** `Retry.make`. */
  readonly retry: (options: { readonly retries: number; readonly baseDelay: Duration }) => unknown
  readonly tools: unknown
  readonly handlers: unknown
  /** `Toolkit.make(Tool.make("final_answer"))`, a tool that clashes with the loop's own. */
  readonly clash: unknown
  /** `handlers` merged with the handler of `clash`. */
  readonly clashHandlers: unknown
  /** `{ city: string, wear: "coat" | "t-shirt", note?: string }`, identifier `Advice`, description "What to wear". */
  readonly advice: unknown
  /** `Structured.responseFormat(advice)`. */
  readonly adviceFormat: { readonly type: string; readonly json_schema: { readonly schema?: unknown } }
  /** An output Schema with no JSON Schema. */
  readonly unrepresentable: unknown
  /** `{ x: number, label: string }`. */
  readonly point: unknown
  /** `Array<string>`: an output whose root is not an object. */
  readonly tags: unknown
  /** The recursive `Tree` of `recursiveRoot`'s parameters (`Schema.suspend`, identifier `Tree`), as an output. */
  readonly treeRoot: unknown
  /** `count({ root })`, `root` a recursive `Tree`, answering its `treeSize`. */
  readonly recursive: Kit
  /**
   * `measure(tree)`, its parameters a recursive `Tree` itself (`Schema.suspend` with the identifier
   * `Tree`: a root `$ref` in JSON Schema), answering its `treeSize`.
   */
  readonly recursiveRoot: Kit
  /** A strict `find({ query: string, limit?: number })` answering `limit`, `-1` when absent. */
  readonly strictFind: Kit
  /** Handlers of `tools` that count `book`'s runs. */
  readonly counting: () => { readonly handlers: unknown; readonly booked: () => number }
  /** Handlers of `tools` that record the call each one knew. */
  readonly recording: () => { readonly handlers: unknown; readonly seen: () => ReadonlyArray<Seen> }
}

/** A tree of the recursive tool's parameters (`AgentLoop.recursive`). */
export interface Tree {
  readonly name: string
  readonly children: ReadonlyArray<Tree>
}

/** How many nodes a tree has: what the recursive tool answers. */
export const treeSize = (tree: Tree): number => 1 + tree.children.reduce((n, child) => n + treeSize(child), 0)

/** Where the editions deliberately differ, a column each. */
export const differences = {
  /** How a handler knows its call, and the `effect/ai` handler context's call ids it sees too. */
  handlerContext: {
    effect3: {
      name: "a handler's second argument is the call's id, name, round and the transcript so far",
      toolCallIds: [undefined, undefined]
    },
    effect4: {
      name: "a handler reads its call (id, name, round, transcript so far) from Toolkit.CurrentCall",
      toolCallIds: ["w1", "b2"]
    }
  },
  /**
   * The made-up `$defs` name of a recursive tool parameter: the Effect 3 edition's own; Effect 4's
   * JSON Schema generator names it (`undefined`: any one name).
   */
  recursiveName: { effect3: "Recursive1", effect4: undefined }
} as const

const request = { model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "What to wear?" }] }
const advice = { city: "Paris", wear: "coat" } as const
/** The advice as a model holding to the strict schema writes it: the absent optional field as `null`. */
const strictAdvice = { ...advice, note: null }
const hat = { city: "Paris", wear: "hat", note: null }

interface Body {
  readonly tools?: ReadonlyArray<{ readonly function: { readonly name: string; readonly strict?: boolean } }>
  readonly tool_choice?: unknown
  readonly response_format?: unknown
  readonly messages: ReadonlyArray<Record<string, unknown>>
}
const bodyOf = (recorded: Types.RecordedRequest): Body => recorded.body as Body

/** A strict-mode request for a value: a `final_answer` tool's function or a `json_schema` response format. */
interface Strictly {
  readonly strict?: boolean
  readonly parameters?: Record<string, unknown>
  readonly schema?: Record<string, unknown>
}

/** The JSON Schema of a wrapped output's `value`: the array of `tags`, or the `$ref` of a recursive root. */
type ValueSchema = { readonly type?: unknown; readonly $ref?: unknown } | undefined

/** Whether `asked` asks strict mode for an object root whose only field, `value`, is what `isValue` expects. */
const wrappedStrictly = (
  asked: Strictly | undefined,
  isValue: (value: ValueSchema) => boolean = (value) => value?.type === "array"
): boolean => {
  const root = asked?.parameters ?? asked?.schema
  const value = (root?.properties as Record<string, ValueSchema> | undefined)?.value
  return asked?.strict === true && root?.type === "object" && root.anyOf === undefined &&
    JSON.stringify(root.required) === JSON.stringify(["value"]) && isValue(value)
}

/**
 * Outputs whose root is not an object schema, asked for strictly wrapped as `{ value }` by `ToolLoop` (both
 * strategies) and `Structured.stream` in both editions: an array, and a recursive root (`Schema.suspend`,
 * whose JSON Schema is a `$ref` into `$defs`, kept there as `value`'s `$ref`).
 */
const wrappedOutputs = [
  { label: "an output that is not an object", schema: "tags", value: ["a", "b"], isValue: undefined },
  {
    label: "a recursive output (Schema.suspend)",
    schema: "treeRoot",
    value: { name: "a", children: [{ name: "b", children: [] }] },
    isValue: (value: ValueSchema) => value?.$ref === "#/$defs/Tree"
  }
] as const

/** The result a stream ended with (its last event must be `Done`). */
const doneOf = (events: ReadonlyArray<AgentEvent>): AgentResult => {
  const done = events.at(-1)
  if (done?._tag !== "Done" || done.result === undefined) throw new Error(`expected Done last, got ${done?._tag}`)
  return done.result
}

/** The `OutputPartial` and `Restart` events, each as its tag and round (`Partial2`, `Restart3`). */
const outputTags = (events: ReadonlyArray<AgentEvent>) =>
  events.flatMap((e) =>
    e._tag === "OutputPartial" ? [`Partial${e.round}`] : e._tag === "Restart" ? [`Restart${e.round}`] : []
  )

/** The agent-loop tests of one edition, over each of its HttpClients. */
export const agentLoopSuite = <R>(
  { describe, edition: editionName, expect, it, listen }: Wired<R>,
  edition: AgentLoop<R>
) => {
  const { clients, testing: Testing } = edition
  const { advice: Advice, adviceFormat, clash: Clash, clashHandlers, tools: Tools } = edition

  const weatherThen = (...rest: ReadonlyArray<R | ((request: Types.RecordedRequest, round: number) => R)>) =>
    Testing.rounds([Testing.callTools([{ id: "w", name: "get_weather", arguments: { city: "Paris" } }]), ...rest])

  for (const [client, loop] of clients) {
    describe(`ToolLoop with an output Schema over ${client}`, () => {
      it("the \"tool\" strategy: a final_answer tool of the output Schema, whose call is the typed output", () =>
        serving(listen, weatherThen(Testing.finalAnswer(Advice, advice)), async (server) => {
          const result = success(await loop.run(server.url, request, { toolkit: Tools, output: Advice }))
          expect(result.output).toStrictEqual(advice)
          const [first, second] = server.requests()
          for (const sent of [first!, second!]) {
            expect(bodyOf(sent).tools?.map((t) => t.function.name)).toEqual(["get_weather", "book", "final_answer"])
            expect(bodyOf(sent).response_format).toBeUndefined()
          }
          const tool = bodyOf(first!).tools![2]!.function as unknown as Record<string, unknown>
          expect(tool.strict).toBe(true)
          expect(tool.parameters).toEqual(adviceFormat.json_schema.schema)
          expect(String(tool.description)).toContain("What to wear")
          // The transcript ends with the final_answer call and its acknowledgement: a conversation that can go on.
          expect(result.transcript.slice(-2)).toMatchObject([
            { role: "assistant", tool_calls: [{ function: { name: "final_answer" } }] },
            { role: "tool", content: "Final answer received." }
          ])
          expect(result.rounds.map((r) => r.index)).toEqual([1, 2])
        }))

      it("other calls beside final_answer are not run, and each is answered \"not run\"", () =>
        serving(
          listen,
          Testing.rounds([
            Testing.callTools([
              { id: "b", name: "book", arguments: { city: "Paris" } },
              { id: "f", name: "final_answer", arguments: strictAdvice }
            ])
          ]),
          async (server) => {
            const { booked, handlers } = edition.counting()
            const result = success(
              await loop.run(server.url, request, { toolkit: Tools, output: Advice }, { handlers })
            )
            expect(result.output).toStrictEqual(advice)
            expect(booked()).toBe(0)
            expect(result.transcript.slice(-2)).toEqual([
              {
                role: "tool",
                tool_call_id: "b",
                content: JSON.stringify({ error: "Not run: the final answer ended the conversation." })
              },
              { role: "tool", tool_call_id: "f", content: "Final answer received." }
            ])
          }
        ))

      it("the \"responseFormat\" strategy: response_format on every round, the last reply's content decoded", () =>
        serving(listen, weatherThen(Testing.finalAnswer(Advice, advice)), async (server) => {
          const result = success(
            await loop.run(server.url, request, { toolkit: Tools, output: Advice, outputStrategy: "responseFormat" })
          )
          expect(result.output).toStrictEqual(advice)
          const sent = server.requests()
          expect(sent).toHaveLength(2)
          for (const one of sent) {
            expect(bodyOf(one).response_format).toEqual(adviceFormat)
            expect(bodyOf(one).tools?.map((t) => t.function.name)).toEqual(["get_weather", "book"])
          }
        }))

      // OpenAI's strict mode takes only an object root: an output that is not an object travels wrapped
      // as `{ value }`, so that it can be asked for strictly, and comes back unwrapped.
      for (const strategy of ["tool", "responseFormat"] as const) {
        for (const { isValue, label, schema, value } of wrappedOutputs) {
          it(`the "${strategy}" strategy with ${label}: sent strict, wrapped as { value }`, () =>
            serving(listen, Testing.finalAnswer(edition[schema], value), async (server) => {
              const result = success(
                await loop.run(server.url, request, {
                  toolkit: Tools,
                  output: edition[schema],
                  outputStrategy: strategy
                })
              )
              expect(result.output).toStrictEqual(value)
              const sent = bodyOf(server.requests()[0]!)
              const asked = strategy === "tool"
                ? sent.tools?.find((t) => t.function.name === "final_answer")?.function as unknown as Strictly
                : (sent.response_format as { readonly json_schema: Strictly }).json_schema
              expect(wrappedStrictly(asked, isValue)).toBe(true)
            }))
        }
      }

      it("a final answer that does not decode fails with OutputDecodeError (in the loop's error union)", () =>
        serving(
          listen,
          weatherThen(Testing.callTools([{ name: "final_answer", arguments: hat }])),
          async (server) => {
            const error = failure(await loop.run(server.url, request, { toolkit: Tools, output: Advice }))
            expect(error._tag).toBe("OutputDecodeError")
            const issues = error.issues as ReadonlyArray<{ readonly path: string }>
            expect([...new Set(issues.map((i) => i.path))]).toEqual(["wear"])
            expect(error.attempts).toBe(1)
            expect(server.requests()).toHaveLength(2)
          }
        ))

      it("with outputRetries, a final answer that does not decode is sent back as the call's error", () =>
        serving(
          listen,
          weatherThen(
            Testing.callTools([{ id: "bad", name: "final_answer", arguments: hat }]),
            Testing.finalAnswer(Advice, advice)
          ),
          async (server) => {
            const result = success(
              await loop.run(server.url, request, { toolkit: Tools, output: Advice, outputRetries: 1 })
            )
            expect(result.output).toStrictEqual(advice)
            const last = bodyOf(server.requests()[2]!).messages.at(-1)!
            expect(last).toMatchObject({ role: "tool", tool_call_id: "bad" })
            expect(String(last.content)).toContain("does not match the schema")
          }
        ))

      it("a re-ask counts against maxRounds: the last round's bad answer fails with its output error", () =>
        serving(
          listen,
          weatherThen(Testing.callTools([{ name: "final_answer", arguments: hat }])),
          async (server) => {
            const error = failure(
              await loop.run(server.url, request, { toolkit: Tools, output: Advice, outputRetries: 3, maxRounds: 2 })
            )
            expect(error._tag).toBe("OutputDecodeError")
            expect(server.requests()).toHaveLength(2)
          }
        ))

      it("a reply without calls is read as the answer: JSON decodes, prose fails, and is asked again", async () => {
        const options = { toolkit: Tools, output: Advice }
        const json = await serving(
          listen,
          weatherThen(Testing.answer(JSON.stringify(strictAdvice))),
          async (server) => success(await loop.run(server.url, request, options))
        )
        expect(json.output).toStrictEqual(advice)
        const prose = await serving(
          listen,
          weatherThen(Testing.answer("Wear a coat.")),
          async (server) => failure(await loop.run(server.url, request, options))
        )
        expect(prose._tag).toBe("OutputNotJsonError")
        const reasked = await serving(
          listen,
          weatherThen(Testing.answer("Wear a coat."), Testing.finalAnswer(Advice, advice)),
          async (server) => {
            const result = success(await loop.run(server.url, request, { ...options, outputRetries: 1 }))
            expect(bodyOf(server.requests()[2]!).messages.slice(-2)).toMatchObject([
              { role: "assistant", content: "Wear a coat." },
              { role: "user", content: expect.stringMatching("final_answer tool") }
            ])
            return result
          }
        )
        expect(reasked.output).toStrictEqual(advice)
      })

      it("extract \"lenient\" reads a fenced final answer; without it the same reply is OutputNotJsonError", async () => {
        const fenced = Testing.answer("Here:\n```json\n" + JSON.stringify(strictAdvice) + "\n```")
        const options = { toolkit: Tools, output: Advice, outputStrategy: "responseFormat" }
        const lenient = await serving(
          listen,
          weatherThen(fenced),
          async (server) => success(await loop.run(server.url, request, { ...options, extract: "lenient" }))
        )
        expect(lenient.output).toStrictEqual(advice)
        const exact = await serving(
          listen,
          weatherThen(fenced),
          async (server) => failure(await loop.run(server.url, request, options))
        )
        expect(exact._tag).toBe("OutputNotJsonError")
      })

      it("bad output options fail with InvalidRequestError and nothing is sent", () =>
        serving(listen, weatherThen(Testing.finalAnswer(Advice, advice)), async (server) => {
          const throwingType = Object.defineProperty({}, "type", {
            enumerable: true,
            get: () => {
              throw new Error("no")
            }
          })
          const cases: ReadonlyArray<readonly [unknown, unknown]> = [
            [{ ...request, response_format: { type: "json_object" } }, { toolkit: Tools, output: Advice }],
            [request, { toolkit: Tools, output: Advice, outputRetries: -1 }],
            [request, { toolkit: Tools, output: Advice, outputRetries: 0.5 }],
            [request, { toolkit: Tools, output: Advice, outputStrategy: "grammar" }],
            [request, { toolkit: Tools, output: Advice, extract: "loose" }],
            [request, { toolkit: Tools, output: Advice, extract: { toString: () => "lenient" } }],
            [request, { toolkit: Tools, output: Advice, stopAfter: ["book"] }],
            [request, { toolkit: Tools, output: edition.unrepresentable }],
            [request, { toolkit: Tools, stopAfter: ["no_such_tool"] }],
            [request, { toolkit: Tools, stopAfter: ["toString"] }],
            [request, { toolkit: Tools, toolChoiceAfterForced: 42 }],
            [request, { toolkit: Tools, toolChoiceAfterForced: throwingType }],
            [request, { toolkit: Clash, output: Advice }]
          ]
          for (const [sent, options] of cases) {
            const error = failure(await loop.run(server.url, sent, options, { handlers: clashHandlers }))
            expect(error._tag).toBe("InvalidRequestError")
          }
          expect(server.requests()).toHaveLength(0)
        }))

      it("ToolLoop.stream ends with the output, its partial values consistent with it", () =>
        serving(
          listen,
          weatherThen(Testing.finalAnswer(Advice, advice, { argumentsChunkSize: 3 })),
          async (server) => {
            const events = success(await loop.stream(server.url, request, { toolkit: Tools, output: Advice }))
            expect(doneOf(events).output).toStrictEqual(advice)
            const partials = events.filter((e) => e._tag === "OutputPartial")
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
          }
        ))

      it("ToolLoop.stream emits Restart before the partial values of an answer asked again", () =>
        serving(
          listen,
          weatherThen(
            Testing.callTools([{ name: "final_answer", arguments: { ...hat, city: "Lyon" } }]),
            Testing.finalAnswer(Advice, advice)
          ),
          async (server) => {
            const events = success(
              await loop.stream(server.url, request, { toolkit: Tools, output: Advice, outputRetries: 1 })
            )
            const tags = outputTags(events)
            const restart = tags.indexOf("Restart3")
            expect(restart).toBeGreaterThan(0)
            expect(tags.slice(0, restart).every((t) => t === "Partial2")).toBe(true)
            expect(tags.slice(restart + 1).every((t) => t === "Partial3")).toBe(true)
            expect(tags.slice(restart + 1).length).toBeGreaterThan(0)
            expect(events.find((e) => e._tag === "Restart")?.error?._tag).toBe("OutputDecodeError")
            expect(doneOf(events).output).toStrictEqual(advice)
          }
        ))

      it("under \"responseFormat\", ToolLoop.stream shows the content as OutputPartial, and restarts a re-ask", () =>
        serving(
          listen,
          weatherThen(
            Testing.answer(JSON.stringify({ ...hat, city: "Lyon" })),
            Testing.finalAnswer(Advice, advice, { argumentsChunkSize: 4 })
          ),
          async (server) => {
            const events = success(
              await loop.stream(server.url, request, {
                toolkit: Tools,
                output: Advice,
                outputStrategy: "responseFormat",
                outputRetries: 1
              })
            )
            expect(doneOf(events).output).toStrictEqual(advice)
            const tags = outputTags(events)
            const restart = tags.indexOf("Restart3")
            expect(restart).toBeGreaterThan(0)
            expect(tags.slice(0, restart).every((t) => t === "Partial2")).toBe(true)
            expect(tags.slice(restart + 1).length).toBeGreaterThan(1)
            expect(tags.slice(restart + 1).every((t) => t === "Partial3")).toBe(true)
            expect(events.filter((e) => e._tag === "OutputPartial").at(-1)?.value).toStrictEqual(advice)
            // The re-ask: the failed answer and what was wrong, then the answer asked again is the next round.
            expect(bodyOf(server.requests()[2]!).messages.slice(-2)).toMatchObject([
              { role: "assistant" },
              { role: "user", content: expect.stringMatching("does not match the schema") }
            ])
          }
        ))

      it("a failure Chat.stream retries (before any content) shows no Restart in ToolLoop.stream", () =>
        serving(
          listen,
          (recorded, index) =>
            index === 0
              ? Testing.callTools([{ id: "w", name: "get_weather", arguments: { city: "Paris" } }])(recorded)
              : index === 1
              ? Testing.error(503)
              : Testing.jsonAnswer(Advice, advice, { stream: true, pieceSize: 4 }),
          async (server) => {
            const events = success(
              await loop.stream(
                server.url,
                request,
                { toolkit: Tools, output: Advice, outputStrategy: "responseFormat" },
                { config: { retry: edition.retry({ retries: 1, baseDelay: "1 millis" }) } }
              )
            )
            expect(events.some((e) => e._tag === "Restart")).toBe(false)
            const result = doneOf(events)
            expect(result.output).toStrictEqual(advice)
            expect(result.rounds).toHaveLength(2)
            expect(server.requests()).toHaveLength(3)
          }
        ))

      it("without the output option, no final_answer tool and no response_format are sent", () =>
        serving(listen, weatherThen(Testing.answer("Wear a coat.")), async (server) => {
          const result = success(await loop.run(server.url, request, { toolkit: Tools }))
          expect("output" in result).toBe(false)
          for (const sent of server.requests()) {
            expect(bodyOf(sent).tools?.map((t) => t.function.name)).toEqual(["get_weather", "book"])
            expect(bodyOf(sent).response_format).toBeUndefined()
          }
        }))
    })

    describe(`ToolLoop forced tool choice and stopAfter over ${client}`, () => {
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
        it(`a forced tool_choice: ${what}`, () =>
          serving(listen, weatherThen(Testing.answer("Coat.")), async (server) => {
            success(await loop.run(server.url, { ...request, tool_choice: forced }, { toolkit: Tools, ...options }))
            const [first, second] = server.requests()
            expect(bodyOf(first!).tool_choice).toEqual(forced)
            expect(bodyOf(second!).tool_choice).toEqual(expected)
          }))
      }

      it("a named function that was not called stays forced; \"auto\" is never changed", async () => {
        const choices = (toolChoice: unknown) =>
          serving(listen, weatherThen(Testing.answer("Coat.")), async (server) => {
            success(await loop.run(server.url, { ...request, tool_choice: toolChoice }, { toolkit: Tools }))
            return server.requests().map((r) => bodyOf(r).tool_choice)
          })
        const forced = { type: "function", function: { name: "book" } } as const
        expect(await choices(forced)).toEqual([forced, forced])
        expect(await choices("auto")).toEqual(["auto", "auto"])
      })

      it("stopAfter ends the loop once the tool has run: its result is the loop's result", () =>
        serving(
          listen,
          Testing.rounds([Testing.callTools([{ id: "b", name: "book", arguments: { city: "Rome" } }])]),
          async (server) => {
            const result = success(
              await loop.run(server.url, { ...request, tool_choice: "required" }, {
                toolkit: Tools,
                stopAfter: ["book"]
              })
            )
            expect(result.stoppedBy?.value).toBe("booked Rome")
            expect(result.stoppedBy?.call.id).toBe("b")
            expect(result.transcript.at(-1)).toEqual({ role: "tool", tool_call_id: "b", content: "booked Rome" })
            expect(server.requests()).toHaveLength(1)
          }
        ))

      it("stopAfter does not stop on other tools, and ToolLoop.stream stops the same way", () =>
        serving(
          listen,
          weatherThen(Testing.callTools([{ name: "book", arguments: { city: "Rome" } }])),
          async (server) => {
            const result = doneOf(
              success(await loop.stream(server.url, request, { toolkit: Tools, stopAfter: ["book"] }))
            )
            expect(result.stoppedBy?.value).toBe("booked Rome")
            expect(result.rounds).toHaveLength(2)
            expect(server.requests()).toHaveLength(2)
          }
        ))
    })

    describe(`ToolLoop handlers and streamed calls over ${client}`, () => {
      const context = differences.handlerContext[editionName]
      it(context.name, () =>
        serving(
          listen,
          Testing.rounds([
            Testing.callTools([{ id: "w1", name: "get_weather", arguments: { city: "Oslo" } }]),
            Testing.callTools([{ id: "b2", name: "book", arguments: { city: "Oslo" } }]),
            Testing.answer("Done.")
          ]),
          async (server) => {
            const { handlers, seen } = edition.recording()
            success(await loop.run(server.url, request, { toolkit: Tools }, { handlers }))
            const [first, second] = seen().map((s) => s.call)
            expect(seen().map((s) => s.toolCallId)).toEqual(context.toolCallIds)
            expect([first!.id, first!.name, first!.round]).toEqual(["w1", "get_weather", 1])
            expect([second!.id, second!.name, second!.round]).toEqual(["b2", "book", 2])
            expect(first!.transcript.map((m) => m.role)).toEqual(["user", "assistant"])
            expect(second!.transcript.map((m) => m.role)).toEqual(["user", "assistant", "tool", "assistant"])
            expect(second!.transcript.at(-1)).toMatchObject({ tool_calls: [{ id: "b2" }] })
          }
        ))

      it("ToolLoop.stream shows each call's arguments as they form, consistent with the call", () =>
        serving(
          listen,
          Testing.rounds([
            Testing.callTools([
              { id: "a", name: "get_weather", arguments: { city: "Lima" } },
              { id: "b", name: "book", arguments: { city: "Quito" } }
            ], { argumentsChunkSize: 2 }),
            Testing.answer("Done.")
          ]),
          async (server) => {
            const events = success(await loop.stream(server.url, request, { toolkit: Tools }))
            const partials = events.filter((e) => e._tag === "CallPartial")
            for (
              const [index, id, name, city] of [[0, "a", "get_weather", "Lima"], [1, "b", "book", "Quito"]] as const
            ) {
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
          }
        ))

      it("a strict tool's partial arguments show an optional field sent as null as absent", () =>
        serving(
          listen,
          Testing.rounds([
            Testing.callTools([{ id: "f", name: "find", arguments: { query: "cats", limit: null } }], {
              argumentsChunkSize: 3
            }),
            Testing.answer("Found.")
          ]),
          async (server) => {
            const { toolkit, handlers } = edition.strictFind
            const events = success(await loop.stream(server.url, request, { toolkit }, { handlers }))
            const partials = events.flatMap((e) => e._tag === "CallPartial" ? [e.arguments] : [])
            expect(partials.at(-1)).toStrictEqual({ query: "cats" })
            expect(doneOf(events).rounds[0]!.results[0]).toMatchObject({ _tag: "Success", value: -1 })
          }
        ))

      it("a tool whose parameters are recursive gets made-up identifiers, and its calls run", () => {
        const tree = { name: "a", children: [{ name: "b", children: [{ name: "c", children: [] }] }] }
        return serving(
          listen,
          Testing.rounds([
            Testing.callTools([{ name: "count", arguments: { root: tree } }]),
            Testing.answer("3 nodes.")
          ]),
          async (server) => {
            const { toolkit, handlers } = edition.recursive
            const result = success(await loop.run(server.url, request, { toolkit }, { handlers }))
            expect(result.rounds[0]!.results[0]).toMatchObject({ _tag: "Success", value: 3 })
            const params = bodyOf(server.requests()[0]!).tools![0]!.function as unknown as {
              parameters: { $defs: Record<string, unknown> }
            }
            const names = Object.keys(params.parameters.$defs)
            expect(names).toHaveLength(1)
            const expected = differences.recursiveName[editionName]
            if (expected !== undefined) expect(names).toEqual([expected])
            expect(JSON.stringify(params.parameters)).toContain(`"$ref":"#/$defs/${names[0]}"`)
          }
        )
      })

      // A tool's parameters must be an object at the root: a recursive root's `$ref` is inlined (the
      // recursion left in `$defs`), not wrapped as `{ value }`, and the model's arguments are the tree.
      it("a tool whose parameters' root is recursive (Schema.suspend) goes with its root inlined, and its calls run", () => {
        const tree = { name: "a", children: [{ name: "b", children: [] }, { name: "c", children: [] }] }
        return serving(
          listen,
          Testing.rounds([
            Testing.callTools([{ name: "measure", arguments: tree }]),
            Testing.answer("3 nodes.")
          ]),
          async (server) => {
            const { toolkit, handlers } = edition.recursiveRoot
            const result = success(await loop.run(server.url, request, { toolkit }, { handlers }))
            expect(result.rounds[0]!.results[0]).toMatchObject({ _tag: "Success", value: 3 })
            const { parameters } = bodyOf(server.requests()[0]!).tools![0]!.function as unknown as {
              parameters: Record<string, unknown>
            }
            expect(parameters.$ref).toBeUndefined()
            expect(parameters).toMatchObject({
              type: "object",
              required: ["name", "children"],
              properties: { name: { type: "string" }, children: { type: "array", items: { $ref: "#/$defs/Tree" } } },
              $defs: { Tree: { type: "object" } }
            })
          }
        )
      })
    })

    describe(`Structured.stream restarts over ${client}`, () => {
      const point = { x: 1, label: "origin" }

      for (const { isValue, label, schema, value } of wrappedOutputs) {
        it(`${label} is asked for strictly, wrapped as { value }, and comes back unwrapped`, () =>
          serving(listen, Testing.jsonAnswer(edition[schema], value, { stream: true }), async (server) => {
            const events = success(await loop.structured(server.url, edition[schema], request))
            expect(events.at(-1)).toMatchObject({ _tag: "Final", value })
            const sent = bodyOf(server.requests()[0]!).response_format as { readonly json_schema: Strictly }
            expect(wrappedStrictly(sent.json_schema, isValue)).toBe(true)
          }))
      }

      it("a re-ask emits Restart before the new answer's partial values", () =>
        serving(
          listen,
          [
            Testing.mismatchedAnswer({ x: "one", label: "wrong" }, { stream: true, pieceSize: 4 }),
            Testing.jsonAnswer(edition.point, point, { stream: true, pieceSize: 4 })
          ],
          async (server) => {
            const events = success(await loop.structured(server.url, edition.point, request, { retries: 1 }))
            const tags = events.map((e) => e._tag)
            const restart = tags.indexOf("Restart")
            expect(tags.slice(0, restart).every((t) => t === "Partial")).toBe(true)
            expect(restart).toBeGreaterThan(0)
            expect(tags.slice(restart + 1, -1).every((t) => t === "Partial")).toBe(true)
            expect(tags.slice(restart + 1, -1).length).toBeGreaterThan(0)
            expect(tags.at(-1)).toBe("Final")
            const r = events[restart]!
            expect([r.attempt, r.error?._tag]).toEqual([2, "OutputDecodeError"])
            // The first partial after the restart is the start of the new answer, not a continuation.
            const after = events[restart + 1]!
            expect(after._tag).toBe("Partial")
            expect((after.value as { label?: string }).label ?? "").not.toContain("wrong")
          }
        ))

      it("a failure that Chat.stream retries (before any content) shows no Restart", () =>
        serving(
          listen,
          [Testing.error(503), Testing.jsonAnswer(edition.point, point, { stream: true, pieceSize: 4 })],
          async (server) => {
            const events = success(
              await loop.structured(server.url, edition.point, request, undefined, {
                retry: edition.retry({ retries: 1, baseDelay: "1 millis" })
              })
            )
            expect(events.some((e) => e._tag === "Restart")).toBe(false)
            expect(events.at(-1)).toMatchObject({ _tag: "Final", value: point })
          }
        ))
    })
  }
}
