/**
 * A toolkit: the tools a model may call. It gives the request's `tools` array ({@link Toolkit.definitions}),
 * decodes the model's calls into a union discriminated by tool name with typed parameters
 * ({@link decodeCalls}), and takes handlers as a layer ({@link toLayer}) that a tool loop
 * (`ToolLoop.run`) runs.
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
 * export const ToolsLive = Toolkit.toLayer(Tools, {
 *   get_weather: ({ city }) => Effect.succeed({ celsius: city.length }),
 *   now: () => Effect.sync(() => new Date().toISOString())
 * })
 * ```
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { dual } from "effect/Function"
import type * as Layer from "effect/Layer"
import type { Pipeable } from "effect/Pipeable"
import type * as Scope from "effect/Scope"
import type * as Errors from "./Errors.js"
import * as internal from "./internal/tool/toolkit.js"
import type * as S from "./Schema.js"
import type * as Tool from "./Tool.js"
import type * as ToolError from "./ToolError.js"

/**
 * The unique identifier of a toolkit value.
 *
 * @since 0.2.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("effect-openrouter/Toolkit") as never

/**
 * The type of {@link TypeId}.
 *
 * @since 0.2.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * A set of tools, by name.
 *
 * @since 0.2.0
 * @category models
 */
export interface Toolkit<in out Tools extends Record<string, Tool.Any>> extends Pipeable {
  readonly [TypeId]: TypeId
  /** The tools, by name. */
  readonly tools: Tools
}

/**
 * Any toolkit.
 *
 * @since 0.2.0
 * @category models
 */
export interface Any {
  readonly [TypeId]: TypeId
  readonly tools: Record<string, Tool.Any>
}

/**
 * The tools of a toolkit.
 *
 * @since 0.2.0
 * @category type-level
 */
export type Tools<T> = T extends Toolkit<infer Tools> ? Tools : never

/**
 * A list of tools as a record by name.
 *
 * @since 0.2.0
 * @category type-level
 */
export type ToolsByName<Tools extends ReadonlyArray<Tool.Any>> = {
  readonly [T in Tools[number] as T["name"]]: T
}

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
 * What a handler may know about the call it runs (its optional second argument): the call's id (as
 * the model sent it, or the id the loop made up for it), the tool's name, the 1-based round of the
 * tool loop, and the transcript so far (the messages of the round's request, then the assistant
 * message that asks for this call). For a handler that logs, dedupes, or asks a person for approval.
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Tool, Toolkit } from "effect-openrouter"
 *
 * const Delete = Tool.make("delete_file", { parameters: Schema.Struct({ path: Schema.String }) })
 * const Tools = Toolkit.make(Delete)
 *
 * export const ToolsLive = Toolkit.toLayer(Tools, {
 *   delete_file: ({ path }, { id, round }) => Effect.log(`round ${round}: call ${id} deletes ${path}`)
 * })
 * ```
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
 * The handlers of a toolkit: one function per tool, from its decoded parameters to an Effect that
 * succeeds with the tool's `success` type, fails with its `failure` type and needs its `dependencies`.
 * A handler may take a second argument, the {@link CallContext} (since 0.3.0); one that takes only the
 * parameters is still a handler.
 *
 * @since 0.2.0
 * @category handlers
 */
export type HandlersFrom<Tools extends Record<string, Tool.Any>> = {
  readonly [K in keyof Tools]: (
    params: Tool.Parameters<Tools[K]>,
    context: CallContext
  ) => Effect.Effect<Tool.Success<Tools[K]>, Tool.Failure<Tools[K]>, Tool.Requirements<Tools[K]>>
}

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
  | { [K in keyof Tools]: Tool.Requirements<Tools[K]> }[keyof Tools]

/**
 * Makes a toolkit of tools (their names must differ).
 *
 * It never throws. An argument that is not a tool (or cannot be read) is left out of the toolkit, which
 * is refused: {@link definitions} fails with an `InvalidRequestError` at `toolkit` naming the argument
 * (`toolkit has a tool that is not a Tool (argument 1)`), and so does `ToolLoop` before anything is sent;
 * a call to one of its tools still decodes.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = <const Tools extends ReadonlyArray<Tool.Any>>(...tools: Tools): Toolkit<ToolsByName<Tools>> =>
  internal.make(tools) as unknown as Toolkit<ToolsByName<Tools>>

/**
 * The request's `tools` array: one `function` entry per tool (see `Tool.definition`), derived once per
 * toolkit. Fails with `InvalidRequestError` when a tool's parameters cannot be stated as a JSON Schema,
 * or (at `toolkit`) for a value that is not a toolkit or cannot be read.
 * An `Either`, so `yield*` works in `Effect.gen`.
 *
 * @since 0.2.0
 * @category conversions
 */
export const definitions: (
  toolkit: Any
) => Either.Either<ReadonlyArray<S.FunctionTool>, Errors.InvalidRequestError> = internal.definitions

/**
 * Types a record of handlers against a toolkit (an identity function, for handlers written apart
 * from `toLayer`).
 *
 * @since 0.2.0
 * @category handlers
 */
export const handlers = <Tools extends Record<string, Tool.Any>>(
  _toolkit: Toolkit<Tools>,
  handlers: HandlersFrom<Tools>
): HandlersFrom<Tools> => handlers

/**
 * A layer providing the handler of every tool of the toolkit. `build` is the handlers, or an Effect
 * that builds them (its requirements become the layer's; a `Scope` is provided). Each handler runs
 * with the context the layer was built in, under the context of the loop that calls it.
 *
 * It never throws and its layer never dies on what it is handed: a value that is not a toolkit, or
 * handlers that are not a record (nor an Effect giving one), give a layer providing no handlers.
 * `ToolLoop` fails a call whose handler is missing, is not a function, throws or does not return an
 * Effect with an `InvalidResultError`.
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
 * (`""` is `{}`) and decoded with the tool's parameters Schema (one Schema decode). A call without an
 * id gets `"call_0"`.
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
  ): (call: S.ResponseToolCall) => Either.Either<Call<Tools>, ToolError.CallError>
  <Tools extends Record<string, Tool.Any>>(
    call: S.ResponseToolCall,
    toolkit: Toolkit<Tools>
  ): Either.Either<Call<Tools>, ToolError.CallError>
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
 *     tools: yield* Toolkit.definitions(Tools)
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
  ): (response: S.ChatResponse) => Effect.Effect<ReadonlyArray<Call<Tools>>, ToolError.CallError>
  <Tools extends Record<string, Tool.Any>>(
    response: S.ChatResponse,
    toolkit: Toolkit<Tools>
  ): Effect.Effect<ReadonlyArray<Call<Tools>>, ToolError.CallError>
} = dual(
  2,
  (response: S.ChatResponse, toolkit: Any) =>
    Either.match(internal.decodeCalls(toolkit, response), {
      onLeft: (e) => Effect.fail(e),
      onRight: (calls) => Effect.succeed(calls)
    })
)
