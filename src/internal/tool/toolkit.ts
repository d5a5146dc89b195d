/**
 * The body of `Toolkit`: decoding calls against the tools, handler services, running one call.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import { pipeArguments } from "effect/Pipeable"
import * as Schema from "effect/Schema"
import * as Errors from "../../Errors.js"
import type * as S from "../../Schema.js"
import * as Tool from "../../Tool.js"
import * as ToolError from "../../ToolError.js"
import type * as Toolkit from "../../Toolkit.js"
import * as Calls from "./toolCalls.js"
import { isAnyTool, toolSchema } from "./toolSchema.js"

/** What `Toolkit.toLayer` provides for one tool: the handler and the context it was built in. */
export interface HandlerService {
  readonly handler: (params: unknown, context: Toolkit.CallContext) => Effect.Effect<unknown, unknown, unknown>
  readonly context: Context.Context<never>
}

const handlerTags = new Map<string, Context.Tag<Tool.Handler<string>, HandlerService>>()

/** The service tag of the handler of the tool named `name`. */
export const handlerTag = (name: string): Context.Tag<Tool.Handler<string>, HandlerService> => {
  let tag = handlerTags.get(name)
  if (tag === undefined) {
    tag = Context.GenericTag<Tool.Handler<string>, HandlerService>(`effect-openrouter/Tool/Handler/${name}`)
    handlerTags.set(name, tag)
  }
  return tag
}

/** The Schema codecs of a tool, built once per tool. */
interface Codecs {
  readonly decodeParameters: (u: unknown) => Either.Either<unknown, ParseResult.ParseError>
  readonly encodeSuccess: (a: unknown) => Either.Either<unknown, ParseResult.ParseError>
  readonly encodeFailure: (e: unknown) => Either.Either<unknown, ParseResult.ParseError>
}

const codecsCache = new WeakMap<Tool.Any, Codecs>()

const codecs = (tool: Tool.Any): Codecs => {
  let c = codecsCache.get(tool)
  if (c === undefined) {
    const derived = toolSchema(tool.parameters, tool.strict)
    c = {
      decodeParameters: Either.isRight(derived) ? derived.right.decode : Schema.decodeUnknownEither(tool.parameters),
      encodeSuccess: Schema.encodeUnknownEither(tool.success),
      encodeFailure: Schema.encodeUnknownEither(tool.failure as Schema.Schema.AnyNoContext)
    }
    codecsCache.set(tool, c)
  }
  return c
}

const TypeId: Toolkit.TypeId = Symbol.for("effect-openrouter/Toolkit") as Toolkit.TypeId

/** The toolkit's tools by name, without prototype keys. */
const byName = new WeakMap<Toolkit.Any, ReadonlyMap<string, Tool.Any>>()

const Proto = {
  [TypeId]: TypeId,
  pipe() {
    // eslint-disable-next-line prefer-rest-params -- pipeArguments takes the arguments object, as in Effect
    return pipeArguments(this, arguments)
  },
  toJSON(this: Toolkit.Any) {
    return { _id: "Toolkit", tools: Object.keys(this.tools) }
  }
}

const definitionsCache = new WeakMap<
  Toolkit.Any,
  Either.Either<ReadonlyArray<S.FunctionTool>, Errors.InvalidRequestError>
>()

/** The request's `tools` entries of a toolkit, derived once; a caller's value that is not one is a typed error. */
export const definitions = (
  toolkit: Toolkit.Any
): Either.Either<ReadonlyArray<S.FunctionTool>, Errors.InvalidRequestError> => {
  // A WeakMap answers undefined for a key that is not an object.
  let cached = definitionsCache.get(toolkit)
  if (cached === undefined) {
    const read = Calls.readDefinitions(toolkit, isAnyTool, Tool.definition)
    if (!read.ok) return Either.left(new Errors.InvalidRequestError(read.error))
    cached = Either.all(read.value)
    definitionsCache.set(toolkit, cached)
  }
  return cached
}

/**
 * Builds a toolkit, never throwing: an argument that is not a tool is left out and the toolkit is
 * refused (see `Calls.refuse`), so that its readers fail typed.
 */
export const make = (tools: ReadonlyArray<unknown>): Toolkit.Any => {
  const sorted = Calls.sortTools(tools, isAnyTool)
  const toolkit = Object.create(Proto) as { tools: Record<string, Tool.Any> }
  toolkit.tools = sorted.tools as Record<string, Tool.Any>
  byName.set(toolkit as unknown as Toolkit.Any, new Map(Object.entries(sorted.tools)))
  if (sorted.refusal !== undefined) Calls.refuse(toolkit, sorted.refusal)
  return toolkit as unknown as Toolkit.Any
}

const lookup = (toolkit: Toolkit.Any, name: string): Tool.Any | undefined => {
  let map = byName.get(toolkit)
  if (map === undefined) {
    map = new Map(Object.entries(toolkit.tools))
    byName.set(toolkit, map)
  }
  return map.get(name)
}

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
): Either.Either<AnyCall, ToolError.CallError> => {
  const plain = Calls.plainCall(raw) as S.ResponseToolCall
  const read = Calls.readCall(tools, plain, fallbackId, codecs)
  switch (read._tag) {
    case "UnknownTool":
      return Either.left(
        new ToolError.UnknownToolError({ ...Calls.errorFields(read), call: plain, available: [...read.available] })
      )
    case "Malformed":
      return Either.left(
        new ToolError.MalformedArgumentsError({ ...Calls.errorFields(read), call: plain, arguments: read.arguments })
      )
    case "NotObject":
      return Either.left(
        new ToolError.InvalidArgumentsError({ ...Calls.errorFields(read), call: plain, arguments: read.arguments })
      )
  }
  const { id, name, prepared } = read
  const decoded = prepared.decodeParameters(read.value)
  if (Either.isLeft(decoded)) {
    return Either.left(
      new ToolError.InvalidArgumentsError({
        id,
        name,
        call: plain,
        arguments: read.value,
        message: Calls.mismatchMessage(name, decoded.left.message)
      })
    )
  }
  return Either.right({ id, name, params: decoded.right, raw })
}

/** Decodes every call of a reply, failing with the first that does not decode. */
export const decodeCalls = (
  toolkit: Toolkit.Any,
  response: S.ChatResponse
): Either.Either<ReadonlyArray<AnyCall>, ToolError.CallError> => {
  const raws = Calls.readReplyCalls(response)
  const tools = toolsOf(toolkit)
  const out: Array<AnyCall> = []
  for (let i = 0; i < raws.length; i++) {
    const decoded = decodeCallIn(tools, raws[i] as S.ResponseToolCall, Calls.readFallbackId(response, 0, i))
    if (Either.isLeft(decoded)) return Either.left(decoded.left)
    out.push(decoded.right)
  }
  return Either.right(out)
}

/** The outcome of running one decoded call. */
export type Outcome =
  | { readonly _tag: "Success"; readonly value: unknown; readonly content: string }
  | { readonly _tag: "Failure"; readonly error: unknown; readonly content: string }

/**
 * Runs the handler of a decoded call (from the handler service in the context, with the context it
 * was built in underneath) and encodes its result for the model. A failure of a tool whose
 * `failureMode` is `"return"` becomes a `Failure` outcome; otherwise the handler's error fails.
 */
export const run = (
  toolkit: Toolkit.Any,
  call: AnyCall,
  context: Toolkit.CallContext
): Effect.Effect<Outcome, unknown, unknown> =>
  Effect.flatMap(Effect.context<never>(), (services) => {
    const tool = lookup(toolkit, call.name)!
    const c = codecs(tool)
    const invalid = (message: string) =>
      new ToolError.InvalidResultError({ id: call.id, name: call.name, message: `${call.name}: ${message}` })
    const service = Option.getOrUndefined(Context.getOption(services, handlerTag(call.name)))
    const started = Calls.startHandler(service?.handler, call.params, context, Effect.isEffect)
    if (!started.ok) return Effect.fail(invalid(started.message))
    const built = service?.context ?? Context.empty()
    const success = (value: unknown): Effect.Effect<Outcome, ToolError.InvalidResultError> => {
      const encoded = c.encodeSuccess(value)
      if (Either.isLeft(encoded)) return Effect.fail(invalid(`the result does not encode: ${encoded.left.message}`))
      const content = Calls.resultContent(encoded.right)
      if (!content.ok) return Effect.fail(invalid(content.message))
      return Effect.succeed({ _tag: "Success", value, content: content.value })
    }
    const failure = (error: unknown): Effect.Effect<Outcome, unknown> => {
      if (tool.failureMode !== "return") return Effect.fail(error)
      const encoded = c.encodeFailure(error)
      if (Either.isLeft(encoded)) return Effect.fail(invalid(`the failure does not encode: ${encoded.left.message}`))
      return Effect.succeed({ _tag: "Failure", error, content: Calls.errorContent(encoded.right) })
    }
    return started.effect.pipe(
      Effect.mapInputContext((input: Context.Context<unknown>) => Context.merge(built, input)),
      Effect.matchEffect({ onFailure: failure, onSuccess: success }),
      Effect.withSpan("Toolkit.run", { attributes: { "tool.name": call.name, "tool.call_id": call.id } })
    )
  })

/**
 * The handler services for a toolkit, never dying on what a caller hands in: the handlers of the tools of a
 * value that is not a toolkit, or of `build` that is not a record (nor an Effect giving one), are none.
 */
export const toContext = (
  toolkit: Toolkit.Any,
  build: unknown
): Effect.Effect<Context.Context<never>, unknown, unknown> =>
  Effect.gen(function*() {
    const context = yield* Effect.context<never>()
    const names = Object.keys(toolsOf(toolkit))
    const given = Calls.isEffectSafe(build, Effect.isEffect) ? yield* (build as Effect.Effect<unknown>) : build
    const handlers = Calls.readHandlers(given, names, false)
    let out = Context.empty() as Context.Context<never>
    for (const name of Object.keys(handlers)) {
      const handler = handlers[name] as HandlerService["handler"]
      out = Context.add(out, handlerTag(name), { handler, context }) as Context.Context<never>
    }
    return out
  })

/** The handler services for a toolkit, as a layer. */
export const toLayer = (
  toolkit: Toolkit.Any,
  build: unknown
): Layer.Layer<never, unknown, unknown> => Layer.scopedContext(toContext(toolkit, build))
