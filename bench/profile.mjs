#!/usr/bin/env node
// Profiles one client on one metric: runs the metric's worker under `node --cpu-prof` against its
// emulator and prints where the client's CPU time goes, by package and by function (self time), so
// a missed target comes with the profile that shows why.
//
//   node bench/profile.mjs <client> <metric> ['{"streams": 500, ...}'] [--top 25]
//   metrics as in scale.mjs: slow, sends, fast, first (scale-worker.mjs, the scale emulator;
//   parameters default to scale.mjs's full run), and as in run.mjs: send, stream-big, stream-64
//   (worker.mjs, the project's emulator; parameters default to run.mjs's full run)
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { startEmulator } from "./emulatorProcess.mjs"

const BENCH = Path.dirname(fileURLToPath(import.meta.url))
const [clientName, metric, third] = process.argv.slice(2)
const params = third === undefined || third.startsWith("--") ? "{}" : third
const topIndex = process.argv.indexOf("--top")
const TOP = topIndex === -1 ? 25 : Number(process.argv[topIndex + 1])
const DEFAULTS = {
  slow: { streams: 500, chunks: 40, intervalMs: 100 },
  sends: { calls: 5000, warmup: 500, concurrency: 50 },
  fast: { streams: 500, chunks: 2000 },
  first: { streams: 200, warmup: 20, delayMs: 20 },
  send: { warmup: 200, calls: 4000, runs: 5 },
  "stream-big": { chunks: 10_000, writeSize: 0, warmup: 3, runs: 20 },
  "stream-64": { chunks: 10_000, writeSize: 64, warmup: 3, runs: 20 }
}
// run.mjs's metrics (worker.mjs) rather than scale.mjs's (scale-worker.mjs)
const RUN_METRICS = { send: "send", "stream-big": "stream", "stream-64": "stream" }
if (clientName === undefined || DEFAULTS[metric] === undefined) {
  console.error(
    `usage: node bench/profile.mjs <client> <${Object.keys(DEFAULTS).join("|")}> ['{json params}']`
  )
  process.exit(2)
}

const runMetric = RUN_METRICS[metric]
const params_ = { ...DEFAULTS[metric], ...JSON.parse(params) }
const emulatorArgs = runMetric === undefined
  ? ["scale-emulator.mjs"]
  : [
    "emulator-project.mjs",
    JSON.stringify([{ chunks: 0, writeSize: 0 }, { chunks: params_.chunks ?? 0, writeSize: params_.writeSize ?? 0 }])
  ]
const ready = await startEmulator(emulatorArgs[0], emulatorArgs.slice(1))
const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cpuprof-"))
const job = runMetric === undefined
  ? { client: clientName, metric, url: ready.url, ...params_ }
  : { client: clientName, metric: runMetric, scenarios: ready.scenarios, ...params_ }
const out = await new Promise((resolve) => {
  const child = spawn(
    process.execPath,
    [
      "--expose-gc",
      "--cpu-prof",
      "--cpu-prof-dir",
      dir,
      runMetric === undefined ? "scale-worker.mjs" : "worker.mjs",
      JSON.stringify(job)
    ],
    { cwd: BENCH, stdio: ["ignore", "pipe", "inherit"] }
  )
  let s = ""
  child.stdout.on("data", (d) => (s += d))
  child.on("close", () => resolve(s))
})
ready.stop()
console.log(out.trim().split("\n").pop())

const file = Fs.readdirSync(dir).find((f) => f.endsWith(".cpuprofile"))
const profile = JSON.parse(Fs.readFileSync(Path.join(dir, file), "utf8"))
const dt = new Map()
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i]
  dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
}
const where = (u) => {
  if (u === "") return "(native/gc/idle)"
  // the Effect 4 edition and its own node_modules
  if (u.includes("/effect4/node_modules/")) return `${/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1]} (effect4/)`
  if (u.includes("/effect4/dist/")) return "effect-openrouter, Effect 4 (effect4/dist)"
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)
  if (m) return m[1]
  if (u.includes("/dist/")) return "effect-openrouter (dist)"
  if (u.startsWith("node:")) return "node core"
  return Path.basename(u)
}
const byPkg = new Map()
const byFn = new Map()
let total = 0
for (const node of profile.nodes) {
  const t = dt.get(node.id) ?? 0
  const f = node.callFrame
  if (f.functionName === "(idle)" || f.functionName === "(program)") continue
  total += t
  const pkg = f.functionName === "(garbage collector)" ? "(gc)" : where(f.url)
  byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + t)
  const key = `${f.functionName || "(anonymous)"} ${where(f.url)}:${f.lineNumber + 1}`
  byFn.set(key, (byFn.get(key) ?? 0) + t)
}
const show = (m, n) =>
  [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, t]) =>
    `  ${(t / 1000).toFixed(0).padStart(7)} ms ${((100 * t) / total).toFixed(1).padStart(5)} %  ${k}`
  ).join("\n")
console.log(`busy ${(total / 1000).toFixed(0)} ms (idle excluded); by package (self time):\n${show(byPkg, 12)}`)
console.log(`by function (self time):\n${show(byFn, TOP)}`)
console.log(`profile: ${Path.join(dir, file)}`)

// --callers NAME: who calls the functions named NAME (self time by caller chain, 6 frames up)
const callersIndex = process.argv.indexOf("--callers")
if (callersIndex !== -1) {
  const name = process.argv[callersIndex + 1]
  const parent = new Map()
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node)
  const chains = new Map()
  for (const node of profile.nodes) {
    if (node.callFrame.functionName !== name) continue
    const t = dt.get(node.id) ?? 0
    const frames = []
    for (let p = parent.get(node.id); p !== undefined && frames.length < 6; p = parent.get(p.id)) {
      frames.push(`${p.callFrame.functionName || "(anon)"}@${where(p.callFrame.url)}:${p.callFrame.lineNumber + 1}`)
    }
    const key = frames.join(" < ")
    chains.set(key, (chains.get(key) ?? 0) + t)
  }
  console.log(`callers of ${name}:\n${show(chains, 8)}`)
}
