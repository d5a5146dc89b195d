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
import { strictJsonSchema } from "../structured/jsonSchema.js"
import { FINAL_ANSWER } from "../tool/toolCalls.js"
import { isRecord } from "../transport/json.js"
import { answer, DEFAULT_PIECE } from "./answers.js"
import * as Replies from "./replies.js"
import * as ToolReplies from "./toolReplies.js"

/** The JSON text of a value in the strict form, or why it has none (for the emulator's 500). */
const strictText = <A, I, R>(
  schema: Schema.Schema<A, I, R>,
  value: A,
  who: string
): Either.Either<string, string> => {
  let encoded: Either.Either<unknown, ParseResult.ParseIssue>
  try {
    encoded = ParseResult.encodeEither(strictJsonSchema(schema).wire as Schema.Schema<A, unknown>)(value)
  } catch (e) {
    return Either.left(`${who}: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (Either.isLeft(encoded)) {
    return Either.left(
      `${who}: the value does not encode with the Schema: ${ParseResult.TreeFormatter.formatIssueSync(encoded.left)}`
    )
  }
  return Either.right(JSON.stringify(encoded.right))
}

/** @internal */
export const jsonAnswer = <A, I, R>(
  schema: Schema.Schema<A, I, R>,
  value: A,
  options?: Testing.AnswerOptions
): Testing.Reply =>
  Either.match(strictText(schema, value, "Testing.jsonAnswer"), {
    onLeft: Replies.scriptError,
    onRight: (text) => answer(text, options)
  })

/** @internal */
export const finalAnswer = <A, I, R>(
  schema: Schema.Schema<A, I, R>,
  value: A,
  options: Testing.ToolReplyOptions = {}
): (request: Testing.RecordedRequest) => Testing.Reply =>
(request) => {
  const text = strictText(schema, value, "Testing.finalAnswer")
  if (Either.isLeft(text)) return Replies.scriptError(text.left)
  if (ToolReplies.asksWithTool(request)) {
    return ToolReplies.callTools([{ name: FINAL_ANSWER, arguments: text.right }], options)(request)
  }
  const { argumentsChunkSize, content: _content, ...rest } = options
  const stream = isRecord(request.body) && request.body.stream === true
  return answer(text.right, { ...rest, stream, pieceSize: argumentsChunkSize ?? DEFAULT_PIECE })
}

/** @internal */
export { lengthCutAnswer, mismatchedAnswer, notJsonAnswer, refusalAnswer } from "./answers.js"
