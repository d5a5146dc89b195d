/**
 * Every status OpenRouter answers with, and a default 4xx and 5xx: the error class, the status it
 * carries, whether it is retryable (`Errors.isRetryable`) and whether the default `while` of a retry
 * policy really tries again (the emulator counts the requests), for `Chat.send` and `Chat.stream`. The
 * table is shared with the Effect 4 edition (`test/support/statuses.ts`).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Chat, Errors, Retry, Testing } from "../src/index.js"
import { statusCases } from "./support/statuses.js"

const request: Chat.ChatRequest = { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }

// One retry after 1 ms (a live clock): a transient status is sent twice, any other once.
const policy = Retry.make({ retries: 1, baseDelay: "1 millis", jitter: 0 })

const calls = {
  send: Effect.asVoid(Chat.send(request, { retry: policy })),
  stream: Stream.runDrain(Chat.stream(request, { retry: policy }))
}

describe("every status", () => {
  for (const kind of ["send", "stream"] as const) {
    it.live.each(statusCases)(
      `Chat.${kind}: %i is %s, retryable: %s`,
      ([status, tag, retryable]) =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(calls[kind])
          expect(error._tag).toBe(tag)
          expect((error as { readonly status?: number }).status).toBe(status)
          expect(Errors.isRetryable(error)).toBe(retryable)
          expect(Errors.isRetryableStatus(status)).toBe(retryable)
          expect((yield* Testing.requests).length).toBe(retryable ? 2 : 1)
        }).pipe(Effect.provide(Testing.layerWithConfig(Testing.error(status))))
    )
  }
})
