/**
 * Runs every example as a child process (`node --import tsx`, OPENROUTER_API_KEY unset, so against the
 * embedded emulator) and checks the lines it prints; and runs the checks of `examples/testing.ts`
 * under vitest, as a user would write them. The examples ported to the Effect 4 edition
 * (effect4/examples/) run too, on the Node that effect4/ installs, and must print the same lines.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { spawn } from "node:child_process"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { instruction, summarize } from "../examples/support/summarize.js"
import { OpenRouterConfig, Testing } from "../src/index.js"

const root = fileURLToPath(new URL("..", import.meta.url))

/** The environment of a user without a key (and without any demo knob). */
const keyless = (): NodeJS.ProcessEnv => {
  const env = { ...process.env }
  for (const name of ["OPENROUTER_API_KEY", "OPENROUTER_BASE_URL", "OPENROUTER_MODEL", "EFFECT_OPENROUTER_DEMO_SLOW"]) {
    delete env[name]
  }
  return env
}

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  readonly lines: ReadonlyArray<string>
}

/** Where an edition's examples run: the folder holding `examples/` and the Node that runs them. */
interface Edition {
  readonly name: string
  readonly dir: string
  readonly node: string
}

const effect3: Edition = { name: "Effect 3", dir: root, node: process.execPath }
// The Effect 4 edition's Node 22 (a devDependency of effect4/): @effect/platform-node 4 wants Node >= 22.19.
const effect4: Edition = {
  name: "Effect 4",
  dir: join(root, "effect4"),
  node: join(root, "effect4/node_modules/.bin/node")
}

/** Runs a TypeScript file of an edition (default: the Effect 3 edition) with tsx and collects its output. */
const run = (file: string, args: ReadonlyArray<string> = [], edition: Edition = effect3): Promise<Run> =>
  new Promise((resolve, reject) => {
    const loader = join(root, "node_modules/tsx/dist/loader.mjs")
    const child = spawn(edition.node, ["--import", pathToFileURL(loader).href, file, ...args], {
      cwd: edition.dir,
      env: keyless(),
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text))
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr, lines: stdout.split("\n") }))
  })

/** Fails with the whole output when a run did not exit 0, so a broken example is easy to read. */
const succeeded = (result: Run): Run => {
  expect(result.code, `exit code; stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toBe(0)
  return result
}

const emulatorLine = /^Using the embedded OpenRouter emulator at http:\/\/127\.0\.0\.1:\d+\/api\/v1 /

const TIMEOUT = 120_000

describe.concurrent("examples against the embedded emulator", () => {
  for (const name of ["basic", "fetch"]) {
    it(`${name} prints the answer, model, provider, usage and cost`, async () => {
      const { lines } = succeeded(await run(`examples/${name}.ts`))
      expect(lines[0]).toMatch(emulatorLine)
      expect(lines).toContainEqual(
        expect.stringMatching(/^Answer: +This answer comes from the local OpenRouter emulator/)
      )
      expect(lines).toContain("Model:    openrouter/auto")
      expect(lines).toContain("Provider: Emulator")
      expect(lines).toContainEqual(expect.stringMatching(/^Usage: +\d+ prompt \+ \d+ completion = \d+ tokens$/))
      expect(lines).toContainEqual(expect.stringMatching(/^Cost: +\$0\.\d{6}$/))
    }, TIMEOUT)
  }

  it("streaming prints the streamed text, then the chunk count, usage and cost", async () => {
    const { lines } = succeeded(await run("examples/streaming.ts"))
    expect(lines[0]).toMatch(emulatorLine)
    expect(lines[1]).toMatch(
      /^This answer comes from the local OpenRouter emulator.*"Write a haiku about streams of tokens\."$/
    )
    expect(lines[2]).toMatch(/^Streamed \d+ chunks from openrouter\/auto via Emulator\.$/)
    expect(lines[3]).toMatch(/^Usage: \d+ prompt \+ \d+ completion = \d+ tokens$/)
    expect(lines[4]).toMatch(/^Cost: +\$0\.\d{6}$/)
  }, TIMEOUT)

  it("errors prints one friendly line per failure, naming its error class", async () => {
    const { lines } = succeeded(await run("examples/errors.ts"))
    const line = (prefix: string) => lines.find((l) => l.startsWith(prefix))
    expect(line("401: ")).toMatch(/API key was refused.*\[UnauthorizedResponseError\]$/)
    expect(line("402: ")).toMatch(/^402: Out of credits .*\[PaymentRequiredResponseError\]$/)
    expect(line("429: ")).toBe("429: Rate limited (429): try again in 7s. [TooManyRequestsResponseError]")
    expect(line("503: ")).toMatch(/temporarily_unavailable.*\[ServiceUnavailableResponseError\]$/)
    expect(line("502 (HTML): ")).toMatch(/non-JSON page.*\[BadGatewayResponseError\]$/)
    expect(lines).toContain("Once upon a ")
    expect(lines).toContainEqual(
      expect.stringMatching(
        /→ The stream failed after it had started \(the partial answer is above\).*\[MidStreamError\]$/
      )
    )
    expect(lines).toContainEqual(expect.stringMatching(/→ The stream was cut off .*\[ConnectionError\]$/))
    expect(line("invalid request: ")).toMatch(/nothing was sent: temperature \(.*\) \[InvalidRequestError\]$/)
  }, TIMEOUT)

  it("retry shows each attempt and how every policy ended", async () => {
    const { stdout } = succeeded(await run("examples/retry.ts"))
    // Scenario by scenario: "N. title", the emulator's attempt lines, then "→ outcome".
    const scenarios = stdout.split(/^(?=\d+\. )/m).slice(1)
    const attempts = (scenario: string) => scenario.match(/emulator: attempt \d+/g)?.length ?? 0
    const outcome = (scenario: string) => scenario.match(/→ (succeeded|failed with \w+ after \d+ attempts?)/)?.[1]
    expect(scenarios.map((s) => [attempts(s), outcome(s)])).toEqual([
      [3, "succeeded"],
      [1, "failed with ServiceUnavailableResponseError after 1 attempt"],
      [4, "failed with ServiceUnavailableResponseError after 4 attempts"],
      [3, "succeeded"],
      [1, "failed with TimeoutError after 1 attempt"],
      [2, "succeeded"]
    ])
  }, TIMEOUT)

  it("tools runs get_weather for the model's call and prints the answer built from its result", async () => {
    const { lines } = succeeded(await run("examples/tools.ts"))
    expect(lines.slice(1, 5)).toEqual([
      "user: What's the weather in Paris right now?",
      "assistant → tool call get_weather({\"city\": \"Paris\"})",
      "tool → {\"city\":\"Paris\",\"temperature_c\":18,\"conditions\":\"light rain\"}",
      "assistant: It is 18 °C in Paris, with light rain. Take an umbrella."
    ])
  }, TIMEOUT)

  for (const edition of [effect3, effect4]) {
    it(
      `ai-language-model (${edition.name} edition) runs a tool-using effect/ai program through the provider`,
      async () => {
        const { lines } = succeeded(await run("examples/ai-language-model.ts", [], edition))
        expect(lines.slice(1, 7)).toEqual([
          "user: What's the weather in Paris and in Oslo right now?",
          "assistant → tool call get_weather({\"city\":\"Paris\"})",
          "assistant → tool call get_weather({\"city\":\"Oslo\"})",
          "tool → {\"city\":\"Paris\",\"temperature_c\":18,\"conditions\":\"light rain\"}",
          "tool → {\"city\":\"Oslo\",\"temperature_c\":4,\"conditions\":\"clear skies\"}",
          "assistant: Paris: 18 °C, light rain. Oslo: 4 °C, clear skies."
        ])
        expect(lines[7]).toMatch(/^\(finish: stop, \d+ → \d+ tokens\)$/)
      },
      TIMEOUT
    )
  }

  for (const edition of [effect3, effect4]) {
    it(
      `structured (${edition.name} edition) prints the decoded recipe, usage and cost, then the streamed partial values`,
      async () => {
        const { lines } = succeeded(await run("examples/structured.ts", [], edition))
        expect(lines[0]).toMatch(emulatorLine)
        expect(lines.slice(1, 6)).toEqual([
          "Recipe:   Quick pancakes (3 ingredients, 20 min, vegetarian)",
          "  - 200 g flour",
          "  - 300 ml milk",
          "  - 2 eggs",
          "Tip:      (none)"
        ])
        expect(lines).toContainEqual(expect.stringMatching(/^Usage: +\d+ prompt \+ \d+ completion = \d+ tokens$/))
        expect(lines).toContainEqual(expect.stringMatching(/^Cost: +\$0\.\d{6}$/))
        expect(lines).toContainEqual(
          expect.stringMatching(
            /^Streamed: \d+ partial values \(up to 3 ingredients\), then Quick pancakes \(3 ingredients, 20 min, vegetarian\)$/
          )
        )
      },
      TIMEOUT
    )
  }
  // The tool's failure as each edition's Schema encodes a tagged error: Effect 4 writes `_tag` first.
  for (
    const edition of [
      { ...effect3, cityNotFound: "{\"city\":\"Atlantis\",\"_tag\":\"CityNotFound\"}" },
      { ...effect4, cityNotFound: "{\"_tag\":\"CityNotFound\",\"city\":\"Atlantis\"}" }
    ]
  ) {
    it(
      `agent (${edition.name} edition) runs two tools through ToolLoop.stream, one failing back to the model, and ends with a typed answer`,
      async () => {
        const { lines } = succeeded(await run("examples/agent.ts", [], edition))
        expect(lines[0]).toMatch(emulatorLine)
        expect(lines.slice(1, 7)).toEqual([
          "user: What's the weather in Paris and in Atlantis, and what time is it in Paris?",
          "tool get_weather({\"city\":\"Paris\"}) = {\"city\":\"Paris\",\"celsius\":18,\"conditions\":\"light rain\"}",
          `tool get_weather({"city":"Atlantis"}) failed: {"error":${edition.cityNotFound}}`,
          "tool get_time({\"timezone\":\"Europe/Paris\"}) = 14:30",
          "answer: Paris: 18 °C, light rain; Atlantis: unknown; time in Paris 14:30",
          "(2 rounds, 7 messages, the answer seen forming in pieces)"
        ])
      },
      TIMEOUT
    )
  }
  it("telemetry prints the chat span, the HTTP span beneath it and the GenAI metrics", async () => {
    const { lines, stdout } = succeeded(await run("examples/telemetry.ts"))
    expect(lines[0]).toMatch(emulatorLine)
    // The console exporter prints each span as an object: the chat span is the HTTP span's parent.
    const chatId = stdout.match(/name: 'chat openrouter\/auto',\n {2}id: '([0-9a-f]+)'/)?.[1]
    expect(chatId).toBeDefined()
    const httpParent = stdout.match(/spanId: '([0-9a-f]+)'[^]*?name: 'http\.client POST'/)?.[1]
    expect(httpParent).toBe(chatId)
    for (
      const attribute of [
        "'gen_ai.operation.name': 'chat'",
        "'gen_ai.provider.name': 'openrouter'",
        "'gen_ai.request.model': 'openrouter/auto'",
        "'openrouter.provider': 'Emulator'",
        "'openrouter.attempts': 1"
      ]
    ) expect(stdout).toContain(attribute)
    expect(stdout).toMatch(/'gen_ai\.usage\.output_tokens': \d+/)
    expect(stdout).toMatch(/'gen_ai\.response\.time_to_first_chunk': [\d.e-]+/)
    for (
      const metric of [
        "gen_ai.client.token.usage",
        "gen_ai.client.operation.duration",
        "gen_ai.client.operation.time_to_first_chunk",
        "openrouter.client.cost"
      ]
    ) expect(stdout).toContain(`name: '${metric}'`)
    // Content is not recorded by default.
    expect(stdout).not.toContain("gen_ai.input.messages")
    expect(stdout).not.toContain("gen_ai.output.messages")
  }, TIMEOUT)

  it("testing runs its checks and prints an ok line for each", async () => {
    const { lines } = succeeded(await run("examples/testing.ts"))
    expect(lines.filter((l) => /^ok \d+ - /.test(l))).toHaveLength(4)
    expect(lines).toContain("4 checks passed")
  }, TIMEOUT)

  it("the example runner runs the example it is given", async () => {
    const { lines } = succeeded(await run("scripts/example.ts", ["testing"]))
    expect(lines).toContain("4 checks passed")
  }, TIMEOUT)

  it("the example runner lists the examples and exits 1 for an unknown name", async () => {
    const result = await run("scripts/example.ts", ["no-such-example"])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("Unknown example: no-such-example")
    for (
      const name of [
        "basic",
        "fetch",
        "streaming",
        "errors",
        "retry",
        "tools",
        "agent",
        "structured",
        "ai-language-model",
        "telemetry",
        "testing",
        "demo"
      ]
    ) {
      expect(result.stderr).toMatch(new RegExp(`^  ${name} `, "m"))
    }
  }, TIMEOUT)
})

// The checks of examples/testing.ts, as they would be written in a vitest suite.
describe("summarize, tested with Testing.layer", () => {
  const text = "Effect is a TypeScript library for building programs that are typed, composable and testable."
  const testLayer = (script: Testing.Script) =>
    Layer.merge(Testing.layer(script), OpenRouterConfig.layer({ apiKey: Redacted.make("sk-or-test"), retry: false }))

  it.effect("returns the model's answer, trimmed, as the summary", () =>
    Effect.gen(function*() {
      expect(yield* summarize(text)).toBe("Effect makes programs typed.")
    }).pipe(Effect.provide(testLayer(Testing.completion({ content: "  Effect makes programs typed.\n" })))))

  it.effect("sends the instruction and the text, with the key and the model", () =>
    Effect.gen(function*() {
      yield* summarize(text, "anthropic/claude-sonnet-4")
      const requests = yield* Testing.requests
      expect(requests).toHaveLength(1)
      expect(requests[0]!.headers.authorization).toBe("Bearer sk-or-test")
      expect(requests[0]!.body).toEqual({
        model: "anthropic/claude-sonnet-4",
        messages: [{ role: "system", content: instruction }, { role: "user", content: text }],
        max_tokens: 100,
        temperature: 0
      })
    }).pipe(Effect.provide(testLayer(Testing.completion()))))

  it.effect("fails with PaymentRequiredResponseError when the account is out of credits", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(summarize(text))
      expect(error._tag).toBe("PaymentRequiredResponseError")
    }).pipe(Effect.provide(testLayer(Testing.error(402)))))

  it.effect("fails with EmptySummaryError when the model answers with no text", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(summarize(text))
      expect(error).toMatchObject({ _tag: "EmptySummaryError", finishReason: "length" })
    }).pipe(Effect.provide(testLayer(Testing.completion({ content: "", finishReason: "length" })))))
})
