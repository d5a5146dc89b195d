/**
 * The `LanguageModel` service of the Effect 4 `OpenRouterLanguageModel`: requests built from the
 * effect/ai call and the model's config, sent with `Chat.send` / `Chat.stream` (so with their retries,
 * timeouts, typed errors and telemetry), answers mapped to response parts (see `provider/mapping.ts`).
 *
 * Telemetry, one span tree per call and one GenAI span in it: effect/ai opens
 * `LanguageModel.generateText` / `streamText`; our `chat {model}` span (with the usage, cost, retries
 * and the metrics) is its child. effect/ai's span gets GenAI attributes from us only when our spans
 * are off (`telemetry: false` or `spans: false`), so a backend that sums `gen_ai.usage.*` or counts
 * `gen_ai.operation.name` spans sees each call once.
 */
import * as AiError from "effect/ai/AiError"
import * as LanguageModel from "effect/ai/LanguageModel"
import type * as Response from "effect/ai/Response"
import { addGenAIAnnotations } from "effect/ai/Telemetry"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import { ParentSpan, type Span } from "effect/Tracer"
import * as Chat from "../../Chat.js"
import { OpenRouterConfig } from "../../Client.js"
import type * as Errors from "../../Errors.js"
import type { Config, Requirements } from "../../OpenRouterLanguageModel.js"
import { settingsOf } from "../telemetry/telemetry.js"
import * as Internal from "./mapping.js"

type Loose = Record<string, unknown>

const annotateRequest = (span: Span, request: Loose): void => {
  addGenAIAnnotations(span, {
    provider: { name: "openrouter" },
    operation: { name: "chat" },
    request: {
      model: request.model as string | undefined,
      temperature: request.temperature as number | undefined,
      topP: request.top_p as number | undefined,
      maxTokens: request.max_tokens as number | undefined
    }
  })
}

const annotatePart = (span: Span, part: Response.StreamPartEncoded | Response.PartEncoded): void => {
  if (part.type === "response-metadata") {
    addGenAIAnnotations(span, { response: { id: part.id, model: part.modelId } })
  } else if (part.type === "finish") {
    addGenAIAnnotations(span, {
      response: { finishReasons: [part.reason] },
      usage: { inputTokens: part.usage.inputTokens.total, outputTokens: part.usage.outputTokens.total }
    })
  }
}

/** Our error as an `AiError`, dated by the clock (a 402's `resetAt` from its `Retry-After`). */
const failWith = (method: string, url: string) => (error: Errors.StreamError): Effect.Effect<never, AiError.AiError> =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.fail(Internal.toAiError(error, method, url, now)))

/** `OpenRouterLanguageModel.make`, with the way to read the per-call config override. */
export const make = (
  options: {
    readonly model: string
    readonly config?: Omit<Config.Service, "model"> | undefined
  },
  getOverride: Effect.Effect<Config.Service | undefined>
): Effect.Effect<LanguageModel.LanguageModel, never, Requirements> =>
  Effect.gen(function*() {
    const config = yield* OpenRouterConfig
    const client = yield* HttpClient.HttpClient
    const url = config.completionsUrl
    const settings = settingsOf(config)
    // effect/ai's span carries the GenAI attributes only when ours is not there (see the module doc)
    const annotate = settings === false || !settings.spans

    const buildRequest = (
      providerOptions: LanguageModel.ProviderOptions,
      override: Config.Service | undefined
    ): Result.Result<Chat.ChatRequest, AiError.AiError> => {
      const { strictJsonSchema, tools: extraTools, ...fields } = {
        model: options.model,
        ...options.config,
        ...override
      }
      const messages = Internal.prepareMessages(providerOptions.prompt)
      if (Result.isFailure(messages)) return Result.fail(messages.failure)
      const tools = Internal.prepareTools(providerOptions)
      if (Result.isFailure(tools)) return Result.fail(tools.failure)
      const format = Internal.prepareResponseFormat(providerOptions, strictJsonSchema)
      if (Result.isFailure(format)) return Result.fail(format.failure)
      const request: Loose = { ...fields, messages: messages.success, ...tools.success, ...format.success }
      if (extraTools !== undefined && extraTools.length > 0) {
        request.tools = [...(request.tools as ReadonlyArray<unknown> | undefined ?? []), ...extraTools]
      }
      return Result.succeed(request as unknown as Chat.ChatRequest)
    }

    const makeRequest = (
      providerOptions: LanguageModel.ProviderOptions,
      override: Config.Service | undefined,
      method: string
    ): Result.Result<Chat.ChatRequest, AiError.AiError> => {
      try {
        return buildRequest(providerOptions, override)
      } catch (cause) {
        // a value JSON cannot carry (a BigInt, a cycle) in a tool call of the prompt
        return Result.fail(Internal.aiError(
          method,
          new AiError.InvalidUserInputError({
            description: `The prompt or tools cannot be sent as JSON: ${
              cause instanceof Error ? cause.message : String(cause)
            }`
          })
        ))
      }
    }

    return yield* LanguageModel.make({
      codecTransformer: Internal.codecTransformer,
      generateText: (providerOptions) =>
        Effect.flatMap(getOverride, (override) => {
          const request = makeRequest(providerOptions, override, "generateText")
          if (Result.isFailure(request)) return Effect.fail(request.failure)
          const span = providerOptions.span
          if (annotate) annotateRequest(span, request.success as unknown as Loose)
          return Chat.send(request.success, { config }).pipe(
            Effect.provideService(HttpClient.HttpClient, client),
            Effect.catch(failWith("generateText", url)),
            Effect.flatMap((response) => {
              const parts = Internal.responseParts(response, providerOptions.responseFormat.type === "json")
              if (annotate && Result.isSuccess(parts)) { for (const part of parts.success) annotatePart(span, part) }
              if (Result.isFailure(parts)) return Effect.fail(parts.failure)
              const plain = Internal.plainToolCalls(providerOptions)
              return plain === undefined ? Effect.succeed(parts.success) : Effect.forEach(parts.success, plain)
            })
          )
        }),
      streamText: (providerOptions) =>
        Stream.unwrap(Effect.map(getOverride, (override) => {
          const request = makeRequest(providerOptions, override, "streamText")
          if (Result.isFailure(request)) return Stream.fail(request.failure)
          const span = providerOptions.span
          if (annotate) annotateRequest(span, request.success as unknown as Loose)
          const mapper = new Internal.StreamMapper()
          const emit = (out: Array<Response.StreamPartEncoded>): Array<Response.StreamPartEncoded> => {
            if (annotate) {
              for (const part of out) {
                if (part.type === "response-metadata" || part.type === "finish") annotatePart(span, part)
              }
            }
            return out
          }
          const parts = Chat.stream(request.success, { config }).pipe(
            // effect/ai's stream span is not the current span where the stream runs: make it the
            // parent of ours, so that the call is one span tree as for generateText
            Stream.provideContext(Context.make(HttpClient.HttpClient, client).pipe(Context.add(ParentSpan, span))),
            Stream.catch((error) => Stream.fromEffect(failWith("streamText", url)(error))),
            // a chunk may map to no part (the usage chunk): mapAccumArray drops empty batches
            Stream.mapAccumArrayEffect(() => mapper, (state, chunks) => {
              const out: Array<Response.StreamPartEncoded> = []
              for (const chunk of chunks) {
                const error = state.add(chunk, out)
                if (error !== undefined) return Effect.fail(error)
              }
              return Effect.succeed([state, emit(out)] as const)
            })
          )
          const end = Stream.suspend(() => {
            const out: Array<Response.StreamPartEncoded> = []
            const error = mapper.end(out)
            return error === undefined ? Stream.fromIterable(emit(out)) : Stream.fail(error)
          })
          const all = Stream.concat(parts, end)
          const plain = Internal.plainToolCalls(providerOptions)
          return plain === undefined ? all : Stream.mapEffect(all, plain)
        }))
    })
  })
