/**
 * Hostile input, over a real socket with both HTTP clients: every value a caller can pass to
 * `Chat.send` / `Chat.stream` (and to the configuration) ends as a success or a typed failure, never a
 * defect; an invalid one is an `InvalidRequestError` naming the path, is never retried, and the server
 * sees nothing; a valid one is sent exactly as it was read, once.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as fc from "fast-check"
import { Chat, Client, type Errors, OpenRouterConfig, Structured } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import * as TestServer from "../src/TestServer.js"
import { optionValueMessages } from "./support/errorTables.js"
import { httpClients, SECRET, withServer } from "./support/harness.js"
import { throwingAt, unprintable } from "./support/hostileValues.js"

const model = "openai/gpt-4o"
const messages = [{ role: "user", content: "Hi" }] as const

type Call = "send" | "stream"

const call = (
  kind: Call,
  request: unknown,
  options?: unknown
): Effect.Effect<unknown, Errors.StreamError, HttpClient.HttpClient | OpenRouterConfig> =>
  kind === "send"
    ? Chat.send(request as Chat.ChatRequest, options as Chat.Options)
    : Stream.runCollect(Chat.stream(request as Chat.ChatRequest, options as Chat.Options))

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

/** Runs a call against the server and returns how it ended and how many requests the server saw. */
const attempt = (
  server: TestServer.TestServer,
  http: Layer.Layer<HttpClient.HttpClient>,
  kind: Call,
  request: unknown,
  options?: unknown,
  config: Partial<Client.OpenRouterConfigOptions> = {}
) =>
  Effect.gen(function*() {
    const before = (yield* server.requests).length
    const exit = yield* Effect.exit(call(kind, request, options)).pipe(
      Effect.provide(Layer.merge(
        http,
        // Retries on (the default policy): an invalid request must still be tried once at most.
        OpenRouterConfig.layer({ apiKey: Redacted.make(SECRET), baseUrl: server.url, ...config })
      ))
    )
    const sent = (yield* server.requests).length - before
    return { exit, sent }
  })

const invalidIssues = (exit: Exit.Exit<unknown, Errors.StreamError>): ReadonlyArray<Errors.RequestIssue> => {
  if (Exit.isSuccess(exit)) throw new Error("the call succeeded")
  if (exit.cause._tag !== "Fail") throw new Error(`not a typed failure: ${exit.cause._tag}`)
  const error = exit.cause.error
  if (error._tag !== "InvalidRequestError") throw new Error(`expected InvalidRequestError, got ${error._tag}`)
  expect(error.attempts).toBeUndefined()
  return error.issues
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

const throwingProxy = () =>
  new Proxy({}, {
    ownKeys() {
      throw new Error("ownKeys trap")
    },
    get() {
      throw new Error("get trap")
    },
    getPrototypeOf() {
      throw new Error("getPrototypeOf trap")
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
  ["an invalid Date in an unknown field", () => ({ model, messages, x: new Date(NaN) }), "x"],
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

class SchemaMessage extends Schema.Class<SchemaMessage>("SchemaMessage")({
  role: Schema.Literal("user"),
  content: Schema.String
}) {}

class DataMessage extends Data.Class<{ readonly role: "user"; readonly content: string }> {}

// Requests built the Effect way (and other values JSON reads one way only): each is sent as
// `JSON.stringify` would write it; `expected` is the part of the body the server must see.
const acceptedRequests: ReadonlyArray<readonly [string, () => unknown, Record<string, unknown>]> = [
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
    () => ({ model, messages: [new SchemaMessage({ role: "user", content: "Hi" })] }),
    { messages: [{ role: "user", content: "Hi" }] }
  ],
  [
    "a Data.Class instance as a message",
    () => ({ model, messages: [new DataMessage({ role: "user", content: "Hi" })] }),
    { messages: [{ role: "user", content: "Hi" }] }
  ],
  [
    "a Data.struct request with a Data.struct message",
    () => Data.struct({ model, messages: [Data.struct({ role: "user" as const, content: "Hi" })] }),
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
const invalidConfigs: ReadonlyArray<
  readonly [string, (url: string) => Partial<Client.OpenRouterConfigOptions>, string]
> = [
  ["an API key with a non-Latin-1 character", () => ({ apiKey: Redacted.make(`${SECRET}☃`) }), "apiKey"],
  ["an API key with a space", () => ({ apiKey: Redacted.make(`${SECRET} x`) }), "apiKey"],
  ["an empty API key", () => ({ apiKey: Redacted.make("") }), "apiKey"],
  ["a header value that is not Latin-1", () => ({ headers: { "x-note": "☃" } }), "headers.x-note"],
  ["an appTitle that is not Latin-1", () => ({ appTitle: "Café ☕" }), "headers.x-openrouter-title"],
  ["a transfer-encoding header", () => ({ headers: { "transfer-encoding": "chunked" } }), "headers.transfer-encoding"],
  ["a file: base URL", () => ({ baseUrl: "file:///etc/passwd" }), "baseUrl"],
  ["an ftp: base URL", () => ({ baseUrl: "ftp://127.0.0.1/api/v1" }), "baseUrl"],
  ["a data: base URL", () => ({ baseUrl: "data:application/json,{}" }), "baseUrl"],
  ["a base URL that is not a URL", () => ({ baseUrl: "not a url" }), "baseUrl"],
  ["a base URL with a query", (url) => ({ baseUrl: `${url}?key=1` }), "baseUrl"],
  ["a timeout that is not a duration", () => ({ timeout: "banana" as never }), "timeout"],
  ["telemetry options that are an array", () => ({ telemetry: [] as never }), "telemetry"],
  ["a retry that is not a policy", () => ({ retry: { _tag: "Backoff" } as never }), "retry"]
]

describe.each(httpClients)("hostile input over %s", (_name, http) => {
  for (const kind of ["send", "stream"] as const) {
    for (const [label, make, path] of invalidRequests) {
      it.scopedLive(`Chat.${kind} refuses ${label} (InvalidRequestError at ${path}, nothing sent)`, () =>
        Effect.gen(function*() {
          const server = yield* TestServer.make(Testing.emulator)
          const { exit, sent } = yield* attempt(server, http, kind, make())
          const issues = invalidIssues(exit)
          expect(issues.map((i) => i.path).some((p) => p.startsWith(path))).toBe(true)
          expect(sent).toBe(0)
        }))
    }

    for (const [label, make, expected] of acceptedRequests) {
      it.scopedLive(`Chat.${kind} sends ${label}`, () =>
        Effect.gen(function*() {
          const server = yield* TestServer.make(Testing.emulator)
          const request = make()
          const { exit, sent } = yield* attempt(server, http, kind, request)
          expect(Exit.isSuccess(exit)).toBe(true)
          expect(sent).toBe(1)
          const body = JSON.parse((yield* server.requests).at(-1)!.text) as Record<string, unknown>
          expect(body).toMatchObject(expected)
          if (!("y" in expected)) expect("y" in body).toBe(false)
          // read as JSON.stringify reads it
          const own = JSON.parse(JSON.stringify(request)) as Record<string, unknown>
          for (const key of Object.keys(own)) expect(body[key]).toEqual(own[key])
        }))
    }

    for (const [label, options, path] of invalidOptions) {
      it.scopedLive(`Chat.${kind} refuses ${label} (InvalidRequestError at ${path}, never retried)`, () =>
        Effect.gen(function*() {
          const server = yield* TestServer.make(Testing.emulator)
          const { exit, sent } = yield* attempt(server, http, kind, { model, messages }, options)
          expect(invalidIssues(exit).map((i) => i.path)).toContain(path)
          expect(sent).toBe(0)
        }))
    }

    for (const [label, config, path] of invalidConfigs) {
      it.scopedLive(`Chat.${kind} with ${label} configured fails with InvalidRequestError at ${path}`, () =>
        Effect.gen(function*() {
          const server = yield* TestServer.make(Testing.emulator)
          const { exit, sent } = yield* attempt(server, http, kind, { model, messages }, undefined, config(server.url))
          const issues = invalidIssues(exit)
          expect(issues.map((i) => i.path)).toContain(path)
          expect(JSON.stringify(issues)).not.toContain(SECRET)
          expect(sent).toBe(0)
        }))
    }

    it.scopedLive(`Chat.${kind} never shows the credentials of a base URL`, () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(Testing.emulator)
        const url = server.url.replace("http://", "http://user:hunter2secret@")
        const { exit, sent } = yield* attempt(server, http, kind, { model, messages }, undefined, { baseUrl: url })
        const issues = invalidIssues(exit)
        expect(issues.map((i) => i.path)).toContain("baseUrl")
        expect(JSON.stringify(exit)).not.toContain("hunter2secret")
        expect(String(Exit.isFailure(exit) ? exit.cause : "")).not.toContain("hunter2secret")
        expect(sent).toBe(0)
      }))

    it.scopedLive(`Chat.${kind} reads the request once: a getter that changes its answer cannot change what is sent`, () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(Testing.emulator)
        let reads = 0
        const request = Object.defineProperty({ model }, "messages", {
          enumerable: true,
          get() {
            reads++
            return reads === 1 ? [{ role: "user", content: "Hi" }] : [{ role: "wizard", content: 1 }]
          }
        })
        const { exit, sent } = yield* attempt(server, http, kind, request)
        expect(Exit.isSuccess(exit)).toBe(true)
        expect(sent).toBe(1)
        expect(reads).toBe(1)
        const recorded = (yield* server.requests)[0]!
        expect((recorded.body as { messages: unknown }).messages).toEqual([{ role: "user", content: "Hi" }])
      }))

    it.scopedLive(`Chat.${kind} sends unknown fields exactly, a __proto__ key included, and leaves out undefined`, () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(Testing.emulator)
        const x = JSON.parse(`{"__proto__": {"polluted": true}, "nested": [1, "two", null, {"deep": [false]}]}`)
        const request = { model, messages, x, temperature: undefined }
        const { exit } = yield* attempt(server, http, kind, request)
        expect(Exit.isSuccess(exit)).toBe(true)
        const recorded = (yield* server.requests)[0]!
        const sentText = JSON.parse(recorded.text) as Record<string, unknown>
        expect(JSON.stringify(sentText.x)).toBe(JSON.stringify(x))
        expect(Object.keys(sentText.x as object)).toContain("__proto__")
        expect("temperature" in sentText).toBe(false)
        expect(({} as { polluted?: boolean }).polluted).toBeUndefined()
      }))
  }

  it.scopedLive("Chat.send refuses stream: true (read once, even through a getter)", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(Testing.emulator)
      let reads = 0
      const request = Object.defineProperty({ model, messages }, "stream", {
        enumerable: true,
        get() {
          reads++
          return reads === 1
        }
      })
      const { exit, sent } = yield* attempt(server, http, "send", request)
      expect(invalidIssues(exit).map((i) => i.path)).toContain("stream")
      expect(reads).toBe(1)
      expect(sent).toBe(0)
    }))

  it.scopedLive(
    "any value, as the request, a field or a message, ends as a success or a typed failure",
    () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(Testing.emulator)
        const anything = fc.anything({
          withBigInt: true,
          withBoxedValues: true,
          withDate: true,
          withMap: true,
          withNullPrototype: true,
          withObjectString: true,
          withSet: true,
          withSparseArray: true,
          withTypedArray: true,
          maxDepth: 3
        })
        const placed = fc.oneof(
          anything.map((v) => ({ where: "request", value: v, request: v })),
          anything.map((v) => ({ where: "field", value: v, request: { model, messages, x: v } })),
          anything.map((v) => ({
            where: "content",
            value: v,
            request: { model, messages: [{ role: "user", content: v }] }
          }))
        )
        const samples = fc.sample(fc.tuple(placed, fc.constantFrom<Call>("send", "stream")), { numRuns: 150, seed: 11 })
        for (const [{ request, value, where }, kind] of samples) {
          const { exit, sent } = yield* attempt(server, http, kind, request, undefined, { retry: false })
          if (Exit.isFailure(exit)) {
            expect(exit.cause._tag).toBe("Fail")
            const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
            expect(tags.has(error!._tag)).toBe(true)
            if (error!._tag === "InvalidRequestError") expect(sent).toBe(0)
          }
          if (sent === 1 && where === "field") {
            // What was accepted was sent exactly: the server's copy equals the value.
            const recorded = (yield* server.requests).at(-1)!
            expect((JSON.parse(recorded.text) as { x: unknown }).x).toEqual(JSON.parse(JSON.stringify({ x: value })).x)
          }
        }
      }),
    120_000
  )
})

describe("how an option check shows the value it got (the shared shownValue)", () => {
  const [, http] = httpClients[0]!
  for (const [label, options, issue] of optionValueMessages) {
    it.scopedLive(`Chat.send with ${label} where an option cannot take it: ${issue.message}`, () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make(Testing.emulator)
        const { exit, sent } = yield* attempt(server, http, "send", { model, messages }, options)
        expect(invalidIssues(exit)).toContainEqual(issue)
        expect(sent).toBe(0)
      }))
  }
})

describe("configuration", () => {
  it("makeConfig never throws, whatever it is given", () => {
    for (
      const options of [
        null,
        undefined,
        42,
        { apiKey: Redacted.make("k"), timeout: "banana" },
        { apiKey: "not redacted" },
        { apiKey: Redacted.make("k"), baseUrl: 42 },
        { apiKey: Redacted.make("k"), appCategories: "not an array" },
        { apiKey: Redacted.make("k"), retry: { _tag: "Backoff", retries: -1 } },
        new Proxy({}, {
          get() {
            throw new Error("trap")
          }
        })
      ]
    ) {
      expect(() => Client.makeConfig(options as never)).not.toThrow()
    }
  })

  it.effect("layerConfig fails with a ConfigError naming OPENROUTER_BASE_URL for a base URL with credentials", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Effect.provide(OpenRouterConfig, OpenRouterConfig.layerConfig()))
      expect(Exit.isFailure(exit)).toBe(true)
      const printed = Exit.isFailure(exit) ? String(exit.cause) : ""
      expect(printed).toContain("OPENROUTER_BASE_URL")
      expect(printed).not.toContain("hunter2secret")
    }).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(
      new Map([["OPENROUTER_API_KEY", SECRET], [
        "OPENROUTER_BASE_URL",
        "https://me:hunter2secret@openrouter.ai/api/v1"
      ]])
    ))))

  it.effect("layerConfig fails with a ConfigError naming OPENROUTER_API_KEY for a key with a line break, without the key", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Effect.provide(OpenRouterConfig, OpenRouterConfig.layerConfig()))
      const printed = Exit.isFailure(exit) ? String(exit.cause) : ""
      expect(printed).toContain("OPENROUTER_API_KEY")
      expect(printed).not.toContain(SECRET)
    }).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["OPENROUTER_API_KEY", `${SECRET}\n`]])))))

  it.effect("layerConfig fails with a ConfigError naming the option for an invalid default", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        Effect.provide(OpenRouterConfig, OpenRouterConfig.layerConfig({ idleTimeout: "soon" as never }))
      )
      const printed = Exit.isFailure(exit) ? String(exit.cause) : ""
      expect(printed).toContain("idleTimeout")
    }).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["OPENROUTER_API_KEY", SECRET]])))))
})

const Answer = Schema.Struct({ answer: Schema.String })
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

describe.each(httpClients)("Structured on hostile input over %s", (_name, http) => {
  for (const [label, request, options, path] of hostileStructured) {
    for (const kind of ["send", "stream"] as const) {
      it.scopedLive(`Structured.${kind} refuses ${label}: InvalidRequestError at ${path}, nothing sent`, () =>
        withServer(http, Testing.emulator, (server) =>
          Effect.gen(function*() {
            const run = kind === "send"
              ? Structured.send(Answer, request as never, options as never)
              : Stream.runDrain(Structured.stream(Answer, request as never, options as never))
            // Structured's errors hold Chat's; the InvalidRequestError is the one this reads.
            const exit = (yield* Effect.exit(run)) as Exit.Exit<unknown, Errors.StreamError>
            expect(invalidIssues(exit).map((i) => i.path)).toEqual([path])
            expect(yield* server.requests).toHaveLength(0)
          })))
    }
  }
})
