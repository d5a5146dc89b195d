/**
 * The ways a structured answer (`Structured.send`, `Structured.stream`) can be unusable, as tagged
 * errors. They belong to the structured calls' error unions only: `Chat.send` and `Chat.stream`
 * keep theirs.
 *
 * Each carries the `response` (usage, cost, provider, id), so a failed answer is still accounted for,
 * and `attempts` (how many answers were asked for, re-asks included).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert"
 * import { Effect, Schema } from "effect"
 * import { Structured, Testing } from "effect-openrouter"
 *
 * const Answer = Schema.Struct({ answer: Schema.Number })
 *
 * const program = Structured.send(Answer, { messages: [{ role: "user", content: "6 times 7?" }] }).pipe(
 *   Effect.map(({ value }) => `the answer is ${value.answer}`),
 *   Effect.catchTags({
 *     OutputDecodeError: (e) => Effect.succeed(`wrong shape at ${e.issues.map((i) => i.path).join(", ")}`),
 *     RefusalError: (e) => Effect.succeed(`refused: ${e.refusal}`)
 *   })
 * )
 *
 * // a model that answers JSON of the wrong shape: a typed error, with the response for its cost
 * Effect.runPromise(program.pipe(Effect.provide(Testing.layerWithConfig(Testing.mismatchedAnswer({ answer: "42" })))))
 *   .then((text) => strictEqual(text, "wrong shape at answer"))
 * ```
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import * as S from "./Schema.js"

const outputFields = {
  /** What went wrong, in a sentence. */
  message: Schema.String,
  /** The response whose answer could not be used (for a stream: the chunks folded by `Chat.collect`). */
  response: S.ChatResponse,
  /** The generation id (`response.id`), when there is one. */
  generationId: Schema.optional(Schema.String),
  /** How many answers were asked for (1, plus the re-asks). */
  attempts: Schema.Number
}

/**
 * One place where the answer does not match the Schema.
 *
 * @since 0.2.0
 * @category models
 */
export const OutputIssue = Schema.Struct({
  /** Where, as a dotted path into the value (`""` for the value itself), e.g. `items.0.price`. */
  path: Schema.String,
  /** What the Schema expected there. */
  message: Schema.String
})

/**
 * One place where the answer does not match the Schema.
 *
 * @since 0.2.0
 * @category models
 */
export interface OutputIssue extends Schema.Schema.Type<typeof OutputIssue> {}

/**
 * The answer's content is not JSON. `text` is the content as received; `issue` is the JSON parser's
 * message.
 *
 * @since 0.2.0
 * @category errors
 */
export class OutputNotJsonError extends Schema.TaggedError<OutputNotJsonError>()("OutputNotJsonError", {
  ...outputFields,
  /** The content as received. */
  text: Schema.String,
  /** The JSON parser's message. */
  issue: Schema.String
}) {}

/**
 * The answer is JSON but does not decode with the Schema. `text` is the content as received;
 * `issues` lists every mismatch with its path.
 *
 * @since 0.2.0
 * @category errors
 */
export class OutputDecodeError extends Schema.TaggedError<OutputDecodeError>()("OutputDecodeError", {
  ...outputFields,
  /** The content as received. */
  text: Schema.String,
  /** Every mismatch, with its path. */
  issues: Schema.Array(OutputIssue)
}) {}

/**
 * The model refused to answer (`message.refusal`).
 *
 * @since 0.2.0
 * @category errors
 */
export class RefusalError extends Schema.TaggedError<RefusalError>()("RefusalError", {
  ...outputFields,
  /** The model's refusal, as sent. */
  refusal: Schema.String
}) {}

/**
 * The answer was cut off by the token limit (`finish_reason: "length"`), so its JSON is incomplete.
 * `text` holds what arrived; raising `max_tokens` is the usual fix.
 *
 * @since 0.2.0
 * @category errors
 */
export class OutputTruncatedError extends Schema.TaggedError<OutputTruncatedError>()("OutputTruncatedError", {
  ...outputFields,
  /** The content that arrived before the cut. */
  text: Schema.String,
  /** `"length"`. */
  finishReason: Schema.String
}) {}

/**
 * The answer has no content at all: no choice, or a `null` / empty / blank content (and no refusal).
 *
 * @since 0.2.0
 * @category errors
 */
export class EmptyOutputError extends Schema.TaggedError<EmptyOutputError>()("EmptyOutputError", {
  ...outputFields,
  /** The choice's `finish_reason`, when there is one (e.g. `content_filter`). */
  finishReason: Schema.optional(Schema.String)
}) {}

/**
 * Every way a structured answer can be unusable.
 *
 * @since 0.2.0
 * @category models
 */
export type OutputError =
  | OutputNotJsonError
  | OutputDecodeError
  | RefusalError
  | OutputTruncatedError
  | EmptyOutputError
