/**
 * The answer constructors behind `Testing`: each returns a plain Reply whose body is a
 * re-iterable lazy sequence, so one Reply can answer many requests and a 200,000-chunk stream
 * is never held in memory. Effect-free, shared by both editions: durations are kept as given
 * (`D`, the edition's duration input) and converted by the transport that renders the Reply.
 *
 * @internal
 */
import { isRecord, NotJson, parseJson } from "../transport/json.js"
import { describeThrown, shownValue } from "../transport/snapshot.js"
import { exampleOf, requestedSchema } from "./example.js"
import { problemOf, readDuration, readIterable, readObject, Unreadable, unreadablePauses } from "./guard.js"
import type * as Testing from "./types.js"
import * as Wire from "./wire.js"

/** @internal */
export const lazy = <A>(generate: () => Iterator<A>): Iterable<A> => ({ [Symbol.iterator]: generate })

/** A Pause piece holding the duration as given. @internal */
export const pause = <D>(duration: D): Testing.Pause<D> => ({ _tag: "Pause", duration })

/** A Pause whose duration `read` (the edition's `Duration` reading) cannot read is noted as unusable. @internal */
export const checkedPause = <D>(duration: D, read: (duration: D) => D): Testing.Pause<D> => {
  try {
    return pause(read(duration))
  } catch {
    const piece = pause(duration)
    unreadablePauses.set(piece, `Testing.pause: duration must be a duration, got ${shownValue(duration)}`)
    return piece
  }
}

/**
 * The Reply `build` makes or, when it throws (an argument it cannot read), the emulator's 500 naming
 * the problem: a reply builder never throws.
 *
 * @internal
 */
export const guarded = <D>(who: string, build: () => Testing.Reply<D>): Testing.Reply<D> => {
  try {
    return build()
  } catch (e) {
    return scriptError(problemOf(who, e))
  }
}

/** A script function that answers every request with the emulator's 500 naming `problem`. @internal */
export const failingScript = (problem: string) => (): Testing.Reply<never> => scriptError(problem)

/**
 * The script `make` builds from a plain copy of the `given` options of `who`, or, when they cannot be
 * read, a script answering every request with the emulator's 500 naming them.
 *
 * @internal
 */
export const withOptions = <O extends object, S>(
  who: string,
  given: O | undefined,
  make: (options: O) => S
): S | (() => Testing.Reply<never>) => {
  let options: O
  try {
    options = readObject(who, "options", given)
  } catch (e) {
    return failingScript(problemOf(who, e))
  }
  return make(options)
}

/**
 * A script and the options `read` reads; options it cannot read give the defaults (`{}`) and a script
 * answering every request with the emulator's 500 naming them: what a test-kit constructor without an
 * error channel does (`Testing.layerWithConfig`, `TestServer.make`).
 *
 * @internal
 */
export const scriptAndOptions = <S, O extends object>(
  who: string,
  script: S,
  read: () => O
): { readonly script: S | (() => Testing.Reply<never>); readonly options: Partial<O> } => {
  try {
    return { script, options: read() }
  } catch (e) {
    return { script: failingScript(problemOf(who, e)), options: {} }
  }
}

const replyOptions = <D>(options: Testing.ReplyOptions<D> | undefined): Partial<Testing.Reply<D>> => {
  const out: {
    -readonly [K in keyof Testing.Reply<D>]?: Testing.Reply<D>[K]
  } = {}
  if (options === undefined) return out
  if (options.writeSize !== undefined) out.writeSize = options.writeSize
  if (options.flushEachWrite !== undefined) out.flushEachWrite = options.flushEachWrite
  if (options.headersDelay !== undefined) out.headersDelay = options.headersDelay
  if (options.keepAliveEvery !== undefined) out.keepAliveEvery = options.keepAliveEvery
  if (options.ending !== undefined) out.ending = options.ending
  return out
}

/** Merges headers, later names replacing earlier ones case-insensitively. @internal */
export const mergeHeaders = (
  base: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>> | undefined
): Readonly<Record<string, string>> => {
  if (extra === undefined) return base
  const out: Record<string, string> = {}
  const replaced = new Set(Object.keys(extra).map((name) => name.toLowerCase()))
  for (const [name, value] of Object.entries(base)) {
    if (!replaced.has(name.toLowerCase())) out[name] = value
  }
  return Object.assign(out, extra)
}

/** The Reply with more headers (replacing same-named ones, case-insensitively): `Testing.withHeaders`. @internal */
export const withHeaders = <D>(self: Testing.Reply<D>, headers: Readonly<Record<string, string>>): Testing.Reply<D> =>
  guarded("Testing.withHeaders", () => {
    const reply = readReply<D>("Testing.withHeaders", self)
    return {
      ...reply,
      headers: mergeHeaders(reply.headers, readObject("Testing.withHeaders", "headers", headers, true))
    }
  })

/** The Reply with `headersDelay` set, `read` being the edition's `Duration` reading: `Testing.delay`. @internal */
export const delay = <D>(self: Testing.Reply<D>, duration: D, read: (duration: unknown) => unknown): Testing.Reply<D> =>
  guarded("Testing.delay", () => {
    const reply = readReply<D>("Testing.delay", self)
    if (duration === undefined) throw new Unreadable("Testing.delay: duration must be a duration, got undefined")
    readDuration("Testing.delay", "duration", duration, read)
    return { ...reply, headersDelay: duration }
  })

/** @internal */
export const json = <D = never>(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>>,
  options?: Testing.ReplyOptions<D>
): Testing.Reply<D> => {
  const text = JSON.stringify(body)
  return {
    status,
    headers: mergeHeaders({ "content-type": "application/json" }, headers),
    body: [text],
    ...replyOptions(options)
  }
}

/** @internal */
export const completion = <D = never>(given?: Testing.CompletionOptions<D>): Testing.Reply<D> =>
  guarded("Testing.completion", () => {
    const options = readObject("Testing.completion", "options", given)
    const body = Wire.completionBody(options)
    return json(200, body, mergeHeaders({ "x-generation-id": String(body.id) }, options.headers), options)
  })

const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache",
  "x-accel-buffering": "no"
}

interface Framing<D> {
  readonly lineEnding: string
  readonly keepAlive: number
  readonly chunkDelay: Testing.Pause<D> | undefined
}

const framing = <D>(options: Testing.StreamShapeOptions<D>): Framing<D> => ({
  lineEnding: options.lineEnding ?? "\n",
  keepAlive: options.keepAlive ?? 0,
  chunkDelay: options.chunkDelay === undefined ? undefined : pause(options.chunkDelay)
})

/**
 * Frames the events: keep-alive comments before each, `chunkDelay` pauses between them.
 *
 * @internal
 */
function* frame<D>(
  events: Iterable<string>,
  f: Framing<D>
): Generator<string | Testing.Pause<D>> {
  const end = f.lineEnding + f.lineEnding
  const comment = f.keepAlive > 0 ? ": OPENROUTER PROCESSING" + end : ""
  let first = true
  for (const event of events) {
    if (!first && f.chunkDelay !== undefined) yield f.chunkDelay
    first = false
    for (let i = 0; i < f.keepAlive; i++) yield comment
    yield event + end
  }
}

const data = (value: unknown): string => "data: " + JSON.stringify(value)

type Delta = Record<string, unknown>

/**
 * The content/reasoning/tool-call deltas of a stream, the first one carrying the role. A string
 * stands for a plain `{content}` delta (the fast path of long streams).
 *
 * @internal
 */
function* deltas<D>(options: Testing.StreamOptions<D>): Generator<string | Delta> {
  let first = true
  const withRole = (delta: Delta): Delta => {
    if (!first) return delta
    first = false
    return "role" in delta ? delta : { role: "assistant", ...delta }
  }
  const reasoning = options.reasoning === undefined
    ? []
    : typeof options.reasoning === "string"
    ? [options.reasoning]
    : options.reasoning
  for (const piece of reasoning) yield withRole({ content: "", reasoning: piece })
  if (options.deltas !== undefined) {
    for (const delta of options.deltas) {
      if (typeof delta === "string") yield first ? withRole({ content: delta }) : delta
      else yield withRole({ ...delta })
    }
  }
  const calls = options.toolCalls ?? []
  for (let index = 0; index < calls.length; index++) {
    const call = calls[index]!
    yield withRole({
      tool_calls: [{
        index,
        id: call.id ?? Wire.toolCallId(),
        type: "function",
        function: { name: call.name, arguments: "" }
      }]
    })
    for (const piece of Wire.argumentsText(call.arguments)) {
      yield { tool_calls: [{ index, function: { arguments: piece } }] }
    }
  }
}

const countText = (delta: Delta): { text: number; reasoning: number } => {
  let text = 0
  let reasoning = 0
  if (typeof delta.content === "string") text += delta.content.length
  if (typeof delta.reasoning === "string") reasoning += delta.reasoning.length
  const calls = delta.tool_calls
  if (Array.isArray(calls)) {
    for (const call of calls as ReadonlyArray<{ function?: { name?: unknown; arguments?: unknown } }>) {
      if (typeof call.function?.arguments === "string") text += call.function.arguments.length
      if (typeof call.function?.name === "string") text += call.function.name.length
    }
  }
  return { text, reasoning }
}

/** @internal */
export const stream = <D = never>(given?: Testing.StreamOptions<D>): Testing.Reply<D> =>
  guarded("Testing.stream", () => streamReply(readObject("Testing.stream", "options", given)))

const streamReply = <D>(options: Testing.StreamOptions<D>): Testing.Reply<D> => {
  const f = framing(options)
  const hasToolCalls = options.toolCalls !== undefined && options.toolCalls.length > 0
  const finishReason = options.finishReason !== undefined
    ? options.finishReason
    : hasToolCalls
    ? "tool_calls"
    : "stop"
  const nativeFinishReason = options.nativeFinishReason !== undefined ? options.nativeFinishReason : finishReason
  const events = lazy(function*(): Generator<string> {
    const head = Wire.chunkHead(options)
    const content = Wire.contentChunkEncoder(head)
    let text = 0
    let reasoning = 0
    let sent = false
    for (const delta of deltas(options)) {
      sent = true
      if (typeof delta === "string") {
        text += delta.length
        yield "data: " + content(delta)
        continue
      }
      const counted = countText(delta)
      text += counted.text
      reasoning += counted.reasoning
      yield data(Wire.chunk(head, [Wire.choice(delta)]))
    }
    if (finishReason !== null) {
      // With no delta before it, the final chunk is the one that carries the role.
      const delta = sent ? { content: "" } : { role: "assistant", content: "" }
      yield data(Wire.chunk(head, [Wire.choice(delta, finishReason, nativeFinishReason)]))
    }
    if (options.usage !== false) {
      const usage = Wire.usage(options.usage, {
        prompt: 12,
        completion: Math.max(1, Math.ceil((text + reasoning) / 4)),
        reasoning: reasoning === 0 ? 0 : Math.ceil(reasoning / 4)
      })
      yield data(Wire.chunk(head, [], { usage }))
    }
    if (options.done !== false) yield "data: [DONE]"
  })
  return {
    status: 200,
    headers: mergeHeaders(SSE_HEADERS, options.headers),
    body: lazy(() => frame(events, f)),
    ...replyOptions(options)
  }
}

/** @internal */
export const pieces = (count: number, text: (index: number) => string = Wire.pieceText): Iterable<string> =>
  lazy(function*() {
    for (let i = 0; i < count; i++) yield text(i)
  })

/**
 * A stream of `after` content chunks and nothing else (no finish, usage or [DONE]); the options of
 * `truncated` and `reset` are required, those of `hang` are not (`after` defaults to 0).
 */
const cut = <D>(
  who: string,
  given: Partial<Testing.CutOptions<D>> | undefined,
  ending: "end" | "reset" | "hang"
): Testing.Reply<D> =>
  guarded(who, () => {
    const options = readObject(who, "options", given, ending !== "hang")
    return streamReply({
      ...options,
      deltas: options.deltas ?? pieces(options.after ?? 0),
      finishReason: null,
      usage: false,
      done: false,
      ending
    })
  })

/** @internal */
export const truncated = <D = never>(options: Testing.CutOptions<D>): Testing.Reply<D> =>
  cut("Testing.truncated", options, "end")

/** @internal */
export const reset = <D = never>(options: Testing.CutOptions<D>): Testing.Reply<D> =>
  cut("Testing.reset", options, "reset")

/** @internal */
export const hang = <D = never>(options?: Partial<Testing.CutOptions<D>>): Testing.Reply<D> =>
  cut("Testing.hang", options, "hang")

/** @internal */
export const midStreamError = <D = never>(given: Testing.MidStreamErrorOptions<D>): Testing.Reply<D> =>
  guarded(
    "Testing.midStreamError",
    () => midStreamErrorReply(readObject("Testing.midStreamError", "options", given, true))
  )

const midStreamErrorReply = <D>(options: Testing.MidStreamErrorOptions<D>): Testing.Reply<D> => {
  const f = framing(options)
  const code = options.code ?? 502
  const metadata: Record<string, unknown> = {
    error_type: options.errorType ?? "provider_unavailable",
    provider_name: options.providerName ?? options.provider ?? Wire.DEFAULT_PROVIDER
  }
  if (options.providerCode !== undefined) metadata.provider_code = options.providerCode
  if (options.metadata !== undefined) Object.assign(metadata, options.metadata)
  const error = {
    code,
    message: options.message ?? "Provider returned error: upstream connection lost",
    metadata
  }
  const events = lazy(function*(): Generator<string> {
    const head = Wire.chunkHead(options)
    const content = Wire.contentChunkEncoder(head)
    let first = true
    for (const piece of options.deltas ?? pieces(options.after)) {
      if (typeof piece === "string" && !first) {
        yield "data: " + content(piece)
        continue
      }
      const delta: Delta = typeof piece === "string" ? { content: piece } : { ...piece }
      yield data(Wire.chunk(head, [Wire.choice(first && !("role" in delta) ? { role: "assistant", ...delta } : delta)]))
      first = false
    }
    if (options.form === "choice") {
      yield data(Wire.chunk(head, [{ ...Wire.choice({ content: "" }, "error"), error }]))
    } else {
      yield data(Wire.chunk(head, [Wire.choice({ content: "" }, "error")], { error }))
    }
  })
  return {
    status: 200,
    headers: mergeHeaders(SSE_HEADERS, options.headers),
    body: lazy(() => frame(events, f)),
    ...replyOptions(options)
  }
}

/**
 * An error Reply; `retryAfter` turns `options.retryAfter` into the header's text (each edition
 * reads durations with its own `Duration`; by default the value is sent as is).
 *
 * @internal
 */
export const error = <D = never>(
  status: number,
  given?: Testing.ErrorOptions<D>,
  retryAfter: (input: D | string) => string = String
): Testing.Reply<D> =>
  guarded("Testing.error", () => {
    if (typeof status !== "number") {
      throw new Unreadable(`Testing.error: status must be a number, got ${shownValue(status)}`)
    }
    return errorReply(status, readObject("Testing.error", "options", given), retryAfter)
  })

const errorReply = <D>(
  status: number,
  options: Testing.ErrorOptions<D>,
  retryAfter: (input: D | string) => string
): Testing.Reply<D> => {
  let headers: Readonly<Record<string, string>> = {}
  if (options.retryAfter !== undefined) headers = { "retry-after": retryAfter(options.retryAfter) }
  headers = mergeHeaders(headers, options.headers)
  if (options.body !== undefined) {
    return {
      status,
      headers: mergeHeaders({ "content-type": "text/html; charset=utf-8" }, headers),
      body: options.body === "" ? [] : [options.body],
      ...replyOptions(options)
    }
  }
  return json(status, Wire.errorBody(status, options), headers, options)
}

/** @internal */
export const raw = <D = never>(given?: Testing.RawOptions<D>): Testing.Reply<D> =>
  guarded("Testing.raw", () => {
    const options = readObject("Testing.raw", "options", given)
    const body = options.body
    const pieces = body === undefined
      ? []
      : typeof body === "string" || body instanceof Uint8Array
      ? [body]
      : readIterable("Testing.raw", "options.body", body)
    // A body given as an array is looked through now (a lazy one may be endless): a Pause it cannot use.
    if (Array.isArray(pieces)) {
      for (const piece of pieces as ReadonlyArray<unknown>) {
        const problem = typeof piece === "object" && piece !== null ? unreadablePauses.get(piece) : undefined
        if (problem !== undefined) throw new Unreadable(`Testing.raw: options.body holds a Pause: ${problem}`)
      }
    }
    return {
      status: options.status ?? 200,
      headers: options.headers === undefined ? {} : readObject("Testing.raw", "options.headers", options.headers),
      body: pieces,
      ...replyOptions(options)
    }
  })

/** @internal */
export const sse = <D = never>(
  events: Iterable<string | object>,
  given?: Testing.SseOptions<D>
): Testing.Reply<D> =>
  guarded(
    "Testing.sse",
    () => sseReply(readIterable("Testing.sse", "events", events), readObject("Testing.sse", "options", given))
  )

const sseReply = <D>(events: Iterable<string | object>, options: Testing.SseOptions<D>): Testing.Reply<D> => {
  const f = framing(options)
  const texts = lazy(function*(): Generator<string> {
    for (const event of events) yield typeof event === "string" ? event : data(event)
    if (options.done === true) yield "data: [DONE]"
  })
  return {
    status: options.status ?? 200,
    headers: mergeHeaders(SSE_HEADERS, options.headers),
    body: lazy(() => frame(texts, f)),
    ...replyOptions(options)
  }
}

/** @internal */
export const streamOf = <D = never>(
  given: Readonly<Record<string, unknown>>,
  givenOptions?: Testing.StreamOfOptions<D>
): Testing.Reply<D> =>
  guarded("Testing.streamOf", () => {
    const body = readObject("Testing.streamOf", "body", given, true)
    const options = readObject("Testing.streamOf", "options", givenOptions)
    return sseReply(Wire.streamChunks(body, options.pieceLength), {
      ...options,
      headers: mergeHeaders(
        // Only an id a header can carry (printable ASCII) is repeated as X-Generation-Id.
        typeof body.id === "string" && /^[\x21-\x7e]+$/.test(body.id) ? { "x-generation-id": body.id } : {},
        options.headers
      ),
      done: true
    })
  })

/** @internal */
export const scriptError = (message: string): Testing.Reply<never> =>
  error(500, { message, metadata: { error_type: "server", emulator: true } })

/**
 * The Reply a script gives to a request, as a plain copy both transports can render without reading
 * the script's value again; what is not a Reply they can render (not an object, an unreadable field,
 * a body that is not iterable, a duration `millis` cannot read) is the emulator's 500 naming it.
 *
 * @internal
 */
export const replyTo = <D>(
  script: Testing.Script<D>,
  request: Testing.RecordedRequest,
  index: number,
  millis?: (duration: unknown) => number
): Testing.Reply<D> => {
  const number = `#${index + 1}`
  let reply: unknown
  if (typeof script === "function") {
    try {
      reply = script(request, index)
    } catch (cause) {
      return scriptError(`the emulator script threw for request ${number}: ${describeThrown(cause)}`)
    }
  } else {
    try {
      if (isReplyArray(script)) {
        reply = script[index]
        if (reply === undefined) {
          return scriptError(`no scripted answer for request ${number} (the script has ${script.length})`)
        }
      } else {
        reply = script
      }
    } catch (cause) {
      return scriptError(`the emulator script cannot be read for request ${number}: ${describeThrown(cause)}`)
    }
  }
  const who = `the emulator script's reply to request ${number}`
  return guarded(who, () => readReply(who, reply, millis))
}

/** A plain copy of a Reply a transport can render, or an {@link Unreadable} naming what is wrong. */
const readReply = <D>(who: string, value: unknown, millis?: (duration: unknown) => number): Testing.Reply<D> => {
  const reply = readObject<Testing.Reply<D>>(who, "the reply", value as Testing.Reply<D>, true)
  if (typeof reply.status !== "number") {
    throw new Unreadable(`${who}: status must be a number, got ${shownValue(reply.status)}`)
  }
  const headers = readObject(who, "headers", reply.headers)
  readIterable(who, "body", reply.body)
  if (millis !== undefined) {
    readDuration(who, "headersDelay", reply.headersDelay, millis)
    readDuration(who, "keepAliveEvery", reply.keepAliveEvery, millis)
  }
  return { ...reply, headers }
}

const isReplyArray = <D>(script: Testing.Script<D>): script is ReadonlyArray<Testing.Reply<D>> => Array.isArray(script)

/** @internal */
export const notFound = (request: Testing.RecordedRequest): Testing.Reply<never> =>
  error(404, {
    message:
      `Not Found: the OpenRouter emulator only serves POST .../chat/completions and GET .../generation, not ${request.method} ${request.path}`,
    metadata: { error_type: "not_found" }
  })

/** Parses a request body as JSON, `undefined` when empty or not JSON. @internal */
export const parseBody = (text: string): unknown => {
  const json = parseJson(text)
  return json instanceof NotJson ? undefined : json
}

/** @internal */
export const isChatRoute = (method: string, path: string): boolean =>
  method.toUpperCase() === "POST" && path.endsWith("/chat/completions")

const lastUserText = (body: unknown): string => {
  const messages = isRecord(body) ? body.messages : undefined
  if (!Array.isArray(messages)) return ""
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as { role?: unknown; content?: unknown } | null
    if (message?.role !== "user") continue
    if (typeof message.content === "string") return message.content
    if (Array.isArray(message.content)) {
      return message.content
        .map((part: { type?: unknown; text?: unknown } | null) =>
          part?.type === "text" && typeof part.text === "string" ? part.text : ""
        )
        .join(" ")
    }
  }
  return ""
}

const brief = (text: string, max: number): string => {
  const flat = text.replace(/\s+/g, " ").trim()
  return flat.length <= max ? flat : flat.slice(0, max - 1) + "…"
}

/** OpenRouter's model ids are `author/slug` (`openrouter/auto`, `openai/gpt-4o:online`). */
const MODEL_ID = /^[^\s/]+\/\S+$/

/**
 * OpenRouter's answer to a model id that cannot be one (`""`, `gpt-4o` without its author, spaces):
 * 400 with the `model_not_found` availability error, worded as OpenRouter words it (see the recorded
 * `docs-400-model-not-found` and `issue-400-invalid-model-id` bodies).
 */
const invalidModel = (model: unknown): Testing.Reply<never> => {
  const shown = typeof model === "string" && model.length > 0 ? model : JSON.stringify(model) ?? String(model)
  return error(400, {
    message: `${shown} is not a valid model ID`,
    metadata: null,
    errorExtra: {
      error_type: "invalid_request",
      http_status: 400,
      availability: {
        code: "model_not_found",
        retryable: false,
        requested_models: [model],
        docs_url: "https://openrouter.ai/docs/errors#model_not_found"
      }
    }
  })
}

/** OpenRouter's 404 for a model it cannot route to: what {@link emulatorWith} answers for an unlisted model. */
const unknownModel = (model: string): Testing.Reply<never> =>
  error(404, {
    message: `No endpoints found for ${model}.`,
    metadata: null,
    errorExtra: {
      error_type: "not_found",
      http_status: 404,
      availability: {
        code: "no_endpoints",
        retryable: false,
        requested_models: [model],
        docs_url: "https://openrouter.ai/docs/errors#no_endpoints"
      }
    }
  })

/** What the emulator says about the key: it never checks one, and says whether one was sent. */
const keyNote = (request: Testing.RecordedRequest): string => {
  const authorization = isRecord(request.headers) ? request.headers.authorization : undefined
  return typeof authorization === "string" && /^Bearer\s+\S/i.test(authorization)
    ? "which accepts any API key"
    : "and the request carried no API key (OpenRouter would answer 401)"
}

/** @internal */
export const emulatorWith = (
  given?: Testing.EmulatorOptions
): (request: Testing.RecordedRequest) => Testing.Reply<never> => {
  const who = "Testing.emulatorWith"
  let models: ReadonlySet<unknown> | undefined
  try {
    const options = readObject(who, "options", given)
    if (options.models !== undefined) models = new Set(readIterable(who, "options.models", options.models))
  } catch (e) {
    return failingScript(problemOf(who, e))
  }
  return emulatorScript(who, models)
}

const emulatorScript =
  (who: string, models: ReadonlySet<unknown> | undefined) => (given: Testing.RecordedRequest): Testing.Reply<never> =>
    guarded(who, () => {
      const request = readObject(who, "the request", given, true)
      const body = isRecord(request.body)
        ? request.body as { model?: unknown; stream?: unknown }
        : {}
      if ("model" in body && body.model !== undefined) {
        if (typeof body.model !== "string" || !MODEL_ID.test(body.model)) return invalidModel(body.model)
        if (models !== undefined && !models.has(body.model)) return unknownModel(body.model)
      }
      return answer(request, body)
    })

/** @internal */
export const emulator: (request: Testing.RecordedRequest) => Testing.Reply<never> = emulatorScript(
  "Testing.emulator",
  undefined
)

const answer = (
  request: Testing.RecordedRequest,
  body: { model?: unknown; stream?: unknown }
): Testing.Reply<never> => {
  const model = typeof body.model === "string" && body.model.length > 0 ? body.model : Wire.DEFAULT_MODEL
  const said = brief(lastUserText(request.body), 120)
  // A json_schema request gets a value that fits the schema (structured output).
  const schema = requestedSchema(request.body)
  const content = schema !== undefined
    ? JSON.stringify(exampleOf(schema))
    : `This answer comes from the local OpenRouter emulator, ${keyNote(request)}: ` +
      (said.length > 0 ? `no model read your message. You said: "${said}"` : "no model read your request.")
  const prompt = Wire.estimateTokens(typeof request.text === "string" ? request.text : "")
  const completionTokens = Wire.estimateTokens(content)
  if (body.stream === true) {
    return stream({
      model,
      provider: Wire.DEFAULT_PROVIDER,
      deltas: content.match(/\S+\s*/g) ?? [content],
      usage: { prompt_tokens: prompt, completion_tokens: completionTokens }
    })
  }
  return completion({
    model,
    provider: Wire.DEFAULT_PROVIDER,
    content,
    usage: { prompt_tokens: prompt, completion_tokens: completionTokens }
  })
}
