/**
 * `Chat.send`: validate, send, read, under the retry policy.
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import * as Result from "effect/Result"
import * as Tracer from "effect/Tracer"
import type { CallOptions, OpenRouterConfigService } from "../../Client.js"
import { OpenRouterConfig } from "../../Client.js"
import * as Errors from "../../Errors.js"
import * as Retry from "../../Retry.js"
import type * as S from "../../Schema.js"
import { isNativeTracer, redactingClient } from "../telemetry/platformSpan.js"
import { traceSendIn } from "../telemetry/telemetry.js"
import { callConfig, prepare, readBody, traceable } from "../transport/request.js"
import { readCompletion } from "../transport/response.js"
import { executeWithClock } from "../transport/timeout.js"

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
  const perCall = callConfig(options)
  if (perCall instanceof Errors.InvalidRequestError) return Effect.fail(perCall)
  // Everything the call takes from its fiber (the configuration unless the call carries one, the
  // HTTP client, the tracer, the clock) is read in one step, when the effect runs (on every run): a
  // call is a hot path, and each service lookup of its own would be a step of the fiber.
  return Effect.withFiber((fiber) =>
    sendWith(fiber, perCall ?? Context.getUnsafe(fiber.context, OpenRouterConfig), request, options)
  )
}

const sendWith = (
  fiber: Fiber.Fiber<unknown, unknown>,
  config: OpenRouterConfigService,
  request: S.ChatRequest,
  options: CallOptions | undefined
): Effect.Effect<S.ChatResponse, Errors.SendError> => {
  const body = readBody(request)
  const prepared = prepare(config, body, options, "send")
  // Telemetry reads the body as read once, never the caller's object (which may throw when read).
  if (Result.isFailure(prepared)) return traceSendIn(fiber, config, traceable(body), Effect.fail(prepared.failure))
  const call = prepared.success
  const client = Context.getUnsafe(fiber.context, HttpClient.HttpClient)
  // Without a tracer the HTTP client's spans would be seen by no one: the request opens none (see
  // `executeWithClock`), and there is nothing to redact (see `redactingClient`).
  const untraced = isNativeTracer(fiber.getRef(Tracer.Tracer))
  return traceSendIn(
    fiber,
    config,
    body,
    Retry.retry(
      executeWithClock(
        fiber.getRef(Clock.Clock),
        untraced ? client : redactingClient(client),
        call.request,
        call.timeout,
        "The chat completion request",
        readCompletion,
        untraced
      ),
      call.retry
    )
  )
}
