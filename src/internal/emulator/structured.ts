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
import { isRecord } from "../json.js"
import { strictJsonSchema } from "../jsonSchema.js"
import { FINAL_ANSWER } from "../toolCalls.js"
import * as Replies from "./replies.js"
import * as ToolReplies from "./toolReplies.js"
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

/** Whether a tool loop asks for its output with the `final_answer` tool (and not `response_format`). */
const asksWithTool = (request: Testing.RecordedRequest): boolean => {
  const body = request.body as { readonly tools?: unknown; readonly response_format?: unknown } | undefined
  if (typeof body !== "object" || body === null || body.response_format !== undefined) return false
  return Array.isArray(body.tools) &&
    body.tools.some((tool: { readonly function?: { readonly name?: unknown } } | null) =>
      tool?.function?.name === FINAL_ANSWER
    )
}

/** @internal */
export const finalAnswer = <A, I, R>(
  schema: Schema.Schema<A, I, R>,
  value: A,
  options: Testing.ToolReplyOptions = {}
): (request: Testing.RecordedRequest) => Testing.Reply =>
(request) => {
  const text = strictText(schema, value, "Testing.finalAnswer")
  if (Either.isLeft(text)) return Replies.scriptError(text.left)
  if (asksWithTool(request)) {
    return ToolReplies.callTools([{ name: FINAL_ANSWER, arguments: text.right }], options)(request)
  }
  const { argumentsChunkSize, content: _content, ...rest } = options
  const stream = isRecord(request.body) && request.body.stream === true
  return answer(text.right, { ...rest, stream, pieceSize: argumentsChunkSize ?? DEFAULT_PIECE })
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
