/**
 * `Generation.get`: `GET /generation?id=` through the same request, response, timeout and retry
 * pieces as `Chat.send`, with an optional wait for the stats to appear (a 404 retried for a while).
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
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
  readonly wait?: Duration.DurationInput | undefined
}

/**
 * When a lookup that answered 404 is tried again while waiting for the stats: after 250 ms, doubling
 * up to every 2 s, as long as the waits add up to at most `wait`.
 */
const waitSchedule = (wait: Duration.Duration): Schedule.Schedule<unknown> | undefined => {
  const limit = Duration.toMillis(wait)
  if (limit === Infinity) return Schedule.exponential("250 millis").pipe(Schedule.union(Schedule.spaced("2 seconds")))
  const delays: Array<Duration.Duration> = []
  let total = 0
  for (let next = 250; total + next <= limit; next = Math.min(next * 2, 2000)) {
    total += next
    delays.push(Duration.millis(next))
  }
  const [first, ...rest] = delays
  return first === undefined ? undefined : Schedule.fromDelays(first, ...rest)
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
    if (Either.isLeft(prepared)) return Effect.fail(prepared.left)
    const call = prepared.right
    return Effect.flatMap(HttpClient.HttpClient, (client) => {
      const lookup = Retry.retry(
        executeWithin(redactingClient(client), call.request, call.timeout, "The generation lookup", readGeneration),
        call.retry
      )
      const schedule = options?.wait === undefined ? undefined : waitSchedule(Duration.decode(options.wait))
      if (schedule === undefined) return lookup
      return Effect.retry(lookup, { schedule, while: (error) => error._tag === "NotFoundResponseError" })
    })
  })
