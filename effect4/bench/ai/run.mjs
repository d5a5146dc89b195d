// The Effect 4 edition's provider benchmark: `LanguageModel.streamText` (effect/ai) over one 10,000-chunk
// stream through our provider (effect4/dist/OpenRouterLanguageModel.js), through the floor (floor.mjs: a
// minimal LanguageModel over effect/http, one JSON.parse per SSE event) and through the Effect team's
// Effect 4 OpenRouter provider (rc.111, loaded on effect 4.1.5 by reference.mjs), against the stream the
// Effect 3 edition's bench/ai/ serves (bench/ai/servers.mjs, the project's emulator, its own process).
// Method as in bench/ai/ (bench/ai/rounds.mjs): a fresh worker process per provider and round, on the
// Node 22 of effect4/, order rotated per round, ratios as the median of per-round ratios.
//   npm run build && npm run build:effect4 && node effect4/bench/ai/run.mjs [--rounds 5] [--warmup 4] [--runs 3] [--quick]
// Writes bench/micro/effect4-stream-text.md (copied into bench/RESULTS.md by every full run of
// bench/run.mjs); bench/results/effect4-ai.md with --quick. Exits 1 when a provider that could load failed,
// or when our provider's source exists but effect4/dist lacks it.
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { fmt, fmtRatio, rate, ratio, runRounds, runWorker, settings, startServers } from "../../../bench/ai/rounds.mjs"
import { prepare } from "./reference.mjs"

const HERE = Path.dirname(fileURLToPath(import.meta.url))
const EFFECT4 = Path.resolve(HERE, "../..")
const ROOT = Path.resolve(EFFECT4, "..")
const NODE = Path.join(EFFECT4, "node_modules/.bin/node")
// Four warm-up streams: on effect 4.1.5 every provider (the floor too) needs three or four 10,000-chunk streams
// before its time per stream settles (the JIT), so two would measure the warm-up's tail.
const { quick, chunks: CHUNKS, rounds: ROUNDS, warmup: WARMUP, runs: RUNS } = settings(process.argv.slice(2), {
  warmup: 4,
  runs: 3
})

const version = (dir) => JSON.parse(Fs.readFileSync(Path.join(dir, "package.json"), "utf8")).version

// Which contenders can run, and why not when one cannot (a row says so instead of a number).
let reference
try {
  reference = await prepare()
} catch (e) {
  reference = { error: String(e?.message ?? e) }
}
const oursBuilt = Fs.existsSync(Path.join(EFFECT4, "dist/OpenRouterLanguageModel.js"))
const PROVIDERS = [
  {
    name: "ours",
    label: "effect-openrouter (Effect 4 edition) OpenRouterLanguageModel",
    version: version(EFFECT4),
    missing: oursBuilt ? undefined : "effect4/dist/OpenRouterLanguageModel.js not built (npm run build:effect4)"
  },
  {
    name: "reference",
    label: "@effect/ai-openrouter (Effect team, source rewritten for 4.1.5)",
    version: reference.version ?? "n/a",
    missing: reference.error
  },
  {
    name: "floor",
    label: "floor: minimal LanguageModel over effect/http + JSON.parse",
    version: `effect ${version(Path.join(EFFECT4, "node_modules/effect"))}`,
    missing: undefined
  }
]
const available = PROVIDERS.filter((p) => p.missing === undefined)
for (const p of PROVIDERS) if (p.missing !== undefined) console.log(`${p.name}: not available (${p.missing})`)

const servers = await startServers(CHUNKS)
console.log(`servers up (chat ${servers.bytes.chat} bytes per stream); ${ROUNDS} rounds`)
const { cpuPerRound, failed, perRound } = await runRounds({
  providers: available,
  rounds: ROUNDS,
  chunks: CHUNKS,
  measure: (provider) =>
    runWorker({
      node: NODE,
      script: Path.join(HERE, "worker.mjs"),
      cwd: HERE,
      job: { provider: provider.name, url: servers.chat, chunks: CHUNKS, warmup: WARMUP, runs: RUNS }
    })
})
servers.stop()

// Each comparison as a speed-up of the first over the second: by wall-clock throughput, and by CPU per
// chunk (the second's CPU over the first's: above 1, the first costs less).
const comparisons = [
  ["ours vs the Effect team's provider", "ours", "reference"],
  ["ours vs the floor", "ours", "floor"],
  ["the Effect team's provider vs the floor", "reference", "floor"]
]
const fmtCpu = (x) => (x === undefined ? "n/a" : x.toFixed(1))
const lines = [
  "## The Effect 4 edition's provider: `LanguageModel.streamText` (`effect4/bench/ai/`)",
  "",
  `${
    CHUNKS.toLocaleString("en")
  } text deltas per stream (the stream of \`bench/ai/\`, from the project's emulator); ${ROUNDS} interleaved rounds, ` +
  `each provider in a fresh process per round (${WARMUP} warm-up + ${RUNS} measured streams, the round's value is ` +
  `their median); effect/ai's LanguageModel (effect 4.1.5), @effect/platform-node's undici layer for all, on ` +
  `Node ${execFileSync(NODE, ["--version"], { encoding: "utf8" }).trim()} (effect4/'s). ${Os.cpus().length} × ${
    Os.cpus()[0]?.model ?? "cpu"
  }; ${new Date().toISOString()}.`,
  "",
  "| provider | version | chunks/s (median over rounds) | min–max | CPU µs per chunk (median) | min–max |",
  "| --- | --- | ---: | --- | ---: | --- |",
  ...PROVIDERS.map((p) => {
    if (p.missing !== undefined) return `| ${p.label} | ${p.version} | not available: ${p.missing} | | | |`
    const r = rate(perRound, p.name)
    const c = rate(cpuPerRound, p.name)
    return `| ${p.label} | ${p.version} | ${fmt(r?.median)} | ${fmt(r?.min)}–${fmt(r?.max)} | ${fmtCpu(c?.median)} | ${
      fmtCpu(c?.min)
    }–${fmtCpu(c?.max)} |`
  }),
  "",
  "| speed-up (median of per-round ratios) | by throughput (min–max) | by CPU per chunk (min–max) |",
  "| --- | --- | --- |",
  ...comparisons.map(([what, a, b]) =>
    `| ${what} | ${fmtRatio(ratio(perRound, a, b))} | ${fmtRatio(ratio(cpuPerRound, b, a))} |`
  ),
  "",
  "CPU is the worker process's (`process.cpuUsage`, all threads: the JIT and the GC too) while a stream is",
  "consumed; on a loaded machine it is the steadier figure, since a process waiting for a core spends none.",
  "The Effect team's provider is its 4.0.0-rc.111 source (`../shared/effect4/reference/`), copied at bench time",
  "into `effect4/.tmp/` with `effect/unstable/<area>` imports rewritten to `effect/<area>` and `effect/Encoding`",
  "mapped to `effect/encoding/Base64`, then bundled by esbuild with `effect` external (`effect4/bench/ai/reference.mjs`);",
  "it is not published on this registry and none of its code is in the repository. The floor is what any provider",
  "pays: effect/ai's LanguageModel (which decodes every stream part with its Schema) over the HTTP client."
]
const file = quick
  ? Path.join(ROOT, "bench/results/effect4-ai.md")
  : Path.join(ROOT, "bench/micro/effect4-stream-text.md")
Fs.mkdirSync(Path.dirname(file), { recursive: true })
Fs.writeFileSync(file, lines.join("\n") + "\n")
console.log("\n" + lines.join("\n"))
console.log(`\nwritten to ${Path.relative(ROOT, file)}`)
// Our provider not built while its source exists is a broken run (CI builds it first), not a missing contender.
const oursExpected = Fs.existsSync(Path.join(EFFECT4, "src/OpenRouterLanguageModel.ts"))
process.exit(failed.size > 0 || (oursExpected && !oursBuilt) ? 1 : 0)
