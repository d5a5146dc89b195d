/**
 * `Generation.get`: `GET /generation?id=` through the same request, response, timeout and retry
 * pieces as `Chat.send`, with an optional wait for the stats to appear (a 404 retried for a while).
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import type { CallOptions } from "../../Client.js"
import { OpenRouterConfig } from "../../Client.js"
import type * as Errors from "../../Errors.js"
import * as Retry from "../../Retry.js"
import * as S from "../../Schema.js"
import { redactingClient } from "../telemetry/platformSpan.js"
import { invalid, prepareGet } from "../transport/request.js"
import { readJson } from "../transport/response.js"
import { executeWithin } from "../transport/timeout.js"

/** The options of `Generation.get`. */
export interface GetOptions extends Pick<CallOptions, "headers" | "timeout" | "retry"> {
  readonly wait?: Duration.Input | undefined
}

const capped = (duration: Duration.Duration) => Effect.succeed(Duration.min(duration, Duration.seconds(2)))

/**
 * When a lookup that answered 404 is tried again while waiting for the stats: after 250 ms, doubling
 * up to every 2 s, as long as the waits add up to at most `wait`.
 */
export const waitSchedule = (wait: Duration.Duration): Schedule.Schedule<unknown> | undefined => {
  const limit = Duration.toMillis(wait)
  if (limit === Infinity) {
    return Schedule.exponential("250 millis").pipe(Schedule.modifyDelay(({ duration }) => capped(duration)))
  }
  const delays: Array<Duration.Duration> = []
  let total = 0
  for (let next = 250; total + next <= limit; next = Math.min(next * 2, 2000)) {
    total += next
    delays.push(Duration.millis(next))
  }
  if (delays.length === 0) return undefined
  // recurrence number `attempt` (from 1) waits the attempt-th delay, and there are as many as fit
  return Schedule.forever.pipe(
    Schedule.while(({ attempt }) => attempt <= delays.length),
    Schedule.modifyDelay(({ attempt }) => Effect.succeed(delays[attempt - 1] ?? Duration.zero))
  )
}

const readGeneration = (response: Parameters<typeof readJson>[0]) =>
  Effect.map(
    readJson(response, S.decodeGenerationResponse, "data", "a generation record"),
    (body) => body.data
  )

/** `Generation.get`. */
export const get = (
  id: string,
  options?: GetOptions
): Effect.Effect<S.Generation, Errors.SendError, HttpClient.HttpClient | OpenRouterConfig> =>
  Effect.flatMap(OpenRouterConfig, (config) => {
    if (typeof id !== "string" || id.trim() === "") {
      return Effect.fail(invalid([{ path: "id", message: "the generation id must be a non-empty string" }]))
    }
    const prepared = prepareGet(config, "/generation", { id }, options)
    if (Result.isFailure(prepared)) return Effect.fail(prepared.failure)
    const call = prepared.success
    return Effect.flatMap(HttpClient.HttpClient, (client) => {
      const lookup = Retry.retry(
        executeWithin(redactingClient(client), call.request, call.timeout, "The generation lookup", readGeneration),
        call.retry
      )
      const wait = options?.wait === undefined ? undefined : Duration.fromInput(options.wait)
      if (wait === undefined) return lookup
      if (wait._tag === "None") {
        return Effect.fail(invalid([{ path: "wait", message: "expected a duration (e.g. \"10 seconds\")" }]))
      }
      const schedule = waitSchedule(wait.value)
      if (schedule === undefined) return lookup
      return Effect.retry(lookup, { schedule, while: (error) => error._tag === "NotFoundResponseError" })
    })
  })
