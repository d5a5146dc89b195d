/**
 * The structured-output answers of `Testing`: a valid answer for a Schema here (it encodes with this
 * edition's Schema); content that is not JSON, JSON that does not decode, a refusal and an answer cut
 * by the token limit from the shared `answers.ts`. Each is a completion or, with `stream: true`, a
 * stream whose content arrives in pieces.
 *
 * @internal
 */
import type * as Duration from "effect/Duration"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { answer, DEFAULT_PIECE } from "../../../../src/internal/emulator/answers.js"
import * as Replies from "../../../../src/internal/emulator/replies.js"
import * as ToolReplies from "../../../../src/internal/emulator/toolReplies.js"
import type * as Types from "../../../../src/internal/emulator/types.js"
import { FINAL_ANSWER } from "../../../../src/internal/tool/toolCalls.js"
import { isRecord } from "../../../../src/internal/transport/json.js"
import { strictJsonSchema } from "../structured/jsonSchema.js"

type AnswerOptions = Types.AnswerOptions<Duration.Input>
type ToolReplyOptions = Types.ToolReplyOptions<Duration.Input>
type Reply = Types.Reply<Duration.Input>

/**
 * The value as JSON through the Schema's JSON codec (`Schema.toCodecJson`): what a model following the
 * Schema's JSON Schema sends; or why it has none (for the emulator's 500, naming `who`).
 */
const encodeJson = <A, I, RD>(
  schema: Schema.Codec<A, I, RD, never>,
  value: A,
  who: string
): Result.Result<unknown, string> => {
  let encoded: Result.Result<unknown, Schema.SchemaError>
  try {
    encoded = Schema.encodeUnknownResult(Schema.toCodecJson(schema))(value)
  } catch (e) {
    return Result.fail(`${who}: ${e instanceof Error ? e.message : String(e)}`)
  }
  return Result.isFailure(encoded)
    ? Result.fail(`${who}: the value does not encode with the Schema: ${encoded.failure.message}`)
    : Result.succeed(encoded.success)
}

/**
 * The value as JSON text through the Schema's JSON codec (`Schema.toCodecJson`): what a model
 * following the Schema's JSON Schema sends.
 *
 * @internal
 */
export const jsonAnswer = <A, I, RD>(
  schema: Schema.Codec<A, I, RD, never>,
  value: A,
  options?: AnswerOptions
): Reply => {
  const encoded = encodeJson(schema, value, "Testing.jsonAnswer")
  return Result.isFailure(encoded)
    ? Replies.scriptError(encoded.failure)
    : answer(JSON.stringify(encoded.success), options)
}

/**
 * A tool loop's final answer: a `final_answer` call whose arguments are the value as {@link jsonAnswer}
 * encodes it (wrapped as `{ value }` when the Schema's root is not an object, as the tool's parameters
 * are) when the request offers that tool; else the value as JSON content.
 *
 * @internal
 */
export const finalAnswer = <A, I, RD>(
  schema: Schema.Codec<A, I, RD, never>,
  value: A,
  options: ToolReplyOptions = {}
): (request: Types.RecordedRequest) => Reply =>
(request) => {
  const encoded = encodeJson(schema, value, "Testing.finalAnswer")
  if (Result.isFailure(encoded)) return Replies.scriptError(encoded.failure)
  if (ToolReplies.asksWithTool(request)) {
    let wrapped: boolean
    try {
      wrapped = strictJsonSchema(schema).wrapped
    } catch (e) {
      return Replies.scriptError(`Testing.finalAnswer: ${e instanceof Error ? e.message : String(e)}`)
    }
    const args = wrapped ? { value: encoded.success } : encoded.success
    return ToolReplies.callTools([{ name: FINAL_ANSWER, arguments: JSON.stringify(args) }], options)(request)
  }
  const { argumentsChunkSize, content: _content, ...rest } = options
  const stream = isRecord(request.body) && request.body.stream === true
  return answer(JSON.stringify(encoded.success), { ...rest, stream, pieceSize: argumentsChunkSize ?? DEFAULT_PIECE })
}

/** @internal */
export {
  lengthCutAnswer,
  mismatchedAnswer,
  notJsonAnswer,
  refusalAnswer
} from "../../../../src/internal/emulator/answers.js"
