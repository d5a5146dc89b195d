/**
 * `Chat.send`: validate, send, read, under the retry policy.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { CallOptions, OpenRouterConfigService } from "../../Client.js"
import { OpenRouterConfig } from "../../Client.js"
import * as Errors from "../../Errors.js"
import * as Retry from "../../Retry.js"
import type * as S from "../../Schema.js"
import { chatClient } from "../telemetry/platformSpan.js"
import { traceSend } from "../telemetry/telemetry.js"
import { prepare, readBody, traceable, withCallConfig } from "../transport/request.js"
import { readCompletion } from "../transport/response.js"
import { executeWithin } from "../transport/timeout.js"

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
  return withCallConfig(options, (config) => sendWith(config, request, options))
}

const sendWith = (
  config: OpenRouterConfigService,
  request: S.ChatRequest,
  options: CallOptions | undefined
): Effect.Effect<S.ChatResponse, Errors.SendError, HttpClient.HttpClient> => {
  const body = readBody(request)
  const prepared = prepare(config, body, options, "send")
  // Telemetry reads the body as read once, never the caller's object (which may throw when read).
  if (Either.isLeft(prepared)) return traceSend(config, traceable(body), Effect.fail(prepared.left))
  const call = prepared.right
  return traceSend(
    config,
    body,
    Effect.flatMap(HttpClient.HttpClient, (client) =>
      Retry.retry(
        executeWithin(
          chatClient(client),
          call.request,
          call.timeout,
          "The chat completion request",
          readCompletion
        ),
        call.retry
      ))
  )
}
