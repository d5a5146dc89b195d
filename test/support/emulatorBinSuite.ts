/**
 * The `effect-openrouter-emulator` bin of both editions (`test/emulator-bin.test.ts`,
 * `effect4/test/emulator-bin.test.ts`), run as a process, as npx runs it: it prints its base URL
 * first, serves on that real port until SIGTERM, refuses unlisted models with `--models`, answers from
 * a `--script` module of the edition's `Testing`, and explains a bad option or a busy port. Both bins
 * run one body (`src/internal/emulator/cliMain.ts`) with their Effect's durations; the edition passes
 * its entry, its script module and its calls (`calls.ts`).
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import type { Calls } from "./calls.js"
import type { Vitest } from "./suite.js"

/** What the suite takes from an edition. */
export interface EmulatorBinEdition extends Vitest {
  readonly edition: "effect3" | "effect4"
  readonly afterEach: (fn: () => void) => void
  /** The repository's root, where `tsx` is installed: the bin runs as `node --import tsx <entry>` from it. */
  readonly root: string
  /** The bin's entry, from the root (`package.json` `bin` is its build). */
  readonly entry: string
  /** A `--script` module, from the root: a 429 with `Retry-After: 0`, then the text "scripted answer". */
  readonly script: string
  /** The edition's calls over one HttpClient (`Chat.send` with retries off against a base URL). */
  readonly calls: Calls
}

const TIMEOUT = 60_000

interface Running {
  readonly child: ChildProcessWithoutNullStreams
  readonly url: string
  readonly stderr: () => string
  readonly exited: Promise<number | null>
}

export const emulatorBinSuite = (edition: EmulatorBinEdition): void => {
  const { describe, expect, it } = edition
  const children = new Set<ChildProcessWithoutNullStreams>()
  edition.afterEach(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL")
    children.clear()
  })

  const run = (args: ReadonlyArray<string>) => {
    const child = spawn(process.execPath, ["--import", "tsx", edition.entry, ...args], { cwd: edition.root })
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

  const messages = [{ role: "user", content: "Hi" }]
  const send = (url: string, model: string) => edition.calls.send(url, { model, messages })

  describe(`npx effect-openrouter-emulator (${edition.edition})`, () => {
    it("prints its base URL, serves the emulator on it, and exits 0 on SIGTERM", async () => {
      const bin = await start(["--port", "0"])
      expect(bin.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/)
      const sent = await send(bin.url, "openai/gpt-4o")
      expect(sent.ok && sent.value.provider).toBe("Emulator")
      expect(sent.ok && sent.value.choices[0]?.message?.content).toMatch(
        /which accepts any API key: no model read your message/
      )
      bin.child.kill("SIGTERM")
      expect(await bin.exited).toBe(0)
      expect(bin.stderr()).toContain(`OPENROUTER_BASE_URL=${bin.url} OPENROUTER_API_KEY=any-value`)
    }, TIMEOUT)

    it("--models refuses other models with OpenRouter's 404", async () => {
      const bin = await start(["--port", "0", "--models", "openai/gpt-4o-mini, anthropic/claude-sonnet-4"])
      const listed = await send(bin.url, "anthropic/claude-sonnet-4")
      const unlisted = await send(bin.url, "openai/gpt-4o")
      expect(listed.ok && listed.value.model).toBe("anthropic/claude-sonnet-4")
      expect(unlisted.ok ? "succeeded" : [unlisted.error._tag, unlisted.error.message]).toEqual([
        "NotFoundResponseError",
        "No endpoints found for openai/gpt-4o."
      ])
    }, TIMEOUT)

    it("--script answers from a module's Testing.Script", async () => {
      const bin = await start(["--port", "0", "--script", edition.script])
      const limited = await send(bin.url, "openai/gpt-4o")
      const answered = await send(bin.url, "openai/gpt-4o")
      expect([
        limited.ok ? "succeeded" : limited.error._tag,
        answered.ok && answered.value.choices[0]?.message?.content
      ]).toEqual([
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
}
