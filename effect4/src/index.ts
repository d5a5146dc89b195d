/**
 * effect-openrouter: an Effect client for OpenRouter chat completions.
 *
 * Every module is a namespace of the root (`import { Chat } from "effect-openrouter"`) and its own
 * subpath (`import * as Chat from "effect-openrouter/Chat"`); `TestServer` (Node only) is a subpath only.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert"
 * import { Effect } from "effect"
 * import { Chat, Testing } from "effect-openrouter"
 *
 * const program = Chat.send({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] })
 *
 * Effect.runPromise(program.pipe(Effect.provide(Testing.layerWithConfig(Testing.completion({ content: "Hello" })))))
 *   .then((response) => strictEqual(response.choices[0]?.message?.content, "Hello"))
 * ```
 *
 * @since 0.1.0
 */

/**
 * Chat completions: `send`, `stream`, `collect`.
 *
 * @since 0.1.0
 */
export * as Chat from "./Chat.js"

/**
 * The configuration service and the request pipeline.
 *
 * @since 0.1.0
 */
export * as Client from "./Client.js"

/**
 * Every failure as a tagged error.
 *
 * @since 0.1.0
 */
export * as Errors from "./Errors.js"

/**
 * Generation lookups: what a generation cost, after the fact (`Generation.get`).
 *
 * @since 0.2.0
 */
export * as Generation from "./Generation.js"

/**
 * The provider of `effect/ai`'s `LanguageModel`: `generateText`, `streamText`, `generateObject` and
 * toolkits on OpenRouter (also the subpath `effect-openrouter/OpenRouterLanguageModel`).
 *
 * @since 1.0.0
 */
export * as OpenRouterLanguageModel from "./OpenRouterLanguageModel.js"

/**
 * Retry policies.
 *
 * @since 0.1.0
 */
export * as Retry from "./Retry.js"

/**
 * Request and response schemas (wire field names).
 *
 * @since 0.1.0
 */
export * as Schema from "./Schema.js"

export {
  /**
   * The configuration service (also `Client.OpenRouterConfig`).
   *
   * @since 0.1.0
   * @category services
   */
  OpenRouterConfig
} from "./Client.js"

/**
 * Telemetry: GenAI spans and metrics of every call, and their options.
 *
 * @since 0.2.0
 */
export * as Telemetry from "./Telemetry.js"

/**
 * The test kit: script what OpenRouter answers and serve it as an in-process `HttpClient` layer
 * (the loopback server for Node is `effect-openrouter/TestServer`).
 *
 * @since 0.1.0
 */
export * as Testing from "./Testing.js"

/**
 * Structured output typed by a Schema: `send`, `stream`, `decode`, `responseFormat`.
 *
 * @since 0.2.0
 */
export * as Structured from "./Structured.js"

/**
 * The ways a structured answer can be unusable, as tagged errors.
 *
 * @since 0.2.0
 */
export * as StructuredError from "./StructuredError.js"

/**
 * Tools the model may call: `effect/ai`'s `Tool`, made with this package's extras (strict parameters,
 * the request's `tools` entry).
 *
 * @since 0.2.0
 */
export * as Tool from "./Tool.js"

/**
 * Toolkits: `effect/ai`'s `Toolkit`, with the request's `tools` array and typed decoded calls.
 *
 * @since 0.2.0
 */
export * as Toolkit from "./Toolkit.js"

/**
 * The ways a tool call can go wrong, and the bound of a tool loop, as tagged errors.
 *
 * @since 0.2.0
 */
export * as ToolError from "./ToolError.js"

/**
 * The tool loop: send, run the tools the model asks for, send their results back, until it answers.
 *
 * @since 0.2.0
 */
export * as ToolLoop from "./ToolLoop.js"
