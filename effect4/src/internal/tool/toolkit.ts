/**
 * The body of `Toolkit` (Effect 4 edition): the request's `tools` entries, decoding calls against the
 * tools, and running one decoded call with the handler `effect/ai`'s `Toolkit.toLayer` provides (the
 * same handler service `LanguageModel` runs, read from the context by the tool's id).
 */
import * as AiError from "effect/ai/AiError"
import * as AiTool from "effect/ai/Tool"
import * as AiToolkit from "effect/ai/Toolkit"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type { PartialPlan } from "../../../../src/internal/structured/partialPlan.js"
import * as Calls from "../../../../src/internal/tool/toolCalls.js"
import { describeThrown } from "../../../../src/internal/transport/snapshot.js"
import * as Errors from "../../Errors.js"
import type * as S from "../../Schema.js"
import * as Tool from "../../Tool.js"
import * as ToolError from "../../ToolError.js"
import type * as Toolkit from "../../Toolkit.js"
import { pathIssues } from "../chat/issues.js"
import { CurrentCall } from "./currentCall.js"
import { isAnyTool, toolSchemaOf } from "./toolSchema.js"

/** The Schema codecs of a tool, built once per tool. */
interface Codecs {
  /** Whether the arguments travel wrapped as `{ value: ... }`. */
  readonly wrapped: boolean
  readonly decodeParameters: (u: unknown) => Effect.Effect<unknown, Schema.SchemaError, unknown>
  readonly encodeSuccess: (a: unknown) => Effect.Effect<unknown, Schema.SchemaError, unknown>
  readonly encodeFailure: (e: unknown) => Effect.Effect<unknown, Schema.SchemaError, unknown>
}

const codecsCache = new WeakMap<Tool.Any, Codecs>()

type AnyCodec = Schema.Codec<unknown, unknown, unknown, unknown>

const codecs = (tool: Tool.Any): Codecs => {
  let c = codecsCache.get(tool)
  if (c === undefined) {
    const derived = toolSchemaOf(tool)
    c = {
      wrapped: Result.isSuccess(derived) && derived.success.wrapped === true,
      // Without a derivation (a Schema JSON Schema cannot state), calls still decode with the Schema.
      decodeParameters: Result.isSuccess(derived)
        ? derived.success.decode
        : Schema.decodeUnknownEffect(Schema.toCodecJson(tool.parametersSchema as AnyCodec)),
      // As effect/ai's Toolkit.handle encodes: the JSON codec of the success Schema, and of the failure
      // Schema joined with AiError (a handler may fail with one).
      encodeSuccess: Schema.encodeUnknownEffect(Schema.toCodecJson(tool.successSchema as AnyCodec)),
      encodeFailure: Schema.encodeUnknownEffect(Schema.toCodecJson(AiTool.failureResultSchema(tool) as AnyCodec))
    }
    codecsCache.set(tool, c)
  }
  return c
}

const definitionsCache = new WeakMap<
  Toolkit.Any,
  Result.Result<ReadonlyArray<S.FunctionTool>, Errors.InvalidRequestError>
>()

/** The request's `tools` entries of a toolkit, derived once; a caller's value that is not one is a typed error. */
export const definitions = (
  toolkit: Toolkit.Any
): Result.Result<ReadonlyArray<S.FunctionTool>, Errors.InvalidRequestError> => {
  // A WeakMap answers undefined for a key that is not an object.
  let cached = definitionsCache.get(toolkit)
  if (cached === undefined) {
    const read = Calls.readDefinitions(toolkit, isAnyTool, Tool.definition)
    if (!read.ok) return Result.fail(new Errors.InvalidRequestError(read.error))
    cached = Result.all(read.value)
    definitionsCache.set(toolkit, cached)
  }
  return cached
}

/**
 * effect/ai's `Toolkit.make`, never throwing: when every argument is a tool, effect/ai's function as it
 * is; otherwise effect/ai's toolkit of the tools among them, refused (see `Calls.refuse`) so that its
 * readers fail typed.
 */
export const make = (...tools: ReadonlyArray<unknown>): Toolkit.Any => {
  const sorted = Calls.sortTools(tools, isAnyTool)
  return sorted.refusal === undefined
    ? attempt(() => AiToolkit.make(...(tools as ReadonlyArray<AiTool.Any>)), sorted.tools)
    : refused(sorted.tools, sorted.refusal)
}

/** effect/ai's `Toolkit.merge`, never throwing, as {@link make}: a bad argument gives a refused toolkit. */
export const merge = (...toolkits: ReadonlyArray<unknown>): Toolkit.Any => {
  const sorted = Calls.sortToolkits(toolkits, isAnyTool)
  return sorted.refusal === undefined
    ? attempt(() => AiToolkit.merge(...(toolkits as ReadonlyArray<Toolkit.Any>)), sorted.tools)
    : refused(sorted.tools, sorted.refusal)
}

/**
 * effect/ai's toolkit of tools already read: merged from a plain toolkit-shaped value, so that no tool's
 * field is read again.
 */
const refused = (tools: Readonly<Record<string, AiTool.Any>>, message: string): Toolkit.Any => {
  const toolkit = AiToolkit.merge({ tools } as unknown as Toolkit.Any)
  Calls.refuse(toolkit, message)
  return toolkit
}

/** effect/ai's constructor, or (when a getter answers differently the second time it is read) a refused toolkit. */
const attempt = (build: () => Toolkit.Any, tools: Readonly<Record<string, AiTool.Any>>): Toolkit.Any => {
  try {
    return build()
  } catch (e) {
    return refused(tools, `cannot be read: ${describeThrown(e)}`)
  }
}

const ToolkitTypeId = "~effect/ai/Toolkit"

/**
 * effect/ai's `toolkit.toLayer`, never throwing nor dying: the handlers read once (none when they are not
 * a record, nor an Effect giving one); a value that is not effect/ai's toolkit gets a layer providing none.
 */
export const toLayer = (toolkit: unknown, build: unknown): Layer.Layer<never, unknown, unknown> => {
  try {
    if (typeof toolkit !== "function" || !(ToolkitTypeId in toolkit)) return Layer.empty
    const kit = toolkit as unknown as AiToolkit.Toolkit<Record<string, AiTool.Any>>
    const names = Object.keys(kit.tools)
    const read = (given: unknown) => Calls.readHandlers(given, names, true) as AiToolkit.HandlersFrom<never>
    return kit.toLayer(
      Calls.isEffectSafe(build, Effect.isEffect)
        ? Effect.map(build as Effect.Effect<unknown>, read)
        : read(build)
    ) as Layer.Layer<never, unknown, unknown>
  } catch {
    return Layer.empty
  }
}

/** The tool of a name, own keys only (a model may call `__proto__` or `constructor`). */
export const lookup = (toolkit: Toolkit.Any, name: string): Tool.Any | undefined =>
  Object.prototype.hasOwnProperty.call(toolkit.tools, name) ? toolkit.tools[name] : undefined

/** A decoded call, untyped. */
export interface AnyCall {
  readonly id: string
  readonly name: string
  readonly params: unknown
  readonly raw: S.ResponseToolCall
}

/** Decodes one call of a toolkit handed in by a caller (its tools read by {@link toolsOf}). */
export const decodeCall = (
  toolkit: Toolkit.Any,
  raw: S.ResponseToolCall,
  fallbackId: string
) => decodeCallIn(toolsOf(toolkit), raw, fallbackId)

/** A toolkit's tools, read once, never throwing: none when it is not a toolkit (every call is then unknown). */
export const toolsOf = (toolkit: unknown) => Calls.toolsOf(toolkit, isAnyTool)

/** Decodes one call against tools already read: at most one JSON parse and one Schema decode. */
export const decodeCallIn = (
  tools: ReturnType<typeof toolsOf>,
  raw: S.ResponseToolCall,
  fallbackId: string
): Effect.Effect<AnyCall, ToolError.CallError, unknown> => {
  const plain = Calls.plainCall(raw) as S.ResponseToolCall
  const read = Calls.readCall(tools, plain, fallbackId, codecs)
  switch (read._tag) {
    case "UnknownTool":
      return Effect.fail(
        new ToolError.UnknownToolError({ ...Calls.errorFields(read), call: plain, available: read.available })
      )
    case "Malformed":
      return Effect.fail(
        new ToolError.MalformedArgumentsError({ ...Calls.errorFields(read), call: plain, arguments: read.arguments })
      )
    case "NotObject":
      return Effect.fail(
        new ToolError.InvalidArgumentsError({ ...Calls.errorFields(read), call: plain, arguments: read.arguments })
      )
  }
  const { id, name, prepared: c, value } = read
  return c.decodeParameters(value).pipe(
    Effect.map((params): AnyCall => ({ id, name, params, raw })),
    Effect.mapError((error) =>
      new ToolError.InvalidArgumentsError({
        id,
        name,
        call: plain,
        arguments: value,
        message: Calls.mismatchMessage(name, mismatch(error, value, c.wrapped))
      })
    )
  )
}

/**
 * A mismatch in words, one issue per path with the value found there (`city: expected a string, got
 * 42`), as an `InvalidRequestError` words a request's: the model reads it when the call's error goes
 * back to it. The `{ value }` wrapper of a non-object root is left out of the paths.
 */
const mismatch = (error: Schema.SchemaError, value: Record<string, unknown>, wrapped: boolean): string => {
  const issues = pathIssues(error.issue, value).map(({ message, path }) => {
    const steps = wrapped && path[0] === "value" ? path.slice(1) : path
    return steps.length === 0 ? message : `${steps.map(String).join(".")}: ${message}`
  })
  return issues.length === 0 ? error.message : issues.join("; ")
}

/** Decodes every call of a reply, failing with the first that does not decode. */
export const decodeCalls = (
  toolkit: Toolkit.Any,
  response: S.ChatResponse
): Effect.Effect<ReadonlyArray<AnyCall>, ToolError.CallError, unknown> => {
  const raws = Calls.readReplyCalls(response)
  const tools = toolsOf(toolkit)
  return Effect.forEach(
    raws,
    (raw, i) => decodeCallIn(tools, raw as S.ResponseToolCall, Calls.readFallbackId(response, 0, i))
  )
}

/** The outcome of running one decoded call. */
export type Outcome =
  | { readonly _tag: "Success"; readonly value: unknown; readonly content: string }
  | { readonly _tag: "Failure"; readonly error: unknown; readonly content: string }

/** An `AiErrorReason` a handler fails with, wrapped in an `AiError` as effect/ai's `Toolkit.handle` does. */
const normalize = (name: string, error: unknown): unknown =>
  AiError.isAiErrorReason(error) ? AiError.make({ module: "Toolkit", method: `${name}.handle`, reason: error }) : error

/**
 * Runs the handler of a decoded call (the handler service `Toolkit.toLayer` provides, with the
 * context it was built in underneath and {@link Toolkit.CurrentCall} set) and encodes its result for
 * the model. A failure of a tool whose `failureMode` is `"return"` becomes a `Failure` outcome;
 * otherwise the handler's error fails.
 */
export const run = (
  toolkit: Toolkit.Any,
  call: AnyCall,
  context: Toolkit.CallContext
): Effect.Effect<Outcome, unknown, unknown> =>
  Effect.flatMap(Effect.context<never>(), (services) => {
    // The loop decoded the call against these tools: the tool is there.
    const tool = lookup(toolkit, call.name)!
    const c = codecs(tool)
    const invalid = (message: string) =>
      new ToolError.InvalidResultError({ id: call.id, name: call.name, message: `${call.name}: ${message}` })
    const service = services.mapUnsafe.get(tool.id) as AiTool.Handler<string> | undefined
    const handlerContext = { toolCallId: call.id, preliminary: () => Effect.void }
    const started = Calls.startHandler(service?.handler, call.params, handlerContext, Effect.isEffect)
    if (!started.ok) return Effect.fail(invalid(started.message))
    const built = service?.context ?? Context.empty()
    const success = (value: unknown): Effect.Effect<Outcome, ToolError.InvalidResultError, unknown> =>
      c.encodeSuccess(value).pipe(
        Effect.mapError((e) => invalid(`the result does not encode: ${e.message}`)),
        Effect.flatMap((encoded) => {
          const content = Calls.resultContent(encoded)
          return content.ok
            ? Effect.succeed<Outcome>({ _tag: "Success", value, content: content.value })
            : Effect.fail(invalid(content.message))
        })
      )
    const failure = (raw: unknown): Effect.Effect<Outcome, unknown, unknown> => {
      const error = normalize(call.name, raw)
      if (tool.failureMode !== "return") return Effect.fail(error)
      return c.encodeFailure(error).pipe(
        Effect.mapError((e) => invalid(`the failure does not encode: ${e.message}`)),
        Effect.map((encoded): Outcome => ({ _tag: "Failure", error, content: Calls.errorContent(encoded) }))
      )
    }
    // What the handler needs is the caller's to provide (ToolLoop types it).
    return (started.effect as Effect.Effect<unknown, unknown, never>).pipe(
      Effect.updateContext((input: Context.Context<never>) => Context.merge(built, input)),
      Effect.provideService(CurrentCall, context),
      Effect.matchEffect({ onFailure: failure, onSuccess: success }),
      Effect.withSpan("Toolkit.run", { attributes: { "tool.name": call.name, "tool.call_id": call.id } })
    )
  })

/** How the partial arguments of a call of this tool are shaped as they arrive (strict tools only). */
export const partialPlan = (tool: Tool.Any): PartialPlan | undefined => {
  const derived = toolSchemaOf(tool)
  return Result.isSuccess(derived) ? derived.success.partial : undefined
}
