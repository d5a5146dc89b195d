/**
 * Memory per distinct model name: the GenAI metrics keep one series per label set in Effect's global
 * metric registry for the life of the process, so before the cardinality limit every new `model`
 * string cost ~5.8 KB for ever. This sends `Chat.send` calls with distinct model names through the
 * in-process emulator (`Testing.layerWithConfig`) and reads the heap after a full GC: first enough
 * models to fill the limit, then as many again; the second phase's growth per model is what a
 * stream of user-chosen model names costs once the limit is reached (flat: about 0 bytes).
 *
 *   node --expose-gc --import tsx bench/metric-memory.ts [--models 4000] [--limit 2000] [--fill 2000]
 *
 * `--limit 1000000 --fill 2000` shows the cost without a limit (what every version before 0.3.0 paid).
 *
 * Memory, not time: the numbers are bytes and do not depend on the machine's load.
 */
import { Effect } from "effect"
import { Chat, Testing } from "../src/index.js"

const args = process.argv.slice(2)
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name)
  return i === -1 ? fallback : Number(args[i + 1])
}
const LIMIT = option("--limit", 2000)
const MODELS = option("--models", 4000)
// how many models the first phase sends (default: the limit); with a limit above it, nothing overflows
const FILL = option("--fill", LIMIT)

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error("run with node --expose-gc")

const heap = () => {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

const layer = Testing.layerWithConfig(Testing.completion({ content: "Hi" }), {
  retry: false,
  telemetry: { cardinalityLimit: LIMIT }
})

const sendAll = (prefix: string, n: number) =>
  Effect.runPromise(
    Effect.forEach(
      Array.from({ length: n }, (_, i) => `${prefix}-${i}/model`),
      (model) => Chat.send({ model, messages: [{ role: "user", content: "Hi" }] }),
      { discard: true }
    ).pipe(Effect.provide(layer))
  )

await sendAll("warm", 200) // code paths, caches, the emulator
const start = heap()
await sendAll("fill", FILL)
const filled = heap()
await sendAll("past", MODELS)
const past = heap()

const kb = (bytes: number) => (bytes / 1024).toFixed(2)
console.log(`cardinality limit ${LIMIT}`)
console.log(`| phase | distinct models | heap growth | per model |`)
console.log(`| --- | ---: | ---: | ---: |`)
console.log(`| first ${FILL} | ${FILL} | ${kb(filled - start)} KB | ${kb((filled - start) / FILL)} KB |`)
console.log(`| the next ${MODELS} | ${MODELS} | ${kb(past - filled)} KB | ${kb((past - filled) / MODELS)} KB |`)
