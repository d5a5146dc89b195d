#!/usr/bin/env node
// Two clients' steady-state CPU time, each in fresh processes run in alternation (A B, B A, ...) over
// the project's emulator (emulator-project.mjs, its own process): per process, the median client CPU
// time per call (send) or per stream (stream-big, stream-64) after a long warm-up, and per pair of
// processes the ratio B ÷ A (above 1: A is cheaper). run.mjs measures streams 4 to 10 of a fresh
// process, where both editions and floors are still warming up (their CPU per stream falls until about
// the 15th stream); this measures what a long-running process pays.
//
//   node bench/pairs.mjs --metric send --clients effect-openrouter-undici,baseline-undici [--processes 8]
//   node bench/pairs.mjs --metric stream-big --clients effect4-openrouter-fetch,effect4-floor-fetch
//   options: --node <path> (the Node to run the workers on, e.g. effect4/node_modules/node/bin/node for
//   the Effect 4 edition's undici clients); --timeline (no warm-up: the CPU time of each batch from the
//   process's first call or stream, the median over processes per batch, to see how long warming up takes:
//   send in 30 batches of 200 calls, streams one by one, 30 of them). For streams it also prints the
//   minor page faults per stream, what a fault costs, and each client's CPU time over the streams with few
//   faults (see `faultReport`).
import { execFileSync } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { startEmulator } from "./emulatorProcess.mjs"
import { median } from "./stats.mjs"

const BENCH = Path.dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const option = (name, fallback) => {
  const i = args.indexOf(name)
  return i === -1 ? fallback : args[i + 1]
}
const metric = option("--metric", "send")
const names = option("--clients", "effect4-openrouter-fetch,effect4-floor-fetch").split(",")
const processes = Number(option("--processes", "8"))
const node = option("--node", process.execPath)
const SCENARIOS = {
  send: { chunks: 0, writeSize: 0 },
  "stream-big": { chunks: 10_000, writeSize: 0 },
  "stream-64": { chunks: 10_000, writeSize: 64 }
}
const scenario = SCENARIOS[metric]
if (scenario === undefined || names.length !== 2) {
  console.error("usage: node bench/pairs.mjs --metric send|stream-big|stream-64 --clients A,B [--processes N]")
  process.exit(2)
}
const timeline = args.includes("--timeline")
const job = metric === "send"
  ? { metric: "send", warmup: timeline ? 0 : 2000, calls: 6000, runs: timeline ? 30 : 6 }
  : { metric: "stream", ...scenario, warmup: timeline ? 0 : 15, runs: timeline ? 30 : 15 }
const cpuOf = (result) => (metric === "send" ? result.cpuUsPerCall : result.cpuMs)

const emulator = await startEmulator("emulator-project.mjs", [JSON.stringify([scenario])])
const scenarios = emulator.scenarios
const cpu = Object.fromEntries(names.map((n) => [n, []]))
// Streams only: each measured stream's client CPU time (ms) and minor page faults, per client.
const streams = Object.fromEntries(names.map((n) => [n, []]))
const ratios = []
try {
  for (let k = 0; k < processes; k++) {
    for (const name of k % 2 === 0 ? names : [...names].reverse()) {
      const out = execFileSync(node, ["worker.mjs", JSON.stringify({ client: name, scenarios, ...job })], {
        cwd: BENCH
      }).toString()
      const result = JSON.parse(out.slice(out.lastIndexOf("RESULT ") + 7))
      if (result.unavailable !== undefined) throw new Error(`${name}: ${result.unavailable}`)
      cpu[name].push(timeline ? result.cpus : cpuOf(result))
      if (metric !== "send") {
        // the first three streams of a timeline are the process's warm-up, not its steady cost
        result.cpus.forEach((c, i) => {
          if (!timeline || i >= 3) streams[name].push({ cpu: c, faults: result.faults[i] })
        })
      }
    }
    if (!timeline) ratios.push(cpu[names[1]][k] / cpu[names[0]][k])
  }
} finally {
  emulator.stop()
}
const unit = metric === "send" ? "µs per call" : "ms per stream"

/**
 * Page faults: on this machine a minor fault costs the process about 15-25 µs (a Firecracker VM), so the
 * streams in which the process takes fresh memory (1,000 faults and more) are the slow
 * ones, whichever client runs. The cost per fault (least squares over every stream measured) and each
 * client's median over the streams with few faults: the comparison with that noise taken out.
 */
const FEW_FAULTS = 100
const faultReport = () => {
  const all = names.flatMap((n) => streams[n])
  if (all.length < 2) return
  const mx = all.reduce((a, p) => a + p.faults, 0) / all.length
  const my = all.reduce((a, p) => a + p.cpu, 0) / all.length
  const sxx = all.reduce((a, p) => a + (p.faults - mx) ** 2, 0)
  const slope = sxx === 0 ? 0 : all.reduce((a, p) => a + (p.faults - mx) * (p.cpu - my), 0) / sxx
  console.log(
    `minor page faults per stream: ${
      names.map((n) => `${n} median ${median(streams[n].map((p) => p.faults))}`).join(", ")
    }; client CPU per fault ${(slope * 1000).toFixed(1)} µs (least squares, ${all.length} streams${
      timeline ? ", streams 4 on" : ""
    })`
  )
  const few = names.map((n) => streams[n].filter((p) => p.faults < FEW_FAULTS).map((p) => p.cpu))
  console.log(
    `streams with under ${FEW_FAULTS} faults: ${
      names.map((n, i) => `${n} median ${median(few[i]).toFixed(1)} ms (${few[i].length} streams)`).join(", ")
    }; ${names[1]} ÷ ${names[0]} ${(median(few[1]) / median(few[0])).toFixed(3)}`
  )
}

if (timeline) {
  const what = metric === "send" ? "per batch of 200 calls" : "per stream"
  console.log(`${metric}: client CPU time (${unit}) ${what} from a fresh process's start, median of ${processes}`)
  for (const name of names) {
    const batches = cpu[name][0].map((_, i) => median(cpu[name].map((c) => c[i])).toFixed(0))
    console.log(`${name.padEnd(28)} ${batches.join(" ")}`)
  }
  if (metric !== "send") faultReport()
  process.exit(0)
}
console.log(`${metric}: client CPU time (${unit}), ${processes} processes each, alternating`)
for (const name of names) {
  console.log(
    `${name.padEnd(28)} median ${median(cpu[name]).toFixed(1)}  (${cpu[name].map((x) => x.toFixed(1)).join(" ")})`
  )
}
console.log(
  `${names[1]} ÷ ${names[0]} per pair: ${ratios.map((r) => r.toFixed(2)).join(" ")}; median ${
    median(ratios).toFixed(3)
  }`
)
if (metric !== "send") faultReport()
