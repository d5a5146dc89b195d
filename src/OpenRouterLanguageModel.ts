/**
 * effect-openrouter as an `@effect/ai` provider: a `LanguageModel` built on `Chat.send` and
 * `Chat.stream`, so programs written against `@effect/ai` (`generateText`, `streamText`,
 * `generateObject`, toolkits with handlers) run on OpenRouter with this package's typed errors,
 * retries and timeouts. It reads `OpenRouterConfig` and `HttpClient` from the context, like `Chat`.
 *
 * Needs `@effect/ai` (an optional peer dependency); no other module of this package imports it.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert"
 * import { LanguageModel } from "@effect/ai"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Effect, Layer } from "effect"
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
 * @since 0.2.0
 */
import * as LanguageModel from "@effect/ai/LanguageModel"
import * as AiModel from "@effect/ai/Model"
import * as Prompt from "@effect/ai/Prompt"
import type * as Response from "@effect/ai/Response"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Layer from "effect/Layer"
import type { Simplify } from "effect/Types"
import { OpenRouterConfig } from "./Client.js"
import * as Provider from "./internal/provider/languageModel.js"
import { readableParts } from "./internal/provider/readableParts.js"
import type * as S from "./Schema.js"

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

/**
 * Request fields for the calls of a model: set them when building it (`model(name, config)`) or for
 * a part of a program (`withConfigOverride`). OpenRouter's own fields are typed: `provider` routing,
 * `models` fallbacks, `plugins`, `reasoning`, `transforms`, and every other chat request field.
 *
 * @since 0.2.0
 * @category context
 */
export class Config extends Context.Tag("effect-openrouter/OpenRouterLanguageModel/Config")<
  Config,
  Config.Service
>() {
  /**
   * The config in the context, if any.
   *
   * @since 0.2.0
   * @category context
   */
  static readonly getOrUndefined: Effect.Effect<Config.Service | undefined> = Effect.map(
    Effect.context<never>(),
    (context) => context.unsafeMap.get(Config.key) as Config.Service | undefined
  )
}

/**
 * The types of {@link Config}.
 *
 * @since 0.2.0
 * @category context
 */
export declare namespace Config {
  /**
   * The request fields a model sends with every call (wire names). `messages`, `tool_choice`,
   * `response_format` and `stream` come from the `@effect/ai` call; `tools` listed here (e.g.
   * OpenRouter's server tools) are sent after the toolkit's functions.
   *
   * @since 0.2.0
   * @category models
   */
  export interface Service extends
    Simplify<
      Partial<Omit<S.ChatRequest, "messages" | "tool_choice" | "response_format" | "stream">>
    >
  {
    /** Prompt transforms, e.g. `["middle-out"]` (accepted by OpenRouter, not in its OpenAPI document). */
    readonly transforms?: ReadonlyArray<string> | undefined
    /**
     * `strict` of the `json_schema` response format of `generateObject`. By default it is `true` when
     * strict mode accepts the schema (an object root, every object field required, no additional
     * properties), else it is `false` (a root that is not an object, an array or a union, which strict
     * mode refuses) and the answer is still checked against the schema by `@effect/ai`.
     */
    readonly strictJsonSchema?: boolean | undefined
  }
}

// ---------------------------------------------------------------------------
// Provider options and metadata
// ---------------------------------------------------------------------------

// A type literal, not an interface: `@effect/ai`'s `ProviderOptions` has a string index signature of
// records, and only a type literal gets the implicit index signature that makes it fit (an interface
// fails with TS2411 in every project that type-checks its libraries, `skipLibCheck: false`).
/**
 * The OpenRouter options a prompt message or part may carry (`options: { openrouter: ... }`).
 *
 * @since 0.2.0
 * @category provider options
 */
export type PartOptions = {
  /** Anthropic-style cache breakpoint for this part (or, on a message, for its text). */
  readonly cacheControl?: S.CacheControl | undefined
}

declare module "@effect/ai/Prompt" {
  export interface SystemMessageOptions extends ProviderOptions {
    readonly openrouter?: PartOptions | undefined
  }
  export interface UserMessageOptions extends ProviderOptions {
    readonly openrouter?: PartOptions | undefined
  }
  export interface TextPartOptions extends ProviderOptions {
    readonly openrouter?: PartOptions | undefined
  }
  export interface ReasoningPartOptions extends ProviderOptions {
    readonly openrouter?: {
      /** The `reasoning_details` this reasoning came with; sent back unchanged. */
      readonly reasoningDetails?: ReadonlyArray<S.ReasoningDetail> | undefined
    } | undefined
  }
  export interface FilePartOptions extends ProviderOptions {
    readonly openrouter?:
      | PartOptions & {
        /** `image_url.detail` for an image. */
        readonly imageDetail?: "auto" | "low" | "high" | "original" | undefined
        /** The file name sent with a file (default: the part's `fileName`). */
        readonly fileName?: string | undefined
      }
      | undefined
  }
}

declare module "@effect/ai/Response" {
  export interface ReasoningPartMetadata extends ProviderMetadata {
    readonly openrouter?: {
      /** The message's `reasoning_details`, as received. */
      readonly reasoningDetails?: ReadonlyArray<S.ReasoningDetail> | undefined
    } | undefined
  }
  export interface ReasoningEndPartMetadata extends ProviderMetadata {
    readonly openrouter?: {
      /** The `reasoning_details` of the stream's deltas for this reasoning part, as received. */
      readonly reasoningDetails?: ReadonlyArray<S.ReasoningDetail> | undefined
    } | undefined
  }
  export interface TextPartMetadata extends ProviderMetadata {
    readonly openrouter?: {
      /** The model's refusal, when it refused. */
      readonly refusal?: string | undefined
    } | undefined
  }
  export interface UrlSourcePartMetadata extends ProviderMetadata {
    readonly openrouter?: {
      readonly content?: string | undefined
      readonly startIndex?: number | undefined
      readonly endIndex?: number | undefined
    } | undefined
  }
  export interface ResponseMetadataPartMetadata extends ProviderMetadata {
    readonly openrouter?: {
      /** The provider that served the request. */
      readonly provider?: string | undefined
      /** The generation id (for cost look-ups). */
      readonly generationId?: string | undefined
    } | undefined
  }
  export interface FinishPartMetadata extends ProviderMetadata {
    readonly openrouter?: {
      /** The generation id (for cost look-ups). */
      readonly generationId?: string | undefined
      /** The provider that served the request. */
      readonly provider?: string | undefined
      /** The model that answered (after routing and fallbacks). */
      readonly model?: string | undefined
      /** The cost of the call in credits (USD). */
      readonly cost?: number | undefined
      /** OpenRouter's `usage` object, as received. */
      readonly usage?: S.Usage | undefined
      /** OpenRouter's `finish_reason`, as received. */
      readonly finishReason?: string | undefined
      /** The provider's own finish reason. */
      readonly nativeFinishReason?: string | undefined
    } | undefined
  }
}

// ---------------------------------------------------------------------------
// Constructors
// ---------------------------------------------------------------------------

/**
 * What the language model needs from the context: the HTTP client and the configuration, as for
 * `Chat.send`.
 *
 * @since 0.2.0
 * @category models
 */
export type Requirements = HttpClient.HttpClient | OpenRouterConfig

/**
 * Builds the `LanguageModel` service for a model, reading `HttpClient` and `OpenRouterConfig` once.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (options: {
  readonly model: string
  readonly config?: Omit<Config.Service, "model"> | undefined
}): Effect.Effect<LanguageModel.Service, never, Requirements> => Provider.make(options, Config.getOrUndefined)

/**
 * A layer that provides `LanguageModel` for a model.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: {
  readonly model: string
  readonly config?: Omit<Config.Service, "model"> | undefined
}): Layer.Layer<LanguageModel.LanguageModel, never, Requirements> =>
  Layer.effect(LanguageModel.LanguageModel, make(options))

/**
 * A model for `@effect/ai`'s `Model` combinators (provide it, or switch between providers).
 *
 * @since 0.2.0
 * @category models
 */
export const model = (
  model: string,
  config?: Omit<Config.Service, "model">
): AiModel.Model<"openrouter", LanguageModel.LanguageModel, Requirements> =>
  AiModel.make("openrouter", layer({ model, config }))

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
 * @since 0.2.0
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
 * Like `Prompt.fromResponseParts`, but keeps the `reasoning_details` of reasoning parts (which
 * `@effect/ai` 0.37 drops), so that the next turn sends them back unchanged, as models that sign or
 * encrypt their reasoning (Anthropic, Gemini, OpenAI) require when tools are used. Having no error
 * channel, it leaves out what it cannot read as a part (a value that is not an object with a `type`, a
 * getter that throws), as `Prompt.fromResponseParts` leaves out a part type it does not know; a value
 * that is not an array gives the empty prompt.
 *
 * @since 0.2.0
 * @category prompt
 */
export const fromResponseParts = (parts: ReadonlyArray<Response.AnyPart>): Prompt.Prompt => {
  const details: Array<ReadonlyArray<S.ReasoningDetail> | undefined> = []
  const detailsOf = (part: Response.AnyPart) =>
    part.type === "reasoning" || part.type === "reasoning-end"
      ? part.metadata?.openrouter?.reasoningDetails as ReadonlyArray<S.ReasoningDetail> | undefined
      : undefined
  // Each part read on its own first, as the prompt will read it: one it cannot read is left out.
  const readable = readableParts<Response.AnyPart>(parts, (part) => {
    Prompt.fromResponseParts([part])
    detailsOf(part)
  })
  const prompt = Prompt.fromResponseParts(readable)
  for (const part of readable) {
    if (part.type === "reasoning" || part.type === "reasoning-end") details.push(detailsOf(part))
  }
  if (details.every((d) => d === undefined)) return prompt
  let next = 0
  return Prompt.fromMessages(prompt.content.map((message) => {
    if (message.role !== "assistant") return message
    return Prompt.makeMessage("assistant", {
      content: message.content.map((part) => {
        if (part.type !== "reasoning") return part
        const reasoningDetails = details[next++]
        return reasoningDetails === undefined
          ? part
          : Prompt.makePart("reasoning", { text: part.text, options: { openrouter: { reasoningDetails } } })
      }),
      options: message.options
    })
  }))
}
