/**
 * The emulator's reply model and script options as plain TypeScript, shared by both editions
 * (no Effect import). Each is generic over `D`, the edition's duration input (`Duration.DurationInput`
 * in Effect 3, `Duration.Input` in Effect 4): the shared builders keep durations as given and each
 * transport converts them with its edition's `Duration` when it renders the Reply.
 *
 * @internal
 */
/**
 * A body piece that writes nothing and waits `duration` before the next piece (keep-alive
 * comments are written meanwhile if the Reply has `keepAliveEvery`).
 *
 *  * @category models
 */
export interface Pause<D = unknown> {
  readonly _tag: "Pause"
  readonly duration: D
}

/**
 * What the emulator sends for one request. Both transports render exactly this.
 *
 *  * @category models
 */
export interface Reply<D = unknown> {
  /** The HTTP status. */
  readonly status: number
  /** Response headers (any case). */
  readonly headers: Readonly<Record<string, string>>
  /**
   * Body pieces, each written as one write, in order; strings are UTF-8. A `Pause` piece
   * waits. May be lazy: it is iterated once per request, so make it re-iterable (an array, or an
   * object whose `[Symbol.iterator]` starts a new generator) if the Reply answers several requests.
   */
  readonly body: Iterable<string | Uint8Array | Pause<D>>
  /**
   * Re-split the body into writes of exactly this many bytes (across piece boundaries, so one
   * write can hold the end of one event and the start of the next); only the write before a
   * pause and the last one may be shorter. `1` delivers the body byte by byte.
   */
  readonly writeSize?: number
  /**
   * Over a socket (`TestServer`), send each write on its own: wait until it has left before the
   * next, so the client reads the pieces separately instead of Node batching them into one
   * segment. Slow, for tests of reads split at awkward places (`writeSize: 1`). In-process every
   * write is already a read of its own.
   */
  readonly flushEachWrite?: boolean
  /** Wait this long before sending the status and headers. */
  readonly headersDelay?: D
  /**
   * How the response ends after the body: `"end"` (default) normally; `"reset"` drops the
   * connection mid-body (the client sees a transport error after receiving the whole body
   * written so far); `"hang"` keeps the response open, writing nothing more, until the client
   * goes away.
   */
  readonly ending?: "end" | "reset" | "hang"
  /**
   * While hanging or inside a `Pause`, write `": OPENROUTER PROCESSING\n\n"` at this
   * interval, as OpenRouter does while the upstream provider is slow.
   */
  readonly keepAliveEvery?: D
}

/**
 * A request as the emulator received it.
 *
 *  * @category models
 */
export interface RecordedRequest {
  /** The HTTP method, e.g. `"POST"`. */
  readonly method: string
  /** The URL path, e.g. `"/api/v1/chat/completions"`. */
  readonly path: string
  /** The full URL. */
  readonly url: string
  /** Request headers, names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  /** The body parsed as JSON, or `undefined` when it is empty or not JSON. */
  readonly body: unknown
  /** The body as text. */
  readonly text: string
}

/**
 * What to answer. A single Reply answers every request; an array answers request N (0-based)
 * with reply N and any request past its end with a 500 JSON error saying
 * `no scripted answer for request #N` (1-based); a function computes the Reply from the request
 * and its 0-based index (if it throws, the answer is a 500 JSON error carrying the message).
 * Only `POST .../chat/completions` requests consume the script; `GET .../generation?id=` answers with
 * the stats of a completion this emulator served (404 until its response has ended, as on OpenRouter);
 * any other route gets a 404.
 *
 *  * @category models
 */
export type Script<D = unknown> =
  | Reply<D>
  | ReadonlyArray<Reply<D>>
  | ((request: RecordedRequest, index: number) => Reply<D>)

/**
 * Rendering options every answer constructor accepts; see `Reply` for their meaning.
 * `headers` are merged over the constructor's own (case-insensitively).
 *
 *  * @category options
 */
export interface ReplyOptions<D = unknown> {
  readonly headers?: Readonly<Record<string, string>>
  readonly writeSize?: number
  readonly flushEachWrite?: boolean
  readonly headersDelay?: D
  readonly keepAliveEvery?: D
  readonly ending?: "end" | "reset" | "hang"
}

/**
 * Usage fields (wire names). Token counts given here replace the estimated ones and drive the
 * computed `total_tokens` and `cost`; any field given, known or not, is sent as is.
 *
 *  * @category options
 */
export interface UsageInput {
  readonly prompt_tokens?: number
  readonly completion_tokens?: number
  readonly total_tokens?: number
  readonly cost?: number | null
  readonly is_byok?: boolean
  readonly [field: string]: unknown
}

/**
 * A tool call the model makes. `arguments` is the JSON text, an object (serialised), or, for
 * streams, the list of text pieces the arguments arrive in.
 *
 *  * @category options
 */
export interface ToolCall {
  /** Defaults to a fresh `call_emu...` id. */
  readonly id?: string
  readonly name: string
  readonly arguments: string | object | ReadonlyArray<string>
}

/**
 * Options of `completion`.
 *
 *  * @category options
 */
export interface CompletionOptions<D = unknown> extends ReplyOptions<D> {
  /** `message.content`; default a greeting, or `null` when there are tool calls. */
  readonly content?: string | null
  /** `message.reasoning`. */
  readonly reasoning?: string
  readonly toolCalls?: ReadonlyArray<ToolCall>
  /** Usage fields over computed defaults; `false` omits `usage`. */
  readonly usage?: UsageInput | false
  /** Default `"openrouter/auto"`. */
  readonly model?: string
  /** Default `"Emulator"`. */
  readonly provider?: string
  /** Default a fresh `gen-...` id; also sent as the `X-Generation-Id` header. */
  readonly id?: string
  /** Unix seconds; default now. */
  readonly created?: number
  /** Default `"fp_emulator"`. */
  readonly systemFingerprint?: string | null
  /** Default `"stop"`, or `"tool_calls"` with tool calls. */
  readonly finishReason?: string | null
  /** Default the `finishReason`. */
  readonly nativeFinishReason?: string | null
  /** Fields merged into the top level of the body (e.g. `openrouter_metadata`). */
  readonly extra?: Readonly<Record<string, unknown>>
}

/**
 * A stream delta given as an object (wire names); a plain string stands for `{content}`.
 *
 *  * @category options
 */
export interface StreamDelta {
  readonly role?: string
  readonly content?: string | null
  readonly reasoning?: string | null
  readonly refusal?: string | null
  readonly tool_calls?: ReadonlyArray<unknown>
  readonly [field: string]: unknown
}

/**
 * Options shared by every streaming constructor: the chunk envelope and the SSE framing.
 *
 *  * @category options
 */
export interface StreamShapeOptions<D = unknown> extends ReplyOptions<D> {
  /** Default `"openrouter/auto"`. */
  readonly model?: string
  /** Default `"Emulator"`. */
  readonly provider?: string
  /** The id every chunk carries; default a fresh `gen-...` id per request. */
  readonly id?: string
  /** Unix seconds; default the time the stream starts. */
  readonly created?: number
  /** Default `"fp_emulator"`. */
  readonly systemFingerprint?: string | null
  /** Fields merged into the top level of every chunk. */
  readonly extra?: Readonly<Record<string, unknown>>
  /** Line ending of the SSE framing; default `"\n"`. */
  readonly lineEnding?: "\n" | "\r\n" | "\r"
  /** Write this many `: OPENROUTER PROCESSING` comments before every event; default 0. */
  readonly keepAlive?: number
  /** Pause between consecutive events. */
  readonly chunkDelay?: D
}

/**
 * Options of `stream`.
 *
 *  * @category options
 */
export interface StreamOptions<D = unknown> extends StreamShapeOptions<D> {
  /**
   * Content pieces (strings) or whole deltas, one chunk each, after the reasoning pieces and
   * before the tool calls. May be lazy (a generator object is consumed by the first request).
   */
  readonly deltas?: Iterable<string | StreamDelta>
  /** Reasoning pieces, one chunk each (`{content: "", reasoning}`), sent first. */
  readonly reasoning?: string | ReadonlyArray<string>
  /** Tool calls, streamed as deltas keyed by `index` after the content. */
  readonly toolCalls?: ReadonlyArray<ToolCall>
  /** Fields of the usage chunk over computed defaults; `false` sends no usage chunk. */
  readonly usage?: UsageInput | false
  /** End with `data: [DONE]`; default `true`. */
  readonly done?: boolean
  /** Of the final chunk; default `"stop"` (`"tool_calls"` with tool calls); `null` sends no final chunk. */
  readonly finishReason?: string | null
  /** Default the `finishReason`. */
  readonly nativeFinishReason?: string | null
}

/**
 * Options of `truncated`, `reset` and `hang`: `after` content chunks (the
 * `pieces` unless `deltas` is given), with no final chunk, no usage and no `[DONE]`.
 *
 *  * @category options
 */
export interface CutOptions<D = unknown> extends Omit<StreamShapeOptions<D>, "ending"> {
  /** How many content chunks to send first. */
  readonly after: number
  /** The chunks to send instead of `after` generated pieces. */
  readonly deltas?: Iterable<string | StreamDelta>
}

/**
 * Options of `midStreamError`.
 *
 *  * @category options
 */
export interface MidStreamErrorOptions<D = unknown> extends CutOptions<D> {
  /** `error.code`; default 502. Usually an HTTP-like number, sometimes a string. */
  readonly code?: number | string
  /** Default `"Provider returned error: upstream connection lost"`. */
  readonly message?: string
  /** `error.metadata.error_type`; default `"provider_unavailable"`. */
  readonly errorType?: string
  /** `error.metadata.provider_name`; default the stream's provider. */
  readonly providerName?: string
  /** `error.metadata.provider_code`. */
  readonly providerCode?: string
  /** More `error.metadata` fields. */
  readonly metadata?: Readonly<Record<string, unknown>>
  /**
   * `"top-level"` (default): `{error, choices: [{delta: {content: ""}, finish_reason: "error"}]}`;
   * `"choice"`: the older form with the error inside `choices[0].error`.
   */
  readonly form?: "top-level" | "choice"
}

/**
 * Options of `error`.
 *
 *  * @category options
 */
export interface ErrorOptions<D = unknown> extends ReplyOptions<D> {
  /** `error.message`; default OpenRouter's wording for the status. */
  readonly message?: string
  /** `error.code`; default the status. */
  readonly code?: number | string
  /** `error.metadata`; default depends on the status; `null` omits it. */
  readonly metadata?: Readonly<Record<string, unknown>> | null
  /**
   * Sent as the `Retry-After` header: a number is seconds as is, a Duration is rounded up to
   * whole seconds, a string is sent verbatim (e.g. an HTTP date) unless it decodes as a
   * Duration (`"2 seconds"`).
   */
  readonly retryAfter?: D | string
  /** A raw body (HTML from a proxy, `""` for none) instead of the JSON error. */
  readonly body?: string
  /** `user_id` at the top level. */
  readonly userId?: string
  /** Fields merged into the top level of the body (e.g. `openrouter_metadata`). */
  readonly extra?: Readonly<Record<string, unknown>>
  /** Fields merged into the `error` object (e.g. `availability`). */
  readonly errorExtra?: Readonly<Record<string, unknown>>
}

/**
 * Options of `raw`.
 *
 *  * @category options
 */
export interface RawOptions<D = unknown> extends ReplyOptions<D> {
  /** Default 200. */
  readonly status?: number
  /** A single piece or the pieces; default empty. */
  readonly body?: string | Uint8Array | Iterable<string | Uint8Array | Pause<D>>
}

/**
 * Options of `sse`.
 *
 *  * @category options
 */
export interface SseOptions<D = unknown> extends ReplyOptions<D> {
  /** Default 200. */
  readonly status?: number
  /** Default `"\n"`. */
  readonly lineEnding?: "\n" | "\r\n" | "\r"
  /** Comments before every event, as in `StreamShapeOptions`. */
  readonly keepAlive?: number
  /** Pause between consecutive events. */
  readonly chunkDelay?: D
  /** Append `data: [DONE]`; default `false`. */
  readonly done?: boolean
}

/**
 * Options of `streamOf`.
 *
 *  * @category options
 */
export interface StreamOfOptions<D = unknown> extends Omit<SseOptions<D>, "done"> {
  /** The length of the pieces text fields are split into; default 16 characters. */
  readonly pieceLength?: number
}

/**
 * Options of `callTools` and `answer`: the envelope of the reply (model, provider, id,
 * usage, framing). `content` is text sent before the calls; `argumentsChunkSize` spreads each
 * call's arguments over stream chunks of that many characters.
 *
 *  * @category tool loops
 */
export interface ToolReplyOptions<D = unknown> extends Omit<StreamShapeOptions<D>, "extra"> {
  readonly content?: string
  readonly usage?: UsageInput | false
  readonly argumentsChunkSize?: number
}

/**
 * The answer of one round of a tool loop in `rounds`: a Reply, or a function of the request
 * and the 0-based round.
 *
 *  * @category tool loops
 */
export type RoundReply<D = unknown> = Reply<D> | ((request: RecordedRequest, round: number) => Reply<D>)

/**
 * Options of the structured-output answers (`jsonAnswer`, `notJsonAnswer`,
 * `mismatchedAnswer`, `refusalAnswer`, `lengthCutAnswer`): those of
 * `completion`, plus `stream: true` to answer a stream request (the content arrives in pieces
 * of `pieceSize` characters, default 8).
 *
 *  * @category options
 */
export interface AnswerOptions<D = unknown>
  extends Omit<CompletionOptions<D>, "content" | "toolCalls" | "finishReason">
{
  readonly stream?: boolean
  readonly pieceSize?: number
}

/**
 * Options of `Testing.emulatorWith`.
 */
export interface EmulatorOptions {
  /**
   * The models it serves. A request whose `model` is not one of them gets OpenRouter's 404 for a
   * model it cannot route to (`"No endpoints found for <model>."`, availability code `no_endpoints`),
   * so a test scripts a `NotFoundResponseError` by naming an unlisted model. A request without a
   * `model` is answered (OpenRouter uses the account's default model). Default: every model.
   */
  readonly models?: ReadonlyArray<string> | undefined
}
