#!/usr/bin/env node
/* global Response, ReadableStream */
// How fast a fresh process reaches full speed: the client CPU time of each of the first streams (10,000
// chunks, 64 KiB reads by default, over an in-memory `fetch`, as effect4/bench/overhead.mjs) of the Effect 4 edition
// and its floor, each in fresh processes run in alternation; per stream index, the median over processes.
// bench/run.mjs measures streams 4 to 10 of a fresh process, so code that reaches full speed late (a
// deoptimization loop, closures inlined per instance) shows here first.
//
//   node effect4/bench/warmup.mjs [--processes 7] [--streams 12] [--read 65536] [--base <dir of another effect4/dist>]
//   node --trace-opt --trace-deopt effect4/bench/warmup.mjs --child edition --streams 12 --marks
//     (one process; `--marks` writes "=== STREAM i" before each stream, so V8's trace shows which stream a
//     deoptimization or an optimization falls in)
import { Layer } from "effect"
import { FetchHttpClient } from "effect/http"
import { execFileSync } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { streamBatches } from "../../bench/payload.mjs"
import { median } from "../../bench/stats.mjs"
import { makeFloor, makeOpenrouter } from "./clients.mjs"

const args = process.argv.slice(2)
const option = (name) => {
  const i = args.indexOf(name)
  return i === -1 ? undefined : args[i + 1]
}
const STREAMS = Number(option("--streams") ?? 12)
const READ = Number(option("--read") ?? 65536)

if (option("--child") !== undefined) {
  const who = option("--child")
  const bytes = new TextEncoder().encode([...streamBatches(10_000)].join(""))
  const reads = []
  for (let i = 0; i < bytes.length; i += READ) reads.push(bytes.subarray(i, i + READ))
  const fetch = async (_url, init) => {
    if (init?.body !== undefined) await new Response(init.body).arrayBuffer()
    let i = 0
    return new Response(
      new ReadableStream({
        pull(c) {
          if (i < reads.length) c.enqueue(reads[i++])
          else c.close()
        }
      }),
      { status: 200, headers: { "content-type": "text/event-stream" } }
    )
  }
  const http = async () => FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch)))
  const client = who === "floor"
    ? makeFloor(http)
    : who === "edition"
    ? makeOpenrouter(http)
    : makeOpenrouter(http, await import(pathToFileURL(Path.join(Path.resolve(who), "index.js")).href))
  const ctx = await client.setup("http://bench.invalid/api/v1")
  const times = []
  for (let i = 0; i < STREAMS; i++) {
    const c0 = process.cpuUsage()
    let n = 0
    if (args.includes("--marks")) console.log(`=== STREAM ${i}`)
    await client.stream(ctx, () => n++)
    if (n < 10_000) throw new Error(`stream ${i}: ${n} chunks`)
    const c = process.cpuUsage(c0)
    times.push((c.user + c.system) / 1000)
  }
  console.log(JSON.stringify(times))
} else {
  const PROCESSES = Number(option("--processes") ?? 7)
  const base = option("--base")
  const who = ["edition", "floor", ...(base === undefined ? [] : [base])]
  const runs = Object.fromEntries(who.map((w) => [w, []]))
  for (let k = 0; k < PROCESSES; k++) {
    for (const w of k % 2 === 0 ? who : [...who].reverse()) {
      const out = execFileSync(process.execPath, [
        fileURLToPath(import.meta.url),
        "--child",
        w,
        "--streams",
        String(STREAMS),
        "--read",
        String(READ)
      ])
      runs[w].push(JSON.parse(out.toString()))
    }
  }
  console.log(`client CPU ms of stream 1..${STREAMS} of a fresh process (median of ${PROCESSES} processes each)`)
  for (const w of who) {
    const row = runs[w][0].map((_, i) => median(runs[w].map((r) => r[i])).toFixed(0))
    console.log(`${(w === base ? "base" : w).padEnd(8)} ${row.join(" ")}`)
  }
}
