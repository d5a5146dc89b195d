#!/usr/bin/env node
// The client's own CPU time per call, for several clients loaded in ONE process and measured in
// interleaved rounds over the same emulator (bench/emulator-project.mjs, its own process): the
// steadiest comparison this shared machine allows, where wall-clock throughput swings with the load.
// Each adapter resolves its own `effect` (bench/clients/effect4-*.mjs re-export effect4/bench, whose
// imports resolve in effect4/node_modules), so both editions and both floors run side by side.
//
//   node bench/cpu.mjs                       the editions and floors on fetch, 15 rounds
//   node bench/cpu.mjs --only effect4-openrouter-fetch,effect4-floor-fetch --rounds 31
//   node bench/cpu.mjs --metrics stream-big --quick
//
// Per round and client (order rotated by one per round): `send` is the CPU time of a batch of
// sequential calls, per call; `stream-big` / `stream-64` of one 10,000-chunk stream. A ratio is the
// reference's CPU time over the client's in the same round (higher: the client is cheaper), and the
// figure shown is the median of the per-round ratios. Every call is checked like worker.mjs does.
import { performance } from "node:perf_hooks"
import { byName } from "./clients.mjs"
import { startEmulator } from "./emulatorProcess.mjs"
import { COMPLETION_CONTENT, expectedStream } from "./payload.mjs"
import { median } from "./stats.mjs"

const args = process.argv.slice(2)
const option = (name) => {
  const i = args.indexOf(name)
  return i === -1 ? undefined : args[i + 1]
}
const quick = args.includes("--quick")
const CLIENT_NAMES = (option("--only") ??
  "effect4-openrouter-fetch,effect4-floor-fetch,effect-openrouter-fetch,effect-floor-fetch").split(",")
const METRIC_NAMES = (option("--metrics") ?? "send,stream-big,stream-64").split(",")
const ROUNDS = Number(option("--rounds") ?? (quick ? 3 : 15))
const CHUNKS = quick ? 1000 : 10_000
const SENDS = quick ? 50 : 200
for (const name of CLIENT_NAMES) if (byName(name) === undefined) throw new Error(`unknown client ${name}`)

const METRICS = {
  send: { scenario: "0/0", unit: "µs per call" },
  "stream-big": { scenario: `${CHUNKS}/0`, unit: "ms per stream" },
  "stream-64": { scenario: `${CHUNKS}/64`, unit: "ms per stream" }
}
for (const m of METRIC_NAMES) if (METRICS[m] === undefined) throw new Error(`unknown metric ${m}`)

const emulator = await startEmulator("emulator-project.mjs", [
  JSON.stringify([{ chunks: 0, writeSize: 0 }, { chunks: CHUNKS, writeSize: 0 }, { chunks: CHUNKS, writeSize: 64 }])
])
const scenarios = emulator.scenarios

const clients = []
for (const name of CLIENT_NAMES) {
  const adapter = await import(`./clients/${name}.mjs`)
  const ctx = {}
  for (const m of METRIC_NAMES) ctx[m] = await adapter.setup(scenarios[METRICS[m].scenario].url)
  clients.push({ name, adapter, ctx })
}

const cpuNow = () => {
  const u = process.cpuUsage()
  return u.user + u.system
}

/** CPU µs of one measurement of `metric` for `client`, after checking what it received. */
const measure = async (client, metric) => {
  const ctx = client.ctx[metric]
  if (metric === "send") {
    const t0 = cpuNow()
    for (let i = 0; i < SENDS; i++) {
      const r = await client.adapter.send(ctx)
      if (r?.choices?.[0]?.message?.content !== COMPLETION_CONTENT) throw new Error(`${client.name}: wrong completion`)
    }
    return (cpuNow() - t0) / SENDS
  }
  let count = 0
  let chars = 0
  const t0 = cpuNow()
  await client.adapter.stream(ctx, (chunk) => {
    const content = chunk?.choices?.[0]?.delta?.content
    if (typeof content === "string" && content.length > 0) {
      count++
      chars += content.length
    }
  })
  const us = cpuNow() - t0
  const expected = expectedStream(CHUNKS)
  if (count !== expected.chunks || chars !== expected.chars) throw new Error(`${client.name}: incomplete stream`)
  return us / 1000
}

const started = performance.now()
const results = {}
for (const metric of METRIC_NAMES) {
  // warm-up: the JIT, the connection
  for (const client of clients) for (let i = 0; i < (quick ? 1 : 3); i++) await measure(client, metric)
  const perRound = Object.fromEntries(clients.map((c) => [c.name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...clients.slice(round % clients.length), ...clients.slice(0, round % clients.length)]
    for (const client of order) perRound[client.name].push(await measure(client, metric))
  }
  results[metric] = perRound
}
emulator.stop()

const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1))
console.log(
  `client CPU time, ${ROUNDS} interleaved rounds in one process (${
    ((performance.now() - started) / 1000).toFixed(0)
  } s)`
)
for (const metric of METRIC_NAMES) {
  const perRound = results[metric]
  console.log(`\n${metric} (${METRICS[metric].unit}; ratio = reference ÷ client per round, median: > 1 is cheaper)`)
  const head = ["client", "median", ...clients.map((c) => `vs ${c.name}`)]
  const rows = [head, head.map(() => "---")]
  for (const c of clients) {
    const mine = perRound[c.name]
    rows.push([
      c.name,
      fmt(median(mine)),
      ...clients.map((ref) => `${median(perRound[ref.name].map((r, i) => r / mine[i])).toFixed(2)}×`)
    ])
  }
  console.log(rows.map((r) => `| ${r.join(" | ")} |`).join("\n"))
}
process.exit(0)
