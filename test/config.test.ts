/**
 * Configuration: the configured headers' part is shared with the Effect 4 edition
 * (`test/support/configSuite.ts`); this file gives it the Effect 3 edition's pieces and holds what reads
 * Effect's own configuration (`ConfigProvider`, `layerConfig`, `Config` errors) and the config service.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import type * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Match from "effect/Match"
import * as Redacted from "effect/Redacted"
import { readFileSync } from "node:fs"
import { inspect } from "node:util"
import { Chat, Client, type Errors, OpenRouterConfig, Testing } from "../src/index.js"
import * as ResponseInternal from "../src/internal/transport/response.js"
import { version } from "../src/internal/transport/version.js"
import * as TestServer from "../src/TestServer.js"
import { outcome } from "./support/callsEffect3.js"
import { configSuite, SECRET, type Sent } from "./support/configSuite.js"
import { invalidBaseUrls } from "./support/errorTables.js"

const completionBody = {
  id: "gen-1",
  object: "chat.completion",
  created: 1700000000,
  model: "openai/gpt-4o",
  provider: "OpenAI",
  choices: [{ index: 0, message: { role: "assistant", content: "Hello" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }
}

/** A user-style fake: HttpClient.make answering every request with a JSON body, recording requests. */
const fakeHttp = (sent: Array<Sent>, status = 200, body: unknown = completionBody) =>
  Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request, url) =>
      Effect.sync(() => {
        const b = request.body
        sent.push({
          url: url.toString(),
          headers: { ...request.headers },
          body: b._tag === "Uint8Array" ? JSON.parse(new TextDecoder().decode(b.body)) : undefined
        })
        return HttpClientResponse.fromWeb(
          request,
          new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })
        )
      })
    )
  )

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

configSuite({
  describe,
  it,
  expect,
  version,
  sendWith: (config, call) => {
    const sent: Array<Sent> = []
    return Effect.runPromise(
      Chat.send(request, call as Chat.Options).pipe(
        Effect.either,
        Effect.map(outcome<unknown>),
        Effect.provide(fakeHttp(sent)),
        Effect.provide(OpenRouterConfig.layer({ ...config, apiKey: Redacted.make(config.apiKey) }))
      )
    ).then((outcome) => ({ outcome, sent }))
  }
})

describe("OpenRouterConfig", () => {
  it.effect("never prints the key in the config service", () =>
    Effect.gen(function*() {
      const config = yield* OpenRouterConfig
      expect(inspect(config, { depth: 10 })).not.toContain(SECRET)
      expect(JSON.stringify(config)).not.toContain(SECRET)
      expect(String(config.apiKey)).not.toContain(SECRET)
    }).pipe(Effect.provide(OpenRouterConfig.layer({ apiKey: Redacted.make(SECRET), appTitle: "t" }))))

  it.effect("reads the environment with layerConfig", () =>
    Effect.gen(function*() {
      const config = yield* OpenRouterConfig
      expect(Redacted.value(config.apiKey)).toBe(SECRET)
      expect(config.baseUrl).toBe("http://127.0.0.1:9/api/v1")
      expect(config.headers).toMatchObject({
        "http-referer": "https://ref.example",
        "x-openrouter-title": "Env App",
        "x-openrouter-categories": "cli-agent,cloud-agent"
      })
      expect(Duration.toMillis(config.timeout)).toBe(30_000)
    }).pipe(
      Effect.provide(OpenRouterConfig.layerConfig({ timeout: "30 seconds" })),
      Effect.withConfigProvider(ConfigProvider.fromMap(
        new Map([
          ["OPENROUTER_API_KEY", SECRET],
          ["OPENROUTER_BASE_URL", "http://127.0.0.1:9/api/v1"],
          ["OPENROUTER_HTTP_REFERER", "https://ref.example"],
          ["OPENROUTER_APP_TITLE", "Env App"],
          ["OPENROUTER_APP_CATEGORIES", " cli-agent, cloud-agent ,"]
        ])
      ))
    ))

  it.effect("fails layer construction with a ConfigError naming OPENROUTER_API_KEY when the key is missing", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Effect.provide(OpenRouterConfig, OpenRouterConfig.layerConfig()))
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) expect(String(exit.cause)).toContain("OPENROUTER_API_KEY")
    }).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map()))))

  it.effect("a missing key says how to set it, with no <redacted> where nothing secret is shown", () =>
    Effect.gen(function*() {
      for (
        const config of [
          OpenRouterConfig.layerConfig(),
          Layer.effect(OpenRouterConfig, Effect.map(Client.fromEnv, Client.makeConfig))
        ]
      ) {
        const error = yield* Effect.flip(Effect.provide(OpenRouterConfig, config))
        expect(error._tag).toBe("ConfigError")
        expect(error._op).toBe("MissingData")
        expect(error.message).toMatch(/^OPENROUTER_API_KEY is not set: set it to your OpenRouter API key/)
        expect(error.message).toContain("https://openrouter.ai/keys")
        expect(error.message).toContain("export OPENROUTER_API_KEY=")
        expect(error.message).toContain("npx effect-openrouter-emulator")
        expect(String(error)).not.toContain("<redacted>")
      }
    }).pipe(
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["OPENROUTER_BASE_URL", "http://127.0.0.1:9"]])))
    ))

  it.effect("a handler placed after the layer matches the configuration error by its tag, as the Quick start does", () =>
    Effect.gen(function*() {
      const explain = Match.type<Errors.SendError | ConfigError.ConfigError>().pipe(
        Match.tag("ConfigError", (e) => `configuration: ${e.message}`),
        Match.orElse((e) => `call: ${e._tag}`)
      )
      const printed = yield* Chat.send({ messages: [{ role: "user", content: "Hi" }] }).pipe(
        Effect.as("answered"),
        Effect.provide(Layer.merge(OpenRouterConfig.layerConfig(), Testing.layer(Testing.completion()))),
        Effect.catchAll((error) => Effect.succeed(explain(error)))
      )
      expect(printed).toMatch(/^configuration: OPENROUTER_API_KEY is not set/)
    }).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map()))))

  for (const [value, problem] of invalidBaseUrls) {
    it.effect(`an OPENROUTER_BASE_URL of ${JSON.stringify(value)} is a ConfigError naming the variable`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Effect.provide(OpenRouterConfig, OpenRouterConfig.layerConfig()))
        expect(error._tag).toBe("ConfigError")
        expect(error._op).toBe("InvalidData")
        if (error._op !== "InvalidData") return
        expect(error.path).toEqual(["OPENROUTER_BASE_URL"])
        expect(error.message).toMatch(new RegExp(`^OPENROUTER_BASE_URL: ${problem.replace(/[.?]/g, "\\$&")}`))
        expect(error.message).toContain("https://openrouter.ai/api/v1")
        expect(error.message).not.toContain("pw-very-secret")
        expect(error.message).not.toContain(SECRET)
      }).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(
        new Map([["OPENROUTER_API_KEY", SECRET], ["OPENROUTER_BASE_URL", value]])
      ))))
  }

  it.effect("an invalid key is a ConfigError naming OPENROUTER_API_KEY that says how to set it, without the key", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.provide(OpenRouterConfig, OpenRouterConfig.layerConfig()))
      expect(error.message).toMatch(/^OPENROUTER_API_KEY: the API key may only contain visible ASCII/)
      expect(error.message).toContain("export OPENROUTER_API_KEY=")
      expect(String(error)).not.toContain(SECRET)
    }).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["OPENROUTER_API_KEY", `${SECRET} x`]])))))

  it.effect("OPENROUTER_BASE_URL wins over the layer's default base URL, and its absence keeps the default", () =>
    Effect.gen(function*() {
      const withEnv = yield* Effect.provide(
        OpenRouterConfig,
        OpenRouterConfig.layerConfig({ baseUrl: "https://proxy.example/v1" })
      ).pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(
          new Map([["OPENROUTER_API_KEY", SECRET], ["OPENROUTER_BASE_URL", "http://127.0.0.1:9/api/v1/"]])
        ))
      )
      expect(withEnv.completionsUrl).toBe("http://127.0.0.1:9/api/v1/chat/completions")
      const withoutEnv = yield* Effect.provide(
        OpenRouterConfig,
        OpenRouterConfig.layerConfig({ baseUrl: "https://proxy.example/v1" })
      ).pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["OPENROUTER_API_KEY", SECRET]])))
      )
      expect(withoutEnv.completionsUrl).toBe("https://proxy.example/v1/chat/completions")
    }))

  it.scoped("a call configured from the environment goes to OPENROUTER_BASE_URL (the emulator on a real port)", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(Testing.completion({ content: "from the emulator" }))
      const response = yield* Chat.send({ model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }).pipe(
        Effect.provide(Layer.merge(OpenRouterConfig.layerConfig(), NodeHttpClient.layerUndici)),
        Effect.withConfigProvider(ConfigProvider.fromMap(
          new Map([["OPENROUTER_API_KEY", SECRET], ["OPENROUTER_BASE_URL", server.url]])
        ))
      )
      expect(response.choices[0]?.message?.content).toBe("from the emulator")
      const requests = yield* server.requests
      expect(requests.map((r) => r.path)).toEqual(["/api/v1/chat/completions"])
      expect(requests[0]?.headers.authorization).toBe(`Bearer ${SECRET}`)
    }))

  it("accepts durations as strings or Durations", () => {
    const a = Client.makeConfig({ apiKey: Redacted.make("k"), timeout: "2 seconds", idleTimeout: Duration.seconds(3) })
    expect(Duration.toMillis(a.timeout)).toBe(2000)
    expect(Duration.toMillis(a.idleTimeout)).toBe(3000)
    const b = Client.makeConfig({ apiKey: Redacted.make("k") })
    expect(Duration.toMinutes(b.timeout)).toBe(10)
    expect(Duration.toMinutes(b.idleTimeout)).toBe(5)
    expect(b.baseUrl).toBe("https://openrouter.ai/api/v1")
  })

  it("keeps the User-Agent version equal to package.json's", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
    expect(version).toBe(pkg.version)
  })
})

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z")
  it("reads retry-after-ms first", () => {
    expect(Duration.toMillis(Client.parseRetryAfter({ "retry-after-ms": "1500", "retry-after": "9" }, now)!)).toBe(1500)
  })
  it("reads Retry-After in seconds", () => {
    expect(Duration.toMillis(Client.parseRetryAfter({ "retry-after": "3" }, now)!)).toBe(3000)
  })
  it("reads Retry-After as an HTTP date", () => {
    expect(Duration.toMillis(Client.parseRetryAfter({ "retry-after": "Thu, 01 Jan 2026 00:00:07 GMT" }, now)!)).toBe(
      7000
    )
  })
  describe("falls back to X-RateLimit-Reset", () => {
    const ms = (d: Duration.Duration | undefined) => d === undefined ? undefined : Duration.toMillis(d)
    const cases: ReadonlyArray<
      readonly [string, Record<string, string>, unknown, number | undefined]
    > = [
      ["epoch ms in the header", { "x-ratelimit-reset": String(now + 2500) }, undefined, 2500],
      ["epoch ms in metadata.headers", {}, { "X-RateLimit-Reset": String(now + 4000) }, 4000],
      ["a JSON number in metadata.headers", {}, { "x-ratelimit-reset": now + 700 }, 700],
      ["any case of the body's header name", {}, { "X-RATELIMIT-RESET": String(now + 800) }, 800],
      ["the header before metadata.headers", { "x-ratelimit-reset": String(now + 1) }, {
        "X-RateLimit-Reset": String(now + 9)
      }, 1],
      [
        "epoch seconds (a number that cannot be milliseconds)",
        { "x-ratelimit-reset": String(now / 1000 + 3) },
        undefined,
        3000
      ],
      ["a fraction of a millisecond rounds up", { "x-ratelimit-reset": String(now + 0.25) }, undefined, 1],
      ["retry-after-ms first", { "retry-after-ms": "10", "x-ratelimit-reset": String(now + 5000) }, undefined, 10],
      ["Retry-After first", { "retry-after": "2", "x-ratelimit-reset": String(now + 5000) }, undefined, 2000],
      [
        "after a malformed Retry-After",
        { "retry-after": "soon", "x-ratelimit-reset": String(now + 5000) },
        undefined,
        5000
      ],
      ["a reset in the past: the policy's backoff", { "x-ratelimit-reset": String(now - 1000) }, undefined, undefined],
      ["a reset right now: the policy's backoff", { "x-ratelimit-reset": String(now) }, undefined, undefined],
      ["a past reset in seconds", { "x-ratelimit-reset": String(now / 1000 - 5) }, undefined, undefined],
      ["a small count (no epoch)", { "x-ratelimit-reset": "60" }, undefined, undefined],
      ["garbage", { "x-ratelimit-reset": "tomorrow" }, undefined, undefined],
      ["a negative number", { "x-ratelimit-reset": String(-(now + 5000)) }, undefined, undefined],
      ["an empty value", { "x-ratelimit-reset": "" }, undefined, undefined],
      ["Infinity", { "x-ratelimit-reset": "Infinity" }, undefined, undefined],
      ["a number with a unit", { "x-ratelimit-reset": `${now + 5000}ms` }, undefined, undefined],
      ["metadata.headers that is not a record", {}, "X-RateLimit-Reset: 1", undefined],
      ["a non-number in metadata.headers", {}, { "X-RateLimit-Reset": { at: now + 5000 } }, undefined]
    ]
    it.each(cases)("%s", (_label, headers, bodyHeaders, expected) => {
      expect(ms(ResponseInternal.parseRetryAfter(headers, now, bodyHeaders))).toBe(expected)
    })
  })
  it("ignores a malformed value", () => {
    expect(Client.parseRetryAfter({ "retry-after": "soon" }, now)).toBeUndefined()
    expect(Client.parseRetryAfter({}, now)).toBeUndefined()
  })
})
