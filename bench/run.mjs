#!/usr/bin/env node
// Benchmark runner: effect-openrouter against the clients users would pick instead.
//
//   node bench/run.mjs                 full run, writes bench/RESULTS.md and bench/chart.svg
//   node bench/run.mjs --quick         smoke run (few iterations), writes bench/results/
//   node bench/run.mjs --only raw-undici,openai [--metrics send,stream-big]
//   options: --out DIR (where to write), --list (print client and metric names),
//            --emulator project|bench (default: project when dist/TestServer.js is built),
//            --rounds N (rounds of the throughput metrics; default 3, 1 with --quick),
//            --params JSON (overrides of the per-metric parameters below, e.g. '{"send": {"calls": 600}}':
//            fewer iterations when a loaded machine makes a full run too slow; RESULTS.md records them)
//
// The throughput metrics (send, stream-big, stream-64) run in interleaved rounds: in each round
// every client gets a fresh worker process, in an order rotated by one per round, so that machine
// drift hits all clients alike. A client's value is the median over rounds; the targets use the
// median of the per-round ratios (client ÷ reference measured in the same round).
//
// Peers live in bench/node_modules (`cd bench && npm ci`); effect-openrouter is the BUILT package
// (`npm run build` at the root makes dist/). A client whose code is missing gets a
// "not available" row. The exit code is 1 when a client that was available failed (including
// its sanity check: every chunk parsed, counted and its content checked).
/* global fetch */
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import { CLIENTS } from "./clients.mjs"
import { startEmulator } from "./emulatorProcess.mjs"
import { COMPLETION_CONTENT, word } from "./payload.mjs"
import { chart, markdown, METRICS, targets } from "./report.mjs"
import { median } from "./stats.mjs"

const BENCH = Path.dirname(fileURLToPath(import.meta.url))
const ROOT = Path.dirname(BENCH)

// ---------------------------------------------------------------------------------------------
// Options

const args = process.argv.slice(2)
const flag = (name) => args.includes(name)
const option = (name) => {
  const i = args.indexOf(name)
  return i === -1 ? undefined : args[i + 1]
}
const list = (s) => (s === undefined ? undefined : s.split(",").map((x) => x.trim()).filter(Boolean))

const quick = flag("--quick")
const only = list(option("--only"))
const onlyMetrics = list(option("--metrics"))
const ALL_METRICS = METRICS.map((m) => m.key)

if (flag("--list") || flag("--help")) {
  console.log(`clients: ${CLIENTS.map((c) => c.name).join(", ")}\nmetrics: ${ALL_METRICS.join(", ")}`)
  process.exit(0)
}
for (const n of only ?? []) if (!CLIENTS.some((c) => c.name === n)) throw new Error(`unknown client ${n} (try --list)`)
for (const m of onlyMetrics ?? []) if (!ALL_METRICS.includes(m)) throw new Error(`unknown metric ${m} (try --list)`)

const emulatorKind = option("--emulator") ??
  (Fs.existsSync(Path.join(ROOT, "dist", "TestServer.js")) ? "project" : "bench")
if (emulatorKind !== "project" && emulatorKind !== "bench") throw new Error("--emulator is project or bench")

const roundsOption = option("--rounds")
const ROUNDS = roundsOption === undefined ? (quick ? 1 : 3) : Number(roundsOption)
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error("--rounds is a positive integer")

const paramsOption = option("--params")
const mode = quick ? "--quick" : only || onlyMetrics || paramsOption ? "partial" : "full"
const outDir = option("--out") ?? (mode === "full" ? BENCH : Path.join(BENCH, "results"))

const PARAMS = quick
  ? {
    send: { warmup: 20, calls: 100, runs: 2 },
    stream: { chunks: 1000, warmup: 1, runs: 2, budgetMs: 1000 },
    memory: { chunks: 5000, warmupChunks: 1000, runs: 1, budgetMs: 0 },
    import: { runs: 2 },
    rounds: ROUNDS,
    timeoutMs: 60_000
  }
  : {
    send: { warmup: 200, calls: 2000, runs: 5 },
    stream: { chunks: 10_000, warmup: 3, runs: 7, budgetMs: 15_000 },
    memory: { chunks: 200_000, warmupChunks: 10_000, runs: 3, budgetMs: 30_000 },
    import: { runs: 10 },
    rounds: ROUNDS,
    timeoutMs: 300_000
  }

// Overrides, merged per metric: `--params '{"send": {"calls": 600, "warmup": 100}}'`.
if (paramsOption !== undefined) {
  const overrides = JSON.parse(paramsOption)
  for (const [metric, values] of Object.entries(overrides)) {
    if (typeof PARAMS[metric] !== "object") throw new Error(`--params: unknown metric ${metric}`)
    Object.assign(PARAMS[metric], values)
  }
}

const selected = CLIENTS.filter((c) => only === undefined || only.includes(c.name))
const wants = (metric) => onlyMetrics === undefined || onlyMetrics.includes(metric)

// ---------------------------------------------------------------------------------------------
// Processes

// The Node a client's processes run on: the runner's, or for `node: "effect4"` the Node that effect4/
// installs (@effect/platform-node 4's undici layer needs Node >= 22.19).
const EFFECT4_NODE = Path.join(ROOT, "effect4", "node_modules", ".bin", "node")
const nodeFor = (client) => (client?.node === "effect4" ? EFFECT4_NODE : process.execPath)

/** Runs `node ...argv` and resolves with the JSON after its last `RESULT ` line. */
const runNode = (argv, timeoutMs, node = process.execPath) =>
  new Promise((resolve) => {
    if (!Fs.existsSync(node)) return resolve({ unavailable: `${Path.relative(ROOT, node)} is not installed` })
    const child = spawn(node, argv, { cwd: BENCH, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += d))
    child.stderr.on("data", (d) => (stderr += d))
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs)
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      const line = stdout.split("\n").reverse().find((l) => l.startsWith("RESULT "))
      if (line !== undefined) return resolve(JSON.parse(line.slice(7)))
      const why = signal === "SIGKILL" ? `timed out after ${timeoutMs / 1000} s` : `exited ${code ?? signal}`
      resolve({ error: `${why}: ${stderr.trim().split("\n").slice(-3).join(" ").slice(0, 300)}` })
    })
  })

// The one place that knows which emulator runs, in its own process. Both follow one contract:
// argv[2] is the JSON list of scenarios {chunks, writeSize}; the first stdout line is
// {"scenarios": {"<chunks>/<writeSize>": {"url": <base URL>, "bytes": <body bytes>}}}; a POST to
// <url>/chat/completions answers a completion, or with `stream: true` the scenario's stream;
// the process exits when its stdin closes.
const EMULATORS = {
  project: Path.join(BENCH, "emulator-project.mjs"),
  bench: Path.join(BENCH, "emulator.mjs")
}

// The emulator JIT-compiles its payload generation on the first requests: do those here, so the
// first client measured does not pay for them.
const warmEmulator = async (urls) => {
  const post = (url, stream) =>
    fetch(`${url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "warm-up" }], stream })
    }).then((res) => res.arrayBuffer())
  const small = Object.entries(urls).filter(([key]) => Number(key.split("/")[0]) <= PARAMS.stream.chunks)
  for (let i = 0; i < (quick ? 1 : 3); i++) {
    for (const [, { url }] of small) await post(url, true)
  }
  for (let i = 0; i < (quick ? 20 : 200); i++) await post(urls["0/0"].url, false)
}

// ---------------------------------------------------------------------------------------------
// Metrics

// gc() for the samples; a fixed young generation, or V8 growing it mid-stream (by up to 16 MB,
// depending on the client's allocation rate) would show as RSS growth.
const MEMORY_FLAGS = ["--expose-gc", "--min-semi-space-size=16", "--max-semi-space-size=16"]

const worker = (client, metric, scenarios, extra, nodeFlags = []) =>
  runNode(
    [...nodeFlags, "worker.mjs", JSON.stringify({ client: client.name, metric, scenarios, ...extra })],
    PARAMS.timeoutMs,
    nodeFor(client)
  )

// RSS moves with the allocator as well as with the client: the median of a few processes (as
// many as fit in the time budget after the first) steadies it.
const measureMemory = async (client, urls) => {
  const runs = []
  const t0 = Date.now()
  while (runs.length < PARAMS.memory.runs) {
    const r = await worker(client, "memory", urls, PARAMS.memory, MEMORY_FLAGS)
    if (r.rssGrowthMB === undefined) return r
    runs.push(r)
    if (Date.now() - t0 > PARAMS.memory.budgetMs) break
  }
  const mid = [...runs].sort((a, b) => a.rssGrowthMB - b.rssGrowthMB)[(runs.length - 1) >> 1]
  return { ...mid, runs: runs.length, rssGrowthRunsMB: runs.map((r) => r.rssGrowthMB) }
}

const measureImport = async (client) => {
  const spec = { imports: client.imports, touchFetch: client.name === "raw-fetch" }
  const times = []
  for (let i = 0; i < PARAMS.import.runs; i++) {
    const r = await runNode(["import-time.mjs", JSON.stringify(spec)], 60_000, nodeFor(client))
    if (r.ms === undefined) return r
    times.push(r.ms)
  }
  return {
    ms: median(times),
    min: Math.min(...times),
    max: Math.max(...times),
    times,
    builtin: client.imports.length === 0
  }
}

// A program that uses the client the way an application would: print the completion, then write
// the streamed text out as it arrives. undici is CommonJS: ESM bundles of it need `require`.
const program = (client, kind) => {
  const names = kind === "both" ? "setup, send, stream" : `setup, ${kind}`
  const send = "console.log((await send(ctx)).choices[0].message.content)"
  const stream = "await stream(ctx, (chunk) => process.stdout.write(chunk.choices[0]?.delta?.content ?? \"\"))"
  return [
    `import { ${names} } from "./clients/${client.name}.mjs"`,
    "const ctx = await setup(process.env.OPENROUTER_BASE_URL ?? \"https://openrouter.ai/api/v1\")",
    ...(kind === "stream" ? [stream] : kind === "send" ? [send] : [send, stream]),
    "process.stdout.write(\"\", () => process.exit(0))",
    ""
  ].join("\n")
}
const REQUIRE_BANNER = "import { createRequire as __cr } from \"node:module\"; const require = __cr(import.meta.url);"

let esbuild
const bundleOne = async (client, kind) => {
  esbuild ??= await import("esbuild")
  const out = await esbuild.build({
    stdin: {
      contents: program(client, kind),
      resolveDir: BENCH,
      sourcefile: `${client.name}-${kind}.mjs`,
      loader: "js"
    },
    banner: { js: REQUIRE_BANNER },
    bundle: true,
    minify: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    logLevel: "silent"
  })
  const code = out.outputFiles[0].contents
  return { code, min: code.length, gz: gzipSync(code, { level: 9 }).length }
}

/** Runs the send+stream bundle against the emulator: a size only counts for a working program. */
const runBundle = (client, code, urls) =>
  new Promise((resolve) => {
    const dir = Path.join(BENCH, "results", "bundles")
    Fs.mkdirSync(dir, { recursive: true })
    const file = Path.join(dir, `${client.name}.mjs`)
    Fs.writeFileSync(file, code)
    const { chunks } = PARAMS.stream
    const expected = `${COMPLETION_CONTENT}\n${Array.from({ length: chunks }, (_, i) => word(i)).join("")}`
    const child = spawn(nodeFor(client), [file], {
      cwd: dir,
      env: { ...process.env, OPENROUTER_BASE_URL: urls[`${chunks}/0`].url },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += d))
    child.stderr.on("data", (d) => (stderr += d))
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000)
    child.on("close", (code) => {
      clearTimeout(timer)
      if (code === 0 && stdout === expected) return resolve(undefined)
      const why = stderr.split("\n").find((l) => /Error/.test(l)) ??
        `exit ${code}, ${stdout.length} of ${expected.length} characters`
      resolve(`the bundled program does not work: ${why.slice(0, 200)}`)
    })
  })

const measureBundle = async (client, urls) => {
  try {
    const [send, stream, both] = await Promise.all(["send", "stream", "both"].map((k) => bundleOne(client, k)))
    const broken = await runBundle(client, both.code, urls)
    if (broken !== undefined) return { error: broken }
    const sizes = ({ min, gz }) => ({ min, gz })
    return { send: sizes(send), stream: sizes(stream), both: sizes(both) }
  } catch (e) {
    const msg = String(e?.errors?.[0]?.text ?? e?.message ?? e).split("\n")[0]
    return /Could not resolve/.test(msg) ? { unavailable: msg } : { error: msg }
  }
}

// Other work in the tree may rebuild dist/ (`rm -rf dist && tsc`) during a run: before a job that
// needs it, wait for it to be back (up to a minute) rather than report the library missing.
const DIST_INDEX = Path.join(ROOT, "dist", "index.js")
const distStamp = () => (Fs.existsSync(DIST_INDEX) ? Fs.statSync(DIST_INDEX).mtimeMs : undefined)
const waitForDist = async () => {
  for (let i = 0; i < 60 && distStamp() === undefined; i++) await new Promise((r) => setTimeout(r, 1000))
  // A build writes index.js before it is done with the rest: let it finish.
  await new Promise((r) => setTimeout(r, 2000))
}

/**
 * One client's result for a throughput metric from its per-round results: every numeric field is
 * the median over rounds (for an odd count, a value some round measured); the rounds are kept.
 * A round that failed (or found the client missing) makes the whole result that failure.
 */
const aggregateRounds = (perRound) => {
  const bad = perRound.find((r) => r.error !== undefined || r.unavailable !== undefined)
  if (bad !== undefined) return { ...bad, rounds: perRound }
  const out = {}
  for (const [k, x] of Object.entries(perRound[0])) {
    if (k === "round" || k === "position") continue
    out[k] = typeof x === "number" ? median(perRound.map((r) => r[k])) : x
  }
  delete out.times
  delete out.rates
  return { ...out, rounds: perRound }
}

/** `xs` rotated left by `n`: round 1 A B C, round 2 B C A, round 3 C A B. */
const rotate = (xs, n) => (xs.length === 0 ? xs : [...xs.slice(n % xs.length), ...xs.slice(0, n % xs.length)])

const summary = (metric, r) => {
  if (r.unavailable !== undefined) return `not available (${r.unavailable})`
  if (r.error !== undefined) return `ERROR ${r.error}`
  const m = METRICS.find((x) => x.key === metric)
  return `${m.format(m.value(r))} ${m.unit}`
}

// ---------------------------------------------------------------------------------------------
// Main

const packageVersion = (name, dirs = [Path.join(BENCH, "node_modules"), Path.join(ROOT, "node_modules")]) => {
  for (const dir of dirs) {
    try {
      return JSON.parse(Fs.readFileSync(Path.join(dir, name, "package.json"), "utf8")).version
    } catch {
      // try the next place
    }
  }
  return "not installed"
}

const environment = () => {
  const distIndex = Path.join(ROOT, "dist", "index.js")
  const ours = Fs.existsSync(distIndex)
    ? `${JSON.parse(Fs.readFileSync(Path.join(ROOT, "package.json"), "utf8")).version} (dist/ built ${
      Fs.statSync(distIndex).mtime.toISOString().slice(0, 16)
    })`
    : "dist/ not built"
  const pkgs = [...new Set(["undici", ...CLIENTS.flatMap((c) => c.packages)])]
  const dist4 = Path.join(ROOT, "effect4", "dist", "index.js")
  const ours4 = Fs.existsSync(dist4)
    ? `${
      JSON.parse(Fs.readFileSync(Path.join(ROOT, "effect4", "package.json"), "utf8")).version
    } (effect4/dist/ built ${Fs.statSync(dist4).mtime.toISOString().slice(0, 16)})`
    : "effect4/dist/ not built"
  const node4 = packageVersion("node", [Path.join(ROOT, "effect4", "node_modules")])
  return {
    date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
    cpu: Os.cpus()[0]?.model ?? "unknown",
    cores: Os.cpus().length,
    memGiB: (Os.totalmem() / 2 ** 30).toFixed(0),
    os: `${Os.platform()} ${Os.release()}`,
    node: process.version,
    packages: [
      ["effect-openrouter", ours],
      ...pkgs.map((p) => [p, packageVersion(p)]),
      ["effect-openrouter (Effect 4 edition)", ours4],
      ...["effect", "@effect/platform-node", "undici"].map((p) => [
        `${p} (effect4/)`,
        packageVersion(p, [Path.join(ROOT, "effect4", "node_modules")])
      ]),
      ["Node for the undici rows of the Effect 4 edition", node4]
    ]
  }
}

const main = async () => {
  const started = Date.now()
  const loadBefore = Os.loadavg()[0].toFixed(2)
  const distAtStart = distStamp()
  if (!Fs.existsSync(Path.join(BENCH, "node_modules"))) {
    console.log("note: bench/node_modules is missing (cd bench && npm ci): peers will be 'not available'")
  }
  if (!Fs.existsSync(Path.join(ROOT, "dist", "index.js"))) {
    console.log("note: dist/ is missing (npm run build): effect-openrouter will be 'not available'")
  }
  if (!Fs.existsSync(Path.join(ROOT, "effect4", "dist", "index.js"))) {
    console.log("note: effect4/dist/ is missing (npm run build:effect4): the Effect 4 edition will be 'not available'")
  }
  const scenarios = [
    { chunks: 0, writeSize: 0 },
    { chunks: PARAMS.stream.chunks, writeSize: 0 },
    { chunks: PARAMS.stream.chunks, writeSize: 64 },
    { chunks: PARAMS.memory.warmupChunks, writeSize: 0 },
    { chunks: PARAMS.memory.chunks, writeSize: 0 }
  ]
  const emulator = await startEmulator(EMULATORS[emulatorKind], [JSON.stringify(scenarios)])
  console.log(`${emulatorKind} emulator up; ${mode} run; clients: ${selected.map((c) => c.name).join(", ")}`)
  const urls = emulator.scenarios
  await warmEmulator(urls)
  const results = {}
  const record = (metric, client, r, t0) => {
    ;(results[metric] ??= {})[client.name] = r
    console.log(
      `  ${metric.padEnd(10)} ${client.name.padEnd(26)} ${summary(metric, r)}  [${
        ((Date.now() - t0) / 1000).toFixed(1)
      } s]`
    )
  }
  const throughput = [
    ["send", (c) => c.role !== "reference", (c) => worker(c, "send", urls, PARAMS.send)],
    ["stream-big", () => true, (c) => worker(c, "stream", urls, { ...PARAMS.stream, writeSize: 0 })],
    ["stream-64", () => true, (c) => worker(c, "stream", urls, { ...PARAMS.stream, writeSize: 64 })]
  ].filter(([metric]) => wants(metric))
  const jobs = [
    ["memory", (c) => c.role !== "reference", (c) => measureMemory(c, urls)],
    ["import", (c) => c.role !== "reference", measureImport],
    ["bundle", (c) => c.role !== "reference", (c) => measureBundle(c, urls)]
  ]
  const ready = async (client) => {
    if (client.role === "ours" && distAtStart !== undefined && distStamp() === undefined) await waitForDist()
  }
  const orders = {}
  try {
    // Rounds outermost, so that each metric's rounds are spread over the run's length.
    const perRound = {}
    for (let round = 0; round < PARAMS.rounds; round++) {
      for (const [metric, applies] of throughput) {
        // A client that failed or was missing in an earlier round is not run again.
        const clients = selected
          .filter(applies)
          .filter((c) =>
            (perRound[metric]?.[c.name] ?? []).every((r) => r.error === undefined && r.unavailable === undefined)
          )
        const order = rotate(clients, round)
        ;(orders[metric] ??= []).push(order.map((c) => c.name))
        console.log(`round ${round + 1}/${PARAMS.rounds} ${metric}: ${order.map((c) => c.name).join(" ")}`)
        for (const [position, client] of order.entries()) {
          await ready(client)
          const t0 = Date.now()
          const run = throughput.find(([m]) => m === metric)[2]
          const r = { ...(await run(client)), round, position }
          ;((perRound[metric] ??= {})[client.name] ??= []).push(r)
          console.log(
            `  ${metric.padEnd(10)} ${client.name.padEnd(26)} ${summary(metric, r)}  [${
              ((Date.now() - t0) / 1000).toFixed(1)
            } s]`
          )
        }
      }
    }
    if (PARAMS.rounds > 1 && throughput.length > 0) console.log(`median over ${PARAMS.rounds} rounds:`)
    for (const [metric, applies] of throughput) {
      for (const client of selected.filter(applies)) {
        const rounds = perRound[metric]?.[client.name]
        if (rounds === undefined) continue
        const r = aggregateRounds(rounds)
        ;(results[metric] ??= {})[client.name] = r
        if (PARAMS.rounds > 1) console.log(`  ${metric.padEnd(10)} ${client.name.padEnd(26)} ${summary(metric, r)}`)
      }
    }
    for (const [metric, applies, run] of jobs) {
      if (!wants(metric)) continue
      for (const client of selected.filter(applies)) {
        await ready(client)
        const t0 = Date.now()
        record(metric, client, await run(client), t0)
      }
    }
  } finally {
    emulator.stop()
  }
  const elapsedMs = Date.now() - started
  const report = {
    results,
    env: {
      ...environment(),
      emulator: emulatorKind,
      loadBefore,
      loadAfter: Os.loadavg()[0].toFixed(2),
      distRebuilt: distAtStart !== undefined && distStamp() !== distAtStart
    },
    params: PARAMS,
    orders,
    elapsedMs,
    mode
  }
  Fs.mkdirSync(outDir, { recursive: true })
  Fs.mkdirSync(Path.join(BENCH, "results"), { recursive: true })
  Fs.writeFileSync(Path.join(BENCH, "results", `${mode.replace(/^--/, "")}.json`), JSON.stringify(report, null, 2))
  Fs.writeFileSync(Path.join(outDir, "RESULTS.md"), markdown(report))
  Fs.writeFileSync(Path.join(outDir, "chart.svg"), chart(report))
  console.log("\ntargets:")
  for (const [variant, target, verdict, detail] of targets(results)) {
    console.log(`  ${verdict.padEnd(4)} ${variant}: ${target} (${detail})`)
  }
  console.log(
    `\nwrote ${Path.relative(process.cwd(), Path.join(outDir, "RESULTS.md"))} and chart.svg in ${
      (elapsedMs / 1000).toFixed(0)
    } s`
  )
  const failed = Object.entries(results).flatMap(([m, byClient]) =>
    Object.entries(byClient).filter(([, r]) => r.error !== undefined).map(([c, r]) => `${m}/${c}: ${r.error}`)
  )
  if (failed.length > 0) {
    console.log(`\n${failed.length} failure(s):\n  ${failed.join("\n  ")}`)
    process.exitCode = 1
  }
}

await main()

// The smoke run also runs the scale benchmark's (scale.mjs --quick), so CI exercises its scenarios.
if (quick && only === undefined && onlyMetrics === undefined) {
  console.log("\nscale benchmark, smoke run (node bench/scale.mjs --quick):")
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [Path.join(BENCH, "scale.mjs"), "--quick"], { cwd: BENCH, stdio: "inherit" })
    child.on("close", (c) => resolve(c ?? 1))
  })
  if (code !== 0) process.exitCode = 1
}
