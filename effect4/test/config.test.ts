/**
 * Configuration: the configured headers' part is shared with the Effect 3 edition
 * (`test/support/configSuite.ts`); this file gives it the Effect 4 edition's pieces and holds what reads
 * Effect's own configuration (`ConfigProvider`, `layerConfig`, `Config` errors) and the config service.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import type * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as Match from "effect/Match"
import * as Redacted from "effect/Redacted"
import { readFileSync } from "node:fs"
import { inspect } from "node:util"
import { configSuite, SECRET, type Sent } from "../../test/support/configSuite.js"
import { invalidBaseUrls } from "../../test/support/errorTables.js"
import { Chat, Client, type Errors, OpenRouterConfig } from "../src/index.js"
import { version } from "../src/internal/transport/version.js"
import * as Testing from "../src/Testing.js"
import * as TestServer from "../src/TestServer.js"
import { outcome } from "./support/callsEffect4.js"

/** Runs with a ConfigProvider over the given variables (Effect 4: a layer of the ConfigProvider reference). */
const withEnv = (env: ReadonlyMap<string, string>) =>
  Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnvRecord(Object.fromEntries(env))))

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
        Effect.result,
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
      withEnv(
        new Map([
          ["OPENROUTER_API_KEY", SECRET],
          ["OPENROUTER_BASE_URL", "http://127.0.0.1:9/api/v1"],
          ["OPENROUTER_HTTP_REFERER", "https://ref.example"],
          ["OPENROUTER_APP_TITLE", "Env App"],
          ["OPENROUTER_APP_CATEGORIES", " cli-agent, cloud-agent ,"]
        ])
      )
    ))

  it.effect("fails layer construction with a ConfigError naming OPENROUTER_API_KEY when the key is missing", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Effect.provide(Effect.service(OpenRouterConfig), OpenRouterConfig.layerConfig()))
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) expect(String(exit.cause)).toContain("OPENROUTER_API_KEY")
    }).pipe(withEnv(new Map())))

  // The key is read as a plain string and wrapped at once (as in Effect 3), so the message about a
  // missing key says what to do; Effect 4's provider treats an empty variable as unset.
  for (const [what, env] of [["unset", new Map()], ["empty", new Map([["OPENROUTER_API_KEY", ""]])]] as const) {
    it.effect(`a key that is ${what} says how to set it, with no <redacted> where nothing secret is shown`, () =>
      Effect.gen(function*() {
        for (
          const config of [
            OpenRouterConfig.layerConfig(),
            Layer.effect(OpenRouterConfig, Effect.map(Client.fromEnv, Client.makeConfig))
          ]
        ) {
          const error = yield* Effect.flip(Effect.provide(Effect.service(OpenRouterConfig), config))
          expect(error._tag).toBe("ConfigError")
          // Effect 4's ConfigError prints its SchemaError: `SchemaError(<text>\n  at ["OPENROUTER_API_KEY"])`.
          expect(error.message).toMatch(
            /^SchemaError\(OPENROUTER_API_KEY is not set: set it to your OpenRouter API key/
          )
          expect(error.message).toContain("https://openrouter.ai/keys")
          expect(error.message).toContain("export OPENROUTER_API_KEY=")
          expect(error.message).toContain("npx effect-openrouter-emulator")
          expect(error.message).toContain(`at ["OPENROUTER_API_KEY"]`)
          expect(String(error)).not.toContain("<redacted>")
        }
      }).pipe(withEnv(new Map([...env, ["OPENROUTER_BASE_URL", "http://127.0.0.1:9"]]))))
  }

  it.effect("a handler placed after the layer matches the configuration error by its tag, as the Quick start does", () =>
    Effect.gen(function*() {
      const explain = Match.type<Errors.SendError | Config.ConfigError>().pipe(
        Match.tag("ConfigError", (e) => `configuration: ${e.message}`),
        Match.orElse((e) => `call: ${e._tag}`)
      )
      const printed = yield* Chat.send({ messages: [{ role: "user", content: "Hi" }] }).pipe(
        Effect.as("answered"),
        Effect.provide(Layer.merge(OpenRouterConfig.layerConfig(), Testing.layer(Testing.completion()))),
        Effect.catch((error) => Effect.succeed(explain(error)))
      )
      expect(printed).toMatch(/^configuration: SchemaError\(OPENROUTER_API_KEY is not set/)
    }).pipe(withEnv(new Map())))

  for (const [value, problem] of invalidBaseUrls) {
    it.effect(`an OPENROUTER_BASE_URL of ${JSON.stringify(value)} is a ConfigError beginning with the variable`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(
          Effect.provide(Effect.service(OpenRouterConfig), OpenRouterConfig.layerConfig())
        )
        expect(error._tag).toBe("ConfigError")
        expect(error.message).toMatch(
          new RegExp(`^SchemaError\\(OPENROUTER_BASE_URL: ${problem.replace(/[.?]/g, "\\$&")}`)
        )
        expect(error.message).toContain("https://openrouter.ai/api/v1")
        expect(error.message).toContain(`at ["OPENROUTER_BASE_URL"]`)
        expect(String(error)).not.toContain("pw-very-secret")
        expect(String(error)).not.toContain(SECRET)
      }).pipe(withEnv(new Map([["OPENROUTER_API_KEY", SECRET], ["OPENROUTER_BASE_URL", value]]))))
  }

  it.effect("an invalid key is a ConfigError beginning with OPENROUTER_API_KEY that says how to set it, without the key", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.provide(Effect.service(OpenRouterConfig), OpenRouterConfig.layerConfig()))
      expect(error.message).toMatch(/^SchemaError\(OPENROUTER_API_KEY: the API key may only contain visible ASCII/)
      expect(error.message).toContain("export OPENROUTER_API_KEY=")
      expect(String(error)).not.toContain(SECRET)
      expect(inspect(error, { depth: 20 })).not.toContain(SECRET)
    }).pipe(withEnv(new Map([["OPENROUTER_API_KEY", `${SECRET} x`]]))))

  it.effect("OPENROUTER_BASE_URL wins over the layer's default base URL, and its absence keeps the default", () =>
    Effect.gen(function*() {
      const read = (env: ReadonlyMap<string, string>) =>
        Effect.provide(
          Effect.service(OpenRouterConfig),
          OpenRouterConfig.layerConfig({ baseUrl: "https://proxy.example/v1" })
        ).pipe(withEnv(env))
      const withUrl = yield* read(
        new Map([["OPENROUTER_API_KEY", SECRET], ["OPENROUTER_BASE_URL", "http://127.0.0.1:9/api/v1/"]])
      )
      expect(withUrl.completionsUrl).toBe("http://127.0.0.1:9/api/v1/chat/completions")
      const withoutUrl = yield* read(new Map([["OPENROUTER_API_KEY", SECRET]]))
      expect(withoutUrl.completionsUrl).toBe("https://proxy.example/v1/chat/completions")
    }))

  it.effect("a call configured from the environment goes to OPENROUTER_BASE_URL (the emulator on a real port)", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make(Testing.completion({ content: "from the emulator" }))
      const response = yield* Chat.send({ model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }).pipe(
        Effect.provide(Layer.merge(OpenRouterConfig.layerConfig(), NodeHttpClient.layerUndici)),
        withEnv(new Map([["OPENROUTER_API_KEY", SECRET], ["OPENROUTER_BASE_URL", server.url]]))
      )
      expect(response.choices[0]?.message?.content).toBe("from the emulator")
      const requests = yield* server.requests
      expect(requests.map((r) => r.path)).toEqual(["/api/v1/chat/completions"])
      expect(requests[0]?.headers.authorization).toBe(`Bearer ${SECRET}`)
    }).pipe(Effect.scoped))

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
  it("ignores a malformed value", () => {
    expect(Client.parseRetryAfter({ "retry-after": "soon" }, now)).toBeUndefined()
    expect(Client.parseRetryAfter({}, now)).toBeUndefined()
  })
})
