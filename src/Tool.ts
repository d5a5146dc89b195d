/**
 * A tool the model may call: a name, a description, its parameters as an Effect `Schema`, and
 * optionally the Schemas of its result and of its failure. Tools are gathered in a `Toolkit`, which
 * gives the request's `tools` array, decodes the model's calls and runs their handlers.
 *
 * @example
 * ```ts
 * import { Context, Schema } from "effect"
 * import { Tool } from "effect-openrouter"
 *
 * class WeatherApi extends Context.Tag("WeatherApi")<WeatherApi, { readonly get: (city: string) => number }>() {}
 *
 * class WeatherUnavailable extends Schema.TaggedError<WeatherUnavailable>()("WeatherUnavailable", {
 *   city: Schema.String
 * }) {}
 *
 * export const GetWeather = Tool.make("get_weather", {
 *   description: "The current temperature in a city, in °C.",
 *   parameters: Schema.Struct({ city: Schema.String }),
 *   success: Schema.Struct({ city: Schema.String, celsius: Schema.Number }),
 *   failure: WeatherUnavailable,
 *   dependencies: [WeatherApi]
 * })
 * ```
 *
 * @since 0.2.0
 */
import type * as Context from "effect/Context"
import * as Either from "effect/Either"
import { type Pipeable, pipeArguments } from "effect/Pipeable"
import * as Schema from "effect/Schema"
import type * as Types from "effect/Types"
import * as Errors from "./Errors.js"
import * as Calls from "./internal/tool/toolCalls.js"
import { isAnyTool, toolSchema } from "./internal/tool/toolSchema.js"
import type * as S from "./Schema.js"

/**
 * The unique identifier of a tool value.
 *
 * @since 0.2.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("effect-openrouter/Tool")

/**
 * The type of {@link TypeId}.
 *
 * @since 0.2.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * What a tool loop does when a handler fails: `"error"` fails the loop with the handler's error (it is
 * in the loop's error type); `"return"` sends the error, encoded with the tool's `failure` Schema, back
 * to the model as the call's result (and the loop goes on).
 *
 * @since 0.2.0
 * @category models
 */
export type FailureMode = "error" | "return"

/**
 * A tool definition. `Requirements` are the services its handler needs (from `dependencies`); they
 * show up in the requirements of the tool loop that runs the handler.
 *
 * @since 0.2.0
 * @category models
 */
export interface Tool<
  out Name extends string,
  out Parameters extends Schema.Schema.AnyNoContext,
  out Success extends Schema.Schema.AnyNoContext,
  out Failure extends AnyFailureSchema,
  out Mode extends FailureMode,
  out Requirements
> extends Pipeable {
  readonly [TypeId]: { readonly _Requirements: Types.Covariant<Requirements> }
  /** The name the model calls the tool by (at most 64 characters of `a-z A-Z 0-9 _ -`). */
  readonly name: Name
  /** What the tool does, for the model. */
  readonly description: string | undefined
  /** The Schema of the arguments; its encoded side is what the model writes (as JSON). */
  readonly parameters: Parameters
  /** The Schema of the handler's result; the encoded result is sent back to the model as JSON. */
  readonly success: Success
  /** The Schema of the handler's error. */
  readonly failure: Failure
  /** What a tool loop does when the handler fails. */
  readonly failureMode: Mode
  /** Ask the provider to hold the model to the parameters' JSON Schema (`function.strict`). */
  readonly strict: boolean
  /** The services the handler needs. */
  readonly dependencies: ReadonlyArray<AnyTag>
}

/**
 * A Schema a tool's failure can have: any Schema without requirements, `Schema.Never` included.
 *
 * @since 0.2.0
 * @category models
 */
export type AnyFailureSchema = Schema.Schema.AnyNoContext | Schema.Schema<never, never, never>

/**
 * Any service tag (a tool's `dependencies`).
 *
 * @since 0.2.0
 * @category models
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a Tag is invariant: any Tag fits only `any`
export type AnyTag = Context.Tag<any, any>

/**
 * Any tool.
 *
 * @since 0.2.0
 * @category models
 */
export interface Any extends Pipeable {
  readonly [TypeId]: { readonly _Requirements: Types.Covariant<unknown> }
  readonly name: string
  readonly description: string | undefined
  readonly parameters: Schema.Schema.AnyNoContext
  readonly success: Schema.Schema.AnyNoContext
  readonly failure: AnyFailureSchema
  readonly failureMode: FailureMode
  readonly strict: boolean
  readonly dependencies: ReadonlyArray<AnyTag>
}

/**
 * The parameters of a tool that takes none: an empty object (a call with `arguments: ""` or `"{}"`).
 *
 * @since 0.2.0
 * @category schemas
 */
export const NoParameters: Schema.Struct<{}> = Schema.Struct({})

/**
 * The name of a tool.
 *
 * @since 0.2.0
 * @category type-level
 */
export type Name<T> = T extends { readonly name: infer N extends string } ? N : never

/**
 * The decoded parameters of a tool (what its handler receives).
 *
 * @since 0.2.0
 * @category type-level
 */
export type Parameters<T> = T extends { readonly parameters: infer P extends Schema.Schema.AnyNoContext } ?
  Schema.Schema.Type<P>
  : never

/**
 * What a tool's handler succeeds with.
 *
 * @since 0.2.0
 * @category type-level
 */
export type Success<T> = T extends { readonly success: infer S extends Schema.Schema.AnyNoContext } ?
  Schema.Schema.Type<S>
  : never

/**
 * What a tool's handler fails with.
 *
 * @since 0.2.0
 * @category type-level
 */
export type Failure<T> = T extends { readonly failure: infer F extends AnyFailureSchema } ? Schema.Schema.Type<F>
  : never

/**
 * The services a tool's handler needs.
 *
 * @since 0.2.0
 * @category type-level
 */
export type Requirements<T> = T extends { readonly [TypeId]: { readonly _Requirements: Types.Covariant<infer R> } } ? R
  : never

/**
 * The failures of a tool that a tool loop fails with: the handler's errors when its `failureMode` is
 * `"error"`, none when it is `"return"` (they go back to the model).
 *
 * @since 0.2.0
 * @category type-level
 */
export type LoopFailure<T> = T extends { readonly failureMode: "error" } ? Failure<T> : never

/**
 * A call of one tool, decoded: the call's id, the tool's name (the discriminant) and the parameters
 * decoded with the tool's Schema, next to the call as the model sent it.
 *
 * @since 0.2.0
 * @category models
 */
export interface Call<T extends Any> {
  readonly id: string
  readonly name: T["name"]
  readonly params: Parameters<T>
  readonly raw: S.ResponseToolCall
}

/**
 * The service identifier of a tool's handler (one per tool name), provided by `Toolkit.toLayer`.
 *
 * @since 0.2.0
 * @category handlers
 */
export interface Handler<Name extends string> {
  readonly _: unique symbol
  readonly name: Name
}

/**
 * The handler services of every tool of a record of tools.
 *
 * @since 0.2.0
 * @category handlers
 */
export type HandlersFor<Tools extends Record<string, Any>> = {
  [K in keyof Tools]: Handler<Tools[K]["name"]>
}[keyof Tools]

const Proto = {
  pipe() {
    // eslint-disable-next-line prefer-rest-params -- pipeArguments takes the arguments object, as in Effect
    return pipeArguments(this, arguments)
  }
}

/**
 * Defines a tool. `parameters` defaults to {@link NoParameters}, `success` to `Schema.Unknown` (any
 * JSON-serialisable result), `failure` to `Schema.Never`, `failureMode` to `"error"`, `strict` to
 * `false`.
 *
 * It never throws: a name or options that cannot be read (a getter or `Proxy` trap that throws) give a
 * tool that `Tool.definition` and `Toolkit` refuse with an `InvalidRequestError`, before anything is sent.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Tool } from "effect-openrouter"
 *
 * export const Now = Tool.make("now", { description: "The current time, ISO 8601." })
 * export const Add = Tool.make("add", {
 *   parameters: Schema.Struct({ a: Schema.Number, b: Schema.Number }),
 *   success: Schema.Number
 * })
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = <
  const Name extends string,
  Parameters extends Schema.Schema.AnyNoContext = typeof NoParameters,
  Success extends Schema.Schema.AnyNoContext = typeof Schema.Unknown,
  Failure extends AnyFailureSchema = typeof Schema.Never,
  Mode extends FailureMode = "error",
  Dependencies extends ReadonlyArray<AnyTag> = []
>(
  name: Name,
  options?: {
    readonly description?: string | undefined
    readonly parameters?: Parameters | undefined
    readonly success?: Success | undefined
    readonly failure?: Failure | undefined
    readonly failureMode?: Mode | undefined
    readonly strict?: boolean | undefined
    readonly dependencies?: Dependencies | undefined
  }
): Tool<Name, Parameters, Success, Failure, Mode, Context.Tag.Identifier<Dependencies[number]>> => {
  const build = (given: typeof options) => {
    const tool = Object.create(Proto)
    tool[TypeId] = { _Requirements: (_: never) => _ }
    tool.name = name
    tool.description = given?.description
    tool.parameters = given?.parameters ?? NoParameters
    tool.success = given?.success ?? Schema.Unknown
    tool.failure = given?.failure ?? Schema.Never
    tool.failureMode = given?.failureMode ?? "error"
    tool.strict = given?.strict ?? false
    tool.dependencies = given?.dependencies ?? []
    return tool
  }
  // Options that cannot be read give a tool of the defaults that Tool.definition and Toolkit refuse.
  return Calls.madeOr(() => build(options), () => build(undefined))
}

/**
 * Whether a value is a tool.
 *
 * @since 0.2.0
 * @category guards
 */
export const isTool = (u: unknown): u is Any => {
  // A Proxy whose `has` trap throws is not a tool.
  try {
    return isAnyTool(u)
  } catch {
    return false
  }
}

/**
 * The tool as an entry of the request's `tools` array: `{type: "function", function: {name,
 * description, parameters, strict}}`, the parameters as a JSON Schema derived from the Schema (for a
 * `strict` tool, in the strict form: every property required, optional ones nullable). Fails with
 * `InvalidRequestError` when the Schema has a part JSON Schema cannot state, or (at `tool`) for a value
 * that is not a tool.
 *
 * @since 0.2.0
 * @category conversions
 */
export const definition = (tool: Any): Either.Either<S.FunctionTool, Errors.InvalidRequestError> => {
  const read = Calls.readDefinition(tool, isAnyTool, definitionOf)
  return read.ok ? read.value : Either.left(new Errors.InvalidRequestError(read.error))
}

const definitionOf = (tool: Any): Either.Either<S.FunctionTool, Errors.InvalidRequestError> =>
  Either.match(toolSchema(tool.parameters, tool.strict), {
    onLeft: (reason) =>
      Either.left(
        new Errors.InvalidRequestError({
          message: `Invalid request: the parameters of tool ${tool.name} cannot be stated as a JSON Schema: ${reason}`,
          issues: [{ path: `tools.${tool.name}.parameters`, message: reason }]
        })
      ),
    onRight: ({ parameters }) =>
      Either.right({
        type: "function" as const,
        function: {
          name: tool.name,
          ...(tool.description === undefined ? {} : { description: tool.description }),
          parameters,
          ...(tool.strict ? { strict: true } : {})
        }
      })
  })
