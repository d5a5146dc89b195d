// The method shared by the provider benchmarks of both editions (run.mjs here for the Effect 3 edition,
// effect4/bench/ai/run.mjs for the Effect 4 edition): the servers in their own process, one fresh worker
// process per provider and round, the order rotated by one per round, the round's value the median of
// the measured streams, targets from the median of the per-round ratios (same round, same machine state).
import { spawn } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { median } from "../stats.mjs"
export { median }

const HERE = Path.dirname(fileURLToPath(import.meta.url))

/**
 * The command line: `--quick` (one round, one warm-up, one measured stream), `--chunks N`, `--rounds N`,
 * `--warmup N`, `--runs N` (warm-up and measured streams per worker; the runner gives its defaults).
 */
export const settings = (args, defaults = { warmup: 2, runs: 2 }) => {
  const quick = args.includes("--quick")
  const option = (name, fallback) => {
    const i = args.indexOf(name)
    return i >= 0 ? Number(args[i + 1]) : fallback
  }
  return {
    quick,
    chunks: option("--chunks", 10_000),
    rounds: option("--rounds", quick ? 1 : 3),
    warmup: option("--warmup", quick ? 1 : defaults.warmup),
    runs: option("--runs", quick ? 1 : defaults.runs)
  }
}

/** Starts servers.mjs (N-chunk streams); resolves to its URLs and byte counts, with `stop()`. */
export const startServers = (chunks) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [Path.join(HERE, "servers.mjs"), String(chunks)], {
      stdio: ["pipe", "pipe", "inherit"]
    })
    let out = ""
    child.stdout.setEncoding("utf8").on("data", (t) => {
      out += t
      const line = out.split("\n")[0]
      if (out.includes("\n")) resolve({ ...JSON.parse(line), stop: () => child.stdin.end() })
    })
    child.on("exit", (code) => reject(new Error(`servers exited ${code}`)))
  })

/** Runs `node script job` (job as JSON) in `cwd`; resolves to its `RESULT` line, or `{error}`. */
export const runWorker = ({ node = process.execPath, script, cwd, job }) =>
  new Promise((resolve) => {
    const child = spawn(node, [script, JSON.stringify(job)], { cwd, stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    let err = ""
    child.stdout.setEncoding("utf8").on("data", (t) => (out += t))
    child.stderr.setEncoding("utf8").on("data", (t) => (err += t))
    child.on("close", () => {
      const line = out.split("\n").find((l) => l.startsWith("RESULT "))
      resolve(line === undefined ? { error: `no result; stderr: ${err.slice(0, 400)}` } : JSON.parse(line.slice(7)))
    })
  })

const rotate = (xs, n) => [...xs.slice(n % xs.length), ...xs.slice(0, n % xs.length)]

/**
 * `rounds` interleaved rounds of every provider (`measure(provider)` runs one worker), printing each
 * result; returns `perRound` (`[{name: chunks/s}]`, from the median wall-clock time), `cpuPerRound`
 * (`[{name: CPU µs per chunk}]`, from the median CPU time, when the worker reports it) and the names that
 * failed. CPU time is the steadier figure on a loaded machine: a process waiting for a core costs none.
 */
export const runRounds = async ({ providers, rounds, chunks, measure }) => {
  const perRound = []
  const cpuPerRound = []
  const failed = new Set()
  for (let round = 0; round < rounds; round++) {
    const values = {}
    const cpu = {}
    for (const provider of rotate(providers, round)) {
      const result = await measure(provider)
      if (result.error !== undefined) {
        console.log(`round ${round + 1} ${provider.name}: FAILED ${result.error}`)
        failed.add(provider.name)
        continue
      }
      const ms = median(result.times)
      values[provider.name] = chunks / (ms / 1000)
      if (result.cpu !== undefined) cpu[provider.name] = (median(result.cpu) * 1000) / chunks
      console.log(
        `round ${round + 1} ${provider.name.padEnd(22)} ${ms.toFixed(1).padStart(9)} ms  ${
          Math.round(values[provider.name]).toLocaleString("en").padStart(9)
        } chunks/s` + (result.cpu === undefined ? "" : `  ${cpu[provider.name].toFixed(1).padStart(6)} µs CPU/chunk`)
      )
    }
    perRound.push(values)
    cpuPerRound.push(cpu)
  }
  return { perRound, cpuPerRound, failed }
}

const spreadOf = (
  xs
) => (xs.length === 0 ? undefined : { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) })

/** A provider's value (chunks/s, or CPU µs per chunk) over the rounds: median, min, max (undefined when it never ran). */
export const rate = (perRound, name) => spreadOf(perRound.map((r) => r[name]).filter((x) => x !== undefined))

/** `a ÷ b` per round where both ran: median, min, max. */
export const ratio = (perRound, a, b) =>
  spreadOf(perRound.filter((r) => r[a] !== undefined && r[b] !== undefined).map((r) => r[a] / r[b]))

export const fmt = (x) => (x === undefined ? "n/a" : Math.round(x).toLocaleString("en"))
export const fmtRatio = (r) =>
  r === undefined ? "n/a" : `${r.median.toFixed(2)}x (${r.min.toFixed(2)}–${r.max.toFixed(2)})`
