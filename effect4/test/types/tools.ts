/**
 * The Effect 4 edition's port of test/types/tools.ts. Type-level tests of tools, checked by `tsc`
 * (npm run typecheck): our tools and toolkits ARE effect/ai's (one handler layer for both), decoded
 * calls carry each tool's parameter type, handlers are typed against the tools, handlers'
 * requirements and errors show up in the loop's `R` and `E`, and the loop's error union is matched
 * exhaustively.
 */
import type * as AiError from "effect/ai/AiError"
import * as AiTool from "effect/ai/Tool"
import * as AiToolkit from "effect/ai/Toolkit"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Layer from "effect/Layer"
import * as Match from "effect/Match"
import type * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Getter from "effect/SchemaGetter"
import type * as Stream from "effect/Stream"
import {
  type Errors,
  type OpenRouterConfig,
  type Schema as S,
  Tool,
  type ToolError,
  Toolkit,
  ToolLoop
} from "../../src/index.js"

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
const assertType = <T extends true>(_: T): void => undefined

class Db extends Context.Service<Db, { readonly lookup: (city: string) => number }>()("Db") {}
class Geo extends Context.Service<Geo, { readonly where: () => string }>()("Geo") {}

class NotFound extends Schema.TaggedError<NotFound>()("NotFound", { city: Schema.String }) {}
class Quota extends Schema.TaggedError<Quota>()("Quota", {}) {}

const GetWeather = Tool.make("get_weather", {
  parameters: Schema.Struct({ city: Schema.String, days: Schema.optionalKey(Schema.Number) }),
  success: Schema.Struct({ celsius: Schema.Number }),
  failure: NotFound,
  strict: true,
  dependencies: [Db]
})
const Locate = Tool.make("locate", {
  success: Schema.String,
  failure: Quota,
  failureMode: "return",
  dependencies: [Geo]
})
const Tools = Toolkit.make(GetWeather, Locate)
type Tools = Toolkit.Tools<typeof Tools>

// ---------------------------------------------------------------------------
// Our tools and toolkits are effect/ai's
// ---------------------------------------------------------------------------

export const asAiTool: AiTool.Any = GetWeather
export const asAiToolkit: AiToolkit.Toolkit<Tools> = Tools
export const intoAiToolkit = AiToolkit.make(GetWeather, Locate)
assertType<Equals<typeof intoAiToolkit, typeof Tools>>(true)
// A tool made with effect/ai's own Tool.make goes into our Toolkit.make.
export const mixed = Toolkit.make(GetWeather, AiTool.make("ai_tool", { success: Schema.Number }))
assertType<Equals<keyof Toolkit.Tools<typeof mixed>, "get_weather" | "ai_tool">>(true)

// ---------------------------------------------------------------------------
// Decoded calls: a union discriminated by name, params typed by each tool's Schema
// ---------------------------------------------------------------------------

export declare const decoded: Effect.Success<ReturnType<typeof Toolkit.decodeCall<Tools>>>
assertType<Equals<typeof decoded["name"], "get_weather" | "locate">>(true)
assertType<Equals<Effect.Error<ReturnType<typeof Toolkit.decodeCall<Tools>>>, ToolError.CallError>>(true)
// Plain Schemas need no service to decode.
assertType<Equals<Effect.Services<ReturnType<typeof Toolkit.decodeCall<Tools>>>, never>>(true)
export const paramsOf = (call: Toolkit.Call<Tools>) => {
  switch (call.name) {
    case "get_weather": {
      assertType<Equals<typeof call.params, { readonly city: string; readonly days?: number }>>(true)
      return call.params.city
    }
    case "locate": {
      assertType<Equals<typeof call.params, { readonly [x: string]: never }>>(true)
      return "here"
    }
  }
}
assertType<Equals<Tool.Parameters<typeof GetWeather>, { readonly city: string; readonly days?: number }>>(true)
assertType<Equals<Tool.Success<typeof Locate>, string>>(true)
assertType<Equals<Tool.Failure<typeof GetWeather>, NotFound>>(true)
assertType<Equals<Tool.Requirements<typeof GetWeather>, Db>>(true)
// A tool without `success` may return anything (Schema.Unknown), as in the Effect 3 edition.
assertType<Equals<Tool.Success<ReturnType<typeof Tool.make<"any">>>, unknown>>(true)

export const decodedCalls = Toolkit.decodeCalls({ choices: [] } as S.ChatResponse, Tools)
assertType<Equals<Effect.Success<typeof decodedCalls>, ReadonlyArray<Toolkit.Call<Tools>>>>(true)

// A parameters Schema that needs a service puts it in R.
class Units extends Context.Service<Units, { readonly factor: number }>()("Units") {}
export const needsUnits = Toolkit.decodeCall(
  { id: "c" },
  Toolkit.make(Tool.make("scale", {
    parameters: Schema.Struct({
      n: Schema.Number.pipe(Schema.decodeTo(Schema.Number, {
        decode: Getter.transformEffect((n: number) => Effect.map(Effect.service(Units), (u) => n * u.factor)),
        encode: Getter.passthrough()
      }))
    })
  }))
)
assertType<Equals<Effect.Services<typeof needsUnits>, Units>>(true)

export const definitions = Toolkit.definitions(Tools)
assertType<Equals<typeof definitions, Result.Result<ReadonlyArray<S.FunctionTool>, Errors.InvalidRequestError>>>(
  true
)

// ---------------------------------------------------------------------------
// Handlers: typed against the tools; one layer for ToolLoop and LanguageModel
// ---------------------------------------------------------------------------

export const ToolsLive = Toolkit.toLayer(Tools, {
  get_weather: ({ city }) =>
    Effect.flatMap(
      Effect.service(Db),
      (db) => city === "" ? Effect.fail(new NotFound({ city })) : Effect.succeed({ celsius: db.lookup(city) })
    ),
  locate: () => Effect.map(Effect.service(Geo), (geo) => geo.where())
})
assertType<Equals<typeof ToolsLive, Layer.Layer<Tool.Handler<"get_weather"> | Tool.Handler<"locate">>>>(true)
// effect/ai's own toLayer gives the same layer type.
export const AiLive = Tools.toLayer({
  get_weather: () => Effect.succeed({ celsius: 1 }),
  locate: () => Effect.succeed("x")
})
assertType<Equals<typeof AiLive, typeof ToolsLive>>(true)

// The loop's call context, read in a handler, adds nothing to its requirements.
export const withContext = Toolkit.toLayer(Tools, {
  get_weather: () =>
    Effect.map(Effect.service(Toolkit.CurrentCall), (call) => ({ celsius: call === undefined ? 0 : call.round })),
  locate: (_, { toolCallId }) => Effect.succeed(toolCallId ?? "")
})

export const wrongResult = Toolkit.toLayer(Tools, {
  // @ts-expect-error the result must be the tool's success type
  get_weather: () => Effect.succeed({ fahrenheit: 1 }),
  locate: () => Effect.succeed("x")
})

export const wrongError = Toolkit.toLayer(Tools, {
  // @ts-expect-error the handler may only fail with the tool's failure type (or an AiError)
  get_weather: () => Effect.fail("boom"),
  locate: () => Effect.succeed("x")
})

// A handler may fail with an AiError reason, as effect/ai allows.
export const aiErrorOk = Toolkit.toLayer(Tools, {
  get_weather: () => Effect.fail(undefined as unknown as AiError.AiErrorReason),
  locate: () => Effect.succeed("x")
})

export const undeclaredService = Toolkit.toLayer(Tools, {
  get_weather: () => Effect.succeed({ celsius: 1 }),
  // @ts-expect-error the handler may only need the tool's dependencies
  locate: () => Effect.map(Effect.service(Db), () => "x")
})

// @ts-expect-error every tool needs a handler
export const missing = Toolkit.toLayer(Tools, { locate: () => Effect.succeed("x") })

// ---------------------------------------------------------------------------
// The loop: handler requirements in R, handler errors in E
// ---------------------------------------------------------------------------

const request = { model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "Hi" }] }
const loop = ToolLoop.run(request, { toolkit: Tools })

assertType<
  Equals<
    Effect.Services<typeof loop>,
    HttpClient.HttpClient | OpenRouterConfig | Tool.Handler<"get_weather"> | Tool.Handler<"locate"> | Db | Geo
  >
>(true)
// NotFound (failureMode "error") is in E, with the AiError an effect/ai handler may fail with; Quota
// (failureMode "return") goes back to the model.
assertType<
  Equals<
    Effect.Error<typeof loop>,
    | Errors.SendError
    | ToolError.MaxRoundsError
    | ToolError.InvalidResultError
    | ToolError.CallError
    | NotFound
    | AiError.AiError
  >
>(true)

// With invalidCalls: "return", the call errors leave the error channel.
export const lenient = ToolLoop.run(request, { toolkit: Tools, invalidCalls: "return" })
assertType<
  Equals<
    Effect.Error<typeof lenient>,
    Errors.SendError | ToolError.MaxRoundsError | ToolError.InvalidResultError | NotFound | AiError.AiError
  >
>(true)

// Providing the handlers (either layer) and their services leaves what Chat.send needs.
export const provided = [ToolsLive, AiLive].map((live) =>
  loop.pipe(
    Effect.provide(live),
    Effect.provideService(Db, { lookup: () => 1 }),
    Effect.provideService(Geo, { where: () => "here" })
  )
)
assertType<Equals<Effect.Services<typeof provided[number]>, HttpClient.HttpClient | OpenRouterConfig>>(true)

export const streamed = ToolLoop.stream(request, { toolkit: Tools })
assertType<
  Equals<
    Stream.Error<typeof streamed>,
    | Errors.StreamError
    | ToolError.MaxRoundsError
    | ToolError.InvalidResultError
    | ToolError.CallError
    | NotFound
    | AiError.AiError
  >
>(true)
assertType<Equals<Stream.Services<typeof streamed>, Effect.Services<typeof loop>>>(true)

// ---------------------------------------------------------------------------
// The loop's error union, matched exhaustively
// ---------------------------------------------------------------------------

const ok = <E>(_: E) => Effect.succeed("handled")
const statusOk = {
  BadRequestResponseError: ok,
  UnauthorizedResponseError: ok,
  PaymentRequiredResponseError: ok,
  ForbiddenResponseError: ok,
  NotFoundResponseError: ok,
  RequestTimeoutResponseError: ok,
  PayloadTooLargeResponseError: ok,
  UnprocessableEntityResponseError: ok,
  TooManyRequestsResponseError: ok,
  InternalServerResponseError: ok,
  BadGatewayResponseError: ok,
  ServiceUnavailableResponseError: ok,
  EdgeNetworkTimeoutResponseError: ok,
  ProviderOverloadedResponseError: ok,
  OpenRouterDefaultError: ok,
  ConnectionError: ok,
  TimeoutError: ok,
  ResponseDecodeError: ok,
  InvalidRequestError: ok
}

export const handledAll = loop.pipe(
  Effect.catchTags({
    ...statusOk,
    MaxRoundsError: (e) => Effect.succeed(`${e.maxRounds} rounds, ${e.transcript.length} messages`),
    InvalidResultError: ok,
    UnknownToolError: (e) => Effect.succeed(e.available.join()),
    MalformedArgumentsError: (e) => Effect.succeed(e.arguments),
    InvalidArgumentsError: ok,
    NotFound: (e) => Effect.succeed(e.city),
    AiError: (e) => Effect.succeed(e.reason._tag)
  })
)
assertType<Equals<Effect.Error<typeof handledAll>, never>>(true)

export const handledAllButOne = loop.pipe(
  Effect.catchTags({
    ...statusOk,
    MaxRoundsError: ok,
    InvalidResultError: ok,
    UnknownToolError: ok,
    MalformedArgumentsError: ok,
    InvalidArgumentsError: ok,
    AiError: ok
  })
)
// @ts-expect-error the handler's NotFound is still in the error channel
assertType<Equals<Effect.Error<typeof handledAllButOne>, never>>(true)

const tag = (e: { readonly _tag: string }) => e._tag

export const describeLoopError = Match.type<ToolLoop.Error<Tools, "error">>().pipe(
  Match.tagsExhaustive({
    BadRequestResponseError: tag,
    UnauthorizedResponseError: tag,
    PaymentRequiredResponseError: tag,
    ForbiddenResponseError: tag,
    NotFoundResponseError: tag,
    RequestTimeoutResponseError: tag,
    PayloadTooLargeResponseError: tag,
    UnprocessableEntityResponseError: tag,
    TooManyRequestsResponseError: tag,
    InternalServerResponseError: tag,
    BadGatewayResponseError: tag,
    ServiceUnavailableResponseError: tag,
    EdgeNetworkTimeoutResponseError: tag,
    ProviderOverloadedResponseError: tag,
    OpenRouterDefaultError: tag,
    ConnectionError: tag,
    TimeoutError: tag,
    ResponseDecodeError: tag,
    InvalidRequestError: tag,
    MaxRoundsError: (e) => `gave up after ${e.maxRounds} rounds`,
    InvalidResultError: (e) => e.message,
    UnknownToolError: (e) => `no tool ${e.name}`,
    MalformedArgumentsError: (e) => e.arguments,
    InvalidArgumentsError: (e) => e.message,
    NotFound: (e) => e.city,
    AiError: (e) => e.message
  })
)

// Each result of a round is typed by its tool.
export const valueOf = (result: ToolLoop.CallResult<Tools>) => {
  if (result._tag === "Success" && result.call.name === "get_weather") {
    return result.call.params.city
  }
  return result._tag
}

// ---------------------------------------------------------------------------
// Handlers written apart from toLayer, and merged toolkits
// ---------------------------------------------------------------------------

export const apart = Toolkit.handlers(Tools, {
  get_weather: ({ city }) => Effect.succeed({ celsius: city.length }),
  locate: () => Effect.succeed("x")
})
export const apartLive = Toolkit.toLayer(Tools, apart)
assertType<Equals<typeof apartLive, typeof ToolsLive>>(true)

export const apartWrong = Toolkit.handlers(Tools, {
  // @ts-expect-error Toolkit.handlers types the handlers against the tools
  get_weather: () => Effect.succeed(1),
  locate: () => Effect.succeed("x")
})

export const merged = Toolkit.merge(Tools, Toolkit.make(Tool.make("extra")))
assertType<Equals<keyof Toolkit.Tools<typeof merged>, "get_weather" | "locate" | "extra">>(true)
