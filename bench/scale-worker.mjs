// Measures ONE client on ONE scale metric in a fresh process, then prints `RESULT <json>`.
//   node --expose-gc bench/scale-worker.mjs '<job json>'
// job: { client, metric: "slow" | "sends" | "fast" | "first", url (the scale emulator's), ...parameters }
// Every stream is checked (all its deltas arrived; for "fast", their count and length), every
// completion's content too, so a client cannot look fast by skipping work.
import * as Http from "node:http"
import { performance } from "node:perf_hooks"
import { describe } from "./describe-error.mjs"
import { COMPLETION_CONTENT, expectedStream } from "./payload.mjs"

const job = JSON.parse(process.argv[2] ?? "{}")

const finish = (result) => {
  process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`, () => process.exit(0))
}

const percentile = (xs, p) => {
  if (xs.length === 0) return NaN
  const s = Float64Array.from(xs).sort()
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}
const now = () => performance.timeOrigin + performance.now()
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const cpuMs = () => {
  const c = process.cpuUsage()
  return (c.user + c.system) / 1000
}
const MB = 1024 * 1024

// The connections the emulator accepted so far (updated by serverCpuMs).
let serverConnections = 0

// The emulator's own CPU time (node:http, so that no client library is loaded for it).
const serverCpuMs = () =>
  new Promise((resolve, reject) => {
    Http.get(`${job.url}/cpu`, { agent: false }, (res) => {
      let s = ""
      res.on("data", (d) => (s += d))
      res.on("end", () => {
        const { connections, cpuMs } = JSON.parse(s)
        serverConnections = connections
        resolve(cpuMs)
      })
    }).on("error", reject)
  })

let client
try {
  client = await import(`./clients/${job.client}.mjs`)
} catch (e) {
  finish({ unavailable: describe(e) })
  await new Promise(() => {})
}

const content = (chunk) => chunk?.choices?.[0]?.delta?.content

/** Runs `n` tasks with at most `concurrency` at a time. */
const pool = async (n, concurrency, task) => {
  let next = 0
  const lane = async () => {
    while (next < n) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, lane))
}

/** One paced stream: calls onStamp(latency ms) for each delta; fails unless all `chunks` arrived. */
const pacedStream = async (ctx, chunks, onStamp) => {
  let count = 0
  await client.stream(ctx, (chunk) => {
    const c = content(chunk)
    if (typeof c === "string" && c.startsWith("@")) {
      onStamp(now() - Number(c.slice(1)))
      count++
    }
  })
  if (count !== chunks) throw new Error(`received ${count} stamped deltas, expected ${chunks}`)
}

const metrics = {
  // N concurrent streams, one delta every intervalMs each. Client CPU and latency are taken in the
  // steady window (after the first second, until half a second before the end); RSS per open stream
  // is the growth from before the streams to the middle of the window (after gc), over N.
  async slow() {
    if (typeof globalThis.gc !== "function") throw new Error("run with --expose-gc")
    const { streams, chunks, intervalMs } = job
    const warm = await client.setup(`${job.url}/slow/5/5/api/v1`)
    await pool(20, 20, () => pacedStream(warm, 5, () => {}))
    const ctx = await client.setup(`${job.url}/slow/${chunks}/${intervalMs}/api/v1`)
    globalThis.gc()
    globalThis.gc()
    const before = process.memoryUsage()
    // The steady window opens two intervals after every stream has its first delta (RSS is sampled,
    // after gc, one interval before it opens) and closes when the first stream has all its deltas.
    const latencies = []
    let measuring = false
    let delivered = 0
    let opened = 0
    let mid
    let start
    let end
    const t0 = performance.now()
    const sample = async () => ({ wall: performance.now(), cpu: cpuMs(), delivered, server: await serverCpuMs() })
    let openWindow
    let closeWindow
    const opening = new Promise((resolve) => (openWindow = resolve))
    const closing = new Promise((resolve) => (closeWindow = resolve))
    let openAlmostAll
    const almostAll = new Promise((resolve) => (openAlmostAll = () => setTimeout(resolve, 4 * intervalMs)))
    const one = async () => {
      let first = true
      await pacedStream(ctx, chunks, (ms) => {
        delivered++
        if (measuring) latencies.push(ms)
        if (first) {
          first = false
          if (++opened === streams) openWindow()
          if (opened === Math.ceil(streams * 0.9)) openAlmostAll()
        }
      })
      if (end === undefined) {
        measuring = false
        end = "pending"
        closeWindow()
      }
    }
    const all = pool(streams, streams, one)
    const marks = (async () => {
      // On a starved machine some streams may open only after the first ones ended: then the window
      // opens when nine in ten have their first delta.
      await Promise.race([opening, closing, almostAll])
      await sleep(intervalMs)
      globalThis.gc()
      globalThis.gc()
      mid = process.memoryUsage()
      await sleep(intervalMs)
      if (end !== undefined) return
      start = await sample()
      measuring = true
      await closing
      end = await sample()
    })()
    await Promise.all([all, marks])
    if (start === undefined || typeof end !== "object") throw new Error("the streams ended before the steady window")
    const wall = end.wall - start.wall
    return {
      streams,
      chunks,
      intervalMs,
      cpuPct: (100 * (end.cpu - start.cpu)) / wall,
      // CPU per delivered delta in the window: steadier than CPU % on a loaded machine.
      cpuUsPerChunk: (1000 * (end.cpu - start.cpu)) / (end.delivered - start.delivered),
      serverCpuPct: (100 * (end.server - start.server)) / wall,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      samples: latencies.length,
      windowMs: wall,
      rssPerStreamKB: ((mid.rss - before.rss) / streams) / 1024,
      heapPerStreamKB: ((mid.heapUsed - before.heapUsed) / streams) / 1024,
      baselineRssMB: before.rss / MB,
      ms: performance.now() - t0
    }
  },

  // `calls` non-streaming calls, `concurrency` at a time.
  async sends() {
    const { calls, concurrency, warmup } = job
    const ctx = await client.setup(`${job.url}/fast/0/api/v1`)
    const check = (r) => {
      if (r?.choices?.[0]?.message?.content !== COMPLETION_CONTENT) throw new Error("wrong completion content")
    }
    await pool(warmup, concurrency, async () => check(await client.send(ctx)))
    const s0 = await serverCpuMs()
    const c0 = cpuMs()
    const t0 = performance.now()
    const k0 = serverConnections
    await pool(calls, concurrency, async () => check(await client.send(ctx)))
    const ms = performance.now() - t0
    const cpu = cpuMs() - c0
    const server = (await serverCpuMs()) - s0
    // Connections opened during the measured calls (the CPU probe's own are subtracted).
    const connections = serverConnections - k0 - 1
    return {
      calls,
      concurrency,
      reqPerSec: (calls * 1000) / ms,
      cpuPct: (100 * cpu) / ms,
      serverCpuPct: (100 * server) / ms,
      cpuUsPerCall: (1000 * cpu) / calls,
      connections,
      ms
    }
  },

  // N concurrent streams of `chunks` deltas, written by the server as fast as it can.
  async fast() {
    const { streams, chunks } = job
    const ctx = await client.setup(`${job.url}/fast/${chunks}/api/v1`)
    const expected = expectedStream(chunks)
    const one = async () => {
      let count = 0
      let chars = 0
      await client.stream(ctx, (chunk) => {
        const c = content(chunk)
        if (typeof c === "string" && c.length > 0) {
          count++
          chars += c.length
        }
      })
      if (count !== expected.chunks || chars !== expected.chars) {
        throw new Error(`consumed ${count} deltas / ${chars} chars, expected ${expected.chunks} / ${expected.chars}`)
      }
    }
    await pool(Math.min(streams, 20), Math.min(streams, 20), one)
    const s0 = await serverCpuMs()
    const c0 = cpuMs()
    const t0 = performance.now()
    await pool(streams, streams, one)
    const ms = performance.now() - t0
    const cpu = cpuMs() - c0
    const server = (await serverCpuMs()) - s0
    return {
      streams,
      chunks,
      chunksPerSec: (streams * chunks * 1000) / ms,
      cpuPct: (100 * cpu) / ms,
      cpuUsPerChunk: (1000 * cpu) / (streams * chunks),
      serverCpuPct: (100 * server) / ms,
      ms
    }
  },

  // Sequential streams whose one delta is written `delayMs` after the headers: how long after the
  // server wrote it does the consumer get it.
  async first() {
    const { streams, delayMs, warmup } = job
    const ctx = await client.setup(`${job.url}/first/${delayMs}/api/v1`)
    for (let i = 0; i < warmup; i++) await pacedStream(ctx, 1, () => {})
    const latencies = []
    for (let i = 0; i < streams; i++) await pacedStream(ctx, 1, (ms) => latencies.push(ms))
    return { streams, p50Ms: percentile(latencies, 50), p90Ms: percentile(latencies, 90) }
  }
}

try {
  const run = metrics[job.metric]
  if (run === undefined) throw new Error(`unknown metric ${job.metric}`)
  finish(await run())
} catch (e) {
  finish({ error: describe(e) })
}
