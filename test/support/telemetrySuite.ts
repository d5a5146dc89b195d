/**
 * The body of the telemetry test through a real OpenTelemetry pipeline, shared by both editions
 * (`test/telemetry.test.ts`, `effect4/test/telemetry.test.ts`): the span tree, names, kinds and
 * attributes of each kind of call, the retry events, the metric values, and that neither the API key
 * nor (by default) the message content is exported. What runs the calls inside the SDK's scope (each
 * edition's `@effect/opentelemetry` NodeSdk with the SDK's in-memory span exporter and an in-memory
 * metric exporter) is the edition's `Traced`; what the SDK exported is read here, Effect-free.
 *
 * Effect's metrics live in one global registry, so each test uses model names of its own and reads only
 * the data points tagged with them.
 */
import { SpanKind, SpanStatusCode } from "@opentelemetry/api"
import type { DataPoint, Histogram, ResourceMetrics } from "@opentelemetry/sdk-metrics"
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base"
import { failure, type Outcome, success } from "./calls.js"
import { tokenCounts, withUsage } from "./providerCases.js"
import { SECRET } from "./secret.js"
import type { Duration, Script, Wired } from "./suite.js"

/**
 * One call a traced body makes, in order: `Chat.send`; `Chat.stream` run to its end (`take`: only its
 * first chunks); or `Chat.stream` forked, then interrupted `after` that long.
 */
export type Step =
  | { readonly call: "send"; readonly request: unknown }
  | {
    readonly call: "stream"
    readonly request: unknown
    readonly options?: Readonly<Record<string, unknown>>
    readonly take?: number
  }
  | { readonly call: "interrupt"; readonly request: unknown; readonly after: Duration }

/** What the SDK exported, and how each step ended (an interrupted step: a success). */
export interface Exported {
  readonly outcomes: ReadonlyArray<Outcome<unknown>>
  readonly spans: ReadonlyArray<ReadableSpan>
  readonly metrics: ReadonlyArray<ResourceMetrics>
}

/**
 * Runs the steps against the emulator answering `script`, with the edition's OpenTelemetry NodeSdk
 * installed, under `OpenRouterConfig.layer({ apiKey: SECRET, baseUrl, retry: false, ...config })`, and
 * returns what the SDK exported (read before it shuts down: its in-memory exporters forget on shutdown).
 */
export type Traced<R> = (
  script: Script<R>,
  steps: ReadonlyArray<Step>,
  config?: Readonly<Record<string, unknown>>
) => Promise<Exported>

/** A request as an in-process HttpClient saw it: its span's parent and its own span (names), its trace headers. */
export interface Seen {
  readonly parent: string | undefined
  readonly span: string | undefined
  readonly traceparent: string | undefined
  readonly b3: string | undefined
}

/**
 * `Chat.send`, or `Chat.stream` run to its end, with no SDK, through an in-process `HttpClient.make`
 * answering one chunk (key set, retries off), under Effect's native tracer or under another tracer that
 * wraps it: how it ended, and each request as the client saw it.
 */
export type Untraced = (
  call: "send" | "stream",
  tracer: "native" | "other",
  model: string
) => Promise<{ readonly outcome: Outcome<unknown>; readonly seen: ReadonlyArray<Seen> }>

/**
 * What the in-process HttpClient of an `Untraced` answers a request with, after recording it in `seen`
 * (`parent`, `span`: the names of its span's parent and of its span): a JSON completion or, for a stream
 * (`accept: text/event-stream`), one chunk and `[DONE]`.
 */
export const answerSeen = (
  seen: Array<Seen>,
  headers: Readonly<Record<string, string>>,
  parent: string | undefined,
  span: string | undefined
): Response => {
  seen.push({ parent, span, traceparent: headers["traceparent"], b3: headers["b3"] })
  return headers["accept"] === "text/event-stream"
    ? new Response(
      `data: ${JSON.stringify({ id: "gen-1", choices: [{ index: 0, delta: { content: "hi" } }] })}\n\ndata: [DONE]\n\n`,
      { headers: { "content-type": "text/event-stream" } }
    )
    : new Response(JSON.stringify({ id: "gen-1", choices: [{ index: 0, message: { content: "hi" } }] }), {
      headers: { "content-type": "application/json" }
    })
}

/** What the telemetry body takes from an edition besides its `Wired`. */
export interface Telemetry<R> {
  readonly clients: ReadonlyArray<readonly [string, Traced<R>]>
  /** `Retry.make`. */
  readonly retry: (
    options: { readonly retries: number; readonly baseDelay: Duration; readonly jitter: number }
  ) => unknown
  readonly untraced: Untraced
}

/**
 * Where the editions' OpenTelemetry bridges differ, per edition: the status of a span that succeeded
 * (`@effect/opentelemetry` 4 leaves it UNSET, as the OpenTelemetry conventions ask of instrumentation;
 * 0.64 sets OK), and the name of the HTTP client's span (Effect 4 names it by the method alone).
 */
export const bridge = {
  effect3: { successStatus: SpanStatusCode.OK, httpSpanName: "http.client POST" },
  effect4: { successStatus: SpanStatusCode.UNSET, httpSpanName: "POST" }
} as const

/** Text that only the prompt holds, and text that only the completion holds. */
export const PROMPT = "PROMPT-CANARY-7f3a: what is my secret plan?"
export const ANSWER = "ANSWER-CANARY-91be: the plan is safe"

let modelCounter = 0
/** A model name no other test uses, so that its metric data points are its own. */
export const uniqueModel = (label: string) =>
  `test/${label}-${++modelCounter}-${Math.random().toString(36).slice(2, 8)}`

/** A request of `model` whose one message is the prompt, with the `extra` fields. */
export const request = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: "user", content: PROMPT }],
  ...extra
})

const send = (request: unknown): Step => ({ call: "send", request })
const stream = (request: unknown, more: { options?: Readonly<Record<string, unknown>>; take?: number } = {}): Step => ({
  call: "stream",
  request,
  ...more
})

const chatSpans = (spans: ReadonlyArray<ReadableSpan>) => spans.filter((s) => s.name.startsWith("chat"))
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId

/** The data points of a metric carrying `gen_ai.request.model: model`. */
const points = <T = number>(
  exported: ReadonlyArray<ResourceMetrics>,
  name: string,
  model: string
): Array<DataPoint<T> & { readonly unit: string }> => {
  // Cumulative: the last export holds everything.
  const last = exported[exported.length - 1]
  const found: Array<DataPoint<T> & { readonly unit: string }> = []
  for (const scope of last?.scopeMetrics ?? []) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== name) continue
      for (const point of metric.dataPoints as Array<DataPoint<T>>) {
        if (point.attributes["gen_ai.request.model"] === model) found.push({ ...point, unit: metric.descriptor.unit })
      }
    }
  }
  return found
}

/** Everything exported, as text: names, attributes, events, links, status and every metric point. */
const everything = (exported: Exported): string =>
  JSON.stringify({
    spans: exported.spans.map((s) => ({
      name: s.name,
      attributes: s.attributes,
      events: s.events,
      status: s.status,
      links: s.links,
      resource: s.resource.attributes
    })),
    metrics: exported.metrics
  })

const usage = { prompt_tokens: 12, completion_tokens: 34, cost: 0.00042, prompt_tokens_details: { cached_tokens: 5 } }

export const telemetrySuite = <R>(
  { describe, edition, expect, it, testing: Testing }: Wired<R>,
  telemetry: Telemetry<R>
): void => {
  const { httpSpanName, successStatus } = bridge[edition]
  const httpSpans = (spans: ReadonlyArray<ReadableSpan>) => spans.filter((s) => s.name === httpSpanName)
  const only = <T>(items: ReadonlyArray<T>): T => {
    expect(items).toHaveLength(1)
    return items[0]!
  }

  for (const [name, traced] of telemetry.clients) {
    describe(`telemetry over ${name}`, () => {
      it("a send is one client span `chat {model}` with the GenAI attributes, parent of the HTTP span", async () => {
        const model = uniqueModel("send")
        const { outcomes, spans } = await traced(
          Testing.completion({
            content: ANSWER,
            model: `${model}-resp`,
            provider: "Anthropic",
            id: "gen-send-1",
            usage: { ...usage, completion_tokens_details: { reasoning_tokens: 7 } }
          }),
          [send(request(model, {
            max_tokens: 100,
            temperature: 0.5,
            top_p: 0.9,
            top_k: 40,
            frequency_penalty: 0.1,
            presence_penalty: 0.2,
            seed: 42,
            stop: ["END"],
            models: [model, "openai/gpt-4o"]
          }))]
        )
        expect((success(outcomes[0]!) as { id: string }).id).toBe("gen-send-1")
        const chat = only(chatSpans(spans))
        expect(chat.name).toBe(`chat ${model}`)
        expect(chat.kind).toBe(SpanKind.CLIENT)
        expect(chat.status.code).toBe(successStatus)
        expect(chat.attributes).toMatchObject({
          "gen_ai.operation.name": "chat",
          "gen_ai.provider.name": "openrouter",
          "gen_ai.request.model": model,
          "gen_ai.request.stream": false,
          "gen_ai.request.max_tokens": 100,
          "gen_ai.request.temperature": 0.5,
          "gen_ai.request.top_p": 0.9,
          "gen_ai.request.top_k": 40,
          "gen_ai.request.frequency_penalty": 0.1,
          "gen_ai.request.presence_penalty": 0.2,
          "gen_ai.request.seed": 42,
          "gen_ai.response.id": "gen-send-1",
          "gen_ai.response.model": `${model}-resp`,
          "gen_ai.usage.input_tokens": 12,
          "gen_ai.usage.output_tokens": 34,
          "gen_ai.usage.cache_read.input_tokens": 5,
          "gen_ai.usage.reasoning.output_tokens": 7,
          "openrouter.provider": "Anthropic",
          "openrouter.cost": 0.00042,
          "openrouter.attempts": 1,
          "server.address": "127.0.0.1"
        })
        // list attributes reach the SDK as arrays (@effect/opentelemetry 0.64 alone would write JSON text)
        expect(chat.attributes["gen_ai.request.stop_sequences"]).toEqual(["END"])
        expect(chat.attributes["openrouter.request.models"]).toEqual([model, "openai/gpt-4o"])
        expect(chat.attributes["gen_ai.response.finish_reasons"]).toEqual(["stop"])
        expect(typeof chat.attributes["server.port"]).toBe("number")
        expect(chat.attributes["error.type"]).toBeUndefined()
        expect(chat.attributes["openrouter.cancelled"]).toBeUndefined()
        expect(chat.attributes["gen_ai.response.time_to_first_chunk"]).toBeUndefined()
        const httpSpan = only(httpSpans(spans))
        expect(httpSpan.kind).toBe(SpanKind.CLIENT)
        expect(parentOf(httpSpan)).toBe(chat.spanContext().spanId)
        expect(httpSpan.spanContext().traceId).toBe(chat.spanContext().traceId)
      })

      it("a stream's span ends with the stream, with the time to first chunk and the usage chunk", async () => {
        const model = uniqueModel("stream")
        const { outcomes, spans } = await traced(
          Testing.stream({ deltas: ["Hel", "lo"], model, provider: "OpenAI", id: "gen-stream-1", usage }),
          [stream(request(model))]
        )
        expect((success(outcomes[0]!) as ReadonlyArray<unknown>).length).toBeGreaterThan(2)
        const chat = only(chatSpans(spans))
        expect(chat.name).toBe(`chat ${model}`)
        expect(chat.kind).toBe(SpanKind.CLIENT)
        expect(chat.status.code).toBe(successStatus)
        expect(chat.attributes).toMatchObject({
          "gen_ai.request.stream": true,
          "gen_ai.response.id": "gen-stream-1",
          "gen_ai.response.model": model,
          "gen_ai.usage.input_tokens": 12,
          "gen_ai.usage.output_tokens": 34,
          "gen_ai.usage.cache_read.input_tokens": 5,
          "openrouter.provider": "OpenAI",
          "openrouter.cost": 0.00042,
          "openrouter.attempts": 1
        })
        expect(chat.attributes["gen_ai.response.finish_reasons"]).toEqual(["stop"])
        const ttfc = chat.attributes["gen_ai.response.time_to_first_chunk"] as number
        expect(ttfc).toBeGreaterThan(0)
        const duration = chat.duration[0] + chat.duration[1] / 1e9
        expect(ttfc).toBeLessThanOrEqual(duration)
        expect(chat.attributes["openrouter.cancelled"]).toBeUndefined()
        const httpSpan = only(httpSpans(spans))
        expect(parentOf(httpSpan)).toBe(chat.spanContext().spanId)
      })

      it("a stream stopped early is marked cancelled, with what it saw so far", async () => {
        const model = uniqueModel("early")
        const { outcomes, spans } = await traced(
          Testing.stream({
            deltas: Testing.pieces(50),
            model,
            provider: "OpenAI",
            id: "gen-early-1",
            chunkDelay: "5 millis"
          }),
          [stream(request(model), { options: { retry: false }, take: 3 })]
        )
        expect(success(outcomes[0]!)).toHaveLength(3)
        const chat = only(chatSpans(spans))
        expect(chat.attributes).toMatchObject({
          "openrouter.cancelled": true,
          "gen_ai.response.id": "gen-early-1",
          "gen_ai.response.model": model,
          "openrouter.provider": "OpenAI"
        })
        expect(chat.attributes["gen_ai.response.time_to_first_chunk"]).toBeGreaterThan(0)
        expect(chat.attributes["gen_ai.usage.input_tokens"]).toBeUndefined()
        expect(chat.attributes["gen_ai.response.finish_reasons"]).toBeUndefined()
        expect(chat.attributes["error.type"]).toBeUndefined()
      })

      it("a retried call records each retry as an event, with its attempt, error, delay and origin", async () => {
        const model = uniqueModel("retry")
        const { outcomes, spans } = await traced(
          [
            Testing.error(503),
            Testing.error(429, { headers: { "retry-after-ms": "20" } }),
            Testing.completion({ model, usage })
          ],
          [send(request(model))],
          { retry: telemetry.retry({ retries: 3, baseDelay: "10 millis", jitter: 0 }) }
        )
        success(outcomes[0]!)
        const chat = only(chatSpans(spans))
        expect(chat.attributes["openrouter.attempts"]).toBe(3)
        expect(chat.status.code).toBe(successStatus)
        expect(chat.events.map((e) => [e.name, e.attributes])).toEqual([
          ["openrouter.retry", {
            "openrouter.retry.attempt": 1,
            "error.type": "ServiceUnavailableResponseError",
            "openrouter.retry.delay": 0.01,
            "openrouter.retry.from_retry_after": false
          }],
          ["openrouter.retry", {
            "openrouter.retry.attempt": 2,
            "error.type": "TooManyRequestsResponseError",
            "openrouter.retry.delay": 0.02,
            "openrouter.retry.from_retry_after": true
          }]
        ])
        const attempts = httpSpans(spans)
        expect(attempts).toHaveLength(3)
        for (const attempt of attempts) expect(parentOf(attempt)).toBe(chat.spanContext().spanId)
      })

      it("a retried stream records its retries and the attempts", async () => {
        const model = uniqueModel("stream-retry")
        const { outcomes, spans } = await traced(
          [Testing.error(502), Testing.stream({ deltas: ["ok"], model })],
          [stream(request(model))],
          { retry: telemetry.retry({ retries: 2, baseDelay: "10 millis", jitter: 0 }) }
        )
        success(outcomes[0]!)
        const chat = only(chatSpans(spans))
        expect(chat.attributes["openrouter.attempts"]).toBe(2)
        expect(chat.events.map((e) => e.attributes?.["error.type"])).toEqual(["BadGatewayResponseError"])
        const attempts = httpSpans(spans)
        expect(attempts).toHaveLength(2)
        for (const attempt of attempts) expect(parentOf(attempt)).toBe(chat.spanContext().spanId)
      })

      it("a failed call has error.type (the error's tag) and an error status", async () => {
        const model = uniqueModel("fail")
        const { outcomes, spans } = await traced(Testing.error(401), [send(request(model))])
        expect(failure(outcomes[0]!)._tag).toBe("UnauthorizedResponseError")
        const chat = only(chatSpans(spans))
        expect(chat.status.code).toBe(SpanStatusCode.ERROR)
        expect(chat.attributes["error.type"]).toBe("UnauthorizedResponseError")
        expect(chat.attributes["openrouter.attempts"]).toBe(1)
      })

      it("a stream that fails mid-way has error.type MidStreamError", async () => {
        const model = uniqueModel("midstream")
        const { outcomes, spans } = await traced(
          Testing.midStreamError({ after: 1, deltas: ["Once upon a "], model }),
          [stream(request(model))]
        )
        expect(failure(outcomes[0]!)._tag).toBe("MidStreamError")
        const chat = only(chatSpans(spans))
        expect(chat.status.code).toBe(SpanStatusCode.ERROR)
        expect(chat.attributes["error.type"]).toBe("MidStreamError")
        expect(chat.attributes["openrouter.cancelled"]).toBeUndefined()
      })

      it("an invalid request is a failed span with no HTTP span (nothing was sent)", async () => {
        const model = uniqueModel("invalid")
        const { outcomes, spans } = await traced(Testing.completion(), [send(request(model, { temperature: 7 }))])
        expect(failure(outcomes[0]!)._tag).toBe("InvalidRequestError")
        const chat = only(chatSpans(spans))
        expect(chat.attributes["error.type"]).toBe("InvalidRequestError")
        expect(chat.attributes["gen_ai.request.temperature"]).toBe(7)
        expect(httpSpans(spans)).toHaveLength(0)
      })

      it("an invalid stream request ends its span at once with error.type InvalidRequestError", async () => {
        const model = uniqueModel("invalid-stream")
        const { outcomes, spans } = await traced(Testing.stream(), [stream(request(model, { top_p: 3 }))])
        expect(failure(outcomes[0]!)._tag).toBe("InvalidRequestError")
        const chat = only(chatSpans(spans))
        expect(chat.attributes["gen_ai.request.stream"]).toBe(true)
        expect(chat.attributes["error.type"]).toBe("InvalidRequestError")
        expect(chat.status.code).toBe(SpanStatusCode.ERROR)
        expect(httpSpans(spans)).toHaveLength(0)
      })

      it("an interrupted stream ends its span, marked cancelled", async () => {
        const model = uniqueModel("interrupted")
        const { spans } = await traced(
          Testing.stream({ deltas: Testing.pieces(100), model, chunkDelay: "5 millis" }),
          [{ call: "interrupt", request: request(model), after: "60 millis" }]
        )
        const chat = only(chatSpans(spans))
        expect(chat.attributes["openrouter.cancelled"]).toBe(true)
        expect(chat.attributes["error.type"]).toBeUndefined()
      })

      it("records the GenAI metrics: token usage by type, duration, time to first chunk, cost, failures", async () => {
        const model = uniqueModel("metrics")
        const { metrics, outcomes } = await traced(
          [
            Testing.completion({ model, provider: "Anthropic", usage }),
            Testing.stream({ deltas: ["a", "b"], model, provider: "Anthropic", usage }),
            Testing.error(400)
          ],
          [send(request(model)), stream(request(model)), send(request(model))]
        )
        expect(outcomes.map((o) => o.ok)).toEqual([true, true, false])
        const tokens = points<Histogram>(metrics, "gen_ai.client.token.usage", model)
        const byType = (type: string) => tokens.find((p) => p.attributes["gen_ai.token.type"] === type)!
        expect(byType("input").value).toMatchObject({ count: 2, sum: 24 })
        expect(byType("output").value).toMatchObject({ count: 2, sum: 68 })
        expect(byType("input").unit).toBe("{token}")
        expect(byType("input").attributes).toMatchObject({
          "gen_ai.operation.name": "chat",
          "gen_ai.provider.name": "openrouter",
          "gen_ai.response.model": model,
          "openrouter.provider": "Anthropic",
          "server.address": "127.0.0.1"
        })
        // The buckets are the conventions' advice for token counts.
        expect(byType("input").value.buckets.boundaries).toEqual([
          1,
          4,
          16,
          64,
          256,
          1024,
          4096,
          16384,
          65536,
          262144,
          1048576,
          4194304,
          16777216,
          67108864
        ])

        const durations = points<Histogram>(metrics, "gen_ai.client.operation.duration", model)
        const ok = durations.find((p) => p.attributes["error.type"] === undefined)!
        const failed = durations.find((p) => p.attributes["error.type"] === "BadRequestResponseError")!
        expect(ok.value.count).toBe(2)
        expect(ok.value.sum).toBeGreaterThan(0)
        expect(ok.unit).toBe("s")
        expect(ok.value.buckets.boundaries[0]).toBe(0.01)
        expect(failed.value.count).toBe(1)

        const ttfc = only(points<Histogram>(metrics, "gen_ai.client.operation.time_to_first_chunk", model))
        expect(ttfc.value.count).toBe(1)
        expect(ttfc.value.sum).toBeGreaterThan(0)

        const cost = only(points(metrics, "openrouter.client.cost", model))
        expect(cost.value).toBeCloseTo(0.00084, 10)
        expect(cost.unit).toBe("USD")

        const failures = only(points(metrics, "openrouter.client.failures", model))
        expect(failures.value).toBe(1)
        expect(failures.attributes["error.type"]).toBe("BadRequestResponseError")
      })

      it("exports neither the API key nor, by default, the prompt or the completion", async () => {
        const model = uniqueModel("canary")
        const exported = await traced(
          [
            Testing.completion({ content: ANSWER, model, usage }),
            Testing.stream({ deltas: [ANSWER], model, usage, toolCalls: [{ name: "plan", arguments: { x: ANSWER } }] }),
            Testing.error(401),
            Testing.error(503),
            Testing.stream({ deltas: Testing.pieces(20), chunkDelay: "2 millis" })
          ],
          [
            send(request(model)),
            stream(request(model)),
            send(request(model)),
            send(request(model)),
            stream(request(model), { take: 2 })
          ]
        )
        expect(exported.outcomes.map((o) => o.ok)).toEqual([true, true, false, false, true])
        expect(chatSpans(exported.spans)).toHaveLength(5)
        const text = everything(exported)
        expect(text).toContain(model)
        expect(text).not.toContain(SECRET)
        expect(text).not.toContain(SECRET.slice(10, 30))
        expect(text).not.toContain("PROMPT-CANARY")
        expect(text).not.toContain("ANSWER-CANARY")
      })

      it("with recordContent, the prompt and the answer are on the span in the conventions' format", async () => {
        const model = uniqueModel("content")
        const { outcomes, spans } = await traced(
          [
            Testing.completion({ content: ANSWER, model }),
            Testing.stream({
              deltas: ["ANSWER-", "CANARY"],
              model,
              toolCalls: [{ id: "c1", name: "plan", arguments: "{}" }]
            })
          ],
          [send(request(model)), stream(request(model))],
          { telemetry: { recordContent: true } }
        )
        expect(outcomes.map((o) => o.ok)).toEqual([true, true])
        const [sent, streamed] = chatSpans(spans)
        const input = JSON.parse(sent!.attributes["gen_ai.input.messages"] as string)
        expect(input).toEqual([{ role: "user", parts: [{ type: "text", content: PROMPT }] }])
        expect(JSON.parse(sent!.attributes["gen_ai.output.messages"] as string)).toEqual([
          { role: "assistant", parts: [{ type: "text", content: ANSWER }], finish_reason: "stop" }
        ])
        expect(JSON.parse(streamed!.attributes["gen_ai.output.messages"] as string)).toEqual([
          {
            role: "assistant",
            parts: [{ type: "text", content: "ANSWER-CANARY" }, {
              type: "tool_call",
              id: "c1",
              name: "plan",
              arguments: "{}"
            }],
            finish_reason: "tool_calls"
          }
        ])
        expect(JSON.stringify(spans.map((s) => [s.attributes, s.events]))).not.toContain(SECRET)
      })

      for (const [count, kept] of tokenCounts) {
        it(`a token count of ${count} is ${kept ? "recorded" : "left out of the attributes and the token histogram"}, for a send and a stream`, async () => {
          const model = uniqueModel("count")
          const answer = withUsage(count, ANSWER, model)
          const { metrics, outcomes, spans } = await traced(
            [
              Testing.raw({ status: 200, headers: { "content-type": "application/json" }, body: answer.completion }),
              Testing.sse(answer.events, { done: true })
            ],
            [send(request(model)), stream(request(model))]
          )
          expect(outcomes.map((o) => o.ok)).toEqual([true, true])
          const n = kept ? JSON.parse(count) as number : undefined
          const chats = chatSpans(spans)
          expect(chats).toHaveLength(2)
          for (const chat of chats) {
            expect([
              "gen_ai.usage.input_tokens",
              "gen_ai.usage.output_tokens",
              "gen_ai.usage.cache_read.input_tokens",
              "gen_ai.usage.cache_creation.input_tokens",
              "gen_ai.usage.reasoning.output_tokens"
            ].map((key) => chat.attributes[key])).toEqual([n, n, n, n, n])
          }
          const tokens = points<Histogram>(metrics, "gen_ai.client.token.usage", model)
          expect(tokens.map((p) => [p.attributes["gen_ai.token.type"], p.value.count, p.value.sum]).sort()).toEqual(
            n === undefined ? [] : [["input", 2, 2 * n], ["output", 2, 2 * n]]
          )
        })
      }

      it("spans: false records no span of ours (the HTTP span stays) but still the metrics", async () => {
        const model = uniqueModel("nospans")
        const { metrics, spans } = await traced(
          Testing.completion({ model, usage }),
          [send(request(model))],
          { telemetry: { spans: false } }
        )
        expect(chatSpans(spans)).toHaveLength(0)
        expect(httpSpans(spans)).toHaveLength(1)
        expect(parentOf(httpSpans(spans)[0]!)).toBeUndefined()
        expect(only(points<Histogram>(metrics, "gen_ai.client.operation.duration", model)).value.count).toBe(1)
      })

      it("telemetry: false records neither spans nor metrics", async () => {
        const model = uniqueModel("off")
        const { metrics, spans } = await traced(
          Testing.stream({ deltas: ["a"], model, usage }),
          [stream(request(model))],
          { telemetry: false }
        )
        expect(chatSpans(spans)).toHaveLength(0)
        expect(points(metrics, "gen_ai.client.operation.duration", model)).toHaveLength(0)
        expect(points(metrics, "gen_ai.client.token.usage", model)).toHaveLength(0)
      })
    })
  }

  describe("with no tracer installed", () => {
    /** The HTTP client's span, and trace headers naming it. */
    const expectHttpSpan = (seen: Seen) => {
      expect(seen.span).toBe(httpSpanName)
      expect(seen.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
      expect(seen.b3).toBeDefined()
    }

    for (const call of ["send", "stream"] as const) {
      const subject = call === "send" ? "a send" : "a stream"
      it(`${subject} opens no span under Effect's native tracer (nothing could export it), nor does the HTTP client`, async () => {
        const { outcome, seen } = await telemetry.untraced(call, "native", `test/native-${call}`)
        if (call === "stream") expect(success(outcome)).toHaveLength(1)
        else success(outcome)
        // no span for the request, and no trace headers naming a trace no one records
        expect(seen).toEqual([{ parent: undefined, span: undefined, traceparent: undefined, b3: undefined }])
      })

      it(`${subject} opens its span under any other tracer, parent of the HTTP client's span and its trace headers`, async () => {
        const { outcome, seen } = await telemetry.untraced(call, "other", `test/custom-${call}`)
        success(outcome)
        expect(seen.map((s) => s.parent)).toEqual([`chat test/custom-${call}`])
        expectHttpSpan(seen[0]!)
      })
    }
  })
}
