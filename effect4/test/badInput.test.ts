/**
 * `Errors`, `Retry` and `Schema` on bad input: the body is shared with the Effect 3 edition
 * (`test/support/badInputSuite.ts`); this file gives it the Effect 4 edition's pieces.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import { badInputSuite } from "../../test/support/badInputSuite.js"
import { Chat, Errors, OpenRouterConfig, Retry, Schema } from "../src/index.js"
import * as Testing from "../src/Testing.js"

const request: Chat.ChatRequest = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

badInputSuite({ describe, expect, it }, {
  major: 4,
  Errors,
  Retry,
  schedule: Schedule.recurs(1),
  seconds: Duration.seconds,
  millis: (d) => Duration.toMillis(d as Duration.Duration),
  decoders: Schema,
  failureMessage: (result) => {
    const r = result as Result.Result<unknown, { readonly message: string }>
    return Result.isFailure(r) ? r.failure.message : undefined
  },
  attempts: (via, policy) => {
    let made = 0
    const failing = Effect.suspend(() => {
      made++
      return Effect.fail(Errors.fromStatus(500, { message: "m", headers: {}, body: null }))
    })
    const retried = via === "retry"
      ? Retry.retry(failing, policy as Retry.Policy)
      : Effect.retry(failing, Retry.toSchedule(policy as Retry.Policy))
    return Effect.runPromise(Effect.flip(retried)).then((error) => ({ made, recorded: error.attempts }))
  },
  send: (where, policy) =>
    Effect.gen(function*() {
      const result = yield* Effect.result(
        Chat.send(request, where === "option" ? { retry: policy as Retry.Policy } : {})
      )
      const requests = (yield* Testing.requests).length
      if (Result.isSuccess(result)) return { tag: undefined, issues: undefined, requests }
      const error = result.failure
      const issues = error._tag === "InvalidRequestError"
        ? error.issues.map(({ message, path }) => ({ path, message }))
        : undefined
      return { tag: error._tag, issues, requests }
    }).pipe(
      Effect.provide(Layer.merge(
        Testing.layer(Testing.completion()),
        OpenRouterConfig.layer({
          apiKey: Redacted.make("sk-test"),
          baseUrl: "http://emulator.test/api/v1",
          ...(where === "config" ? { retry: policy as Retry.Policy } : {})
        })
      )),
      Effect.runPromise
    )
})
