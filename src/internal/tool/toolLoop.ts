/**
 * The body of `ToolLoop`: send, run the handlers of the calls the reply asks for (concurrently, with a
 * bound), append the assistant message and one tool message per call, send again; stop at a reply
 * without calls (or with the final answer, or after a stopping tool), or fail after `maxRounds`
 * requests.
 *
 * The round logic lives in one place, {@link makeDriver}: what each request carries, and what a reply
 * leads to (run the calls, end with a result, ask again for the output, fail). `run` and `stream` are two
 * faces of it that differ only in how a reply arrives (`Chat.send`, or `Chat.stream` folded by
 * `Chat.collect` while its chunks are passed on), as openai-node runs both of its tool runners on one
 * `_runTools`.
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Chat from "../../Chat.js"
import * as Errors from "../../Errors.js"
import * as S from "../../Schema.js"
import type * as Structured from "../../Structured.js"
import type * as StructuredError from "../../StructuredError.js"
import type * as Tool from "../../Tool.js"
import * as ToolError from "../../ToolError.js"
import type * as Toolkit from "../../Toolkit.js"
import type * as ToolLoop from "../../ToolLoop.js"
import type { StrictJsonSchema } from "../structured/jsonSchema.js"
import type { PartialPlan } from "../structured/partialPlan.js"
import { PartialValues } from "../structured/partialValues.js"
import * as Structure from "../structured/structured.js"
import { isRecord } from "../transport/json.js"
import { describeThrown, shownValue } from "../transport/snapshot.js"
import { CallPartials } from "./callPartials.js"
import * as Calls from "./toolCalls.js"
import * as Kit from "./toolkit.js"
import { isAnyTool, toolSchema } from "./toolSchema.js"

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

interface AnyLoopResult {
  readonly response: S.ChatResponse
  readonly transcript: ReadonlyArray<S.Message>
  readonly rounds: ReadonlyArray<AnyRound>
  readonly stoppedBy?: AnyResult
  readonly output?: unknown
}

/** The options of the loop, untyped. */
export interface AnyOptions {
  readonly toolkit: Toolkit.Any
  readonly maxRounds?: number | undefined
  readonly concurrency?: number | "unbounded" | undefined
  readonly invalidCalls?: ToolLoop.InvalidCallMode | undefined
  readonly requestOptions?: Chat.Options | undefined
  readonly toolChoiceAfterForced?: S.ToolChoice | undefined
  readonly stopAfter?: ReadonlyArray<string> | undefined
  readonly output?: Schema.Schema<unknown, unknown, unknown> | undefined
  readonly outputStrategy?: ToolLoop.OutputStrategy | undefined
  readonly outputRetries?: number | undefined
  readonly extract?: Structured.Extract | undefined
}

const FINAL_ANSWER = Calls.FINAL_ANSWER

const FINAL_ANSWER_DESCRIPTION = "Give your final answer with this tool once you have everything you need: " +
  "its arguments are the answer. Call it once, on its own."

interface Output {
  readonly strict: StrictJsonSchema<unknown, unknown>
  readonly strategy: ToolLoop.OutputStrategy
  readonly retries: number
  readonly extract: Structured.Extract | undefined
  readonly format: S.ResponseFormat
}

interface Settings {
  readonly toolkit: Toolkit.Any
  /** The request's own `tools` (server tools, say), without those the toolkit's replace. */
  readonly ownTools: ReadonlyArray<unknown>
  readonly definitions: ReadonlyArray<S.FunctionTool>
  readonly maxRounds: number
  readonly concurrency: number | "unbounded"
  readonly invalidCalls: "error" | "return"
  readonly requestOptions: Chat.Options | undefined
  readonly afterForced: S.ToolChoice
  readonly stopAfter: ReadonlySet<string>
  readonly output: Output | undefined
}

const isToolChoice = Schema.is(S.ToolChoice)

const DEFAULT_MAX_ROUNDS = 10
const DEFAULT_CONCURRENCY = 4

const invalidOption = (path: string, message: string) =>
  new Errors.InvalidRequestError({
    message: `Invalid tool loop options, nothing was sent: ${path} ${message}`,
    issues: [{ path, message }]
  })

const outputSettings = (
  request: Chat.ChatRequest,
  options: AnyOptions
): Either.Either<Output | undefined, Errors.InvalidRequestError> => {
  if (options.output === undefined) return Either.right(undefined)
  const strategy = options.outputStrategy ?? "tool"
  if (strategy !== "tool" && strategy !== "responseFormat") {
    return Either.left(
      invalidOption("outputStrategy", `must be "tool" or "responseFormat", got ${shownValue(strategy)}`)
    )
  }
  const retries = options.outputRetries ?? 0
  if (!Number.isInteger(retries) || retries < 0) {
    return Either.left(invalidOption("outputRetries", `must be a whole number, 0 or more, got ${shownValue(retries)}`))
  }
  const extract = Structure.checkExtract(options.extract, "extract")
  if (extract !== undefined) return Either.left(extract)
  if (options.stopAfter !== undefined && options.stopAfter.length > 0) {
    return Either.left(invalidOption("stopAfter", "cannot be used with output: the loop ends with the output"))
  }
  if (request.response_format !== undefined) {
    return Either.left(
      invalidOption("response_format", "is set from the output Schema by the tool loop; leave it out of the request")
    )
  }
  if (strategy === "tool" && Object.prototype.hasOwnProperty.call(options.toolkit.tools, FINAL_ANSWER)) {
    return Either.left(
      invalidOption("toolkit", `has a tool named ${FINAL_ANSWER}, the name of the output tool`)
    )
  }
  const schema = options.output
  return Either.flatMap(
    Structure.strictFor(schema),
    (strict) =>
      Either.map(Structure.responseFormat(schema), (format) => ({
        strict,
        strategy,
        retries,
        extract: options.extract,
        format
      }))
  )
}

/** Checks the options: a bad bound is a typed error, and nothing is sent. */
const settings = (
  request: Chat.ChatRequest,
  given: AnyOptions
): Either.Either<Settings, Errors.InvalidRequestError> => {
  // The toolkit's tools read once: the loop runs with those it checked, whatever a getter answers later.
  const read = Calls.readTools(given.toolkit, isAnyTool)
  if (!read.ok) return Either.left(invalidOption("toolkit", read.message))
  const toolkit = { tools: read.tools } as unknown as Toolkit.Any
  const options: AnyOptions = { ...given, toolkit }
  if (!Array.isArray(request.messages)) return Either.left(invalidOption("messages", "must be an array of messages"))
  if (request.tools !== undefined && !Array.isArray(request.tools)) {
    return Either.left(invalidOption("tools", "must be an array of tools"))
  }
  const maxRounds = options.maxRounds ?? DEFAULT_MAX_ROUNDS
  if (!Number.isInteger(maxRounds) || maxRounds < 1) {
    return Either.left(invalidOption("maxRounds", `must be a whole number of at least 1, got ${shownValue(maxRounds)}`))
  }
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY
  if (concurrency !== "unbounded" && (!Number.isInteger(concurrency) || concurrency < 1)) {
    return Either.left(
      invalidOption(
        "concurrency",
        `must be a whole number of at least 1 or "unbounded", got ${shownValue(concurrency)}`
      )
    )
  }
  const invalidCalls = options.invalidCalls ?? "error"
  if (invalidCalls !== "error" && invalidCalls !== "return") {
    return Either.left(invalidOption("invalidCalls", `must be "error" or "return", got ${shownValue(invalidCalls)}`))
  }
  if (options.toolChoiceAfterForced !== undefined && !isToolChoice(options.toolChoiceAfterForced)) {
    return Either.left(invalidOption("toolChoiceAfterForced", "is not a tool_choice"))
  }
  const stopAfter = options.stopAfter ?? []
  if (!Array.isArray(stopAfter)) return Either.left(invalidOption("stopAfter", "must be an array of tool names"))
  for (const name of stopAfter) {
    if (typeof name !== "string" || !Object.prototype.hasOwnProperty.call(options.toolkit.tools, name)) {
      return Either.left(invalidOption("stopAfter", `names no tool of the toolkit: ${shownValue(name)}`))
    }
  }
  const output = outputSettings(request, options)
  if (Either.isLeft(output)) return Either.left(output.left)
  const definitions = Kit.definitions(options.toolkit)
  if (Either.isLeft(definitions)) return Either.left(definitions.left)
  const out = output.right
  const all = out?.strategy === "tool" ? [...definitions.right, finalAnswerTool(out)] : definitions.right
  const names = new Set(all.map((d) => d.function.name))
  return Either.right({
    toolkit: options.toolkit,
    ownTools: (request.tools ?? []).filter((tool) =>
      !(isRecord(tool) && tool.type === "function" && isRecord(tool.function) &&
        typeof tool.function.name === "string" && names.has(tool.function.name))
    ),
    definitions: all,
    maxRounds,
    concurrency,
    invalidCalls,
    requestOptions: options.requestOptions,
    afterForced: options.toolChoiceAfterForced ?? "auto",
    stopAfter: new Set(stopAfter),
    output: out
  })
}

const finalAnswerTool = (output: Output): S.FunctionTool => ({
  type: "function",
  function: {
    name: FINAL_ANSWER,
    description: output.strict.description === undefined
      ? FINAL_ANSWER_DESCRIPTION
      : `${FINAL_ANSWER_DESCRIPTION} The answer: ${output.strict.description}`,
    parameters: output.strict.schema as Record<string, unknown>,
    strict: true
  }
})

/** The request of a round: the toolkit's tools after the request's own (same-named ones replaced). */
const roundRequest = (
  request: Chat.ChatRequest,
  s: Settings,
  transcript: ReadonlyArray<S.Message>,
  toolChoice: unknown
): Chat.ChatRequest => {
  const out: Record<string, unknown> = { ...request, tools: [...s.ownTools, ...s.definitions], messages: transcript }
  if (toolChoice !== undefined) out.tool_choice = toolChoice
  if (s.output?.strategy === "responseFormat") out.response_format = s.output.format
  return out as unknown as Chat.ChatRequest
}

/** Whether a `tool_choice` forces a call, and whether a reply's calls honoured it. */
const forcedAndHonoured = (toolChoice: unknown, calls: ReadonlyArray<S.ResponseToolCall>): boolean => {
  if (calls.length === 0) return false
  if (toolChoice === "required") return true
  if (!isRecord(toolChoice) || toolChoice.type !== "function") return false
  const name = isRecord(toolChoice.function) ? toolChoice.function.name : undefined
  return calls.some((call) => Calls.callName(call) === name)
}

/** The outcome of a round whose reply asked for tools. */
interface Step {
  readonly assistant: S.AssistantMessage
  readonly results: ReadonlyArray<AnyResult>
}

/**
 * What a reply leads to: another round (after the `Restart` of the output when it is asked again), or
 * the end, with the result.
 */
export type Next =
  | {
    readonly _tag: "Continue"
    readonly round: AnyRound
    readonly restart: StructuredError.OutputNotJsonError | StructuredError.OutputDecodeError | undefined
  }
  | { readonly _tag: "Done"; readonly round: AnyRound; readonly result: AnyLoopResult }

/** The round logic of one loop, shared by `run` and `stream`. */
export interface Driver {
  readonly requestOptions: Chat.Options | undefined
  /** The request of round `index`. */
  readonly request: (index: number) => Chat.ChatRequest
  /** What the reply of round `index` leads to; runs the handlers of its calls. */
  readonly settle: (index: number, response: S.ChatResponse) => Effect.Effect<Next, unknown, unknown>
  /** How the partial arguments of a tool's calls are shaped (by tool name). */
  readonly planFor: (name: string) => PartialPlan | undefined
  /**
   * Where partial output values come from (the `final_answer` call's arguments, or the content under
   * `"responseFormat"`), and how they are shaped.
   */
  readonly output: {
    readonly from: "none" | "tool" | "content"
    readonly plan: PartialPlan | undefined
    readonly lenient: boolean
  }
}

const makeDriver = (
  request: Chat.ChatRequest,
  s: Settings
): Driver => {
  const transcript: Array<S.Message> = [...request.messages]
  const rounds: Array<AnyRound> = []
  let toolChoice: unknown = request.tool_choice
  /** How many output answers were asked for (1, plus the re-asks). */
  let answers = 1
  const output = s.output

  /** Decodes the calls of a reply and runs their handlers (concurrently, up to the bound). */
  const runCalls = (
    response: S.ChatResponse,
    round: number,
    raws: ReadonlyArray<S.ResponseToolCall>,
    answerFor: (raw: S.ResponseToolCall) => string | undefined
  ): Effect.Effect<Step, unknown, unknown> =>
    Effect.suspend(() => {
      // A call with a fixed answer (the final answer) is not decoded as a toolkit call: its id stands for it.
      const decoded = raws.map((raw, i): Either.Either<Kit.AnyCall | string, ToolError.CallError> => {
        const fallback = Calls.fallbackId(response, round, i)
        const fixed = answerFor(raw)
        return fixed === undefined
          ? Kit.decodeCallIn(s.toolkit.tools, raw, fallback)
          : Either.right(Calls.callId(raw, fallback))
      })
      const wire: Array<S.ToolCall> = []
      for (let i = 0; i < raws.length; i++) {
        const d = decoded[i]!
        const id = Either.isRight(d) ? (typeof d.right === "string" ? d.right : d.right.id) : d.left.id
        wire.push(Calls.wireCall(raws[i]!, id))
      }
      if (s.invalidCalls === "error") {
        const bad = decoded.find(Either.isLeft)
        if (bad !== undefined) return Effect.fail(bad.left)
      }
      const assistant = Calls.assistantMessage(response, wire)
      const sofar: ReadonlyArray<S.Message> = [...transcript, assistant]
      return Effect.forEach(decoded, (d, i): Effect.Effect<AnyResult | S.ToolMessage, unknown, unknown> => {
        if (Either.isLeft(d)) {
          return Effect.succeed({
            _tag: "Invalid",
            error: d.left,
            message: Calls.toolMessage(d.left.id, Calls.errorContent(d.left.message))
          })
        }
        const call = d.right
        if (typeof call === "string") return Effect.succeed(Calls.toolMessage(call, answerFor(raws[i]!)!))
        const context: Toolkit.CallContext = { id: call.id, name: call.name, round, transcript: sofar }
        return Effect.map(Kit.run(s.toolkit, call, context), (outcome): AnyResult =>
          outcome._tag === "Success"
            ? { _tag: "Success", call, value: outcome.value, message: Calls.toolMessage(call.id, outcome.content) }
            : { _tag: "Failure", call, error: outcome.error, message: Calls.toolMessage(call.id, outcome.content) })
      }, { concurrency: s.concurrency }).pipe(
        Effect.map((all) => {
          const results: Array<AnyResult> = []
          const messages: Array<S.ToolMessage> = []
          for (const r of all) {
            if ("_tag" in r) {
              results.push(r)
              messages.push(r.message)
            } else messages.push(r)
          }
          transcript.push(assistant, ...messages)
          return { assistant, results }
        })
      )
    })

  const maxRoundsError = (response: S.ChatResponse) =>
    new ToolError.MaxRoundsError({
      maxRounds: s.maxRounds,
      transcript: [...transcript, Calls.assistantMessage(response, [])],
      response,
      message: `The model still asked for tools after ${s.maxRounds} round(s), the most the tool loop allows`
    })

  const done = (index: number, response: S.ChatResponse, results: ReadonlyArray<AnyResult>, extra: {
    readonly stoppedBy?: AnyResult
    readonly output?: unknown
  }): Next => {
    const round: AnyRound = { index, response, results }
    rounds.push(round)
    return { _tag: "Done", round, result: { response, transcript, rounds, ...extra } }
  }

  const common = (response: S.ChatResponse) => ({
    response,
    generationId: typeof response.id === "string" ? response.id : undefined,
    attempts: answers
  })

  /** A reply without calls: the answer (decoded when there is an output Schema), or asked again. */
  const finalReply = (index: number, response: S.ChatResponse): Effect.Effect<Next, unknown, unknown> => {
    if (output === undefined) {
      transcript.push(Calls.assistantMessage(response, []))
      return Effect.succeed(done(index, response, [], {}))
    }
    return Effect.matchEffect(Structure.decodeResponse(output.strict, response, answers, output.extract), {
      onSuccess: (value) => {
        transcript.push(Calls.assistantMessage(response, []))
        return Effect.succeed(done(index, response, [], { output: value }))
      },
      onFailure: (error) => {
        if (!(answers <= output.retries && Structure.isRetryableOutput(error))) return Effect.fail(error)
        if (index >= s.maxRounds) return Effect.fail(error)
        answers++
        transcript.push(
          ...(output.strategy === "tool"
            ? Structure.reaskMessages(error, `Give your answer again with the ${FINAL_ANSWER} tool.`)
            : Structure.reaskMessages(error))
        )
        const round: AnyRound = { index, response, results: [] }
        rounds.push(round)
        return Effect.succeed({ _tag: "Continue", round, restart: error } as const)
      }
    })
  }

  /** A reply that calls `final_answer`: the output, or the call's error sent back to be answered again. */
  const finalAnswerCall = (
    index: number,
    response: S.ChatResponse,
    raws: ReadonlyArray<S.ResponseToolCall>,
    answer: S.ResponseToolCall
  ): Effect.Effect<Next, unknown, unknown> => {
    const o = output!
    const text = Calls.callArguments(answer)
    return Effect.matchEffect(Structure.decodeText(o.strict, text, o.extract), {
      onSuccess: (value) => {
        const others = "Not run: the final answer ended the conversation."
        return Effect.map(
          runCalls(
            response,
            index,
            raws,
            (raw) => raw === answer ? "Final answer received." : Calls.errorContent(others)
          ),
          () => done(index, response, [], { output: value })
        )
      },
      onFailure: (failure) => {
        const error = Structure.outputFailure(o.strict, failure, text, common(response))
        if (!(answers <= o.retries) || index >= s.maxRounds) return Effect.fail(error)
        answers++
        const why = `Your answer cannot be used: ${Structure.whatWasWrong(error)}. ` +
          `Call ${FINAL_ANSWER} again with arguments that match its schema.`
        return Effect.map(
          runCalls(response, index, raws, (raw) => raw === answer ? Calls.errorContent(why) : undefined),
          (step): Next => {
            const round: AnyRound = { index, response, results: step.results }
            rounds.push(round)
            return { _tag: "Continue", round, restart: error }
          }
        )
      }
    })
  }

  const settle = (index: number, response: S.ChatResponse): Effect.Effect<Next, unknown, unknown> => {
    const raws = Calls.replyCalls(response)
    if (raws.length === 0) return finalReply(index, response)
    if (forcedAndHonoured(toolChoice, raws)) toolChoice = s.afterForced
    if (output?.strategy === "tool") {
      const answer = raws.find((raw) => Calls.callName(raw) === FINAL_ANSWER)
      if (answer !== undefined) return finalAnswerCall(index, response, raws, answer)
    }
    if (index >= s.maxRounds) return Effect.fail(maxRoundsError(response))
    return Effect.map(runCalls(response, index, raws, () => undefined), (step): Next => {
      const stoppedBy = s.stopAfter.size === 0
        ? undefined
        : step.results.find((r) => r._tag === "Success" && s.stopAfter.has(r.call.name))
      if (stoppedBy !== undefined) return done(index, response, step.results, { stoppedBy })
      const round: AnyRound = { index, response, results: step.results }
      rounds.push(round)
      return { _tag: "Continue", round, restart: undefined }
    })
  }

  const planFor = (name: string): PartialPlan | undefined => {
    if (name === FINAL_ANSWER && output?.strategy === "tool") return output.strict.partial
    const tool = s.toolkit.tools[name]
    if (tool === undefined || !Object.prototype.hasOwnProperty.call(s.toolkit.tools, name)) return undefined
    const derived = toolSchema(tool.parameters, tool.strict)
    return Either.isRight(derived) ? derived.right.partial : undefined
  }

  return {
    requestOptions: s.requestOptions,
    request: () => roundRequest(request, s, transcript, toolChoice),
    settle,
    planFor,
    output: {
      from: output === undefined ? "none" : output.strategy === "tool" ? "tool" : "content",
      plan: output?.strict.partial,
      lenient: output?.extract === "lenient"
    }
  }
}

/**
 * The driver of a loop, or why it cannot run. The request and options are read once, here, into plain
 * copies (their getters run once; one that throws, here or inside a value the checks read, is a typed
 * error and nothing is sent), so each round's request is built from plain values.
 */
const driverFor = (
  request: Chat.ChatRequest,
  options: AnyOptions
): Either.Either<Driver, Errors.InvalidRequestError> => {
  if (!isRecord(request)) return Either.left(invalidOption("request", "must be an object"))
  if (!isRecord(options)) return Either.left(invalidOption("options", "must be an object"))
  let where = "request"
  const read = Either.try({
    try: () => {
      let plain: Chat.ChatRequest = { ...request }
      if (Array.isArray(plain.messages)) plain = { ...plain, messages: [...plain.messages] }
      if (Array.isArray(plain.tools)) plain = { ...plain, tools: [...plain.tools] }
      where = "options"
      let opts: AnyOptions = { ...options }
      if (Array.isArray(opts.stopAfter)) opts = { ...opts, stopAfter: [...opts.stopAfter] }
      return Either.map(settings(plain, opts), (s) => makeDriver(plain, s))
    },
    catch: (e) => invalidOption(where, `cannot be read: ${describeThrown(e)}`)
  })
  return Either.flatMap(read, (driver) => driver)
}

/**
 * `ToolLoop.run`: each reply from `Chat.send`. Its loop over rounds is a plain Effect loop, not `stream`'s
 * walk folded to its `Done` event: that fold made `run` 1.38x slower per loop (`bench/tool-loop.ts`, see
 * `bench/micro/tool-loop.md`), for four lines of loop shared.
 */
export const run = (
  request: Chat.ChatRequest,
  options: AnyOptions
): Effect.Effect<AnyLoopResult, unknown, unknown> =>
  Effect.gen(function*() {
    const driver = driverFor(request, options)
    if (Either.isLeft(driver)) return yield* Effect.fail(driver.left)
    const d = driver.right
    for (let index = 1;; index++) {
      const response = yield* Chat.send(d.request(index), d.requestOptions)
      const next = yield* d.settle(index, response)
      if (next._tag === "Done") return next.result
    }
  })

/** An event, untyped (typed by the public module). */
type AnyEvent = ToolLoop.Event<Record<string, Tool.Any>, unknown, unknown>

const roundEvent = (round: AnyRound) => ({ _tag: "Round", round }) as AnyEvent
const doneEvent = (result: AnyLoopResult) => ({ _tag: "Done", result }) as AnyEvent

/** `ToolLoop.stream`: each reply from `Chat.stream`, its chunks passed on as they arrive, then folded. */
export const stream = (
  request: Chat.ChatRequest,
  options: AnyOptions
): Stream.Stream<AnyEvent, unknown, unknown> =>
  Stream.suspend(() => {
    const driver = driverFor(request, options)
    if (Either.isLeft(driver)) return Stream.fail(driver.left)
    const d = driver.right
    const round = (index: number): Stream.Stream<AnyEvent, unknown, unknown> => {
      const chunks: Array<S.ChatStreamChunk> = []
      const calls = new CallPartials(d.planFor)
      const content = d.output.from === "content" ? new PartialValues(d.output.plan, d.output.lenient) : undefined
      const streamed = Chat.stream(d.request(index), d.requestOptions).pipe(
        Stream.mapChunks((input) => {
          const out: Array<AnyEvent> = []
          for (const chunk of input) {
            chunks.push(chunk)
            out.push({ _tag: "Chunk", round: index, chunk })
            for (const partial of calls.push(chunk)) {
              out.push(
                partial.name === FINAL_ANSWER && d.output.from === "tool"
                  ? { _tag: "OutputPartial", round: index, value: partial.arguments }
                  : { _tag: "CallPartial", round: index, ...partial }
              )
            }
            if (content !== undefined) {
              const text = chunk.choices[0]?.delta?.content
              const value = typeof text === "string" ? content.push(text) : undefined
              if (value !== undefined) out.push({ _tag: "OutputPartial", round: index, value })
            }
          }
          return Chunk.unsafeFromArray(out)
        })
      )
      const next = Stream.unwrap(Effect.map(
        Effect.flatMap(Chat.collect(Stream.fromIterable(chunks)), (response) => d.settle(index, response)),
        (next): Stream.Stream<AnyEvent, unknown, unknown> => {
          if (next._tag === "Done") {
            return Stream.make(roundEvent(next.round), doneEvent(next.result))
          }
          const ended = Stream.succeed(roundEvent(next.round))
          const restart: Stream.Stream<AnyEvent> = next.restart === undefined
            ? Stream.empty
            : Stream.succeed({ _tag: "Restart", round: index + 1, error: next.restart })
          return Stream.concat(Stream.concat(ended, restart), round(index + 1))
        }
      ))
      return Stream.concat(streamed, next)
    }
    return round(1)
  })
