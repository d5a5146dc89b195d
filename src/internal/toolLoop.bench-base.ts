// @ts-nocheck
/**
 * The body of `ToolLoop`: send, run the handlers of the calls the reply asks for (concurrently, with a
 * bound), append the assistant message and one tool message per call, send again; stop at a reply
 * without calls, or fail after `maxRounds` requests. The streaming variant streams each round's chunks
 * and folds them with `Chat.collect` to decide what to do next.
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import * as Chat from "../Chat.js"
import * as Errors from "../Errors.js"
import type * as S from "../Schema.js"
import type * as Tool from "../Tool.js"
import * as ToolError from "../ToolError.js"
import type * as Toolkit from "../Toolkit.js"
import type * as ToolLoop from "../ToolLoop.js"
import * as Calls from "./toolCalls.js"
import * as Kit from "./toolkit.js"

/** An outcome of one call, untyped (typed as `ToolLoop.CallResult` by the public module). */
export type AnyResult =
  | { readonly _tag: "Success"; readonly call: Kit.AnyCall; readonly value: unknown; readonly message: S.ToolMessage }
  | { readonly _tag: "Failure"; readonly call: Kit.AnyCall; readonly error: unknown; readonly message: S.ToolMessage }
  | { readonly _tag: "Invalid"; readonly error: ToolError.CallError; readonly message: S.ToolMessage }

interface AnyRound {
  readonly index: number
  readonly response: S.ChatResponse
  readonly results: ReadonlyArray<AnyResult>
}

/** The options of the loop, untyped. */
export interface AnyOptions {
  readonly toolkit: Toolkit.Any
  readonly maxRounds?: number | undefined
  readonly concurrency?: number | "unbounded" | undefined
  readonly invalidCalls?: ToolLoop.InvalidCallMode | undefined
  readonly requestOptions?: Chat.Options | undefined
}

type AnyTools = Record<string, Tool.Any>

interface Settings {
  readonly toolkit: Toolkit.Any
  readonly definitions: ReadonlyArray<S.FunctionTool>
  readonly maxRounds: number
  readonly concurrency: number | "unbounded"
  readonly invalidCalls: "error" | "return"
  readonly requestOptions: Chat.Options | undefined
}

const DEFAULT_MAX_ROUNDS = 10
const DEFAULT_CONCURRENCY = 4

const invalidOption = (path: string, message: string) =>
  new Errors.InvalidRequestError({
    message: `Invalid tool loop options, nothing was sent: ${path} ${message}`,
    issues: [{ path, message }]
  })

/** Checks the options: a bad bound is a typed error, and nothing is sent. */
const settings = (options: AnyOptions): Either.Either<Settings, Errors.InvalidRequestError> => {
  const maxRounds = options.maxRounds ?? DEFAULT_MAX_ROUNDS
  if (!Number.isInteger(maxRounds) || maxRounds < 1) {
    return Either.left(invalidOption("maxRounds", `must be a whole number of at least 1, got ${String(maxRounds)}`))
  }
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY
  if (concurrency !== "unbounded" && (!Number.isInteger(concurrency) || concurrency < 1)) {
    return Either.left(
      invalidOption("concurrency", `must be a whole number of at least 1 or "unbounded", got ${String(concurrency)}`)
    )
  }
  const invalidCalls = options.invalidCalls ?? "error"
  if (invalidCalls !== "error" && invalidCalls !== "return") {
    return Either.left(invalidOption("invalidCalls", `must be "error" or "return", got ${String(invalidCalls)}`))
  }
  const definitions = Kit.definitions(options.toolkit)
  if (Either.isLeft(definitions)) return Either.left(definitions.left)
  return Either.right({
    toolkit: options.toolkit,
    definitions: definitions.right,
    maxRounds,
    concurrency,
    invalidCalls,
    requestOptions: options.requestOptions
  })
}

/** The request of a round: the toolkit's tools after the request's own (same-named ones replaced). */
const roundRequest = (
  request: Chat.ChatRequest,
  definitions: ReadonlyArray<S.FunctionTool>,
  transcript: ReadonlyArray<S.Message>
): Chat.ChatRequest => {
  const names = new Set(definitions.map((d) => d.function.name))
  const own = (request.tools ?? []).filter((tool) => {
    const fn = tool as { readonly type?: unknown; readonly function?: { readonly name?: unknown } }
    return !(fn.type === "function" && typeof fn.function?.name === "string" && names.has(fn.function.name))
  })
  return { ...request, tools: [...own, ...definitions], messages: transcript }
}

/** The outcome of a round whose reply asked for tools. */
interface Step {
  readonly assistant: S.AssistantMessage
  readonly results: ReadonlyArray<AnyResult>
}

/** Decodes the calls of a reply and runs their handlers (concurrently, up to the bound). */
const runCalls = (
  s: Settings,
  response: S.ChatResponse,
  round: number
): Effect.Effect<Step, unknown, unknown> =>
  Effect.suspend(() => {
    const raws = Calls.replyCalls(response)
    const decoded = raws.map((raw, i) => Kit.decodeCall(s.toolkit, raw, Calls.fallbackId(response, round, i)))
    const wire: Array<S.ToolCall> = []
    for (let i = 0; i < raws.length; i++) {
      const d = decoded[i]!
      wire.push(Calls.wireCall(raws[i]!, Either.isRight(d) ? d.right.id : d.left.id))
    }
    if (s.invalidCalls === "error") {
      const bad = decoded.find(Either.isLeft)
      if (bad !== undefined) return Effect.fail(bad.left)
    }
    return Effect.forEach(decoded, (d): Effect.Effect<AnyResult, unknown, unknown> => {
      if (Either.isLeft(d)) {
        return Effect.succeed({
          _tag: "Invalid",
          error: d.left,
          message: Calls.toolMessage(d.left.id, Calls.errorContent(d.left.message))
        })
      }
      const call = d.right
      return Effect.map(Kit.run(s.toolkit, call), (outcome): AnyResult =>
        outcome._tag === "Success"
          ? { _tag: "Success", call, value: outcome.value, message: Calls.toolMessage(call.id, outcome.content) }
          : { _tag: "Failure", call, error: outcome.error, message: Calls.toolMessage(call.id, outcome.content) })
    }, { concurrency: s.concurrency }).pipe(
      Effect.map((results) => ({ assistant: Calls.assistantMessage(response, wire), results }))
    )
  })

const maxRoundsError = (s: Settings, transcript: ReadonlyArray<S.Message>, response: S.ChatResponse) =>
  new ToolError.MaxRoundsError({
    maxRounds: s.maxRounds,
    transcript: [...transcript, Calls.assistantMessage(response, [])],
    response,
    message: `The model still asked for tools after ${s.maxRounds} round(s), the most the tool loop allows`
  })

/** The final assistant message of the transcript. */
const finalMessage = (response: S.ChatResponse): S.AssistantMessage => Calls.assistantMessage(response, [])

/** `ToolLoop.run`. */
export const run = (
  request: Chat.ChatRequest,
  options: AnyOptions
): Effect.Effect<ToolLoop.Result<AnyTools>, unknown, unknown> =>
  Effect.gen(function*() {
    const s = settings(options)
    if (Either.isLeft(s)) return yield* Effect.fail(s.left)
    const transcript: Array<S.Message> = [...request.messages]
    const rounds: Array<AnyRound> = []
    for (let index = 1;; index++) {
      const response = yield* Chat.send(roundRequest(request, s.right.definitions, transcript), s.right.requestOptions)
      if (Calls.replyCalls(response).length === 0) {
        transcript.push(finalMessage(response))
        rounds.push({ index, response, results: [] })
        return { response, transcript, rounds } as ToolLoop.Result<AnyTools>
      }
      if (index >= s.right.maxRounds) return yield* Effect.fail(maxRoundsError(s.right, transcript, response))
      const step = yield* runCalls(s.right, response, index)
      transcript.push(step.assistant, ...step.results.map((r) => r.message))
      rounds.push({ index, response, results: step.results })
    }
  })

/** `ToolLoop.stream`. */
export const stream = (
  request: Chat.ChatRequest,
  options: AnyOptions
): Stream.Stream<ToolLoop.Event<AnyTools>, unknown, unknown> =>
  Stream.suspend(() => {
    const s = settings(options)
    if (Either.isLeft(s)) return Stream.fail(s.left)
    const transcript: Array<S.Message> = [...request.messages]
    const rounds: Array<AnyRound> = []

    const round = (index: number): Stream.Stream<ToolLoop.Event<AnyTools>, unknown, unknown> => {
      const chunks: Array<S.ChatStreamChunk> = []
      const streamed = Chat.stream(roundRequest(request, s.right.definitions, transcript), s.right.requestOptions).pipe(
        Stream.mapChunks((chunk) => {
          for (const c of chunk) chunks.push(c)
          return Chunk.map(chunk, (c): ToolLoop.Event<AnyTools> => ({ _tag: "Chunk", round: index, chunk: c }))
        })
      )
      const next = Stream.unwrap(Effect.gen(function*() {
        const response = yield* Chat.collect(Stream.fromIterable(chunks))
        if (Calls.replyCalls(response).length === 0) {
          transcript.push(finalMessage(response))
          const last: AnyRound = { index, response, results: [] }
          rounds.push(last)
          const result = { response, transcript, rounds } as ToolLoop.Result<AnyTools>
          return Stream.make<Array<ToolLoop.Event<AnyTools>>>(
            { _tag: "Round", round: last } as ToolLoop.Event<AnyTools>,
            { _tag: "Done", result }
          )
        }
        if (index >= s.right.maxRounds) return yield* Effect.fail(maxRoundsError(s.right, transcript, response))
        const step = yield* runCalls(s.right, response, index)
        transcript.push(step.assistant, ...step.results.map((r) => r.message))
        const done: AnyRound = { index, response, results: step.results }
        rounds.push(done)
        return Stream.concat(
          Stream.succeed({ _tag: "Round", round: done } as ToolLoop.Event<AnyTools>),
          round(index + 1)
        )
      }))
      return Stream.concat(streamed, next)
    }
    return round(1)
  })
