// Starts a benchmark emulator in its own process and waits for its first stdout line. The contract
// (run.mjs's emulators, emulator-project.mjs and emulator.mjs, and scale-emulator.mjs): argv holds the
// JSON list of scenarios {chunks, writeSize}; the first stdout line is a JSON object (for the first two,
// {"scenarios": {"<chunks>/<writeSize>": {"url", "bytes"}}}); the process exits when its stdin closes.
import { spawn } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const BENCH = Path.dirname(fileURLToPath(import.meta.url))

/**
 * Runs `file` (a path under bench/) with `args`; resolves with its first stdout line's JSON and `stop`,
 * rejects if it fails to start or exits before that line.
 */
export const startEmulator = (file, args = []) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [Path.resolve(BENCH, file), ...args], {
      cwd: BENCH,
      stdio: ["pipe", "pipe", "inherit"]
    })
    let buf = ""
    child.on("error", reject)
    child.on("exit", (code) => reject(new Error(`emulator ${file} exited ${code}`)))
    child.stdout.on("data", (d) => {
      buf += d
      const nl = buf.indexOf("\n")
      if (nl !== -1) resolve({ ...JSON.parse(buf.slice(0, nl)), stop: () => child.kill("SIGTERM") })
    })
  })
