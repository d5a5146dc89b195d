/**
 * A bounded tool loop: send the request with the toolkit's tools; when the reply asks for tools, run
 * their handlers (concurrently, up to `concurrency`), append the assistant message and one `tool`
 * message per call (each result encoded with its tool's `success` Schema), and send again; stop at a
 * reply without tool calls, or fail with `ToolError.MaxRoundsError` when the model still asks for tools
 * in round `maxRounds`. {@link run} returns the final response and the whole transcript; {@link stream}
 * streams each round's chunks as they arrive.
 *
 * Since 0.3.0: with `output` (a Schema), the loop ends with a typed final answer ({@link OutputResult});
 * a forced `tool_choice` is forced only until a reply honours it; `stopAfter` ends the loop once a given
 * tool has run; handlers may read the call's context (`Toolkit.CallContext`); {@link stream} also shows
 * each call's arguments and the output as they form, and says when the output starts over.
 *
 * Interrupting the loop interrupts the handlers that are running and the HTTP request in flight (the
 * connection is closed).
 *
 * In the Effect 4 edition the toolkit is `effect/ai`'s (`Toolkit.make` of this package builds one), and
 * the loop runs the handlers of the layer its `toLayer` builds: one Toolkit with one layer of handlers
 * serves `ToolLoop.run` and `LanguageModel.generateText` through `OpenRouterLanguageModel`. A handler
 * reads the call's context (id, round, transcript so far) with `yield* Toolkit.CurrentCall`; its second
 * argument is `effect/ai`'s handler context (what it sends with `preliminary` is not shown: the model gets
 * the handler's result).
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
import type * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type * as Chat from "./Chat.js"
import type * as Client from "./Client.js"
import type * as Errors from "./Errors.js"
import * as internal from "./internal/tool/toolLoop.js"
import type * as S from "./Schema.js"
import type * as Structured from "./Structured.js"
import type * as StructuredError from "./StructuredError.js"
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
  /**
   * The tools the model may call (an `effect/ai` Toolkit); their handlers come from its `toLayer`
   * (`Toolkit.toLayer(toolkit, handlers)` or `toolkit.toLayer(handlers)`).
   */
  readonly toolkit: Toolkit.Toolkit<Tools>
  /** The most requests the loop sends (default 10). A model still calling tools in the last one fails the loop. */
  readonly maxRounds?: number | undefined
  /** How many handlers run at once (default 4). */
  readonly concurrency?: number | "unbounded" | undefined
  /** What to do with a call the toolkit cannot run (default `"error"`). */
  readonly invalidCalls?: Mode | undefined
  /** The options of each request (retry policy, timeouts). */
  readonly requestOptions?: Chat.Options | undefined
  /**
   * The `tool_choice` sent once the request's forced `tool_choice` (`"required"`, or a named function)
   * has been honoured by a reply (default `"auto"`). Without it a forced choice could only end in
   * `MaxRoundsError`. Pass `"required"` to keep forcing.
   *
   * @since 0.3.0
   */
  readonly toolChoiceAfterForced?: S.ToolChoice | undefined
  /**
   * End the loop once one of these tools has run with success: no further request is sent, and the
   * result's `stoppedBy` is that call's result (its value typed by the tool's `success` Schema). A
   * failure sent back to the model (`failureMode: "return"`) does not stop the loop. Like `stopWhen` in
   * other SDKs. Cannot be used with `output`.
   *
   * @since 0.3.0
   */
  readonly stopAfter?: ReadonlyArray<keyof Tools & string> | undefined
}

/**
 * How the loop asks for its output:
 *
 * - `"tool"` (default): a `final_answer` tool whose parameters are the output Schema (in strict form)
 *   is added to the toolkit's tools, and the model answers by calling it. It needs only tool calling,
 *   which the loop needs anyway, so it works with every model that can run the loop. A reply without
 *   calls is also read as the answer (its content must then be the JSON).
 * - `"responseFormat"`: every request carries `response_format` with the output Schema, and the
 *   answer is the content of the reply without calls. Only for models whose providers take
 *   `response_format` together with `tools` (OpenAI's do; Gemini 2.x rejects JSON output with function
 *   calling, and OpenRouter drops a parameter a provider does not support unless
 *   `provider.require_parameters` is set, so the answer may come back as prose).
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Tool, Toolkit, ToolLoop } from "effect-openrouter"
 *
 * const Tools = Toolkit.make(Tool.make("now", { success: Schema.String }))
 * const Summary = Schema.Struct({ summary: Schema.String })
 *
 * // An OpenAI model takes response_format and tools together: the answer comes as the reply's content.
 * export const summary = ToolLoop.run(
 *   { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Summarise the day so far." }] },
 *   { toolkit: Tools, output: Summary, outputStrategy: "responseFormat" }
 * ).pipe(
 *   Effect.map((result) => result.output.summary),
 *   Effect.provide(Toolkit.toLayer(Tools, { now: () => Effect.succeed("12:00") }))
 * )
 * ```
 *
 * @since 0.3.0
 * @category options
 */
export type OutputStrategy = "tool" | "responseFormat"

/**
 * The options that give a loop a typed output (see {@link run}, whose example uses them).
 *
 * @since 0.3.0
 * @category options
 */
export interface OutputOptions<A, I, R> {
  /** The Schema of the final answer; the loop's result has it decoded as `output`. */
  readonly output: Schema.Codec<A, I, R>
  /** How the answer is asked for (default `"tool"`); see {@link OutputStrategy}. */
  readonly outputStrategy?: OutputStrategy | undefined
  /**
   * When the answer is not JSON or does not decode, ask again up to this many times, sending back what
   * was wrong (default 0). Each is a new round (within `maxRounds`) and a new, billed generation.
   */
  readonly outputRetries?: number | undefined
  /** Where the JSON of the answer is read from (default `"exact"`); see `Structured.Extract`. */
  readonly extract?: Structured.Extract | undefined
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
 * When a `stopAfter` tool ended the loop (since 0.3.0), `stoppedBy` is its call's result, `response`
 * the reply that called it, and the transcript ends with the tool messages of that round.
 *
 * When the reply called a tool the client executes (`effect/ai`'s `execution: "client"`, since 1.0.0),
 * the loop ends there, as `LanguageModel` does: the other calls of that reply have run, `pending` holds
 * the decoded calls the loop has no handler for, and the transcript ends with the tool messages of the
 * calls that ran. Answer each pending call with a `tool` message naming its `id`, and go on with
 * `ToolLoop.run` on the transcript.
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Tool as AiTool } from "effect/ai"
 * import { Tool, Toolkit, ToolLoop } from "effect-openrouter"
 *
 * // Answered by the person at the keyboard, not by a handler.
 * const AskUser = AiTool.make("ask_user", {
 *   parameters: Schema.Struct({ question: Schema.String }),
 *   success: Schema.String,
 *   execution: "client"
 * })
 * const Tools = Toolkit.make(Tool.make("now", { success: Schema.String }), AskUser)
 * const request = { model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "Book a table." }] }
 *
 * export const program = Effect.gen(function*() {
 *   let result = yield* ToolLoop.run(request, { toolkit: Tools })
 *   while (result.pending !== undefined) {
 *     const answers = result.pending.map((call) => ({ role: "tool" as const, tool_call_id: call.id, content: "8 pm" }))
 *     result = yield* ToolLoop.run({ ...request, messages: [...result.transcript, ...answers] }, { toolkit: Tools })
 *   }
 *   return result.response.choices[0]?.message?.content
 * }).pipe(Effect.provide(Tools.toLayer({ now: () => Effect.succeed("12:00") })))
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface Result<Tools extends Record<string, Tool.Any>> {
  readonly response: S.ChatResponse
  readonly transcript: ReadonlyArray<S.Message>
  readonly rounds: ReadonlyArray<Round<Tools>>
  /** @since 0.3.0 */
  readonly stoppedBy?: Extract<CallResult<Tools>, { readonly _tag: "Success" }> | undefined
  /** The calls of tools the client executes, not run (see above). @since 1.0.0 */
  readonly pending?: ReadonlyArray<Toolkit.Call<Tools>> | undefined
}

/**
 * What a loop with `output` returns: the {@link Result} and the final answer decoded with the output
 * Schema. Under the `"tool"` strategy the transcript ends with the assistant message that calls
 * `final_answer` and a tool message acknowledging it (other calls of that reply are not run: each is
 * answered "not run"), so the conversation can go on from it.
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Tool, Toolkit, ToolLoop } from "effect-openrouter"
 *
 * const Tools = Toolkit.make(Tool.make("now", { success: Schema.String }))
 * const Time = Schema.Struct({ hour: Schema.Int })
 *
 * export const followUp = Effect.gen(function*() {
 *   const first: ToolLoop.OutputResult<Toolkit.Tools<typeof Tools>, { readonly hour: number }> = yield* ToolLoop.run(
 *     { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "What hour is it?" }] },
 *     { toolkit: Tools, output: Time }
 *   )
 *   // The transcript is a whole conversation: ask a follow-up on top of it.
 *   return yield* ToolLoop.run(
 *     { model: "openai/gpt-4o-mini", messages: [...first.transcript, { role: "user", content: "And in an hour?" }] },
 *     { toolkit: Tools, output: Time }
 *   )
 * }).pipe(Effect.provide(Toolkit.toLayer(Tools, { now: () => Effect.succeed("12:00") })))
 * ```
 *
 * @since 0.3.0
 * @category models
 */
export interface OutputResult<Tools extends Record<string, Tool.Any>, A> extends Result<Tools> {
  readonly output: A
}

/**
 * An event of {@link stream}:
 *
 * - `Chunk`: a chunk of round `round` as it arrives;
 * - `CallPartial` (since 0.3.0): the arguments of the call at `index` of round `round` so far, each time
 *   they take a new shape, from the incremental JSON parser: the encoded side (what the model writes),
 *   unvalidated, like `Structured.stream`'s partial values (`id` and `name` once they have arrived);
 * - `OutputPartial` (since 0.3.0, with `output`): the final answer so far, the same way;
 * - `Restart` (since 0.3.0, with `output`): the answer of round `round - 1` could not be used and is
 *   asked again (`outputRetries`); the next `OutputPartial`s belong to the new answer, so a UI should
 *   reset. `Chat.stream`'s own retries never show: they happen before any chunk is passed on;
 * - `Round`: the end of a round (after its tool calls ran);
 * - `Done`: last, the result.
 *
 * @since 0.2.0
 * @category models
 */
export type Event<Tools extends Record<string, Tool.Any>, A = never, I = never> =
  | { readonly _tag: "Chunk"; readonly round: number; readonly chunk: S.ChatStreamChunk }
  | {
    readonly _tag: "CallPartial"
    readonly round: number
    readonly index: number
    readonly id: string | undefined
    readonly name: string | undefined
    readonly arguments: unknown
  }
  | { readonly _tag: "OutputPartial"; readonly round: number; readonly value: Structured.DeepPartial<I> }
  | {
    readonly _tag: "Restart"
    readonly round: number
    readonly error: StructuredError.OutputNotJsonError | StructuredError.OutputDecodeError
  }
  | { readonly _tag: "Round"; readonly round: Round<Tools> }
  | { readonly _tag: "Done"; readonly result: [A] extends [never] ? Result<Tools> : OutputResult<Tools, A> }

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
 * (`maxRounds` or `concurrency` not a whole number of at least 1, a `stopAfter` name that is no tool of
 * the toolkit, a request or options whose getters throw, ...) fail with `InvalidRequestError` before
 * anything is sent. So does a toolkit with a tool that needs approval (`effect/ai`'s `needsApproval`,
 * which `LanguageModel` asks for): the loop has no step to ask, and would otherwise run the tool
 * without it; ask inside the handler instead (`Toolkit.CurrentCall` names the call). A call of a tool
 * the client executes ends the loop with the call `pending` (see {@link Result}); with `output`, a
 * toolkit with such a tool is refused, as the loop would end before its output.
 *
 * With `output` (since 0.3.0), the loop ends with the final answer decoded by that Schema
 * ({@link OutputResult}), and the error union gains `StructuredError.OutputError` (an answer that is
 * not JSON, does not decode, was refused, cut off or empty); see {@link OutputStrategy} for how the
 * answer is asked for.
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Tool, Toolkit, ToolLoop } from "effect-openrouter"
 *
 * const GetWeather = Tool.make("get_weather", {
 *   parameters: Schema.Struct({ city: Schema.String }),
 *   success: Schema.Struct({ celsius: Schema.Number })
 * })
 * const Tools = Toolkit.make(GetWeather)
 * const ToolsLive = Toolkit.toLayer(Tools, { get_weather: () => Effect.succeed({ celsius: 18 }) })
 *
 * const Advice = Schema.Struct({ city: Schema.String, wear: Schema.Literals(["coat", "t-shirt"]) })
 *
 * export const advice = ToolLoop.run(
 *   { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "What should I wear in Paris?" }] },
 *   { toolkit: Tools, output: Advice, outputRetries: 1 }
 * ).pipe(
 *   Effect.map((result) => result.output.wear), // "coat" | "t-shirt"
 *   Effect.provide(ToolsLive)
 * )
 * ```
 *
 * @since 0.2.0
 * @category running
 */
export const run: {
  <Tools extends Record<string, Tool.Any>, A, I, R, Mode extends InvalidCallMode = "error">(
    request: Chat.ChatRequest,
    options: Options<Tools, Mode> & OutputOptions<A, I, R>
  ): Effect.Effect<
    OutputResult<Tools, A>,
    Error<Tools, Mode> | StructuredError.OutputError,
    Requirements<Tools> | R
  >
  <Tools extends Record<string, Tool.Any>, Mode extends InvalidCallMode = "error">(
    request: Chat.ChatRequest,
    options: Options<Tools, Mode>
  ): Effect.Effect<Result<Tools>, Error<Tools, Mode>, Requirements<Tools>>
} = internal.run as never

/**
 * Runs the tool loop with `Chat.stream`: emits each chunk of each round as it arrives, the arguments of
 * each tool call as they form, a `Round` event once a round's tool calls have run, and a `Done` event
 * with the result (see {@link Event}). With `output` (since 0.3.0), as {@link run}, plus the output as
 * it forms and a `Restart` when it is asked again.
 *
 * @since 0.2.0
 * @category running
 */
export const stream: {
  <Tools extends Record<string, Tool.Any>, A, I, R, Mode extends InvalidCallMode = "error">(
    request: Chat.ChatRequest,
    options: Options<Tools, Mode> & OutputOptions<A, I, R>
  ): Stream.Stream<
    Event<Tools, A, I>,
    Error<Tools, Mode, Errors.StreamError> | StructuredError.OutputError,
    Requirements<Tools> | R
  >
  <Tools extends Record<string, Tool.Any>, Mode extends InvalidCallMode = "error">(
    request: Chat.ChatRequest,
    options: Options<Tools, Mode>
  ): Stream.Stream<Event<Tools>, Error<Tools, Mode, Errors.StreamError>, Requirements<Tools>>
} = internal.stream as never
