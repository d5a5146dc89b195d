/**
 * The README's code, typechecked by `npm run typecheck` so the documentation cannot drift from the API.
 * (Not run: the examples in examples/ run in CI.)
 */
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import { expect, it } from "@effect/vitest"
import { ConsoleMetricExporter, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics"
import { BatchSpanProcessor, ConsoleSpanExporter } from "@opentelemetry/sdk-trace-base"
import { type ConfigError, Console, Effect, Layer, Match, Redacted, Schedule, Stream } from "effect"
import {
  Chat,
  Client,
  type Errors,
  Generation,
  OpenRouterConfig,
  Retry,
  type Schema,
  type Telemetry,
  Testing
} from "../../src/index.js"

export const quickStart = () => {
  const program = Effect.gen(function*() {
    const response = yield* Chat.send({
      model: "openai/gpt-4o-mini",
      messages: [{ role: "user", content: "Write a haiku about typed errors." }]
    })
    yield* Console.log(response.choices[0]?.message?.content)
    yield* Console.log(`cost: $${response.usage?.cost}`)
  })

  const explain = Match.type<Errors.SendError | ConfigError.ConfigError>().pipe(
    Match.tagsExhaustive({
      ConfigError: (e) => e.message,
      BadRequestResponseError: (e) => `bad request: ${e.message}`,
      UnauthorizedResponseError: () => "check OPENROUTER_API_KEY",
      PaymentRequiredResponseError: () => "out of credits",
      ForbiddenResponseError: (e) => `blocked: ${e.metadata?.reasons?.join(", ") ?? e.message}`,
      NotFoundResponseError: (e) => `no such model: ${e.message}`,
      RequestTimeoutResponseError: () => "OpenRouter timed out",
      PayloadTooLargeResponseError: () => "request too large",
      UnprocessableEntityResponseError: (e) => e.message,
      TooManyRequestsResponseError: (e) => `rate limited, retry after ${e.retryAfter ?? "a while"}`,
      InternalServerResponseError: () => "OpenRouter failed",
      BadGatewayResponseError: (e) => `provider failed: ${e.message}`,
      ServiceUnavailableResponseError: (e) => `no provider available (${e.availability?.code})`,
      EdgeNetworkTimeoutResponseError: () => "edge timeout",
      ProviderOverloadedResponseError: () => "provider overloaded",
      OpenRouterDefaultError: (e) => `HTTP ${e.status}: ${e.message}`,
      ConnectionError: (e) => `network: ${e.message}`,
      TimeoutError: (e) => `timed out after ${e.duration}`,
      ResponseDecodeError: (e) => `unexpected response: ${e.excerpt}`,
      InvalidRequestError: (e) => e.message
    })
  )

  return program.pipe(
    Effect.provide(Layer.merge(OpenRouterConfig.layerConfig(), NodeHttpClient.layerUndici)),
    Effect.catchAll((error) => Console.error(explain(error))),
    Effect.runPromise
  )
}

const request: Chat.ChatRequest = { model: "x", messages: [{ role: "user", content: "hi" }] }
const messages: Chat.ChatRequest["messages"] = [{ role: "user", content: "hi" }]

export const streaming = () => {
  const tokens = Chat.stream({ model: "anthropic/claude-sonnet-4", messages }).pipe(
    Stream.map((chunk) => chunk.choices[0]?.delta?.content ?? ""),
    Stream.runForEach((text) => Effect.sync(() => process.stdout.write(text)))
  )
  const response = Chat.collect(Chat.stream(request))
  return [tokens, response] as const
}

export const retries = (apiKey: Redacted.Redacted<string>) =>
  [
    OpenRouterConfig.layer({ apiKey, retry: Retry.make({ retries: 5, maxDelay: "30 seconds" }), timeout: "2 minutes" }),
    Chat.send(request, { retry: false, timeout: "30 seconds" }),
    Chat.stream(request, { idleTimeout: "45 seconds" }),
    Chat.send(request, {
      retry: Retry.fromSchedule(Schedule.spaced("1 second").pipe(Schedule.intersect(Schedule.recurs(3))))
    })
  ] as const

export const testing = () => {
  const TestLayer = (script: Testing.Script) =>
    Layer.merge(Testing.layer(script), OpenRouterConfig.layer({ apiKey: Redacted.make("test") }))

  it.effect("retries a 429 and then answers", () =>
    Effect.gen(function*() {
      const response = yield* Chat.send({ messages: [{ role: "user", content: "hi" }] })
      expect(response.choices[0]?.message?.content).toBe("hello")
      const requests = yield* Testing.requests
      expect(requests).toHaveLength(2)
    }).pipe(Effect.provide(TestLayer([
      Testing.error(429, { retryAfter: 0 }),
      Testing.completion({ content: "hello" })
    ]))))
}

export const generationGet = () =>
  Effect.gen(function*() {
    // Stop after 10 chunks: OpenRouter stops generating, and bills what was generated.
    const chunks = yield* Stream.runCollect(Stream.take(Chat.stream(request), 10))
    const id = [...chunks][0]?.id ?? ""
    const stats = yield* Generation.get(id, { wait: "10 seconds" })
    return { cost: stats.total_cost, tokens: stats.native_tokens_completion, cancelled: stats.cancelled }
  })
export const telemetry = (program: Effect.Effect<void, Errors.SendError, HttpClient.HttpClient | OpenRouterConfig>) => {
  // In production, the OTLP exporters (@opentelemetry/exporter-trace-otlp-http, ...) instead of the console.
  const Otel = NodeSdk.layer(() => ({
    resource: { serviceName: "my-app" },
    spanProcessor: new BatchSpanProcessor(new ConsoleSpanExporter()),
    metricReader: new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter() })
  }))
  const config = OpenRouterConfig.layerConfig({ telemetry: { recordContent: false } })
  const options: Telemetry.Options = { spans: true, metrics: true, recordContent: false }
  return [
    program.pipe(Effect.provide(Layer.mergeAll(OpenRouterConfig.layerConfig(), NodeHttpClient.layerUndici, Otel))),
    config,
    options
  ] as const
}

export const perCallConfig = (
  request: Chat.ChatRequest,
  tenant: { id: string; apiKey: Redacted.Redacted<string> }
) => {
  const tenants = new Map<string, Client.OpenRouterConfigService>()
  const configFor = (tenant: { id: string; apiKey: Redacted.Redacted<string> }) => {
    let config = tenants.get(tenant.id)
    if (config === undefined) {
      config = Client.makeConfig({ apiKey: tenant.apiKey, appTitle: "My agent server" })
      tenants.set(tenant.id, config)
    }
    return config
  }

  // Stream<ChatStreamChunk, StreamError, HttpClient>: no OpenRouterConfig required
  const tokens = Chat.stream(request, { config: configFor(tenant), idleTimeout: "45 seconds" })
  const typed: Stream.Stream<Schema.ChatStreamChunk, Errors.StreamError, HttpClient.HttpClient> = tokens
  const sent: Effect.Effect<Schema.ChatResponse, Errors.SendError, HttpClient.HttpClient> = Chat.send(request, {
    config: configFor(tenant)
  })
  return [typed, sent] as const
}
