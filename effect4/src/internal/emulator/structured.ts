/**
 * The structured-output answers of `Testing`: a valid answer for a Schema, content that is not JSON,
 * JSON that does not decode, a refusal, an answer cut by the token limit. Each is a completion or,
 * with `stream: true`, a stream whose content arrives in pieces.
 *
 * @internal
 */
import type * as Duration from "effect/Duration"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Replies from "../../../../src/internal/emulator/replies.js"
import type * as Types from "../../../../src/internal/emulator/types.js"
import * as Wire from "../../../../src/internal/emulator/wire.js"

type AnswerOptions = Types.AnswerOptions<Duration.Input>
type Reply = Types.Reply<Duration.Input>

const DEFAULT_PIECE = 8

const split = (text: string, size: number): Array<string> => {
  const out: Array<string> = []
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size))
  return out.length === 0 ? [""] : out
}

const answer = (
  content: string | null,
  options: AnswerOptions | undefined,
  fields: { readonly refusal?: string; readonly finishReason?: string } = {}
): Reply => {
  const { pieceSize, stream, ...rest } = options ?? {}
  const finishReason = fields.finishReason ?? "stop"
  if (stream === true) {
    const size = Math.max(1, pieceSize ?? DEFAULT_PIECE)
    const deltas: Array<string | Types.StreamDelta> = []
    if (content !== null) deltas.push(...split(content, size))
    if (fields.refusal !== undefined) {
      for (const piece of split(fields.refusal, size)) deltas.push({ refusal: piece })
    }
    return Replies.stream({ ...rest, deltas, finishReason })
  }
  if (fields.refusal === undefined) return Replies.completion({ ...rest, content, finishReason })
  const body = Wire.completionBody({ ...rest, content, finishReason })
  const choice = (body.choices as Array<{ message: Record<string, unknown> }>)[0]!
  choice.message.refusal = fields.refusal
  return Replies.json(200, body, Replies.mergeHeaders({ "x-generation-id": String(body.id) }, rest.headers), rest)
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
export const notJsonAnswer = (text?: string, options?: AnswerOptions): Reply =>
  answer(text ?? "Sure! Here is the JSON you asked for: {\"answer\": 42", options)

/** @internal */
export const mismatchedAnswer = (json: unknown, options?: AnswerOptions): Reply => answer(JSON.stringify(json), options)

/** @internal */
export const refusalAnswer = (refusal?: string, options?: AnswerOptions): Reply =>
  answer(null, options, { refusal: refusal ?? "I'm sorry, I can't help with that request." })

/** @internal */
export const lengthCutAnswer = (text?: string, options?: AnswerOptions): Reply =>
  answer(text ?? "{\"city\": \"Par", options, { finishReason: "length" })
