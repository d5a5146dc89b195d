/**
 * The API key is in no error, no `Exit`, no log line and no span: every line logged (at every level,
 * with its annotations) is kept, a tracer records every span the library and
 * `effect/http` create, and each call's exit and every span (its attributes, events, links and exit,
 * and everything else reachable from it) are serialised and walked, for a success and every kind of
 * failure, over both HTTP clients. The cases, the search and the assertions are shared with the
 * Effect 3 edition (`test/support/secretSearch.ts`, `secretsSuite.ts`); this file gives them the
 * Effect 4 edition's tracer and logger.
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
import { findSecret } from "../../test/support/secretSearch.js"
import { secretsSuite, type Seek } from "../../test/support/secretsSuite.js"
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

/** The Effect 4 edition's `Seek` over one HttpClient: its recording tracer, and a logger keeping every line. */
const seekOver = (http: Layer.Layer<HttpClient.HttpClient>): Seek => (call, target) =>
  Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const { spans, tracer } = yield* recordingTracer
    const logs = recordingLogger()
    const server = target === "refused" ? undefined : yield* TestServer.make(target.reply(Testing))
    const config = OpenRouterConfig.layer({
      apiKey: Redacted.make(SECRET),
      baseUrl: server?.url ?? "http://127.0.0.1:1/api/v1",
      retry: false,
      ...(target === "refused" ? {} : target.options)
    })
    const called = run(call, target === "refused" ? undefined : target.interruptAfter)
    const exit = yield* (target === "refused" ? called : Effect.withSpan(called, `test ${call}`)).pipe(
      Effect.provide(Layer.merge(http, config)),
      Effect.withTracer(tracer),
      // Every header on the span (Effect 4 records none by default): the key shows as <redacted>.
      Effect.provideService(HttpClient.TracerHeaderFilter, () => true),
      Effect.provide(logs.layer),
      Effect.provideService(References.MinimumLogLevel, "All")
    )
    return {
      outcome: outcome(exit),
      value: Exit.isSuccess(exit) ? exit.value : undefined,
      inExit: findSecret(exit, SECRET),
      inLogs: findSecret(logs.lines, SECRET),
      logged: logs.lines.length,
      spans: spans.map((span) => {
        const ended = exitOf(span)
        return {
          name: span.name,
          found: findSecret(span, SECRET),
          http: isHttpSpan(span),
          exit: ended === undefined ? undefined : Exit.isSuccess(ended) ? "success" : "failure",
          authorization: span.attributes.get("http.request.header.authorization")
        }
      })
    }
  })))

secretsSuite({ describe, expect, it }, httpClients.map(([name, http]) => [name, seekOver(http)] as const))
