/**
 * The body of the Tool and Toolkit tests without a loop, shared by both editions (`test/tools.test.ts`,
 * `effect4/test/tools.test.ts`): the request's `tools` entries (plain, strict, wrapped, recursive, without
 * parameters, and the typed error for parameters that cannot be stated), decoding calls into the typed
 * union, the typed errors for calls the toolkit cannot run (hostile arguments included: any text, any
 * depth), the calls of collected streams (over both HTTP clients and in-process) and the recorded tool
 * calls of real providers (read from the shared folder at test time), and hostile toolkits, calls and
 * replies (a typed error, never a throw). Effect-free: each edition passes
 * its `Wired` and its `ToolsEdition` (its `Tool.definition`, `Toolkit.definitions`, `Toolkit.decodeCall`
 * and `Toolkit.decodeCalls` run to an `Outcome`, and the tools only its `Tool` and `Schema` build). What
 * one edition alone has (effect/ai's tools, Schema 4's messages, handler layers) stays in its file.
 */
import * as fc from "fast-check"
import { MAX_DEPTH } from "../../src/internal/transport/json.js"
import type { Outcome, Response } from "./calls.js"
import { failure, success } from "./calls.js"
import { throwingAt, throwingProxy, unprintable } from "./hostileValues.js"
import { readRecorded, recordedDir, recordedMissing } from "./recorded.js"
import { type Script, serving, type Wired } from "./suite.js"
import type { LoopReplies } from "./toolLoopSuite.js"

/** A decoded wire value, read loosely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Wire = any

/** A `tools` entry of a request (`Tool.definition`), as the shared body reads it. */
export interface Definition {
  readonly type: string
  readonly function: {
    readonly name: string
    readonly description?: string | undefined
    readonly parameters?: unknown
    readonly strict?: boolean | null | undefined
  }
}

/** A decoded call (`Toolkit.Call`), as the shared body reads it. */
export interface Decoded {
  readonly id: string
  readonly name: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- decoded parameters, read loosely
  readonly params: any
  readonly raw: { readonly function?: { readonly arguments?: string | null | undefined } | null | undefined }
}

/** What the tools body takes from an edition besides its `Wired` (`R`: its `Testing.Reply`). */
export interface ToolsEdition<R> {
  /** `Testing.callTools` and the other tool-loop replies. */
  readonly replies: LoopReplies<R>
  /** `describe.skipIf(!condition)`. */
  readonly describeIf: (condition: boolean) => (name: string, body: () => void) => unknown
  /** `Tool.definition(tool)`. */
  readonly definition: (tool: unknown) => Outcome<Definition>
  /** `Toolkit.definitions(toolkit)`. */
  readonly definitions: (toolkit: unknown) => Outcome<ReadonlyArray<Definition>>
  /** `Toolkit.decodeCall(raw, toolkit)`, run: a typed failure is an error, a defect throws. */
  readonly decodeCall: (raw: unknown, toolkit: unknown) => Outcome<Decoded>
  /** `Toolkit.decodeCalls(response, toolkit)`, run: a typed failure is an error, a defect rejects. */
  readonly decodeCalls: (response: unknown, toolkit: unknown) => Promise<Outcome<ReadonlyArray<Decoded>>>
  /** The same through the data-last form, `Toolkit.decodeCalls(toolkit)(response)`. */
  readonly decodeCallsOf: (toolkit: unknown) => (response: unknown) => Promise<Outcome<ReadonlyArray<Decoded>>>
  /** `Chat.collect(Chat.stream(request))` through `Testing.layerWithConfig(script, config)`, in-process. */
  readonly collectInProcess: (
    script: Script<R>,
    request: unknown,
    config?: Readonly<Record<string, unknown>>
  ) => Promise<Outcome<Response>>
  /**
   * `Toolkit.make(GetWeather, Now)`: `get_weather` ("The weather in a city.", `{ city: string, unit?:
   * "c" | "f" }` to `{ celsius: number }`) and `now` (no parameters, a string).
   */
  readonly tools: unknown
  /** `get_weather`'s parameters in a tool with `strict: true`. */
  readonly strictWeather: unknown
  /** `sum`, whose parameters are an array of numbers. */
  readonly sum: unknown
  /** Tools without parameters, each made another way (none given, strict, an empty Struct, ...). */
  readonly noParameters: ReadonlyArray<unknown>
  /** `named`, whose parameters are `{ q: string }` annotated with the identifier `Query`. */
  readonly named: unknown
  /** `tree`, whose parameters are a recursive `Tree` (`{ label, children: Tree[] }`) without an identifier. */
  readonly tree: (strict: boolean) => unknown
  /** `at`, whose parameters are `{ when: Date }`, the Date read from its ISO text. */
  readonly at: unknown
  /** `Toolkit.make(nest)`, `nest` taking `{ child: unknown }`. */
  readonly nest: unknown
  /** `Toolkit.make(GetWeather, Now, strict)`, `strict` taking `get_weather`'s parameters with `strict: true`. */
  readonly withStrict: unknown
  /** A tool whose parameters the edition cannot state as a JSON Schema (its name: `name`). */
  readonly unstatable: { readonly tool: unknown; readonly name: string }
  /** `llm_version`: no parameters, a string. */
  readonly version: unknown
  /** `developer__shell`: `{ command: string }`. */
  readonly shell: unknown
  /** One tool per name, its parameters any record. */
  readonly anyArguments: (name: string) => unknown
  /** `Toolkit.make(...tools)`. */
  readonly make: (...tools: ReadonlyArray<unknown>) => unknown
  /** A value the edition's tool guard takes for a tool (it carries the TypeId) that has no Schema. */
  readonly forgedTool: unknown
  /** `Tool.make(name, options)` with the arguments exactly as given. */
  readonly makeTool: (name: unknown, options?: unknown) => unknown
  /** `Toolkit.merge(...toolkits)`; `undefined` in an edition without it. */
  readonly merge: ((...toolkits: ReadonlyArray<unknown>) => unknown) | undefined
  /** `Toolkit.handlers(toolkit, handlers)`. */
  readonly handlers: (toolkit: unknown, handlers: unknown) => unknown
  /** `Tool.isTool(value)`. */
  readonly isTool: (value: unknown) => boolean
}

/**
 * Whether a plain tool's parameters allow added properties, per edition: Effect 3 states a Struct
 * closed (`additionalProperties: false`); Effect 4's effect/ai states it open, as its JSON Schema does.
 */
const openStruct = { effect3: false, effect4: true } as const

/**
 * What a tool without parameters gets of arguments with a key it does not declare, per edition:
 * Effect 3's empty `Schema.Struct({})` passes the object on as it is, Effect 4's drops the key.
 */
const addedKeys = { effect3: { verbose: true }, effect4: {} } as const

/** A raw call of `name` with `args`; without an id when `id` is null. */
const call = (name: string, args: string, id: string | null = "call_1") => ({
  ...(id === null ? {} : { id }),
  type: "function" as const,
  function: { name, arguments: args }
})

const hi = { messages: [{ role: "user", content: "hi" }] }

/** An object that throws when asked whether it has a key (a `Proxy` whose `has` trap throws). */
const unaskable = () =>
  new Proxy({}, {
    has() {
      throw new Error("has trap")
    }
  })

export const toolsSuite = <R>(wired: Wired<R>, edition: ToolsEdition<R>): void => {
  const { clients, describe, expect, it, listen, testing: Testing } = wired
  const { decodeCall, decodeCalls, definition, definitions, make, replies, tools: Tools } = edition
  const decode = (raw: unknown) => decodeCall(raw, Tools)

  describe("Tool.definition / Toolkit.definitions", () => {
    it("gives one function entry per tool, parameters as JSON Schema", async () => {
      expect(success(definitions(Tools))).toEqual([
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "The weather in a city.",
            parameters: {
              type: "object",
              required: ["city"],
              properties: { city: { type: "string" }, unit: { type: "string", enum: ["c", "f"] } },
              additionalProperties: openStruct[wired.edition]
            }
          }
        },
        {
          type: "function",
          function: { name: "now", parameters: { type: "object", properties: {}, additionalProperties: false } }
        }
      ])
    })

    it("is derived once per toolkit", async () => {
      expect(success(definitions(Tools))).toBe(success(definitions(Tools)))
    })

    it("a tool without parameters is an empty object, strict or not, however it is made", async () => {
      const empty = { type: "object", properties: {}, additionalProperties: false }
      for (const tool of edition.noParameters) {
        const entry = success(definition(tool))
        expect([entry.function.name, entry.function.parameters]).toEqual([entry.function.name, empty])
      }
    })

    it("a root with an identifier is inlined: the root is the object, not a $ref", async () => {
      const parameters = success(definition(edition.named)).function.parameters
      expect(parameters).toMatchObject({ type: "object", properties: { q: { type: "string" } } })
      expect(parameters).not.toHaveProperty("$ref")
      expect(parameters).not.toHaveProperty("$defs")
    })

    it("recursive parameters need no identifier: the root is an object and the recursion a $ref", async () => {
      for (const strict of [false, true]) {
        const parameters = success(definition(edition.tree(strict))).function.parameters as Record<string, unknown>
        expect([strict, parameters.type]).toEqual([strict, "object"])
        expect(JSON.stringify(parameters)).toContain(`"$ref":"#/$defs/`)
        const defs = parameters.$defs as Record<string, unknown>
        const ref = /"\$ref":"#\/\$defs\/([^"]+)"/.exec(JSON.stringify(parameters))![1]!
        expect([strict, defs[ref] !== undefined]).toEqual([strict, true])
      }
    })

    it("a strict tool gets the strict form: every property required, optional ones nullable, strict: true", async () => {
      const strict = success(definition(edition.strictWeather))
      expect(strict.function.strict).toBe(true)
      expect(strict.function.parameters).toMatchObject({
        type: "object",
        required: ["city", "unit"],
        properties: { unit: { anyOf: [{ type: "string", enum: ["c", "f"] }, { type: "null" }] } },
        additionalProperties: false
      })
    })

    it("a strict tool's null for an optional field decodes as absent; the plain form reads too", async () => {
      const strict = make(edition.strictWeather)
      expect(success(decodeCall(call("get_weather", `{"city":"Oslo","unit":null}`), strict)).params).toEqual({
        city: "Oslo"
      })
      // ... and the plain form (a model that ignored strict) reads too
      expect(success(decodeCall(call("get_weather", `{"city":"Oslo"}`), strict)).params).toEqual({ city: "Oslo" })
    })

    it("parameters that are not an object travel wrapped as {value}", async () => {
      expect(success(definition(edition.sum)).function.parameters).toMatchObject({
        type: "object",
        required: ["value"]
      })
      expect(success(decodeCall(call("sum", `{"value":[1,2,3]}`), make(edition.sum))).params).toEqual([1, 2, 3])
    })

    it("parameters the edition cannot state as a JSON Schema are an InvalidRequestError naming the tool", async () => {
      const { name, tool } = edition.unstatable
      const error = failure(definitions(make(tool)))
      expect(error._tag).toBe("InvalidRequestError")
      expect((error.issues as ReadonlyArray<{ path: string }>)[0]?.path).toBe(`tools.${name}.parameters`)
      expect(error.message).toContain(`the parameters of tool ${name} cannot be stated as a JSON Schema`)
    })
  })

  describe("Toolkit.decodeCall", () => {
    it("decodes the parameters with the tool's Schema, discriminated by name", async () => {
      const decoded = success(decode(call("get_weather", `{"city":"Paris","unit":"c"}`)))
      expect(decoded.name).toBe("get_weather")
      expect(decoded.params).toEqual({ city: "Paris", unit: "c" })
      expect(decoded.id).toBe("call_1")
      expect(decoded.raw.function?.arguments).toBe(`{"city":"Paris","unit":"c"}`)
    })

    it("decodes with the Schema's JSON codec: a Date from its ISO text", async () => {
      const decoded = success(decodeCall(call("at", `{"when":"2026-01-02T03:04:05.000Z"}`), make(edition.at)))
      expect(decoded.params.when instanceof Date).toBe(true)
      expect(decoded.params.when.toISOString()).toBe("2026-01-02T03:04:05.000Z")
    })

    it("empty arguments are an empty object (a tool without parameters); added keys as the edition reads them", async () => {
      for (const args of ["", "  ", "{}"]) {
        expect([args, success(decode(call("now", args))).params]).toEqual([args, {}])
      }
      expect(success(decode(call("now", `{"verbose":true}`))).params).toEqual(addedKeys[wired.edition])
    })

    const errors: ReadonlyArray<readonly [string, unknown, string, string]> = [
      ["a call to an unknown tool", call("get_time", "{}"), "UnknownToolError", `There is no tool named "get_time"`],
      ["a name that is a key of every object", call("constructor", "{}"), "UnknownToolError", "constructor"],
      ["the name __proto__", call("__proto__", "{}"), "UnknownToolError", "__proto__"],
      ["a call without a name", { id: "x", function: { arguments: "{}" } }, "UnknownToolError", `named ""`],
      ["a call without a function", { id: "x" }, "UnknownToolError", `named ""`],
      ["arguments that are not JSON", call("get_weather", `{"city": "Par`), "MalformedArgumentsError", "not JSON"],
      ["arguments that do not decode", call("get_weather", `{"city":42}`), "InvalidArgumentsError", "city"],
      ["a missing required field", call("get_weather", `{}`), "InvalidArgumentsError", "city"],
      ["a number", call("now", "5"), "InvalidArgumentsError", "not a JSON object"],
      ["a string", call("now", `"x"`), "InvalidArgumentsError", "not a JSON object"],
      ["an array", call("now", "[]"), "InvalidArgumentsError", "not a JSON object"],
      ["null", call("now", "null"), "InvalidArgumentsError", "not a JSON object"]
    ]
    for (const [label, raw, tag, text] of errors) {
      it(`${label} is a ${tag} carrying the raw call`, async () => {
        const error = failure(decode(raw))
        expect(error._tag).toBe(tag)
        expect(error.call).toEqual(raw)
        expect(error.message).toContain(text)
      })
    }

    it("an UnknownToolError lists the available tools; a MalformedArgumentsError keeps the text", async () => {
      const unknown = failure(decode(call("get_time", "{}")))
      expect(unknown.available).toEqual(["get_weather", "now"])
      const malformed = failure(decode(call("get_weather", `{"city": "Par`)))
      expect(malformed.arguments).toBe(`{"city": "Par`)
      const invalid = failure(decode(call("get_weather", `{"city":42}`)))
      expect(invalid.arguments).toEqual({ city: 42 })
    })

    it("a call without an id gets the fallback id", async () => {
      expect(success(decode(call("now", "", null))).id).toBe("call_0")
      expect(success(decode(call("now", "", ""))).id).toBe("call_0")
    })
  })

  describe("Toolkit.decodeCall on hostile arguments", () => {
    const nested = (levels: number) => `{"child":${"[".repeat(levels - 1)}${"]".repeat(levels - 1)}}`
    for (const levels of [2, 64, MAX_DEPTH]) {
      it(`decodes arguments ${levels} levels deep`, async () => {
        const decoded = success(decodeCall(call("nest", nested(levels)), edition.nest))
        expect(JSON.stringify(decoded.params)).toBe(nested(levels))
      })
    }
    for (const levels of [MAX_DEPTH + 1, 10_000, 200_000]) {
      it(`arguments ${levels} levels deep are MalformedArgumentsError, not a defect`, async () => {
        const error = failure(decodeCall(call("nest", nested(levels)), edition.nest))
        expect(error._tag).toBe("MalformedArgumentsError")
        expect(error.message).toBe(`The arguments of nest are nested deeper than ${MAX_DEPTH} levels`)
      })
    }

    it("any arguments text, name and id give a decoded call or a typed CallError, never a defect", async () => {
      const names = fc.constantFrom("get_weather", "now", "strict", "", "__proto__", "toString", "nope")
      const json = fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v))
      const objects = fc.dictionary(fc.constantFrom("city", "unit", "x"), fc.jsonValue({ maxDepth: 3 }))
        .map((v) => JSON.stringify(v))
      fc.assert(
        fc.property(
          names,
          fc.oneof(fc.string(), json, objects),
          fc.option(fc.string(), { nil: null }),
          (name, args, id) => {
            // A defect throws out of the edition's decodeCall, failing the property.
            const decoded = decodeCall(call(name, args, id), edition.withStrict)
            if (decoded.ok) expect(decoded.value.name).toBe(name)
            else {
              expect(["UnknownToolError", "MalformedArgumentsError", "InvalidArgumentsError"]).toContain(
                decoded.error._tag
              )
            }
          }
        ),
        { seed: 24, numRuns: 500 }
      )
    })
  })

  describe("Toolkit.decodeCalls", () => {
    const response = (calls: ReadonlyArray<unknown>) => ({
      id: "gen-1",
      choices: [{ message: { role: "assistant", content: null, tool_calls: calls }, finish_reason: "tool_calls" }]
    })

    it("decodes several calls of one reply, in order", async () => {
      const calls = success(
        await decodeCalls(response([call("now", "", "a"), call("get_weather", `{"city":"Rome"}`, "b")]), Tools)
      )
      expect(calls.map((c) => [c.id, c.name, c.params])).toEqual([["a", "now", {}], ["b", "get_weather", {
        city: "Rome"
      }]])
    })

    it("a reply without calls gives none", async () => {
      expect(success(await edition.decodeCallsOf(Tools)({ choices: [{ message: { content: "hi" } }] }))).toEqual([])
    })

    it("fails with the first call that does not decode", async () => {
      const error = failure(
        await decodeCalls(response([call("now", ""), call("nope", "{}"), call("get_weather", "x")]), Tools)
      )
      expect(error._tag).toBe("UnknownToolError")
    })

    it("calls without ids get ids unique to the reply", async () => {
      const calls = success(await decodeCalls(response([call("now", "", null), call("now", "", null)]), Tools))
      expect(calls.map((c) => c.id)).toEqual(["call_gen-1_0", "call_gen-1_1"])
    })

    const stormy = [{ name: "get_weather", arguments: { city: "Reykjavík" } }, { name: "now", arguments: "" }]
    const collectors: ReadonlyArray<readonly [string, (script: Script<R>) => Promise<Outcome<Response>>]> = [
      ...clients.map(([label, calls]) =>
        [label, (script: Script<R>) => serving(listen, script, (server) => calls.collect(server.url, hi))] as const
      ),
      ["in-process", (script: Script<R>) => edition.collectInProcess(script, hi)]
    ]
    for (const [label, collect] of collectors) {
      it(`${label}: decodes the calls of a collected stream whose arguments arrive one character per chunk`, async () => {
        const collected = success(await collect(replies.callTools(stormy, { argumentsChunkSize: 1 })))
        const calls = success(await decodeCalls(collected, Tools))
        expect(calls.map((c) => c.params)).toEqual([{ city: "Reykjavík" }, {}])
      })
    }
  })

  describe("Toolkit.decodeCalls on a collected stream whose tool-call fragments", () => {
    const chunk = (toolCall: object) => ({ id: "gen-1", choices: [{ index: 0, delta: { tool_calls: [toolCall] } }] })
    for (
      const [label, fragments] of [
        ["carry no index (id and name first, then arguments only)", [
          { id: "call_a", type: "function", function: { name: "get_weather", arguments: "" } },
          { function: { arguments: "{\"city\":\"Rome\"}" } },
          { id: "call_b", type: "function", function: { name: "now" } },
          { function: { arguments: "" } }
        ]],
        ["share index 0 with different ids", [
          { index: 0, id: "call_a", type: "function", function: { name: "get_weather", arguments: "{\"city\":" } },
          { index: 0, function: { arguments: "\"Rome\"}" } },
          { index: 0, id: "call_b", type: "function", function: { name: "now", arguments: "" } }
        ]]
      ] as const
    ) {
      it(`${label} gives each call`, async () => {
        const collected = success(
          await edition.collectInProcess(Testing.sse(fragments.map(chunk), { done: true }), hi)
        )
        const calls = success(await decodeCalls(collected, Tools))
        expect(calls.map((c) => [c.id, c.name, c.params])).toEqual([["call_a", "get_weather", { city: "Rome" }], [
          "call_b",
          "now",
          {}
        ]])
      })
    }
  })

  describe("Tool and Toolkit on hostile input: a typed error, never a throw", () => {
    const toolkits: ReadonlyArray<readonly [string, unknown]> = [
      ["null", null],
      ["a string", "kit"],
      ["tools: null", { tools: null }],
      ["a tool that is null", { tools: { a: null } }],
      ["tools whose getter throws", throwingAt({}, "tools")],
      ["a tool whose getter throws", { tools: throwingAt({}, "a") }],
      ["a tool that is a plain object", { tools: { a: {} } }],
      ["tools that are an array", { tools: [] }],
      ["tools whose keys cannot be listed", { tools: throwingProxy() }]
    ]
    for (const [label, toolkit] of toolkits) {
      it(`Toolkit.definitions of ${label} is an InvalidRequestError at toolkit`, async () => {
        const error = failure(definitions(toolkit))
        expect([error._tag, (error.issues as ReadonlyArray<{ path: string }>)[0]?.path]).toEqual([
          "InvalidRequestError",
          "toolkit"
        ])
        expect(error.message).toMatch(/^Invalid toolkit, nothing was sent: toolkit /)
      })
      it(`Toolkit.decodeCall against ${label} is an UnknownToolError with no tools available`, async () => {
        const error = failure(decodeCall(call("now", ""), toolkit))
        expect([error._tag, error.name, error.available]).toEqual(["UnknownToolError", "now", []])
      })
      it(`Toolkit.decodeCalls against ${label} is an UnknownToolError`, async () => {
        const error = failure(await decodeCalls({ choices: [{ message: { tool_calls: [call("now", "")] } }] }, toolkit))
        expect([error._tag, error.name]).toEqual(["UnknownToolError", "now"])
      })
    }

    const notTools: ReadonlyArray<readonly [string, unknown, string]> = [
      ["null", null, "must be a Tool"],
      ["a string", "get_weather", "must be a Tool"],
      ["a plain object", { name: "get_weather" }, "must be a Tool"],
      ["a value that cannot be asked what it has", unaskable(), "cannot be read: has trap"]
    ]
    for (const [label, tool, reason] of notTools) {
      it(`Tool.definition of ${label} is an InvalidRequestError at tool`, async () => {
        const error = failure(definition(tool))
        expect([error._tag, (error.issues as ReadonlyArray<{ path: string }>)[0]?.path]).toEqual([
          "InvalidRequestError",
          "tool"
        ])
        expect(error.message).toContain(`Invalid tool, nothing was sent: tool ${reason}`)
      })
    }

    it("a toolkit whose tool carries the TypeId without being a tool: definitions, decodeCall and decodeCalls fail typed", async () => {
      const forged = { tools: { now: edition.forgedTool } }
      const refused = failure(definitions(forged))
      expect([refused._tag, refused.message]).toEqual([
        "InvalidRequestError",
        expect.stringMatching(/^Invalid tool, nothing was sent: tool cannot be read: /)
      ])
      const unknown = failure(decodeCall(call("now", "{}"), forged))
      expect([unknown._tag, unknown.name, unknown.available]).toEqual(["UnknownToolError", "now", ["now"]])
      expect(unknown.message).toMatch(/^The tool named "now" cannot be read: /)
      const reply = { choices: [{ message: { tool_calls: [call("now", "{}")] } }] }
      expect(failure(await decodeCalls(reply, forged))._tag).toBe("UnknownToolError")
    })

    const calls: ReadonlyArray<readonly [string, unknown]> = [
      ["null", null],
      ["a string", "call"],
      ["a call whose function getter throws", throwingAt({}, "function")],
      ["a call whose id getter throws", throwingAt({}, "id")],
      ["a call whose function's name getter throws", { id: "c", type: "function", function: throwingAt({}, "name") }],
      ["a call whose keys cannot be listed", throwingProxy()]
    ]
    for (const [label, raw] of calls) {
      it(`Toolkit.decodeCall of ${label} is an UnknownToolError (a call without a readable name)`, async () => {
        const error = failure(decode(raw))
        expect([error._tag, error.name, error.call]).toEqual(["UnknownToolError", "", {}])
      })
    }

    // Fields of a type the wire never gives are left out of the call the error carries.
    const mistyped: ReadonlyArray<readonly [string, unknown, string, string, unknown]> = [
      ["an id that is a number", { id: 5, function: { name: "nope" } }, "UnknownToolError", "nope", {
        function: { name: "nope" }
      }],
      ["a name that is a number", { id: "c", function: { name: 7 } }, "UnknownToolError", "", {
        id: "c",
        function: {}
      }],
      ["a function that is a number", { id: "c", type: "function", function: 5 }, "UnknownToolError", "", {
        id: "c",
        type: "function"
      }],
      [
        "arguments that are a number",
        { id: "c", function: { name: "nope", arguments: 5 }, index: "0" },
        "UnknownToolError",
        "nope",
        {
          id: "c",
          function: { name: "nope" }
        }
      ],
      [
        "a type that is an object",
        { id: "c", type: {}, function: { name: "get_weather", arguments: "{}" } },
        "InvalidArgumentsError",
        "get_weather",
        {
          id: "c",
          function: { name: "get_weather", arguments: "{}" }
        }
      ]
    ]
    for (const [label, raw, tag, name, carried] of mistyped) {
      it(`Toolkit.decodeCall of a call with ${label} gives ${tag}, carrying the call's well-typed fields`, async () => {
        const error = failure(decode(raw))
        expect([error._tag, error.name, error.call]).toEqual([tag, name, carried])
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
      ],
      [
        "a reply whose id getter throws (the fallback id without it)",
        throwingAt({ choices: [{ message: { tool_calls: [call("now", "", null)] } }] }, "id"),
        "call_round0_0"
      ]
    ]
    for (const [label, reply, expected] of replies) {
      it(`Toolkit.decodeCalls of ${label}: ${expected === "none" ? "no calls" : expected}`, async () => {
        const result = await decodeCalls(reply, Tools)
        if (expected === "none") expect(success(result)).toEqual([])
        else if (expected.startsWith("call_")) expect(success(result).map((c) => c.id)).toEqual([expected])
        else expect(failure(result)._tag).toBe(expected)
      })
    }
  })

  describe("Toolkit's and Tool's constructors on hostile input: never a throw, the toolkit refused", () => {
    const { tools: byName } = Tools as { readonly tools: Readonly<Record<string, unknown>> }
    const weather = byName.get_weather
    /** `tool` whose name getter throws (its prototype is the tool: it is still a tool to the guard). */
    const nameThrows = (tool: unknown) =>
      Object.defineProperty(Object.create(tool as object), "name", {
        get: () => {
          throw new Error("no name")
        }
      })
    const notATool = "has a tool that is not a Tool"
    const hostileTools: ReadonlyArray<readonly [string, () => unknown, string]> = [
      ["null", () => null, notATool],
      ["undefined", () => undefined, notATool],
      ["a plain object", () => ({}), notATool],
      ["a string", () => "get_weather", notATool],
      ["a number", () => 42, notATool],
      ["a Proxy whose traps throw", throwingProxy, notATool],
      ["a value whose toString throws", () => unprintable, notATool],
      ["a toolkit", () => Tools, notATool],
      ["a tool whose name getter throws", () => nameThrows(weather), "has a tool that cannot be read"],
      ["a value that cannot be asked what it has", unaskable, "has a tool that cannot be read"],
      ["a tool whose name is not a string", () => edition.makeTool(7), "has a tool whose name is not a string"],
      [
        "a tool made of options that cannot be read",
        () => edition.makeTool("x", throwingProxy()),
        "has a tool that cannot be sent"
      ]
    ]
    for (const [label, value, reason] of hostileTools) {
      it(`Toolkit.make(${label}) refuses the toolkit: InvalidRequestError at toolkit naming argument 0`, async () => {
        const error = failure(definitions(make(value())))
        expect([error._tag, (error.issues as ReadonlyArray<{ path: string }>)[0]?.path]).toEqual([
          "InvalidRequestError",
          "toolkit"
        ])
        expect(error.message).toContain(`Invalid toolkit, nothing was sent: toolkit ${reason} (argument 0)`)
      })
      it(`Toolkit.make(get_weather, ${label}): calls to get_weather still decode, the toolkit is refused at argument 1`, async () => {
        const toolkit = make(weather, value())
        expect(failure(definitions(toolkit)).message).toContain(`${reason} (argument 1)`)
        expect(success(decodeCall(call("get_weather", `{"city":"Oslo"}`), toolkit)).params).toEqual({ city: "Oslo" })
        const calls = success(
          await decodeCalls(
            { choices: [{ message: { tool_calls: [call("get_weather", `{"city":"Rome"}`)] } }] },
            toolkit
          )
        )
        expect(calls.map((c) => c.params)).toEqual([{ city: "Rome" }])
        const unknown = failure(decodeCall(call("now", ""), toolkit))
        expect([unknown._tag, unknown.available]).toEqual(["UnknownToolError", ["get_weather"]])
      })
    }

    it("Toolkit.make of good tools is not refused; the first bad argument is the one named", async () => {
      expect(success(definitions(make(weather))).map((d) => d.function.name)).toEqual(["get_weather"])
      expect(failure(definitions(make(weather, null, nameThrows(weather)))).message).toContain(
        `${notATool} (argument 1)`
      )
    })

    // Only the Effect 4 edition has Toolkit.merge (effect/ai's).
    const merge = edition.merge
    if (merge !== undefined) {
      const hostileKits: ReadonlyArray<readonly [string, () => unknown, string]> = [
        ["null", () => null, "must be a Toolkit"],
        ["a plain object", () => ({}), "must be a Toolkit"],
        ["a string", () => "kit", "must be a Toolkit"],
        ["tools: null", () => ({ tools: null }), "must be a Toolkit"],
        ["a tool", () => weather, "must be a Toolkit"],
        ["tools whose getter throws", () => throwingAt({}, "tools"), "cannot be read: no"],
        ["a Proxy whose traps throw", throwingProxy, "cannot be read"],
        ["a tool that is null", () => ({ tools: { a: null } }), notATool],
        ["a refused toolkit", () => make(null), `${notATool} (argument 0)`]
      ]
      for (const [label, value, reason] of hostileKits) {
        it(`Toolkit.merge(toolkit, ${label}) refuses the merged toolkit, whose good tools still decode`, async () => {
          const merged = merge(make(weather), value())
          const error = failure(definitions(merged))
          expect([error._tag, (error.issues as ReadonlyArray<{ path: string }>)[0]?.path]).toEqual([
            "InvalidRequestError",
            "toolkit"
          ])
          expect(error.message).toContain(`toolkit merges a toolkit that cannot be sent (argument 1: ${reason}`)
          expect(success(decodeCall(call("get_weather", `{"city":"Oslo"}`), merged)).params).toEqual({ city: "Oslo" })
        })
      }

      it("Toolkit.merge keeps the tools of a toolkit that is refused, and of one whose other tools are not tools", async () => {
        const merged = merge(make(null, weather), { tools: { a: null, now: byName.now } })
        expect(failure(definitions(merged))._tag).toBe("InvalidRequestError")
        expect(success(decodeCall(call("now", ""), merged)).name).toBe("now")
        expect(success(decodeCall(call("get_weather", `{"city":"Oslo"}`), merged)).name).toBe("get_weather")
      })

      it("Toolkit.merge merges good toolkits as effect/ai does (a later name wins), not refused", async () => {
        const merged = merge(make(weather), Tools)
        expect(success(definitions(merged)).map((d) => d.function.name)).toEqual(["get_weather", "now"])
      })
    }

    const hostileMakes: ReadonlyArray<readonly [string, unknown, unknown]> = [
      ["options that are a Proxy whose traps throw", "x", throwingProxy()],
      ["options whose parameters getter throws", "x", throwingAt({}, "parameters")],
      ["options whose description getter throws", "x", throwingAt({}, "description")],
      ["a name that is a Proxy whose traps throw", throwingProxy(), undefined],
      ["a name whose toString throws", unprintable, undefined],
      ["a name that is null", null, undefined]
    ]
    for (const [label, name, options] of hostileMakes) {
      it(`Tool.make with ${label} does not throw; Tool.definition refuses the tool at tool`, async () => {
        const error = failure(definition(edition.makeTool(name, options)))
        expect([error._tag, (error.issues as ReadonlyArray<{ path: string }>)[0]?.path]).toEqual([
          "InvalidRequestError",
          "tool"
        ])
        expect(error.message).toMatch(
          /^Invalid tool, nothing was sent: tool (cannot be read|has a name that is not a string)/
        )
      })
    }

    it("Tool.isTool of any hostile value is false, never a throw", async () => {
      for (const value of [null, "x", throwingProxy(), unprintable, unaskable(), throwingAt({}, "name")]) {
        expect(edition.isTool(value)).toBe(false)
      }
      expect(edition.isTool(weather)).toBe(true)
    })

    it("Toolkit.handlers gives back what it is handed, whatever it is", async () => {
      for (const value of [null, "x", throwingProxy(), unprintable, { get_weather: 5 }]) {
        expect(edition.handlers(value, value)).toBe(value)
      }
    })
  })

  edition.describeIf(recordedDir !== undefined)("recorded tool calls (shared/openrouter/recorded)", () => {
    if (recordedDir === undefined) console.warn(recordedMissing)
    const replay = async (file: string) =>
      success(
        await edition.collectInProcess(
          Testing.raw({ headers: { "content-type": "text/event-stream" }, body: readRecorded(file) }),
          hi,
          { retry: false }
        )
      )
    /** The tool calls of a reply's first choice. */
    const rawCalls = (reply: Response): ReadonlyArray<{ function?: { name?: string; arguments?: string } }> =>
      (reply as Wire).choices[0]?.message?.tool_calls ?? []

    it("gpt-4.1-mini: a tool without parameters, arguments \"\" then \"{}\"", async () => {
      const calls = success(await decodeCalls(await replay("llm-gpt41mini-stream-tool-call.sse"), edition.version))
      expect(calls).toHaveLength(1)
      expect(calls[0]).toMatchObject({ id: "call_o4OCgtJrNoZTmoCRvmlfoHfj", name: "llm_version", params: {} })
    })

    it("Claude on Bedrock: two parallel calls (indexes 1 and 2) with arguments in fragments", async () => {
      const calls = success(
        await decodeCalls(await replay("goose-bedrock-claude4-parallel-tool-calls.sse"), edition.shell)
      )
      expect(calls.map((c) => c.name)).toEqual(["developer__shell", "developer__shell"])
      expect(calls[0]!.params.command).toBe("ls")
      expect(calls[1]!.params.command).toMatch(/^ls /)
      expect(new Set(calls.map((c) => c.id)).size).toBe(2)
    })

    it("GLM via Mistral: a second delta repeating name \"\" keeps the name", async () => {
      const collected = await replay("vercel-mistral-glm-incremental-tool-call.sse")
      const [raw] = rawCalls(collected)
      const calls = success(await decodeCalls(collected, make(edition.anyArguments(raw!.function!.name!))))
      expect(calls).toHaveLength(1)
      expect(typeof calls[0]!.params).toBe("object")
    })

    it("non-streaming recorded replies decode with Toolkit.decodeCalls", async () => {
      for (const file of ["pyd-mistral-small-tool-call.json", "pyd-claude45-tool-call-optional-params.json"]) {
        const response = JSON.parse(readRecorded(file)) as Response
        const raws = rawCalls(response)
        expect(raws.length).toBeGreaterThan(0)
        const toolkit = make(...raws.map((raw) => edition.anyArguments(raw.function!.name!)))
        const calls = success(await decodeCalls(response, toolkit))
        expect(calls.map((c) => c.params)).toEqual(raws.map((raw) => JSON.parse(raw.function!.arguments || "{}")))
      }
    })

    it("every recorded tool-call stream folds into calls that parse", async () => {
      for (
        const file of [
          "goose-tetrate-claude-tool-call-no-finish-field.sse",
          "vercel-alibaba-qwen3max-tool-call.sse",
          "vercel-groq-tool-call-x-groq.sse",
          "vercel-xai-grok3mini-reasoning-tool-call.sse",
          "vercel-anthropic-compat-tool-call-index1.sse"
        ]
      ) {
        const collected = await replay(file)
        const raws = rawCalls(collected)
        expect([file, raws.length > 0]).toEqual([file, true])
        const names = [...new Set(raws.map((raw) => raw.function!.name!))]
        const calls = success(await decodeCalls(collected, make(...names.map(edition.anyArguments))))
        expect(calls).toHaveLength(raws.length)
      }
    })
  })
}
