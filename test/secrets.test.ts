/**
 * The API key is in no error, no `Exit` and no span: a tracer records every span the library and
 * `@effect/platform` create, and each call's exit and every span's attributes, events, links and exit
 * are serialised and walked, for a success and every kind of failure, over both HTTP clients. The
 * cases and the search are shared with the Effect 4 edition (`test/support/secretSearch.ts`).
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { Chat, OpenRouterConfig } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import * as TestServer from "../src/TestServer.js"
import { httpClients, SECRET } from "./support/harness.js"
import { findSecret, findSecretInSpan, recordingTracer } from "./support/secrets.js"
import { secretCases } from "./support/secretSearch.js"

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

describe.each(httpClients)("the API key over %s", (_name, http) => {
  for (const c of secretCases) {
    for (const call of ["send", "stream"] as const) {
      it.scopedLive(`is in no exit and no span after ${c.name} (Chat.${call})`, () =>
        Effect.gen(function*() {
          const server = yield* TestServer.make(c.reply(Testing))
          const { spans, tracer } = recordingTracer()
          const exit = yield* run(call, c.interruptAfter).pipe(
            Effect.withSpan(`test ${call}`),
            Effect.provide(Layer.merge(
              http,
              OpenRouterConfig.layer({ apiKey: Redacted.make(SECRET), baseUrl: server.url, retry: false, ...c.options })
            )),
            Effect.withTracer(tracer)
          )
          expect(outcome(exit)).toBe(c[call])
          expect(findSecret(exit, SECRET)).toEqual([])
          // The library's call ran in a span of its own, and the platform's HTTP span when a request was sent.
          expect(spans.length).toBeGreaterThanOrEqual(c[call] === "InvalidRequestError" ? 1 : 2)
          for (const span of spans) expect(findSecretInSpan(span, SECRET)).toEqual([])
          if (c[call] !== "InvalidRequestError") {
            const httpSpan = spans.find((s) => s.name.startsWith("http.client"))
            expect(httpSpan?.exit).toBeDefined()
            expect(httpSpan?.attributes.get("http.request.header.authorization")).toBe("<redacted>")
          }
        }))
    }
  }

  it.scopedLive("is in no exit and no span after a refused connection", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
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
      // The platform's span of each call (our own GenAI span of each call is checked alongside).
      expect(spans.filter((span) => span.name.startsWith("http.client")).length).toBe(2)
      for (const span of spans) {
        expect(span.exit !== undefined && Exit.isFailure(span.exit)).toBe(true)
        expect(findSecretInSpan(span, SECRET)).toEqual([])
      }
    }))

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
