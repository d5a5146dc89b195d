/**
 * Type-level tests of the agent loop (0.3.0), checked by `tsc` (npm run typecheck): the output's type,
 * `StructuredError`s in the loop's error union only with `output`, the output Schema's requirements in
 * `R`, handlers with and without the call context, `stopAfter` names and `stoppedBy`, and the events of
 * `ToolLoop.stream` and `Structured.stream`.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import {
  type Errors,
  Structured,
  type StructuredError,
  Tool,
  type ToolError,
  Toolkit,
  ToolLoop
} from "../../src/index.js"

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
const assertType = <T extends true>(_: T): void => undefined

const GetWeather = Tool.make("get_weather", {
  parameters: Schema.Struct({ city: Schema.String }),
  success: Schema.Struct({ celsius: Schema.Number })
})
const Book = Tool.make("book", { parameters: Schema.Struct({ city: Schema.String }), success: Schema.String })
const Tools = Toolkit.make(GetWeather, Book)
type Tools = Toolkit.Tools<typeof Tools>

const request = { model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "Hi" }] }
const Advice = Schema.Struct({ wear: Schema.Literal("coat", "t-shirt"), when: Schema.DateFromString })

type LoopError = Errors.SendError | ToolError.MaxRoundsError | ToolError.InvalidResultError | ToolError.CallError

// ---------------------------------------------------------------------------
// Without output: the 0.2.0 types, no StructuredError
// ---------------------------------------------------------------------------

const plain = ToolLoop.run(request, { toolkit: Tools })
assertType<Equals<Effect.Effect.Success<typeof plain>, ToolLoop.Result<Tools>>>(true)
assertType<Equals<Effect.Effect.Error<typeof plain>, LoopError>>(true)
// @ts-expect-error no output without the option
export const noOutput = Effect.map(plain, (result) => result.output)

// ---------------------------------------------------------------------------
// With output: the value typed by the Schema (its Type, not its encoded side), the errors added
// ---------------------------------------------------------------------------

const typed = ToolLoop.run(request, { toolkit: Tools, output: Advice, outputRetries: 1 })
assertType<Equals<Effect.Effect.Success<typeof typed>, ToolLoop.OutputResult<Tools, typeof Advice.Type>>>(true)
export const when = Effect.map(typed, (result) => result.output.when.getTime())
assertType<Equals<Effect.Effect.Error<typeof typed>, LoopError | StructuredError.OutputError>>(true)
assertType<
  Equals<Effect.Effect.Context<typeof typed>, Effect.Effect.Context<typeof plain>>
>(true)

// The output Schema's requirements are the loop's.
class Units extends Context.Tag("Units")<Units, { readonly celsius: boolean }>() {}
const NeedsUnits = Schema.Number.pipe(
  Schema.transformOrFail(Schema.Number, {
    decode: (n) => Effect.map(Units, (u) => (u.celsius ? n : (n - 32) / 1.8)),
    encode: (n) => Effect.succeed(n)
  })
)
export const withUnits = ToolLoop.run(request, { toolkit: Tools, output: Schema.Struct({ t: NeedsUnits }) })
assertType<Equals<Effect.Effect.Context<typeof withUnits>, Effect.Effect.Context<typeof plain> | Units>>(true)

// The stream's Done carries the typed output; OutputPartial the Schema's encoded side, partially.
export const typedStream = ToolLoop.stream(request, {
  toolkit: Tools,
  output: Advice,
  outputStrategy: "responseFormat"
})
type TypedEvent = Stream.Stream.Success<typeof typedStream>
assertType<
  Equals<Extract<TypedEvent, { _tag: "Done" }>["result"], ToolLoop.OutputResult<Tools, typeof Advice.Type>>
>(true)
assertType<
  Equals<Extract<TypedEvent, { _tag: "OutputPartial" }>["value"], Structured.DeepPartial<typeof Advice.Encoded>>
>(true)
assertType<
  Equals<
    Stream.Stream.Error<typeof typedStream>,
    | Errors.StreamError
    | ToolError.MaxRoundsError
    | ToolError.InvalidResultError
    | ToolError.CallError
    | StructuredError.OutputError
  >
>(true)
export const plainStream = ToolLoop.stream(request, { toolkit: Tools })
assertType<
  Equals<Extract<Stream.Stream.Success<typeof plainStream>, { _tag: "Done" }>["result"], ToolLoop.Result<Tools>>
>(true)

// @ts-expect-error an unknown strategy
export const badStrategy = ToolLoop.run(request, { toolkit: Tools, output: Advice, outputStrategy: "grammar" })

// ---------------------------------------------------------------------------
// stopAfter: tool names only; stoppedBy is that tool's success
// ---------------------------------------------------------------------------

export const stopping = Effect.map(ToolLoop.run(request, { toolkit: Tools, stopAfter: ["book"] }), (result) => {
  const stopped = result.stoppedBy
  assertType<Equals<NonNullable<typeof stopped>["_tag"], "Success">>(true)
  assertType<Equals<NonNullable<typeof stopped>["value"], string | { readonly celsius: number }>>(true)
  return stopped?.value
})
// @ts-expect-error not a tool of the toolkit
export const stopUnknown = ToolLoop.run(request, { toolkit: Tools, stopAfter: ["fly"] })

// ---------------------------------------------------------------------------
// Handlers: one argument still compiles; the second is the call's context
// ---------------------------------------------------------------------------

export const oneArgument = Toolkit.toLayer(Tools, {
  get_weather: ({ city }) => Effect.succeed({ celsius: city.length }),
  book: ({ city }) => Effect.succeed(city)
})
export const twoArguments = Toolkit.toLayer(Tools, {
  get_weather: (_, context) => {
    assertType<Equals<typeof context, Toolkit.CallContext>>(true)
    const id: string = context.id
    const round: number = context.round
    return Effect.succeed({ celsius: id.length + round + context.transcript.length })
  },
  book: ({ city }, { name }) => Effect.succeed(`${name} ${city}`)
})
export const handlersApart = Toolkit.handlers(Tools, {
  get_weather: () => Effect.succeed({ celsius: 1 }),
  book: (_, context) => Effect.succeed(context.name)
})

// ---------------------------------------------------------------------------
// Structured: Restart in the events, extract in the options
// ---------------------------------------------------------------------------

export const events = Structured.stream(Advice, request, { retries: 1, extract: "lenient" })
type StructuredEvent = Stream.Stream.Success<typeof events>
assertType<
  Equals<
    Extract<StructuredEvent, { _tag: "Restart" }>,
    {
      readonly _tag: "Restart"
      readonly attempt: number
      readonly error: StructuredError.OutputNotJsonError | StructuredError.OutputDecodeError
    }
  >
>(true)
// @ts-expect-error an unknown extract mode
export const badExtract = Structured.send(Advice, request, { extract: "loose" })
