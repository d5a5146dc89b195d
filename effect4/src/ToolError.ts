/**
 * The ways a tool call can go wrong before or after its handler runs, and the bound of a tool loop,
 * as tagged errors.
 *
 * A call the model makes is checked against the toolkit: an unknown tool name
 * ({@link UnknownToolError}), arguments that are not JSON ({@link MalformedArgumentsError}) and
 * arguments that do not decode with the tool's parameters Schema ({@link InvalidArgumentsError}) each
 * carry the raw call as the model sent it. Together they are {@link CallError}. A tool loop that is still
 * asked for tools after its last round fails with {@link MaxRoundsError}, carrying the transcript.
 *
 * The same errors, fields and messages as the Effect 3 edition. They are this package's, not
 * `effect/ai`'s `AiError` reasons: `LanguageModel.generateText` reports a bad call with `effect/ai`'s
 * `ToolNotFoundError` / `ToolParameterValidationError`; `ToolLoop` and `Toolkit.decodeCall` with these.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert"
 * import { Effect, Schema } from "effect"
 * import { Testing, Tool, Toolkit, ToolLoop } from "effect-openrouter"
 *
 * const Now = Tool.make("now", { description: "The current time", success: Schema.String })
 * const Tools = Toolkit.make(Now)
 *
 * const program = ToolLoop.run({ messages: [{ role: "user", content: "What time is it?" }] }, { toolkit: Tools, maxRounds: 2 }).pipe(
 *   Effect.map((result) => result.response.choices[0]?.message?.content ?? ""),
 *   Effect.catchTags({
 *     MaxRoundsError: (e) => Effect.succeed(`gave up after ${e.maxRounds} rounds`),
 *     UnknownToolError: (e) => Effect.succeed(`no tool named ${e.name}`)
 *   }),
 *   Effect.provide(Tools.toLayer({ now: () => Effect.succeed("12:00") }))
 * )
 *
 * // a model that never stops calling tools
 * Effect.runPromise(program.pipe(Effect.provide(Testing.layerWithConfig(Testing.callTools([{ name: "now", arguments: {} }])))))
 *   .then((text) => strictEqual(text, "gave up after 2 rounds"))
 * ```
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import * as S from "./Schema.js"

const callFields = {
  /** The id of the call (the model's, or one made up when the model sent none). */
  id: Schema.String,
  /** The tool name the model asked for (`""` when it sent none). */
  name: Schema.String,
  /** The call exactly as the model sent it. */
  call: S.ResponseToolCall,
  /** What went wrong, in words fit to send back to the model. */
  message: Schema.String
}

/**
 * The model called a tool that is not in the toolkit.
 *
 * @since 0.2.0
 * @category errors
 */
export class UnknownToolError extends Schema.TaggedError<UnknownToolError>()("UnknownToolError", {
  ...callFields,
  /** The names of the tools the toolkit has. */
  available: Schema.Array(Schema.String)
}) {}

/**
 * The arguments of a call are not JSON (`""` counts as `{}`), or are JSON nested deeper than 128
 * levels (refused before parsing, as a request nested that deep is).
 *
 * @since 0.2.0
 * @category errors
 */
export class MalformedArgumentsError extends Schema.TaggedError<MalformedArgumentsError>()(
  "MalformedArgumentsError",
  {
    ...callFields,
    /** The arguments text as received. */
    arguments: Schema.String
  }
) {}

/**
 * The arguments of a call are JSON but do not decode with the tool's parameters Schema.
 *
 * @since 0.2.0
 * @category errors
 */
export class InvalidArgumentsError extends Schema.TaggedError<InvalidArgumentsError>()("InvalidArgumentsError", {
  ...callFields,
  /** The parsed arguments. */
  arguments: Schema.Unknown
}) {}

/**
 * A call the toolkit cannot run: an unknown tool, or arguments that are not JSON or do not decode.
 *
 * @since 0.2.0
 * @category errors
 */
export type CallError = UnknownToolError | MalformedArgumentsError | InvalidArgumentsError

/**
 * A handler's result (or, with `failureMode: "return"`, its failure) does not encode with the tool's
 * `success` (or `failure`) Schema, or its encoded form is not JSON-serialisable, so it cannot be sent
 * back to the model. Also when there is no result to send: the tool has no handler (none provided by
 * `Toolkit.toLayer`), or its handler is not a function, throws, or does not return an Effect.
 *
 * @since 0.2.0
 * @category errors
 */
export class InvalidResultError extends Schema.TaggedError<InvalidResultError>()("InvalidResultError", {
  /** The id of the call whose result this is. */
  id: Schema.String,
  /** The tool name. */
  name: Schema.String,
  /** What went wrong. */
  message: Schema.String
}) {}

/**
 * The model still asked for tools in the last round a tool loop allows. `transcript` holds the
 * conversation up to that reply (its tool calls were not run); `response` is that reply.
 *
 * @since 0.2.0
 * @category errors
 */
export class MaxRoundsError extends Schema.TaggedError<MaxRoundsError>()("MaxRoundsError", {
  /** The bound: how many requests the loop sent. */
  maxRounds: Schema.Number,
  /** Every message of the conversation, the request's first, then one assistant and its tool messages per round. */
  transcript: Schema.Array(S.Message),
  /** The last reply, which asked for tools again. */
  response: S.ChatResponse,
  /** What happened. */
  message: Schema.String
}) {}
