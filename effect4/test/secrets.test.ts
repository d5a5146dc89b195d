/**
 * The API key is in no error, no `Exit`, no log line and no span: every line logged (at every level,
 * with its annotations) is kept, a tracer records every span the library and
 * `effect/http` create, and each call's exit and every span (its attributes, events, links and exit,
 * and everything else reachable from it) are serialised and walked, for a success and every kind of
 * failure, over both HTTP clients. The cases and the search are shared with the Effect 3 edition
 * (`test/support/secretSearch.ts`).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import { findSecret, secretCases } from "../../test/support/secretSearch.js"
import { Chat, OpenRouterConfig } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import * as TestServer from "../src/TestServer.js"
import { httpClients, SECRET } from "./support/harness.js"

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

type Call = "send" | "stream"

/**
 * A tracer that keeps every span it opens, on top of the current one (a tracer other than Effect's
 * native one, so the library opens its own span too).
 */
const recordingTracer = Effect.map(Effect.tracer, (current) => {
  const spans: Array<Tracer.Span> = []
  const tracer = Tracer.make({
    span: (options) => {
      const span = current.span(options)
      spans.push(span)
      return span
    }
  })
  return { tracer, spans }
})

/** The HTTP client's span of a request (Effect 4 names it by the method alone: `POST`). */
const isHttpSpan = (span: Tracer.Span): boolean => span.attributes.has("http.request.method")

/** A logger that keeps every line (its message, level, annotations and cause), and its layer. */
const recordingLogger = () => {
  const lines: Array<unknown> = []
  const logger = Logger.make(({ cause, fiber, logLevel, message }) => {
    lines.push({ message, logLevel, cause, annotations: { ...fiber.getRef(References.CurrentLogAnnotations) } })
  })
  return { lines, layer: Logger.layer([logger]) }
}

const exitOf = (span: Tracer.Span): Exit.Exit<unknown, unknown> | undefined =>
  span.status._tag === "Ended" ? span.status.exit : undefined

const run = (
  call: Call,
  interruptAfter: number | undefined
): Effect.Effect<Exit.Exit<unknown, unknown>, never, HttpClient.HttpClient | OpenRouterConfig> => {
  const effect: Effect.Effect<unknown, unknown, HttpClient.HttpClient | OpenRouterConfig> = call === "send"
    ? Chat.send(request)
    : Stream.runCollect(Chat.stream(request))
  if (interruptAfter === undefined) return Effect.exit(effect)
  return Effect.flatMap(
    Effect.forkChild(effect),
    (fiber) => Effect.andThen(Effect.sleep(interruptAfter), Effect.as(Fiber.interrupt(fiber), Exit.interrupt(0)))
  )
}

const outcome = (exit: Exit.Exit<unknown, unknown>): string => {
  if (Exit.isSuccess(exit)) return "success"
  const failure = Option.getOrUndefined(Cause.findErrorOption(exit.cause))
  if (failure !== undefined) return (failure as { readonly _tag: string })._tag
  return Cause.hasInterrupts(exit.cause) ? "interrupted" : "defect"
}

describe.each(httpClients)("the API key over %s", (_name, http) => {
  for (const c of secretCases) {
    for (const call of ["send", "stream"] as const) {
      it.live(`is in no exit and no span after ${c.name} (Chat.${call})`, () =>
        Effect.gen(function*() {
          const server = yield* TestServer.make(c.reply(Testing))
          const { spans, tracer } = yield* recordingTracer
          const logs = recordingLogger()
          const exit = yield* run(call, c.interruptAfter).pipe(
            Effect.withSpan(`test ${call}`),
            Effect.provide(Layer.merge(
              http,
              OpenRouterConfig.layer({ apiKey: Redacted.make(SECRET), baseUrl: server.url, retry: false, ...c.options })
            )),
            Effect.withTracer(tracer),
            // Every header on the span (Effect 4 records none by default): the key shows as <redacted>.
            Effect.provideService(HttpClient.TracerHeaderFilter, () => true),
            Effect.provide(logs.layer),
            Effect.provideService(References.MinimumLogLevel, "All")
          )
          expect(outcome(exit)).toBe(c[call])
          expect(findSecret(exit, SECRET)).toEqual([])
          expect(findSecret(logs.lines, SECRET)).toEqual([])
          // The test's span and the library's, and the HTTP client's when a request was sent.
          expect(spans.length).toBeGreaterThanOrEqual(c[call] === "InvalidRequestError" ? 2 : 3)
          for (const span of spans) expect([span.name, findSecret(span, SECRET)]).toEqual([span.name, []])
          if (c[call] !== "InvalidRequestError") {
            const httpSpan = spans.find(isHttpSpan)
            expect(httpSpan === undefined ? undefined : exitOf(httpSpan)).toBeDefined()
            expect(httpSpan?.attributes.get("http.request.header.authorization")).toBe("<redacted>")
          }
        }))
    }
  }

  it.live("is in no log line when the library logs (a field taken out of a reply is logged at debug)", () =>
    Effect.gen(function*() {
      const body = {
        id: "gen-1",
        object: "chat.completion",
        model: "openai/gpt-4o",
        choices: [{ index: 0, finish_reason: "stop", logprobs: -1, message: { role: "assistant", content: "Hi" } }]
      }
      const server = yield* TestServer.make(Testing.raw({ body: JSON.stringify(body) }))
      const logs = recordingLogger()
      const response = yield* Chat.send(request).pipe(
        Effect.provide(Layer.merge(
          http,
          OpenRouterConfig.layer({ apiKey: Redacted.make(SECRET), baseUrl: server.url, retry: false })
        )),
        Effect.provide(logs.layer),
        Effect.provideService(References.MinimumLogLevel, "All")
      )
      expect(response.invalidFields?.length).toBe(1)
      expect(logs.lines.length).toBeGreaterThan(0)
      expect(findSecret(logs.lines, SECRET)).toEqual([])
    }))

  it.live("is in no exit and no span after a refused connection", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recordingTracer
      for (const call of ["send", "stream"] as const) {
        const exit = yield* run(call, undefined).pipe(
          Effect.provide(Layer.merge(
            http,
            OpenRouterConfig.layer({
              apiKey: Redacted.make(SECRET),
              baseUrl: "http://127.0.0.1:1/api/v1",
              retry: false
            })
          )),
          Effect.withTracer(tracer)
        )
        expect(outcome(exit)).toBe("ConnectionError")
        expect(findSecret(exit, SECRET)).toEqual([])
      }
      // The HTTP client's span of each call (the library's span of each call is checked alongside).
      expect(spans.filter(isHttpSpan).length).toBe(2)
      for (const span of spans) {
        const exit = exitOf(span)
        expect(exit !== undefined && Exit.isFailure(exit)).toBe(true)
        expect(findSecret(span, SECRET)).toEqual([])
      }
    }))
})
