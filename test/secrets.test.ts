/**
 * The API key is in no error, no `Exit` and no span: a tracer records every span the library and
 * `@effect/platform` create, and each call's exit and every span's attributes, events, links and exit
 * are serialised and walked, for a success and every kind of failure, over both HTTP clients, and
 * every line logged (at every level) with them. The cases, the search and the assertions are shared
 * with the Effect 4 edition (`test/support/secretSearch.ts`, `secretsSuite.ts`); this file gives them
 * the Effect 3 edition's tracer and logger, and holds the platform's span of a request.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { Chat, OpenRouterConfig } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import * as TestServer from "../src/TestServer.js"
import { httpClients, SECRET } from "./support/harness.js"
import { findSecret, findSecretInSpan, recordingTracer } from "./support/secrets.js"
import { secretsSuite, type Seek } from "./support/secretsSuite.js"

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

type Call = "send" | "stream"

const run = (
  call: Call,
  interruptAfter: number | undefined
): Effect.Effect<Exit.Exit<unknown, unknown>, never, HttpClient.HttpClient | OpenRouterConfig> => {
  const effect: Effect.Effect<unknown, unknown, HttpClient.HttpClient | OpenRouterConfig> = call === "send"
    ? Chat.send(request)
    : Stream.runCollect(Chat.stream(request))
  if (interruptAfter === undefined) return Effect.exit(effect)
  return Effect.flatMap(
    Effect.fork(effect),
    (fiber) => Effect.zipRight(Effect.sleep(interruptAfter), Fiber.interrupt(fiber))
  )
}

const outcome = (exit: Exit.Exit<unknown, unknown>): string => {
  if (Exit.isSuccess(exit)) return "success"
  const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
  if (failure !== undefined) return (failure as { readonly _tag: string })._tag
  return Exit.isInterrupted(exit) ? "interrupted" : "defect"
}

/** The Effect 3 edition's `Seek` over one HttpClient: its recording tracer, and a logger keeping every line. */
const seekOver = (http: Layer.Layer<HttpClient.HttpClient>): Seek => (call, target) =>
  Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const { spans, tracer } = recordingTracer()
    const lines: Array<unknown> = []
    const logger = Logger.make(({ annotations, cause, logLevel, message }) => {
      lines.push({ message, logLevel, cause, annotations: Object.fromEntries(annotations) })
    })
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
      Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
      Logger.withMinimumLogLevel(LogLevel.All)
    )
    return {
      outcome: outcome(exit),
      value: Exit.isSuccess(exit) ? exit.value : undefined,
      inExit: findSecret(exit, SECRET),
      inLogs: findSecret(lines, SECRET),
      logged: lines.length,
      spans: spans.map((span) => ({
        name: span.name,
        found: findSecretInSpan(span, SECRET),
        http: span.name.startsWith("http.client"),
        exit: span.exit === undefined ? undefined : Exit.isSuccess(span.exit) ? "success" : "failure",
        authorization: span.attributes.get("http.request.header.authorization")
      }))
    }
  })))

secretsSuite({ describe, expect, it }, httpClients.map(([name, http]) => [name, seekOver(http)] as const))

describe.each(httpClients)("the API key over %s", (_name, http) => {
  it.scopedLive("keeps the platform's span for the request: name, attributes, a failure's RequestError", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      yield* Chat.send(request).pipe(
        Effect.exit,
        Effect.provide(Layer.merge(
          http,
          OpenRouterConfig.layer({ apiKey: Redacted.make(SECRET), baseUrl: "http://127.0.0.1:1/api/v1", retry: false })
        )),
        Effect.withTracer(tracer)
      )
      const span = spans.find((s) => s.name.startsWith("http.client"))!
      expect(span.name).toBe("http.client POST")
      expect(span.attributes.get("url.full")).toBe("http://127.0.0.1:1/api/v1/chat/completions")
      expect(span.attributes.get("http.request.method")).toBe("POST")
      const exit = span.exit!
      expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && (exit.cause.error as { _tag: string })._tag).toBe(
        "RequestError"
      )
    }))
})
