/**
 * Retry policies: a custom default (`Retry.make`), per-call overrides (`retry: false`, `timeout`), and
 * your own `Schedule` (`Retry.fromSchedule`). Server-requested delays (`Retry-After`) are honoured
 * by every policy.
 *
 *   npm run example -- retry
 *
 * Without a key, a scripted emulator fails the first attempts (503, 429 with Retry-After, a reply
 * slower than the timeout) and logs when each attempt arrives, so the backoff is visible.
 * With a key, the same calls go to OpenRouter (and most succeed at once).
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Console, Duration, Effect, Layer, Schedule } from "effect"
import { Chat, Retry, Testing } from "../src/index.js"
import * as Format from "./support/format.js"
import * as Backend from "./support/runtime.js"

/** The default for every call of this program: up to 3 retries, 200 ms doubling, no jitter. */
const patient = Retry.make({ retries: 3, baseDelay: "200 millis", factor: 2, maxDelay: "2 seconds", jitter: 0 })

/** Your own schedule: every 300 ms, at most 4 retries (the transient check and Retry-After still apply). */
const steady = Retry.fromSchedule(Schedule.spaced("300 millis").pipe(Schedule.intersect(Schedule.recurs(4))))

interface Scenario {
  readonly title: string
  /** What the emulator answers, attempt by attempt (the last answer repeats). */
  readonly replies: ReadonlyArray<Testing.Reply>
  /** The same, in words. */
  readonly emulated: string
  readonly options?: Chat.Options
}

const ok = Testing.completion({ content: "Hello after all." })

const scenarios: ReadonlyArray<Scenario> = [
  {
    title: "Retry.make({ retries: 3, baseDelay: \"200 millis\", jitter: 0 }), the configured default",
    replies: [Testing.error(503), Testing.error(503), ok],
    emulated: "503, 503, then success"
  },
  {
    title: "per call { retry: false }",
    replies: [Testing.error(503), ok],
    emulated: "503, then success",
    options: { retry: false }
  },
  {
    title: "the configured policy gives up",
    replies: [Testing.error(503)],
    emulated: "503 every time"
  },
  {
    title: "per call Retry.fromSchedule(Schedule.spaced(\"300 millis\") ∩ Schedule.recurs(4))",
    replies: [Testing.error(429, { retryAfter: "1 second" }), Testing.error(503), ok],
    emulated: "429 with Retry-After: 1, 503, then success",
    options: { retry: steady }
  },
  {
    title: "per call { timeout: \"500 millis\", retry: false }",
    replies: [Testing.delay(ok, "3 seconds")],
    emulated: "a reply that takes 3 s",
    options: { timeout: "500 millis", retry: false }
  },
  {
    title: "per call { timeout: \"1500 millis\" } with the configured policy (each attempt gets the full timeout)",
    replies: [Testing.delay(ok, "5 seconds"), ok],
    emulated: "a reply that takes 5 s, then a fast one",
    options: { timeout: "1500 millis" }
  }
]

/** Answers attempt N with `replies[N]` and logs when each attempt arrived, relative to the first. */
const traced = (replies: ReadonlyArray<Testing.Reply>): Testing.Script => {
  let attempt = 0
  let first = 0
  return () => {
    const now = Date.now()
    if (attempt === 0) first = now
    const reply = replies[Math.min(attempt, replies.length - 1)]!
    attempt++
    const what = reply.headersDelay === undefined ? `HTTP ${reply.status}` : `HTTP ${reply.status} after a delay`
    console.log(`   emulator: attempt ${attempt} at +${now - first} ms, answering ${what}`)
    return reply
  }
}

const run = (model: string, scenario: Scenario, index: number) =>
  Effect.gen(function*() {
    yield* Console.log(`${index + 1}. ${scenario.title}`)
    yield* Backend.whenEmulator((server) =>
      Effect.zipRight(
        Console.log(`   (the emulator answers: ${scenario.emulated})`),
        server.setScript(traced(scenario.replies))
      )
    )
    const [elapsed, result] = yield* Chat.send({
      model,
      messages: [{ role: "user", content: "Say hello." }],
      max_tokens: 30
    }, scenario.options).pipe(Effect.either, Effect.timed)
    const took = `${Math.round(Duration.toMillis(elapsed))} ms`
    if (result._tag === "Right") {
      yield* Console.log(`   → succeeded in ${took}: ${Format.text(result.right.choices[0]?.message)}`)
    } else {
      const error = result.left
      const attempts = "attempts" in error && error.attempts !== undefined ? error.attempts : 1
      const times = `${attempts} attempt${attempts === 1 ? "" : "s"}`
      yield* Console.log(`   → failed with ${error._tag} after ${times} in ${took}: ${error.message}`)
    }
  })

const program = Effect.gen(function*() {
  const model = yield* Backend.model()
  yield* Effect.forEach(scenarios, (scenario, index) => run(model, scenario, index), { discard: true })
})

program.pipe(
  Effect.provide(Layer.merge(Backend.layer({ config: { retry: patient } }), NodeHttpClient.layerUndici)),
  NodeRuntime.runMain
)
