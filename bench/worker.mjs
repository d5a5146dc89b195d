// Measures ONE client on ONE metric in a fresh process, then prints `RESULT <json>`.
//   node [--expose-gc] bench/worker.mjs '<job json>'
// job: { client, metric: "send" | "stream" | "memory", scenarios, ...metric parameters }
// scenarios: {"<chunks>/<writeSize>": {url, bytes}} from the emulator (see run.mjs).
// Every call is checked (content of the completion; count and length of the streamed deltas), so
// a client cannot look fast by skipping work; a mismatch fails the job.
import { performance } from "node:perf_hooks"
import { describe } from "./describe-error.mjs"
import { COMPLETION_CONTENT, expectedStream } from "./payload.mjs"
import { median } from "./stats.mjs"

const job = JSON.parse(process.argv[2] ?? "{}")
const reference = job.client === "drain"

const finish = (result) => {
  process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`, () => process.exit(0))
}

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}

const scenario = (chunks, writeSize) => {
  const s = job.scenarios?.[`${chunks}/${writeSize}`]
  if (s === undefined) throw new Error(`the emulator serves no scenario ${chunks}/${writeSize}`)
  return s
}

let client
try {
  client = await import(`./clients/${job.client}.mjs`)
} catch (e) {
  finish({ unavailable: describe(e) })
  await new Promise(() => {})
}

const setup = async (baseUrl) => {
  try {
    return await client.setup(baseUrl)
  } catch (e) {
    if (e?.unavailable) {
      finish({ unavailable: describe(e) })
      await new Promise(() => {})
    }
    throw e
  }
}

const checkCompletion = (r) => {
  if (reference) return
  const content = r?.choices?.[0]?.message?.content
  if (content !== COMPLETION_CONTENT) {
    throw new Error(`wrong completion content: ${JSON.stringify(content)?.slice(0, 80)}`)
  }
}

/** Consumes one stream; returns its duration, failing unless every delta arrived. */
const consume = async (ctx, chunks, writeSize, onCount) => {
  const expected = { ...expectedStream(chunks), bytes: scenario(chunks, writeSize).bytes }
  let count = 0
  let chars = 0
  const cpu0 = process.cpuUsage()
  const faults0 = process.resourceUsage().minorPageFault
  const t0 = performance.now()
  const r = await client.stream(ctx, (chunk) => {
    const content = chunk?.choices?.[0]?.delta?.content
    if (typeof content === "string" && content.length > 0) {
      count++
      chars += content.length
      if (onCount !== undefined) onCount(count)
    }
  })
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const cpuMs = (cpu.user + cpu.system) / 1000
  // Minor page faults: on this machine (a Firecracker VM) one costs about 15-25 µs, so a stream in which
  // the process takes fresh memory runs measurably slower (bench/micro/effect4-stream-floor.md).
  const faults = process.resourceUsage().minorPageFault - faults0
  if (reference) {
    if (r?.bytes !== expected.bytes) throw new Error(`drained ${r?.bytes} bytes, expected ${expected.bytes}`)
  } else if (count !== expected.chunks || chars !== expected.chars) {
    throw new Error(`consumed ${count} deltas / ${chars} chars, expected ${expected.chunks} / ${expected.chars}`)
  }
  return { ms, cpuMs, faults, bytes: expected.bytes }
}

const metrics = {
  async send() {
    const ctx = await setup(scenario(0, 0).url)
    for (let i = 0; i < job.warmup; i++) checkCompletion(await client.send(ctx))
    const latencies = []
    const rates = []
    // the process's CPU time per call (µs), per batch: steadier than the rate on a loaded machine
    const cpuPerCall = []
    const perRun = Math.ceil(job.calls / job.runs)
    for (let run = 0; run < job.runs; run++) {
      const cpu0 = process.cpuUsage()
      const t0 = performance.now()
      for (let i = 0; i < perRun; i++) {
        const t = performance.now()
        const r = await client.send(ctx)
        latencies.push(performance.now() - t)
        checkCompletion(r)
      }
      rates.push((perRun * 1000) / (performance.now() - t0))
      const cpu = process.cpuUsage(cpu0)
      cpuPerCall.push((cpu.user + cpu.system) / perRun)
    }
    return {
      calls: perRun * job.runs,
      reqPerSec: median(rates),
      rates,
      cpuUsPerCall: median(cpuPerCall),
      cpus: cpuPerCall,
      latencyMs: median(latencies),
      p99Ms: percentile(latencies, 99)
    }
  },

  async stream() {
    const ctx = await setup(scenario(job.chunks, job.writeSize).url)
    // A very slow client gets fewer warm-up streams (at least 1: one stream of N chunks is plenty
    // to warm the JIT) and fewer measured runs (at least 3, at most job.runs), so that a full run
    // with several rounds stays bounded.
    let warmMs = 0
    let warmTotal = 0
    for (let i = 0; i < job.warmup; i++) {
      warmMs = (await consume(ctx, job.chunks, job.writeSize)).ms
      warmTotal += warmMs
      if (job.budgetMs && warmTotal > job.budgetMs / 5) break
    }
    const runs = job.budgetMs && warmMs > 0
      ? Math.min(job.runs, Math.max(3, Math.floor(job.budgetMs / warmMs)))
      : job.runs
    const times = []
    const cpu = []
    const faults = []
    let bytes = 0
    for (let run = 0; run < runs; run++) {
      const r = await consume(ctx, job.chunks, job.writeSize)
      times.push(r.ms)
      cpu.push(r.cpuMs)
      faults.push(r.faults)
      bytes = r.bytes
    }
    const ms = median(times)
    return {
      chunks: job.chunks,
      ms,
      times,
      cpus: cpu,
      faults,
      cpuMs: median(cpu),
      chunksPerSec: (job.chunks * 1000) / ms,
      mbPerSec: bytes / 1e3 / ms
    }
  },

  async memory() {
    if (typeof globalThis.gc !== "function") throw new Error("run with --expose-gc")
    const warm = await setup(scenario(job.warmupChunks, 0).url)
    await consume(warm, job.warmupChunks, 0)
    await consume(warm, job.warmupChunks, 0)
    const ctx = await setup(scenario(job.chunks, 0).url)
    // The baseline is taken inside the long stream, once it has run for a while (young
    // generation sized, connection and buffers allocated), and the end sample at its last delta,
    // while it is still open: anything kept per chunk shows as growth between the two.
    const baselineAt = Math.max(1, Math.floor(job.chunks / 10))
    const sample = () => {
      globalThis.gc()
      globalThis.gc()
      return process.memoryUsage()
    }
    let before
    let end
    let peak = 0
    const r = await consume(ctx, job.chunks, 0, (count) => {
      if (count % 10_000 === 0) peak = Math.max(peak, process.memoryUsage.rss())
      if (count === baselineAt) before = sample()
      if (count === job.chunks) end = sample()
    })
    const mb = (x) => x / (1024 * 1024)
    return {
      chunks: job.chunks,
      from: baselineAt,
      rssGrowthMB: mb(end.rss - before.rss),
      heapGrowthMB: mb(end.heapUsed - before.heapUsed),
      externalGrowthMB: mb(end.external - before.external),
      peakRssGrowthMB: mb(Math.max(peak, end.rss) - before.rss),
      baselineRssMB: mb(before.rss),
      heapTotalGrowthMB: mb(end.heapTotal - before.heapTotal),
      ms: r.ms
    }
  }
}

try {
  const run = metrics[job.metric]
  if (run === undefined) throw new Error(`unknown metric ${job.metric}`)
  finish(await run())
} catch (e) {
  finish({ error: describe(e) })
}
