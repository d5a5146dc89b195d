/**
 * What a generation cost, after the fact: OpenRouter's `GET /generation?id=` returns the exact cost,
 * the native token counts, the timings, and whether the generation was streamed or cancelled. The id
 * is the `id` of a response (`Chat.send`, `Chat.collect`), of any stream chunk, or the `generationId`
 * of an error (`MidStreamError`, `ConnectionError`, a status error), so the cost of a stream that was
 * stopped early or failed can be looked up too.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Chat, Generation } from "effect-openrouter"
 *
 * const program = Effect.gen(function*() {
 *   const response = yield* Chat.send({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] })
 *   // Stats appear shortly after the generation ends: wait up to 10 seconds for them.
 *   const stats = yield* Generation.get(response.id ?? "", { wait: "10 seconds" })
 *   return stats.total_cost
 * })
 * ```
 *
 * @since 0.2.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Client from "./Client.js"
import type * as Errors from "./Errors.js"
import * as internal from "./internal/chat/generation.js"
import type * as S from "./Schema.js"

/**
 * The per-call options of {@link get}: `headers`, `timeout` and `retry` as for `Chat.send`, and
 * `wait`, how long to wait for the stats to appear.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** Extra headers for this call; they win over every other header of the same name. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** The request timeout of each attempt (default: the configured one). */
  readonly timeout?: Duration.DurationInput | undefined
  /** The retry policy for transient failures, or `false` for none (default: the configured one). */
  readonly retry?: Client.CallOptions["retry"]
  /**
   * Stats appear a short time after a generation ends, and until then the lookup answers 404. With
   * `wait`, a 404 is tried again (after 250 ms, doubling up to every 2 s) for at most this long;
   * without it, a 404 fails at once with `NotFoundResponseError`.
   */
  readonly wait?: Duration.DurationInput | undefined
}

/**
 * Looks up a generation by id (`GET {baseUrl}/generation?id=`): the same requirements, headers,
 * error classes, retries and timeouts as `Chat.send`. An empty id fails with `InvalidRequestError`
 * and sends nothing; an unknown id (or stats not there yet) fails with `NotFoundResponseError`.
 *
 * @since 0.2.0
 * @category requests
 */
export const get: (
  id: string,
  options?: Options
) => Effect.Effect<S.Generation, Errors.SendError, HttpClient.HttpClient | Client.OpenRouterConfig> = internal.get
