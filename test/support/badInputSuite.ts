/**
 * The body of the bad-input test of `Errors`, `Retry` and `Schema`, shared by both editions
 * (`test/badInput.test.ts`, `effect4/test/badInput.test.ts`): every exported function of the three,
 * called with `undefined`, `null`, a string, a number, `{}`, `[]` and a `Proxy` whose traps throw, answers
 * with a value, never a throw. Predicates and readers answer "no" / `undefined` / a neutral description;
 * `Errors.fromStatus` builds an error; `Retry.make` / `Retry.fromSchedule` build a policy that `Chat.send`
 * refuses with an `InvalidRequestError` naming the problem, nothing sent, and that `Retry.retry` /
 * `Retry.toSchedule` never retry with; the decoders fail. Effect-free: each edition passes its
 * {@link BadInputEdition}.
 */
import { throwingAt, throwingProxy } from "./hostileValues.js"
import type { Vitest } from "./suite.js"

type Fn = (...args: ReadonlyArray<never>) => unknown

/** The pieces of an edition the body calls, typed loosely: the point is to call them with anything. */
export interface BadInputEdition {
  /** Effect's major version: a column of {@link firstTrap}. */
  readonly major: 3 | 4
  readonly Errors: {
    readonly isRetryable: Fn
    readonly isRetryableStatus: Fn
    readonly isStatusError: Fn
    readonly retryAfter: Fn
    readonly describeStatus: Fn
    readonly fromStatus: Fn
  }
  readonly Retry: {
    readonly make: Fn
    readonly fromSchedule: Fn
    readonly backoff: Fn
    readonly isTransient: Fn
    readonly defaultPolicy: unknown
  }
  /** A `Schedule` (any): the valid first argument of `Retry.fromSchedule`. */
  readonly schedule: unknown
  /** `Duration.seconds`. */
  readonly seconds: (n: number) => unknown
  /** `Duration.toMillis`. */
  readonly millis: (duration: unknown) => number
  /** `Schema.decodeChatResponse`, ... by name. */
  readonly decoders: Readonly<Record<Decoder, Fn>>
  /** The message of a decoder's failure (`Either` / `Result`), `undefined` for a success. */
  readonly failureMessage: (result: unknown) => string | undefined
  /**
   * Runs an effect that fails with a 500 every time, under `Retry.retry(effect, policy)` (`"retry"`) or
   * `Effect.retry(effect, Retry.toSchedule(policy))` (`"toSchedule"`): how many attempts were made and
   * the `attempts` the failure records (the valid policies here wait zero between attempts).
   */
  readonly attempts: (
    via: "retry" | "toSchedule",
    policy: unknown
  ) => Promise<{ readonly made: number; readonly recorded: number | undefined }>
  /**
   * `Chat.send` in process (`Testing.layer`) with `policy` as its `retry` option (`"option"`) or as the
   * configuration's (`"config"`): the failure's tag and issues, and how many requests went out.
   */
  readonly send: (where: "option" | "config", policy: unknown) => Promise<{
    readonly tag: string | undefined
    readonly issues: ReadonlyArray<{ readonly path: string; readonly message: string }> | undefined
    readonly requests: number
  }>
}

export type Decoder =
  | "decodeChatResponse"
  | "decodeChatStreamChunk"
  | "decodeErrorResponse"
  | "decodeGenerationResponse"
  | "validateRequest"

const call = (f: Fn, ...args: ReadonlyArray<unknown>): unknown =>
  (f as (...a: ReadonlyArray<unknown>) => unknown)(...args)

/** The hostile values every function is called with: [label, value]. */
const hostile = (): ReadonlyArray<readonly [string, unknown]> => [
  ["undefined", undefined],
  ["null", null],
  ["a string", "x"],
  ["a number", 42],
  ["an empty object", {}],
  ["an empty array", []],
  ["a Proxy whose traps throw", throwingProxy()]
]

/**
 * The trap of a throwing `Proxy` the decoders reach first: Effect 3's compiled guards list the keys of an
 * object first, Effect 4's read a field first.
 */
const firstTrap = { 3: "ownKeys trap", 4: "get trap" } as const

/** The words of `optionChecks.ts` for a duration it cannot read. */
const notADuration = (got: string) =>
  `not a duration (a Duration, a number of milliseconds, or a string such as "30 seconds"), got ${got}`

const policyKeys = ["retries", "baseDelay", "factor", "maxDelay", "jitter", "maxRetryAfter", "while"]

/**
 * [what `Retry.make` is given, the options, the problem `Chat.send` names for the policy, after
 * "Retry.make was given invalid options: " (`undefined`: the policy is valid)].
 */
const makeTable = (): ReadonlyArray<readonly [string, unknown, string | undefined]> => [
  ["nothing", undefined, undefined],
  ["an empty object", {}, undefined],
  ["null", null, "expected an options object, got null"],
  ["a string", "x", `expected an options object, got "x"`],
  ["a number", 42, "expected an options object, got 42"],
  ["an array", [], "expected an options object, got an array"],
  [
    "a Proxy whose traps throw",
    throwingProxy(),
    policyKeys.map((key) => `${key}: reading the option threw: get trap`).join("; ")
  ],
  ["a getter that throws", throwingAt({ retries: 1 }, "jitter"), "jitter: reading the option threw: no"],
  ["negative retries", { retries: -1 }, "retries: expected a whole number >= 0, got -1"],
  ["fractional retries", { retries: 1.5 }, "retries: expected a whole number >= 0, got 1.5"],
  ["retries as a string", { retries: "3" }, `retries: expected a whole number >= 0, got "3"`],
  ["jitter above 1", { jitter: 1.5 }, "jitter: expected a number in [0, 1], got 1.5"],
  ["negative jitter", { jitter: -0.1 }, "jitter: expected a number in [0, 1], got -0.1"],
  ["factor below 1", { factor: 0.5 }, "factor: expected a finite number >= 1, got 0.5"],
  ["an infinite factor", { factor: Infinity }, "factor: expected a finite number >= 1, got Infinity"],
  ["a baseDelay that is no duration", { baseDelay: "soon" }, `baseDelay: ${notADuration(`"soon"`)}`],
  [
    "a negative maxDelay",
    { maxDelay: -5 },
    "maxDelay: a duration must be a non-negative number of milliseconds, got -5"
  ],
  ["a maxRetryAfter that is a boolean", { maxRetryAfter: true }, `maxRetryAfter: ${notADuration("true")}`],
  ["a while that is no function", { while: true }, "while: expected a predicate, got true"],
  [
    "two problems",
    { retries: -2, jitter: 2 },
    "retries: expected a whole number >= 0, got -2; jitter: expected a number in [0, 1], got 2"
  ]
]

/** What `Chat.send` does with a policy: sends once, or refuses it naming the constructor's problem. */
const sent = (constructor: string, issue: string | undefined) =>
  issue === undefined
    ? { tag: undefined, issues: undefined, requests: 1 }
    : {
      tag: "InvalidRequestError",
      issues: [{ path: "retry", message: `${constructor} was given invalid options: ${issue}` }],
      requests: 0
    }

const sendOutcome = (issue: string | undefined) => issue === undefined ? "sent" : "InvalidRequestError, nothing sent"

export const badInputSuite = ({ describe, expect, it }: Vitest, edition: BadInputEdition) => {
  const { Errors, Retry } = edition
  const fields = { message: "m", headers: {}, body: null }
  const real429 = call(Errors.fromStatus, 429, { ...fields, retryAfter: edition.seconds(3) })
  const real503 = call(Errors.fromStatus, 503, fields)

  describe("Errors: predicates and readers answer no, never throw", () => {
    // [function, its answer for every hostile value, a real value, its answer for that]
    const table: ReadonlyArray<readonly [keyof BadInputEdition["Errors"], unknown, unknown, unknown]> = [
      ["isRetryable", false, real503, true],
      ["isStatusError", false, real503, true],
      ["retryAfter", undefined, real429, 3000],
      ["describeStatus", "Unknown status", 429, "Too many requests"]
    ]
    for (const [name, expected, yes, answer] of table) {
      for (const [label, value] of hostile()) {
        if (name === "describeStatus" && label === "a number") continue
        it(`Errors.${name}(${label}) is ${String(expected)}`, async () => {
          expect(call(Errors[name], value)).toBe(expected)
        })
      }
      it(`Errors.${name} still answers for a real value`, async () => {
        const got = call(Errors[name], yes)
        // a Duration is compared in milliseconds
        expect(name === "retryAfter" ? edition.millis(got) : got).toBe(answer)
      })
    }

    for (const [label, value] of hostile()) {
      it(`Retry.isTransient(${label}) is false`, async () => {
        expect(call(Retry.isTransient, value)).toBe(false)
      })
      it(`Errors.isRetryableStatus(${label}) is false`, async () => {
        expect(call(Errors.isRetryableStatus, value)).toBe(false)
      })
    }

    for (
      const [label, value, expected] of [
        ["the status 503", 503, true],
        ["the status 409", 409, true],
        ["the status 400", 400, false],
        ["a status as a string", "503", false],
        ["NaN", NaN, false]
      ] as const
    ) {
      it(`Errors.isRetryableStatus(${label}) is ${expected}`, async () => {
        expect(call(Errors.isRetryableStatus, value)).toBe(expected)
      })
    }

    for (
      const [label, value, expected] of [
        ["a number without a class", 42, "HTTP 42"],
        ["NaN", NaN, "HTTP NaN"],
        ["a status as a string", "429", "Unknown status"]
      ] as const
    ) {
      it(`Errors.describeStatus(${label}) is ${expected}`, async () => {
        expect(call(Errors.describeStatus, value)).toBe(expected)
      })
    }

    it("Errors.retryAfter of a look-alike whose retryAfter is no Duration is undefined", async () => {
      expect(call(Errors.retryAfter, { _tag: "TooManyRequestsResponseError", retryAfter: "3 seconds" }))
        .toBeUndefined()
    })

    it("Errors.isRetryable of a look-alike whose availability cannot be read is false", async () => {
      expect(
        call(Errors.isRetryable, throwingAt({ _tag: "ServiceUnavailableResponseError", status: 503 }, "availability"))
      )
        .toBe(false)
    })
  })

  describe("Errors.fromStatus builds an error whatever it is given", () => {
    const shape = (error: unknown) => {
      const e = error as { _tag: string; status: number; message: string; headers: unknown; body: unknown }
      return { _tag: e._tag, status: e.status, message: e.message, headers: e.headers, body: e.body }
    }
    // [label, status, the error's tag and status]
    const statuses: ReadonlyArray<readonly [string, unknown, string, number]> = [
      ["undefined", undefined, "OpenRouterDefaultError", 0],
      ["null", null, "OpenRouterDefaultError", 0],
      ["a string", "x", "OpenRouterDefaultError", 0],
      ["a status as a string", "429", "OpenRouterDefaultError", 0],
      ["NaN", NaN, "OpenRouterDefaultError", 0],
      ["Infinity", Infinity, "OpenRouterDefaultError", 0],
      ["an object", {}, "OpenRouterDefaultError", 0],
      ["a Proxy whose traps throw", throwingProxy(), "OpenRouterDefaultError", 0],
      ["a number that is no HTTP status", 42, "OpenRouterDefaultError", 42],
      ["a status without a class", 418, "OpenRouterDefaultError", 418],
      ["a status with a class", 429, "TooManyRequestsResponseError", 429]
    ]
    for (const [label, status, tag, code] of statuses) {
      it(`status ${label}: ${tag} with status ${code}, the fields kept`, async () => {
        expect(shape(call(Errors.fromStatus, status, fields))).toEqual({ _tag: tag, status: code, ...fields })
      })
    }

    const prefix = "Too many requests (Errors.fromStatus could not use the fields it was given: "
    // [label, fields, what the message says after the prefix: all of it, or (the schema's words, which
    // differ by edition) the field it names]
    const badFields: ReadonlyArray<readonly [string, unknown, { readonly is: string } | { readonly names: string }]> = [
      ["a Proxy whose traps throw", throwingProxy(), { is: "ownKeys trap" }],
      ["a getter that throws", throwingAt(fields, "message"), { is: "no" }],
      ["null (no message)", null, { names: `["message"]` }],
      ["a message that is no string", { ...fields, message: 3 }, { names: `["message"]` }]
    ]
    for (const [label, given, says] of badFields) {
      it(`fields ${label}: the status's class, from the status alone, saying why`, async () => {
        const error = shape(call(Errors.fromStatus, 429, given))
        expect(error).toMatchObject({ _tag: "TooManyRequestsResponseError", status: 429, headers: {}, body: undefined })
        expect(error.message.startsWith(prefix) && error.message.endsWith(")")).toBe(true)
        const words = error.message.slice(prefix.length, -1)
        if ("is" in says) expect(words).toBe(says.is)
        else expect(words).toContain(says.names)
      })
    }
  })

  describe("Retry.make never throws: what it cannot use, Chat.send refuses at the call", () => {
    for (const [label, options, issue] of makeTable()) {
      for (const where of ["option", "config"] as const) {
        it(`${label} (as the ${where}'s retry): ${sendOutcome(issue)}`, async () => {
          expect(await edition.send(where, call(Retry.make, options))).toEqual(sent("Retry.make", issue))
        })
      }
    }

    it("keeps a number out of its range as given, and takes the defaults for what it cannot read", async () => {
      const policy = call(Retry.make, { retries: -1, jitter: 7, factor: 0.5, baseDelay: "soon", while: 3 }) as Record<
        string,
        unknown
      >
      expect([policy.retries, policy.jitter, policy.factor, edition.millis(policy.baseDelay)]).toEqual([
        -1,
        7,
        0.5,
        500
      ])
      expect(policy.while).toBe(Errors.isRetryable)
    })
  })

  describe("Retry.fromSchedule never throws: what it cannot use, Chat.send refuses at the call", () => {
    const cases: ReadonlyArray<readonly [string, unknown, unknown, string | undefined]> = [
      ["a Schedule", edition.schedule, undefined, undefined],
      ["null for the schedule", null, undefined, "schedule: expected a Schedule, got null"],
      ["a Proxy for the schedule", throwingProxy(), undefined, "schedule: expected a Schedule, got an object"],
      ["null options", edition.schedule, null, "expected an options object, got null"],
      [
        "options that are a Proxy",
        edition.schedule,
        throwingProxy(),
        "maxRetryAfter: reading the option threw: get trap; while: reading the option threw: get trap"
      ],
      [
        "a maxRetryAfter that is no duration",
        edition.schedule,
        { maxRetryAfter: "x" },
        `maxRetryAfter: ${notADuration(`"x"`)}`
      ]
    ]
    for (const [label, schedule, options, issue] of cases) {
      it(`${label}: ${sendOutcome(issue)}`, async () => {
        expect(await edition.send("option", call(Retry.fromSchedule, schedule, options)))
          .toEqual(sent("Retry.fromSchedule", issue))
      })
    }
  })

  describe("Retry.backoff never throws: zero for what it cannot compute", () => {
    for (const [label, value] of hostile()) {
      it(`backoff(${label}, 1) is zero`, async () => {
        expect(edition.millis(call(Retry.backoff, value, 1))).toBe(0)
      })
    }
    for (const [label, retry] of [["NaN", NaN], ["-1", -1], ["a string", "1"], ["undefined", undefined]] as const) {
      it(`backoff(defaultPolicy, ${label}) is zero`, async () => {
        expect(edition.millis(call(Retry.backoff, Retry.defaultPolicy, retry))).toBe(0)
      })
    }
    it("backoff(defaultPolicy, 1) is still 1 second", async () => {
      expect(edition.millis(call(Retry.backoff, Retry.defaultPolicy, 1))).toBe(1000)
    })
  })

  describe("Retry.retry and Retry.toSchedule never retry with a value that is not a valid policy", () => {
    // each policy is built inside its test: a constructor that throws fails that test alone
    const policies: ReadonlyArray<readonly [string, () => unknown]> = [
      ...hostile().map(([label, value]) => [label, () => value] as const),
      ["a policy Retry.make refused", () => call(Retry.make, { retries: -1 })],
      ["a Backoff whose baseDelay is no Duration", () => ({ ...(Retry.defaultPolicy as object), baseDelay: "soon" })],
      ["a FromSchedule whose schedule is no Schedule", () => call(Retry.fromSchedule, "often")]
    ]
    for (const [label, policy] of policies) {
      it(`Retry.retry with ${label}: one attempt, the failure as it was`, async () => {
        expect(await edition.attempts("retry", policy())).toEqual({ made: 1, recorded: undefined })
      })
      it(`Retry.toSchedule(${label}): a schedule that never retries`, async () => {
        expect(await edition.attempts("toSchedule", policy())).toEqual({ made: 1, recorded: undefined })
      })
    }
    const once = () => call(Retry.make, { retries: 1, baseDelay: 0, jitter: 0 })
    it("Retry.retry still retries with a valid policy", async () => {
      expect(await edition.attempts("retry", once())).toEqual({ made: 2, recorded: 2 })
    })
    it("Retry.toSchedule still retries with a valid policy", async () => {
      expect(await edition.attempts("toSchedule", once())).toEqual({ made: 2, recorded: undefined })
    })
  })

  describe("Schema's decoders fail on a value they cannot read, never throw", () => {
    const decoders: ReadonlyArray<Decoder> = [
      "decodeChatResponse",
      "decodeChatStreamChunk",
      "decodeErrorResponse",
      "decodeGenerationResponse",
      "validateRequest"
    ]
    // a value each decoder accepts, so that only the throwing getter makes it fail
    const valid: Readonly<Record<Decoder, Record<string, unknown>>> = {
      decodeChatResponse: { choices: [] },
      decodeChatStreamChunk: { choices: [] },
      decodeErrorResponse: { error: { code: 500, message: "m" } },
      decodeGenerationResponse: { data: { id: "gen-1" } },
      validateRequest: { messages: [{ role: "user", content: "Hi" }] }
    }
    for (const name of decoders) {
      it(`${name}(a Proxy whose traps throw) fails, naming what threw`, async () => {
        expect(edition.failureMessage(call(edition.decoders[name], throwingProxy())))
          .toBe(`reading the value threw: ${firstTrap[edition.major]}`)
      })
      const [key] = Object.keys(valid[name])
      it(`${name}(a value whose ${key} getter throws) fails with "reading the value threw: no"`, async () => {
        expect(edition.failureMessage(call(edition.decoders[name], valid[name]))).toBeUndefined()
        expect(edition.failureMessage(call(edition.decoders[name], throwingAt(valid[name], key!))))
          .toBe("reading the value threw: no")
      })
    }
  })
}
