/**
 * A toolkit: the tools a model may call. In the Effect 4 edition a toolkit IS `effect/ai`'s `Toolkit`
 * (`effect/ai/Toolkit`): {@link make} is `effect/ai`'s, and its handlers are provided with its
 * `toLayer` (or {@link toLayer} here, the same layer), so one toolkit with one layer of handlers runs
 * through `ToolLoop.run` and through `LanguageModel.generateText` with `OpenRouterLanguageModel`.
 *
 * The extras over `effect/ai`: {@link definitions} (the request's `tools` array, strict parameters
 * included) and {@link decodeCalls} / {@link decodeCall} (the model's calls decoded into a union
 * discriminated by tool name with typed parameters, or a typed `ToolError`), for code that calls
 * `Chat.send` itself.
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Tool, Toolkit } from "effect-openrouter"
 *
 * const GetWeather = Tool.make("get_weather", {
 *   parameters: Schema.Struct({ city: Schema.String }),
 *   success: Schema.Struct({ celsius: Schema.Number })
 * })
 * const Now = Tool.make("now", { success: Schema.String })
 *
 * export const Tools = Toolkit.make(GetWeather, Now)
 *
 * export const ToolsLive = Tools.toLayer({
 *   get_weather: ({ city }) => Effect.succeed({ celsius: city.length }),
 *   now: () => Effect.sync(() => new Date().toISOString())
 * })
 * ```
 *
 * @since 0.2.0
 */
import type * as AiTool from "effect/ai/Tool"
import type * as AiToolkit from "effect/ai/Toolkit"
import type * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import type * as Layer from "effect/Layer"
import type * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import type * as Errors from "./Errors.js"
import * as currentCall from "./internal/tool/currentCall.js"
import * as internal from "./internal/tool/toolkit.js"
import type * as S from "./Schema.js"
import type * as Tool from "./Tool.js"
import type * as ToolError from "./ToolError.js"

/**
 * The unique identifier of a toolkit value: `effect/ai`'s.
 *
 * @since 0.2.0
 * @category type ids
 */
export const TypeId = "~effect/ai/Toolkit" as const

/**
 * The type of {@link TypeId}.
 *
 * @since 0.2.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * A set of tools, by name: `effect/ai`'s `Toolkit`.
 *
 * @since 0.2.0
 * @category models
 */
export type Toolkit<Tools extends Record<string, Tool.Any>> = AiToolkit.Toolkit<Tools>

/**
 * Any toolkit.
 *
 * @since 0.2.0
 * @category models
 */
export type Any = AiToolkit.Any

/**
 * The tools of a toolkit.
 *
 * @since 0.2.0
 * @category type-level
 */
export type Tools<T> = AiToolkit.Tools<T>

/**
 * A list of tools as a record by name.
 *
 * @since 0.2.0
 * @category type-level
 */
export type ToolsByName<Tools extends ReadonlyArray<Tool.Any>> = AiToolkit.ToolsByName<Tools>

/**
 * A decoded call of any tool of the toolkit: a union discriminated by `name`, whose `params` have the
 * type of that tool's parameters Schema.
 *
 * @since 0.2.0
 * @category models
 */
export type Call<Tools extends Record<string, Tool.Any>> = {
  [K in keyof Tools]: Tool.Call<Tools[K]>
}[keyof Tools]

/**
 * What a handler may know about the call it runs when a tool loop runs it: the call's id (as the
 * model sent it, or the id the loop made up for it), the tool's name, the 1-based round of the tool
 * loop, and the transcript so far (the messages of the round's request, then the assistant message
 * that asks for this call).
 *
 * In the Effect 3 edition it was the handler's second argument. In the Effect 4 edition the second
 * argument is `effect/ai`'s `HandlerContext` (`toolCallId`, `preliminary`), the same under
 * `ToolLoop` and `LanguageModel`, and the loop's context is read with `yield* Toolkit.CurrentCall`
 * (`undefined` outside a tool loop, e.g. under `LanguageModel.generateText`).
 *
 * @since 0.3.0
 * @category handlers
 */
export interface CallContext {
  /** The call's id, as the `tool` message answering it names it. */
  readonly id: string
  /** The tool's name. */
  readonly name: string
  /** The round of the tool loop (1 for the reply to the first request). */
  readonly round: number
  /** The conversation so far: the round's request messages and the assistant message asking for the call. */
  readonly transcript: ReadonlyArray<S.Message>
}

/**
 * The {@link CallContext} of the call a handler runs under `ToolLoop` (`undefined` elsewhere). A
 * reference with a default, so reading it adds nothing to a handler's requirements.
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Tool, Toolkit } from "effect-openrouter"
 *
 * const Delete = Tool.make("delete_file", { parameters: Schema.Struct({ path: Schema.String }) })
 * const Tools = Toolkit.make(Delete)
 *
 * export const ToolsLive = Tools.toLayer({
 *   delete_file: ({ path }) =>
 *     Effect.gen(function*() {
 *       const call = yield* Toolkit.CurrentCall
 *       yield* Effect.log(`round ${call?.round}: call ${call?.id} deletes ${path}`)
 *     })
 * })
 * ```
 *
 * @since 1.0.0
 * @category handlers
 */
export const CurrentCall: Context.Reference<CallContext | undefined> = currentCall.CurrentCall

/**
 * The handlers of a toolkit (`effect/ai`'s `HandlersFrom`): one function per tool, from its decoded
 * parameters (and `effect/ai`'s `HandlerContext`) to an Effect that succeeds with the tool's `success`
 * type, fails with its `failure` type (or an `AiError`) and needs its `dependencies`.
 *
 * @since 0.2.0
 * @category handlers
 */
export type HandlersFrom<Tools extends Record<string, Tool.Any>> = AiToolkit.HandlersFrom<Tools>

/**
 * The handler errors a tool loop over these tools fails with (tools whose `failureMode` is `"error"`).
 *
 * @since 0.2.0
 * @category type-level
 */
export type Failure<Tools extends Record<string, Tool.Any>> = {
  [K in keyof Tools]: Tool.LoopFailure<Tools[K]>
}[keyof Tools]

/**
 * What running the handlers of these tools needs: their handler services and their dependencies.
 *
 * @since 0.2.0
 * @category type-level
 */
export type Requirements<Tools extends Record<string, Tool.Any>> =
  | Tool.HandlersFor<Tools>
  | { [K in keyof Tools]: AiTool.HandlerServices<Tools[K]> }[keyof Tools]

/**
 * Makes a toolkit of tools (their names must differ): `effect/ai`'s `Toolkit.make`.
 *
 * It never throws. An argument that is not a tool (or cannot be read) is left out of the toolkit, which
 * is still `effect/ai`'s but refused: {@link definitions} fails with an `InvalidRequestError` at
 * `toolkit` naming the argument, and so does `ToolLoop` before anything is sent; a call to one of its
 * tools still decodes.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make: <const Tools extends ReadonlyArray<Tool.Any>>(
  ...tools: Tools
) => Toolkit<ToolsByName<Tools>> = internal.make as never

/**
 * Merges toolkits into one (a later tool of a name wins): `effect/ai`'s `Toolkit.merge`.
 *
 * It never throws. An argument that is not a toolkit, or a toolkit that is refused (see {@link make}),
 * gives a refused toolkit of the tools of the others.
 *
 * @since 1.0.0
 * @category constructors
 */
export const merge: typeof AiToolkit.merge = internal.merge as never

/**
 * The request's `tools` array: one `function` entry per tool (see `Tool.definition`), derived once per
 * toolkit. Fails with `InvalidRequestError` when a tool's parameters cannot be stated as a JSON Schema,
 * or (at `toolkit`) for a value that is not a toolkit or cannot be read.
 * A `Result` (an `Either` in the Effect 3 edition); in `Effect.gen`, `yield* Effect.fromResult(...)`.
 *
 * @since 0.2.0
 * @category conversions
 */
export const definitions: (
  toolkit: Any
) => Result.Result<ReadonlyArray<S.FunctionTool>, Errors.InvalidRequestError> = internal.definitions

/**
 * Types a record of handlers against a toolkit (an identity function, for handlers written apart
 * from `toLayer`; `toolkit.of` does the same).
 *
 * @since 0.2.0
 * @category handlers
 */
export const handlers = <Tools extends Record<string, Tool.Any>, Handlers extends HandlersFrom<Tools>>(
  _toolkit: Toolkit<Tools>,
  handlers: Handlers
): Handlers => handlers

/**
 * A layer providing the handler of every tool of the toolkit: the toolkit's own `toLayer`
 * (`effect/ai`'s), the one layer both `ToolLoop` and `LanguageModel` run. `build` is the handlers, or
 * an Effect that builds them (its requirements become the layer's).
 *
 * It never throws and its layer never dies on what it is handed: a value that is not a toolkit, or
 * handlers that are not a record, give a layer providing no handlers. `ToolLoop` fails a call whose
 * handler is missing, is not a function or does not return an Effect with an `InvalidResultError`.
 *
 * @since 0.2.0
 * @category handlers
 */
export const toLayer: {
  <Tools extends Record<string, Tool.Any>, EX = never, RX = never>(
    build: HandlersFrom<Tools> | Effect.Effect<HandlersFrom<Tools>, EX, RX>
  ): (self: Toolkit<Tools>) => Layer.Layer<Tool.HandlersFor<Tools>, EX, Exclude<RX, Scope.Scope>>
  <Tools extends Record<string, Tool.Any>, EX = never, RX = never>(
    self: Toolkit<Tools>,
    build: HandlersFrom<Tools> | Effect.Effect<HandlersFrom<Tools>, EX, RX>
  ): Layer.Layer<Tool.HandlersFor<Tools>, EX, Exclude<RX, Scope.Scope>>
} = dual(
  2,
  (self: Any, build: unknown) => internal.toLayer(self, build)
)

/**
 * Decodes one call as the model sent it: the tool is looked up by name, the arguments parsed as JSON
 * (`""` is `{}`; JSON nested deeper than 128 levels is refused before parsing) and decoded with the
 * tool's parameters Schema. A call without an id gets `"call_0"`. An Effect (an `Either` in the
 * Effect 3 edition: an Effect 4 Schema may need services to decode).
 *
 * A call that is not an object or cannot be read is a call without a name, a toolkit that is not one has
 * no tools: both give an `UnknownToolError`, never a throw.
 *
 * @since 0.2.0
 * @category decoding
 */
export const decodeCall: {
  <Tools extends Record<string, Tool.Any>>(
    toolkit: Toolkit<Tools>
  ): (call: S.ResponseToolCall) => Effect.Effect<Call<Tools>, ToolError.CallError, DecodingServices<Tools>>
  <Tools extends Record<string, Tool.Any>>(
    call: S.ResponseToolCall,
    toolkit: Toolkit<Tools>
  ): Effect.Effect<Call<Tools>, ToolError.CallError, DecodingServices<Tools>>
} = dual(
  2,
  (call: S.ResponseToolCall, toolkit: Any) => internal.decodeCall(toolkit, call, "call_0")
)

/**
 * Decodes the tool calls of a reply (from `Chat.send`, or a stream folded by `Chat.collect`): the
 * first choice's `message.tool_calls`, in order, each with one JSON parse and one Schema decode; no
 * calls gives `[]`. Fails with the first call that does not decode (use {@link decodeCall} to look at
 * each). A call without an id gets `call_<response id>_<index>`. A reply that holds no readable array of
 * calls has none.
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Chat, Tool, Toolkit } from "effect-openrouter"
 *
 * const Tools = Toolkit.make(Tool.make("add", { parameters: Schema.Struct({ a: Schema.Number, b: Schema.Number }) }))
 *
 * export const program = Effect.gen(function*() {
 *   const response = yield* Chat.send({
 *     model: "openai/gpt-4o-mini",
 *     messages: [{ role: "user", content: "What is 2 + 3?" }],
 *     tools: yield* Effect.fromResult(Toolkit.definitions(Tools))
 *   })
 *   const calls = yield* Toolkit.decodeCalls(response, Tools)
 *   return calls.map((call) => call.params.a + call.params.b)
 * })
 * ```
 *
 * @since 0.2.0
 * @category decoding
 */
export const decodeCalls: {
  <Tools extends Record<string, Tool.Any>>(
    toolkit: Toolkit<Tools>
  ): (
    response: S.ChatResponse
  ) => Effect.Effect<ReadonlyArray<Call<Tools>>, ToolError.CallError, DecodingServices<Tools>>
  <Tools extends Record<string, Tool.Any>>(
    response: S.ChatResponse,
    toolkit: Toolkit<Tools>
  ): Effect.Effect<ReadonlyArray<Call<Tools>>, ToolError.CallError, DecodingServices<Tools>>
} = dual(
  2,
  (response: S.ChatResponse, toolkit: Any) => internal.decodeCalls(toolkit, response)
)

/**
 * The services decoding the parameters of these tools needs (none unless a parameters Schema asks for
 * some).
 *
 * @since 1.0.0
 * @category type-level
 */
export type DecodingServices<Tools extends Record<string, Tool.Any>> = {
  [K in keyof Tools]: AiTool.ParametersDecodingServices<Tools[K]>
}[keyof Tools]
