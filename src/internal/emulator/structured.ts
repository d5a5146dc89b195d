/**
 * The structured-output answers of `Testing`: a valid answer for a Schema, content that is not JSON,
 * JSON that does not decode, a refusal, an answer cut by the token limit. Each is a completion or,
 * with `stream: true`, a stream whose content arrives in pieces.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import type * as Schema from "effect/Schema"
import type * as Testing from "../../Testing.js"
import { strictJsonSchema } from "../jsonSchema.js"
import * as Replies from "./replies.js"
import * as Wire from "./wire.js"

const DEFAULT_PIECE = 8

const split = (text: string, size: number): Array<string> => {
  const out: Array<string> = []
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size))
  return out.length === 0 ? [""] : out
}

const answer = (
  content: string | null,
  options: Testing.AnswerOptions | undefined,
  fields: { readonly refusal?: string; readonly finishReason?: string } = {}
): Testing.Reply => {
  const { pieceSize, stream, ...rest } = options ?? {}
  const finishReason = fields.finishReason ?? "stop"
  if (stream === true) {
    const size = Math.max(1, pieceSize ?? DEFAULT_PIECE)
    const deltas: Array<string | Testing.StreamDelta> = []
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
export const notJsonAnswer = (text?: string, options?: Testing.AnswerOptions): Testing.Reply =>
  answer(text ?? "Sure! Here is the JSON you asked for: {\"answer\": 42", options)

/** @internal */
export const mismatchedAnswer = (json: unknown, options?: Testing.AnswerOptions): Testing.Reply =>
  answer(JSON.stringify(json), options)

/** @internal */
export const refusalAnswer = (refusal?: string, options?: Testing.AnswerOptions): Testing.Reply =>
  answer(null, options, { refusal: refusal ?? "I'm sorry, I can't help with that request." })

/** @internal */
export const lengthCutAnswer = (text?: string, options?: Testing.AnswerOptions): Testing.Reply =>
  answer(text ?? "{\"city\": \"Par", options, { finishReason: "length" })
