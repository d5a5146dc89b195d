/**
 * The `Testing` replies through the in-process `Testing.layer`; the body is shared with the Effect 3
 * edition (`test/support/repliesSuite.ts`), this file gives it the Effect 4 edition's pieces and
 * holds the replies that wait on the Effect clock (driven with `TestClock`).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/testing/TestClock"
import * as Testing from "../src/Testing.js"
import { parseSse, readBody } from "./support/wire.js"

import { repliesSuite } from "../../test/support/repliesSuite.js"
import { inProcess, wired } from "./support/callsEffect4.js"

const decoder = new TextDecoder()

const URL_ = "https://openrouter.ai/api/v1/chat/completions"

const post = (body: unknown = { model: "openai/gpt-4o", messages: [{ role: "user", content: "hi" }] }, url = URL_) =>
  Effect.flatMap(
    HttpClient.HttpClient,
    (client) => client.execute(HttpClientRequest.post(url).pipe(HttpClientRequest.bodyJsonUnsafe(body)))
  )

repliesSuite<Testing.Reply>({
  ...wired,
  inProcess
})

describe("Testing.stream", () => {
  it.effect("waits chunkDelay between events on the Effect clock", () =>
    Effect.gen(function*() {
      const response = yield* post()
      const fiber = yield* Effect.forkChild(readBody(response))
      yield* TestClock.adjust("2 seconds")
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 second")
      expect(parseSse((yield* Fiber.join(fiber)).text).data).toHaveLength(5)
    }).pipe(Effect.provide(Testing.layer(Testing.stream({ deltas: ["a", "b"], chunkDelay: "750 millis" })))))
})

describe("Testing.truncated / reset / hang", () => {
  it.effect("hang holds the response open and records that the client abandoned it", () =>
    Effect.gen(function*() {
      const response = yield* post()
      const firstChunk = yield* Deferred.make<void>()
      const fiber = yield* Effect.forkChild(
        response.stream.pipe(Stream.tap(() => Deferred.succeed(firstChunk, undefined)), Stream.runDrain)
      )
      yield* Deferred.await(firstChunk)
      yield* TestClock.adjust("1 hour")
      expect(fiber.pollUnsafe()).toBeUndefined()
      expect(yield* Testing.aborted).toBe(0)
      yield* Fiber.interrupt(fiber)
      yield* Testing.awaitAbort
      expect(yield* Testing.aborted).toBe(1)
    }).pipe(Effect.provide(Testing.layer(Testing.hang({ after: 1 })))))

  it.effect("keepAliveEvery writes keep-alive comments while hanging", () =>
    Effect.gen(function*() {
      const response = yield* post()
      const fiber = yield* Effect.forkChild(response.stream.pipe(Stream.take(3), Stream.runCollect))
      yield* TestClock.adjust("3 seconds")
      const text = (yield* Fiber.join(fiber)).map((b) => decoder.decode(b)).join("")
      expect(text).toBe(Testing.keepAliveComment.repeat(3))
      yield* Testing.awaitAbort
    }).pipe(Effect.provide(Testing.layer(Testing.hang({ keepAliveEvery: "1 second" })))))

  it.effect("a client that stops reading a stream midway is recorded as an abort", () =>
    Effect.gen(function*() {
      const response = yield* post()
      yield* response.stream.pipe(Stream.take(1), Stream.runDrain)
      yield* Testing.awaitAbort
      expect(yield* Testing.aborted).toBe(1)
    }).pipe(Effect.provide(Testing.layer(Testing.stream({ deltas: Testing.pieces(10_000) })))))
})

describe("Reply rendering", () => {
  it.effect("a Pause piece holds the rest of the body until the clock passes it", () =>
    Effect.gen(function*() {
      const response = yield* post()
      const fiber = yield* Effect.forkChild(readBody(response))
      yield* TestClock.adjust("999 millis")
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 millis")
      expect((yield* Fiber.join(fiber)).text).toBe("ab")
    }).pipe(Effect.provide(Testing.layer(Testing.raw({ body: ["a", Testing.pause("1 second"), "b"] })))))

  it.effect("keepAliveEvery writes keep-alive comments inside a Pause", () =>
    Effect.gen(function*() {
      const response = yield* post()
      const fiber = yield* Effect.forkChild(readBody(response))
      yield* TestClock.adjust("3 seconds")
      expect((yield* Fiber.join(fiber)).text).toBe("a" + Testing.keepAliveComment.repeat(2) + "b")
    }).pipe(Effect.provide(Testing.layer(Testing.raw({
      body: ["a", Testing.pause("3 seconds"), "b"],
      keepAliveEvery: "1 second"
    })))))

  it.effect("a client that gives up during headersDelay is recorded as an abort", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(post())
      yield* TestClock.adjust("1 second")
      yield* Fiber.interrupt(fiber)
      expect(yield* Testing.aborted).toBe(1)
    }).pipe(Effect.provide(Testing.layer(Testing.delay(Testing.completion(), "1 minute")))))

  it.effect("delay holds the status and headers until the clock passes it", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(post())
      yield* TestClock.adjust("4 seconds")
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 second")
      expect((yield* Fiber.join(fiber)).status).toBe(200)
    }).pipe(Effect.provide(Testing.layer(Testing.delay(Testing.completion(), "5 seconds")))))
})
