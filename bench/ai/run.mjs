// The @effect/ai provider benchmark: `LanguageModel.streamText` over one 10,000-chunk stream through
// our provider (effect-openrouter/OpenRouterLanguageModel), @effect/ai-openrouter and
// @effect/ai-openai, against the same servers in the same run (servers.mjs, its own process).
// Method as in ../run.mjs: each round runs every provider in a fresh process (worker.mjs), in an
// order rotated by one per round; a provider's round value is the median of its measured streams;
// the targets use the median of the per-round ratios (same round, same machine state).
//   npm run build && (cd bench && npm install) && node bench/ai/run.mjs [--rounds 5] [--quick]
// Writes bench/ai/RESULTS.md (bench/results/ai.md with --quick).
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { fmt, fmtRatio, rate, ratio, runRounds, runWorker, settings, startServers } from "./rounds.mjs"

const HERE = Path.dirname(fileURLToPath(import.meta.url))
const ROOT = Path.resolve(HERE, "../..")
const { quick, chunks: CHUNKS, rounds: ROUNDS, warmup: WARMUP, runs: RUNS } = settings(process.argv.slice(2))

const PROVIDERS = [
  { name: "ours", label: "effect-openrouter/OpenRouterLanguageModel", pkg: null },
  { name: "effect-ai-openrouter", label: "@effect/ai-openrouter", pkg: "bench/node_modules/@effect/ai-openrouter" },
  { name: "effect-ai-openai", label: "@effect/ai-openai (Responses API)", pkg: "node_modules/@effect/ai-openai" }
]

const version = (rel) => {
  try {
    return JSON.parse(Fs.readFileSync(Path.join(ROOT, rel, "package.json"), "utf8")).version
  } catch {
    return "not installed"
  }
}

const servers = await startServers(CHUNKS)
console.log(
  `servers up (chat ${servers.bytes.chat} bytes, responses ${servers.bytes.responses} bytes per stream); ${ROUNDS} rounds`
)
const { perRound, failed } = await runRounds({
  providers: PROVIDERS,
  rounds: ROUNDS,
  chunks: CHUNKS,
  measure: (provider) =>
    runWorker({
      script: Path.join(HERE, "worker.mjs"),
      cwd: HERE,
      job: { provider: provider.name, urls: servers, chunks: CHUNKS, warmup: WARMUP, runs: RUNS }
    })
})
servers.stop()

const vsOpenRouter = ratio(perRound, "ours", "effect-ai-openrouter")
const vsOpenAi = ratio(perRound, "ours", "effect-ai-openai")
const targets = [
  ["at least 20x @effect/ai-openrouter", vsOpenRouter, 20],
  ["at least as fast as @effect/ai-openai", vsOpenAi, 1]
]
const lines = [
  "# @effect/ai provider benchmark: `LanguageModel.streamText` over one stream",
  "",
  `${
    CHUNKS.toLocaleString("en")
  } text deltas per stream; ${ROUNDS} interleaved rounds, each provider in a fresh process per round ` +
  `(${WARMUP} warm-up + ${RUNS} measured streams, the round's value is their median); undici layer for all.`,
  `Node ${process.version}, ${Os.cpus().length} × ${Os.cpus()[0]?.model ?? "cpu"}; ${new Date().toISOString()}.`,
  "",
  "| provider | version | chunks/s (median over rounds) | min–max |",
  "| --- | --- | ---: | --- |",
  ...PROVIDERS.map((p) => {
    const r = rate(perRound, p.name)
    const v = p.pkg === null ? version(".") : version(p.pkg)
    return `| ${p.label} | ${v} | ${fmt(r?.median)} | ${fmt(r?.min)}–${fmt(r?.max)} |`
  }),
  "",
  "| target (median of per-round ratios) | ratio (min–max) | met |",
  "| --- | --- | --- |",
  ...targets.map(([what, r, need]) =>
    `| ${what} | ${fmtRatio(r)} | ${r === undefined ? "n/a" : r.median >= need ? "yes" : "NO"} |`
  ),
  "",
  "Same run, same machine. Our provider and @effect/ai-openrouter read the same chat completions stream from the",
  "project's emulator; @effect/ai-openai speaks the Responses API, so it reads the same text as `response.output_text.delta`",
  `events from a server in the same process (${servers.bytes.responses} vs ${servers.bytes.chat} bytes per stream).`,
  "@effect/ai-openrouter runs on the @effect/ai 0.35 it declares (installed in bench/ only, peer checks overridden);",
  "the others on @effect/ai 0.37."
]
const file = quick ? Path.join(ROOT, "bench/results/ai.md") : Path.join(HERE, "RESULTS.md")
Fs.mkdirSync(Path.dirname(file), { recursive: true })
Fs.writeFileSync(file, lines.join("\n") + "\n")
console.log("\n" + lines.join("\n"))
console.log(`\nwritten to ${Path.relative(ROOT, file)}`)
process.exit(failed.size > 0 ? 1 : 0)
