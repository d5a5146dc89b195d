// The @effect/ai provider benchmark: `LanguageModel.streamText` over one 10,000-chunk stream through
// our provider (effect-openrouter/OpenRouterLanguageModel), @effect/ai-openrouter and
// @effect/ai-openai, against the same servers in the same run (servers.mjs, its own process).
// Method as in ../run.mjs: each round runs every provider in a fresh process (worker.mjs), in an
// order rotated by one per round; a provider's round value is the median of its measured streams;
// the targets use the median of the per-round ratios (same round, same machine state).
//   npm run build && (cd bench && npm install) && node bench/ai/run.mjs [--rounds 5] [--quick]
// Writes bench/ai/RESULTS.md (bench/results/ai.md with --quick).
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const HERE = Path.dirname(fileURLToPath(import.meta.url))
const ROOT = Path.resolve(HERE, "../..")
const args = process.argv.slice(2)
const quick = args.includes("--quick")
const option = (name, fallback) => {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : fallback
}
const CHUNKS = option("--chunks", 10_000)
const ROUNDS = option("--rounds", quick ? 1 : 3)
const WARMUP = quick ? 1 : 2
const RUNS = quick ? 1 : 2

const PROVIDERS = [
  { name: "ours", label: "effect-openrouter/OpenRouterLanguageModel", pkg: null },
  { name: "effect-ai-openrouter", label: "@effect/ai-openrouter", pkg: "bench/node_modules/@effect/ai-openrouter" },
  { name: "effect-ai-openai", label: "@effect/ai-openai (Responses API)", pkg: "node_modules/@effect/ai-openai" }
]

const version = (rel) => {
  try {
    return JSON.parse(Fs.readFileSync(Path.join(ROOT, rel, "package.json"), "utf8")).version
  } catch {
    return "not installed"
  }
}

const startServers = () =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [Path.join(HERE, "servers.mjs"), String(CHUNKS)], {
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

const worker = (provider, urls) =>
  new Promise((resolve) => {
    const job = { provider, urls, chunks: CHUNKS, warmup: WARMUP, runs: RUNS }
    const child = spawn(process.execPath, [Path.join(HERE, "worker.mjs"), JSON.stringify(job)], {
      cwd: HERE,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let out = ""
    let err = ""
    child.stdout.setEncoding("utf8").on("data", (t) => (out += t))
    child.stderr.setEncoding("utf8").on("data", (t) => (err += t))
    child.on("close", () => {
      const line = out.split("\n").find((l) => l.startsWith("RESULT "))
      resolve(line === undefined ? { error: `no result; stderr: ${err.slice(0, 400)}` } : JSON.parse(line.slice(7)))
    })
  })

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}
const rotate = (xs, n) => [...xs.slice(n % xs.length), ...xs.slice(0, n % xs.length)]

const servers = await startServers()
console.log(
  `servers up (chat ${servers.bytes.chat} bytes, responses ${servers.bytes.responses} bytes per stream); ${ROUNDS} rounds`
)
const perRound = [] // [{provider: chunksPerSecond}]
let failed = false
for (let round = 0; round < ROUNDS; round++) {
  const values = {}
  for (const provider of rotate(PROVIDERS, round)) {
    const result = await worker(provider.name, servers)
    if (result.error !== undefined) {
      console.log(`round ${round + 1} ${provider.name}: FAILED ${result.error}`)
      failed = true
      continue
    }
    const ms = median(result.times)
    values[provider.name] = CHUNKS / (ms / 1000)
    console.log(
      `round ${round + 1} ${provider.name.padEnd(22)} ${ms.toFixed(1).padStart(9)} ms  ${
        Math.round(values[provider.name]).toLocaleString("en").padStart(9)
      } chunks/s`
    )
  }
  perRound.push(values)
}
servers.stop()

const rate = (name) => {
  const xs = perRound.map((r) => r[name]).filter((x) => x !== undefined)
  return xs.length === 0 ? undefined : { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) }
}
const ratio = (a, b) => {
  const xs = perRound.filter((r) => r[a] !== undefined && r[b] !== undefined).map((r) => r[a] / r[b])
  return xs.length === 0 ? undefined : { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) }
}
const fmt = (x) => (x === undefined ? "n/a" : Math.round(x).toLocaleString("en"))
const fmtRatio = (r) => (r === undefined ? "n/a" : `${r.median.toFixed(2)}x (${r.min.toFixed(2)}–${r.max.toFixed(2)})`)

const vsOpenRouter = ratio("ours", "effect-ai-openrouter")
const vsOpenAi = ratio("ours", "effect-ai-openai")
const targets = [
  ["at least 20x @effect/ai-openrouter", vsOpenRouter, 20],
  ["at least as fast as @effect/ai-openai", vsOpenAi, 1]
]
const lines = [
  "# @effect/ai provider benchmark: `LanguageModel.streamText` over one stream",
  "",
  `${
    CHUNKS.toLocaleString("en")
  } text deltas per stream; ${ROUNDS} interleaved rounds, each provider in a fresh process per round ` +
  `(${WARMUP} warm-up + ${RUNS} measured streams, the round's value is their median); undici layer for all.`,
  `Node ${process.version}, ${Os.cpus().length} × ${Os.cpus()[0]?.model ?? "cpu"}; ${new Date().toISOString()}.`,
  "",
  "| provider | version | chunks/s (median over rounds) | min–max |",
  "| --- | --- | ---: | --- |",
  ...PROVIDERS.map((p) => {
    const r = rate(p.name)
    const v = p.pkg === null ? version(".") : version(p.pkg)
    return `| ${p.label} | ${v} | ${fmt(r?.median)} | ${fmt(r?.min)}–${fmt(r?.max)} |`
  }),
  "",
  "| target (median of per-round ratios) | ratio (min–max) | met |",
  "| --- | --- | --- |",
  ...targets.map(([what, r, need]) =>
    `| ${what} | ${fmtRatio(r)} | ${r === undefined ? "n/a" : r.median >= need ? "yes" : "NO"} |`
  ),
  "",
  "Same run, same machine. Our provider and @effect/ai-openrouter read the same chat completions stream from the",
  "project's emulator; @effect/ai-openai speaks the Responses API, so it reads the same text as `response.output_text.delta`",
  `events from a server in the same process (${servers.bytes.responses} vs ${servers.bytes.chat} bytes per stream).`,
  "@effect/ai-openrouter runs on the @effect/ai 0.35 it declares (installed in bench/ only, peer checks overridden);",
  "the others on @effect/ai 0.37."
]
const file = quick ? Path.join(ROOT, "bench/results/ai.md") : Path.join(HERE, "RESULTS.md")
Fs.mkdirSync(Path.dirname(file), { recursive: true })
Fs.writeFileSync(file, lines.join("\n") + "\n")
console.log("\n" + lines.join("\n"))
console.log(`\nwritten to ${Path.relative(ROOT, file)}`)
process.exit(failed ? 1 : 0)
