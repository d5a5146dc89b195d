/**
 * A tool the model may call. In the Effect 4 edition a tool IS `effect/ai`'s `Tool` (`effect/ai/Tool`):
 * {@link make} builds one with `effect/ai`'s `Tool.make` and keeps this package's extras, so the same
 * tool (and the `Toolkit` that holds it, with one layer of handlers) serves `ToolLoop.run`,
 * `Toolkit.decodeCalls` and `LanguageModel.generateText` through `OpenRouterLanguageModel`.
 *
 * The extras over `effect/ai`: `strict` (OpenAI strict parameters, stored as `effect/ai`'s
 * `Tool.Strict` annotation), {@link definition} (the request's `tools` entry, with the parameters as a
 * JSON Schema, strict form included) and typed decoded calls ({@link Call}, `Toolkit.decodeCall`).
 *
 * @example
 * ```ts
 * import { Context, Schema } from "effect"
 * import { Tool } from "effect-openrouter"
 *
 * class WeatherApi extends Context.Service<WeatherApi, { readonly get: (city: string) => number }>()("WeatherApi") {}
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
 *   strict: true,
 *   dependencies: [WeatherApi]
 * })
 * ```
 *
 * @since 0.2.0
 */
import type * as Prompt from "effect/ai/Prompt"
import * as AiTool from "effect/ai/Tool"
import type * as Context from "effect/Context"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Calls from "../../src/internal/tool/toolCalls.js"
import * as Errors from "./Errors.js"
import { isAnyTool, toolSchemaOf } from "./internal/tool/toolSchema.js"
import type * as S from "./Schema.js"

/**
 * The unique identifier of a tool value: `effect/ai`'s.
 *
 * @since 0.2.0
 * @category type ids
 */
export const TypeId: AiTool.TypeId = AiTool.TypeId

/**
 * The type of {@link TypeId}.
 *
 * @since 0.2.0
 * @category type ids
 */
export type TypeId = AiTool.TypeId

/**
 * What a tool loop does when a handler fails: `"error"` fails the loop with the handler's error (it is
 * in the loop's error type); `"return"` sends the error, encoded with the tool's `failure` Schema, back
 * to the model as the call's result (and the loop goes on).
 *
 * @since 0.2.0
 * @category models
 */
export type FailureMode = AiTool.FailureMode

/**
 * A tool definition: `effect/ai`'s `Tool`. `Config` holds the Schemas of the parameters, the result and
 * the failure, and the failure mode; `Requirements` are the services its handler needs (from
 * `dependencies`). In the Effect 3 edition the type took those as six parameters
 * (`Tool<Name, Parameters, Success, Failure, Mode, Requirements>`).
 *
 * @since 0.2.0
 * @category models
 */
export type Tool<
  Name extends string,
  Config extends {
    readonly parameters: Schema.Constraint
    readonly success: Schema.Constraint
    readonly failure: Schema.Constraint
    readonly failureMode: FailureMode
  },
  Requirements = never
> = AiTool.Tool<Name, Config, Requirements>

/**
 * Any tool (`effect/ai`'s `Tool.Any`).
 *
 * @since 0.2.0
 * @category models
 */
export type Any = AiTool.Any

/**
 * A Schema a tool's failure can have.
 *
 * @since 0.2.0
 * @category models
 */
export type AnyFailureSchema = Schema.Constraint

/**
 * Any service key (a tool's `dependencies`).
 *
 * @since 0.2.0
 * @category models
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a key is invariant: any key fits only `any`
export type AnyTag = Context.Key<any, any>

/**
 * The parameters of a tool that takes none: an empty object (a call with `arguments: ""` or `"{}"`;
 * keys the model adds anyway are dropped by `ToolLoop` and `Toolkit.decodeCall`). The default of
 * {@link make}. It is `effect/ai`'s `Tool.EmptyParams` (a record of `never`, whose JSON Schema is an
 * object without properties); in the Effect 3 edition it was `Schema.Struct({})`, whose Effect 4 JSON
 * Schema is not an object.
 *
 * @since 0.2.0
 * @category schemas
 */
export const NoParameters: AiTool.EmptyParams = AiTool.EmptyParams

/**
 * The name of a tool.
 *
 * @since 0.2.0
 * @category type-level
 */
export type Name<T> = AiTool.Name<T>

/**
 * The decoded parameters of a tool (what its handler receives).
 *
 * @since 0.2.0
 * @category type-level
 */
export type Parameters<T> = AiTool.Parameters<T>

/**
 * What a tool's handler succeeds with.
 *
 * @since 0.2.0
 * @category type-level
 */
export type Success<T> = AiTool.Success<T>

/**
 * What a tool's handler fails with (its `failure` Schema's type).
 *
 * @since 0.2.0
 * @category type-level
 */
export type Failure<T> = AiTool.Failure<T>

/**
 * The services a tool's handler needs (its `dependencies`).
 *
 * @since 0.2.0
 * @category type-level
 */
export type Requirements<T> = AiTool.Requirements<T>

/**
 * The failures of a tool that a tool loop fails with: when its `failureMode` is `"error"`, the
 * handler's errors and the `AiError` an `effect/ai` handler may fail with (an `AiErrorReason` is
 * wrapped in one); none when it is `"return"` (they go back to the model).
 *
 * @since 0.2.0
 * @category type-level
 */
export type LoopFailure<T> = AiTool.HandlerError<T>

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
 * The service of a tool's handler (one per tool), provided by `Toolkit.toLayer`: `effect/ai`'s.
 *
 * @since 0.2.0
 * @category handlers
 */
export type Handler<Name extends string> = AiTool.Handler<Name>

/**
 * The handler services of every tool of a record of tools.
 *
 * @since 0.2.0
 * @category handlers
 */
export type HandlersFor<Tools extends Record<string, Any>> = AiTool.HandlersFor<Tools>

/**
 * `effect/ai`'s annotation that asks for strict parameters; {@link make}'s `strict` option sets it.
 *
 * @since 1.0.0
 * @category annotations
 */
export const Strict: typeof AiTool.Strict = AiTool.Strict

/**
 * Defines a tool (an `effect/ai` tool). `parameters` defaults to {@link NoParameters}, `success` to
 * `Schema.Unknown` (any JSON-serialisable result; `effect/ai`'s own `Tool.make` defaults it to
 * `Schema.Void`), `failure` to `Schema.Never`, `failureMode` to `"error"`, `strict` to unset (not strict; a
 * `LanguageModel` provider may then choose for itself, `strict: false` keeps it off).
 *
 * `needsApproval` and `toModelOutput` are `effect/ai`'s, for `LanguageModel`: `ToolLoop` refuses a tool
 * that needs approval (it would run the call without asking), and sends a result as the `success`
 * Schema encodes it, not `toModelOutput`'s parts.
 *
 * `strict: true` asks the provider to hold the model to the parameters' JSON Schema
 * (`function.strict`); the JSON Schema is then the strict form (every property required, optional
 * ones nullable) and a `null` the model sends for an optional field is read as absent.
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
 *   success: Schema.Number,
 *   strict: true
 * })
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = <
  const Name extends string,
  Parameters extends Schema.Constraint = typeof NoParameters,
  Success extends Schema.Constraint = typeof Schema.Unknown,
  Failure extends Schema.Constraint = typeof Schema.Never,
  Mode extends FailureMode = "error",
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as effect/ai's Tool.make: any key
  Dependencies extends Array<Context.Key<any, any> | Context.Key<never, any>> = []
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
    readonly needsApproval?: AiTool.NeedsApproval<Parameters> | undefined
    readonly toModelOutput?: ((result: Success["Type"]) => ReadonlyArray<Prompt.ToolModelOutputPart>) | undefined
  }
): Tool<
  Name,
  {
    readonly parameters: Parameters
    readonly success: Success
    readonly failure: Failure
    readonly failureMode: Mode
  },
  Context.Service.Identifier<Dependencies[number]>
> => {
  const made = () => {
    const tool = AiTool.make(name, {
      description: options?.description,
      parameters: (options?.parameters ?? NoParameters) as Parameters,
      success: (options?.success ?? Schema.Unknown) as Success,
      failure: (options?.failure ?? Schema.Never) as Failure,
      failureMode: (options?.failureMode ?? "error") as Mode,
      dependencies: options?.dependencies,
      needsApproval: options?.needsApproval,
      toModelOutput: options?.toModelOutput
    })
    // An explicit `strict: false` is kept too: a provider that picks strictness itself then leaves it off.
    return options?.strict === undefined ? tool : tool.annotate(AiTool.Strict, options.strict)
  }
  // A name or options that cannot be read give a tool of the defaults that Tool.definition and Toolkit refuse.
  return Calls.madeOr<object>(made, () =>
    AiTool.make(typeof name === "string" ? name : "", {
      parameters: NoParameters,
      success: Schema.Unknown
    })) as never
}

/**
 * Whether a value is a tool (made by {@link make} or by `effect/ai`'s `Tool.make`).
 *
 * @since 0.2.0
 * @category guards
 */
export const isTool = (u: unknown): u is Any => {
  // A Proxy whose `has` trap throws is not a tool.
  try {
    return AiTool.isUserDefined(u)
  } catch {
    return false
  }
}

/**
 * Whether a tool asks for strict parameters (`strict: true`, or `effect/ai`'s `Tool.Strict`
 * annotation set to `true`).
 *
 * @since 1.0.0
 * @category getters
 */
export const isStrict = (tool: Any): boolean => {
  // A caller's value that is not a tool, or cannot be read, asks for nothing.
  try {
    return isAnyTool(tool) && AiTool.getStrictMode(tool) === true
  } catch {
    return false
  }
}

/**
 * The tool as an entry of the request's `tools` array: `{type: "function", function: {name,
 * description, parameters, strict}}`, the parameters as a JSON Schema derived from the Schema (for a
 * strict tool, in the strict form: every property required, optional ones nullable). Fails with
 * `InvalidRequestError` when the Schema has a part JSON Schema cannot state, or for an `effect/ai`
 * provider-defined tool (an OpenAI or Anthropic built-in, which OpenRouter does not take), or (at
 * `tool`) for a value that is not a tool. The
 * parameters of an `effect/ai` dynamic tool given as a JSON Schema are sent as given. A `Result` (an
 * `Either` in the Effect 3 edition).
 *
 * @since 0.2.0
 * @category conversions
 */
export const definition = (tool: Any): Result.Result<S.FunctionTool, Errors.InvalidRequestError> => {
  const read = Calls.readDefinition(tool, isAnyTool, definitionOf)
  return read.ok ? read.value : Result.fail(new Errors.InvalidRequestError(read.error))
}

const definitionOf = (tool: Any): Result.Result<S.FunctionTool, Errors.InvalidRequestError> => {
  if (AiTool.isProviderDefined(tool)) {
    const reason = `it is provided by a model provider (${tool.id}); OpenRouter takes function tools (and its own ` +
      "server tools in the request's tools)"
    return Result.fail(
      new Errors.InvalidRequestError({
        message: `Invalid request: tool ${tool.name} cannot be sent: ${reason}`,
        issues: [{ path: `tools.${tool.name}`, message: reason }]
      })
    )
  }
  const strict = isStrict(tool)
  const derived = toolSchemaOf(tool)
  if (Result.isFailure(derived)) {
    return Result.fail(
      new Errors.InvalidRequestError({
        message:
          `Invalid request: the parameters of tool ${tool.name} cannot be stated as a JSON Schema: ${derived.failure}`,
        issues: [{ path: `tools.${tool.name}.parameters`, message: derived.failure }]
      })
    )
  }
  const description = AiTool.getDescription(tool)
  return Result.succeed({
    type: "function" as const,
    function: {
      name: tool.name,
      ...(description === undefined ? {} : { description }),
      parameters: derived.success.parameters,
      ...(strict ? { strict: true } : {})
    }
  })
}
