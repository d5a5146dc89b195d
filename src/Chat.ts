/**
 * Chat completions: `send` for one response, `stream` for a `Stream` of chunks, `collect` to fold a
 * stream back into the response a non-streaming call would have returned.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Effect, Layer } from "effect"
 * import { Chat, OpenRouterConfig, Testing } from "effect-openrouter"
 *
 * const program = Effect.gen(function*() {
 *   const response = yield* Chat.send({
 *     model: "openai/gpt-4o-mini",
 *     messages: [{ role: "user", content: "Say hello" }]
 *   })
 *   return response.choices[0]?.message?.content
 * })
 *
 * // for real: the key from OPENROUTER_API_KEY, undici as the HttpClient
 * export const main = program.pipe(
 *   Effect.provide(Layer.merge(OpenRouterConfig.layerConfig(), NodeHttpClient.layerUndici))
 * )
 *
 * // in a test: the same program against the scripted emulator
 * Effect.runPromise(program.pipe(Effect.provide(Testing.layerWithConfig(Testing.completion({ content: "Hello!" })))))
 *   .then((content) => strictEqual(content, "Hello!"))
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import type * as Client from "./Client.js"
import type * as Errors from "./Errors.js"
import * as content from "./internal/chat/content.js"
import * as internalSend from "./internal/chat/send.js"
import * as internalStream from "./internal/chat/stream.js"
import type * as S from "./Schema.js"

/**
 * A chat request as you write it: wire (snake_case) field names, as in OpenRouter's API reference.
 * Fields the schema does not know are sent unchanged (values JSON cannot represent as they are are
 * refused, not changed).
 *
 * @since 0.1.0
 * @category models
 */
export type ChatRequest = S.ChatRequest

/**
 * The per-call options of {@link send} and {@link stream}.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = Client.CallOptions

/**
 * Sends a chat completion request and returns the response.
 *
 * The request is read once, into a plain JSON copy that is validated and then sent as is: a value JSON
 * cannot represent as it is (a cycle, a `BigInt`, `NaN`, a function, a `Map`, nesting deeper than 128, a
 * getter that throws, ...), an invalid field, option or configuration fails with `InvalidRequestError`
 * naming the path, and nothing is sent;
 * transient failures are retried under the policy (`options.retry`, else the configured one, else
 * `Retry.defaultPolicy`); every failure is one of the tagged errors of `Errors.SendError`.
 *
 * The configuration comes from the `OpenRouterConfig` service, or, when `options.config` is given
 * (since 0.2.0), from the call: then the call requires only an `HttpClient`. That is the cheap way to
 * give each call its own API key and settings (a multi-tenant server).
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Chat, Client } from "effect-openrouter"
 *
 * // One configuration per tenant, made once and reused.
 * const tenant = Client.makeConfig({ apiKey: Redacted.make("sk-or-tenant-key"), appTitle: "My app" })
 *
 * // Requires only HttpClient: no OpenRouterConfig in the context.
 * const answer = Chat.send({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }, {
 *   config: tenant
 * })
 * ```
 *
 * @since 0.1.0
 * @category requests
 */
export const send: {
  (
    request: ChatRequest,
    options: Options & { readonly config: Client.OpenRouterConfigService }
  ): Effect.Effect<S.ChatResponse, Errors.SendError, HttpClient.HttpClient>
  (
    request: ChatRequest,
    options?: Options
  ): Effect.Effect<S.ChatResponse, Errors.SendError, HttpClient.HttpClient | Client.OpenRouterConfig>
} = internalSend.send

/**
 * Streams a chat completion: sends the request with `stream: true` and emits each parsed chunk as it
 * arrives. Reads from the socket only as fast as the consumer pulls; stopping early or interrupting
 * closes the connection at once (OpenRouter then stops generating and billing).
 *
 * Fails with `MidStreamError` when OpenRouter reports an error after the stream started (after the
 * chunks before it were emitted), with `ConnectionError` when the stream is cut off before `[DONE]`, and
 * with `TimeoutError` (`limit: "idle"`) when no data event arrives within `idleTimeout` while the
 * consumer waits (keep-alive comments do not count). A failure before any content was emitted is
 * retried under the policy; once content has been emitted, never. While retries are possible, chunks
 * without content (the opening role chunk) are held back until the first content chunk.
 *
 * As with {@link send}, `options.config` (since 0.2.0) gives the call its own configuration, and the
 * stream then requires only an `HttpClient`. Prefer it to `Stream.provideService(OpenRouterConfig, ...)`,
 * which runs every pull of the stream under a context update (1.5 times the CPU per chunk with 500
 * concurrent slow streams, `bench/scale.mjs`).
 *
 * @since 0.1.0
 * @category requests
 */
export const stream: {
  (
    request: ChatRequest,
    options: Options & { readonly config: Client.OpenRouterConfigService }
  ): Stream.Stream<S.ChatStreamChunk, Errors.StreamError, HttpClient.HttpClient>
  (
    request: ChatRequest,
    options?: Options
  ): Stream.Stream<S.ChatStreamChunk, Errors.StreamError, HttpClient.HttpClient | Client.OpenRouterConfig>
} = internalStream.stream

/**
 * Folds a chunk stream into exactly the response a non-streaming call would have returned: content and
 * reasoning concatenated per choice (and any other text field of the deltas, e.g. `reasoning_content`),
 * `reasoning_details` folded into one block per `type` and `index` as a non-streaming response carries
 * them (text, summary and data joined, a signature sent in a fragment of its own kept), images and
 * annotations gathered, tool-call fragments assembled into calls by `index`, and by `id` when calls share
 * an index or come without one (id, type and name the first non-empty value, `arguments` concatenated),
 * the chunks' `invalidFields` gathered, `finish_reason` and `native_finish_reason` from
 * the last chunk that has them, `usage` from the usage chunk, and every top-level field (`id`, `model`,
 * `created`, `provider`, `service_tier`, `citations`, ...) from the first chunk where it is non-empty, so
 * a placeholder first chunk (`id: ""`, `created: 0`) hides nothing. The result's `id` is the generation
 * id (see `Generation.get`). A value that is not a Stream, or a chunk that cannot be read (a getter
 * that throws), fails with an `InvalidRequestError` at `stream` (already among the errors of
 * `Chat.stream`), never with a defect.
 *
 * @since 0.1.0
 * @category streaming
 */
export const collect: <E, R>(
  self: Stream.Stream<S.ChatStreamChunk, E, R>
) => Effect.Effect<S.ChatResponse, E | Errors.InvalidRequestError, R> = internalStream.collect

/**
 * Whether a chunk carries content for the consumer (text, reasoning, a tool call, a refusal, an image,
 * audio or annotations), as opposed to a role-only opening chunk, a usage chunk or a debug chunk.
 * A value it cannot read as a chunk (not an object with `choices`, a getter that throws) has none.
 *
 * @since 0.1.0
 * @category streaming
 */
export const hasContent: (chunk: S.ChatStreamChunk) => boolean = content.hasContentOf
