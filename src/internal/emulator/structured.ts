/**
 * The structured-output answers of `Testing`: a valid answer for a Schema here (it encodes with this
 * edition's Schema); content that is not JSON, JSON that does not decode, a refusal and an answer cut
 * by the token limit from the shared `answers.ts`. Each is a completion or, with `stream: true`, a
 * stream whose content arrives in pieces.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import type * as Schema from "effect/Schema"
import type * as Testing from "../../Testing.js"
import { strictJsonSchema } from "../jsonSchema.js"
import { answer } from "./answers.js"
import * as Replies from "./replies.js"

/** @internal */
export const jsonAnswer = <A, I, R>(
  schema: Schema.Schema<A, I, R>,
  value: A,
  options?: Testing.AnswerOptions
): Testing.Reply => {
  let encoded: Either.Either<unknown, ParseResult.ParseIssue>
  try {
    encoded = ParseResult.encodeEither(strictJsonSchema(schema).wire as Schema.Schema<A, unknown>)(value)
  } catch (e) {
    return Replies.scriptError(`Testing.jsonAnswer: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (Either.isLeft(encoded)) {
    return Replies.scriptError(
      `Testing.jsonAnswer: the value does not encode with the Schema: ${
        ParseResult.TreeFormatter.formatIssueSync(encoded.left)
      }`
    )
  }
  return answer(JSON.stringify(encoded.right), options)
}

/** @internal */
export { lengthCutAnswer, mismatchedAnswer, notJsonAnswer, refusalAnswer } from "./answers.js"
