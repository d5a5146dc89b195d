/**
 * The request timeout on the live clock (`internal/transport/timeout.ts`) and the one platform timer behind it
 * (`internal/transport/timer.ts`): a limit longer than a platform timer holds (2^31 - 1 ms) means "no limit",
 * not a timer that fires after 1 ms.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { Chat } from "../src/index.js"
import { MAX_TIMER_MS, startTimer } from "../src/internal/transport/timer.js"
import * as Testing from "../src/Testing.js"
import { httpClients, withServer } from "./support/harness.js"

const request: Chat.ChatRequest = { model: "m", messages: [{ role: "user", content: "Hi" }] }

// Limits no platform timer holds: each must leave the call unbounded.
const unbounded: ReadonlyArray<readonly [string, Chat.Options["timeout"]]> = [
  ["Infinity milliseconds", Infinity],
  ["Duration.infinity", Duration.infinity],
  ["30 days", "30 days"],
  ["one millisecond past the timer's limit", MAX_TIMER_MS + 1]
]

describe.each(httpClients)("request timeout on the live clock over %s", (_name, http) => {
  for (const [label, timeout] of unbounded) {
    it.scopedLive(`a timeout of ${label} does not fire: the late answer arrives`, () =>
      withServer(
        http,
        Testing.delay(Testing.completion({ content: "late" }), "100 millis"),
        () =>
          Effect.gen(function*() {
            const response = yield* Chat.send(request, { timeout })
            expect(response.choices[0]?.message?.content).toBe("late")
          })
      ))
  }

  it.scopedLive("a finite timeout still fires: a late answer is a TimeoutError (request)", () =>
    withServer(http, Testing.delay(Testing.completion(), "10 seconds"), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Chat.send(request, { timeout: "100 millis" }))
        expect(error._tag).toBe("TimeoutError")
        if (error._tag === "TimeoutError") expect(error.limit).toBe("request")
      })))
})

describe("startTimer", () => {
  it("fires once after the delay, and not after it is cancelled", async () => {
    const fired: Array<string> = []
    startTimer(1, () => fired.push("kept"))
    const cancel = startTimer(1, () => fired.push("cancelled"))
    cancel()
    await new Promise<void>((resolve) => startTimer(20, resolve))
    expect(fired).toEqual(["kept"])
  })

  it("never fires a delay beyond the platform's limit", async () => {
    const fired: Array<number> = []
    for (const millis of [Infinity, MAX_TIMER_MS + 1, NaN]) startTimer(millis, () => fired.push(millis))
    await new Promise<void>((resolve) => startTimer(20, resolve))
    expect(fired).toEqual([])
  })
})
