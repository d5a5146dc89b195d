#!/usr/bin/env node
/* global Response, ReadableStream */
// The Effect 4 edition's own CPU time per call against its floor's, without a network: both run on
// `effect/http`'s FetchHttpClient over an in-memory `fetch` that answers with the bytes the benchmark's
// emulator sends (bench/payload.mjs), a stream's body in 16 KiB reads as a socket delivers it. One
// process, interleaved rounds (order alternating), the ratio per round (floor ÷ edition CPU time: > 1
// means the edition is cheaper) and its median. What is left is the client's work alone: the place to
// profile (`node --cpu-prof effect4/bench/overhead.mjs --only edition --metrics stream`).
// With `--base <dir>` (another build of the edition, e.g. main's: its `effect4/dist`), that build runs
// beside this one in the same rounds ("base"), for before/after ratios (base ÷ edition CPU time).
//
//   npm --prefix effect4 run build && node effect4/bench/overhead.mjs [--rounds 21] [--metrics send,stream,stream-64]
//   node effect4/bench/overhead.mjs --base /tmp/main/effect4/dist --only edition,base
//   node effect4/bench/overhead.mjs --read 65536   # the stream in 64 KiB reads (undici's, for a stream written at once)
//   node effect4/bench/overhead.mjs --chunks 20 --metrics stream   # short streams: the cost per stream more than per chunk
import { Layer } from "effect"
import { FetchHttpClient } from "effect/http"
import * as Path from "node:path"
import { pathToFileURL } from "node:url"
import { COMPLETION_CONTENT, completionBody, expectedStream, streamBatches } from "../../bench/payload.mjs"
import { median } from "../../bench/stats.mjs"
import { makeFloor, makeOpenrouter } from "./clients.mjs"

const args = process.argv.slice(2)
const option = (name) => {
  const i = args.indexOf(name)
  return i === -1 ? undefined : args[i + 1]
}
const ROUNDS = Number(option("--rounds") ?? 21)
const METRICS = (option("--metrics") ?? "send,stream,stream-64").split(",")
const ONLY = option("--only")?.split(",")
const CHUNKS = Number(option("--chunks") ?? 10_000)
// short streams are measured in batches of the same 10,000 chunks in all, so the JIT is as warm
const STREAMS_PER_MEASURE = Math.max(1, Math.round(10_000 / CHUNKS))
const SENDS = 500

const encoder = new TextEncoder()
const slice = (bytes, size) => {
  const out = []
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size))
  return out
}
const streamBytes = encoder.encode([...streamBatches(CHUNKS)].join(""))
const BODIES = {
  // socket reads of 16 KiB
  stream: slice(streamBytes, Number(option("--read") ?? 16 * 1024)),
  // one HTTP chunk per 64 bytes, reads still about 16 KiB: what the fetch body yields is the same pieces
  "stream-64": slice(streamBytes, 64).reduce((reads, piece) => {
    const last = reads.at(-1)
    if (last === undefined || last.length >= 256) reads.push([piece])
    else last.push(piece)
    return reads
  }, []).map((pieces) => Buffer.concat(pieces))
}
const completion = encoder.encode(completionBody())

const respond = (reads, contentType) =>
  new Response(
    new ReadableStream({
      start(controller) {
        this.i = 0
        this.controller = controller
      },
      pull(controller) {
        if (this.i < reads.length) controller.enqueue(reads[this.i++])
        else controller.close()
      }
    }),
    { status: 200, headers: { "content-type": contentType } }
  )

let streamKind = "stream"
const fetch = async (_url, init) => {
  // read the request body as a server would
  if (init?.body !== undefined) await new Response(init.body).arrayBuffer()
  return /"stream":true/.test(String(init?.body))
    ? respond(BODIES[streamKind], "text/event-stream")
    : respond([completion], "application/json")
}

const http = FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch)))
const url = "http://bench.invalid/api/v1"

// the adapters run.mjs measures, on the in-memory fetch
const adapt = async (adapter) => {
  const ctx = await adapter.setup(url)
  return { send: () => adapter.send(ctx), stream: (onChunk) => adapter.stream(ctx, onChunk) }
}
const layer = async () => http
const baseDir = option("--base")
// the other build resolves `effect` from its own place: it must be this same Effect 4 (one runtime)
const base = baseDir === undefined
  ? undefined
  : await import(pathToFileURL(Path.join(Path.resolve(baseDir), "index.js")).href)

const CLIENTS = {
  edition: await adapt(makeOpenrouter(layer)),
  ...(base === undefined ? {} : { base: await adapt(makeOpenrouter(layer, base)) }),
  floor: await adapt(makeFloor(layer))
}
const names = Object.keys(CLIENTS).filter((n) => ONLY === undefined || ONLY.includes(n))

const cpu = () => {
  const u = process.cpuUsage()
  return u.user + u.system
}
const expected = expectedStream(CHUNKS)

const measure = async (name, metric) => {
  const client = CLIENTS[name]
  const t0 = cpu()
  if (metric === "send") {
    for (let i = 0; i < SENDS; i++) {
      const r = await client.send()
      if (r.choices[0].message.content !== COMPLETION_CONTENT) throw new Error(`${name}: wrong completion`)
    }
    return (cpu() - t0) / SENDS
  }
  streamKind = metric
  for (let i = 0; i < STREAMS_PER_MEASURE; i++) {
    let count = 0
    let chars = 0
    await client.stream((chunk) => {
      const content = chunk.choices[0]?.delta?.content
      if (typeof content === "string" && content.length > 0) {
        count++
        chars += content.length
      }
    })
    if (count !== expected.chunks || chars !== expected.chars) throw new Error(`${name}: incomplete stream`)
  }
  return (cpu() - t0) / 1000 / STREAMS_PER_MEASURE
}

for (const metric of METRICS) {
  for (const name of names) for (let i = 0; i < 5; i++) await measure(name, metric)
  const times = Object.fromEntries(names.map((n) => [n, []]))
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)]
    for (const name of order) times[name].push(await measure(name, metric))
  }
  const unit = metric === "send" ? "µs per call" : "ms per stream"
  const line = names.map((n) => `${n} ${median(times[n]).toFixed(metric === "send" ? 0 : 2)}`).join(", ")
  const vs = (ref) =>
    times.edition && times[ref]
      ? `; edition vs ${ref} ${median(times[ref].map((f, i) => f / times.edition[i])).toFixed(2)}×`
      : ""
  const ratio = vs("floor") + vs("base")
  console.log(`${metric} (${unit}, median of ${ROUNDS} rounds): ${line}${ratio}`)
}
process.exit(0)
