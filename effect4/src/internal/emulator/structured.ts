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
import { answer } from "../../../../src/internal/emulator/answers.js"
import * as Replies from "../../../../src/internal/emulator/replies.js"
import type * as Types from "../../../../src/internal/emulator/types.js"

type AnswerOptions = Types.AnswerOptions<Duration.Input>
type Reply = Types.Reply<Duration.Input>

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
  let encoded: Result.Result<unknown, Schema.SchemaError>
  try {
    encoded = Schema.encodeUnknownResult(Schema.toCodecJson(schema))(value)
  } catch (e) {
    return Replies.scriptError(`Testing.jsonAnswer: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (Result.isFailure(encoded)) {
    return Replies.scriptError(
      `Testing.jsonAnswer: the value does not encode with the Schema: ${encoded.failure.message}`
    )
  }
  return answer(JSON.stringify(encoded.success), options)
}

/** @internal */
export {
  lengthCutAnswer,
  mismatchedAnswer,
  notJsonAnswer,
  refusalAnswer
} from "../../../../src/internal/emulator/answers.js"
