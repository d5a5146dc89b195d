/**
 * The demo as a user runs it (its examples/demo.ts), against the embedded emulator (OPENROUTER_API_KEY
 * unset): one question from the command line, questions piped on stdin, SIGINT while a reply
 * streams, and, when util-linux `script` is available, a real terminal (a pty) driven with
 * keystrokes (Enter, Ctrl-C, Ctrl-D); and against an emulator of the test's own given as
 * OPENROUTER_BASE_URL without a key.
 *
 * One body for both editions' demos (`test/demo.test.ts` runs the Effect 3 edition's,
 * `effect4/test/demo.test.ts` the Effect 4 edition's): the demo is a process, so the test is
 * Effect-free, and each suite passes in its own vitest (3 and 5 cannot share a module) and its own
 * edition's `TestServer.listen` (the emulator the demo is pointed at).
 *
 * Replies are slowed down with EFFECT_OPENROUTER_DEMO_SLOW where a test needs to act while one
 * streams. Waits are for output, never for a duration; the deadline only turns a hang into a
 * readable failure.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process"
import { join } from "node:path"
import { pathToFileURL } from "node:url"

/** What the suite needs of the running vitest (3 for the Effect 3 suite, 5 for the Effect 4 one). */
export interface Vitest {
  readonly describe: ((name: string, body: () => void) => void) & {
    readonly skipIf: (condition: boolean) => (name: string, body: () => void) => void
  }
  readonly it: (name: string, body: () => Promise<void>, timeout: number) => void
  readonly expect: (value: unknown) => {
    toBe(expected: unknown): void
    toEqual(expected: unknown): void
    toMatch(expected: RegExp): void
    toHaveLength(expected: number): void
    toBeGreaterThan(expected: number): void
    readonly not: { toMatch(expected: RegExp): void }
  }
  readonly afterEach: (body: () => void) => void
}

/** What the suite needs of an emulator it starts: the edition's `TestServer.listen(Testing.emulator)`. */
export interface Emulator {
  readonly url: string
  readonly requests: () => ReadonlyArray<{ readonly path: string; readonly headers: Record<string, string> }>
  readonly close: () => Promise<void>
}

/**
 * The demo's tests, for the edition in `dir` (its `examples/demo.ts`), run with the repository's
 * `tsx` (found from `root`) on the Node running the suite; `listen` starts that edition's emulator.
 */
export const demoSuite = (
  { afterEach, describe, expect, it }: Vitest,
  root: string,
  dir: string,
  listen: () => Promise<Emulator>
): void => {
  const loader = pathToFileURL(join(root, "node_modules", "tsx", "dist", "loader.mjs")).href
  const TIMEOUT = 120_000
  const HANG_GUARD = 90_000

  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
    const out: NodeJS.ProcessEnv = { ...process.env }
    for (const name of ["OPENROUTER_API_KEY", "OPENROUTER_BASE_URL", "OPENROUTER_MODEL"]) delete out[name]
    delete out.EFFECT_OPENROUTER_DEMO_SLOW
    return { ...out, ...extra }
  }

  // eslint-disable-next-line no-control-regex
  const stripAnsi = (text: string) => text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/\r/g, "")

  /** A running demo: its output so far, and a way to wait for a pattern in it. */
  class Session {
    output = ""
    readonly exited: Promise<number | null>

    constructor(readonly child: ChildProcessWithoutNullStreams) {
      child.stdout.setEncoding("utf8").on("data", (text: string) => (this.output += text))
      child.stderr.setEncoding("utf8").on("data", (text: string) => (this.output += text))
      this.exited = new Promise((resolve, reject) => {
        child.on("error", reject)
        child.on("close", (code) => resolve(code))
      })
      sessions.add(this)
    }

    /** The output without colours, spinner frames' escape codes or carriage returns. */
    get text(): string {
      return stripAnsi(this.output)
    }

    /** Resolves once the output matches `pattern` `count` times; rejects if the demo exits first. */
    waitFor(pattern: RegExp, count = 1): Promise<void> {
      const global = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : pattern.flags + "g")
      const matched = () => (this.text.match(global)?.length ?? 0) >= count
      return new Promise((resolve, reject) => {
        const guard = setTimeout(() => done(new Error(`no ${pattern} (x${count}) in:\n${this.text}`)), HANG_GUARD)
        const check = () => matched() && done()
        const onExit = () =>
          setImmediate(() => done(matched() ? undefined : new Error(`exited without ${pattern}:\n${this.text}`)))
        const done = (error?: Error) => {
          clearTimeout(guard)
          this.child.stdout.off("data", check)
          this.child.off("close", onExit)
          if (error) reject(error)
          else resolve()
        }
        this.child.stdout.on("data", check)
        this.child.on("close", onExit)
        setImmediate(check)
      })
    }

    write(text: string): void {
      this.child.stdin.write(text)
    }
  }

  const sessions = new Set<Session>()
  afterEach(() => {
    for (const session of sessions) if (session.child.exitCode === null) session.child.kill("SIGKILL")
    sessions.clear()
  })

  const demo = (args: ReadonlyArray<string> = [], extraEnv: Record<string, string> = {}) =>
    new Session(
      spawn(process.execPath, ["--import", loader, "examples/demo.ts", ...args], { cwd: dir, env: env(extraEnv) })
    )

  /** The demo in a pseudo-terminal, through util-linux `script` (`-e`: its exit code is the demo's). */
  const demoInTerminal = () =>
    new Session(
      spawn("script", ["-qfec", `'${process.execPath}' --import ${loader} examples/demo.ts`, "/dev/null"], {
        cwd: dir,
        env: env({ EFFECT_OPENROUTER_DEMO_SLOW: "1", TERM: "xterm-256color", COLUMNS: "200", LINES: "50" })
      })
    )

  const hasScript = spawnSync("script", ["--version"]).status === 0

  const statsLine =
    /^ {2}openrouter\/auto via Emulator · (\d+) → (\d+) tokens · \$0\.\d+ · first token \d+ ms · [\d.]+ s · turn (\d+), (\d+) messages? in context$/m

  /** Every stats line (one per completed reply). */
  const statsLines = (text: string) => [...text.matchAll(new RegExp(statsLine.source, "gm"))]

  /** The turn and the messages in context of every stats line. */
  const turns = (text: string) => statsLines(text).map((m) => [Number(m[3]), Number(m[4])])

  describe("the demo", () => {
    it("answers a question given on the command line and exits 0", async () => {
      const session = demo(["What is Effect?"])
      session.child.stdin.end()
      expect(await session.exited).toBe(0)
      const lines = session.text.split("\n")
      expect(lines[0]).toMatch(/^Using the embedded OpenRouter emulator at http:\/\/127\.0\.0\.1:\d+\/api\/v1 /)
      expect(lines[1]).toMatch(/^This answer comes from the local OpenRouter emulator.*You said: "What is Effect\?"$/)
      expect(lines[2]).toMatch(statsLine)
      expect(lines[2]).toMatch(/ · turn 1, 1 message in context$/)
    }, TIMEOUT)

    it(
      "talks to OPENROUTER_BASE_URL (an emulator of its own) when only that is set, with a placeholder key",
      async () => {
        const server = await listen()
        try {
          const session = demo(["Hi"], { OPENROUTER_BASE_URL: server.url })
          session.child.stdin.end()
          expect(await session.exited).toBe(0)
          expect(session.text.split("\n")[0]).toBe(
            `Using ${server.url} (OPENROUTER_BASE_URL is set, OPENROUTER_API_KEY is not: a placeholder key is sent).`
          )
          expect(turns(session.text)).toEqual([[1, 1]])
          const requests = server.requests()
          expect(requests.map((r) => r.path)).toEqual(["/api/v1/chat/completions"])
          expect(requests[0]?.headers.authorization).toBe("Bearer sk-or-emulator")
        } finally {
          await server.close()
        }
      },
      TIMEOUT
    )

    it("fails naming OPENROUTER_BASE_URL when it is not an http(s) URL, sending nothing", async () => {
      const session = demo(["Hi"], { OPENROUTER_BASE_URL: "ftp://127.0.0.1/api/v1" })
      session.child.stdin.end()
      expect(await session.exited).toBe(1)
      expect(session.text).toMatch(/OPENROUTER_BASE_URL/)
      expect(session.text).not.toMatch(/You said/)
    }, TIMEOUT)

    it("answers each piped line in order, keeping the conversation, and exits 0 at the end of input", async () => {
      const session = demo()
      session.write("Same question\nSame question\n")
      session.child.stdin.end()
      expect(await session.exited).toBe(0)
      expect(session.text.match(/^you › Same question$/gm)).toHaveLength(2)
      expect(session.text.match(/You said: "Same question"/g)).toHaveLength(2)
      // The second request carries the first question and answer, so its prompt is longer; the stats
      // line says so: turn 2, with 3 messages in context.
      const promptTokens = statsLines(session.text).map((m) => Number(m[1]))
      expect(promptTokens).toHaveLength(2)
      expect(promptTokens[1]).toBeGreaterThan(promptTokens[0]!)
      expect(turns(session.text)).toEqual([[1, 1], [2, 3]])
    }, TIMEOUT)

    it("stops a streaming reply on SIGINT, closing the connection, then answers the next line", async () => {
      const session = demo([], { EFFECT_OPENROUTER_DEMO_SLOW: "1" })
      session.write("Tell me a long story\n")
      await session.waitFor(/This answer comes/)
      session.child.kill("SIGINT")
      await session.waitFor(/^⏹ Interrupted\.$/m)
      await session.waitFor(/\(the emulator saw the connection close\)/)
      session.write("Next\n")
      session.child.stdin.end()
      expect(await session.exited).toBe(0)
      // The interrupted reply got no stats line; the next one is complete, and its context holds the
      // interrupted turn (question and partial answer) before its own question.
      expect(turns(session.text)).toEqual([[2, 3]])
      expect(session.text).toMatch(/You said: "Next"\n {2}openrouter\/auto via Emulator/)
    }, TIMEOUT)

    it("exits 130 when the one question's reply is interrupted", async () => {
      const session = demo(["Tell me a long story"], { EFFECT_OPENROUTER_DEMO_SLOW: "1" })
      await session.waitFor(/This answer comes/)
      session.child.kill("SIGINT")
      expect(await session.exited).toBe(130)
      expect(session.text).toMatch(/^⏹ Interrupted\.$/m)
    }, TIMEOUT)
  })

  describe.skipIf(!hasScript)("the demo in a terminal", () => {
    it("Ctrl-C while a reply streams interrupts it and returns to the prompt; Ctrl-D quits", async () => {
      const session = demoInTerminal()
      await session.waitFor(/you › /)
      session.write("Tell me a long story\r")
      await session.waitFor(/This answer comes/)
      session.write("\x03")
      await session.waitFor(/⏹ Interrupted\./)
      await session.waitFor(/\(the emulator saw the connection close\)/)
      await session.waitFor(/you › /, 2)
      session.write("\x04")
      expect(await session.exited).toBe(0)
      expect(session.text).toMatch(/Bye\.\n?$/)
      expect(session.text).not.toMatch(statsLine)
    }, TIMEOUT)

    it("Ctrl-C on a half-typed line clears it; Ctrl-C on an empty line quits", async () => {
      const session = demoInTerminal()
      await session.waitFor(/you › /)
      session.write("never sent")
      await session.waitFor(/never sent/)
      session.write("\x03")
      await session.waitFor(/you › /, 2)
      session.write("\x03")
      expect(await session.exited).toBe(0)
      expect(session.text).toMatch(/Bye\.\n?$/)
      expect(session.text).not.toMatch(/You said/)
    }, TIMEOUT)

    it("shows a spinner until the first token, then the answer and its stats", async () => {
      const session = demoInTerminal()
      await session.waitFor(/you › /)
      session.write("Hello there\r")
      await session.waitFor(statsLine)
      session.write("\x04")
      expect(await session.exited).toBe(0)
      expect(session.text).toMatch(/waiting for the first token/)
      expect(session.text).toMatch(/You said: "Hello there"/)
    }, TIMEOUT)
  })
}
