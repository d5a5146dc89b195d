/**
 * The sweep of every public export with hostile values, shared by both editions
 * (`test/exportSweep.test.ts`, `effect4/test/exportSweep.test.ts`): the modules are read at run time
 * from the edition's `package.json` `exports`, and every function export is called with each hostile
 * value (and `fast-check`'s `anything()`) in its first and in its second argument position. A call must
 * not throw; what it returns must end well when it is run (the edition's `settle`: an Effect, a Stream
 * or a Layer ends in a success or a typed failure, never a defect nor a hang; a Promise settles, a
 * rejection only with an `Error`). Effect-free: the edition passes how to import a module, how to run
 * what a function returned, and the values only its Effect builds.
 */
import * as fc from "fast-check"
import { anyValue, throwingAt, throwingProxy } from "./hostileValues.js"
import type { Vitest } from "./suite.js"

/** What a function's returned value did when the edition ran it: `fault` says what went wrong, if anything. */
export interface Settled {
  /** What it was: `"Effect"`, `"Stream"`, `"Layer"`, `"Promise"` or `"value"`. */
  readonly kind: string
  readonly fault?: string
}

/** What the sweep takes from an edition. */
export interface SweepEdition extends Vitest {
  readonly edition: "effect3" | "effect4"
  /** The edition's `package.json` (its `exports` name the modules). */
  readonly packageJson: { readonly exports: Readonly<Record<string, unknown>> }
  /** Imports `src/<name>.ts` of the edition (`index` for `"."`). */
  readonly importModule: (name: string) => Promise<Readonly<Record<string, unknown>>>
  /**
   * Runs what a function returned if it is an Effect, a Stream or a Layer (with the test kit's emulator
   * for `OpenRouterConfig` and `HttpClient`, bounded in time); `undefined` for any other value.
   */
  readonly settle: (value: unknown) => Promise<Settled | undefined>
  /** Waits for `promise` within the same bound: `undefined` if it has not settled by then. */
  readonly within: <A>(promise: Promise<A>) => Promise<A | undefined>
  /**
   * Why an export that is a function is not called, for the exports the edition's idiom makes callable
   * values that are not functions to call (a Schema, a Context service): `undefined` for the others.
   */
  readonly notCallable: (value: unknown) => string | undefined
  /**
   * The plausible first argument of each function taking two or more that only the edition's Effect
   * builds, so that the hostile second one is read (a function after a bad first argument may never
   * look at its second).
   */
  readonly firstArguments: Readonly<Record<string, unknown>>
  /** The edition's own exemptions: `"Module.name"` and why it is not called. */
  readonly exempt: Readonly<Record<string, string>>
  /**
   * Values `settle` must judge (the check of the sweep itself): a label, the value, and whether it is a
   * fault: a dying Effect, Stream and Layer, one that never ends, and ones failing with a typed error.
   */
  readonly controls: ReadonlyArray<readonly [string, () => unknown, boolean]>
  readonly fixes: SweepFixes
}

/** How a call the fixes' tests run ended (a defect, or any cause but one failure, rejects instead). */
export type Ended =
  | { readonly ok: true; readonly value: unknown }
  | {
    readonly ok: false
    /** The error's tag (an `AiError` of `effect/ai` 4: `AiError.<reason's tag>`). */
    readonly tag: string
    /** An `InvalidRequestError`'s issues. */
    readonly issues: ReadonlyArray<{ readonly path: string; readonly message: string }>
  }

/**
 * The functions of this helper's modules the sweep found throwing or dying, as each edition runs them
 * (Effects run to an {@link Ended}; `Structured.*` with the Schema `{ answer: string }`).
 */
export interface SweepFixes {
  readonly hasContent: (chunk: unknown) => boolean
  /** `Client.parseRetryAfter(headers, 0)` in milliseconds. */
  readonly parseRetryAfter: (headers: unknown) => number | undefined
  /** `Chat.collect` of a value that is not a Stream. */
  readonly collectValue: (value: unknown) => Promise<Ended>
  /** `Chat.collect` of a Stream of these chunks. */
  readonly collectChunks: (chunks: ReadonlyArray<unknown>) => Promise<Ended>
  readonly decode: (response: unknown, options?: unknown) => Promise<Ended>
  readonly responseFormat: (options: unknown) => Ended
  /** `OpenRouterLanguageModel.fromResponseParts(parts).content` as JSON. */
  readonly fromResponseParts: (parts: unknown) => unknown
  /** The edition's text part of a response (`Response.makePart("text", { text })`). */
  readonly textPart: (text: string) => object
  /**
   * `LanguageModel.generateText` under `OpenRouterLanguageModel.withConfigOverride(overrides)`, against
   * the in-process emulator: how it ended, and how many requests the emulator saw.
   */
  readonly generateWithOverride: (overrides: unknown) => Promise<{ readonly ended: Ended; readonly sent: number }>
}

/** The error each edition's provider fails with for a request it cannot build from the config. */
const unreadableConfig = { effect3: "MalformedInput", effect4: "AiError.InvalidUserInputError" } as const

/** The first line of a printed cause or error: a fault is one line of the sweep's list. */
export const firstLine = (text: string): string => text.split("\n", 1)[0] ?? ""

const request = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }
const toolCall = { id: "call_1", type: "function", function: { name: "echo", arguments: "{}" } }

/**
 * The plausible first arguments of the functions taking two or more that need no Effect to build (the
 * edition adds the others: Schemas, Effects, replies, toolkits).
 */
const firstArguments: Readonly<Record<string, unknown>> = {
  "Chat.send": request,
  "Chat.stream": request,
  "Client.parseRetryAfter": { "retry-after": "1" },
  "Errors.fromStatus": 429,
  "Generation.get": "gen-1",
  "OpenRouterLanguageModel.model": "openai/gpt-4o",
  "Retry.backoff": { _tag: "Backoff", baseDelay: "1 second", factor: 2, maxDelay: "10 seconds" },
  "Testing.answer": "hi",
  "Testing.callTools": [{ name: "echo", arguments: {} }],
  "Testing.error": 500,
  "Testing.lengthCutAnswer": "cut",
  "Testing.mismatchedAnswer": "{}",
  "Testing.notJsonAnswer": "not json",
  "Testing.refusalAnswer": "no",
  "Testing.sse": [{ choices: [] }],
  "Testing.streamOf": { choices: [{ index: 0, message: { role: "assistant", content: "hi" } }] },
  "Tool.make": "echo",
  "ToolLoop.run": request,
  "ToolLoop.stream": request,
  "Toolkit.decodeCall": toolCall,
  "Toolkit.decodeCalls": [toolCall]
}

/**
 * Exports both editions leave uncalled, each with its reason (none today). What the sweep never calls,
 * by kind, and why:
 * - classes (`class ...`: the tagged errors, Effect 3's Schema classes, the Context services): built
 *   with `new`, never called;
 * - what the edition's `notCallable` names: a Schema (Effect 4's Schemas are callable values of
 *   Effect's own API), a Context tag or key (Effect 4's `Tool.Strict`), and in Effect 3 a `Metric`
 *   (calling one applies it to an Effect, Effect's API, not this package's);
 * - exports that are not functions (constants, Metrics in Effect 4), and the root's namespaces (each is
 *   swept as its own module);
 * - the functions a function returns (a data-last `dual`, a script): the sweep calls the exports.
 */
const exempt: Readonly<Record<string, string>> = {}

const hostile: ReadonlyArray<readonly [string, () => unknown]> = [
  ["undefined", () => undefined],
  ["null", () => null],
  ["'x'", () => "x"],
  ["42", () => 42],
  ["{}", () => ({})],
  ["[]", () => []],
  ["a Proxy whose traps throw", throwingProxy]
]

/** `fc.anything()` values per position: bounded, seeded, so a run is fast and repeatable. */
const sampled = (seed: number): ReadonlyArray<unknown> =>
  fc.sample(fc.anything({ ...anyValue, maxDepth: 2 }), { numRuns: 8, seed })

const isClass = (value: object): boolean => {
  try {
    return /^class\b/.test(Function.prototype.toString.call(value))
  } catch {
    return false
  }
}

const show = (error: unknown): string => {
  try {
    return firstLine(error instanceof Error ? `${error.name}: ${error.message}` : String(error))
  } catch {
    return "(unprintable)"
  }
}

const isPromise = (value: unknown): value is Promise<unknown> => {
  try {
    return value instanceof Promise
  } catch {
    // a Proxy whose getPrototypeOf trap throws (a hostile argument handed back) is no Promise
    return false
  }
}

/** How what a function returned ended: the edition runs an Effect, a Stream or a Layer; a Promise is awaited. */
const settle = async (sweep: SweepEdition, value: unknown): Promise<Settled> => {
  const settled = await sweep.settle(value)
  if (settled !== undefined) return settled
  if (!isPromise(value)) return { kind: "value" }
  const kind = "Promise"
  const outcome = await sweep.within(value.then(
    (resolved) => ({ resolved }),
    (rejected: unknown) => ({ rejected })
  ))
  if (outcome === undefined) return { kind, fault: "did not settle in time" }
  if ("rejected" in outcome) {
    return outcome.rejected instanceof Error ? { kind } : { kind, fault: "rejected with a non-Error" }
  }
  // A TestServer it started: closed, so the sweep leaves no socket open.
  const resolved = outcome.resolved as { close?: unknown } | undefined
  if (typeof resolved?.close === "function") await (resolved.close as () => Promise<void>)()
  return { kind }
}

/** The faults of calling `fn` with every hostile value in position 1 and 2: empty when it behaves. */
const faults = async (
  sweep: SweepEdition,
  name: string,
  fn: (...args: ReadonlyArray<unknown>) => unknown
): Promise<ReadonlyArray<string>> => {
  const found: Array<string> = []
  const calls: Array<readonly [string, () => ReadonlyArray<unknown>]> = []
  const first = name in sweep.firstArguments ? sweep.firstArguments[name] : firstArguments[name]
  for (const [label, make] of hostile) {
    calls.push([`(${label})`, () => [make()]])
    calls.push([`(first, ${label})`, () => [first, make()]])
  }
  sampled(7).forEach((value, i) => calls.push([`(anything #${i})`, () => [value]]))
  sampled(8).forEach((value, i) => calls.push([`(first, anything #${i})`, () => [first, value]]))
  for (const [label, args] of calls) {
    let returned: unknown
    try {
      returned = fn(...args())
    } catch (error) {
      found.push(`${name}${label} threw ${show(error)}`)
      continue
    }
    const settled = await settle(sweep, returned)
    if (settled.fault !== undefined) found.push(`${name}${label}: its ${settled.kind} ${settled.fault}`)
  }
  return found
}

/** The sweep: one test per function export of every public module. */
export const exportSweepSuite = (sweep: SweepEdition): void => {
  const { describe, expect, it } = sweep
  // The subpaths that are modules (`"./package.json"` is not).
  const modules = Object.keys(sweep.packageJson.exports).filter((key) => !key.endsWith(".json"))
    .map((key) => key === "." ? "index" : key.slice(2))

  describe(`every public export of the ${sweep.edition} edition, called with hostile values`, () => {
    it("the package's exports name the modules swept", async () => {
      expect(modules).toContain("index")
      expect(modules).toContain("Chat")
      expect(modules.length).toBeGreaterThan(10)
    })

    it("the sweep tells a fault from a good end (its own check)", async () => {
      const controls: ReadonlyArray<readonly [string, () => unknown, boolean]> = [
        ...sweep.controls,
        ["a plain value", () => 1, false],
        ["a Promise rejecting with an Error", () => Promise.reject(new Error("no")), false],
        ["a Promise rejecting with a string", () => Promise.reject("no"), true],
        ["a Promise resolving", () => Promise.resolve(1), false]
      ]
      for (const [label, make, faulty] of controls) {
        const settled = await settle(sweep, make())
        expect([label, settled.fault !== undefined]).toEqual([label, faulty])
      }
      const thrower = () => {
        throw new Error("no")
      }
      expect((await faults(sweep, "control.thrower", thrower))[0]).toBe("control.thrower(undefined) threw Error: no")
    })

    it("every exemption names an export that exists", async () => {
      const names = new Set<string>()
      for (const module of modules) {
        for (const key of Object.keys(await sweep.importModule(module))) names.add(`${module}.${key}`)
      }
      for (const name of [...Object.keys(exempt), ...Object.keys(sweep.exempt)]) {
        expect([name, names.has(name)]).toEqual([name, true])
      }
    })

    for (const module of modules) {
      it(`${module}: every function export ends as a value, a success or a typed failure`, async () => {
        const namespace = await sweep.importModule(module)
        const found: Array<string> = []
        for (const [key, value] of Object.entries(namespace)) {
          const name = `${module}.${key}`
          if (typeof value !== "function" || isClass(value)) continue
          if (name in exempt || name in sweep.exempt || sweep.notCallable(value) !== undefined) continue
          if (module === "index" && modules.includes(key)) continue
          if (value.length >= 2 && !(name in sweep.firstArguments) && !(name in firstArguments)) {
            found.push(`${name} takes ${value.length} arguments: give firstArguments a plausible first`)
          }
          found.push(...(await faults(sweep, name, value as (...args: ReadonlyArray<unknown>) => unknown)))
        }
        expect(found).toEqual([])
      }, 120_000)
    }
  })

  describe(`what the sweep found in Chat, Client, Structured and OpenRouterLanguageModel (${sweep.edition})`, () => {
    const { fixes } = sweep
    const unreadable: ReadonlyArray<readonly [string, () => unknown]> = [
      ...hostile.filter(([label]) => label !== "{}"),
      ["an object whose choices getter throws", () => throwingAt({ choices: [] }, "choices")]
    ]
    const chunk = (content: string) => ({ id: "gen-1", choices: [{ index: 0, delta: { content } }] })
    const issueOf = (ended: Ended) => ended.ok ? "succeeded" : `${ended.tag} ${JSON.stringify(ended.issues)}`

    it("Chat.hasContent: a value it cannot read as a chunk has no content; a chunk with text has", async () => {
      for (const [label, make] of [...unreadable, ["{}", () => ({})] as const]) {
        expect([label, fixes.hasContent(make())]).toEqual([label, false])
      }
      expect(fixes.hasContent(chunk("a"))).toBe(true)
      expect(fixes.hasContent({ choices: [{ index: 0, delta: {} }] })).toBe(false)
    })

    it("Client.parseRetryAfter: headers it cannot read ask for no delay; readable ones still do", async () => {
      for (const [label, make] of unreadable) {
        expect([label, fixes.parseRetryAfter(make())]).toEqual([label, undefined])
      }
      expect(fixes.parseRetryAfter(throwingAt({ "retry-after": "2" }, "retry-after-ms"))).toBeUndefined()
      expect(fixes.parseRetryAfter({ "retry-after": "2" })).toBe(2000)
    })

    it("Chat.collect of a value that is not a Stream: InvalidRequestError at stream", async () => {
      for (const [label, make] of [...unreadable, ["{}", () => ({})] as const]) {
        expect([label, issueOf(await fixes.collectValue(make()))]).toEqual([
          label,
          `InvalidRequestError ${JSON.stringify([{ path: "stream", message: "must be a Stream of chat chunks" }])}`
        ])
      }
    })

    it("Chat.collect of a Stream with a chunk it cannot read: InvalidRequestError at stream naming why", async () => {
      for (
        const [label, bad, why] of [
          ["null", null, "Cannot read properties of null"],
          ["a Proxy whose traps throw", throwingProxy(), "trap"],
          ["a chunk whose choices getter throws", throwingAt(chunk("b"), "choices"), "no"]
        ] as const
      ) {
        const ended = await fixes.collectChunks([chunk("a"), bad])
        expect([label, ended.ok]).toEqual([label, false])
        if (ended.ok) continue
        expect(ended.tag).toBe("InvalidRequestError")
        expect(ended.issues.map((i) => i.path)).toEqual(["stream"])
        expect(ended.issues[0]?.message).toMatch(/^has a chunk that cannot be read: /)
        expect(ended.issues[0]?.message).toContain(why)
      }
      const ended = await fixes.collectChunks([chunk("a"), chunk("b")])
      expect(
        ended.ok && (ended.value as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content
      )
        .toBe("ab")
    })

    const answered = {
      id: "gen-1",
      object: "chat.completion",
      created: 1,
      model: "openai/gpt-4o",
      choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: `{"answer":"yes"}` } }]
    }

    it("Structured.decode of a response or options it cannot read: InvalidRequestError naming which", async () => {
      const rows: ReadonlyArray<readonly [string, unknown, unknown, string, RegExp]> = [
        ["undefined as the response", undefined, undefined, "response", /^must be a chat response \(an object\)$/],
        ["null as the response", null, undefined, "response", /^must be a chat response/],
        ["42 as the response", 42, undefined, "response", /^must be a chat response/],
        ["[] as the response", [], undefined, "response", /^must be a chat response/],
        ["{} as the response", {}, undefined, "response", /^cannot be read as a chat response: /],
        [
          "a Proxy as the response",
          throwingProxy(),
          undefined,
          "response",
          /^cannot be read as a chat response: get trap$/
        ],
        ["a Proxy as the options", answered, throwingProxy(), "options", /^cannot be read: ownKeys trap$/],
        ["42 as the options", answered, 42, "options", /^must be an object, got 42$/]
      ]
      for (const [label, response, options, path, message] of rows) {
        const ended = await fixes.decode(response, options)
        expect([label, ended.ok ? "succeeded" : ended.tag]).toEqual([label, "InvalidRequestError"])
        if (ended.ok) continue
        expect([label, ended.issues.map((i) => i.path)]).toEqual([label, [path]])
        expect(ended.issues[0]?.message).toMatch(message)
      }
      expect(await fixes.decode(answered, { extract: "exact" })).toEqual({ ok: true, value: { answer: "yes" } })
    })

    it("Structured.responseFormat with options it cannot read: InvalidRequestError at options", async () => {
      expect(issueOf(fixes.responseFormat(throwingProxy()))).toBe(
        `InvalidRequestError ${JSON.stringify([{ path: "options", message: "cannot be read: ownKeys trap" }])}`
      )
      expect(issueOf(fixes.responseFormat("x"))).toBe(
        `InvalidRequestError ${JSON.stringify([{ path: "options", message: `must be an object, got "x"` }])}`
      )
      const named = fixes.responseFormat({ name: "answer" })
      expect(named.ok && (named.value as { json_schema: { name: string } }).json_schema.name).toBe("answer")
    })

    it("OpenRouterLanguageModel.fromResponseParts leaves out what it cannot read, keeps the rest", async () => {
      const empty = fixes.fromResponseParts([])
      for (const [label, make] of [...unreadable, ["{}", () => ({})] as const]) {
        expect([label, fixes.fromResponseParts(make())]).toEqual([label, empty])
      }
      const good = fixes.textPart("kept")
      const kept = fixes.fromResponseParts([good])
      expect(JSON.stringify(kept)).toContain("kept")
      expect(
        fixes.fromResponseParts([null, good, 42, throwingProxy(), throwingAt({ ...good }, "text"), { type: 1 }])
      ).toEqual(kept)
    })

    it("OpenRouterLanguageModel.withConfigOverride with overrides it cannot read: the provider's typed error, nothing sent", async () => {
      const { ended, sent } = await fixes.generateWithOverride(throwingProxy())
      expect(ended.ok ? "succeeded" : ended.tag).toBe(unreadableConfig[sweep.edition])
      expect(sent).toBe(0)
      const readable = await fixes.generateWithOverride({ temperature: 0.5 })
      expect(readable.ended.ok).toBe(true)
      expect(readable.sent).toBe(1)
    })
  })
}
