/*
 * Tool-loop benchmark: `npx tsx bench/tool-loop.ts [--rounds 40] [--base main]` (about a minute).
 *
 * Whether `ToolLoop.run` got slower when its round logic moved into the driver it shares with
 * `ToolLoop.stream` (0.3.0). Candidates, each a full loop against the in-process emulator
 * (`Testing.layerWithConfig`, no socket): 2 rounds of 4 tool calls, then the answer (3 requests):
 *
 *   base   `ToolLoop.run` of `--base` (default `main`): its `src/internal/tool/toolLoop.ts`, read with
 *          `git show` into a scratch file next to the current one, so both run on the same Chat,
 *          Toolkit and emulator
 *   run    `ToolLoop.run` of the working tree
 *   output `ToolLoop.run` of the working tree with `output` (the final_answer tool): what a typed
 *          answer costs (one more tool, one more decode)
 *
 * The machine is shared and drifts, so each round runs a short pass (50 loops) of every candidate in
 * an order rotated by one per round; the figures are medians of per-round ratios to `base`.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { execFileSync } from "node:child_process"
import { rmSync, writeFileSync } from "node:fs"
import { relative, sep } from "node:path"
import { fileURLToPath } from "node:url"
import * as Testing from "../src/Testing.js"
import * as Tool from "../src/Tool.js"
import * as Toolkit from "../src/Toolkit.js"
import * as ToolLoop from "../src/ToolLoop.js"

const args = process.argv.slice(2)
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
const ROUNDS = Number(option("--rounds")) || 40
const BASE = option("--base") ?? "main"
const WARMUP = 5
const PASS = 50

// The scratch file sits next to the current `toolLoop.ts` (wherever the tree keeps it), so its relative
// imports reach the same modules; the base is read from the same path (a base before a move of the file
// needs a checkout of its own).
const current = fileURLToPath(new URL("../src/internal/tool/toolLoop.ts", import.meta.url))
const scratch = current.replace(/\.ts$/, ".bench-base.ts")
const inRepo = relative(fileURLToPath(new URL("..", import.meta.url)), current).split(sep).join("/")
// Not type-checked: the base is compiled against the working tree's modules, whose signatures may have grown.
writeFileSync(
  scratch,
  "// @ts-nocheck\n" + execFileSync("git", ["show", `${BASE}:${inRepo}`], { encoding: "utf8" })
)
process.on("exit", () => rmSync(scratch, { force: true }))
const base = (await import(scratch)) as { run: typeof ToolLoop.run }

const GetWeather = Tool.make("get_weather", {
  parameters: Schema.Struct({ city: Schema.String, days: Schema.optional(Schema.Int) }),
  success: Schema.Struct({ city: Schema.String, celsius: Schema.Number })
})
const Tools = Toolkit.make(GetWeather)
const ToolsLive = Toolkit.toLayer(Tools, { get_weather: ({ city }) => Effect.succeed({ city, celsius: city.length }) })
const Advice = Schema.Struct({ wear: Schema.Literal("coat", "t-shirt"), note: Schema.optional(Schema.String) })

const calls = ["Paris", "Lima", "Oslo", "Hanoi"].map((city) => ({ name: "get_weather", arguments: { city, days: 3 } }))
const script = Testing.rounds([
  Testing.callTools(calls),
  Testing.callTools(calls),
  (request) =>
    JSON.stringify(request.body).includes("final_answer")
      ? Testing.finalAnswer(Advice, { wear: "coat" })(request)
      : Testing.answer("Wear a coat.")(request)
])
const request = { model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "What to wear?" }] }

const pass = (loop: Effect.Effect<unknown, unknown, never>) => Effect.runPromise(Effect.repeatN(loop, PASS - 1))

const provide = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(
    Effect.provide(ToolsLive),
    Effect.provide(Testing.layerWithConfig(script, { retry: false }))
  ) as Effect.Effect<unknown, unknown, never>

const candidates: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown, never>]> = [
  ["base", provide(base.run(request, { toolkit: Tools }))],
  ["run", provide(ToolLoop.run(request, { toolkit: Tools }))],
  ["output", provide(ToolLoop.run(request, { toolkit: Tools, output: Advice }))]
]

const median = (xs: ReadonlyArray<number>) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

const times = new Map<string, Array<number>>(candidates.map(([name]) => [name, []]))
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  const order = candidates.map((_, i) => candidates[(i + round) % candidates.length]!)
  for (const [name, loop] of order) {
    const start = performance.now()
    await pass(loop)
    if (round >= WARMUP) times.get(name)!.push((performance.now() - start) / PASS)
  }
}

const baseTimes = times.get("base")!
console.log(`ToolLoop.run, ${ROUNDS} interleaved rounds of ${PASS} loops (3 requests, 8 calls each), base ${BASE}`)
console.log("| candidate | median per loop (ms) | median ratio to base |")
console.log("| --- | --- | --- |")
for (const [name] of candidates) {
  const mine = times.get(name)!
  const ratio = median(mine.map((t, i) => t / baseTimes[i]!))
  console.log(`| ${name} | ${median(mine).toFixed(3)} | ${ratio.toFixed(3)} |`)
}
