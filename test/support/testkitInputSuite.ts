/**
 * The test kit never throws on arguments it cannot read, shared by both editions
 * (`test/testkit-input.test.ts`, `effect4/test/testkit-input.test.ts`): every `Testing` builder and
 * script, `Testing.layerWithConfig`, `TestServer.listen` and `TestServer.make`, called with
 * `undefined`, `null`, `"x"`, `42`, `{}`, `[]` and a `Proxy` whose traps throw where each argument
 * goes. A reply built from an argument it cannot read is the emulator's 500 whose message names the
 * argument; `TestServer.listen` rejects with an `Error` naming the option; anything else is answered.
 */
import type * as Types from "../../src/internal/emulator/types.js"
import { throwingAt, throwingProxy } from "./hostileValues.js"
import type { Vitest } from "./suite.js"

/** What an edition hands the table: its `Testing` and `TestServer`, and requests through them. */
export interface Kit extends Vitest {
  readonly edition: "effect3" | "effect4"
  /** The edition's `Testing` module, called with values its types do not allow. */
  readonly testing: { readonly [name: string]: unknown }
  /** `Testing.jsonAnswer(schema, value, options)` with a Schema of the edition and a value that fits it. */
  readonly jsonAnswer: (options: unknown) => Types.Reply<unknown>
  /** `Testing.finalAnswer(schema, value, options)`, likewise. */
  readonly finalAnswer: (options: unknown) => (request: Types.RecordedRequest, index: number) => Types.Reply<unknown>
  /** `TestServer.listen(script, options)`, closed once it listens. */
  readonly listen: (script: unknown, options: unknown) => Promise<void>
  /** A POST to `/chat/completions` through `Testing.layerWithConfig(script, options)`'s HttpClient. */
  readonly viaLayerWithConfig: (script: unknown, options: unknown) => Promise<Answered>
  /** A POST to `/chat/completions` of a server started by `TestServer.make(script, options)`. */
  readonly viaMake: (script: unknown, options: unknown) => Promise<Answered>
}

/** A response as the client read it, or the messages of the error reading it failed with. */
export type Answered = { readonly status: number; readonly text: string } | { readonly failure: string }

/** The messages of an error and of its causes, for a row to find the kit's words in. */
export const messagesOf = (error: unknown): string => {
  const messages: Array<string> = []
  let current = error
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const { cause, message } = current as { readonly cause?: unknown; readonly message?: unknown }
    if (typeof message === "string") messages.push(message)
    current = cause
  }
  return messages.join(" <- ")
}

/** The status and text of an answer, failing the row when reading it failed. */
const answered = (answer: Answered): { readonly status: number; readonly text: string } => {
  if ("failure" in answer) throw new Error(`the response failed: ${answer.failure}`)
  return answer
}

/** The hostile values, by the name a row's title shows. */
const values: ReadonlyArray<readonly [string, () => unknown]> = [
  ["undefined", () => undefined],
  ["null", () => null],
  ["\"x\"", () => "x"],
  ["42", () => 42],
  ["{}", () => ({})],
  ["[]", () => []],
  ["a throwing Proxy", throwingProxy]
]

/** How a message shows each value (`got ...`). */
const shown: Readonly<Record<string, string>> = {
  undefined: "undefined",
  null: "null",
  "\"x\"": "\"x\"",
  "42": "42",
  "{}": "an object",
  "[]": "an array",
  "a throwing Proxy": "an object"
}

/** A row's outcome for one value: the 500's message, or `ok` (an answer that is not the emulator's 500). */
type Outcome = string | "ok"

/** The outcomes of an object argument: `undefined` (when optional) and `{}` are answered. */
const objectArgument = (who: string, name: string, optional: boolean): (value: string) => Outcome => (value) => {
  if (value === "{}" || (value === "undefined" && optional)) return "ok"
  if (value === "a throwing Proxy") return `${who}: reading ${name} threw: ownKeys trap`
  return `${who}: ${name} must be an object, got ${shown[value]}`
}

const options = (who: string) => objectArgument(who, "options", true)

/** The outcomes of an argument of one kind (`kind`): values of that kind (`accepted`) are answered. */
const kindArgument =
  (who: string, name: string, kind: string, accepted: ReadonlyArray<string>) => (value: string): Outcome =>
    accepted.includes(value) ? "ok" : `${who}: ${name} must be ${kind}, got ${shown[value]}`

const request: Types.RecordedRequest = {
  method: "POST",
  path: "/api/v1/chat/completions",
  url: "http://127.0.0.1/api/v1/chat/completions",
  headers: {},
  body: { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] },
  text: "{}"
}

/** The emulator's own 500 message in a Reply's or response's body text, if it is one. */
const emulatorProblem = (status: number, text: string): string | undefined => {
  if (status !== 500) return undefined
  const body = JSON.parse(text) as { error?: { message?: string; metadata?: { emulator?: boolean } } }
  return body.error?.metadata?.emulator === true ? body.error.message : undefined
}

const bodyText = (reply: Types.Reply<unknown>): string =>
  [...reply.body].map((piece) => typeof piece === "string" ? piece : "").join("")

export const testkitInputSuite = (kit: Kit): void => {
  const { describe, expect, it } = kit
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the rows call each export with values its types refuse
  const Testing = kit.testing as Record<string, (...args: Array<any>) => any>
  const ok: Types.Reply<unknown> = Testing.completion!({ content: "fine" })
  const script = (f: (request: Types.RecordedRequest, index: number) => Types.Reply<unknown>) => f(request, 0)
  // A duration both editions refuse, except `{}`: Effect 4 reads it as a `DurationObject` of zero.
  const durationAccepted = kit.edition === "effect4" ? ["42", "{}"] : ["42"]

  /** Each function, how it is called with the hostile value, and what it answers for each value. */
  const rows: ReadonlyArray<
    readonly [string, (value: unknown) => Types.Reply<unknown>, (value: string) => Outcome]
  > = [
    ["completion(v)", (v) => Testing.completion!(v), options("Testing.completion")],
    ["stream(v)", (v) => Testing.stream!(v), options("Testing.stream")],
    ["error(500, v)", (v) => Testing.error!(500, v), options("Testing.error")],
    ["error(v)", (v) => Testing.error!(v), kindArgument("Testing.error", "status", "a number", ["42"])],
    [
      "midStreamError(v)",
      (v) => Testing.midStreamError!(v),
      objectArgument("Testing.midStreamError", "options", false)
    ],
    ["truncated(v)", (v) => Testing.truncated!(v), objectArgument("Testing.truncated", "options", false)],
    ["reset(v)", (v) => Testing.reset!(v), objectArgument("Testing.reset", "options", false)],
    ["hang(v)", (v) => Testing.hang!(v), options("Testing.hang")],
    ["raw(v)", (v) => Testing.raw!(v), options("Testing.raw")],
    ["sse([], v)", (v) => Testing.sse!([], v), options("Testing.sse")],
    ["sse(v)", (v) => Testing.sse!(v), (value) =>
      value === "a throwing Proxy"
        ? "Testing.sse: reading events threw: get trap"
        : kindArgument("Testing.sse", "events", "iterable", ["\"x\"", "[]"])(value)],
    ["streamOf(v)", (v) => Testing.streamOf!(v), objectArgument("Testing.streamOf", "body", false)],
    ["streamOf({}, v)", (v) => Testing.streamOf!({}, v), options("Testing.streamOf")],
    [
      "withHeaders(reply, v)",
      (v) => Testing.withHeaders!(ok, v),
      objectArgument("Testing.withHeaders", "headers", false)
    ],
    ["withHeaders(v, {})", (v) => Testing.withHeaders!(v, {}), (value) =>
      value === "{}"
        ? "Testing.withHeaders: status must be a number, got undefined"
        : objectArgument("Testing.withHeaders", "the reply", false)(value)],
    [
      "delay(reply, v)",
      (v) => Testing.delay!(ok, v),
      kindArgument("Testing.delay", "duration", "a duration", durationAccepted)
    ],
    [
      "raw({ body: [pause(v)] })",
      (v) => Testing.raw!({ body: ["a", Testing.pause!(v)] }),
      (value) =>
        durationAccepted.includes(value)
          ? "ok"
          : `Testing.raw: options.body holds a Pause: Testing.pause: duration must be a duration, got ${shown[value]}`
    ],
    ["replyTo(v, request, 0)", (v) => Testing.replyTo!(v, request, 0), (value) => {
      const who = "the emulator script's reply to request #1"
      if (value === "[]") return "no scripted answer for request #1 (the script has 0)"
      if (value === "{}") return `${who}: status must be a number, got undefined`
      if (value === "a throwing Proxy") return `${who}: reading the reply threw: ownKeys trap`
      return `${who}: the reply must be an object, got ${shown[value]}`
    }],
    ["emulator(v, 0)", (v) => Testing.emulator!(v, 0), objectArgument("Testing.emulator", "the request", false)],
    ["emulatorWith(v)", (v) => script(Testing.emulatorWith!(v)), options("Testing.emulatorWith")],
    [
      "callTools(v)",
      (v) => script(Testing.callTools!(v)),
      (value) => kindArgument("Testing.callTools", "calls", "an array", ["[]"])(value)
    ],
    ["callTools([], v)", (v) => script(Testing.callTools!([], v)), options("Testing.callTools")],
    ["answer(v)", (v) => script(Testing.answer!(v)), kindArgument("Testing.answer", "content", "a string", ["\"x\""])],
    ["answer(\"a\", v)", (v) => script(Testing.answer!("a", v)), options("Testing.answer")],
    ["rounds(v)", (v) => script(Testing.rounds!(v)), (value) =>
      value === "[]"
        ? "no scripted answer for round #1 (the script has 0)"
        : `Testing.rounds: the script must be an array, got ${shown[value]}`],
    [
      "notJsonAnswer(v)",
      (v) => Testing.notJsonAnswer!(v),
      kindArgument("Testing.notJsonAnswer", "text", "a string", ["undefined", "\"x\""])
    ],
    ["notJsonAnswer(undefined, v)", (v) => Testing.notJsonAnswer!(undefined, v), options("Testing.notJsonAnswer")],
    [
      "mismatchedAnswer(v)",
      (v) => Testing.mismatchedAnswer!(v),
      (value) =>
        value === "a throwing Proxy" ? "Testing.mismatchedAnswer: json cannot be written as JSON: get trap" : "ok"
    ],
    ["mismatchedAnswer(1, v)", (v) => Testing.mismatchedAnswer!(1, v), options("Testing.mismatchedAnswer")],
    [
      "refusalAnswer(v)",
      (v) => Testing.refusalAnswer!(v),
      kindArgument("Testing.refusalAnswer", "refusal", "a string", ["undefined", "\"x\""])
    ],
    ["refusalAnswer(undefined, v)", (v) => Testing.refusalAnswer!(undefined, v), options("Testing.refusalAnswer")],
    [
      "lengthCutAnswer(v)",
      (v) => Testing.lengthCutAnswer!(v),
      kindArgument("Testing.lengthCutAnswer", "text", "a string", ["undefined", "\"x\""])
    ],
    [
      "lengthCutAnswer(undefined, v)",
      (v) => Testing.lengthCutAnswer!(undefined, v),
      options("Testing.lengthCutAnswer")
    ],
    ["jsonAnswer(schema, value, v)", (v) => kit.jsonAnswer(v), options("Testing.jsonAnswer")],
    ["finalAnswer(schema, value, v)", (v) => script(kit.finalAnswer(v)), options("Testing.finalAnswer")]
  ]

  describe("Testing with arguments it cannot read: the emulator's 500 naming the argument, never a throw", () => {
    for (const [name, call, outcome] of rows) {
      for (const [value, make] of values) {
        const expected = outcome(value)
        it(`Testing.${name} with ${value}: ${expected === "ok" ? "answered" : "the 500"}`, async () => {
          const reply = call(make())
          const problem = emulatorProblem(reply.status, bodyText(reply))
          if (expected === "ok") expect(problem).toBeUndefined()
          else expect(problem).toBe(expected)
        })
      }
    }

    it("options with a getter that throws: read once, the 500 carries what it threw", async () => {
      for (const [name, build] of [["completion", Testing.completion!], ["stream", Testing.stream!]] as const) {
        const reply = build(throwingAt({ content: "a" }, "headers"))
        expect(emulatorProblem(reply.status, bodyText(reply))).toBe(`Testing.${name}: reading options threw: no`)
      }
      const rejected = await kit.listen(ok, throwingAt({}, "port")).then(() => undefined, (e: unknown) => e)
      expect((rejected as Error).message).toBe("TestServer.listen: reading options threw: no")
    })

    it("Testing.roundOf of a request it cannot read is round 0", async () => {
      for (const [, make] of values) expect(Testing.roundOf!(make())).toBe(0)
    })

    it("Testing.replyTo answers the 500 for a reply whose durations it cannot read", async () => {
      for (const field of ["headersDelay", "keepAliveEvery"]) {
        const reply = Testing.replyTo!({ ...ok, [field]: "soon" }, request, 2)
        expect(emulatorProblem(reply.status, bodyText(reply))).toBe(
          `the emulator script's reply to request #3: ${field} must be a duration, got "soon"`
        )
      }
    })
  })

  describe("Testing.layerWithConfig with options it cannot read: its emulator answers the 500", () => {
    for (const [value, make] of values) {
      const expected = options("Testing.layerWithConfig")(value)
      it(`options ${value}: ${expected === "ok" ? "answered" : "the 500"}`, async () => {
        const { status, text } = answered(await kit.viaLayerWithConfig(ok, make()))
        if (expected === "ok") expect(status).toBe(200)
        else expect(emulatorProblem(status, text)).toBe(expected)
      })
    }
  })

  describe("a script that gives no Reply: both transports answer the 500 naming it", () => {
    const expected: Readonly<Record<string, string>> = {
      "[]": "no scripted answer for request #1 (the script has 0)",
      "{}": "the emulator script's reply to request #1: status must be a number, got undefined",
      "a throwing Proxy": "the emulator script's reply to request #1: reading the reply threw: ownKeys trap"
    }
    for (const [value, make] of values) {
      const problem = expected[value] ??
        `the emulator script's reply to request #1: the reply must be an object, got ${shown[value]}`
      it(`script ${value}, in-process (Testing.layer)`, async () => {
        const { status, text } = answered(await kit.viaLayerWithConfig(make(), undefined))
        expect(emulatorProblem(status, text)).toBe(problem)
      })
      it(`script ${value}, over a socket (TestServer)`, async () => {
        const { status, text } = answered(await kit.viaMake(make(), undefined))
        expect(emulatorProblem(status, text)).toBe(problem)
      })
    }

    it("a lazy body reaching a Pause it cannot read fails there, naming it (in-process)", async () => {
      const body = {
        *[Symbol.iterator]() {
          yield "data: {}\n\n"
          yield Testing.pause!("soon")
        }
      }
      const outcome = await kit.viaLayerWithConfig(Testing.raw!({ body }), undefined)
      expect("failure" in outcome && outcome.failure).toContain(
        "Testing.pause: duration must be a duration, got \"soon\""
      )
    })
  })

  describe("TestServer with options it cannot read", () => {
    const cases: ReadonlyArray<readonly [string, () => unknown, string | undefined]> = [
      ...values.map(([value, make]) => {
        const expected = options("TestServer.listen")(value)
        return [
          `options ${value}`,
          make,
          expected === "ok" ? undefined : expected.slice("TestServer.listen: ".length)
        ] as const
      }),
      ["port -1", () => ({ port: -1 }), "options.port must be an integer from 0 to 65535, got -1"],
      ["port \"x\"", () => ({ port: "x" }), "options.port must be an integer from 0 to 65535, got \"x\""],
      ["host 42", () => ({ host: 42 }), "options.host must be a string, got 42"],
      ["cors null", () => ({ cors: null }), "options.cors must be an object, got null"],
      [
        "cors origins 42",
        () => ({ cors: { allowedOrigins: 42 } }),
        "options.cors.allowedOrigins must be iterable, got 42"
      ],
      [
        "cors origin 42",
        () => ({ cors: { allowedOrigins: [42] } }),
        "options.cors.allowedOrigins[] must be a string, got 42"
      ]
    ]
    for (const [title, make, problem] of cases) {
      it(`listen, ${title}: ${problem === undefined ? "listens" : "rejects with an Error naming it"}`, async () => {
        const outcome = await kit.listen(ok, make()).then(() => undefined, (e: unknown) => e)
        if (problem === undefined) expect(outcome).toBeUndefined()
        else {
          expect(outcome instanceof Error).toBe(true)
          expect((outcome as Error).message).toBe(`TestServer.listen: ${problem}`)
        }
      })

      it(`make, ${title}: ${problem === undefined ? "answers" : "its server answers the 500 naming it"}`, async () => {
        const { status, text } = answered(await kit.viaMake(ok, make()))
        if (problem === undefined) expect(status).toBe(200)
        else expect(emulatorProblem(status, text)).toBe(`TestServer.make: ${problem}`)
      })
    }
  })
}
