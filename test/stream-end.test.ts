/**
 * The end of a stream: the HTTP part is shared with the Effect 4 edition (`test/support/streamEndSuite.ts`),
 * this file gives it the Effect 3 edition's pieces and holds the in-process part (`Testing.layer`
 * counts every abort).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { Chat, OpenRouterConfig } from "../src/index.js"
import * as Testing from "../src/Testing.js"
import { wired } from "./support/callsEffect3.js"
import { chunk, streamEndSuite, text } from "./support/streamEndSuite.js"

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

streamEndSuite(wired)

describe("the end of a stream (in-process test kit: every abort is counted)", () => {
  const config = OpenRouterConfig.layer({ apiKey: Redacted.make("k"), retry: false })
  it.live("a body that ends soon after [DONE] is read to its end, not aborted", () =>
    Effect.gen(function*() {
      expect(text(Chunk.toReadonlyArray(yield* Stream.runCollect(Chat.stream(request))))).toBe("ab")
      expect(yield* Testing.aborted).toBe(0)
    }).pipe(Effect.provide(Layer.merge(
      Testing.layer(Testing.raw({
        headers: { "content-type": "text/event-stream" },
        body: [chunk("a"), chunk("b"), "data: [DONE]\n\n", Testing.pause("50 millis"), ": bye\n\n"]
      })),
      config
    ))))

  it.live("stopping before the body ended aborts the request", () =>
    Effect.gen(function*() {
      expect(text(Chunk.toReadonlyArray(yield* Stream.runCollect(Stream.take(Chat.stream(request), 1))))).toBe("a")
      expect(yield* Testing.aborted).toBe(1)
    }).pipe(Effect.provide(Layer.merge(
      Testing.layer(Testing.raw({
        headers: { "content-type": "text/event-stream" },
        body: [chunk("a"), Testing.pause("30 seconds"), chunk("b"), "data: [DONE]\n\n"]
      })),
      config
    ))))
})
