/*
 * The places where the pipeline steps around an Effect primitive, each measured against the primitive
 * (issue 9's audit, issue 17): `npx tsx bench/pipeline-primitives.ts [--rounds 5]` (about 2 minutes).
 *
 * Every figure is CPU time per operation (process.cpuUsage: steadier than wall time on this shared
 * machine), the median over interleaved rounds (each round runs every variant once, in rotated
 * order), in one process after a warm-up round. The end-to-end section sends real calls over
 * loopback to a node:http server in another process (NodeHttpClient.layerUndici), so that a gain can
 * be set against the whole cost of a call.
 *
 *   1. Request timeout (internal/transport/timeout.ts `executeWithin`): a timer and the request's own abort
 *      signal vs `Effect.timeoutFail` (a race of two forked fibers) vs no timeout at all.
 *   2. Idle watch (internal/chat/stream.ts): what the body's channel does per read. The shipped watch is a
 *      single watchdog fiber reading a record the stream fiber writes (two field writes per read); the
 *      alternatives are the same record held in a `Ref` (an effect per read), and `Stream.timeoutFail`
 *      (a race per read), each over a stream of one-byte reads.
 *   3. `Stream.unwrap` / `Stream.unwrapScoped` vs `Channel.unwrap` (three layers, as a stream has them):
 *      per element.
 *   4. `withAttempts` (internal/transport/retry.ts): the error's own constructor (shipped) vs a property-descriptor
 *      copy (the code it replaced); runs once per call that gives up.
 *   5. `Retry.retry` on a call that succeeds: `Effect.retry(self, schedule)` (shipped; it makes the
 *      schedule's driver for every call) vs a hand loop that makes it on the first failure.
 *
 * Results, 2026-12-01, Node 20 on 2 shared cores under load (load average 18-20 from other
 * engineers' tests and benchmarks), CPU µs per operation, median of 5 interleaved rounds:
 *
 *   1a. timeout, in process:   executeWithin 47.6   Effect.timeoutFail 74.5   no timeout 33.3
 *   1b. timeout, end to end:   executeWithin 267    Effect.timeoutFail 320    no timeout 222
 *       -> executeWithin saves 53 µs (17 %) of a call's CPU end to end: KEPT.
 *   2.  idle watch, per read:  plain-field record 2.8   record in a Ref 5.8   Stream.timeoutFail 31.5
 *       (channel alone 3.2, within noise of the record). A Ref adds 3.0 µs per read, 6 % of the
 *       47.5 µs of client CPU per delta of 500 slow streams (bench/scale.mjs): the plain record
 *       (written by the stream's fiber, read by the watchdog) is KEPT; Stream.timeoutFail would add 60 %.
 *   3.  unwrap, per element:   Stream.unwrap x2 + unwrapScoped 3.62   Channel.unwrap x3 1.95   none 1.83
 *       -> both are Effect primitives; the channel's (sequencing, no concatMap) is SHIPPED.
 *   4.  withAttempts, per copy: the error's own constructor 20.0   property-descriptor copy 2.3
 *       -> runs once per call that gives up (after a full round trip and a backoff): no gain end to
 *       end, so the constructor (the primitive) is SHIPPED and the descriptor copy REMOVED.
 *   5a. retry wrapper, in process:  Effect.retry 52.8   driver on first failure 45.4   none 47.7
 *   5b. retry wrapper, end to end:  Effect.retry 259    driver on first failure 243   none 260
 *       -> 7 µs a call in process, 3 % of a call end to end (5b is within its noise): Effect.retry
 *       KEPT, the hand loop not shipped.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Channel, Chunk, Duration, Effect, Layer, ManagedRuntime, Redacted, Ref, Schedule, Stream } from "effect"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { makeConfig } from "../src/Client.js"
import * as Errors from "../src/Errors.js"
import { prepare } from "../src/internal/transport/request.js"
import { readCompletion } from "../src/internal/transport/response.js"
import { withAttempts } from "../src/internal/transport/retry.js"
import { executeWithin } from "../src/internal/transport/timeout.js"
import * as Retry from "../src/Retry.js"
import { completionBody, REQUEST } from "./payload.mjs"

const BENCH = Path.dirname(fileURLToPath(import.meta.url))
const roundsArg = process.argv.indexOf("--rounds")
const ROUNDS = roundsArg === -1 ? 5 : Number(process.argv[roundsArg + 1])

const median = (xs: ReadonlyArray<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
const cpuUs = () => {
  const c = process.cpuUsage()
  return c.user + c.system
}

/** Runs each variant `ROUNDS` times interleaved (after one warm-up round): median CPU µs per op. */
const measure = async (
  title: string,
  ops: number,
  variants: Record<string, () => Promise<unknown>>
): Promise<Record<string, number>> => {
  const names = Object.keys(variants)
  const samples: Record<string, Array<number>> = {}
  for (let round = -1; round < ROUNDS; round++) {
    const order = names.map((_, i) => names[(i + Math.max(0, round)) % names.length]!)
    for (const name of order) {
      const c0 = cpuUs()
      await variants[name]!()
      const us = (cpuUs() - c0) / ops
      if (round >= 0) (samples[name] ??= []).push(us)
    }
  }
  const out: Record<string, number> = {}
  console.log(`\n${title} (CPU µs per op, median of ${ROUNDS} rounds; the rounds)`)
  for (const name of names) {
    out[name] = median(samples[name]!)
    console.log(
      `  ${name.padEnd(44)} ${out[name]!.toFixed(2).padStart(8)}   ${samples[name]!.map((x) => x.toFixed(1)).join(" ")}`
    )
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// 1. Request timeout, in process (a client answering at once) and end to end (loopback)

const body = completionBody()
const instant = HttpClient.make((request) =>
  Effect.succeed(
    {
      request,
      status: 200,
      headers: { "content-type": "application/json" },
      text: Effect.succeed(body)
    } as unknown as HttpClientResponse.HttpClientResponse
  )
)
const TIMEOUT = Duration.minutes(10)

const callWith = (client: HttpClient.HttpClient, url: string, how: "executeWithin" | "timeoutFail" | "none") => {
  const config = makeConfig({ apiKey: Redacted.make("k"), baseUrl: url })
  return Effect.suspend(() => {
    const prepared = prepare(config, REQUEST, undefined, "application/json")
    if (prepared._tag === "Left") return Effect.die(prepared.left)
    const request = prepared.right
    if (how === "executeWithin") return executeWithin(client, request, TIMEOUT, "call", readCompletion)
    const call = Effect.flatMap(Effect.orDie(client.execute(request)), readCompletion)
    return how === "none" ? call : Effect.timeoutFail(call, { duration: TIMEOUT, onTimeout: () => new Error("t") })
  })
}

const calls = (effect: Effect.Effect<unknown, unknown>, n: number, concurrency: number) =>
  Effect.runPromise(Effect.forEach(Array.from({ length: n }), () => effect, { concurrency, discard: true }))

const startServer = () =>
  new Promise<{ url: string; stop: () => void }>((resolve, reject) => {
    const child = spawn(process.execPath, ["scale-emulator.mjs"], { cwd: BENCH, stdio: ["pipe", "pipe", "inherit"] })
    child.on("error", reject)
    child.stdout.once("data", (d) => {
      resolve({ url: `${JSON.parse(String(d)).url}/fast/0/api/v1`, stop: () => child.kill("SIGTERM") })
    })
  })

// ---------------------------------------------------------------------------------------------
// 2. Idle watch: per-read work of the body's channel

const READS = 100_000
const reads = () => Stream.fromIterable(Array.from({ length: READS }, () => new Uint8Array(1))).pipe(Stream.rechunk(1))

interface Watch {
  waiting: boolean
  waitingSince: number
}

/** The shipped shape: a record the watchdog fiber reads, written by the stream fiber per read. */
const mutableWatch = (): Stream.Stream<number> => {
  const watch: Watch = { waiting: false, waitingSince: 0 }
  const loop: Channel.Channel<Chunk.Chunk<number>, Chunk.Chunk<Uint8Array>, never, never, void, unknown> = Channel
    .readWith({
      onInput: (input: Chunk.Chunk<Uint8Array>) => {
        watch.waiting = false
        return Channel.zipRight(Channel.write(Chunk.of(Chunk.size(input))), awaitInput)
      },
      onFailure: () => Channel.void,
      onDone: () => Channel.void
    })
  const awaitInput = Channel.suspend(() => {
    watch.waiting = true
    watch.waitingSince = Date.now()
    return loop
  })
  return Stream.pipeThroughChannel(reads(), awaitInput)
}

/** The same record in a `Ref`: an effect per read, sequenced in the channel. */
const refWatch = (): Stream.Stream<number> =>
  Stream.unwrap(Effect.map(Ref.make<Watch>({ waiting: false, waitingSince: 0 }), (ref) => {
    const loop: Channel.Channel<Chunk.Chunk<number>, Chunk.Chunk<Uint8Array>, never, never, void, unknown> = Channel
      .readWith({
        onInput: (input: Chunk.Chunk<Uint8Array>) =>
          Channel.zipRight(
            Channel.fromEffect(Ref.update(ref, (w) => ({ ...w, waiting: false }))),
            Channel.zipRight(Channel.write(Chunk.of(Chunk.size(input))), awaitInput)
          ),
        onFailure: () => Channel.void,
        onDone: () => Channel.void
      })
    const awaitInput = Channel.zipRight(
      Channel.fromEffect(Ref.set(ref, { waiting: true, waitingSince: Date.now() })),
      loop
    )
    return Stream.pipeThroughChannel(reads(), awaitInput)
  }))

/** No watch: the channel alone (the base the others add to). */
const noWatch = (): Stream.Stream<number> => Stream.mapChunks(reads(), (c) => Chunk.of(Chunk.size(c)))

/** The Effect primitive: a race per pull. */
const timeoutFailWatch = (): Stream.Stream<number, Error> =>
  Stream.mapChunks(reads(), (c) => Chunk.of(Chunk.size(c))).pipe(
    Stream.timeoutFail(() => new Error("idle"), Duration.minutes(5))
  )

const drain = <E>(stream: Stream.Stream<number, E>) => Effect.runPromise(Effect.orDie(Stream.runDrain(stream)))

// ---------------------------------------------------------------------------------------------
// 3. Stream.unwrap vs Channel.unwrap

const ELEMENTS = 100_000
const elements = () => Stream.fromIterable(Array.from({ length: ELEMENTS }, (_, i) => i)).pipe(Stream.rechunk(1))
const channelUnwrap = <A>(s: Stream.Stream<A>) =>
  Stream.fromChannel(Channel.unwrap(Effect.succeed(Stream.toChannel(s))))

// ---------------------------------------------------------------------------------------------
// 4. withAttempts

const descriptorCopy = <E extends Errors.StreamError>(error: E, attempts: number): E => {
  const copy = Object.create(Object.getPrototypeOf(error)) as E
  for (const key of Reflect.ownKeys(error)) {
    Object.defineProperty(copy, key, Object.getOwnPropertyDescriptor(error, key)!)
  }
  Object.defineProperty(copy, "attempts", { value: attempts, enumerable: true, writable: false, configurable: true })
  return copy
}
const statusError = Errors.fromStatus(429, {
  message: "Rate limited",
  code: 429,
  headers: { "retry-after": "2", "content-type": "application/json" },
  retryAfter: Duration.seconds(2),
  body: { error: { code: 429, message: "Rate limited" } }
})
const COPIES = 20_000

// ---------------------------------------------------------------------------------------------
// 5. Retry.retry (Effect.retry, shipped) against a hand loop that makes the driver on the first failure

const lazyDriverRetry = <A, E extends Errors.StreamError, R>(self: Effect.Effect<A, E, R>, policy: Retry.Policy) =>
  Effect.catchAll(
    self,
    (first) =>
      Effect.flatMap(Schedule.driver(Retry.toSchedule(policy) as Schedule.Schedule<unknown, E>), (driver) => {
        let attempts = 1
        const next = (error: E): Effect.Effect<A, E, R> =>
          Effect.matchEffect(driver.next(error), {
            onFailure: () => Effect.fail(withAttempts(error, attempts)),
            onSuccess: () => {
              attempts++
              return Effect.catchAll(self, next)
            }
          })
        return next(first)
      })
  )
const viaLazyDriver = (client: HttpClient.HttpClient, url: string) =>
  lazyDriverRetry(callWith(client, url, "executeWithin"), Retry.defaultPolicy)
const viaRetry = (client: HttpClient.HttpClient, url: string) =>
  Retry.retry(callWith(client, url, "executeWithin"), Retry.defaultPolicy)

// ---------------------------------------------------------------------------------------------

const results: Record<string, Record<string, number>> = {}

results.timeoutInProcess = await measure("1a. request timeout, in process (an HttpClient that answers at once)", 5000, {
  executeWithin: () => calls(callWith(instant, "http://x", "executeWithin"), 5000, 1),
  "Effect.timeoutFail": () => calls(callWith(instant, "http://x", "timeoutFail"), 5000, 1),
  "no timeout": () => calls(callWith(instant, "http://x", "none"), 5000, 1)
})

results.retryInProcess = await measure("5a. retry wrapper on calls that succeed, in process", 5000, {
  "Retry.retry = Effect.retry (shipped)": () => calls(viaRetry(instant, "http://x"), 5000, 1),
  "driver made on first failure (not shipped)": () => calls(viaLazyDriver(instant, "http://x"), 5000, 1),
  "no retry wrapper": () => calls(callWith(instant, "http://x", "executeWithin"), 5000, 1)
})

const server = await startServer()
try {
  const runtime = ManagedRuntime.make(Layer.mergeAll(NodeHttpClient.layerUndici))
  const undici = await runtime.runPromise(HttpClient.HttpClient)
  const E2E = 2000
  results.timeoutEndToEnd = await measure(
    `1b. request timeout, end to end: ${E2E} calls over loopback, 50 concurrent (undici)`,
    E2E,
    {
      executeWithin: () => calls(callWith(undici, server.url, "executeWithin"), E2E, 50),
      "Effect.timeoutFail": () => calls(callWith(undici, server.url, "timeoutFail"), E2E, 50),
      "no timeout": () => calls(callWith(undici, server.url, "none"), E2E, 50)
    }
  )
  results.retryEndToEnd = await measure(`5b. retry wrapper, end to end: ${E2E} calls, 50 concurrent (undici)`, E2E, {
    "Retry.retry = Effect.retry (shipped)": () => calls(viaRetry(undici, server.url), E2E, 50),
    "driver made on first failure (not shipped)": () => calls(viaLazyDriver(undici, server.url), E2E, 50),
    "no retry wrapper": () => calls(callWith(undici, server.url, "executeWithin"), E2E, 50)
  })
  await runtime.dispose()
} finally {
  server.stop()
}

results.idleWatch = await measure(`2. idle watch: per read (${READS} one-byte reads)`, READS, {
  "no watch (base)": () => drain(noWatch()),
  "watchdog record, plain fields (shipped)": () => drain(mutableWatch()),
  "watchdog record in a Ref": () => drain(refWatch()),
  "Stream.timeoutFail": () => drain(timeoutFailWatch())
})

results.unwrap = await measure(`3. three unwrap layers: per element (${ELEMENTS} one-element chunks)`, ELEMENTS, {
  "none (base)": () => drain(elements()),
  "Stream.unwrap x2 + unwrapScoped": () =>
    drain(
      Stream.unwrap(Effect.succeed(Stream.unwrap(Effect.succeed(Stream.unwrapScoped(Effect.succeed(elements()))))))
    ),
  "Channel.unwrap x3 (shipped)": () => drain(channelUnwrap(channelUnwrap(channelUnwrap(elements()))))
})

results.withAttempts = await measure(`4. withAttempts: per copy of a 429 error`, COPIES, {
  "error's own constructor (shipped)": async () => {
    for (let i = 0; i < COPIES; i++) withAttempts(statusError, i)
  },
  "property-descriptor copy (before)": async () => {
    for (let i = 0; i < COPIES; i++) descriptorCopy(statusError, i)
  }
})

const file = Path.join(BENCH, "results", "pipeline-primitives.json")
Fs.mkdirSync(Path.dirname(file), { recursive: true })
Fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), rounds: ROUNDS, results }, null, 2))
console.log(`\nwrote ${Path.relative(process.cwd(), file)}`)
