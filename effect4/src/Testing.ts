/**
 * A scripted emulator of OpenRouter's `POST {base}/chat/completions`, for tests and demos.
 *
 * A {@link Script} says what to answer; a {@link Reply} says exactly what goes on the wire
 * (status, headers, body pieces, pauses, how the response ends). The answer constructors
 * ({@link completion}, {@link stream}, {@link error}, {@link midStreamError}, ...) build Replies
 * that look like real OpenRouter traffic. Two transports render the same Reply:
 *
 * - {@link layer}: an in-process `HttpClient` (no socket), whose pauses run on the Effect
 *   clock so `TestClock` can drive them;
 * - `TestServer` (Node only): a real HTTP server on 127.0.0.1.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert"
 * import { Effect, Fiber, Layer, Redacted } from "effect"
 * import { TestClock } from "effect/testing"
 * import { Chat, OpenRouterConfig } from "effect-openrouter"
 * import * as Testing from "effect-openrouter/Testing"
 *
 * const program = Chat.collect(Chat.stream({ messages: [{ role: "user", content: "Hi" }] }))
 *
 * const script = [
 *   Testing.error(429, { retryAfter: "2 seconds" }),
 *   Testing.stream({ deltas: ["Hel", "lo"] })
 * ]
 * const TestLayer = Layer.merge(Testing.layer(script), OpenRouterConfig.layer({ apiKey: Redacted.make("test") }))
 *
 * Effect.gen(function*() {
 *   const fiber = yield* Effect.forkChild(program)
 *   yield* TestClock.adjust("2 seconds") // the Retry-After wait, on the test clock
 *   const response = yield* Fiber.join(fiber)
 *   strictEqual(response.choices[0]?.message?.content, "Hello")
 *   strictEqual((yield* Testing.requests).length, 2)
 * }).pipe(Effect.provide(TestLayer), Effect.provide(TestClock.layer()), Effect.runPromise)
 * ```
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"
import * as Render from "../../src/internal/emulator/render.js"
import * as Replies from "../../src/internal/emulator/replies.js"
import * as ToolReplies from "../../src/internal/emulator/toolReplies.js"
import type * as Types from "../../src/internal/emulator/types.js"
import { OpenRouterConfig, type OpenRouterConfigOptions } from "./Client.js"
import * as Durations from "./internal/emulator/durations.js"
import * as InProcess from "./internal/emulator/inProcess.js"
import * as StructuredReplies from "./internal/emulator/structured.js"

// ---------------------------------------------------------------------------------------------
// The reply model
// ---------------------------------------------------------------------------------------------

/**
 * A body piece that writes nothing and waits `duration` before the next piece (keep-alive
 * comments are written meanwhile if the Reply has `keepAliveEvery`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Pause extends Types.Pause<Duration.Input> {}

/**
 * What the emulator sends for one request. Both transports render exactly this.
 *
 * @since 0.1.0
 * @category models
 */
export interface Reply extends Types.Reply<Duration.Input> {}

/**
 * A request as the emulator received it.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest extends Types.RecordedRequest {}

/**
 * What to answer. A single Reply answers every request; an array answers request N (0-based)
 * with reply N and any request past its end with a 500 JSON error saying
 * `no scripted answer for request #N` (1-based); a function computes the Reply from the request
 * and its 0-based index (if it throws, the answer is a 500 JSON error carrying the message).
 * Only `POST .../chat/completions` requests consume the script; `GET .../generation?id=` answers with
 * the stats of a completion this emulator served (404 until its response has ended, as on OpenRouter);
 * any other route gets a 404.
 *
 * @since 0.1.0
 * @category models
 */
export type Script = Types.Script<Duration.Input>

/**
 * The keep-alive comment OpenRouter writes into a stream while it waits: `": OPENROUTER PROCESSING\n\n"`.
 *
 * @since 0.1.0
 * @category constants
 */
export const keepAliveComment: string = Render.KEEP_ALIVE_TEXT

/**
 * A {@link Pause} body piece.
 *
 * @since 0.1.0
 * @category constructors
 */
export const pause: (duration: Duration.Input) => Pause = Durations.pause

/**
 * Picks the Reply a script gives to a request (the rule both transports use).
 *
 * @since 0.1.0
 * @category scripts
 */
export const replyTo: (script: Script, request: RecordedRequest, index: number) => Reply = Replies.replyTo

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

/**
 * Rendering options every answer constructor accepts; see {@link Reply} for their meaning.
 * `headers` are merged over the constructor's own (case-insensitively).
 *
 * @since 0.1.0
 * @category options
 */
export interface ReplyOptions extends Types.ReplyOptions<Duration.Input> {}

/**
 * Usage fields (wire names). Token counts given here replace the estimated ones and drive the
 * computed `total_tokens` and `cost`; any field given, known or not, is sent as is.
 *
 * @since 0.1.0
 * @category options
 */
export interface UsageInput extends Types.UsageInput {}

/**
 * A tool call the model makes. `arguments` is the JSON text, an object (serialised), or, for
 * streams, the list of text pieces the arguments arrive in.
 *
 * @since 0.1.0
 * @category options
 */
export interface ToolCall extends Types.ToolCall {}

/**
 * Options of {@link completion}.
 *
 * @since 0.1.0
 * @category options
 */
export interface CompletionOptions extends Types.CompletionOptions<Duration.Input> {}

/**
 * A stream delta given as an object (wire names); a plain string stands for `{content}`.
 *
 * @since 0.1.0
 * @category options
 */
export interface StreamDelta extends Types.StreamDelta {}

/**
 * Options shared by every streaming constructor: the chunk envelope and the SSE framing.
 *
 * @since 0.1.0
 * @category options
 */
export interface StreamShapeOptions extends Types.StreamShapeOptions<Duration.Input> {}

/**
 * Options of {@link stream}.
 *
 * @since 0.1.0
 * @category options
 */
export interface StreamOptions extends Types.StreamOptions<Duration.Input> {}

/**
 * Options of {@link truncated}, {@link reset} and {@link hang}: `after` content chunks (the
 * {@link pieces} unless `deltas` is given), with no final chunk, no usage and no `[DONE]`.
 *
 * @since 0.1.0
 * @category options
 */
export interface CutOptions extends Types.CutOptions<Duration.Input> {}

/**
 * Options of {@link midStreamError}.
 *
 * @since 0.1.0
 * @category options
 */
export interface MidStreamErrorOptions extends Types.MidStreamErrorOptions<Duration.Input> {}

/**
 * Options of {@link error}.
 *
 * @since 0.1.0
 * @category options
 */
export interface ErrorOptions extends Types.ErrorOptions<Duration.Input> {}

/**
 * Options of {@link raw}.
 *
 * @since 0.1.0
 * @category options
 */
export interface RawOptions extends Types.RawOptions<Duration.Input> {}

/**
 * Options of {@link sse}.
 *
 * @since 0.1.0
 * @category options
 */
export interface SseOptions extends Types.SseOptions<Duration.Input> {}

/**
 * Options of {@link streamOf}.
 *
 * @since 0.2.0
 * @category options
 */
export interface StreamOfOptions extends Types.StreamOfOptions<Duration.Input> {}

// ---------------------------------------------------------------------------------------------
// Answer constructors
// ---------------------------------------------------------------------------------------------

/**
 * A 200 `chat.completion` JSON body as OpenRouter sends it (id, provider, model, created,
 * system_fingerprint, one choice with `message{role, content, refusal, reasoning, tool_calls?}`,
 * `finish_reason`, `native_finish_reason`, `logprobs`, and a full `usage` with cost), with the
 * `X-Generation-Id` header.
 *
 * @since 0.1.0
 * @category constructors
 */
export const completion: (options?: CompletionOptions) => Reply = Replies.completion

/**
 * A 200 `text/event-stream` of `chat.completion.chunk` events: the first delta carries the
 * role; then reasoning pieces, content pieces and tool-call deltas (the first delta of a call
 * has `id`, `type` and `function.name`, later ones only append `function.arguments`); a final
 * chunk with `finish_reason`; a usage chunk with `choices: []`; then `data: [DONE]`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const stream: (options?: StreamOptions) => Reply = Replies.stream

/**
 * An error response in OpenRouter's shape, `{error: {code, message, metadata?}, user_id?}`,
 * with a default message and metadata per status: 400, 401 ("No auth credentials found"), 402
 * (insufficient credits), 403 (moderation metadata), 404, 408, 413, 422, 429
 * (`metadata.error_type: "rate_limit_exceeded"`), 500, 502 (provider error with `raw`), 503
 * (`error_type`, `http_status`, `availability`, `metadata.previous_errors`), 524, 529
 * (`provider_overloaded`); any other status gets its reason phrase.
 *
 * @since 0.1.0
 * @category constructors
 */
export const error = (status: number, options?: ErrorOptions): Reply =>
  Replies.error<Duration.Input>(status, options, Durations.retryAfterHeader)

/**
 * A 200 stream that sends `after` content chunks, then an error chunk (OpenRouter's way to
 * report a failure once the response has started), then ends without `[DONE]`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const midStreamError: (options: MidStreamErrorOptions) => Reply = Replies.midStreamError

/**
 * A 200 stream of `after` content chunks that ends cleanly at the HTTP level but without a
 * final chunk, usage or `[DONE]`: a stream cut off upstream.
 *
 * @since 0.1.0
 * @category constructors
 */
export const truncated: (options: CutOptions) => Reply = Replies.truncated

/**
 * A 200 stream of `after` content chunks after which the connection is dropped
 * (`ending: "reset"`): the client receives the chunks, then a transport error.
 *
 * @since 0.1.0
 * @category constructors
 */
export const reset: (options: CutOptions) => Reply = Replies.reset

/**
 * A 200 stream of `after` (default 0) content chunks after which the response stays open and
 * silent (or only writes keep-alives, with `keepAliveEvery`) until the client goes away.
 *
 * @since 0.1.0
 * @category constructors
 */
export const hang: (options?: Partial<CutOptions>) => Reply = Replies.hang

/**
 * A Reply exactly as given: status (default 200), headers (default none), body pieces.
 *
 * @since 0.1.0
 * @category constructors
 */
export const raw: (options?: RawOptions) => Reply = Replies.raw

/**
 * A `text/event-stream` Reply from hand-written events. A string is one event's text without
 * the blank line that ends it (`"data: {...}"`, `": comment"`, `"event: x\ndata: y"`); any
 * other value is sent as `data: <JSON>`. Each event is followed by a blank line.
 *
 * @since 0.1.0
 * @category constructors
 */
export const sse: (events: Iterable<string | object>, options?: SseOptions) => Reply = Replies.sse

/**
 * A `chat.completion` body (any shape, e.g. a recorded one) as the stream OpenRouter would send for
 * it, ending with `data: [DONE]`: the body's envelope on every chunk, each message field as deltas
 * (text in pieces, lists one element at a time), tool calls by `index` with their arguments in
 * pieces, a last chunk per choice with `finish_reason` and the choice's other fields, and a usage
 * chunk. `Chat.collect` over it gives back the body, so one body can answer `Chat.send` (with
 * `Testing.raw` or a JSON reply) and `Chat.stream` alike.
 *
 * @since 0.2.0
 * @category constructors
 */
export const streamOf: (body: Readonly<Record<string, unknown>>, options?: StreamOfOptions) => Reply = Replies.streamOf

/**
 * `count` content pieces, `"piece-1 "`, `"piece-2 "`, ... (or `text(i)` for 0-based `i`), as a
 * lazy re-iterable sequence: a 200,000-chunk stream without a 200,000-element array.
 *
 * @since 0.1.0
 * @category constructors
 */
export const pieces: (count: number, text?: (index: number) => string) => Iterable<string> = Replies.pieces

/**
 * The Reply with `headersDelay` set: nothing is sent until the duration has passed.
 *
 * @since 0.1.0
 * @category combinators
 */
export const delay: {
  (duration: Duration.Input): (self: Reply) => Reply
  (self: Reply, duration: Duration.Input): Reply
} = dual(2, (self: Reply, duration: Duration.Input): Reply => ({ ...self, headersDelay: duration }))

/**
 * The Reply with more headers (replacing same-named ones, case-insensitively).
 *
 * @since 0.1.0
 * @category combinators
 */
export const withHeaders: {
  (headers: Readonly<Record<string, string>>): (self: Reply) => Reply
  (self: Reply, headers: Readonly<Record<string, string>>): Reply
} = dual(
  2,
  (self: Reply, headers: Readonly<Record<string, string>>): Reply => ({
    ...self,
    headers: Replies.mergeHeaders(self.headers, headers)
  })
)

/**
 * The default script (used by the demo and the examples when no `OPENROUTER_API_KEY` is set): answers
 * every request, with a stream when `body.stream` is true and a completion otherwise, whose content
 * says it comes from the local emulator (and whether the request carried an API key: it accepts any)
 * and echoes the last user message briefly. The model is the requested one (default
 * `"openrouter/auto"`), the provider `"Emulator"`, and usage has a cost.
 *
 * A `model` that cannot be an OpenRouter model id (`""`, a name without its author such as
 * `"gpt-4o"`, spaces) gets OpenRouter's answer: 400, `"<model> is not a valid model ID"`, with the
 * `model_not_found` availability error. {@link emulatorWith} also refuses models it does not list.
 *
 * @since 0.1.0
 * @category scripts
 */
export const emulator: (request: RecordedRequest, index: number) => Reply = Replies.emulator

/**
 * Options of {@link emulatorWith}.
 *
 * @since 0.3.0
 * @category scripts
 */
export interface EmulatorOptions extends Types.EmulatorOptions {}

/**
 * {@link emulator} with options: `models` makes it refuse every other model with a 404, as
 * OpenRouter refuses a model it cannot route to.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert"
 * import { Effect } from "effect"
 * import { Chat, Testing } from "effect-openrouter"
 *
 * const script = Testing.emulatorWith({ models: ["openai/gpt-4o-mini"] })
 *
 * const program = Chat.send({ model: "acme/unknown", messages: [{ role: "user", content: "Hi" }] }).pipe(
 *   Effect.flip,
 *   Effect.provide(Testing.layerWithConfig(script))
 * )
 * Effect.runPromise(program).then((error) => {
 *   strictEqual(error._tag, "NotFoundResponseError")
 *   strictEqual(error.message, "No endpoints found for acme/unknown.")
 * })
 * ```
 *
 * @since 0.3.0
 * @category scripts
 */
export const emulatorWith: (options?: EmulatorOptions) => (request: RecordedRequest, index: number) => Reply =
  Replies.emulatorWith

// ---------------------------------------------------------------------------------------------
// Tool loops
// ---------------------------------------------------------------------------------------------

/**
 * Options of {@link callTools} and {@link answer}: the envelope of the reply (model, provider, id,
 * usage, framing). `content` is text sent before the calls; `argumentsChunkSize` spreads each
 * call's arguments over stream chunks of that many characters.
 *
 * @since 0.2.0
 * @category tool loops
 */
export interface ToolReplyOptions extends Types.ToolReplyOptions<Duration.Input> {}

/**
 * The answer of one round of a tool loop in {@link rounds}: a Reply, or a function of the request
 * and the 0-based round.
 *
 * @since 0.2.0
 * @category tool loops
 */
export type RoundReply = Types.RoundReply<Duration.Input>

/**
 * A model that calls tools: answers every request with these calls, as a stream of tool-call deltas
 * when the request streams and as a completion otherwise. Several calls, a call to an unknown tool
 * (`name: "no_such_tool"`) and arguments that are not JSON (`arguments: "{oops"`) are just calls;
 * `arguments` as a list of pieces (or `argumentsChunkSize`) spreads them over many chunks. Used as
 * the whole script, it is a model that never stops calling tools.
 *
 * @example
 * ```ts
 * import { Testing } from "effect-openrouter"
 *
 * export const script = Testing.rounds([
 *   Testing.callTools([{ name: "get_weather", arguments: { city: "Paris" } }, { name: "now", arguments: "" }]),
 *   Testing.answer("It is 18 °C in Paris.")
 * ])
 * ```
 *
 * @since 0.2.0
 * @category tool loops
 */
export const callTools: (
  calls: ReadonlyArray<ToolCall>,
  options?: ToolReplyOptions
) => (request: RecordedRequest) => Reply = ToolReplies.callTools

/**
 * A model that answers with text: a stream of word pieces when the request streams, a completion
 * otherwise.
 *
 * @since 0.2.0
 * @category tool loops
 */
export const answer: (content: string, options?: ToolReplyOptions) => (request: RecordedRequest) => Reply =
  ToolReplies.answer

/**
 * A script that answers by the round of a tool loop: round N (0-based) is the number of assistant
 * messages after the request's last user message, so a retried request gets its round's answer
 * again. A request past the last round gets a 500 JSON error saying `no scripted answer for round #N`.
 *
 * @since 0.2.0
 * @category tool loops
 */
export const rounds: (script: ReadonlyArray<RoundReply>) => (request: RecordedRequest) => Reply = ToolReplies.rounds

/**
 * A model that gives a tool loop's final answer (`ToolLoop.run` with `output`): a call of the
 * `final_answer` tool with the value in the strict form, as {@link jsonAnswer} sends it (the form the
 * tool's parameters ask for), when the request offers that tool, else the value as JSON content (the
 * `"responseFormat"` strategy, or `Structured`); streamed when the request streams (the arguments or
 * the content in pieces of `argumentsChunkSize` characters). A value that does not encode gives the
 * emulator's 500 error naming the problem.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Testing } from "effect-openrouter"
 *
 * const Advice = Schema.Struct({ wear: Schema.Literals(["coat", "t-shirt"]) })
 *
 * export const script = Testing.rounds([
 *   Testing.callTools([{ name: "get_weather", arguments: { city: "Paris" } }]),
 *   Testing.finalAnswer(Advice, { wear: "coat" })
 * ])
 * ```
 *
 * @since 1.0.0
 * @category tool loops
 */
export const finalAnswer: <A, I, RD>(
  schema: Schema.Codec<A, I, RD, never>,
  value: NoInfer<A>,
  options?: ToolReplyOptions
) => (request: RecordedRequest) => Reply = StructuredReplies.finalAnswer

/**
 * The round of a tool loop a request belongs to (see {@link rounds}).
 *
 * @since 0.2.0
 * @category tool loops
 */
export const roundOf: (request: RecordedRequest) => number = ToolReplies.roundOf

// ---------------------------------------------------------------------------------------------
// In-process transport
// ---------------------------------------------------------------------------------------------

/**
 * What an in-process emulator ({@link layer}) received, and a handle to change its script.
 *
 * @since 0.1.0
 * @category in-process
 */
export class Recorder extends Context.Service<Recorder, Recorder.Service>()("effect-openrouter/Testing/Recorder") {}

/**
 * The types that go with {@link Recorder}.
 *
 * @since 0.1.0
 * @category in-process
 */
export declare namespace Recorder {
  /**
   * The service behind {@link Recorder}.
   *
   * @since 0.1.0
   * @category in-process
   */
  export interface Service {
    /** Every request received so far, in order (any route). */
    readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
    /** How many responses the client abandoned before their body ended. */
    readonly aborted: Effect.Effect<number>
    /** Completes once at least one response has been abandoned. */
    readonly awaitAbort: Effect.Effect<void>
    /** Completes once at least `count` responses have been abandoned. */
    readonly awaitAborts: (count: number) => Effect.Effect<void>
    /** Answers later requests from another script (the request index keeps counting). */
    readonly setScript: (script: Script) => Effect.Effect<void>
  }
}

/**
 * An in-process `HttpClient` that answers every request from the script, plus the
 * {@link Recorder}. No socket is opened: each Reply becomes a web `Response` whose body stream
 * honours pauses (on the Effect clock, so `TestClock.adjust` drives them), `writeSize`, the
 * ending (`"reset"` errors the body stream with `ECONNRESET`) and the client's abort. Each use
 * of the layer starts with an empty record.
 *
 * @since 0.1.0
 * @category in-process
 */
export const layer = (script: Script): Layer.Layer<HttpClient.HttpClient | Recorder> =>
  Layer.effectContext(Effect.sync(() => {
    const state = InProcess.makeState(script)
    return Context.make(Recorder, InProcess.recorder(state)).pipe(
      Context.add(HttpClient.HttpClient, InProcess.makeClient(state))
    )
  }))

/**
 * {@link layer} plus an `OpenRouterConfig` pointed at it, with a test key: everything `Chat.send` and
 * `Chat.stream` need, in one layer. `options` override the config (e.g. `retry: false`, `timeout`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert"
 * import { Effect } from "effect"
 * import { Chat, Testing } from "effect-openrouter"
 *
 * const program = Chat.send({ messages: [{ role: "user", content: "Hi" }] })
 *
 * // no retry: the 503 is the answer
 * Effect.runPromise(Effect.flip(program).pipe(Effect.provide(Testing.layerWithConfig(Testing.error(503), { retry: false }))))
 *   .then((error) => strictEqual(error._tag, "ServiceUnavailableResponseError"))
 * ```
 *
 * @since 0.1.0
 * @category in-process
 */
export const layerWithConfig = (
  script: Script,
  options: Partial<OpenRouterConfigOptions> = {}
): Layer.Layer<HttpClient.HttpClient | Recorder | OpenRouterConfig> =>
  Layer.merge(
    layer(script),
    OpenRouterConfig.layer({
      apiKey: Redacted.make("sk-or-test-key"),
      baseUrl: "http://openrouter.test/api/v1",
      ...options
    })
  )

/**
 * Every request the in-process emulator received so far.
 *
 * @since 0.1.0
 * @category in-process
 */
export const requests: Effect.Effect<ReadonlyArray<RecordedRequest>, never, Recorder> = Effect.flatMap(
  Recorder,
  (recorder) => recorder.requests
)

/**
 * How many responses the client abandoned (interrupted, aborted) before their body ended.
 *
 * @since 0.1.0
 * @category in-process
 */
export const aborted: Effect.Effect<number, never, Recorder> = Effect.flatMap(
  Recorder,
  (recorder) => recorder.aborted
)

/**
 * Completes once at least one response has been abandoned by the client.
 *
 * @since 0.1.0
 * @category in-process
 */
export const awaitAbort: Effect.Effect<void, never, Recorder> = Effect.flatMap(
  Recorder,
  (recorder) => recorder.awaitAbort
)

/**
 * Swaps the script of the in-process emulator for the requests that follow.
 *
 * @since 0.1.0
 * @category in-process
 */
export const setScript = (script: Script): Effect.Effect<void, never, Recorder> =>
  Effect.flatMap(Recorder, (recorder) => recorder.setScript(script))

// ---------------------------------------------------------------------------------------------
// Structured output answers
// ---------------------------------------------------------------------------------------------

/**
 * Options of the structured-output answers ({@link jsonAnswer}, {@link notJsonAnswer},
 * {@link mismatchedAnswer}, {@link refusalAnswer}, {@link lengthCutAnswer}): those of
 * {@link completion}, plus `stream: true` to answer a stream request (the content arrives in pieces
 * of `pieceSize` characters, default 8).
 *
 * @since 0.2.0
 * @category options
 */
export interface AnswerOptions extends Types.AnswerOptions<Duration.Input> {}

/**
 * A structured answer that decodes to `value` with `schema`: the value encoded in the strict-mode
 * form `Structured` asks for, as a model answering its JSON Schema sends it (an absent optional field
 * as `null`, a record as `{ "0": key, "1": value }` pairs, a root that is not an object wrapped as
 * `{ value }`). A value that does not encode, or a Schema strict mode cannot express (which `Structured`
 * refuses too), gives the emulator's 500 error naming the problem. Before 1.0.0 the value went in the
 * Schema's plain JSON form (`Schema.toCodecJson`), which `Structured` still reads.
 *
 * @since 0.2.0
 * @category structured output
 */
export const jsonAnswer: <A, I, RD>(
  schema: Schema.Codec<A, I, RD, never>,
  value: A,
  options?: AnswerOptions
) => Reply = StructuredReplies.jsonAnswer

/**
 * A structured answer whose content is not JSON (default: prose around an unfinished object).
 *
 * @since 0.2.0
 * @category structured output
 */
export const notJsonAnswer: (text?: string, options?: AnswerOptions) => Reply = StructuredReplies.notJsonAnswer

/**
 * A structured answer whose content is the given JSON, meant not to decode with the caller's Schema.
 *
 * @since 0.2.0
 * @category structured output
 */
export const mismatchedAnswer: (json: unknown, options?: AnswerOptions) => Reply = StructuredReplies.mismatchedAnswer

/**
 * A refusal: `message.refusal` (or `delta.refusal` pieces) and no content.
 *
 * @since 0.2.0
 * @category structured output
 */
export const refusalAnswer: (refusal?: string, options?: AnswerOptions) => Reply = StructuredReplies.refusalAnswer

/**
 * An answer cut by the token limit: `finish_reason: "length"` after the given start of a JSON value.
 *
 * @since 0.2.0
 * @category structured output
 */
export const lengthCutAnswer: (text?: string, options?: AnswerOptions) => Reply = StructuredReplies.lengthCutAnswer
