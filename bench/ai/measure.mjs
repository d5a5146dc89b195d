// The measured part of the provider benchmarks' workers (worker.mjs here, effect4/bench/ai/worker.mjs):
// `LanguageModel.streamText` run `warmup` then `runs` times, each stream checked, the wall-clock times and
// the process's CPU times (all its threads: the JIT and the GC too) of the measured streams printed as
// `RESULT <json>`. Each edition's worker passes its own `effect` modules: what is used here (Effect.sync,
// Stream.runForEach, ManagedRuntime) is spelled the same in Effect 3 and 4.
import { performance } from "node:perf_hooks"
import { word } from "../payload.mjs"

/** Prints the worker's result line, then exits. */
const finish = (result) => process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`, () => process.exit(0))

/**
 * Loads the provider (`load()`: its `LanguageModel` module and layer), streams `job.chunks` deltas `job.warmup + job.runs` times
 * and prints the measured times, or the error. Every stream must bring exactly `job.chunks` non-empty text
 * deltas and their whole text: no provider can look fast by skipping work (an empty delta, which the Effect
 * team's Effect 4 provider passes on for the first chunk's empty content, is not counted).
 */
export const measure = async ({ effect: { Effect, ManagedRuntime, Stream }, load, job }) => {
  const expected = { deltas: job.chunks, chars: 0 }
  for (let i = 0; i < job.chunks; i++) expected.chars += word(i).length
  try {
    const { LanguageModel, layer } = await load()
    const runtime = ManagedRuntime.make(layer)
    const once = async () => {
      let deltas = 0
      let chars = 0
      const cpu0 = process.cpuUsage()
      const t0 = performance.now()
      await runtime.runPromise(
        LanguageModel.streamText({ prompt: "Write a long story about a benchmark." }).pipe(
          Stream.runForEach((part) =>
            Effect.sync(() => {
              if (part.type === "text-delta" && part.delta !== "") {
                deltas++
                chars += part.delta.length
              }
            })
          )
        )
      )
      const ms = performance.now() - t0
      const cpu = process.cpuUsage(cpu0)
      if (deltas !== expected.deltas || chars !== expected.chars) {
        throw new Error(`got ${deltas} deltas / ${chars} chars, expected ${expected.deltas} / ${expected.chars}`)
      }
      return { ms, cpuMs: (cpu.user + cpu.system) / 1000 }
    }
    for (let i = 0; i < job.warmup; i++) await once()
    const times = []
    const cpu = []
    for (let i = 0; i < job.runs; i++) {
      const { cpuMs, ms } = await once()
      times.push(ms)
      cpu.push(cpuMs)
    }
    await runtime.dispose()
    finish({ times, cpu })
  } catch (e) {
    finish({ error: String(e?.stack ?? e).split("\n").slice(0, 3).join(" | ") })
  }
}
