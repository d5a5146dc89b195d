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
 * The value as JSON text in the strict form `Structured` asks for (optional fields as `null`, records
 * as `[key, value]` pairs, a root that is not an object wrapped as `{ value }`): what a model following
 * the request's JSON Schema sends; or why it has none (for the emulator's 500, naming `who`): a Schema
 * strict mode cannot express (which `Structured` refuses too), or a value that does not encode.
 */
const strictText = <A, I, RD>(
  schema: Schema.Codec<A, I, RD, never>,
  value: A,
  who: string
): Result.Result<string, string> => {
  let encoded: Result.Result<unknown, Schema.SchemaError>
  try {
    encoded = strictJsonSchema(schema).encode(value)
  } catch (e) {
    return Result.fail(`${who}: ${e instanceof Error ? e.message : String(e)}`)
  }
  return Result.isFailure(encoded)
    ? Result.fail(`${who}: the value does not encode with the Schema: ${encoded.failure.message}`)
    : Result.succeed(JSON.stringify(encoded.success))
}

/**
 * The value as JSON text in the strict form (see {@link strictText}).
 *
 * @internal
 */
export const jsonAnswer = <A, I, RD>(
  schema: Schema.Codec<A, I, RD, never>,
  value: A,
  options?: AnswerOptions
): Reply => {
  const text = strictText(schema, value, "Testing.jsonAnswer")
  return Result.isFailure(text) ? Replies.scriptError(text.failure) : answer(text.success, options)
}

/**
 * A tool loop's final answer: a `final_answer` call whose arguments are the value as {@link jsonAnswer}
 * sends it (the strict form is the tool's parameters too) when the request offers that tool; else the
 * value as JSON content.
 *
 * @internal
 */
export const finalAnswer = <A, I, RD>(
  schema: Schema.Codec<A, I, RD, never>,
  value: A,
  options: ToolReplyOptions = {}
): (request: Types.RecordedRequest) => Reply =>
(request) => {
  const text = strictText(schema, value, "Testing.finalAnswer")
  if (Result.isFailure(text)) return Replies.scriptError(text.failure)
  if (ToolReplies.asksWithTool(request)) {
    return ToolReplies.callTools([{ name: FINAL_ANSWER, arguments: text.success }], options)(request)
  }
  const { argumentsChunkSize, content: _content, ...rest } = options
  const stream = isRecord(request.body) && request.body.stream === true
  return answer(text.success, { ...rest, stream, pieceSize: argumentsChunkSize ?? DEFAULT_PIECE })
}

/** @internal */
export {
  lengthCutAnswer,
  mismatchedAnswer,
  notJsonAnswer,
  refusalAnswer
} from "../../../../src/internal/emulator/answers.js"
