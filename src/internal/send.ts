/**
 * `Chat.send`: validate, send, read, under the retry policy.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { CallOptions, OpenRouterConfigService } from "../Client.js"
import { OpenRouterConfig } from "../Client.js"
import * as Errors from "../Errors.js"
import * as Retry from "../Retry.js"
import type * as S from "../Schema.js"
import { prepare, requestTimeout, retryPolicy } from "./request.js"
import { readCompletion } from "./response.js"
import { executeWithin } from "./timeout.js"

const streamInSend = () =>
  new Errors.InvalidRequestError({
    message: "Invalid request: stream: true is not for Chat.send; use Chat.stream",
    issues: [{ path: "stream", message: "Chat.send does not stream; use Chat.stream" }]
  })

/** `Chat.send`: with `options.config`, the call needs no `OpenRouterConfig` (no context lookup). */
export function send(
  request: S.ChatRequest,
  options: CallOptions & { readonly config: OpenRouterConfigService }
): Effect.Effect<S.ChatResponse, Errors.SendError, HttpClient.HttpClient>
export function send(
  request: S.ChatRequest,
  options?: CallOptions
): Effect.Effect<S.ChatResponse, Errors.SendError, HttpClient.HttpClient | OpenRouterConfig>
export function send(
  request: S.ChatRequest,
  options?: CallOptions
): Effect.Effect<S.ChatResponse, Errors.SendError, HttpClient.HttpClient | OpenRouterConfig> {
  return options?.config === undefined
    ? Effect.flatMap(OpenRouterConfig, (config) => sendWith(config, request, options))
    : sendWith(options.config, request, options)
}

const sendWith = (
  config: OpenRouterConfigService,
  request: S.ChatRequest,
  options: CallOptions | undefined
): Effect.Effect<S.ChatResponse, Errors.SendError, HttpClient.HttpClient> => {
  if ((request as { readonly stream?: unknown }).stream === true) return Effect.fail(streamInSend())
  const prepared = prepare(config, request, options, "application/json")
  if (Either.isLeft(prepared)) return Effect.fail(prepared.left)
  const timeout = requestTimeout(config, options)
  return Effect.flatMap(HttpClient.HttpClient, (client) =>
    Retry.retry(
      executeWithin(client, prepared.right, timeout, "The chat completion request", readCompletion),
      retryPolicy(config, options)
    ))
}
