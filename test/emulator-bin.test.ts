/**
 * The `effect-openrouter-emulator` bin (src/internal/emulator/cli.ts, run as a process, as npx runs
 * it): it prints its base URL first, serves on that real port until SIGTERM, refuses unlisted models
 * with `--models`, answers from a `--script` module, and explains a bad option or a busy port.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterEach, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { Chat, OpenRouterConfig } from "../src/index.js"

const root = fileURLToPath(new URL("..", import.meta.url))
const TIMEOUT = 60_000
const children = new Set<ChildProcessWithoutNullStreams>()
afterEach(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL")
  children.clear()
})

interface Running {
  readonly child: ChildProcessWithoutNullStreams
  readonly url: string
  readonly stderr: () => string
  readonly exited: Promise<number | null>
}

const run = (args: ReadonlyArray<string>) => {
  const child = spawn(process.execPath, ["--import", "tsx", "src/internal/emulator/cli.ts", ...args], { cwd: root })
  children.add(child)
  let stdout = ""
  let stderr = ""
  child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text))
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text))
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)))
  return { child, exited, stdout: () => stdout, stderr: () => stderr }
}

/** Starts the bin and resolves once it printed its URL (its first line of stdout). */
const start = (args: ReadonlyArray<string>): Promise<Running> =>
  new Promise((resolve, reject) => {
    const proc = run(args)
    const check = () => {
      const newline = proc.stdout().indexOf("\n")
      if (newline === -1) return
      proc.child.stdout.off("data", check)
      resolve({ child: proc.child, url: proc.stdout().slice(0, newline), stderr: proc.stderr, exited: proc.exited })
    }
    proc.child.stdout.on("data", check)
    void proc.exited.then((code) => reject(new Error(`exited ${code} before printing a URL: ${proc.stderr()}`)))
  })

const client = (url: string) =>
  Layer.merge(
    OpenRouterConfig.layer({ apiKey: Redacted.make("any-value"), baseUrl: url, retry: false }),
    NodeHttpClient.layerUndici
  )

const messages = [{ role: "user", content: "Hi" }] as const

describe("npx effect-openrouter-emulator", () => {
  it("prints its base URL, serves the emulator on it, and exits 0 on SIGTERM", async () => {
    const bin = await start(["--port", "0"])
    expect(bin.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/)
    const response = await Effect.runPromise(
      Chat.send({ model: "openai/gpt-4o", messages }).pipe(Effect.provide(client(bin.url)))
    )
    expect(response.provider).toBe("Emulator")
    expect(response.choices[0]?.message?.content).toMatch(/which accepts any API key: no model read your message/)
    bin.child.kill("SIGTERM")
    expect(await bin.exited).toBe(0)
    expect(bin.stderr()).toContain(`OPENROUTER_BASE_URL=${bin.url} OPENROUTER_API_KEY=any-value`)
  }, TIMEOUT)

  it("--models refuses other models with OpenRouter's 404", async () => {
    const bin = await start(["--port", "0", "--models", "openai/gpt-4o-mini, anthropic/claude-sonnet-4"])
    const program = Effect.gen(function*() {
      const listed = yield* Chat.send({ model: "anthropic/claude-sonnet-4", messages })
      const unlisted = yield* Effect.flip(Chat.send({ model: "openai/gpt-4o", messages }))
      return { listed: listed.model, unlisted: unlisted._tag, message: unlisted.message }
    })
    expect(await Effect.runPromise(program.pipe(Effect.provide(client(bin.url))))).toEqual({
      listed: "anthropic/claude-sonnet-4",
      unlisted: "NotFoundResponseError",
      message: "No endpoints found for openai/gpt-4o."
    })
  }, TIMEOUT)

  it("--script answers from a module's Testing.Script", async () => {
    const bin = await start(["--port", "0", "--script", "test/support/emulator-script.ts"])
    const program = Effect.gen(function*() {
      const limited = yield* Effect.flip(Chat.send({ model: "openai/gpt-4o", messages }))
      const answered = yield* Chat.send({ model: "openai/gpt-4o", messages })
      return [limited._tag, answered.choices[0]?.message?.content]
    })
    expect(await Effect.runPromise(program.pipe(Effect.provide(client(bin.url))))).toEqual([
      "TooManyRequestsResponseError",
      "scripted answer"
    ])
  }, TIMEOUT)

  it("says which port is busy and exits 1", async () => {
    const first = await start(["--port", "0"])
    const port = new URL(first.url).port
    const second = run(["--port", port])
    expect(await second.exited).toBe(1)
    expect(second.stderr()).toContain(`port ${port} is in use; choose another with --port`)
  }, TIMEOUT)

  it("explains an unknown option or a bad port with the usage, and exits 2", async () => {
    for (const args of [["--prot", "80"], ["--port", "http"]]) {
      const bin = run(args)
      expect(await bin.exited).toBe(2)
      expect(bin.stderr()).toMatch(/^effect-openrouter-emulator: /)
    }
    const unknown = run(["--prot", "80"])
    await unknown.exited
    expect(unknown.stderr()).toContain("Usage: npx effect-openrouter-emulator")
  }, TIMEOUT)

  it("--help prints the usage and exits 0", async () => {
    const bin = run(["--help"])
    expect(await bin.exited).toBe(0)
    expect(bin.stdout()).toContain("--models <list>")
  }, TIMEOUT)
})
