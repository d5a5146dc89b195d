#!/usr/bin/env node
// The scale benchmark: what an agent server runs. Hundreds of concurrent slow streams, concurrent
// non-streaming calls, many concurrent fast streams, and the delay of a first chunk.
//
//   node bench/scale.mjs                full run: writes bench/SCALE.md and bench/scale-chart.svg
//   node bench/scale.mjs --quick        smoke run (small sizes, one round, our adapters and the Effect
//                                       floor; run by `run.mjs --quick`, so in CI): writes bench/results/
//   node bench/scale.mjs --only effect-openrouter-undici,effect-floor --metrics slow,sends-50
//   options: --rounds N (default 3; 1 with --quick), --out DIR, --list
//
// Method (as run.mjs): the emulator (scale-emulator.mjs) runs in its own process and reports its
// own CPU, so that a saturated server shows; every client and metric gets a fresh worker process
// (scale-worker.mjs); rounds are interleaved, the order of the clients rotated by one per round; a
// client's value is the median over rounds, and each target is the median of per-round ratios
// (client ÷ reference measured in the same round). Needs `npm run build` (dist/) and bench's own
// node_modules for the peers (`cd bench && npm ci`); a missing client gets a "not available" row.
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { median } from "./stats.mjs"

const BENCH = Path.dirname(fileURLToPath(import.meta.url))

export const SCALE_CLIENTS = [
  ["effect-openrouter-undici", "effect-openrouter (undici), configuration provided once"],
  ["effect-openrouter-undici-option", "effect-openrouter (undici), a configuration per call: `{ config }` option"],
  ["effect-openrouter-undici-provide", "effect-openrouter (undici), a configuration per call: `Stream.provideService`"],
  ["effect-openrouter-fetch", "effect-openrouter (fetch), configuration provided once"],
  ["effect-openrouter-fetch-option", "effect-openrouter (fetch), a configuration per call: `{ config }` option"],
  ["effect-floor", "Effect floor: @effect/platform HttpClient (undici), splitLines + JSON.parse"],
  ["effect-floor-fetch", "Effect floor on FetchHttpClient (the fetch floor)"],
  ["openai", "openai SDK"],
  ["raw-undici", "raw undici + JSON.parse"],
  ["raw-fetch", "raw fetch + JSON.parse"]
]

const args = process.argv.slice(2)
const flag = (name) => args.includes(name)
const option = (name) => {
  const i = args.indexOf(name)
  return i === -1 ? undefined : args[i + 1]
}
const list = (s) => (s === undefined ? undefined : s.split(",").map((x) => x.trim()).filter(Boolean))
const quick = flag("--quick")

const P = quick
  ? {
    slow: { streams: 50, chunks: 12, intervalMs: 100 },
    sends: { calls: 300, warmup: 50 },
    fast: { streams: 20, chunks: 200 },
    first: { streams: 20, warmup: 5, delayMs: 20 }
  }
  : {
    slow: { streams: 500, chunks: 100, intervalMs: 100 },
    sends: { calls: 3000, warmup: 300 },
    fast: { streams: 500, chunks: 2000 },
    first: { streams: 200, warmup: 20, delayMs: 20 }
  }

const fixed = (d) => (v) => (Number.isFinite(v) ? v.toFixed(d) : "n/a")
// key, worker metric, job parameters, the compared value, unit, better, format, extra columns
export const SCALE_METRICS = [
  {
    key: "slow",
    title: `${P.slow.streams} concurrent slow streams, one delta every ${P.slow.intervalMs} ms each`,
    job: { metric: "slow", ...P.slow },
    value: (r) => r.cpuPct,
    unit: "% client CPU",
    better: "lower",
    format: fixed(1),
    extra: [
      ["client CPU per delta", (r) => `${fixed(1)(r.cpuUsPerChunk)} µs`],
      ["p50 added latency", (r) => `${fixed(2)(r.p50Ms)} ms`],
      ["p99 added latency", (r) => `${fixed(1)(r.p99Ms)} ms`],
      ["RSS per stream", (r) => `${fixed(0)(r.rssPerStreamKB)} KB`],
      ["heap per stream", (r) => `${fixed(0)(r.heapPerStreamKB)} KB`],
      ["server CPU", (r) => `${fixed(0)(r.serverCpuPct)} %`]
    ]
  },
  ...[1, 50, 200].map((concurrency) => ({
    key: `sends-${concurrency}`,
    title: `${P.sends.calls} non-streaming calls, ${concurrency} concurrent caller${concurrency > 1 ? "s" : ""}`,
    job: { metric: "sends", concurrency, ...P.sends },
    value: (r) => r.reqPerSec,
    unit: "req/s",
    better: "higher",
    format: fixed(0),
    extra: [
      ["client CPU per call", (r) => `${fixed(0)(r.cpuUsPerCall)} µs`],
      ["server CPU", (r) => `${fixed(0)(r.serverCpuPct)} %`]
    ]
  })),
  {
    key: "fast",
    title: `${P.fast.streams} concurrent fast streams of ${P.fast.chunks} deltas`,
    job: { metric: "fast", ...P.fast },
    value: (r) => r.chunksPerSec,
    unit: "chunks/s",
    better: "higher",
    format: fixed(0),
    extra: [
      ["client CPU", (r) => `${fixed(0)(r.cpuPct)} %`],
      ["client CPU per delta", (r) => `${fixed(2)(r.cpuUsPerChunk)} µs`],
      ["server CPU", (r) => `${fixed(0)(r.serverCpuPct)} %`]
    ]
  },
  {
    key: "first",
    title: `first chunk: delivered after the server wrote it (${P.first.streams} sequential streams)`,
    job: { metric: "first", ...P.first },
    value: (r) => r.p50Ms,
    unit: "ms p50",
    better: "lower",
    format: fixed(3),
    extra: [["p90", (r) => `${fixed(3)(r.p90Ms)} ms`]]
  }
]

// The targets of issue 17: [label, metric, client, reference, how to compare, value]. `ratio` is
// the median of per-round client ÷ reference; `diff` the median of per-round differences.
const slowValue = {
  // CPU per delivered delta: the client's CPU for the same work, steadier than CPU % on a loaded machine
  cpu: (r) => r.cpuUsPerChunk,
  p99: (r) => r.p99Ms,
  rss: (r) => r.rssPerStreamKB
}
export const SCALE_TARGETS = [
  ...["effect-openrouter-undici", "effect-openrouter-undici-option"].flatMap((c) => [
    [`${c}: slow streams client CPU per delta <= openai`, "slow", c, "openai", "ratio", slowValue.cpu, "<=", 1],
    [`${c}: slow streams p99 latency <= openai`, "slow", c, "openai", "ratio", slowValue.p99, "<=", 1],
    [`${c}: slow streams RSS per stream <= openai`, "slow", c, "openai", "ratio", slowValue.rss, "<=", 1]
  ]),
  [
    "per-call option: slow streams CPU per delta <= 1.05x config once",
    "slow",
    "effect-openrouter-undici-option",
    "effect-openrouter-undici",
    "ratio",
    slowValue.cpu,
    "<=",
    1.05
  ],
  ...[50, 200].map((c) => [
    `sends at ${c}: >= 1.0x Effect floor`,
    `sends-${c}`,
    "effect-openrouter-undici",
    "effect-floor",
    "ratio",
    (r) => r.reqPerSec,
    ">=",
    1
  ]),
  ...[50, 200].map((c) => [
    `sends at ${c}: client CPU per call <= Effect floor (same work, steadier than req/s)`,
    `sends-${c}`,
    "effect-openrouter-undici",
    "effect-floor",
    "ratio",
    (r) => r.cpuUsPerCall,
    "<=",
    1
  ]),
  [
    "fast streams: client CPU per delta <= Effect floor",
    "fast",
    "effect-openrouter-undici",
    "effect-floor",
    "ratio",
    (r) => r.cpuUsPerChunk,
    "<=",
    1
  ],
  [
    "per-call option: sends at 50 >= 0.95x config once",
    "sends-50",
    "effect-openrouter-undici-option",
    "effect-openrouter-undici",
    "ratio",
    (r) => r.reqPerSec,
    ">=",
    0.95
  ],
  [
    "fast streams: >= 1.0x Effect floor",
    "fast",
    "effect-openrouter-undici",
    "effect-floor",
    "ratio",
    (r) => r.chunksPerSec,
    ">=",
    1
  ],
  [
    "first chunk p50: within 0.1 ms of the Effect floor",
    "first",
    "effect-openrouter-undici",
    "effect-floor",
    "diff",
    (r) => r.p50Ms,
    "<=",
    0.1
  ],
  [
    "fetch: slow streams client CPU per delta <= fetch floor",
    "slow",
    "effect-openrouter-fetch",
    "effect-floor-fetch",
    "ratio",
    slowValue.cpu,
    "<=",
    1
  ],
  [
    "fetch: sends at 50 >= fetch floor",
    "sends-50",
    "effect-openrouter-fetch",
    "effect-floor-fetch",
    "ratio",
    (r) => r.reqPerSec,
    ">=",
    1
  ],
  [
    "fetch: sends at 200 >= fetch floor",
    "sends-200",
    "effect-openrouter-fetch",
    "effect-floor-fetch",
    "ratio",
    (r) => r.reqPerSec,
    ">=",
    1
  ],
  [
    "fetch: fast streams >= fetch floor",
    "fast",
    "effect-openrouter-fetch",
    "effect-floor-fetch",
    "ratio",
    (r) => r.chunksPerSec,
    ">=",
    1
  ]
]

if (flag("--list") || flag("--help")) {
  console.log(
    `clients: ${SCALE_CLIENTS.map(([c]) => c).join(", ")}\nmetrics: ${SCALE_METRICS.map((m) => m.key).join(", ")}`
  )
  process.exit(0)
}
const only = list(option("--only"))
const onlyMetrics = list(option("--metrics"))
const ROUNDS = Number(option("--rounds") ?? (quick ? 1 : 3))
const mode = quick ? "quick" : only || onlyMetrics ? "partial" : "full"
const outDir = option("--out") ?? (mode === "full" ? BENCH : Path.join(BENCH, "results"))
// The smoke run (CI) takes every adapter of ours and the Effect floor, not every peer.
const QUICK_CLIENTS = [
  "effect-openrouter-undici",
  "effect-openrouter-undici-option",
  "effect-openrouter-undici-provide",
  "effect-openrouter-fetch",
  "effect-openrouter-fetch-option",
  "effect-floor"
]
const clients = SCALE_CLIENTS.map(([c]) => c).filter((c) =>
  only !== undefined ? only.includes(c) : !quick || QUICK_CLIENTS.includes(c)
)
const metrics = SCALE_METRICS.filter((m) => onlyMetrics === undefined || onlyMetrics.includes(m.key))
for (const c of only ?? []) if (!SCALE_CLIENTS.some(([n]) => n === c)) throw new Error(`unknown client ${c}`)
for (const m of onlyMetrics ?? []) if (!SCALE_METRICS.some((x) => x.key === m)) throw new Error(`unknown metric ${m}`)

const runWorker = (job) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ["--expose-gc", "scale-worker.mjs", JSON.stringify(job)], {
      cwd: BENCH,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += d))
    child.stderr.on("data", (d) => (stderr += d))
    const timer = setTimeout(() => child.kill("SIGKILL"), quick ? 60_000 : 300_000)
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      const line = stdout.split("\n").reverse().find((l) => l.startsWith("RESULT "))
      if (line !== undefined) return resolve(JSON.parse(line.slice(7)))
      resolve({ error: `exited ${code ?? signal}: ${stderr.trim().split("\n").slice(-3).join(" ").slice(0, 300)}` })
    })
  })

const startEmulator = () =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["scale-emulator.mjs"], { cwd: BENCH, stdio: ["pipe", "pipe", "inherit"] })
    let buf = ""
    child.on("error", reject)
    child.on("exit", (code) => reject(new Error(`emulator exited ${code}`)))
    child.stdout.on("data", (d) => {
      buf += d
      const nl = buf.indexOf("\n")
      if (nl !== -1) resolve({ ...JSON.parse(buf.slice(0, nl)), stop: () => child.kill("SIGTERM") })
    })
  })

const rotate = (xs, n) => (xs.length === 0 ? xs : [...xs.slice(n % xs.length), ...xs.slice(0, n % xs.length)])
const ok = (r) => r !== undefined && r.error === undefined && r.unavailable === undefined

const summary = (m, r) =>
  r.unavailable !== undefined
    ? `not available (${r.unavailable})`
    : r.error !== undefined
    ? `ERROR ${r.error}`
    : `${m.format(m.value(r))} ${m.unit}${m.extra.map(([k, f]) => `, ${k} ${f(r)}`).join("")}`

/** Median per numeric field over the rounds; the rounds are kept. */
const aggregate = (rounds) => {
  const bad = rounds.find((r) => !ok(r))
  if (bad !== undefined) return { ...bad, rounds }
  const out = {}
  for (const [k, v] of Object.entries(rounds[0])) out[k] = typeof v === "number" ? median(rounds.map((r) => r[k])) : v
  return { ...out, rounds }
}

/** Each target's median of per-round ratios (or differences) and its verdict. */
export const evaluate = (perRound) =>
  SCALE_TARGETS.map(([label, metric, client, reference, kind, value, op, bound]) => {
    const a = perRound[metric]?.[client] ?? []
    const b = perRound[metric]?.[reference] ?? []
    const pairs = []
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (ok(a[i]) && ok(b[i])) {
        pairs.push(kind === "ratio" ? value(a[i]) / value(b[i]) : value(a[i]) - value(b[i]))
      }
    }
    if (pairs.length === 0) return { label, verdict: "n/a", detail: "not measured" }
    const m = median(pairs)
    const met = op === "<=" ? m <= bound : m >= bound
    const show = (x) => (kind === "ratio" ? `${x.toFixed(2)}x` : `${x >= 0 ? "+" : ""}${x.toFixed(3)} ms`)
    return {
      label,
      verdict: met ? "MET" : "MISS",
      value: m,
      kind,
      bound,
      op,
      detail: `${show(m)} (rounds: ${pairs.map(show).join(", ")})`
    }
  })

const markdown = (report) => {
  const lines = [
    "# Scale benchmark",
    "",
    `${report.env.date}, Node ${report.env.node}, ${report.env.cpus}, load average ${report.env.loadBefore} before / ${report.env.loadAfter} after` +
    ` (shared machine: other work ran meanwhile), ${report.rounds} interleaved round(s), ${report.mode} run, ` +
    `${(report.elapsedMs / 60000).toFixed(1)} min. Made by \`node bench/scale.mjs\` (see bench/README.md).`,
    "",
    "## Targets (median of per-round ratios)",
    "",
    "| target | measured | verdict |",
    "| --- | --- | --- |",
    ...report.targets.map((t) => `| ${t.label} | ${t.detail} | ${t.verdict} |`),
    ""
  ]
  for (const m of SCALE_METRICS) {
    const byClient = report.results[m.key]
    if (byClient === undefined) continue
    lines.push(`## ${m.title}`, "", `| client | ${m.unit} | rounds | ${m.extra.map(([k]) => k).join(" | ")} |`)
    lines.push(`| --- | --- | --- | ${m.extra.map(() => "---").join(" | ")} |`)
    for (const [name, label] of SCALE_CLIENTS) {
      const r = byClient[name]
      if (r === undefined) continue
      if (!ok(r)) {
        lines.push(
          `| ${label} | ${r.unavailable ? "not available" : `ERROR ${r.error}`} | | ${
            m.extra.map(() => "").join(" | ")
          } |`
        )
        continue
      }
      const rounds = r.rounds.map((x) => m.format(m.value(x))).join(", ")
      lines.push(`| ${label} | ${m.format(m.value(r))} | ${rounds} | ${m.extra.map(([, f]) => f(r)).join(" | ")} |`)
    }
    lines.push("")
  }
  return lines.join("\n")
}

/** Bars of each ratio target against its bound (1.0 line). */
const chart = (report) => {
  const rows = report.targets.filter((t) => t.value !== undefined && t.kind === "ratio")
  const W = 900
  const H = 40 + rows.length * 26
  const x0 = 430
  const scale = (v) => Math.min(W - 20, x0 + (v / 2) * (W - x0 - 20))
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
  const bars = rows.map((t, i) => {
    const y = 30 + i * 26
    const color = t.verdict === "MET" ? "#2e7d32" : "#c62828"
    return `<text x="${x0 - 8}" y="${y + 14}" text-anchor="end" font-size="12">${esc(t.label)}</text>` +
      `<rect x="${x0}" y="${y}" width="${scale(t.value) - x0}" height="18" fill="${color}"/>` +
      `<text x="${scale(t.value) + 4}" y="${y + 14}" font-size="12">${t.value.toFixed(2)}x</text>`
  })
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="10" y="18" font-size="14">Scale targets: median per-round ratio (green met, red missed); line at 1.0</text>`,
    ...bars,
    `<line x1="${scale(1)}" y1="26" x2="${scale(1)}" y2="${H - 4}" stroke="black" stroke-dasharray="4 3"/>`,
    "</svg>",
    ""
  ].join("\n")
}

const main = async () => {
  const started = Date.now()
  const loadBefore = Os.loadavg()[0].toFixed(2)
  const emulator = await startEmulator()
  const perRound = {}
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const m of metrics) {
        const order = rotate(
          clients.filter((c) => (perRound[m.key]?.[c] ?? []).every(ok)),
          round
        )
        console.log(`round ${round + 1}/${ROUNDS} ${m.key}: ${order.join(" ")}`)
        for (const client of order) {
          const t0 = Date.now()
          const r = await runWorker({ client, url: emulator.url, ...m.job })
          ;((perRound[m.key] ??= {})[client] ??= []).push(r)
          console.log(
            `  ${m.key.padEnd(9)} ${client.padEnd(34)} ${summary(m, r)}  [${((Date.now() - t0) / 1000).toFixed(1)} s]`
          )
        }
      }
    }
  } finally {
    emulator.stop()
  }
  const results = {}
  for (const m of metrics) {
    for (const c of clients) {
      const rounds = perRound[m.key]?.[c]
      if (rounds !== undefined) (results[m.key] ??= {})[c] = aggregate(rounds)
    }
  }
  const targets = evaluate(perRound)
  const report = {
    results,
    targets,
    rounds: ROUNDS,
    mode,
    params: P,
    elapsedMs: Date.now() - started,
    env: {
      date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
      node: process.version,
      cpus: `${Os.cpus().length} × ${Os.cpus()[0]?.model ?? "cpu"}`,
      loadBefore,
      loadAfter: Os.loadavg()[0].toFixed(2)
    }
  }
  Fs.mkdirSync(outDir, { recursive: true })
  Fs.mkdirSync(Path.join(BENCH, "results"), { recursive: true })
  Fs.writeFileSync(Path.join(BENCH, "results", `scale-${mode}.json`), JSON.stringify(report, null, 2))
  Fs.writeFileSync(Path.join(outDir, "SCALE.md"), markdown(report))
  Fs.writeFileSync(Path.join(outDir, "scale-chart.svg"), chart(report))
  console.log("\ntargets:")
  for (const t of targets) console.log(`  ${t.verdict.padEnd(4)} ${t.label}: ${t.detail}`)
  const failed = Object.entries(results).flatMap(([m, byClient]) =>
    Object.entries(byClient).filter(([, r]) => r.error !== undefined).map(([c, r]) => `${m}/${c}: ${r.error}`)
  )
  if (failed.length > 0) {
    console.log(`\n${failed.length} failure(s):\n  ${failed.join("\n  ")}`)
    process.exitCode = 1
  }
}

/** `--from FILE`: rebuilds SCALE.md and the chart from a saved run (bench/results/scale-*.json), with
 * the targets of this file, without measuring again. */
const fromSaved = (file) => {
  const saved = JSON.parse(Fs.readFileSync(file, "utf8"))
  const perRound = {}
  for (const [metric, byClient] of Object.entries(saved.results)) {
    for (const [c, r] of Object.entries(byClient)) (perRound[metric] ??= {})[c] = r.rounds
  }
  const report = { ...saved, targets: evaluate(perRound) }
  Fs.writeFileSync(Path.join(outDir, "SCALE.md"), markdown(report))
  Fs.writeFileSync(Path.join(outDir, "scale-chart.svg"), chart(report))
  for (const t of report.targets) console.log(`  ${t.verdict.padEnd(4)} ${t.label}: ${t.detail}`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (option("--from") !== undefined) fromSaved(option("--from"))
  else await main()
}
