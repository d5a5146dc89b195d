/**
 * The Effect 4 edition's port of test/types/structured.ts. Type-level tests of `Structured`, checked by `tsc` (npm run typecheck): the decoded value's type is
 * the Schema's `Type`, partial values are deep partials of its encoded side, the error unions match
 * exhaustively, the Schema's requirements reach the R channel, and `Chat.send`'s union is unchanged.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Match from "effect/Match"
import * as Schema from "effect/Schema"
import * as Getter from "effect/SchemaGetter"
import type * as Stream from "effect/Stream"
import {
  Chat,
  type Errors,
  type OpenRouterConfig,
  type Schema as S,
  Structured,
  StructuredError
} from "../../src/index.js"

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
const assertType = <T extends true>(_: T): void => undefined

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

const Person = Schema.Struct({
  name: Schema.String,
  id: Schema.String.pipe(Schema.brand("PersonId")),
  // Effect 4's Schema.Date encodes to a Date (its JSON form is a string): DateFromString is the
  // Schema whose encoded side is the string a model sends.
  born: Schema.DateFromString,
  nickname: Schema.optionalKey(Schema.String),
  friends: Schema.Array(Schema.Struct({ name: Schema.String }))
})

// The decoded value is exactly the Schema's Type; the response is the plain ChatResponse.
export const sent = Structured.send(Person, request)
type Sent = Effect.Success<typeof sent>
assertType<Equals<Sent["value"], typeof Person.Type>>(true)
assertType<Equals<Sent["response"], S.ChatResponse>>(true)
assertType<Equals<Effect.Error<typeof sent>, Structured.SendError>>(true)
assertType<Equals<Effect.Services<typeof sent>, HttpClient.HttpClient | OpenRouterConfig>>(true)

// The union is Chat.send's plus the output errors.
assertType<Equals<Structured.SendError, Errors.SendError | StructuredError.OutputError>>(true)
assertType<Equals<Structured.StreamError, Errors.StreamError | StructuredError.OutputError>>(true)

// Chat.send's union is unchanged: no output error in it.
export const plain = Chat.send(request)
assertType<Equals<Effect.Error<typeof plain>, Errors.SendError>>(true)
assertType<Equals<Extract<Errors.SendError, { readonly _tag: "RefusalError" }>, never>>(true)
assertType<Equals<Extract<Errors.StreamError, StructuredError.OutputError>, never>>(true)

// Streaming: partial values are deep partials of the encoded side; the final value is the Type.
export const streamed = Structured.stream(Person, request)
type Event = Stream.Success<typeof streamed>
type PartialValue = Extract<Event, { readonly _tag: "Partial" }>["value"]
type FinalValue = Extract<Event, { readonly _tag: "Final" }>["value"]
assertType<Equals<FinalValue, typeof Person.Type>>(true)
assertType<
  Equals<PartialValue, {
    readonly name?: string
    readonly id?: string
    readonly born?: string
    readonly nickname?: string
    readonly friends?: ReadonlyArray<{ readonly name?: string }>
  }>
>(true)
assertType<Equals<Stream.Error<typeof streamed>, Structured.StreamError>>(true)

// A Schema's requirements reach the R channel.
class Lookup extends Context.Service<Lookup, { readonly ok: boolean }>()("Lookup") {}
const Checked = Schema.String.pipe(
  Schema.decode({
    decode: Getter.transformEffect((s: string) => Effect.map(Effect.service(Lookup), () => s)),
    encode: Getter.passthrough()
  })
)
export const needsLookup = Structured.send(Schema.Struct({ a: Checked }), request)
assertType<Equals<Effect.Services<typeof needsLookup>, HttpClient.HttpClient | OpenRouterConfig | Lookup>>(
  true
)

const ok = <E>(_: E) => Effect.succeed(undefined)

// catchTags over the output errors leaves exactly Chat.send's union.
export const outputHandled = sent.pipe(
  Effect.catchTags({
    OutputNotJsonError: (e) => Effect.succeed(e.text),
    OutputDecodeError: (e) => Effect.succeed(e.issues.map((i) => i.path).join()),
    RefusalError: (e) => Effect.succeed(e.refusal),
    OutputTruncatedError: (e) => Effect.succeed(e.finishReason),
    EmptyOutputError: ok
  })
)
assertType<Equals<Effect.Error<typeof outputHandled>, Errors.SendError>>(true)

// Match.tagsExhaustive over the output errors; leaving one out is a compile error.
export const describeOutput = Match.type<StructuredError.OutputError>().pipe(
  Match.tagsExhaustive({
    OutputNotJsonError: (e) => `${e.issue} ${e.attempts}`,
    OutputDecodeError: (e) => `${e.issues.length}`,
    RefusalError: (e) => e.refusal,
    OutputTruncatedError: (e) => e.text,
    EmptyOutputError: (e) => `${e.finishReason} ${e.response.id}`
  })
)
assertType<Equals<ReturnType<typeof describeOutput>, string>>(true)

Match.type<StructuredError.OutputError>().pipe(
  // @ts-expect-error RefusalError is missing
  Match.tagsExhaustive({
    OutputNotJsonError: () => "",
    OutputDecodeError: () => "",
    OutputTruncatedError: () => "",
    EmptyOutputError: () => ""
  })
)

// Matching every tag of Structured.SendError leaves never.
export const describeStructured = Match.type<Structured.SendError>().pipe(
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
    OutputNotJsonError: () => "",
    OutputDecodeError: () => "",
    RefusalError: () => "",
    OutputTruncatedError: () => "",
    EmptyOutputError: () => ""
  })
)
assertType<Equals<ReturnType<typeof describeStructured>, string>>(true)

// The error classes are Schemas (serialisable) and instances of their class.
export const isRefusal = (u: unknown): u is StructuredError.RefusalError => u instanceof StructuredError.RefusalError
assertType<Equals<Schema.Schema.Type<typeof StructuredError.RefusalError>, StructuredError.RefusalError>>(true)
