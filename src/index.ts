/**
 * effect-openrouter: an Effect client for OpenRouter chat completions.
 *
 * Every module is a namespace of the root (`import { Chat } from "effect-openrouter"`) and its own
 * subpath (`import * as Chat from "effect-openrouter/Chat"`); `TestServer` (Node only) and
 * `OpenRouterLanguageModel` (needs Effect's AI package, an optional peer) are subpaths only.
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
 * Tools typed by Schema: a name, a description, parameters, result and failure Schemas.
 *
 * @since 0.2.0
 */
export * as Tool from "./Tool.js"

/**
 * The failures of tool calls (unknown tool, arguments that are not JSON or do not decode) and of a
 * tool loop (its bound).
 *
 * @since 0.2.0
 */
export * as ToolError from "./ToolError.js"

/**
 * A set of tools: the request's `tools` array, decoding of the model's calls, handlers as a layer.
 *
 * @since 0.2.0
 */
export * as Toolkit from "./Toolkit.js"

/**
 * A bounded tool loop over `Chat.send` / `Chat.stream`, with handlers as Effects.
 *
 * @since 0.2.0
 */
export * as ToolLoop from "./ToolLoop.js"
