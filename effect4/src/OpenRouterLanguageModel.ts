/**
 * effect-openrouter as a provider of `effect/ai`'s `LanguageModel`, built on `Chat.send` and
 * `Chat.stream`: programs written against `effect/ai` (`generateText`, `streamText`,
 * `generateObject`, a `Toolkit` with its handlers, `Chat`) run on OpenRouter with this package's
 * retries, timeouts and typed errors. It reads `OpenRouterConfig` and `HttpClient` from the context,
 * like `Chat`. `effect/ai` is part of `effect` 4: nothing else to install.
 *
 * Errors are `AiError`s whose `reason` is the `effect/ai` reason that fits (401/403
 * `AuthenticationError`, 402 `QuotaExhaustedError`, 429 `RateLimitError` with `retryAfter`,
 * 400/404/413/422 `InvalidRequestError`, 5xx and mid-stream errors `InternalProviderError`, connection
 * and timeout `NetworkError`, ...); the reason's `cause` is this package's tagged error, with every
 * detail OpenRouter sent.
 *
 * Telemetry: one span tree per call. `effect/ai`'s span (`LanguageModel.generateText`,
 * `LanguageModel.streamText`, `LanguageModel.generateObject`) is the parent of this package's
 * `chat {model}` span, which is the one GenAI span of the call (usage, cost, retries) and the one that
 * records the GenAI metrics. `effect/ai`'s span gets the GenAI attributes only when this package's
 * spans are off (`telemetry: false` or `{ spans: false }` in `OpenRouterConfig`), so no call is counted
 * twice.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Effect, Layer } from "effect"
 * import { LanguageModel } from "effect/ai"
 * import { OpenRouterConfig, Testing } from "effect-openrouter"
 * import * as OpenRouterLanguageModel from "effect-openrouter/OpenRouterLanguageModel"
 *
 * const program = LanguageModel.generateText({ prompt: "Say hello" }).pipe(
 *   Effect.map((response) => response.text),
 *   Effect.provide(OpenRouterLanguageModel.layer({ model: "openai/gpt-4o-mini" }))
 * )
 *
 * // for real: the key from OPENROUTER_API_KEY, undici as the HttpClient
 * export const main = program.pipe(
 *   Effect.provide(Layer.merge(OpenRouterConfig.layerConfig(), NodeHttpClient.layerUndici))
 * )
 *
 * // in a test: the same program against the scripted emulator
 * Effect.runPromise(program.pipe(Effect.provide(Testing.layerWithConfig(Testing.completion({ content: "Hello!" })))))
 *   .then((text) => strictEqual(text, "Hello!"))
 * ```
 *
 * @since 1.0.0
 */
import * as LanguageModel from "effect/ai/LanguageModel"
import * as AiModel from "effect/ai/Model"
import * as Prompt from "effect/ai/Prompt"
import type * as Response from "effect/ai/Response"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { Simplify } from "effect/Types"
import { readableParts } from "../../src/internal/provider/readableParts.js"
import { OpenRouterConfig } from "./Client.js"
import * as Provider from "./internal/provider/languageModel.js"
import type * as S from "./Schema.js"

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

/**
 * Request fields for the calls of a model: set them when building it (`model(name, config)`) or for
 * a part of a program (`withConfigOverride`). OpenRouter's own fields are typed: `provider` routing,
 * `models` fallbacks, `plugins`, `reasoning`, `transforms`, and every other chat request field.
 *
 * @since 1.0.0
 * @category context
 */
export class Config extends Context.Service<Config, Config.Service>()(
  "effect-openrouter/OpenRouterLanguageModel/Config"
) {
  /**
   * The config in the context, if any.
   *
   * @since 1.0.0
   * @category context
   */
  static readonly getOrUndefined: Effect.Effect<Config.Service | undefined> = Effect.map(
    Effect.serviceOption(Config),
    Option.getOrUndefined
  )
}

/**
 * The types of {@link Config}.
 *
 * @since 1.0.0
 * @category context
 */
export declare namespace Config {
  /**
   * The request fields a model sends with every call (wire names). `messages`, `tool_choice`,
   * `response_format` and `stream` come from the `effect/ai` call; `tools` listed here (e.g.
   * OpenRouter's server tools) are sent after the toolkit's functions.
   *
   * @since 1.0.0
   * @category models
   */
  export interface Service extends
    Simplify<
      Partial<RequestFields>
    >
  {
    /** Prompt transforms, e.g. `["middle-out"]` (accepted by OpenRouter, not in its OpenAPI document). */
    readonly transforms?: ReadonlyArray<string> | undefined
    /**
     * `strict` of the `json_schema` response format of `generateObject`. By default it is `true` when
     * strict mode accepts the schema (every object field required, no additional properties), else
     * it is `false` and the answer is still checked against the schema by `effect/ai`.
     */
    readonly strictJsonSchema?: boolean | undefined
  }
}

// `Omit` would keep only the index signature of `ChatRequest` (its `keyof` is `string`); a key remap
// keeps the known fields typed.
type RequestFields = {
  readonly [
    K in keyof S.ChatRequest as K extends "messages" | "tool_choice" | "response_format" | "stream" ? never : K
  ]: S.ChatRequest[K]
}

// ---------------------------------------------------------------------------
// Provider options and metadata
// ---------------------------------------------------------------------------

/**
 * A JSON value: `effect/ai` 4 checks provider options and metadata against `Schema.Json`, so the
 * OpenRouter entries below are JSON (a reasoning detail is a JSON object as OpenRouter sent it).
 *
 * @since 1.0.0
 * @category provider options
 */
export type JsonValue = null | boolean | number | string | ReadonlyArray<JsonValue> | {
  readonly [key: string]: JsonValue
}

// Type literals, not interfaces: effect/ai's `ProviderOptions` has a string index signature of JSON
// values, and only a type literal gets the implicit index signature that makes it fit.
/**
 * The OpenRouter options a prompt message or part may carry (`options: { openrouter: ... }`).
 *
 * @since 1.0.0
 * @category provider options
 */
export type PartOptions = {
  /** Anthropic-style cache breakpoint for this part (or, on a message, for its text). */
  readonly cacheControl?: { readonly type: "ephemeral"; readonly ttl?: string } | null
}

// Each `openrouter` property below carries a `@ts-ignore` directive, kept in the published .d.ts as a JSDoc
// comment: `effect/ai`'s `ProviderOptions` and `ProviderMetadata` are records whose values are JSON or
// `null`, and without `exactOptionalPropertyTypes` (TypeScript's default) an optional property's type also
// holds `undefined`, so a consumer checking its dependencies (`skipLibCheck: false`) would get TS2411 on each.
// With the directive the declarations check under both settings (scripts/typecheck-consumer.sh, run by
// the Effect 4 pack check); the properties' types are unchanged. `@ts-expect-error` would fail where there is
// no error (the settings under which this file is compiled): hence `@ts-ignore`, allowed here only.
/* eslint-disable @typescript-eslint/ban-ts-comment */
declare module "effect/ai/Prompt" {
  export interface SystemMessageOptions extends ProviderOptions {
    /** @ts-ignore without exactOptionalPropertyTypes this optional property also holds undefined, which effect/ai's JSON index type does not */
    readonly openrouter?: PartOptions | null
  }
  export interface UserMessageOptions extends ProviderOptions {
    /** @ts-ignore without exactOptionalPropertyTypes this optional property also holds undefined, which effect/ai's JSON index type does not */
    readonly openrouter?: PartOptions | null
  }
  export interface TextPartOptions extends ProviderOptions {
    /** @ts-ignore without exactOptionalPropertyTypes this optional property also holds undefined, which effect/ai's JSON index type does not */
    readonly openrouter?: PartOptions | null
  }
  export interface ReasoningPartOptions extends ProviderOptions {
    /** @ts-ignore without exactOptionalPropertyTypes this optional property also holds undefined, which effect/ai's JSON index type does not */
    readonly openrouter?: {
      /** The `reasoning_details` this reasoning came with; sent back unchanged. */
      readonly reasoningDetails?: ReadonlyArray<{ readonly [key: string]: JsonValue }> | null
    } | null
  }
  export interface FilePartOptions extends ProviderOptions {
    /** @ts-ignore without exactOptionalPropertyTypes this optional property also holds undefined, which effect/ai's JSON index type does not */
    readonly openrouter?:
      | {
        /** Anthropic-style cache breakpoint for this part. */
        readonly cacheControl?: { readonly type: "ephemeral"; readonly ttl?: string } | null
        /** `image_url.detail` for an image. */
        readonly imageDetail?: "auto" | "low" | "high" | "original" | null
        /** The file name sent with a file (default: the part's `fileName`). */
        readonly fileName?: string | null
      }
      | null
  }
}

declare module "effect/ai/Response" {
  export interface ReasoningPartMetadata extends ProviderMetadata {
    /** @ts-ignore without exactOptionalPropertyTypes this optional property also holds undefined, which effect/ai's JSON index type does not */
    readonly openrouter?: {
      /** The message's `reasoning_details`, as received. */
      readonly reasoningDetails?: ReadonlyArray<{ readonly [key: string]: JsonValue }> | null
    } | null
  }
  export interface ReasoningEndPartMetadata extends ProviderMetadata {
    /** @ts-ignore without exactOptionalPropertyTypes this optional property also holds undefined, which effect/ai's JSON index type does not */
    readonly openrouter?: {
      /** The `reasoning_details` of the stream's deltas for this reasoning part, folded into blocks. */
      readonly reasoningDetails?: ReadonlyArray<{ readonly [key: string]: JsonValue }> | null
    } | null
  }
  export interface TextPartMetadata extends ProviderMetadata {
    /** @ts-ignore without exactOptionalPropertyTypes this optional property also holds undefined, which effect/ai's JSON index type does not */
    readonly openrouter?: {
      /** The model's refusal, when it refused. */
      readonly refusal?: string | null
    } | null
  }
  export interface UrlSourcePartMetadata extends ProviderMetadata {
    /** @ts-ignore without exactOptionalPropertyTypes this optional property also holds undefined, which effect/ai's JSON index type does not */
    readonly openrouter?: {
      readonly content?: string | null
      readonly startIndex?: number | null
      readonly endIndex?: number | null
    } | null
  }
  export interface ResponseMetadataPartMetadata extends ProviderMetadata {
    /** @ts-ignore without exactOptionalPropertyTypes this optional property also holds undefined, which effect/ai's JSON index type does not */
    readonly openrouter?: {
      /** The provider that served the request. */
      readonly provider?: string | null
      /** The generation id (for cost look-ups). */
      readonly generationId?: string | null
    } | null
  }
  export interface FinishPartMetadata extends ProviderMetadata {
    /** @ts-ignore without exactOptionalPropertyTypes this optional property also holds undefined, which effect/ai's JSON index type does not */
    readonly openrouter?: {
      /** The generation id (for cost look-ups). */
      readonly generationId?: string | null
      /** The provider that served the request. */
      readonly provider?: string | null
      /** The model that answered (after routing and fallbacks). */
      readonly model?: string | null
      /** The cost of the call in credits (USD). */
      readonly cost?: number | null
      /** OpenRouter's `usage` object, as received. */
      readonly usage?: { readonly [key: string]: JsonValue } | null
      /** OpenRouter's `finish_reason`, as received. */
      readonly finishReason?: string | null
      /** The provider's own finish reason. */
      readonly nativeFinishReason?: string | null
    } | null
  }
}
/* eslint-enable @typescript-eslint/ban-ts-comment */

// ---------------------------------------------------------------------------
// Constructors
// ---------------------------------------------------------------------------

/**
 * What the language model needs from the context: the HTTP client and the configuration, as for
 * `Chat.send`.
 *
 * @since 1.0.0
 * @category models
 */
export type Requirements = HttpClient.HttpClient | OpenRouterConfig

/**
 * Builds the `LanguageModel` service for a model, reading `HttpClient` and `OpenRouterConfig` once.
 *
 * @since 1.0.0
 * @category constructors
 */
export const make = (options: {
  readonly model: string
  readonly config?: Omit<Config.Service, "model"> | undefined
}): Effect.Effect<LanguageModel.LanguageModel, never, Requirements> => Provider.make(options, Config.getOrUndefined)

/**
 * A layer that provides `LanguageModel` for a model.
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = (options: {
  readonly model: string
  readonly config?: Omit<Config.Service, "model"> | undefined
}): Layer.Layer<LanguageModel.LanguageModel, never, Requirements> =>
  Layer.effect(LanguageModel.LanguageModel, make(options))

/**
 * A model for `effect/ai`'s `Model` combinators (provide it, or switch between providers).
 *
 * @since 1.0.0
 * @category models
 */
export const model = <const Name extends string>(
  model: Name,
  config?: Omit<Config.Service, "model">
): AiModel.Model<"openrouter", LanguageModel.LanguageModel, Requirements> =>
  AiModel.make("openrouter", model, layer({ model, config }))

// Overrides that cannot be read (a getter that throws) are provided as given: the call they apply to
// reads them again to build its request, and fails there with the provider's typed error.
const merged = (config: Config.Service | undefined, overrides: Config.Service): Config.Service => {
  try {
    return { ...config, ...overrides }
  } catch {
    return overrides
  }
}

/**
 * Runs an effect with request fields that override the model's for its calls. Overrides that cannot be
 * read (a getter that throws) make each call they apply to fail with the provider's typed error before
 * anything is sent, never a defect.
 *
 * @since 1.0.0
 * @category configuration
 */
export const withConfigOverride: {
  (overrides: Config.Service): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, overrides: Config.Service): Effect.Effect<A, E, R>
} = dual(
  2,
  <A, E, R>(self: Effect.Effect<A, E, R>, overrides: Config.Service): Effect.Effect<A, E, R> =>
    Effect.flatMap(
      Config.getOrUndefined,
      (config) => Effect.provideService(self, Config, merged(config, overrides))
    )
)

/**
 * The prompt of a response's parts, for the next turn: `Prompt.fromResponseParts` itself, kept for
 * programs written against the 0.x edition. `effect/ai` 4 carries each part's metadata into the
 * prompt's options, so the `reasoning_details` of reasoning parts (signed or encrypted reasoning,
 * which Anthropic, Gemini and OpenAI require back between tool calls) go back unchanged either way.
 * Having no error channel, it leaves out what it cannot read as a part (a value that is not an object
 * with a `type`, a getter that throws), as `Prompt.fromResponseParts` leaves out a part type it does
 * not know; a value that is not an array gives the empty prompt.
 *
 * @since 1.0.0
 * @category prompt
 */
export const fromResponseParts = (parts: ReadonlyArray<Response.AnyPart>): Prompt.Prompt =>
  // Each part read on its own first, as the prompt will read it: one it cannot read is left out.
  Prompt.fromResponseParts(readableParts<Response.AnyPart>(parts, (part) => Prompt.fromResponseParts([part])))
