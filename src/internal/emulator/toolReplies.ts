/**
 * Scripted replies for tool loops: a model that calls tools, a model that answers, and a script
 * that answers by the round of the loop a request belongs to.
 *
 * @internal
 */
import { REASK_PREFIX } from "../structured/extractJson.js"
import { FINAL_ANSWER } from "../tool/toolCalls.js"
import { isRecord } from "../transport/json.js"
import { shownValue } from "../transport/snapshot.js"
import { problemOf, readObject, readString, Unreadable } from "./guard.js"
import * as Replies from "./replies.js"
import type * as Testing from "./types.js"
import * as Wire from "./wire.js"

const wantsStream = (request: Testing.RecordedRequest): boolean =>
  isRecord(request.body) && request.body.stream === true

/** Splits a text into pieces of `size` characters (at least one piece). */
const split = (text: string, size: number): ReadonlyArray<string> => {
  if (text.length <= size) return [text]
  const out: Array<string> = []
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size))
  return out
}

/** @internal */
export const callTools = <D = never>(
  givenCalls: ReadonlyArray<Testing.ToolCall>,
  given?: Testing.ToolReplyOptions<D>
): (request: Testing.RecordedRequest) => Testing.Reply<D> => {
  const who = "Testing.callTools"
  let calls: ReadonlyArray<Testing.ToolCall>
  let options: Testing.ToolReplyOptions<D>
  try {
    if (!Array.isArray(givenCalls)) {
      throw new Unreadable(`${who}: calls must be an array, got ${shownValue(givenCalls)}`)
    }
    calls = givenCalls.map((call, i) => readObject(who, `calls[${i}]`, call, true))
    options = readObject(who, "options", given)
    readString(who, "options.content", options.content)
  } catch (e) {
    return Replies.failingScript(problemOf(who, e))
  }
  return (request) => Replies.guarded(who, () => callToolsReply(calls, options, request))
}

const callToolsReply = <D>(
  calls: ReadonlyArray<Testing.ToolCall>,
  options: Testing.ToolReplyOptions<D>,
  request: Testing.RecordedRequest
): Testing.Reply<D> => {
  if (!wantsStream(request)) {
    return Replies.completion({
      ...options,
      ...(options.content === undefined ? {} : { content: options.content }),
      toolCalls: calls
    })
  }
  const size = options.argumentsChunkSize
  const streamed = size === undefined || !(size >= 1) ? calls : calls.map((call) => ({
    ...call,
    arguments: split(Wire.argumentsText(call.arguments).join(""), Math.floor(size))
  }))
  return Replies.stream({
    ...options,
    ...(options.content === undefined ? {} : { deltas: options.content.match(/\S+\s*|\s+/g) ?? [options.content] }),
    toolCalls: streamed
  })
}

/** @internal */
export const answer = <D = never>(
  content: string,
  given?: Testing.ToolReplyOptions<D>
): (request: Testing.RecordedRequest) => Testing.Reply<D> => {
  const who = "Testing.answer"
  let options: Testing.ToolReplyOptions<D>
  try {
    readString(who, "content", content, true)
    options = readObject(who, "options", given)
  } catch (e) {
    return Replies.failingScript(problemOf(who, e))
  }
  return (request) =>
    Replies.guarded(who, () =>
      wantsStream(request)
        ? Replies.stream({ ...options, deltas: content.match(/\S+\s*|\s+/g) ?? [content] })
        : Replies.completion({ ...options, content }))
}

/**
 * The round of a tool loop a request belongs to: how many assistant messages follow its last user
 * message (0 for the first request, 1 after one round of tool calls, ...). Retries of a request
 * stay in its round. A user message that asks again for an unusable answer (`retries`,
 * `outputRetries`) is part of the conversation, not the start of a new one: the answer asked again is
 * the next round.
 *
 * @internal
 */
export const roundOf = (request: Testing.RecordedRequest): number => {
  try {
    const messages = isRecord(request) && isRecord(request.body) && Array.isArray(request.body.messages)
      ? request.body.messages
      : []
    let round = 0
    for (let i = messages.length - 1; i >= 0; i--) {
      const message: unknown = messages[i]
      const role = isRecord(message) ? message.role : undefined
      if (role === "user" && !(isRecord(message) && isReask(message.content))) break
      if (role === "assistant") round++
    }
    return round
  } catch {
    // A request whose messages cannot be read has none that count: the first round.
    return 0
  }
}

const isReask = (content: unknown): boolean => typeof content === "string" && content.startsWith(REASK_PREFIX)

/** @internal */
export const rounds = <D>(
  script: ReadonlyArray<Testing.RoundReply<D>>
): (request: Testing.RecordedRequest) => Testing.Reply<D> => {
  if (!Array.isArray(script)) {
    return Replies.failingScript(`Testing.rounds: the script must be an array, got ${shownValue(script)}`)
  }
  return (request) => {
    const round = roundOf(request)
    const entry = script[round]
    if (entry === undefined) {
      return Replies.scriptError(`no scripted answer for round #${round + 1} (the script has ${script.length})`)
    }
    return typeof entry === "function" ? entry(request, round) : entry
  }
}

/**
 * Whether a tool loop asks for its output with the `final_answer` tool (and not `response_format`):
 * how both editions' `Testing.finalAnswer` choose between a call and JSON content.
 *
 * @internal
 */
export const asksWithTool = (request: Testing.RecordedRequest): boolean => {
  const body = request.body
  if (!isRecord(body) || body.response_format !== undefined) return false
  return Array.isArray(body.tools) &&
    body.tools.some((tool: { readonly function?: { readonly name?: unknown } } | null) =>
      tool?.function?.name === FINAL_ANSWER
    )
}
