/**
 * The `LanguageModel` service of `OpenRouterLanguageModel`: requests built from the `@effect/ai` call
 * and the model's config, sent with `Chat.send` / `Chat.stream`, answers mapped to response parts
 * (see `provider/mapping.ts` for the mapping), GenAI attributes on `@effect/ai`'s span.
 */
import * as AiError from "@effect/ai/AiError"
import * as LanguageModel from "@effect/ai/LanguageModel"
import type * as Response from "@effect/ai/Response"
import { addGenAIAnnotations } from "@effect/ai/Telemetry"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import type { Span } from "effect/Tracer"
import * as Chat from "../../Chat.js"
import { OpenRouterConfig } from "../../Client.js"
import type { Config, Requirements } from "../../OpenRouterLanguageModel.js"
import { setAttribute } from "../telemetry/telemetry.js"
import * as Internal from "./mapping.js"

const annotateRequest = (span: Span, request: Record<string, unknown>): void => {
  addGenAIAnnotations(span, {
    system: "openrouter",
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
      usage: { inputTokens: part.usage.inputTokens, outputTokens: part.usage.outputTokens }
    })
    // @effect/ai's list reaches an OpenTelemetry span as JSON text; set it again as an array
    setAttribute(span, "gen_ai.response.finish_reasons", [part.reason])
  }
}

/** `OpenRouterLanguageModel.make`, with the way to read the per-call config override. */
export const make = (
  options: {
    readonly model: string
    readonly config?: Omit<Config.Service, "model"> | undefined
  },
  getOverride: Effect.Effect<Config.Service | undefined>
): Effect.Effect<LanguageModel.Service, never, Requirements> =>
  Effect.gen(function*() {
    const context = yield* Effect.context<Requirements>()
    const url = Context.get(context, OpenRouterConfig).completionsUrl

    const makeRequest = (
      providerOptions: LanguageModel.ProviderOptions,
      override: Config.Service | undefined
    ): Either.Either<Chat.ChatRequest, AiError.MalformedInput> => {
      try {
        return buildRequest(providerOptions, override)
      } catch (cause) {
        // a value JSON cannot carry (a BigInt, a cycle) or a schema with no JSON Schema form
        return Either.left(
          new AiError.MalformedInput({
            module: "OpenRouterLanguageModel",
            method: "prepareRequest",
            description: `The prompt, tools or schema cannot be sent as JSON: ${String(cause)}`,
            cause
          })
        )
      }
    }

    const buildRequest = (
      providerOptions: LanguageModel.ProviderOptions,
      override: Config.Service | undefined
    ): Either.Either<Chat.ChatRequest, AiError.MalformedInput> => {
      const { strictJsonSchema, tools: extraTools, ...fields } = {
        model: options.model,
        ...options.config,
        ...override
      }
      const messages = Internal.prepareMessages(providerOptions.prompt)
      if (Either.isLeft(messages)) return Either.left(messages.left)
      const tools = Internal.prepareTools(providerOptions)
      if (Either.isLeft(tools)) return Either.left(tools.left)
      const request: Record<string, unknown> = {
        ...fields,
        messages: messages.right,
        ...tools.right,
        ...Internal.prepareResponseFormat(providerOptions, strictJsonSchema)
      }
      if (extraTools !== undefined && extraTools.length > 0) {
        request.tools = [...(request.tools as ReadonlyArray<unknown> | undefined ?? []), ...extraTools]
      }
      return Either.right(request as unknown as Chat.ChatRequest)
    }

    return yield* LanguageModel.make({
      generateText: (providerOptions) =>
        Effect.flatMap(getOverride, (override) => {
          const request = makeRequest(providerOptions, override)
          if (Either.isLeft(request)) return Effect.fail(request.left)
          annotateRequest(providerOptions.span, request.right as Record<string, unknown>)
          return Chat.send(request.right).pipe(
            Effect.provide(context),
            Effect.mapError((error) => Internal.toAiError(error, "generateText", url)),
            Effect.flatMap((response) => {
              const parts = Internal.responseParts(response, providerOptions.responseFormat.type === "json")
              if (Either.isRight(parts)) { for (const part of parts.right) annotatePart(providerOptions.span, part) }
              return parts
            })
          )
        }),
      streamText: (providerOptions) =>
        Stream.unwrap(Effect.map(getOverride, (override) => {
          const request = makeRequest(providerOptions, override)
          if (Either.isLeft(request)) return Stream.fail(request.left)
          annotateRequest(providerOptions.span, request.right as Record<string, unknown>)
          const span = providerOptions.span
          const mapper = new Internal.StreamMapper()
          const emit = (out: Array<Response.StreamPartEncoded>) => {
            for (const part of out) {
              if (part.type === "response-metadata" || part.type === "finish") annotatePart(span, part)
            }
            return Chunk.unsafeFromArray(out)
          }
          const parts = Chat.stream(request.right).pipe(
            Stream.provideContext(context),
            Stream.mapError((error): AiError.AiError => Internal.toAiError(error, "streamText", url)),
            Stream.mapChunksEffect((chunks) => {
              const out: Array<Response.StreamPartEncoded> = []
              for (const chunk of chunks) {
                const error = mapper.add(chunk, out)
                if (error !== undefined) return Effect.fail(error)
              }
              return Effect.succeed(emit(out))
            })
          )
          const end = Stream.suspend(() => {
            const out: Array<Response.StreamPartEncoded> = []
            const error = mapper.end(out)
            return error === undefined ? Stream.fromChunk(emit(out)) : Stream.fail(error)
          })
          return Stream.concat(parts, end)
        }))
    })
  })
