/**
 * The Effect 4 edition's configuration: `OpenRouterConfig.layerConfig` reads each variable through
 * its own checked `Config` (a bad value is a `ConfigError` naming the variable, never showing the
 * value), options given in code are named by their path, and the duration inputs Effect 4 adds.
 */
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import { inspect } from "node:util"
import { Client, OpenRouterConfig } from "../src/index.js"
import * as Options from "../src/internal/transport/options.js"
import { SECRET } from "./support/harness.js"

const withEnv = (env: Record<string, string>) => Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnvRecord(env)))

const build = (env: Record<string, string>, defaults: Parameters<typeof OpenRouterConfig.layerConfig>[0] = {}) =>
  Effect.exit(Effect.provide(Effect.service(OpenRouterConfig), OpenRouterConfig.layerConfig(defaults))).pipe(
    withEnv(env)
  )

const failureText = (exit: Exit.Exit<unknown, unknown>): string => {
  if (Exit.isSuccess(exit)) throw new Error("the layer was built")
  return `${String(exit.cause)}\n${inspect(exit.cause, { depth: 20 })}`
}

describe("OpenRouterConfig.layerConfig (Effect 4)", () => {
  const badValues: ReadonlyArray<readonly [string, string, string]> = [
    ["OPENROUTER_API_KEY", `${SECRET} trailing`, "visible ASCII"],
    ["OPENROUTER_API_KEY", "", "OPENROUTER_API_KEY is not set"],
    ["OPENROUTER_BASE_URL", `https://user:${SECRET}@example.com/api/v1`, "credentials"],
    ["OPENROUTER_BASE_URL", "ftp://example.com", "http"],
    ["OPENROUTER_HTTP_REFERER", `https://ref.example\r\nx-leak: ${SECRET}`, "OPENROUTER_HTTP_REFERER"],
    ["OPENROUTER_APP_TITLE", `title\n${SECRET}`, "OPENROUTER_APP_TITLE"],
    ["OPENROUTER_APP_CATEGORIES", `cli-agent,a\u0000${SECRET}`, "OPENROUTER_APP_CATEGORIES"]
  ]
  for (const [variable, value, says] of badValues) {
    it.effect(`fails with a ConfigError naming ${variable} for ${JSON.stringify(value.slice(0, 24))}`, () =>
      Effect.gen(function*() {
        const env: Record<string, string> = { OPENROUTER_API_KEY: "sk-good", [variable]: value }
        const text = failureText(yield* build(env))
        expect(text).toContain(variable)
        expect(text).toContain(says)
        expect(text).not.toContain(SECRET)
      }))
  }

  it.effect("names an invalid option given in code by its path, and every one of them", () =>
    Effect.gen(function*() {
      const text = failureText(
        yield* build({ OPENROUTER_API_KEY: "sk-good" }, { timeout: "soon" as never, headers: { "x-a": "a\nb" } })
      )
      expect(text).toContain("timeout")
      expect(text).toContain(`["headers"]["x-a"]`)
    }))

  it.effect("builds the service when every variable is valid; the key stays redacted", () =>
    Effect.gen(function*() {
      const exit = yield* build({
        OPENROUTER_API_KEY: SECRET,
        OPENROUTER_BASE_URL: "http://127.0.0.1:9/api/v1/",
        OPENROUTER_APP_CATEGORIES: "cli-agent, cloud-agent"
      })
      if (Exit.isFailure(exit)) throw new Error(String(exit.cause))
      const config = exit.value
      expect(config.completionsUrl).toBe("http://127.0.0.1:9/api/v1/chat/completions")
      expect(config.headers["x-openrouter-categories"]).toBe("cli-agent,cloud-agent")
      expect(Redacted.value(config.apiKey)).toBe(SECRET)
      expect(inspect(config, { depth: 10 })).not.toContain(SECRET)
      expect(JSON.stringify(config)).not.toContain(SECRET)
    }))

  it.effect("is a Context.Service: yield* OpenRouterConfig reads it", () =>
    Effect.gen(function*() {
      const config = yield* OpenRouterConfig
      expect(config.baseUrl).toBe("https://openrouter.ai/api/v1")
    }).pipe(Effect.provide(OpenRouterConfig.layer({ apiKey: Redacted.make("sk-x") }))))
})

describe("duration options (Effect 4's Duration.Input)", () => {
  const table: ReadonlyArray<readonly [unknown, number | undefined]> = [
    [1500, 1500],
    ["2 seconds", 2000],
    [Duration.seconds(3), 3000],
    [{ seconds: 4 }, 4000],
    [[1, 0], 1000],
    [Infinity, Infinity],
    [-1, undefined],
    [Number.NaN, undefined],
    ["-5 seconds", undefined],
    [{ seconds: -3 }, undefined],
    ["soon", undefined],
    [null, undefined],
    [true, undefined]
  ]
  for (const [input, millis] of table) {
    it(`${inspect(input)} is ${millis === undefined ? "refused" : `${millis} ms`}`, () => {
      const issues: Array<{ path: string; message: string }> = []
      const d = Options.checkDuration(input, "timeout", issues)
      if (millis === undefined) {
        expect(d).toBeUndefined()
        expect(issues.map((i) => i.path)).toEqual(["timeout"])
      } else {
        expect(issues).toEqual([])
        expect(Duration.toMillis(d!)).toBe(millis)
      }
    })
  }

  it("makeConfig never throws on a hostile duration and names the option", () => {
    const hostile = new Proxy({}, {
      get: () => {
        throw new Error("boom")
      }
    })
    const config = Client.makeConfig({ apiKey: Redacted.make("k"), idleTimeout: hostile as never })
    expect(Options.configIssues.get(config)?.map((i) => i.path)).toContain("idleTimeout")
  })
})
