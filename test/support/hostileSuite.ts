/**
 * The body of the hostile-input test, shared by both editions (`test/hostile.test.ts`,
 * `effect4/test/hostile.test.ts`): every value a caller can pass to `Chat.send` / `Chat.stream` /
 * `Structured.send` / `Structured.stream` (and to the configuration) ends as a success or a typed
 * failure, never a defect; an invalid one is an `InvalidRequestError` naming the path, is never retried,
 * and the server sees nothing; a valid one is sent exactly as it was read, once. A wire exchange, so
 * Effect-free: each edition passes its `Wired` and its `Hostile` (the calls with the options exactly as
 * given, and the few values only its Effect can build).
 */
import * as fc from "fast-check"
import type { CallError, Outcome } from "./calls.js"
import { optionValueMessages } from "./errorTables.js"
import { anyValue, throwingAt, throwingProxy, unprintable } from "./hostileValues.js"
import { SECRET } from "./secret.js"
import { serving, type Wired } from "./suite.js"

/** What a hostile test calls. `Structured.*` decode `{ answer: string }`. */
export type Kind = "Chat.send" | "Chat.stream" | "Structured.send" | "Structured.stream"

/** How a call ended, and the ways the edition shows its `Exit` (`JSON.stringify`, the printed cause). */
export interface Attempted {
  readonly outcome: Outcome<unknown>
  readonly shown: ReadonlyArray<string>
}

/**
 * A call (`Chat.stream` and `Structured.stream` run to their end) with `request` and `options` exactly
 * as given (nothing added), under `OpenRouterConfig.layer({ apiKey: SECRET, baseUrl, ...config })`: the
 * default retry policy unless `config` says, since an invalid request must still be tried once at most.
 * A typed failure only when the cause is that one failure; any other cause (a defect, an interruption,
 * two failures) rejects the Promise.
 */
export type Attempt = (
  kind: Kind,
  baseUrl: string,
  request: unknown,
  options?: unknown,
  config?: Readonly<Record<string, unknown>>
) => Promise<Attempted>

/** A message `{ role, content }` built by one of the edition's own constructors. */
type Construct = (message: { readonly role: "user"; readonly content: string }) => unknown

/** What the hostile body takes from an edition besides its `Wired`. */
export interface Hostile {
  readonly clients: ReadonlyArray<readonly [string, Attempt]>
  /** `Redacted.make`. */
  readonly redact: (value: string) => unknown
  /** `Client.makeConfig`. */
  readonly makeConfig: (options: unknown) => unknown
  /**
   * Builds `OpenRouterConfig.layerConfig(defaults)` under a ConfigProvider over `env`: the printed
   * cause it failed with, `undefined` if it built.
   */
  readonly layerConfigFailure: (
    env: Readonly<Record<string, string>>,
    defaults?: Readonly<Record<string, unknown>>
  ) => Promise<string | undefined>
  /** An instance of a `Schema.Class` of `{ role, content }`. */
  readonly schemaClass: Construct
  /** An instance of a `Data.Class` of `{ role, content }`. */
  readonly dataClass: Construct
  /** `Data.struct` (Effect 3 only: Effect 4's `Data` has no `struct`). */
  readonly dataStruct: (<A extends object>(value: A) => A) | undefined
}

const model = "openai/gpt-4o"
const messages = [{ role: "user", content: "Hi" }] as const

const tags = new Set([
  "InvalidRequestError",
  "ConnectionError",
  "TimeoutError",
  "ResponseDecodeError",
  "MidStreamError",
  "BadRequestResponseError",
  "InternalServerResponseError",
  "UnprocessableEntityResponseError"
])

interface Issue {
  readonly path: string
  readonly message: string
}

/** The issues of the `InvalidRequestError` a call must have failed with (never retried: no attempts). */
const invalidIssues = (outcome: Outcome<unknown>): ReadonlyArray<Issue> => {
  if (outcome.ok) throw new Error("the call succeeded")
  const error: CallError = outcome.error
  if (error._tag !== "InvalidRequestError") throw new Error(`expected InvalidRequestError, got ${error._tag}`)
  if (error.attempts !== undefined) throw new Error(`an InvalidRequestError with attempts: ${String(error.attempts)}`)
  return error.issues as ReadonlyArray<Issue>
}

const circular = () => {
  const c: Record<string, unknown> = {}
  c.self = c
  return c
}

const deep = (depth: number) => {
  let value: unknown = "leaf"
  for (let i = 0; i < depth; i++) value = { a: value }
  return value
}

const holey = () => {
  const array: Array<number> = [1]
  array[2] = 3
  return array
}

const throwing = (key: string, base: Record<string, unknown>) =>
  Object.defineProperty({ ...base }, key, {
    enumerable: true,
    get() {
      throw new Error(`getter ${key} says no`)
    }
  })

// Requests that cannot be sent as they are, with the path the error must name.
const invalidRequests: ReadonlyArray<readonly [string, () => unknown, string]> = [
  ["null", () => null, "(request)"],
  ["a string", () => "hello", "(request)"],
  ["a circular object in an unknown field", () => ({ model, messages, x: circular() }), "x.self"],
  ["a BigInt in an unknown field", () => ({ model, messages, x: { n: 10n } }), "x.n"],
  ["an object nested 10,000 deep", () => ({ model, messages, x: deep(10_000) }), "x.a.a"],
  ["a getter that throws in a known field", () => throwing("temperature", { model, messages }), "temperature"],
  ["a getter that throws in an unknown field", () => throwing("x", { model, messages }), "x"],
  ["a getter that throws in stream", () => throwing("stream", { model, messages }), "stream"],
  [
    "a getter that throws in a message",
    () => ({ model, messages: [throwing("content", { role: "user" })] }),
    "messages.0.content"
  ],
  ["a Proxy with throwing traps as the request", () => throwingProxy(), "(request)"],
  ["a Proxy with throwing traps as a message", () => ({ model, messages: [throwingProxy()] }), "messages.0"],
  ["NaN in an unknown field", () => ({ model, messages, x: NaN }), "x"],
  ["Infinity in logit_bias", () => ({ model, messages, logit_bias: { "50256": Infinity } }), "logit_bias.50256"],
  ["-Infinity in an unknown field", () => ({ model, messages, x: [1, -Infinity] }), "x.1"],
  ["a function in an unknown field", () => ({ model, messages, x: () => 1 }), "x"],
  ["a symbol in an unknown field", () => ({ model, messages, x: Symbol("s") }), "x"],
  ["a Map in an unknown field", () => ({ model, messages, x: new Map([["a", 1]]) }), "x"],
  ["a Set in an unknown field", () => ({ model, messages, x: new Set([1]) }), "x"],
  ["an invalid Date in an unknown field", () => ({ model, messages, x: new Date(Number.NaN) }), "x"],
  ["a RegExp in an unknown field", () => ({ model, messages, x: /a/ }), "x"],
  ["an Error in an unknown field", () => ({ model, messages, x: new Error("boom") }), "x"],
  ["a typed array in an unknown field", () => ({ model, messages, x: new Uint8Array([1]) }), "x"],
  ["a boxed number in an unknown field", () => ({ model, messages, x: Object(1) as unknown }), "x"],
  ["a toJSON that throws", () => ({
    model,
    messages,
    x: {
      toJSON: () => {
        throw new Error("no")
      }
    }
  }), "x"],
  ["a toJSON that returns NaN", () => ({ model, messages, x: { toJSON: () => NaN } }), "x"],
  ["an array hole", () => ({ model, messages, x: holey() }), "x.1"],
  ["undefined in an array", () => ({ model, messages, x: [undefined] }), "x.0"],
  ["a toJSON that returns undefined in an array", () => ({ model, messages, x: [{ toJSON: () => undefined }] }), "x.0"]
]

// Requests built the Effect way (and other values JSON reads one way only): each is sent as
// `JSON.stringify` would write it; `expected` is the part of the body the server must see. A row
// whose request is `undefined` has no such value in the edition.
const acceptedRequests = (
  hostile: Hostile
): ReadonlyArray<readonly [string, (() => unknown) | undefined, Record<string, unknown>]> => [
  [
    "a class instance with own fields as a message",
    () => ({
      model,
      messages: [
        new (class Msg {
          role = "user"
          content = "Hi"
          get shout() {
            return "not an own field"
          }
        })()
      ]
    }),
    { messages: [{ role: "user", content: "Hi" }] }
  ],
  [
    "a Schema.Class instance as a message",
    () => ({ model, messages: [hostile.schemaClass({ role: "user", content: "Hi" })] }),
    { messages: [{ role: "user", content: "Hi" }] }
  ],
  [
    "a Data.Class instance as a message",
    () => ({ model, messages: [hostile.dataClass({ role: "user", content: "Hi" })] }),
    { messages: [{ role: "user", content: "Hi" }] }
  ],
  [
    "a Data.struct request with a Data.struct message",
    hostile.dataStruct === undefined ? undefined : (() => {
      const struct = hostile.dataStruct!
      return struct({ model, messages: [struct({ role: "user" as const, content: "Hi" })] })
    }),
    { model, messages: [{ role: "user", content: "Hi" }] }
  ],
  [
    "a Date in an unknown field (its ISO string)",
    () => ({ model, messages, x: new Date(0) }),
    { x: "1970-01-01T00:00:00.000Z" }
  ],
  [
    "an object with toJSON (what toJSON returns, given its key)",
    () => ({ model, messages, x: { toJSON: (key: string) => ({ key, n: 1 }) } }),
    { x: { key: "x", n: 1 } }
  ],
  [
    "a toJSON that returns undefined in an object (left out, as JSON does)",
    () => ({ model, messages, x: 1, y: { toJSON: () => undefined } }),
    { x: 1 }
  ]
]

// Per-call options that cannot be used, with the option the error must name.
const invalidOptions: ReadonlyArray<readonly [string, unknown, string]> = [
  ["a timeout that is not a duration", { timeout: "banana" }, "timeout"],
  ["a negative idle timeout", { idleTimeout: -5 }, "idleTimeout"],
  ["a NaN timeout", { timeout: NaN }, "timeout"],
  ["a retry that is not a policy", { retry: "yes" }, "retry"],
  ["headers that are not a record", { headers: 42 }, "headers"],
  ["a header value that is not Latin-1", { headers: { "x-note": "snow ☃" } }, "headers.x-note"],
  ["a header value with a control character", { headers: { "x-note": "a\u0007b" } }, "headers.x-note"],
  ["a header value that is not a string", { headers: { "x-note": 1 } }, "headers.x-note"],
  ["a transfer-encoding header", { headers: { "Transfer-Encoding": "chunked" } }, "headers.transfer-encoding"],
  ["a content-length header", { headers: { "content-length": "5" } }, "headers.content-length"],
  ["a host header", { headers: { host: "evil.example" } }, "headers.host"],
  ["a connection header", { headers: { connection: "close" } }, "headers.connection"],
  ["a metadata flag that is not a boolean", { metadata: "yes" }, "metadata"],
  ["options that are not an object", "fast", "(options)"],
  ["options that are an array", [{ timeout: "1 second" }], "(options)"],
  [
    "an options object whose getter throws",
    Object.defineProperty({}, "timeout", {
      enumerable: true,
      get() {
        throw new Error("no timeout for you")
      }
    }),
    "timeout"
  ]
]

// Configurations that cannot be used, with the option the error must name.
const invalidConfigs = (
  redact: Hostile["redact"]
): ReadonlyArray<readonly [string, (url: string) => Record<string, unknown>, string]> => [
  ["an API key with a non-Latin-1 character", () => ({ apiKey: redact(`${SECRET}☃`) }), "apiKey"],
  ["an API key with a space", () => ({ apiKey: redact(`${SECRET} x`) }), "apiKey"],
  ["an empty API key", () => ({ apiKey: redact("") }), "apiKey"],
  ["a header value that is not Latin-1", () => ({ headers: { "x-note": "☃" } }), "headers.x-note"],
  ["an appTitle that is not Latin-1", () => ({ appTitle: "Café ☕" }), "headers.x-openrouter-title"],
  ["a transfer-encoding header", () => ({ headers: { "transfer-encoding": "chunked" } }), "headers.transfer-encoding"],
  ["a file: base URL", () => ({ baseUrl: "file:///etc/passwd" }), "baseUrl"],
  ["an ftp: base URL", () => ({ baseUrl: "ftp://127.0.0.1/api/v1" }), "baseUrl"],
  ["a data: base URL", () => ({ baseUrl: "data:application/json,{}" }), "baseUrl"],
  ["a base URL that is not a URL", () => ({ baseUrl: "not a url" }), "baseUrl"],
  ["a base URL with a query", (url) => ({ baseUrl: `${url}?key=1` }), "baseUrl"],
  ["a timeout that is not a duration", () => ({ timeout: "banana" }), "timeout"],
  ["telemetry options that are an array", () => ({ telemetry: [] }), "telemetry"],
  ["a retry that is not a policy", () => ({ retry: { _tag: "Backoff" } }), "retry"]
]

const structuredRequest = { model, messages }

/** Hostile input to Structured, with the path its InvalidRequestError names. */
const hostileStructured: ReadonlyArray<readonly [string, unknown, unknown, string]> = [
  ["a request that is null", null, undefined, "request"],
  ["a request whose model getter throws", throwingAt(structuredRequest, "model"), undefined, "request"],
  [
    "a request whose response_format getter throws",
    throwingAt(structuredRequest, "response_format"),
    undefined,
    "request"
  ],
  ["options whose retries getter throws", structuredRequest, throwingAt({}, "retries"), "options"],
  ["an extract whose toString throws", structuredRequest, { extract: unprintable }, "options.extract"],
  ["a name whose toString throws", structuredRequest, { name: unprintable }, "options"]
]

export const hostileSuite = <R>(
  { describe, expect, it, listen, testing: Testing }: Wired<R>,
  hostile: Hostile
): void => {
  /** Runs a call against a fresh emulator: how it ended, and how many requests the server saw. */
  const attempt = (
    call: Attempt,
    kind: Kind,
    request: unknown,
    options?: unknown,
    config: (url: string) => Readonly<Record<string, unknown>> = () => ({})
  ) =>
    serving(listen, Testing.emulator, async (server) => {
      const attempted = await call(kind, server.url, request, options, config(server.url))
      return { ...attempted, sent: server.requests().length, requests: server.requests() }
    })

  for (const [name, call] of hostile.clients) {
    describe(`hostile input over ${name}`, () => {
      for (const kind of ["Chat.send", "Chat.stream"] as const) {
        for (const [label, make, path] of invalidRequests) {
          it(`${kind} refuses ${label} (InvalidRequestError at ${path}, nothing sent)`, async () => {
            const { outcome, sent } = await attempt(call, kind, make())
            expect(invalidIssues(outcome).map((i) => i.path).some((p) => p.startsWith(path))).toBe(true)
            expect(sent).toBe(0)
          })
        }

        for (const [label, make, expected] of acceptedRequests(hostile)) {
          if (make === undefined) continue
          it(`${kind} sends ${label}`, async () => {
            const request = make()
            const { outcome, requests, sent } = await attempt(call, kind, request)
            expect(outcome.ok).toBe(true)
            expect(sent).toBe(1)
            const body = JSON.parse(requests.at(-1)!.text) as Record<string, unknown>
            expect(body).toMatchObject(expected)
            if (!("y" in expected)) expect("y" in body).toBe(false)
            // read as JSON.stringify reads it
            const own = JSON.parse(JSON.stringify(request)) as Record<string, unknown>
            for (const key of Object.keys(own)) expect(body[key]).toEqual(own[key])
          })
        }

        for (const [label, options, path] of invalidOptions) {
          it(`${kind} refuses ${label} (InvalidRequestError at ${path}, never retried)`, async () => {
            const { outcome, sent } = await attempt(call, kind, { model, messages }, options)
            expect(invalidIssues(outcome).map((i) => i.path)).toContain(path)
            expect(sent).toBe(0)
          })
        }

        for (const [label, config, path] of invalidConfigs(hostile.redact)) {
          it(`${kind} with ${label} configured fails with InvalidRequestError at ${path}`, async () => {
            const { outcome, sent } = await attempt(call, kind, { model, messages }, undefined, config)
            const issues = invalidIssues(outcome)
            expect(issues.map((i) => i.path)).toContain(path)
            expect(JSON.stringify(issues)).not.toContain(SECRET)
            expect(sent).toBe(0)
          })
        }

        it(`${kind} never shows the credentials of a base URL`, async () => {
          const { outcome, sent, shown } = await attempt(
            call,
            kind,
            { model, messages },
            undefined,
            (url) => ({ baseUrl: url.replace("http://", "http://user:hunter2secret@") })
          )
          expect(invalidIssues(outcome).map((i) => i.path)).toContain("baseUrl")
          expect(shown.length).toBeGreaterThan(0)
          for (const text of shown) expect(text).not.toContain("hunter2secret")
          expect(sent).toBe(0)
        })

        it(`${kind} reads the request once: a getter that changes its answer cannot change what is sent`, async () => {
          let reads = 0
          const request = Object.defineProperty({ model }, "messages", {
            enumerable: true,
            get() {
              reads++
              return reads === 1 ? [{ role: "user", content: "Hi" }] : [{ role: "wizard", content: 1 }]
            }
          })
          const { outcome, requests, sent } = await attempt(call, kind, request)
          expect(outcome.ok).toBe(true)
          expect(sent).toBe(1)
          expect(reads).toBe(1)
          expect((requests[0]!.body as { messages: unknown }).messages).toEqual([{ role: "user", content: "Hi" }])
        })

        it(`${kind} sends unknown fields exactly, a __proto__ key included, and leaves out undefined`, async () => {
          const x = JSON.parse(`{"__proto__": {"polluted": true}, "nested": [1, "two", null, {"deep": [false]}]}`)
          const request = { model, messages, x, temperature: undefined }
          const { outcome, requests } = await attempt(call, kind, request)
          expect(outcome.ok).toBe(true)
          const sentText = JSON.parse(requests[0]!.text) as Record<string, unknown>
          expect(JSON.stringify(sentText.x)).toBe(JSON.stringify(x))
          expect(Object.keys(sentText.x as object)).toContain("__proto__")
          expect("temperature" in sentText).toBe(false)
          expect(({} as { polluted?: boolean }).polluted).toBeUndefined()
        })
      }

      it("Chat.send refuses stream: true (read once, even through a getter)", async () => {
        let reads = 0
        const request = Object.defineProperty({ model, messages }, "stream", {
          enumerable: true,
          get() {
            reads++
            return reads === 1
          }
        })
        const { outcome, sent } = await attempt(call, "Chat.send", request)
        expect(invalidIssues(outcome).map((i) => i.path)).toContain("stream")
        expect(reads).toBe(1)
        expect(sent).toBe(0)
      })

      it(
        "any value, as the request, a field or a message, ends as a success or a typed failure",
        () =>
          serving(listen, Testing.emulator, async (server) => {
            const anything = fc.anything({ ...anyValue, maxDepth: 3 })
            const placed = fc.oneof(
              anything.map((v) => ({ where: "request", value: v, request: v })),
              anything.map((v) => ({ where: "field", value: v, request: { model, messages, x: v } })),
              anything.map((v) => ({
                where: "content",
                value: v,
                request: { model, messages: [{ role: "user", content: v }] }
              }))
            )
            const samples = fc.sample(fc.tuple(placed, fc.constantFrom<Kind>("Chat.send", "Chat.stream")), {
              numRuns: 150,
              seed: 11
            })
            for (const [{ request, value, where }, kind] of samples) {
              const before = server.requests().length
              // a defect or any cause but one typed failure rejects here
              const { outcome } = await call(kind, server.url, request, undefined, { retry: false })
              const sent = server.requests().length - before
              if (!outcome.ok) {
                expect(tags.has(outcome.error._tag)).toBe(true)
                if (outcome.error._tag === "InvalidRequestError") expect(sent).toBe(0)
              }
              if (sent === 1 && where === "field") {
                // What was accepted was sent exactly: the server's copy equals the value.
                const recorded = server.requests().at(-1)!
                expect((JSON.parse(recorded.text) as { x: unknown }).x).toEqual(
                  JSON.parse(JSON.stringify({ x: value })).x
                )
              }
            }
          }),
        120_000
      )
    })
  }

  describe("how an option check shows the value it got (the shared shownValue)", () => {
    const [, call] = hostile.clients[0]!
    for (const [label, options, issue] of optionValueMessages) {
      it(`Chat.send with ${label} where an option cannot take it: ${issue.message}`, async () => {
        const { outcome, sent } = await attempt(call, "Chat.send", { model, messages }, options)
        expect(invalidIssues(outcome)).toContainEqual(issue)
        expect(sent).toBe(0)
      })
    }
  })

  describe("configuration", () => {
    it("makeConfig never throws, whatever it is given", async () => {
      for (
        const options of [
          null,
          undefined,
          42,
          { apiKey: hostile.redact("k"), timeout: "banana" },
          { apiKey: "not redacted" },
          { apiKey: hostile.redact("k"), baseUrl: 42 },
          { apiKey: hostile.redact("k"), appCategories: "not an array" },
          { apiKey: hostile.redact("k"), retry: { _tag: "Backoff", retries: -1 } },
          new Proxy({}, {
            get() {
              throw new Error("trap")
            }
          })
        ]
      ) {
        expect(() => hostile.makeConfig(options)).not.toThrow()
      }
    })

    it("layerConfig fails with a ConfigError naming OPENROUTER_BASE_URL for a base URL with credentials", async () => {
      const printed = await hostile.layerConfigFailure({
        OPENROUTER_API_KEY: SECRET,
        OPENROUTER_BASE_URL: "https://me:hunter2secret@openrouter.ai/api/v1"
      })
      expect(printed).toBeDefined()
      expect(printed).toContain("OPENROUTER_BASE_URL")
      expect(printed).not.toContain("hunter2secret")
    })

    it("layerConfig fails with a ConfigError naming OPENROUTER_API_KEY for a key with a line break, without the key", async () => {
      const printed = await hostile.layerConfigFailure({ OPENROUTER_API_KEY: `${SECRET}\n` })
      expect(printed).toContain("OPENROUTER_API_KEY")
      expect(printed).not.toContain(SECRET)
    })

    it("layerConfig fails with a ConfigError naming the option for an invalid default", async () => {
      const printed = await hostile.layerConfigFailure({ OPENROUTER_API_KEY: SECRET }, { idleTimeout: "soon" })
      expect(printed).toContain("idleTimeout")
    })
  })

  for (const [name, call] of hostile.clients) {
    describe(`Structured on hostile input over ${name}`, () => {
      for (const [label, request, options, path] of hostileStructured) {
        for (const kind of ["Structured.send", "Structured.stream"] as const) {
          it(`${kind} refuses ${label}: InvalidRequestError at ${path}, nothing sent`, async () => {
            // Structured's errors hold Chat's; the InvalidRequestError is the one this reads.
            const { outcome, sent } = await attempt(call, kind, request, options)
            expect(invalidIssues(outcome).map((i) => i.path)).toEqual([path])
            expect(sent).toBe(0)
          })
        }
      }
    })
  }
}
