// The BASELINE build of effect-openrouter (dist-baseline/ at the repository root: the library built
// from the commit to compare against), behind the same adapter as effect-openrouter.mjs. Used by
// bench/ab.mjs; see bench/README.md ("A/B: this tree against a baseline build").
import { Effect, Layer, ManagedRuntime, Redacted, Stream } from "effect"
import { REQUEST } from "../request.mjs"

let lib
try {
  lib = await import("../../dist-baseline/index.js")
} catch {
  lib = undefined
}

export const make = (httpLayer) => async (baseUrl) => {
  if (lib === undefined) {
    throw Object.assign(new Error("dist-baseline/ is not built (see bench/README.md)"), { unavailable: true })
  }
  const runtime = ManagedRuntime.make(
    lib.OpenRouterConfig.layer({ apiKey: Redacted.make("k"), baseUrl }).pipe(Layer.provideMerge(httpLayer))
  )
  await runtime.runPromise(Effect.void)
  return runtime
}

export const send = (runtime) => runtime.runPromise(lib.Chat.send(REQUEST))

export const stream = (runtime, onChunk) =>
  runtime.runPromise(
    lib.Chat.stream(REQUEST).pipe(Stream.runForEach((chunk) => Effect.sync(() => onChunk(chunk))))
  )
