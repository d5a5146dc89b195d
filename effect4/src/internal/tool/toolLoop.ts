/**
 * The body of `ToolLoop` (Effect 4 edition of `src/internal/tool/toolLoop.ts`, same behaviour and messages):
 * send, run the handlers of the calls the reply asks for (concurrently, with a bound), append the
 * assistant message and one tool message per call, send again; stop at a reply without calls (or with
 * the final answer, or after a stopping tool), or fail after `maxRounds` requests.
 *
 * The round logic lives in one place, {@link makeDriver}: what each request carries, and what a reply
 * leads to (run the calls, end with a result, ask again for the output, fail). `run` and `stream` are two
 * faces of it that differ only in how a reply arrives (`Chat.send`, or `Chat.stream` folded by
 * `Chat.collect`'s fold while its chunks are passed on), as openai-node runs both of its tool runners on one
 * `_runTools`. The handlers run through the toolkit module, from the layer `Toolkit.toLayer` builds: the
 * one `effect/ai`'s `LanguageModel` uses too.
 */
import * as AiTool from "effect/ai/Tool"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Collector } from "../../../../src/internal/chat/collect.js"
import type { PartialPlan } from "../../../../src/internal/structured/partialPlan.js"
import { PartialValues } from "../../../../src/internal/structured/partialValues.js"
import { CallPartials } from "../../../../src/internal/tool/callPartials.js"
import * as Calls from "../../../../src/internal/tool/toolCalls.js"
import { isRecord } from "../../../../src/internal/transport/json.js"
import { shownValue } from "../../../../src/internal/transport/snapshot.js"
import * as Chat from "../../Chat.js"
import * as Errors from "../../Errors.js"
import * as S from "../../Schema.js"
import type * as Structured from "../../Structured.js"
import type * as StructuredError from "../../StructuredError.js"
import * as ToolError from "../../ToolError.js"
import type * as Toolkit from "../../Toolkit.js"
import type * as ToolLoop from "../../ToolLoop.js"
import type { StrictJsonSchema } from "../structured/jsonSchema.js"
import * as Structure from "../structured/structured.js"
import * as Kit from "./toolkit.js"
import { isAnyTool } from "./toolSchema.js"

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
  readonly pending?: ReadonlyArray<Kit.AnyCall>
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
  readonly output?: Schema.Codec<unknown, unknown, unknown> | undefined
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

const hasTool = (toolkit: Toolkit.Any, name: string): boolean =>
  Object.prototype.hasOwnProperty.call(toolkit.tools, name)

const invalidOption = (path: string, message: string) =>
  new Errors.InvalidRequestError({
    message: `Invalid tool loop options, nothing was sent: ${path} ${message}`,
    issues: [{ path, message }]
  })

const outputSettings = (
  request: Chat.ChatRequest,
  options: AnyOptions
): Result.Result<Output | undefined, Errors.InvalidRequestError> => {
  if (options.output === undefined) return Result.succeed(undefined)
  const strategy = options.outputStrategy ?? "tool"
  if (strategy !== "tool" && strategy !== "responseFormat") {
    return Result.fail(
      invalidOption("outputStrategy", `must be "tool" or "responseFormat", got ${shownValue(strategy)}`)
    )
  }
  const retries = options.outputRetries ?? 0
  if (!Number.isInteger(retries) || retries < 0) {
    return Result.fail(invalidOption("outputRetries", `must be a whole number, 0 or more, got ${shownValue(retries)}`))
  }
  if (options.extract !== undefined && typeof options.extract !== "string") {
    return Result.fail(invalidOption("extract", `must be "exact" or "lenient", got ${shownValue(options.extract)}`))
  }
  const extract = Structure.checkExtract(options.extract, "extract")
  if (extract !== undefined) return Result.fail(extract)
  if (options.stopAfter !== undefined && options.stopAfter.length > 0) {
    return Result.fail(invalidOption("stopAfter", "cannot be used with output: the loop ends with the output"))
  }
  if (request.response_format !== undefined) {
    return Result.fail(
      invalidOption("response_format", "is set from the output Schema by the tool loop; leave it out of the request")
    )
  }
  for (const name of Object.keys(options.toolkit.tools)) {
    const tool = options.toolkit.tools[name]
    if (tool !== undefined && AiTool.isClientExecuted(tool)) {
      return Result.fail(invalidOption(
        "toolkit",
        `has a tool the client executes, whose call would end the loop before the output: ${name}`
      ))
    }
  }
  if (strategy === "tool" && hasTool(options.toolkit, FINAL_ANSWER)) {
    return Result.fail(invalidOption("toolkit", `has a tool named ${FINAL_ANSWER}, the name of the output tool`))
  }
  const schema = options.output
  return Result.flatMap(
    Structure.strictFor(schema),
    (strict) =>
      Result.map(Structure.responseFormat(schema), (format) => ({
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
): Result.Result<Settings, Errors.InvalidRequestError> => {
  // The toolkit's tools read once: the loop runs with those it checked, whatever a getter answers later.
  const read = Calls.readTools(given.toolkit, isAnyTool)
  if (!read.ok) return Result.fail(invalidOption("toolkit", read.message))
  const toolkit = { tools: read.tools } as unknown as Toolkit.Any
  const options: AnyOptions = { ...given, toolkit }
  for (const name of Object.keys(toolkit.tools)) {
    // Running such a tool without asking would skip the approval it demands; the loop has no step to ask.
    const approval = (toolkit.tools[name] as { readonly needsApproval?: unknown } | null | undefined)?.needsApproval
    if (approval === true || typeof approval === "function") {
      return Result.fail(invalidOption(
        "toolkit",
        `has a tool that needs approval (effect/ai's needsApproval), which the tool loop does not ask for: ${name}; ` +
          "ask inside its handler (Toolkit.CurrentCall names the call) instead"
      ))
    }
  }
  if (!Array.isArray(request.messages)) return Result.fail(invalidOption("messages", "must be an array of messages"))
  if (request.tools !== undefined && !Array.isArray(request.tools)) {
    return Result.fail(invalidOption("tools", "must be an array of tools"))
  }
  const maxRounds = options.maxRounds ?? DEFAULT_MAX_ROUNDS
  if (!Number.isInteger(maxRounds) || maxRounds < 1) {
    return Result.fail(invalidOption("maxRounds", `must be a whole number of at least 1, got ${shownValue(maxRounds)}`))
  }
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY
  if (concurrency !== "unbounded" && (!Number.isInteger(concurrency) || concurrency < 1)) {
    return Result.fail(
      invalidOption(
        "concurrency",
        `must be a whole number of at least 1 or "unbounded", got ${shownValue(concurrency)}`
      )
    )
  }
  const invalidCalls = options.invalidCalls ?? "error"
  if (invalidCalls !== "error" && invalidCalls !== "return") {
    return Result.fail(invalidOption("invalidCalls", `must be "error" or "return", got ${shownValue(invalidCalls)}`))
  }
  if (options.toolChoiceAfterForced !== undefined && !isToolChoice(options.toolChoiceAfterForced)) {
    return Result.fail(invalidOption("toolChoiceAfterForced", "is not a tool_choice"))
  }
  const stopAfter = options.stopAfter ?? []
  if (!Array.isArray(stopAfter)) return Result.fail(invalidOption("stopAfter", "must be an array of tool names"))
  for (const name of stopAfter) {
    if (typeof name !== "string" || !hasTool(toolkit, name)) {
      return Result.fail(invalidOption("stopAfter", `names no tool of the toolkit: ${shownValue(name)}`))
    }
  }
  const output = outputSettings(request, options)
  if (Result.isFailure(output)) return Result.fail(output.failure)
  const definitions = Kit.definitions(toolkit)
  if (Result.isFailure(definitions)) return Result.fail(definitions.failure)
  const out = output.success
  const all = out?.strategy === "tool" ? [...definitions.success, finalAnswerTool(out)] : definitions.success
  const names = new Set(all.map((d) => d.function.name))
  return Result.succeed({
    toolkit,
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

/** The answer to a call that is not run (the final answer, and the calls beside it). */
interface Fixed {
  readonly _tag: "Fixed"
  readonly message: S.ToolMessage
}

/** A call of a tool the client executes (`effect/ai`'s `execution: "client"`): not run, left to the caller. */
interface Pending {
  readonly _tag: "Pending"
  readonly call: Kit.AnyCall
}

/** The outcome of a round whose reply asked for tools. */
interface Step {
  readonly assistant: S.AssistantMessage
  readonly results: ReadonlyArray<AnyResult>
  readonly pending: ReadonlyArray<Kit.AnyCall>
}

/** Whether a call is of a tool the client executes: the loop has no handler for it. */
const isClientCall = (toolkit: Toolkit.Any, raw: S.ResponseToolCall): boolean => {
  const tool = Kit.lookup(toolkit, Calls.callName(raw))
  return tool !== undefined && AiTool.isClientExecuted(tool)
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

const makeDriver = (request: Chat.ChatRequest, s: Settings): Driver => {
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
    Effect.gen(function*() {
      // A call with a fixed answer (the final answer) is not decoded as a toolkit call: its id stands for it.
      // Every call is decoded before any handler runs, so a bad call fails the loop with nothing run.
      const decoded = yield* Effect.forEach(
        raws,
        (raw, i): Effect.Effect<Result.Result<Kit.AnyCall | string, ToolError.CallError>, never, unknown> => {
          const fallback = Calls.fallbackId(response, round, i)
          return answerFor(raw) === undefined
            ? Effect.result(Kit.decodeCallIn(s.toolkit.tools, raw, fallback))
            : Effect.succeed(Result.succeed(Calls.callId(raw, fallback)))
        }
      )
      const wire: Array<S.ToolCall> = []
      for (let i = 0; i < raws.length; i++) {
        const d = decoded[i]!
        const id = Result.isSuccess(d) ? (typeof d.success === "string" ? d.success : d.success.id) : d.failure.id
        wire.push(Calls.wireCall(raws[i]!, id))
      }
      if (s.invalidCalls === "error") {
        const bad = decoded.find(Result.isFailure)
        if (bad !== undefined) return yield* Effect.fail(bad.failure)
      }
      const assistant = Calls.assistantMessage(response, wire) as S.AssistantMessage
      const sofar: ReadonlyArray<S.Message> = [...transcript, assistant]
      const all = yield* Effect.forEach(
        decoded,
        (d, i): Effect.Effect<AnyResult | Fixed | Pending, unknown, unknown> => {
          if (Result.isFailure(d)) {
            return Effect.succeed({
              _tag: "Invalid",
              error: d.failure,
              message: Calls.toolMessage(d.failure.id, Calls.errorContent(d.failure.message))
            })
          }
          const call = d.success
          if (typeof call === "string") {
            return Effect.succeed({ _tag: "Fixed", message: Calls.toolMessage(call, answerFor(raws[i]!)!) })
          }
          if (isClientCall(s.toolkit, call.raw)) return Effect.succeed({ _tag: "Pending", call })
          const context: Toolkit.CallContext = { id: call.id, name: call.name, round, transcript: sofar }
          return Effect.map(Kit.run(s.toolkit, call, context), (outcome): AnyResult =>
            outcome._tag === "Success"
              ? { _tag: "Success", call, value: outcome.value, message: Calls.toolMessage(call.id, outcome.content) }
              : { _tag: "Failure", call, error: outcome.error, message: Calls.toolMessage(call.id, outcome.content) })
        },
        { concurrency: s.concurrency }
      )
      const results: Array<AnyResult> = []
      const messages: Array<S.ToolMessage> = []
      const pending: Array<Kit.AnyCall> = []
      for (const r of all) {
        if (r._tag === "Pending") pending.push(r.call)
        else {
          if (r._tag !== "Fixed") results.push(r)
          messages.push(r.message)
        }
      }
      transcript.push(assistant, ...messages)
      return { assistant, results, pending }
    })

  const maxRoundsError = (response: S.ChatResponse) =>
    new ToolError.MaxRoundsError({
      maxRounds: s.maxRounds,
      transcript: [...transcript, Calls.assistantMessage(response, []) as S.AssistantMessage],
      response,
      message: `The model still asked for tools after ${s.maxRounds} round(s), the most the tool loop allows`
    })

  const done = (index: number, response: S.ChatResponse, results: ReadonlyArray<AnyResult>, extra: {
    readonly stoppedBy?: AnyResult
    readonly pending?: ReadonlyArray<Kit.AnyCall>
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
      transcript.push(Calls.assistantMessage(response, []) as S.AssistantMessage)
      return Effect.succeed(done(index, response, [], {}))
    }
    return Effect.matchEffect(Structure.decodeResponse(output.strict, response, answers, output.extract), {
      onSuccess: (value) => {
        transcript.push(Calls.assistantMessage(response, []) as S.AssistantMessage)
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
    answer: S.ResponseToolCall,
    o: Output
  ): Effect.Effect<Next, unknown, unknown> => {
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
      if (answer !== undefined) return finalAnswerCall(index, response, raws, answer, output)
    }
    // A reply with a call the client executes ends the loop, so it needs no further round.
    if (index >= s.maxRounds && !raws.some((raw) => isClientCall(s.toolkit, raw))) {
      return Effect.fail(maxRoundsError(response))
    }
    return Effect.map(runCalls(response, index, raws, () => undefined), (step): Next => {
      if (step.pending.length > 0) return done(index, response, step.results, { pending: step.pending })
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
    if (!hasTool(s.toolkit, name)) return undefined
    return Kit.partialPlan(s.toolkit.tools[name]!)
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
 * The driver of a loop, or why it cannot run. The request is read once, here, into a plain copy (its
 * getters run once; one that throws is a typed error, and nothing is sent), so each round's request is
 * built from plain values.
 */
const driverFor = (
  request: Chat.ChatRequest,
  options: AnyOptions
): Result.Result<Driver, Errors.InvalidRequestError> => {
  if (!isRecord(request)) return Result.fail(invalidOption("request", "must be an object"))
  if (!isRecord(options)) return Result.fail(invalidOption("options", "must be an object"))
  let where = "request"
  try {
    let plain: Chat.ChatRequest = { ...request }
    if (Array.isArray(plain.messages)) plain = { ...plain, messages: [...plain.messages] }
    if (Array.isArray(plain.tools)) plain = { ...plain, tools: [...plain.tools] }
    where = "options"
    let opts: AnyOptions = { ...options }
    if (Array.isArray(opts.stopAfter)) opts = { ...opts, stopAfter: [...opts.stopAfter] }
    // The checks read values inside the options too (a tool_choice, the toolkit's tools): a getter there
    // that throws is as much an option that cannot be read.
    const checked = settings(plain, opts)
    return Result.map(checked, (s) => makeDriver(plain, s))
  } catch (e) {
    return Result.fail(invalidOption(where, `cannot be read: ${e instanceof Error ? e.message : shownValue(e)}`))
  }
}

/** `ToolLoop.run`: each reply from `Chat.send`. */
export const run = (
  request: Chat.ChatRequest,
  options: AnyOptions
): Effect.Effect<AnyLoopResult, unknown, unknown> =>
  Effect.suspend(() => {
    const driver = driverFor(request, options)
    if (Result.isFailure(driver)) return Effect.fail(driver.failure)
    const d = driver.success
    const round = (index: number): Effect.Effect<AnyLoopResult, unknown, unknown> =>
      Chat.send(d.request(index), d.requestOptions).pipe(
        Effect.flatMap((response) => d.settle(index, response)),
        Effect.flatMap((next) => next._tag === "Done" ? Effect.succeed(next.result) : round(index + 1))
      )
    return round(1)
  })

/** An event, untyped (typed by the public module). */
type AnyEvent = ToolLoop.Event<Record<string, never>, unknown, unknown>

/** `ToolLoop.stream`: each reply from `Chat.stream`, its chunks passed on as they arrive, then folded. */
export const stream = (
  request: Chat.ChatRequest,
  options: AnyOptions
): Stream.Stream<AnyEvent, unknown, unknown> =>
  Stream.suspend(() => {
    const driver = driverFor(request, options)
    if (Result.isFailure(driver)) return Stream.fail(driver.failure)
    const d = driver.success
    const round = (index: number): Stream.Stream<AnyEvent, unknown, unknown> =>
      Stream.suspend(() => {
        // The fold of `Chat.collect` (the shared `collect.ts`), fed as the chunks pass: no second pass over them.
        const collector = new Collector<S.ChatResponse>()
        const calls = new CallPartials(d.planFor)
        const content = d.output.from === "content" ? new PartialValues(d.output.plan, d.output.lenient) : undefined
        const streamed = Stream.mapAccumArray(
          Chat.stream(d.request(index), d.requestOptions),
          () => undefined,
          (_, input) => {
            const out: Array<AnyEvent> = []
            for (const chunk of input) {
              collector.add(chunk)
              out.push({ _tag: "Chunk", round: index, chunk })
              for (const partial of calls.push(chunk)) {
                out.push(
                  partial.name === FINAL_ANSWER && d.output.from === "tool"
                    ? { _tag: "OutputPartial", round: index, value: partial.arguments as never }
                    : { _tag: "CallPartial", round: index, ...partial }
                )
              }
              if (content !== undefined) {
                const text = chunk.choices[0]?.delta?.content
                const value = typeof text === "string" ? content.push(text) : undefined
                if (value !== undefined) out.push({ _tag: "OutputPartial", round: index, value: value as never })
              }
            }
            return [undefined, out] as const
          }
        )
        const next = Stream.unwrap(
          Effect.flatMap(
            Effect.sync(() => collector.result()),
            (response) =>
              Effect.map(d.settle(index, response), (next): Stream.Stream<AnyEvent, unknown, unknown> => {
                const ended: AnyEvent = { _tag: "Round", round: next.round as never }
                if (next._tag === "Done") return Stream.make(ended, { _tag: "Done", result: next.result as never })
                const restart: ReadonlyArray<AnyEvent> = next.restart === undefined
                  ? []
                  : [{ _tag: "Restart", round: index + 1, error: next.restart }]
                return Stream.concat(Stream.fromArray([ended, ...restart]), round(index + 1))
              })
          )
        )
        return Stream.concat(streamed, next)
      })
    return round(1)
  })
