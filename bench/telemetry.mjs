#!/usr/bin/env node
// The CPU cost of telemetry per call, without the network: `Chat.send` and `Chat.stream` of this
// tree's build (dist/) and of a baseline build (dist-baseline/, the commit before telemetry), over an
// in-memory HttpClient that answers every request with the same bytes (a completion, or a stream of
// CHUNKS chunks). The only difference between the variants is the library code, so the difference in
// CPU time per call is the cost of telemetry; a real call adds the network to both, so the percentage
// here is an upper bound of the percentage on the wire.
//
//   node bench/telemetry.mjs [--rounds 25] [--out bench/TELEMETRY.md]
//
// In one process: this build with telemetry: false, with no tracer installed (the default for users
// without OpenTelemetry), and with @effect/opentelemetry's NodeSdk installed (every span sampled,
// batched and dropped by a no-op exporter; metrics read by a periodic reader), in interleaved batches
// whose order is rotated every round. Then the two builds, one fresh process each, alternating. The
// change is the median over rounds of (variant ÷ reference in the same round) - 1, measured with
// process.cpuUsage() (less sensitive than wall time to the other work on a shared machine).
// See bench/README.md ("Telemetry overhead") for how to build dist-baseline/.
/* global Response */
import { NodeSdk } from "@effect/opentelemetry"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics"
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Effect, Layer, ManagedRuntime, Redacted, Stream } from "effect"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { median } from "./stats.mjs"

const BENCH = Path.dirname(fileURLToPath(import.meta.url))
const ROOT = Path.dirname(BENCH)
const args = process.argv.slice(2)
const option = (name) => {
  const i = args.indexOf(name)
  return i === -1 ? undefined : args[i + 1]
}
const ROUNDS = Number(option("--rounds") ?? 25)
const OUT = option("--out") ?? Path.join(BENCH, "TELEMETRY.md")
const CHUNKS = 1000
const SEND_BATCH = 400
const STREAM_BATCH = 8

for (const dir of ["dist", "dist-baseline"]) {
  if (!Fs.existsSync(Path.join(ROOT, dir, "index.js"))) throw new Error(`${dir}/ is not built (see bench/README.md)`)
}
// One copy of the library per process: two copies in one process measure differently (the first
// loaded runs slower, by up to 20 % on send, with identical code), so builds are compared across
// processes and variants of one build within a process.
const child = option("--child")
const lib = await import(child === "baseline" ? "../dist-baseline/index.js" : "../dist/index.js")

const envelope = { id: "gen-1750000000-Xb7KqZt3LpR9vWm2NcDs", model: "openai/gpt-4o-mini", provider: "OpenAI" }
const usage = { prompt_tokens: 12, completion_tokens: 34, total_tokens: 46, cost: 0.00042 }
const completion = JSON.stringify({
  ...envelope,
  object: "chat.completion",
  created: 1750000000,
  choices: [{ index: 0, message: { role: "assistant", content: "Hello there." }, finish_reason: "stop" }],
  usage
})
const events = [
  ...Array.from({ length: CHUNKS }, (_, i) => ({
    ...envelope,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta: { content: `w${i} ` }, finish_reason: null }]
  })),
  { ...envelope, choices: [{ index: 0, delta: { content: "" }, finish_reason: "stop" }] },
  { ...envelope, choices: [], usage }
]
const sse = new TextEncoder().encode(
  events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("") + "data: [DONE]\n\n"
)

const http = Layer.succeed(
  HttpClient.HttpClient,
  HttpClient.make((request) =>
    Effect.sync(() =>
      HttpClientResponse.fromWeb(
        request,
        request.headers.accept === "text/event-stream"
          ? new Response(sse, { headers: { "content-type": "text/event-stream" } })
          : new Response(completion, { headers: { "content-type": "application/json" } })
      )
    )
  )
)

const drop = { export: (_items, done) => done({ code: 0 }), shutdown: () => Promise.resolve() }
const otel = NodeSdk.layer(() => ({
  resource: { serviceName: "bench" },
  spanProcessor: new BatchSpanProcessor(drop),
  metricReader: new PeriodicExportingMetricReader({
    exporter: { ...drop, forceFlush: () => Promise.resolve() },
    exportIntervalMillis: 1000
  })
}))

const request = {
  model: "openai/gpt-4o-mini",
  messages: [{ role: "user", content: "Say hello." }],
  max_tokens: 100,
  temperature: 0.7
}

const variant = async (lib, options, extra = Layer.empty) => {
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(http, extra, lib.OpenRouterConfig.layer({ apiKey: Redacted.make("k"), ...options }))
  )
  const batches = {
    send: Effect.repeatN(lib.Chat.send(request), SEND_BATCH - 1),
    stream: Effect.repeatN(Stream.runDrain(lib.Chat.stream(request)), STREAM_BATCH - 1)
  }
  await runtime.runPromise(Effect.void)
  return async (kind) => {
    const cpu = process.cpuUsage()
    await runtime.runPromise(batches[kind])
    const used = process.cpuUsage(cpu)
    return (used.user + used.system) / (kind === "send" ? SEND_BATCH : STREAM_BATCH)
  }
}

if (child !== undefined) {
  // One build, default configuration, no tracer: median CPU per call over a few batches.
  const run = await variant(lib, {})
  const out = {}
  for (const kind of ["send", "stream"]) {
    for (let i = 0; i < 3; i++) await run(kind)
    const xs = []
    for (let i = 0; i < 7; i++) xs.push(await run(kind))
    out[kind] = median(xs)
  }
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`, () => process.exit(0))
  await new Promise(() => {})
}

const VARIANTS = {
  "telemetry: false": await variant(lib, { telemetry: false }),
  "no tracer": await variant(lib, {}),
  "OTel SDK": await variant(lib, {}, otel)
}

const rotate = (xs, n) => [...xs.slice(n % xs.length), ...xs.slice(0, n % xs.length)]

const started = Date.now()
const load = Os.loadavg()[0].toFixed(2)
const names = Object.keys(VARIANTS)
const results = { send: {}, stream: {} }
for (const kind of ["send", "stream"]) {
  for (let i = 0; i < 3; i++) for (const name of names) await VARIANTS[name](kind) // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of rotate(names, round)) (results[kind][name] ??= []).push(await VARIANTS[name](kind))
  }
}

// The builds, one fresh process each, alternating (order flipped every round).
const spawnChild = (which) =>
  new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), "--child", which], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    proc.stdout.on("data", (d) => (out += d))
    proc.on("close", () => {
      const line = out.split("\n").find((l) => l.startsWith("RESULT "))
      if (line === undefined) reject(new Error(`child ${which} failed`))
      else resolve(JSON.parse(line.slice(7)))
    })
  })
const BUILD_ROUNDS = Number(option("--build-rounds") ?? 8)
for (let round = 0; round < BUILD_ROUNDS; round++) {
  for (const which of round % 2 === 0 ? ["baseline", "current"] : ["current", "baseline"]) {
    const r = await spawnChild(which)
    for (const kind of ["send", "stream"]) ((results[kind][`build: ${which}`]) ??= []).push(r[kind])
  }
}

const row = (kind, name, reference) => {
  const xs = results[kind][name]
  const ref = results[kind][reference]
  const ratios = xs.map((x, i) => x / ref[i])
  const q = (p) => [...ratios].sort((a, b) => a - b)[Math.floor(p * (ratios.length - 1))]
  const pct = (r) => `${((r - 1) * 100).toFixed(1)} %`
  return `| ${kind} | ${name} | ${reference} | ${median(xs).toFixed(kind === "send" ? 1 : 0)} vs ${
    median(ref).toFixed(kind === "send" ? 1 : 0)
  } | **${pct(median(ratios))}** | ${pct(q(0.25))} … ${pct(q(0.75))} |`
}
const lines = [
  "# Telemetry overhead",
  "",
  `Generated by \`node bench/telemetry.mjs${args.length > 0 ? ` ${args.join(" ")}` : ""}\` on ${
    new Date().toISOString().slice(0, 16).replace("T", " ")
  } UTC in ${((Date.now() - started) / 1000).toFixed(0)} s: ${ROUNDS} interleaved rounds; ${Os.cpus().length} cores (${
    Os.cpus()[0]?.model ?? "unknown"
  }), load average ${load} before, ${Os.loadavg()[0].toFixed(2)} after; Node ${process.version}.`,
  "",
  "CPU time per call (µs) of `Chat.send` (a completion) and `Chat.stream` drained (" + CHUNKS +
  " content chunks, a finish",
  "chunk and a usage chunk) over an in-memory HttpClient, so that only the library differs; a call over the",
  "network adds the same I/O to every variant, so these percentages bound the overhead on the wire from above.",
  "Change = median over rounds of (variant ÷ reference in the same round) − 1; the last column is the",
  "interquartile range of the per-round changes. Positive = more CPU.",
  "",
  "- **build: current** vs **build: baseline**: this build against `dist-baseline/` (the library before",
  "  telemetry), both in their default configuration with no tracer installed, each in a fresh process",
  `  (${BUILD_ROUNDS} rounds, alternating which goes first; each value the median of 7 batches). Two copies`,
  "  of the library in one process measure differently (the first loaded runs slower, up to 20 % on send,",
  "  with identical code), hence one build per process; the process-to-process spread is wider.",
  "- **no tracer** vs **telemetry: false**: this build in one process, default configuration with no tracer",
  "  installed (Effect's native tracer: no span of ours, the metrics recorded in Effect's registry) against",
  "  telemetry switched off: the cost of telemetry alone, measured precisely.",
  "- **OTel SDK**: this build with `@effect/opentelemetry`'s `NodeSdk` installed (every span sampled and",
  "  batched to a no-op exporter, metrics read by a periodic reader) against no tracer.",
  "",
  "| call | variant | reference | µs per call (variant vs reference) | change | per-round IQR |",
  "| --- | --- | --- | --- | --- | --- |",
  ...["send", "stream"].flatMap((kind) => [
    row(kind, "build: current", "build: baseline"),
    row(kind, "no tracer", "telemetry: false"),
    row(kind, "OTel SDK", "no tracer")
  ]),
  ""
]
Fs.writeFileSync(OUT, lines.join("\n"))
console.log(`${lines.join("\n")}\nwrote ${Path.relative(process.cwd(), OUT)}`)
process.exit(0)
