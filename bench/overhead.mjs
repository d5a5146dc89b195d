// The client's own cost per call, without a network: Chat.send and Chat.stream over the in-process
// emulator (Testing.layer, which goes through @effect/platform's HttpClient and its span), for a small
// request and a 1 MB one. With --base <dir> it compares the built package (dist/) with another build
// of it (e.g. a checkout of main, built), both loaded in this one process and measured in
// interleaved rounds; each round's ratio is this build's CPU time per call over the base's.
//
// With --http, both talk to the emulator in a child process over loopback through NodeHttpClient
// (undici) instead: the CPU time measured is still this process's, the client's alone.
//
//   npm run build && node bench/overhead.mjs
//   node bench/overhead.mjs --base /path/to/other/checkout/dist --rounds 15 [--http]
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect, Layer, ManagedRuntime, Redacted, Stream } from "effect"
import { spawn } from "node:child_process"
import * as Path from "node:path"
import { pathToFileURL } from "node:url"
import { median } from "./stats.mjs"

const args = process.argv.slice(2)
const option = (name) => {
  const i = args.indexOf(name)
  return i === -1 ? undefined : args[i + 1]
}
const ROUNDS = Number(option("--rounds") ?? 9)
const here = Path.resolve(import.meta.dirname, "..", "dist")
const base = option("--base")

const http = args.includes("--http")

// The emulator in a child process (this build's dist/TestServer.js), answering every request.
const startEmulator = () =>
  new Promise((resolve, reject) => {
    const code = `const T = await import(${JSON.stringify(pathToFileURL(Path.join(here, "TestServer.js")).href)});
      const S = await import(${JSON.stringify(pathToFileURL(Path.join(here, "Testing.js")).href)});
      const server = await T.listen(S.emulator); console.log(server.url)`
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "inherit"] })
    child.stdout.once("data", (data) => resolve({ url: String(data).trim(), child }))
    child.once("error", reject)
  })
const emulator = http ? await startEmulator() : undefined

const load = async (dir) => {
  const lib = await import(pathToFileURL(Path.join(dir, "index.js")).href)
  const config = lib.OpenRouterConfig.layer({
    apiKey: Redacted.make("sk-or-bench"),
    retry: false,
    ...(emulator ? { baseUrl: emulator.url } : {})
  })
  // A fresh runtime per batch: the in-process emulator keeps every request it receives.
  const makeRuntime = async () => {
    const runtime = ManagedRuntime.make(
      Layer.merge(emulator ? NodeHttpClient.layerUndici : lib.Testing.layer(lib.Testing.emulator), config)
    )
    await runtime.runPromise(Effect.void)
    return runtime
  }
  return { lib, makeRuntime }
}

const small = { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Say hello" }] }
// 1 MB in two shapes: one long message, and 2,000 messages of 500 characters with an unknown field each.
const bigText = {
  model: "openai/gpt-4o-mini",
  messages: [{ role: "user", content: "x".repeat(1024 * 1024) }]
}
const bigMany = {
  model: "openai/gpt-4o-mini",
  messages: Array.from({ length: 2000 }, (_, i) => ({
    role: i % 2 === 0 ? "user" : "assistant",
    content: "y".repeat(500),
    x_note: { index: i, tags: ["a", "b"] }
  }))
}

// Over --http only the small requests: the emulator keeps every request it receives, so thousands of
// 1 MB requests would fill its memory (the 1 MB cost is the client's request preparation, the same
// in both modes).
const allScenarios = [
  ["send small", (c) => c.runtime.runPromise(c.lib.Chat.send(small)), 400],
  ["stream small", (c) => c.runtime.runPromise(Stream.runDrain(c.lib.Chat.stream(small))), 200],
  ["send 1 MB (one message)", (c) => c.runtime.runPromise(c.lib.Chat.send(bigText)), 30],
  ["send 1 MB (2,000 messages)", (c) => c.runtime.runPromise(c.lib.Chat.send(bigMany)), 30]
]
const scenarios = http ? allScenarios.slice(0, 2) : allScenarios

// CPU time of this process (user + system), in ms: on a shared machine it moves less than wall time
// with other work, and everything measured here runs in this process.
const cpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

const time = async (build, run, n) => {
  const client = { lib: build.lib, runtime: await build.makeRuntime() }
  // One untimed call: connections and caches of this runtime are set up.
  await run(client)
  const start = cpu()
  for (let i = 0; i < n; i++) await run(client)
  const perCall = (cpu() - start) / n
  await client.runtime.dispose()
  return perCall
}

const ours = await load(here)
const other = base === undefined ? undefined : await load(Path.resolve(base))

for (const [name, run, n] of scenarios) {
  // Warm-up: both builds, compiled and their caches filled.
  await time(ours, run, n)
  if (other) await time(other, run, n)
  const mine = []
  const theirs = []
  const ratios = []
  for (let r = 0; r < ROUNDS; r++) {
    // Rotate the order each round so drift hits both alike.
    const first = r % 2 === 0 || !other ? ours : other
    const a = await time(first, run, n)
    const b = other ? await time(first === ours ? other : ours, run, n) : undefined
    const [t, u] = first === ours ? [a, b] : [b, a]
    mine.push(t)
    if (u !== undefined) {
      theirs.push(u)
      ratios.push(t / u)
    }
  }
  const us = (ms) => `${(ms * 1000).toFixed(1)} µs`
  console.log(
    other
      ? `${name.padEnd(28)} this ${us(median(mine)).padStart(10)}  base ${
        us(median(theirs)).padStart(10)
      }  ratio median ${median(ratios).toFixed(3)} (min ${Math.min(...ratios).toFixed(3)}, max ${
        Math.max(...ratios).toFixed(3)
      })`
      : `${name.padEnd(28)} ${us(median(mine)).padStart(10)} per call`
  )
}

emulator?.child.kill()
