#!/usr/bin/env node
// A/B benchmark: this tree's build (dist/) against a baseline build (dist-baseline/), and against
// itself with the OpenTelemetry SDK installed, on the throughput metrics of run.mjs (send,
// stream-big, stream-64), in interleaved rounds with per-round ratios.
//
//   node bench/ab.mjs [--rounds 5] [--quick] [--http undici,fetch] [--out bench/results/ab.md]
//
// Each round runs every variant in a fresh worker process (worker.mjs), in an order rotated by one
// per round; a variant's ratio in a round divides it by its reference measured in the same round,
// and the result is the median of those per-round ratios (the machine is shared: only ratios
// within a round are comparable). Variants, per HTTP client X:
//   effect-openrouter-X       this tree's dist/, no tracer installed (Effect's native tracer)
//   baseline-X                dist-baseline/ (the reference of the first)
//   effect-openrouter-otel-X  this tree's dist/ with @effect/opentelemetry's NodeSdk (reference: the first)
// Build the baseline first (see bench/README.md).
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { startEmulator } from "./emulatorProcess.mjs"
import { median } from "./stats.mjs"

const BENCH = Path.dirname(fileURLToPath(import.meta.url))
const ROOT = Path.dirname(BENCH)

const args = process.argv.slice(2)
const option = (name) => {
  const i = args.indexOf(name)
  return i === -1 ? undefined : args[i + 1]
}
const quick = args.includes("--quick")
const ROUNDS = Number(option("--rounds") ?? (quick ? 2 : 5))
const HTTP = (option("--http") ?? "undici,fetch").split(",")
const OUT = option("--out") ?? Path.join(BENCH, "results", "ab.md")

const PARAMS = quick
  ? { send: { warmup: 20, calls: 200, runs: 2 }, stream: { chunks: 1000, warmup: 1, runs: 3, budgetMs: 1000 } }
  : { send: { warmup: 200, calls: 2000, runs: 5 }, stream: { chunks: 10_000, warmup: 3, runs: 7, budgetMs: 15_000 } }

for (const dir of ["dist", "dist-baseline"]) {
  if (!Fs.existsSync(Path.join(ROOT, dir, "index.js"))) throw new Error(`${dir}/ is not built (see bench/README.md)`)
}

const rotate = (xs, n) => [...xs.slice(n % xs.length), ...xs.slice(0, n % xs.length)]

const runNode = (argv) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd: BENCH, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += d))
    child.stderr.on("data", (d) => (stderr += d))
    child.on("close", (code) => {
      const line = stdout.split("\n").reverse().find((l) => l.startsWith("RESULT "))
      resolve(line !== undefined ? JSON.parse(line.slice(7)) : { error: `exit ${code}: ${stderr.slice(-300)}` })
    })
  })

const METRICS = [
  { key: "send", job: { metric: "send", ...PARAMS.send }, value: (r) => r.reqPerSec, unit: "req/s" },
  {
    key: "stream-big",
    job: { metric: "stream", ...PARAMS.stream, writeSize: 0 },
    value: (r) => r.chunksPerSec,
    unit: "chunks/s"
  },
  {
    key: "stream-64",
    job: { metric: "stream", ...PARAMS.stream, writeSize: 64 },
    value: (r) => r.chunksPerSec,
    unit: "chunks/s"
  }
]

const main = async () => {
  const started = Date.now()
  const load = Os.loadavg()[0].toFixed(2)
  const emulator = await startEmulator("emulator-project.mjs", [JSON.stringify([
    { chunks: 0, writeSize: 0 },
    { chunks: PARAMS.stream.chunks, writeSize: 0 },
    { chunks: PARAMS.stream.chunks, writeSize: 64 }
  ])])
  const variants = HTTP.flatMap((h) => [`effect-openrouter-${h}`, `baseline-${h}`, `effect-openrouter-otel-${h}`])
  const results = {} // metric -> variant -> [value per round]
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const metric of METRICS) {
        for (const client of rotate(variants, round)) {
          const r = await runNode([
            "worker.mjs",
            JSON.stringify({ client, scenarios: emulator.scenarios, ...metric.job })
          ])
          if (r.error !== undefined || r.unavailable !== undefined) {
            throw new Error(`${client} ${metric.key}: ${r.error ?? r.unavailable}`)
          }
          const value = metric.value(r)
          ;((results[metric.key] ??= {})[client] ??= []).push(value)
          console.log(`round ${round + 1}/${ROUNDS} ${metric.key.padEnd(10)} ${client.padEnd(30)} ${value.toFixed(0)}`)
        }
      }
    }
  } finally {
    emulator.stop()
  }

  const ratioRow = (metric, label, variant, reference) => {
    const a = results[metric.key][variant]
    const b = results[metric.key][reference]
    const ratios = a.map((x, i) => x / b[i])
    const m = median(ratios)
    return `| ${metric.key} | ${label} | ${median(a).toFixed(0)} vs ${median(b).toFixed(0)} ${metric.unit} | **${
      ((m - 1) * 100).toFixed(1)
    } %** | ${ratios.map((r) => `${((r - 1) * 100).toFixed(1)}`).join(", ")} |`
  }
  const lines = [
    "# Telemetry overhead (A/B)",
    "",
    `Generated by \`node bench/ab.mjs${args.length > 0 ? ` ${args.join(" ")}` : ""}\` on ${
      new Date().toISOString().slice(0, 16).replace("T", " ")
    } UTC in ${
      ((Date.now() - started) / 1000).toFixed(0)
    } s; ${ROUNDS} interleaved rounds; ${Os.cpus().length} cores (${
      Os.cpus()[0]?.model ?? "unknown"
    }), load average ${load} before the run, ${Os.loadavg()[0].toFixed(2)} after; Node ${process.version}.`,
    "",
    "Each round runs every variant in a fresh process in an order rotated by one per round. The",
    "change is the median of the per-round ratios (variant ÷ reference in the same round, minus 1);",
    "the last column lists every round's. Values are medians over rounds. Negative = slower.",
    "",
    "- **no tracer**: this tree's build with no tracer installed (what every user without OpenTelemetry",
    "  runs: Effect's native tracer, metrics in Effect's registry) against the baseline build",
    "  (`dist-baseline/`, the commit before telemetry).",
    "- **OTel SDK**: this tree's build with `@effect/opentelemetry`'s `NodeSdk` installed (every span",
    "  sampled, batched and dropped by a no-op exporter; metrics read by a periodic reader) against the",
    "  same build without it.",
    "",
    "| metric | variant | value vs reference | change (median of rounds) | per round, % |",
    "| --- | --- | --- | --- | --- |"
  ]
  for (const metric of METRICS) {
    for (const h of HTTP) {
      lines.push(ratioRow(metric, `${h}: no tracer vs baseline`, `effect-openrouter-${h}`, `baseline-${h}`))
    }
  }
  for (const metric of METRICS) {
    for (const h of HTTP) {
      lines.push(
        ratioRow(metric, `${h}: OTel SDK vs no tracer`, `effect-openrouter-otel-${h}`, `effect-openrouter-${h}`)
      )
    }
  }
  lines.push("")
  Fs.mkdirSync(Path.dirname(OUT), { recursive: true })
  Fs.writeFileSync(OUT, lines.join("\n"))
  console.log(`\n${lines.join("\n")}\nwrote ${Path.relative(process.cwd(), OUT)}`)
}

await main()
