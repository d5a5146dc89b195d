/**
 * Structured output typed by a Schema: the JSON Schema of `response_format` is derived from an
 * Effect `Schema` (in the strict form OpenAI-compatible providers require), and the answer comes back
 * decoded to the Schema's `Type`, with the full response beside it.
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Structured } from "effect-openrouter"
 *
 * const Weather = Schema.Struct({
 *   city: Schema.String,
 *   temperature_c: Schema.Number,
 *   conditions: Schema.optional(Schema.String)
 * }).annotate({ identifier: "Weather", description: "The weather in a city" })
 *
 * const program = Effect.gen(function*() {
 *   const { response, value } = yield* Structured.send(Weather, {
 *     model: "openai/gpt-4o-mini",
 *     messages: [{ role: "user", content: "The weather in Paris?" }]
 *   })
 *   console.log(value.city, value.temperature_c, response.usage?.cost)
 * })
 * ```
 *
 * @since 0.2.0
 */
import type * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import type * as EffectResult from "effect/Result"
import type * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type * as Chat from "./Chat.js"
import type * as Client from "./Client.js"
import type * as Errors from "./Errors.js"
import * as internal from "./internal/structured/structured.js"
import type * as S from "./Schema.js"
import type * as StructuredError from "./StructuredError.js"

/**
 * How `response_format.json_schema` is filled in.
 *
 * @since 0.2.0
 * @category models
 */
export interface FormatOptions {
  /**
   * `json_schema.name` (`^[a-zA-Z0-9_-]{1,64}$`); default the Schema's `identifier` (else `title`)
   * annotation, else `"response"`.
   */
  readonly name?: string | undefined
  /** `json_schema.description`; default the Schema's `description` annotation. */
  readonly description?: string | undefined
  /** `json_schema.strict`; default `true`. */
  readonly strict?: boolean | undefined
}

/**
 * Where the JSON of an answer is read from. `"exact"` (the default): the answer's whole content must be
 * the JSON value. `"lenient"`: an answer that is not that gets a second look, and the JSON is taken
 * from a ```` ```json ```` fenced block (with or without a language) or from after a sentence of prose
 * (the first `{` or `[` to the last `}` or `]`), but only when exactly one such candidate parses and
 * decodes with the Schema; otherwise the error is the usual one, about the content as it is.
 *
 * Use `"lenient"` for models that wrap their JSON in a fence or a sentence (many open models, or any
 * model without `response_format` support); it costs nothing and asks nothing again. `healing` repairs
 * JSON that is broken (OpenRouter's plugin, server side); `retries` asks again, a new billed generation,
 * for answers neither can save.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Structured } from "effect-openrouter"
 *
 * const Tags = Schema.Struct({ tags: Schema.Array(Schema.String) })
 *
 * // A model that answers "Sure! ```json {...} ```" still gives a value; a bad answer is asked once more.
 * export const tags = Structured.send(Tags, {
 *   model: "meta-llama/llama-3.1-8b-instruct",
 *   messages: [{ role: "user", content: "Tag this post: 'Effect 4 is out'" }]
 * }, { extract: "lenient", retries: 1 })
 * ```
 *
 * @since 0.3.0
 * @category models
 */
export type Extract = "exact" | "lenient"

/**
 * The options of {@link decode}.
 *
 * @since 0.3.0
 * @category models
 */
export interface DecodeOptions {
  /** Where the JSON of the answer is read from (default `"exact"`); see {@link Extract}. */
  readonly extract?: Extract | undefined
}

/**
 * The options of {@link send} and {@link stream}: those of `Chat.send` / `Chat.stream`, plus how the
 * answer is asked for.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options extends Chat.Options, FormatOptions {
  /**
   * Turn on OpenRouter's `response-healing` plugin, which repairs malformed JSON in the answer
   * (adds `{ id: "response-healing" }` to `plugins`).
   */
  readonly healing?: boolean | undefined
  /**
   * When the answer is not JSON or does not decode with the Schema, ask again up to this many
   * times, sending back the answer and what was wrong with it (default 0). Each re-ask is a new,
   * billed generation.
   */
  readonly retries?: number | undefined
  /**
   * Where the JSON of the answer is read from (default `"exact"`); `"lenient"` takes it out of a fenced
   * block or from after leading prose (see {@link Extract}).
   *
   * @since 0.3.0
   */
  readonly extract?: Extract | undefined
}

/**
 * A decoded answer: the value, the response it came in (usage, cost, provider, id), and how many
 * answers were asked for (1, plus the re-asks).
 *
 * @since 0.2.0
 * @category models
 */
export interface Result<A> {
  readonly value: A
  readonly response: S.ChatResponse
  readonly attempts: number
}

/**
 * A value with every field optional, all the way down: what a partial answer may hold.
 *
 * @since 0.2.0
 * @category models
 */
export type DeepPartial<T> = T extends string | number | boolean | bigint | symbol | null | undefined ? T
  : T extends ReadonlyArray<infer E> ? ReadonlyArray<DeepPartial<E>>
  : T extends object ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
  : T

/**
 * An element of {@link stream}: a `Partial` value each time more of the answer's JSON has arrived,
 * then one `Final` value decoded with the Schema.
 *
 * A `Restart` (since 0.3.0) says the answer starts over: the answer so far was not JSON or did not
 * decode, and a re-ask (`retries`) begins; `attempt` is the number of the answer that follows (2 for
 * the first re-ask) and `error` what was wrong. Partial values after it belong to the new answer, so a
 * UI showing them should reset. `Chat.stream`'s own retries never restart an answer: they happen only
 * before any content has arrived, so no partial value was shown.
 *
 * A partial value has the shape of the Schema's encoded side (`Schema.Encoded`, which is its `Type`
 * for Schemas without transformations or brands) and is not validated: strings show what has
 * arrived so far, numbers and booleans only once complete, optional fields sent as `null` are
 * left out. Every partial value is consistent with the final one.
 *
 * @since 0.2.0
 * @category models
 */
export type Event<A, I> =
  | { readonly _tag: "Partial"; readonly value: DeepPartial<I> }
  | { readonly _tag: "Final"; readonly value: A; readonly response: S.ChatResponse; readonly attempts: number }
  | {
    readonly _tag: "Restart"
    readonly attempt: number
    readonly error: StructuredError.OutputNotJsonError | StructuredError.OutputDecodeError
  }

/**
 * Everything {@link send} can fail with: `Chat.send`'s errors plus the ways the answer can be
 * unusable. A Schema that strict mode cannot express, or a request that sets its own
 * `response_format`, is an `InvalidRequestError` (nothing is sent).
 *
 * @since 0.2.0
 * @category models
 */
export type SendError = Errors.SendError | StructuredError.OutputError

/**
 * Everything {@link stream} can fail with: `Chat.stream`'s errors plus the ways the answer can be
 * unusable.
 *
 * @since 0.2.0
 * @category models
 */
export type StreamError = Errors.StreamError | StructuredError.OutputError

/**
 * Asks for an answer that matches a Schema and decodes it.
 *
 * The request gets `response_format: { type: "json_schema", json_schema: { name, strict: true,
 * schema } }` with the JSON Schema derived from the Schema (every field required, optional fields
 * as nullable, records as `{ key, value }` entries, a root that is not an object wrapped as
 * `{ value }`); the answer is decoded back to the Schema's `Type`. Fails with `RefusalError`,
 * `OutputTruncatedError` (`finish_reason: "length"`), `EmptyOutputError`, `OutputNotJsonError` or
 * `OutputDecodeError` (see `StructuredError`), besides every error of `Chat.send`. With `retries`,
 * an answer that is not JSON or does not decode is sent back with what was wrong, and asked again.
 *
 * @since 0.2.0
 * @category requests
 */
export const send = <A, I, R>(
  schema: Schema.Codec<A, I, R>,
  request: Chat.ChatRequest,
  options?: Options
): Effect.Effect<Result<A>, SendError, HttpClient.HttpClient | Client.OpenRouterConfig | R> =>
  internal.send(schema, request, options)

/**
 * Streams an answer that matches a Schema: a `Partial` value each time more of the JSON has
 * arrived, then the `Final` value decoded with the Schema (see {@link Event}). Fails like
 * {@link send}, and like `Chat.stream` (`MidStreamError`, a cut-off stream...). With `retries`, a
 * re-ask starts a new answer: a `Restart` event comes first, then its partial values start again from
 * the beginning.
 *
 * @since 0.2.0
 * @category requests
 */
export const stream = <A, I, R>(
  schema: Schema.Codec<A, I, R>,
  request: Chat.ChatRequest,
  options?: Options
): Stream.Stream<Event<A, I>, StreamError, HttpClient.HttpClient | Client.OpenRouterConfig | R> =>
  internal.stream(schema, request, options)

/**
 * Decodes a response you got yourself (e.g. from `Chat.send` with {@link responseFormat}) the way
 * {@link send} does. `options.extract` (since 0.3.0) reads the JSON out of a fence or prose.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert"
 * import { Effect, Schema } from "effect"
 * import { Structured } from "effect-openrouter"
 * import type { Schema as S } from "effect-openrouter"
 *
 * const response: S.ChatResponse = {
 *   id: "gen-1",
 *   choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "Sure:\n```json\n{\"ok\": true}\n```" } }]
 * }
 *
 * Effect.runPromise(Structured.decode(Schema.Struct({ ok: Schema.Boolean }), response, { extract: "lenient" }))
 *   .then((value) => strictEqual(value.ok, true))
 * ```
 *
 * @since 0.2.0
 * @category decoding
 */
export const decode = <A, I, R>(
  schema: Schema.Codec<A, I, R>,
  response: S.ChatResponse,
  options?: DecodeOptions
): Effect.Effect<A, StructuredError.OutputError | Errors.InvalidRequestError, R> =>
  internal.decode(schema, response, options)

/**
 * The `response_format` {@link send} puts in the request for a Schema, for building requests yourself.
 * Fails with `InvalidRequestError` when strict mode cannot express the Schema.
 *
 * @since 0.2.0
 * @category constructors
 */
export const responseFormat: <A, I, R>(
  schema: Schema.Codec<A, I, R>,
  options?: FormatOptions
) => EffectResult.Result<S.ResponseFormat, Errors.InvalidRequestError> = internal.responseFormat
