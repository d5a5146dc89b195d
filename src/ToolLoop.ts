/**
 * A bounded tool loop: send the request with the toolkit's tools; when the reply asks for tools, run
 * their handlers (concurrently, up to `concurrency`), append the assistant message and one `tool`
 * message per call (each result encoded with its tool's `success` Schema), and send again; stop at a
 * reply without tool calls, or fail with `ToolError.MaxRoundsError` when the model still asks for tools
 * in round `maxRounds`. {@link run} returns the final response and the whole transcript; {@link stream}
 * streams each round's chunks as they arrive.
 *
 * Interrupting the loop interrupts the handlers that are running and the HTTP request in flight (the
 * connection is closed).
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Tool, Toolkit, ToolLoop } from "effect-openrouter"
 *
 * const GetWeather = Tool.make("get_weather", {
 *   description: "The current temperature in a city, in °C.",
 *   parameters: Schema.Struct({ city: Schema.String }),
 *   success: Schema.Struct({ celsius: Schema.Number })
 * })
 * const Tools = Toolkit.make(GetWeather)
 * const ToolsLive = Toolkit.toLayer(Tools, { get_weather: () => Effect.succeed({ celsius: 18 }) })
 *
 * export const program = ToolLoop.run(
 *   { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Weather in Paris?" }] },
 *   { toolkit: Tools, maxRounds: 5 }
 * ).pipe(
 *   Effect.map((result) => result.response.choices[0]?.message?.content),
 *   Effect.provide(ToolsLive)
 * )
 * ```
 *
 * @since 0.2.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import type * as Chat from "./Chat.js"
import type * as Client from "./Client.js"
import type * as Errors from "./Errors.js"
import * as internal from "./internal/toolLoop.js"
import type * as S from "./Schema.js"
import type * as Tool from "./Tool.js"
import type * as ToolError from "./ToolError.js"
import type * as Toolkit from "./Toolkit.js"

/**
 * What the loop does with a call it cannot run (an unknown tool, arguments that are not JSON or do not
 * decode): `"error"` fails the loop with the `ToolError.CallError`; `"return"` sends the error's
 * message back to the model as the call's result (`{"error": "..."}`) and goes on.
 *
 * @since 0.2.0
 * @category options
 */
export type InvalidCallMode = "error" | "return"

/**
 * The options of {@link run} and {@link stream}.
 *
 * @since 0.2.0
 * @category options
 */
export interface Options<Tools extends Record<string, Tool.Any>, Mode extends InvalidCallMode = "error"> {
  /** The tools the model may call; their handlers come from `Toolkit.toLayer`. */
  readonly toolkit: Toolkit.Toolkit<Tools>
  /** The most requests the loop sends (default 10). A model still calling tools in the last one fails the loop. */
  readonly maxRounds?: number | undefined
  /** How many handlers run at once (default 4). */
  readonly concurrency?: number | "unbounded" | undefined
  /** What to do with a call the toolkit cannot run (default `"error"`). */
  readonly invalidCalls?: Mode | undefined
  /** The options of each request (retry policy, timeouts). */
  readonly requestOptions?: Chat.Options | undefined
}

/**
 * What one call came to: the handler's value, its failure sent back to the model (a tool with
 * `failureMode: "return"`), or a call the toolkit could not run (with `invalidCalls: "return"`); each
 * with the `tool` message sent back for it.
 *
 * @since 0.2.0
 * @category models
 */
export type CallResult<Tools extends Record<string, Tool.Any>> =
  | {
    [K in keyof Tools]: {
      readonly _tag: "Success"
      readonly call: Tool.Call<Tools[K]>
      readonly value: Tool.Success<Tools[K]>
      readonly message: S.ToolMessage
    }
  }[keyof Tools]
  | {
    [K in keyof Tools]: {
      readonly _tag: "Failure"
      readonly call: Tool.Call<Tools[K]>
      readonly error: Tool.Failure<Tools[K]>
      readonly message: S.ToolMessage
    }
  }[keyof Tools]
  | {
    readonly _tag: "Invalid"
    readonly error: ToolError.CallError
    readonly message: S.ToolMessage
  }

/**
 * One request of the loop: its 1-based `index`, the reply, and the results of the calls it asked for
 * (empty for the final reply).
 *
 * @since 0.2.0
 * @category models
 */
export interface Round<Tools extends Record<string, Tool.Any>> {
  readonly index: number
  readonly response: S.ChatResponse
  readonly results: ReadonlyArray<CallResult<Tools>>
}

/**
 * What a finished loop returns: the final reply, the whole transcript (the request's messages, then per
 * round the assistant message and its tool messages, then the final assistant message), and the rounds.
 *
 * @since 0.2.0
 * @category models
 */
export interface Result<Tools extends Record<string, Tool.Any>> {
  readonly response: S.ChatResponse
  readonly transcript: ReadonlyArray<S.Message>
  readonly rounds: ReadonlyArray<Round<Tools>>
}

/**
 * An event of {@link stream}: a chunk of round `round` as it arrives; the end of a round (after its
 * tool calls ran); and, last, the result.
 *
 * @since 0.2.0
 * @category models
 */
export type Event<Tools extends Record<string, Tool.Any>> =
  | { readonly _tag: "Chunk"; readonly round: number; readonly chunk: S.ChatStreamChunk }
  | { readonly _tag: "Round"; readonly round: Round<Tools> }
  | { readonly _tag: "Done"; readonly result: Result<Tools> }

/**
 * Every way the loop can fail: a request's `Errors.SendError` (`Errors.StreamError` for {@link stream}),
 * `MaxRoundsError`, `InvalidResultError`, the errors of the handlers of tools whose `failureMode` is
 * `"error"`, and `ToolError.CallError` unless `invalidCalls` is `"return"`.
 *
 * @since 0.2.0
 * @category models
 */
export type Error<Tools extends Record<string, Tool.Any>, Mode extends InvalidCallMode, E = Errors.SendError> =
  | E
  | ToolError.MaxRoundsError
  | ToolError.InvalidResultError
  | Toolkit.Failure<Tools>
  | (Mode extends "return" ? never : ToolError.CallError)

/**
 * What the loop needs: the HTTP client and configuration of `Chat.send`, the handlers of the tools and
 * the services the handlers need.
 *
 * @since 0.2.0
 * @category models
 */
export type Requirements<Tools extends Record<string, Tool.Any>> =
  | HttpClient.HttpClient
  | Client.OpenRouterConfig
  | Toolkit.Requirements<Tools>

/**
 * Runs the tool loop with `Chat.send` and returns the final reply and the transcript.
 *
 * The request's own `tools` (server tools, say) are sent too, the toolkit's after them. Bad options
 * (`maxRounds` or `concurrency` not a whole number of at least 1) fail with `InvalidRequestError`
 * before anything is sent.
 *
 * @since 0.2.0
 * @category running
 */
export const run: <Tools extends Record<string, Tool.Any>, Mode extends InvalidCallMode = "error">(
  request: Chat.ChatRequest,
  options: Options<Tools, Mode>
) => Effect.Effect<Result<Tools>, Error<Tools, Mode>, Requirements<Tools>> = internal.run as never

/**
 * Runs the tool loop with `Chat.stream`: emits each chunk of each round as it arrives, a `Round`
 * event once a round's tool calls have run, and a `Done` event with the result.
 *
 * @since 0.2.0
 * @category running
 */
export const stream: <Tools extends Record<string, Tool.Any>, Mode extends InvalidCallMode = "error">(
  request: Chat.ChatRequest,
  options: Options<Tools, Mode>
) => Stream.Stream<Event<Tools>, Error<Tools, Mode, Errors.StreamError>, Requirements<Tools>> = internal
  .stream as never
