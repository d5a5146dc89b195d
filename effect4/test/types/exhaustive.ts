/**
 * Type-level tests of the Effect 4 edition, checked by `tsc` (npm run typecheck in effect4/): matching every tag of `SendError` /
 * `StreamError` leaves `never`, and leaving one out is a compile error.
 */
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Match from "effect/Match"
import type * as Stream from "effect/Stream"
import { Chat, type Errors, OpenRouterConfig } from "../../src/index.js"

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
const assertType = <T extends true>(_: T): void => undefined

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }
const sent = Chat.send(request)

// The R channel is exactly HttpClient | OpenRouterConfig; the error channel is SendError.
assertType<Equals<Effect.Services<typeof sent>, HttpClient.HttpClient | OpenRouterConfig>>(true)
assertType<Equals<Effect.Error<typeof sent>, Errors.SendError>>(true)

export const streamed = Chat.stream(request)
assertType<Equals<Stream.Error<typeof streamed>, Errors.StreamError>>(true)
assertType<Equals<Stream.Services<typeof streamed>, HttpClient.HttpClient | OpenRouterConfig>>(true)

const ok = <E>(_: E) => Effect.succeed("handled")

// catchTags over every tag leaves never.
export const handledAll = sent.pipe(
  Effect.catchTags({
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
  })
)
assertType<Equals<Effect.Error<typeof handledAll>, never>>(true)

// One tag left out: the error channel is not never.
export const handledAllButOne = sent.pipe(
  Effect.catchTags({
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
    ResponseDecodeError: ok
  })
)
// @ts-expect-error InvalidRequestError is still in the error channel
assertType<Equals<Effect.Error<typeof handledAllButOne>, never>>(true)

// Match.tagsExhaustive over SendError.
export const describeSend = Match.type<Errors.SendError>().pipe(
  Match.tagsExhaustive({
    BadRequestResponseError: (e) => `400 ${e.message}`,
    UnauthorizedResponseError: () => "401",
    PaymentRequiredResponseError: () => "402",
    ForbiddenResponseError: () => "403",
    NotFoundResponseError: () => "404",
    RequestTimeoutResponseError: () => "408",
    PayloadTooLargeResponseError: () => "413",
    UnprocessableEntityResponseError: () => "422",
    TooManyRequestsResponseError: (e) => `429 ${e.retryAfter}`,
    InternalServerResponseError: () => "500",
    BadGatewayResponseError: () => "502",
    ServiceUnavailableResponseError: (e) => `503 ${e.availability?.code}`,
    EdgeNetworkTimeoutResponseError: () => "524",
    ProviderOverloadedResponseError: () => "529",
    OpenRouterDefaultError: (e) => `${e.status}`,
    ConnectionError: (e) => e.reason,
    TimeoutError: (e) => e.limit,
    ResponseDecodeError: (e) => e.excerpt,
    InvalidRequestError: (e) => e.issues.map((i) => i.path).join()
  })
)
assertType<Equals<ReturnType<typeof describeSend>, string>>(true)

Match.type<Errors.SendError>().pipe(
  // @ts-expect-error ConnectionError is missing
  Match.tagsExhaustive({
    BadRequestResponseError: () => "",
    UnauthorizedResponseError: () => "",
    PaymentRequiredResponseError: () => "",
    ForbiddenResponseError: () => "",
    NotFoundResponseError: () => "",
    RequestTimeoutResponseError: () => "",
    PayloadTooLargeResponseError: () => "",
    UnprocessableEntityResponseError: () => "",
    TooManyRequestsResponseError: () => "",
    InternalServerResponseError: () => "",
    BadGatewayResponseError: () => "",
    ServiceUnavailableResponseError: () => "",
    EdgeNetworkTimeoutResponseError: () => "",
    ProviderOverloadedResponseError: () => "",
    OpenRouterDefaultError: () => "",
    TimeoutError: () => "",
    ResponseDecodeError: () => "",
    InvalidRequestError: () => ""
  })
)

// Match.tagsExhaustive over StreamError needs MidStreamError too.
export const describeStream = Match.type<Errors.StreamError>().pipe(
  Match.tagsExhaustive({
    BadRequestResponseError: () => "",
    UnauthorizedResponseError: () => "",
    PaymentRequiredResponseError: () => "",
    ForbiddenResponseError: () => "",
    NotFoundResponseError: () => "",
    RequestTimeoutResponseError: () => "",
    PayloadTooLargeResponseError: () => "",
    UnprocessableEntityResponseError: () => "",
    TooManyRequestsResponseError: () => "",
    InternalServerResponseError: () => "",
    BadGatewayResponseError: () => "",
    ServiceUnavailableResponseError: () => "",
    EdgeNetworkTimeoutResponseError: () => "",
    ProviderOverloadedResponseError: () => "",
    OpenRouterDefaultError: () => "",
    ConnectionError: () => "",
    TimeoutError: () => "",
    ResponseDecodeError: () => "",
    InvalidRequestError: () => "",
    MidStreamError: (e) => `${e.code} ${e.errorType} ${e.contentEmitted}`
  })
)
assertType<Equals<ReturnType<typeof describeStream>, string>>(true)

Match.type<Errors.StreamError>().pipe(
  // @ts-expect-error MidStreamError is missing
  Match.tagsExhaustive({
    BadRequestResponseError: () => "",
    UnauthorizedResponseError: () => "",
    PaymentRequiredResponseError: () => "",
    ForbiddenResponseError: () => "",
    NotFoundResponseError: () => "",
    RequestTimeoutResponseError: () => "",
    PayloadTooLargeResponseError: () => "",
    UnprocessableEntityResponseError: () => "",
    TooManyRequestsResponseError: () => "",
    InternalServerResponseError: () => "",
    BadGatewayResponseError: () => "",
    ServiceUnavailableResponseError: () => "",
    EdgeNetworkTimeoutResponseError: () => "",
    ProviderOverloadedResponseError: () => "",
    OpenRouterDefaultError: () => "",
    ConnectionError: () => "",
    TimeoutError: () => "",
    ResponseDecodeError: () => "",
    InvalidRequestError: () => ""
  })
)

// With a per-call configuration the call needs only an HttpClient, in both operations.
declare const tenant: import("../../src/Client.js").OpenRouterConfigService
export const sentWithConfig = Chat.send(request, { config: tenant })
assertType<Equals<Effect.Services<typeof sentWithConfig>, HttpClient.HttpClient>>(true)
export const streamedWithConfig = Chat.stream(request, { config: tenant })
assertType<Equals<Stream.Services<typeof streamedWithConfig>, HttpClient.HttpClient>>(true)
// Chat.collect keeps the stream's error and requirements.
export const collected = Chat.collect(streamed)
assertType<Equals<Effect.Error<typeof collected>, Errors.StreamError>>(true)
assertType<Equals<Effect.Services<typeof collected>, HttpClient.HttpClient | OpenRouterConfig>>(true)
