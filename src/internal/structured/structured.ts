/**
 * The body of `Structured`: the request with `response_format` from a Schema, the answer decoded to
 * the Schema's type, the re-ask loop, and the stream of partial values.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Chat from "../../Chat.js"
import type * as Client from "../../Client.js"
import * as Errors from "../../Errors.js"
import type * as S from "../../Schema.js"
import type * as Structured from "../../Structured.js"
import * as StructuredError from "../../StructuredError.js"
import { isRecord } from "../transport/json.js"
import { describeThrown, plainOptions, shownValue } from "../transport/snapshot.js"
import { candidates, REASK_PREFIX } from "./extractJson.js"
import {
  decodeStrictJson,
  type StrictDecodeFailure,
  type StrictJsonSchema,
  strictJsonSchema,
  StrictJsonSchemaError
} from "./jsonSchema.js"
import { PartialValues } from "./partialValues.js"

const DEFAULT_NAME = "response"

const invalid = (path: string, message: string): Errors.InvalidRequestError =>
  new Errors.InvalidRequestError({
    message: `Invalid request: ${path}: ${message}`,
    issues: [{ path, message }]
  })

/** The strict-mode form of a Schema, or the reason it has none as an `InvalidRequestError`. */
export const strictFor = <A, I, R>(
  schema: Schema.Schema<A, I, R>
): Either.Either<StrictJsonSchema<A, R>, Errors.InvalidRequestError> => {
  try {
    return Either.right(strictJsonSchema(schema))
  } catch (e) {
    const message = e instanceof StrictJsonSchemaError ? e.message : String(e)
    const path = e instanceof StrictJsonSchemaError && e.path !== "" ? `schema.${e.path}` : "schema"
    return Either.left(invalid(path, message))
  }
}

/** `response_format` for a Schema. */
export const responseFormat = <A, I, R>(
  schema: Schema.Schema<A, I, R>,
  options?: Structured.FormatOptions
): Either.Either<S.ResponseFormat, Errors.InvalidRequestError> =>
  Either.flatMap(readOptions(options), (plain) => Either.map(strictFor(schema), (strict) => formatOf(strict, plain)))

/** Options read once into a plain copy, or the `InvalidRequestError` at `options` saying why not. */
const readOptions = <O extends object>(
  options: O | undefined
): Either.Either<O | undefined, Errors.InvalidRequestError> => {
  const read = plainOptions(options)
  return "issue" in read ? Either.left(invalid("options", read.issue)) : Either.right(read.copy)
}

const formatOf = <A, R>(strict: StrictJsonSchema<A, R>, options: Structured.FormatOptions | undefined) => {
  const description = options?.description ?? strict.description
  return {
    type: "json_schema" as const,
    json_schema: {
      name: options?.name ?? strict.name ?? DEFAULT_NAME,
      strict: options?.strict ?? true,
      schema: strict.schema as Record<string, unknown>,
      ...(description === undefined ? {} : { description })
    }
  }
}

interface Prepared<A, R> {
  readonly strict: StrictJsonSchema<A, R>
  readonly request: Chat.ChatRequest
  /** The options read once into a plain copy. */
  readonly options: Structured.Options | undefined
}

/**
 * The request and options read once, into plain copies: a getter that throws there, or inside a value
 * the checks read, is a typed error and nothing is sent.
 */
const prepare = <A, I, R>(
  schema: Schema.Schema<A, I, R>,
  request: Chat.ChatRequest,
  options: Structured.Options | undefined
): Either.Either<Prepared<A, R>, Errors.InvalidRequestError> => {
  if (!isRecord(request)) {
    return Either.left(invalid("request", "must be an object"))
  }
  let where = "request"
  const read = Either.try({
    try: () => {
      const plain: Chat.ChatRequest = { ...request }
      where = "options"
      const opts: Structured.Options | undefined = isRecord(options) ? { ...options } : options
      return prepareRead(schema, plain, opts)
    },
    catch: (e) => invalid(where, `cannot be read: ${describeThrown(e)}`)
  })
  return Either.flatMap(read, (prepared) => prepared)
}

const prepareRead = <A, I, R>(
  schema: Schema.Schema<A, I, R>,
  request: Chat.ChatRequest,
  options: Structured.Options | undefined
): Either.Either<Prepared<A, R>, Errors.InvalidRequestError> => {
  if (request.response_format !== undefined) {
    return Either.left(
      invalid("response_format", "is set from the Schema by Structured; leave it out of the request")
    )
  }
  if (options?.retries !== undefined && !(Number.isInteger(options.retries) && options.retries >= 0)) {
    return Either.left(invalid("options.retries", "must be a whole number, 0 or more"))
  }
  const extract = checkExtract(options?.extract, "options.extract")
  if (extract !== undefined) return Either.left(extract)
  const name = options?.name
  if (name !== undefined && !/^[a-zA-Z0-9_-]{1,64}$/.test(name)) {
    return Either.left(invalid("options.name", "must match ^[a-zA-Z0-9_-]{1,64}$"))
  }
  return Either.map(strictFor(schema), (strict) => {
    const out: Record<string, unknown> = {
      ...request,
      response_format: formatOf(strict, options)
    }
    if (options?.healing === true) {
      const plugins = Array.isArray(request.plugins) ? request.plugins : []
      if (!plugins.some((p) => (p as { readonly id?: unknown }).id === "response-healing")) {
        out.plugins = [...plugins, { id: "response-healing" }]
      }
    }
    return { strict, request: out as unknown as Chat.ChatRequest, options }
  })
}

const callOptions = (options: Structured.Options | undefined): Chat.Options | undefined => {
  if (options === undefined) return undefined
  const { description: _d, extract: _e, healing: _h, name: _n, retries: _r, strict: _s, ...rest } = options
  return rest
}

/** Checks an `extract` option: `undefined` when it is absent or valid. */
export const checkExtract = (extract: unknown, path: string): Errors.InvalidRequestError | undefined =>
  extract === undefined || extract === "exact" || extract === "lenient"
    ? undefined
    : invalid(path, `must be "exact" or "lenient", got ${shownValue(extract)}`)

/**
 * Decodes an answer's text; with `extract: "lenient"`, an answer that fails as it is gets a second
 * chance from the JSON inside it (see `extractJson.ts`), taken only when exactly one candidate parses
 * and decodes. Otherwise the failure of the text as it is stands, so the error says what the model sent.
 */
export const decodeText = <A, R>(
  strict: StrictJsonSchema<A, R>,
  text: string,
  extract: Structured.Extract | undefined
): Effect.Effect<A, StrictDecodeFailure, R> => {
  const exact = decodeStrictJson(strict, text)
  if (extract !== "lenient") return exact
  return Effect.catchAll(exact, (failure) => {
    const found = [...new Set(candidates(text))]
    if (found.length === 0) return Effect.fail(failure)
    return Effect.flatMap(
      Effect.forEach(found, (candidate) => Effect.either(decodeStrictJson(strict, candidate))),
      (results) => {
        const decoded = results.filter(Either.isRight)
        return decoded.length === 1 ? Effect.succeed(decoded[0]!.right) : Effect.fail(failure)
      }
    )
  })
}

/** The text of a message's content: a string, or the text parts of a content array. */
const contentText = (content: unknown): string | undefined => {
  if (typeof content === "string") return content
  if (Array.isArray(content)) {
    let text = ""
    for (const part of content) {
      const p = part as { readonly type?: unknown; readonly text?: unknown } | null
      if (isRecord(p) && p.type === "text" && typeof p.text === "string") text += p.text
    }
    return text
  }
  return undefined
}

const issuesOf = (
  error: ParseResult.ParseIssue,
  wrapped: boolean
): ReadonlyArray<StructuredError.OutputIssue> =>
  ParseResult.ArrayFormatter.formatIssueSync(error).map((issue) => {
    const path = wrapped && issue.path[0] === "value" ? issue.path.slice(1) : issue.path
    return { path: path.map(String).join("."), message: issue.message }
  })

const summarize = (issues: ReadonlyArray<StructuredError.OutputIssue>): string =>
  issues.slice(0, 5).map((i) => (i.path === "" ? i.message : `${i.path}: ${i.message}`)).join("; ") +
  (issues.length > 5 ? `; and ${issues.length - 5} more` : "")

const generationIdOf = (response: S.ChatResponse): string | undefined =>
  typeof response.id === "string" ? response.id : undefined

/** Turns a response into the Schema's value, or the output error that says why it is not one. */
export const decodeResponse = <A, R>(
  strict: StrictJsonSchema<A, R>,
  response: S.ChatResponse,
  attempts: number,
  extract?: Structured.Extract | undefined
): Effect.Effect<A, StructuredError.OutputError, R> => {
  const generationId = generationIdOf(response)
  const common = { response, generationId, attempts }
  const choice = response.choices[0]
  const message = choice?.message
  const finishReason = choice?.finish_reason ?? undefined
  const refusal = message?.refusal
  if (typeof refusal === "string" && refusal.length > 0) {
    return Effect.fail(
      new StructuredError.RefusalError({ ...common, refusal, message: `The model refused to answer: ${refusal}` }, true)
    )
  }
  const text = contentText(message?.content)
  if (finishReason === "length") {
    return Effect.fail(
      new StructuredError.OutputTruncatedError({
        ...common,
        text: text ?? "",
        finishReason,
        message:
          "The answer was cut off by the token limit (finish_reason: length) before its JSON was complete; raise max_tokens"
      }, true)
    )
  }
  if (text === undefined || text.trim() === "") {
    return Effect.fail(
      new StructuredError.EmptyOutputError({
        ...common,
        finishReason: finishReason ?? undefined,
        message: choice === undefined
          ? "The response has no choices"
          : `The answer has no content (finish_reason: ${finishReason ?? "none"})`
      }, true)
    )
  }
  return Effect.mapError(decodeText(strict, text, extract), (failure) => outputFailure(strict, failure, text, common))
}

/** The typed error of an answer's text that did not decode. */
export const outputFailure = <A, R>(
  strict: StrictJsonSchema<A, R>,
  failure: StrictDecodeFailure,
  text: string,
  common: { readonly response: S.ChatResponse; readonly generationId: string | undefined; readonly attempts: number }
): StructuredError.OutputNotJsonError | StructuredError.OutputDecodeError => {
  {
    if (failure._tag === "NotJson") {
      return new StructuredError.OutputNotJsonError({
        ...common,
        text,
        issue: failure.message,
        message: `The answer is not JSON: ${failure.message}`
      }, true)
    }
    const issues = failure._tag === "TooDeep"
      ? [{ path: "", message: failure.message }]
      : issuesOf(failure.issue, strict.wrapped)
    return new StructuredError.OutputDecodeError({
      ...common,
      text,
      issues,
      message: `The answer does not match the Schema: ${summarize(issues)}`
    }, true)
  }
}

export const isRetryableOutput = (
  error: StructuredError.OutputError
): error is StructuredError.OutputNotJsonError | StructuredError.OutputDecodeError =>
  error._tag === "OutputNotJsonError" || error._tag === "OutputDecodeError"

/** What was wrong with an answer, for the message that asks again. */
export const whatWasWrong = (error: StructuredError.OutputNotJsonError | StructuredError.OutputDecodeError): string =>
  error._tag === "OutputNotJsonError"
    ? `it is not valid JSON (${error.issue})`
    : `it does not match the schema (${summarize(error.issues)})`

/** The failed answer and a request to correct it, to append to the conversation. */
export const reaskMessages = (
  error: StructuredError.OutputNotJsonError | StructuredError.OutputDecodeError,
  instruction = "Answer again with only a JSON value that matches the schema."
): readonly [S.AssistantMessage, S.UserMessage] => [
  { role: "assistant", content: error.text },
  { role: "user", content: `${REASK_PREFIX}${whatWasWrong(error)}. ${instruction}` }
]

/** The conversation with the failed answer and a request to correct it appended. */
const reask = (
  request: Chat.ChatRequest,
  error: StructuredError.OutputNotJsonError | StructuredError.OutputDecodeError
) => ({ ...request, messages: [...request.messages, ...reaskMessages(error)] }) as Chat.ChatRequest

type Env = HttpClient.HttpClient | Client.OpenRouterConfig

export const send = <A, I, R>(
  schema: Schema.Schema<A, I, R>,
  request: Chat.ChatRequest,
  given: Structured.Options | undefined
): Effect.Effect<Structured.Result<A>, Structured.SendError, Env | R> =>
  Effect.suspend(() => {
    const prepared = prepare(schema, request, given)
    if (Either.isLeft(prepared)) return Effect.fail(prepared.left)
    const { options, strict } = prepared.right
    const retries = options?.retries ?? 0
    const extract = options?.extract
    const chatOptions = callOptions(options)
    const attempt = (
      current: Chat.ChatRequest,
      attempts: number
    ): Effect.Effect<Structured.Result<A>, Structured.SendError, Env | R> =>
      Effect.flatMap(Chat.send(current, chatOptions), (response) =>
        Effect.matchEffect(decodeResponse(strict, response, attempts, extract), {
          onSuccess: (value) =>
            Effect.succeed({ value, response, attempts }),
          onFailure: (error) =>
            attempts <= retries && isRetryableOutput(error)
              ? attempt(reask(current, error), attempts + 1)
              : Effect.fail(error)
        }))
    return attempt(prepared.right.request, 1)
  })

export const stream = <A, I, R>(
  schema: Schema.Schema<A, I, R>,
  request: Chat.ChatRequest,
  given: Structured.Options | undefined
): Stream.Stream<Structured.Event<A, I>, Structured.StreamError, Env | R> =>
  Stream.suspend(() => {
    const prepared = prepare(schema, request, given)
    if (Either.isLeft(prepared)) return Stream.fail(prepared.left)
    const { options, strict } = prepared.right
    const retries = options?.retries ?? 0
    const extract = options?.extract
    const chatOptions = callOptions(options)
    const attempt = (
      current: Chat.ChatRequest,
      attempts: number
    ): Stream.Stream<Structured.Event<A, I>, Structured.StreamError, Env | R> =>
      Stream.suspend(() => {
        const values = new PartialValues(strict.partial, extract === "lenient")
        const chunks: Array<S.ChatStreamChunk> = []
        const partials = Stream.mapChunks(Chat.stream(current, chatOptions), (input) => {
          const out: Array<Structured.Event<A, I>> = []
          for (const chunk of input) {
            chunks.push(chunk)
            const content = chunk.choices[0]?.delta?.content
            if (typeof content !== "string") continue
            const value = values.push(content)
            if (value !== undefined) out.push({ _tag: "Partial", value: value as Structured.DeepPartial<I> })
          }
          return Chunk.unsafeFromArray(out)
        }) as Stream.Stream<Structured.Event<A, I>, Errors.StreamError, Env>
        const final = Stream.unwrap(
          Effect.flatMap(Chat.collect(Stream.fromIterable(chunks)), (response) =>
            Effect.match(decodeResponse(strict, response, attempts, extract), {
              onSuccess: (value): Stream.Stream<Structured.Event<A, I>, Structured.StreamError, Env | R> =>
                Stream.succeed({ _tag: "Final", value, response, attempts }),
              onFailure: (error) =>
                attempts <= retries && isRetryableOutput(error)
                  ? Stream.concat(
                    Stream.succeed<Structured.Event<A, I>>({ _tag: "Restart", attempt: attempts + 1, error }),
                    attempt(reask(current, error), attempts + 1)
                  )
                  : Stream.fail(error)
            }))
        )
        return Stream.concat(partials, final)
      })
    return attempt(prepared.right.request, 1)
  })

export const decode = <A, I, R>(
  schema: Schema.Schema<A, I, R>,
  response: S.ChatResponse,
  options?: Structured.DecodeOptions
): Effect.Effect<A, StructuredError.OutputError | Errors.InvalidRequestError, R> =>
  Effect.suspend((): Effect.Effect<A, StructuredError.OutputError | Errors.InvalidRequestError, R> => {
    const plain = readOptions(options)
    if (Either.isLeft(plain)) return Effect.fail(plain.left)
    const extract = checkExtract(plain.right?.extract, "options.extract")
    if (extract !== undefined) return Effect.fail(extract)
    const strict = strictFor(schema)
    if (Either.isLeft(strict)) return Effect.fail(strict.left)
    if (!isRecord(response)) return Effect.fail(invalid("response", "must be a chat response (an object)"))
    try {
      return decodeResponse(strict.right, response, 1, plain.right?.extract)
    } catch (e) {
      // A response whose fields cannot be read (a getter that throws, no choices array) is the caller's.
      return Effect.fail(invalid("response", `cannot be read as a chat response: ${describeThrown(e)}`))
    }
  })
