/**
 * Plain helpers for tool calls on the wire: reading a call's fields, parsing its arguments, and the
 * assistant and tool messages a tool loop appends. Effect-free and edition-free (both editions
 * compile this one source): the wire values are plain shapes that each edition's decoded types
 * (`Schema.ResponseToolCall`, `Schema.ChatResponse`, ...) are assignable to, and what goes back on the
 * wire is typed structurally so that it is assignable to each edition's `Schema.AssistantMessage`. Also
 * the readers of what a caller hands to `Tool.definition`, `Toolkit` and `ToolLoop`, which never throw.
 */
import { isRecord, nestsDeeperThan, TOO_DEEP } from "../transport/json.js"
import { describeThrown } from "../transport/snapshot.js"

/** A tool call as a reply carries it: every field may be missing (some providers send no id). */
export interface CallShape {
  readonly id?: string | null | undefined
  readonly function?:
    | {
      readonly name?: string | null | undefined
      readonly arguments?: string | null | undefined
    }
    | null
    | undefined
}

/** What is read of a reply: its id and the first choice's message (`D` is the reasoning detail type). */
export interface ReplyShape<C extends CallShape = CallShape, D = unknown> {
  readonly id?: string | null | undefined
  readonly choices: ReadonlyArray<{
    readonly message?:
      | {
        readonly content?: unknown
        readonly tool_calls?: ReadonlyArray<C> | null | undefined
        readonly reasoning_details?: ReadonlyArray<D> | null | undefined
      }
      | null
      | undefined
  }>
}

/*
 * The shapes below carry an index signature because the Effect 4 edition's wire types keep unknown
 * fields (`readonly [key: string]: unknown`), and only a type with one is assignable to them.
 */

/** A call as it goes back in the conversation (the wire `ToolCall`). */
export interface WireCall {
  readonly [key: string]: unknown
  readonly id: string
  readonly type: "function"
  readonly function: { readonly [key: string]: unknown; readonly name: string; readonly arguments: string }
}

/** The assistant message a tool loop appends (assignable to each edition's `AssistantMessage`). */
export interface WireAssistantMessage<D> {
  readonly [key: string]: unknown
  readonly role: "assistant"
  readonly content: string | null
  readonly tool_calls?: ReadonlyArray<WireCall>
  readonly reasoning_details?: ReadonlyArray<D>
}

/** A `tool` message (assignable to each edition's `ToolMessage`). */
export interface WireToolMessage {
  readonly [key: string]: unknown
  readonly role: "tool"
  readonly tool_call_id: string
  readonly content: string
}

/*
 * What a caller hands to `Toolkit.definitions`, `decodeCall` and `decodeCalls` may be anything (model
 * output is input too): the readers below read it once, never throw, and give each edition plain values
 * its typed errors can be built from.
 */

/** A call as {@link plainCall} reads it: its own fields, those the wire types only with their wire types. */
export interface PlainCall {
  readonly [key: string]: unknown
  readonly id?: string | null
  readonly type?: string | null
  readonly function?: {
    readonly [key: string]: unknown
    readonly name?: string | null
    readonly arguments?: string | null
  } | null
  readonly index?: number | null
}

/** A copy of a record's own fields without those of `typed` whose value is not of their wire type. */
const typedCopy = (record: Record<string, unknown>, typed: Readonly<Record<string, string>>) => {
  const out: Record<string, unknown> = { ...record }
  for (const key of Object.keys(typed)) {
    const value = out[key]
    if (value !== undefined && value !== null && typeof value !== typed[key]) delete out[key]
  }
  return out
}

/**
 * A call read once into a plain object of its own fields: a field of a type the wire never gives (an id
 * that is a number) is left out, so that each edition's error, whose `call` is a wire `ResponseToolCall`,
 * can carry it. A call that is not an object, or cannot be read, is read as `{}`: a call without a name
 * (an unknown tool).
 */
export const plainCall = (raw: unknown): PlainCall => {
  try {
    if (!isRecord(raw)) return {}
    const out = typedCopy(raw, { id: "string", type: "string", index: "number" })
    const fn = out.function
    if (isRecord(fn)) out.function = typedCopy(fn, { name: "string", arguments: "string" })
    else if (fn !== undefined && fn !== null) delete out.function
    return out
  } catch {
    return {}
  }
}

/** The calls of a reply handed in by a caller; one that holds no readable array of calls has none. */
export const readReplyCalls = (response: unknown): ReadonlyArray<unknown> => {
  try {
    const calls: unknown = replyCalls(response as ReplyShape)
    return Array.isArray(calls) ? calls : []
  } catch {
    return []
  }
}

/** {@link fallbackId} of a reply handed in by a caller: without its id when the id cannot be read. */
export const readFallbackId = (response: unknown, round: number, index: number): string => {
  try {
    return fallbackId(response as ReplyShape, round, index)
  } catch {
    return fallbackId({}, round, index)
  }
}

/** A toolkit's tools as read by {@link readTools}, or why it is not a toolkit. */
export type ReadTools<T> =
  | { readonly ok: true; readonly tools: Readonly<Record<string, T>> }
  | { readonly ok: false; readonly message: string }

/*
 * `Toolkit.make` and `merge` have no error channel and never throw: a value among their arguments that
 * is not a tool (or a toolkit) is left out of the toolkit they return, which is remembered here with why
 * (in a WeakMap, so that a toolkit dropped is forgotten; a tool `Tool.make` could not read too).
 * {@link readTools} refuses it with that message, so `Toolkit.definitions` and the tool loop fail typed
 * before anything is sent; {@link toolsOf} still reads its good tools, so a call to one of them decodes.
 */
const refused = new WeakMap<object, string>()

/**
 * Remembers that `value` was made of arguments that are not all good, and why: a toolkit (of `make` or
 * `merge`), or a tool `Tool.make` could not read its options for.
 */
export const refuse = (value: object, message: string): void => {
  refused.set(value, message)
}

/**
 * The tools of a toolkit handed in by a caller, read once into a record without a prototype (a model may
 * call `constructor`): every one must pass the edition's `isTool` (with `keep`, those that do not are
 * left out instead).
 */
const readRecord = <T>(toolkit: unknown, isTool: (u: unknown) => u is T, keep = false): ReadTools<T> => {
  try {
    // effect/ai's toolkit (the Effect 4 edition's) is a function with its fields.
    const tools: unknown = isRecord(toolkit) || typeof toolkit === "function"
      ? (toolkit as { readonly tools?: unknown }).tools
      : undefined
    if (!isRecord(tools)) return { ok: false, message: "must be a Toolkit" }
    const out: Record<string, T> = Object.create(null)
    for (const [name, tool] of Object.entries(tools)) {
      if (isTool(tool)) out[name] = tool
      else if (!keep) return { ok: false, message: "has a tool that is not a Tool" }
    }
    return { ok: true, tools: out }
  } catch (e) {
    return { ok: false, message: `cannot be read: ${describeThrown(e)}` }
  }
}

/**
 * What `make` builds, or (when it throws on what a caller handed in) what `fallback` builds, refused with
 * why: `Tool.make`, which has no error channel, never throws.
 */
export const madeOr = <T extends object>(make: () => T, fallback: () => T): T => {
  try {
    return make()
  } catch (e) {
    const made = fallback()
    refuse(made, `cannot be read: ${describeThrown(e)}`)
    return made
  }
}

/**
 * The tools of a toolkit handed in by a caller (see {@link readRecord}), or why it cannot be sent: a
 * toolkit `make` or `merge` {@link refuse}d is refused with its message.
 */
export const readTools = <T>(toolkit: unknown, isTool: (u: unknown) => u is T): ReadTools<T> => {
  // A WeakMap answers undefined for a key that is not an object, and reads no field of a Proxy.
  const message = refused.get(toolkit as object)
  return message === undefined ? readRecord(toolkit, isTool) : { ok: false, message }
}

/** The tools of a toolkit handed in by a caller: none when it is not a toolkit (every call is unknown). */
export const toolsOf = <T>(toolkit: unknown, isTool: (u: unknown) => u is T): Readonly<Record<string, T>> => {
  const read = readRecord(toolkit, isTool)
  return read.ok ? read.tools : {}
}

/** The name of a tool handed to `Toolkit.make`, or why it is no tool (`index`: its argument). */
const readName = <T>(
  tool: unknown,
  index: number,
  isTool: (u: unknown) => u is T
): { readonly ok: true; readonly name: string } | { readonly ok: false; readonly message: string } => {
  try {
    if (!isTool(tool)) return { ok: false, message: `has a tool that is not a Tool (argument ${index})` }
    const name: unknown = (tool as { readonly name?: unknown }).name
    if (typeof name !== "string") {
      return { ok: false, message: `has a tool whose name is not a string (argument ${index})` }
    }
    const message = refused.get(tool as object)
    return message === undefined
      ? { ok: true, name }
      : { ok: false, message: `has a tool that cannot be sent (argument ${index}): ${message}` }
  } catch (e) {
    return { ok: false, message: `has a tool that cannot be read (argument ${index}): ${describeThrown(e)}` }
  }
}

/**
 * What `Toolkit.make` or `merge` was handed, sorted:
 * the tools by name (a later name wins), and why not all are good.
 */
export interface Sorted<T> {
  readonly tools: Readonly<Record<string, T>>
  /** Why the toolkit is refused; `undefined` when every argument is good. */
  readonly refusal: string | undefined
}

/** A record to which any name can be added as an own key (`__proto__` too), as effect/ai's toolkits do. */
const assign = <T>(record: Record<string, T>, name: string, value: T): void => {
  Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true })
}

/** The arguments of `Toolkit.make`, read once, never throwing. */
export const sortTools = <T>(tools: ReadonlyArray<unknown>, isTool: (u: unknown) => u is T): Sorted<T> => {
  const out: Record<string, T> = {}
  let refusal: string | undefined
  for (let i = 0; i < tools.length; i++) {
    const read = readName(tools[i], i, isTool)
    if (read.ok) assign(out, read.name, tools[i] as T)
    else refusal ??= read.message
  }
  return { tools: out, refusal }
}

/**
 * The arguments of `Toolkit.merge`, read once, never throwing: every toolkit's tools (a later name wins),
 * and of one that is not a good toolkit, those of its tools that are tools.
 */
export const sortToolkits = <T>(toolkits: ReadonlyArray<unknown>, isTool: (u: unknown) => u is T): Sorted<T> => {
  const out: Record<string, T> = {}
  let refusal: string | undefined
  for (let i = 0; i < toolkits.length; i++) {
    const read = readTools(toolkits[i], isTool)
    if (!read.ok) refusal ??= `merges a toolkit that cannot be sent (argument ${i}: ${read.message})`
    const good = read.ok ? read : readRecord(toolkits[i], isTool, true)
    if (good.ok) { for (const [name, tool] of Object.entries(good.tools)) assign(out, name, tool) }
  }
  return { tools: out, refusal }
}

/**
 * The handlers handed to `Toolkit.toLayer` for these tool names, read once, never throwing: none when they
 * are not a record; a handler whose field cannot be read is missing. With `own`, inherited fields are not
 * handlers (as effect/ai reads them).
 */
export const readHandlers = (
  handlers: unknown,
  names: ReadonlyArray<string>,
  own: boolean
): Readonly<Record<string, unknown>> => {
  const out: Record<string, unknown> = Object.create(null)
  try {
    if (!isRecord(handlers)) return out
  } catch {
    return out
  }
  for (const name of names) {
    try {
      if (own && !Object.prototype.hasOwnProperty.call(handlers, name)) continue
      const handler = handlers[name]
      if (handler !== undefined) out[name] = handler
    } catch {
      // A handler that cannot be read is missing: the loop says so when the model calls it.
    }
  }
  return out
}

/**
 * Whether a value a caller handed in (`Toolkit.toLayer`'s `build`, what a handler returned) is an Effect,
 * by the edition's guard; never throwing.
 */
export const isEffectSafe = (value: unknown, isEffect: (u: unknown) => boolean): boolean => {
  try {
    return isEffect(value)
  } catch {
    return false
  }
}

/** A handler a tool loop starts: the Effect it returned, or why there is none to run (a typed error). */
export type Started<E> =
  | { readonly ok: true; readonly effect: E }
  | { readonly ok: false; readonly message: string }

/**
 * Calls the handler of a tool (from its handler service; `undefined` when none was provided) with the
 * call's parameters and context. A handler that is missing, not a function, throws or does not return an
 * Effect is why the call's result cannot be sent back: each edition fails the loop with its
 * `InvalidResultError`.
 */
export const startHandler = <E>(
  handler: unknown,
  params: unknown,
  context: unknown,
  isEffect: (u: unknown) => u is E
): Started<E> => {
  if (handler === undefined) {
    return { ok: false, message: "there is no handler for this tool (provide one with Toolkit.toLayer)" }
  }
  if (typeof handler !== "function") return { ok: false, message: "its handler is not a function" }
  let effect: unknown
  try {
    effect = handler(params, context)
  } catch (e) {
    return { ok: false, message: `its handler threw: ${describeThrown(e)}` }
  }
  return isEffectSafe(effect, isEffect)
    ? { ok: true, effect: effect as E }
    : { ok: false, message: "its handler did not return an Effect" }
}

/** The fields of each edition's `InvalidRequestError` for a `what` (`tool`, `toolkit`) that cannot be sent. */
const refusal = (what: string, message: string) => ({
  message: `Invalid ${what}, nothing was sent: ${what} ${message}`,
  issues: [{ path: what, message }]
})

/** What a reader of a caller's value gives: the value, or the fields of the edition's `InvalidRequestError`. */
export type Refusable<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly error: ReturnType<typeof refusal> }

/**
 * The request's `tools` entries of a toolkit handed in by a caller, each from the edition's `definition`
 * (which may throw on a value that passes `isTool` without being one), or why it cannot be sent (at `toolkit`).
 */
export const readDefinitions = <T, D>(
  toolkit: unknown,
  isTool: (u: unknown) => u is T,
  definition: (tool: T) => D
): Refusable<ReadonlyArray<D>> => {
  const read = readTools(toolkit, isTool)
  if (!read.ok) return { ok: false, error: refusal("toolkit", read.message) }
  try {
    return { ok: true, value: Object.values(read.tools).map(definition) }
  } catch (e) {
    return { ok: false, error: refusal("toolkit", `cannot be read: ${describeThrown(e)}`) }
  }
}

/** The request's `tools` entry of a tool handed in by a caller, or why it cannot be sent (at `tool`). */
export const readDefinition = <T, D>(
  tool: unknown,
  isTool: (u: unknown) => u is T,
  definition: (tool: T) => D
): Refusable<D> => {
  try {
    if (!isTool(tool)) return { ok: false, error: refusal("tool", "must be a Tool") }
    const message = refused.get(tool as object)
    if (message !== undefined) return { ok: false, error: refusal("tool", message) }
    if (typeof (tool as { readonly name?: unknown }).name !== "string") {
      return { ok: false, error: refusal("tool", "has a name that is not a string") }
    }
    return { ok: true, value: definition(tool) }
  } catch (e) {
    return { ok: false, error: refusal("tool", `cannot be read: ${describeThrown(e)}`) }
  }
}

/** The name of the tool a tool loop's model answers with under the `"tool"` output strategy. */
export const FINAL_ANSWER = "final_answer"

/** The id of a call, or the fallback when the model sent none (some providers do not). */
export const callId = (raw: CallShape, fallback: string): string =>
  typeof raw.id === "string" && raw.id !== "" ? raw.id : fallback

/** The tool name of a call (`""` when missing). */
export const callName = (raw: CallShape): string => typeof raw.function?.name === "string" ? raw.function.name : ""

/** The arguments text of a call (`""` when missing). */
export const callArguments = (raw: CallShape): string =>
  typeof raw.function?.arguments === "string" ? raw.function.arguments : ""

/** The result of parsing a call's arguments. */
export type Parsed =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string; readonly tooDeep?: true }

/**
 * Parses a call's arguments: `""` (or only whitespace) is `{}`, as models send for a tool without
 * parameters; anything else must be JSON nested at most `MAX_DEPTH` levels deep (checked before
 * parsing: the Schema decode that follows recurses once per level).
 */
export const parseArguments = (text: string): Parsed => {
  if (text.trim() === "") return { ok: true, value: {} }
  if (nestsDeeperThan(text)) return { ok: false, message: TOO_DEEP, tooDeep: true }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (e) {
    return { ok: false, message: (e as Error).message }
  }
}

/**
 * What reading a call against a toolkit's tools gives, before its Schema decode: the tool and the
 * arguments as a JSON object, or why the call cannot run, with the message sent back to the model.
 * Each edition turns the failures into its `ToolError` classes (same fields, same messages).
 */
export type ReadCall<T, C> =
  | {
    readonly _tag: "Read"
    readonly id: string
    readonly name: string
    readonly tool: T
    /** What the edition's `prepare` made of the tool (its codecs). */
    readonly prepared: C
    readonly value: Record<string, unknown>
  }
  | {
    readonly _tag: "UnknownTool"
    readonly id: string
    readonly name: string
    readonly available: ReadonlyArray<string>
    readonly message: string
  }
  | {
    readonly _tag: "Malformed"
    readonly id: string
    readonly name: string
    readonly arguments: string
    readonly message: string
  }
  | {
    readonly _tag: "NotObject"
    readonly id: string
    readonly name: string
    readonly arguments: unknown
    readonly message: string
  }

/**
 * Reads a call against tools by name (own keys only: a model may call `constructor` or `__proto__`):
 * the tool, made ready by the edition's `prepare` (a value that passed the edition's tool guard without
 * being a tool throws there, and is no tool either), then the arguments parsed (bounded depth) and
 * checked to be a JSON object (a model's arguments always are; a non-object root travels wrapped as `{value}`).
 */
export const readCall = <T, C>(
  tools: Readonly<Record<string, T>>,
  raw: CallShape,
  fallbackId: string,
  prepare: (tool: T) => C
): ReadCall<T, C> => {
  const name = callName(raw)
  const id = callId(raw, fallbackId)
  const tool = Object.prototype.hasOwnProperty.call(tools, name) ? tools[name] : undefined
  const unknown = (message: string): ReadCall<T, C> => ({
    _tag: "UnknownTool",
    id,
    name,
    available: Object.keys(tools),
    message
  })
  if (tool === undefined) {
    return unknown(`There is no tool named ${JSON.stringify(name)}; the tools are: ${Object.keys(tools).join(", ")}`)
  }
  let prepared: C
  try {
    prepared = prepare(tool)
  } catch (e) {
    return unknown(`The tool named ${JSON.stringify(name)} cannot be read: ${describeThrown(e)}`)
  }
  const text = callArguments(raw)
  const parsed = parseArguments(text)
  if (!parsed.ok) {
    return {
      _tag: "Malformed",
      id,
      name,
      arguments: text,
      message: parsed.tooDeep === true
        ? `The arguments of ${name} are ${parsed.message}`
        : `The arguments of ${name} are not JSON: ${parsed.message}`
    }
  }
  if (!isRecord(parsed.value)) {
    return {
      _tag: "NotObject",
      id,
      name,
      arguments: parsed.value,
      message: `The arguments of ${name} are not a JSON object`
    }
  }
  return { _tag: "Read", id, name, tool, prepared, value: parsed.value }
}

/** The fields every call error has (`id`, `name`, `message`), from a call that cannot run. */
export const errorFields = (read: { readonly id: string; readonly name: string; readonly message: string }) => ({
  id: read.id,
  name: read.name,
  message: read.message
})

/** The message of arguments that do not decode with the tool's parameters Schema. */
export const mismatchMessage = (name: string, detail: string): string =>
  `The arguments of ${name} do not match its parameters: ${detail}`

/** The calls of a reply: the first choice's `message.tool_calls` (empty when there are none). */
export const replyCalls = <C extends CallShape>(response: ReplyShape<C>): ReadonlyArray<C> =>
  response.choices[0]?.message?.tool_calls ?? []

/** A fallback call id for call `index` of a reply, unique within the conversation. */
export const fallbackId = (
  response: { readonly id?: string | null | undefined },
  round: number,
  index: number
): string => `call_${typeof response.id === "string" && response.id !== "" ? response.id : `round${round}`}_${index}`

/**
 * The assistant message to append for a reply: its text (or `null`), the calls with their ids as the
 * tool messages will name them, and reasoning details, which some providers need back to continue.
 */
export const assistantMessage = <D>(
  response: ReplyShape<CallShape, D>,
  calls: ReadonlyArray<WireCall>
): WireAssistantMessage<D> => {
  const message = response.choices[0]?.message
  // An empty text beside tool calls goes back as null: some providers reject an empty text block.
  const content = typeof message?.content === "string" && (message.content !== "" || calls.length === 0)
    ? message.content
    : null
  const out: {
    role: "assistant"
    content: string | null
    tool_calls?: ReadonlyArray<WireCall>
    reasoning_details?: ReadonlyArray<D>
  } = { role: "assistant", content }
  if (calls.length > 0) out.tool_calls = calls
  if (Array.isArray(message?.reasoning_details) && message.reasoning_details.length > 0) {
    out.reasoning_details = message.reasoning_details
  }
  return out
}

/**
 * A call as it goes back in the conversation: id, `type: "function"`, name and arguments text (empty
 * arguments as `"{}"`, which every provider parses).
 */
export const wireCall = (raw: CallShape, id: string): WireCall => {
  const args = callArguments(raw)
  return { id, type: "function", function: { name: callName(raw), arguments: args.trim() === "" ? "{}" : args } }
}

/** A `tool` message answering a call. */
export const toolMessage = (id: string, content: string): WireToolMessage => ({
  role: "tool",
  tool_call_id: id,
  content
})

/**
 * The content of a tool message for an encoded result: a string as is, anything else as JSON
 * (`undefined` as `null`). Fails with a message when the value is not JSON-serialisable.
 */
export const resultContent = (encoded: unknown): { readonly ok: true; readonly value: string } | {
  readonly ok: false
  readonly message: string
} => {
  if (typeof encoded === "string") return { ok: true, value: encoded }
  try {
    const text = JSON.stringify(encoded === undefined ? null : encoded)
    if (typeof text !== "string") return { ok: false, message: `the result is not JSON-serialisable` }
    return { ok: true, value: text }
  } catch (e) {
    return { ok: false, message: `the result is not JSON-serialisable: ${(e as Error).message}` }
  }
}

/** The content of a tool message that reports an error to the model: `{"error": ...}`. */
export const errorContent = (error: unknown): string => {
  try {
    return JSON.stringify({ error: error === undefined ? null : error })
  } catch {
    return JSON.stringify({ error: String(error) })
  }
}
