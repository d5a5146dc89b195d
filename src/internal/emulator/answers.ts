/**
 * The structured-output answers that need no Schema (content that is not JSON, JSON that does not
 * decode, a refusal, an answer cut by the token limit), and the completion-or-stream shape every
 * structured answer takes. Effect-free, shared by both editions; each edition's `structured.ts`
 * adds `jsonAnswer`, which encodes with its Schema.
 *
 * @internal
 */
import { describeThrown } from "../transport/snapshot.js"
import { readObject, readString, Unreadable } from "./guard.js"
import * as Replies from "./replies.js"
import type * as Testing from "./types.js"
import * as Wire from "./wire.js"

/** @internal */
export const DEFAULT_PIECE = 8

const split = (text: string, size: number): Array<string> => {
  const out: Array<string> = []
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size))
  return out.length === 0 ? [""] : out
}

/**
 * A completion with this content (and refusal, finish reason) or, with `stream: true`, a stream
 * whose content arrives in pieces of `pieceSize` characters.
 *
 * @internal
 */
export const answer = <D = never>(
  content: string | null,
  options: Testing.AnswerOptions<D> | undefined,
  fields: { readonly refusal?: string; readonly finishReason?: string } = {},
  who = "Testing.jsonAnswer"
): Testing.Reply<D> => Replies.guarded(who, () => answerReply(content, readObject(who, "options", options), fields))

const answerReply = <D>(
  content: string | null,
  options: Testing.AnswerOptions<D>,
  fields: { readonly refusal?: string; readonly finishReason?: string }
): Testing.Reply<D> => {
  const { pieceSize, stream, ...rest } = options
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
export const notJsonAnswer = <D = never>(text?: string, options?: Testing.AnswerOptions<D>): Testing.Reply<D> =>
  Replies.guarded("Testing.notJsonAnswer", () => {
    readString("Testing.notJsonAnswer", "text", text)
    return answer(text ?? "Sure! Here is the JSON you asked for: {\"answer\": 42", options, {}, "Testing.notJsonAnswer")
  })

/** @internal */
export const mismatchedAnswer = <D = never>(json: unknown, options?: Testing.AnswerOptions<D>): Testing.Reply<D> =>
  Replies.guarded("Testing.mismatchedAnswer", () => {
    let text: string | undefined
    try {
      text = JSON.stringify(json)
    } catch (e) {
      throw new Unreadable(`Testing.mismatchedAnswer: json cannot be written as JSON: ${describeThrown(e)}`)
    }
    return answer(text, options, {}, "Testing.mismatchedAnswer")
  })

/** @internal */
export const refusalAnswer = <D = never>(refusal?: string, options?: Testing.AnswerOptions<D>): Testing.Reply<D> =>
  Replies.guarded("Testing.refusalAnswer", () => {
    readString("Testing.refusalAnswer", "refusal", refusal)
    return answer(
      null,
      options,
      { refusal: refusal ?? "I'm sorry, I can't help with that request." },
      "Testing.refusalAnswer"
    )
  })

/** @internal */
export const lengthCutAnswer = <D = never>(text?: string, options?: Testing.AnswerOptions<D>): Testing.Reply<D> =>
  Replies.guarded("Testing.lengthCutAnswer", () => {
    readString("Testing.lengthCutAnswer", "text", text)
    return answer(text ?? "{\"city\": \"Par", options, { finishReason: "length" }, "Testing.lengthCutAnswer")
  })
