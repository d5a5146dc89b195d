/**
 * Type-level tests of tools, checked by `tsc` (npm run typecheck): decoded calls carry each tool's
 * parameter type, handlers' requirements and errors show up in the loop's `R` and `E`, and the loop's
 * error union is matched exhaustively.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import * as Match from "effect/Match"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import { type Errors, type OpenRouterConfig, Tool, type ToolError, Toolkit, ToolLoop } from "../../src/index.js"

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
const assertType = <T extends true>(_: T): void => undefined

class Db extends Context.Tag("Db")<Db, { readonly lookup: (city: string) => number }>() {}
class Geo extends Context.Tag("Geo")<Geo, { readonly where: () => string }>() {}

class NotFound extends Schema.TaggedError<NotFound>()("NotFound", { city: Schema.String }) {}
class Quota extends Schema.TaggedError<Quota>()("Quota", {}) {}

const GetWeather = Tool.make("get_weather", {
  parameters: Schema.Struct({ city: Schema.String, days: Schema.optional(Schema.Number) }),
  success: Schema.Struct({ celsius: Schema.Number }),
  failure: NotFound,
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
// Decoded calls: a union discriminated by name, params typed by each tool's Schema
// ---------------------------------------------------------------------------

export declare const decoded: Either.Either.Right<ReturnType<typeof Toolkit.decodeCall<Tools>>>
assertType<Equals<typeof decoded["name"], "get_weather" | "locate">>(true)
export const paramsOf = (call: Toolkit.Call<Tools>) => {
  switch (call.name) {
    case "get_weather": {
      assertType<Equals<typeof call.params, { readonly city: string; readonly days?: number | undefined }>>(true)
      return call.params.city
    }
    case "locate": {
      assertType<Equals<typeof call.params, {}>>(true)
      return "here"
    }
  }
}
assertType<Equals<Tool.Parameters<typeof GetWeather>, { readonly city: string; readonly days?: number | undefined }>>(
  true
)
assertType<Equals<Tool.Success<typeof Locate>, string>>(true)
assertType<Equals<Tool.Failure<typeof GetWeather>, NotFound>>(true)
assertType<Equals<Tool.Requirements<typeof GetWeather>, Db>>(true)

// ---------------------------------------------------------------------------
// Handlers: typed against the tools
// ---------------------------------------------------------------------------

export const ToolsLive = Toolkit.toLayer(Tools, {
  get_weather: ({ city }) =>
    Effect.flatMap(
      Db,
      (db) => city === "" ? Effect.fail(new NotFound({ city })) : Effect.succeed({ celsius: db.lookup(city) })
    ),
  locate: () => Effect.map(Geo, (geo) => geo.where())
})
assertType<
  Equals<typeof ToolsLive, import("effect/Layer").Layer<Tool.Handler<"get_weather"> | Tool.Handler<"locate">>>
>(
  true
)

export const wrongResult = Toolkit.toLayer(Tools, {
  // @ts-expect-error the result must be the tool's success type
  get_weather: () => Effect.succeed({ fahrenheit: 1 }),
  locate: () => Effect.succeed("x")
})

export const wrongError = Toolkit.toLayer(Tools, {
  // @ts-expect-error the handler may only fail with the tool's failure type
  get_weather: () => Effect.fail("boom"),
  locate: () => Effect.succeed("x")
})

export const undeclaredService = Toolkit.toLayer(Tools, {
  get_weather: () => Effect.succeed({ celsius: 1 }),
  // @ts-expect-error the handler may only need the tool's dependencies
  locate: () => Effect.map(Db, () => "x")
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
    Effect.Effect.Context<typeof loop>,
    HttpClient.HttpClient | OpenRouterConfig | Tool.Handler<"get_weather"> | Tool.Handler<"locate"> | Db | Geo
  >
>(true)
// NotFound (failureMode "error") is in E; Quota (failureMode "return") goes back to the model.
assertType<
  Equals<
    Effect.Effect.Error<typeof loop>,
    | Errors.SendError
    | ToolError.MaxRoundsError
    | ToolError.InvalidResultError
    | ToolError.CallError
    | NotFound
  >
>(true)

// With invalidCalls: "return", the call errors leave the error channel.
export const lenient = ToolLoop.run(request, { toolkit: Tools, invalidCalls: "return" })
assertType<
  Equals<
    Effect.Effect.Error<typeof lenient>,
    Errors.SendError | ToolError.MaxRoundsError | ToolError.InvalidResultError | NotFound
  >
>(true)

// Providing the handlers and their services leaves what Chat.send needs.
export const provided = loop.pipe(
  Effect.provide(ToolsLive),
  Effect.provideService(Db, { lookup: () => 1 }),
  Effect.provideService(Geo, { where: () => "here" })
)
assertType<Equals<Effect.Effect.Context<typeof provided>, HttpClient.HttpClient | OpenRouterConfig>>(true)

export const streamed = ToolLoop.stream(request, { toolkit: Tools })
assertType<
  Equals<
    Stream.Stream.Error<typeof streamed>,
    | Errors.StreamError
    | ToolError.MaxRoundsError
    | ToolError.InvalidResultError
    | ToolError.CallError
    | NotFound
  >
>(true)
assertType<Equals<Stream.Stream.Context<typeof streamed>, Effect.Effect.Context<typeof loop>>>(true)

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
    NotFound: (e) => Effect.succeed(e.city)
  })
)
assertType<Equals<Effect.Effect.Error<typeof handledAll>, never>>(true)

export const handledAllButOne = loop.pipe(
  Effect.catchTags({
    ...statusOk,
    MaxRoundsError: ok,
    InvalidResultError: ok,
    UnknownToolError: ok,
    MalformedArgumentsError: ok,
    InvalidArgumentsError: ok
  })
)
// @ts-expect-error the handler's NotFound is still in the error channel
assertType<Equals<Effect.Effect.Error<typeof handledAllButOne>, never>>(true)

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
    NotFound: (e) => e.city
  })
)

// Each result of a round is typed by its tool.
export const valueOf = (result: ToolLoop.CallResult<Tools>) => {
  if (result._tag === "Success" && result.call.name === "get_weather") {
    return result.call.params.city
  }
  if (result._tag === "Failure" && result.call.name === "locate") {
    return result.error._tag
  }
  return result._tag
}
