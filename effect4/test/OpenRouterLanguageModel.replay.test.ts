/**
 * The Effect 4 provider over the recorded live responses (`../shared/openrouter/recorded/`): each one
 * through effect/ai's `generateText` (a JSON body) or `streamText` (an SSE body) gives the text, tool
 * calls, reasoning details, finish reason and usage that `Chat.send` / `Chat.collect` read from the same
 * bytes; each recorded error is an `AiError` whose reason's cause is our status error. Then the same
 * bodies with random mutations (the shared `mutations.ts`): whatever the model or a proxy sends, the call
 * ends with an answer or an `AiError`, never a defect.
 */
import { describe, expect, it } from "@effect/vitest"
import * as AiError from "effect/ai/AiError"
import * as LanguageModel from "effect/ai/LanguageModel"
import type * as Response from "effect/ai/Response"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import * as fc from "fast-check"
import * as fs from "node:fs"
import { foldReasoningDetails } from "../../src/internal/chat/collect.js"
import { isRecord } from "../../src/internal/transport/json.js"
import { applyMutations, junk, type Mutation } from "../../test/support/mutations.js"
import { readRecorded, recordedDir } from "../../test/support/recorded.js"
import { Chat, Errors } from "../src/index.js"
import * as OpenRouterLanguageModel from "../src/OpenRouterLanguageModel.js"
import * as Testing from "../src/Testing.js"
import { httpClients, withServer } from "./support/harness.js"
import { MODEL } from "./support/languageModel.js"
import type { Wire } from "./support/wire.js"

const files = recordedDir === undefined ? [] : fs.readdirSync(recordedDir).sort()
const jsonCases = files.filter((f) => f.endsWith(".json") && !f.endsWith(".error.json"))
const sseCases = files.filter((f) => f.endsWith(".sse"))
const errorCases = files.filter((f) => f.endsWith(".error.json"))

const request: Chat.ChatRequest = { model: MODEL, messages: [{ role: "user", content: "Hi" }] }
const provider = OpenRouterLanguageModel.layer({ model: MODEL })
// The recorded answers call tools no toolkit here declares: keep their calls as they came.
const options = { prompt: "Hi", disableToolCallResolution: true, toolCallValidation: "deferred" } as const

const finishReasons: Readonly<Record<string, Response.FinishReason>> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool-calls",
  function_call: "tool-calls",
  content_filter: "content-filter",
  error: "error"
}

/** What the provider must show of the first choice of a response, read from `Chat`'s own result. */
const expectedOf = (response: Wire) => {
  const choice = response.choices.find((c: Wire) => c.index === 0) ?? response.choices[0]
  const message = choice?.message ?? {}
  const content = typeof message.content === "string"
    ? message.content
    : Array.isArray(message.content)
    ? message.content.filter((p: Wire) => p.type === "text").map((p: Wire) => p.text).join("")
    : ""
  const finish = choice?.finish_reason
  const prompt = response.usage?.prompt_tokens
  return {
    text: content,
    calls: (message.tool_calls ?? []).map((tc: Wire) => [
      tc.function?.name ?? "",
      (tc.function?.arguments ?? "").trim() === "" ? {} : JSON.parse(tc.function.arguments)
    ]),
    details: message.reasoning_details ?? [],
    finish: finish === null || finish === undefined ? "unknown" : finishReasons[finish] ?? "other",
    inputTokens: Number.isSafeInteger(prompt) && prompt >= 0 ? prompt : undefined
  }
}

/** The same facts, read from effect/ai's parts. */
const actualOf = (parts: ReadonlyArray<Response.AnyPart>) => {
  const finish = parts.find((p) => p.type === "finish") as Response.FinishPart | undefined
  const details: Array<unknown> = []
  for (const part of parts) {
    if (part.type === "reasoning" || part.type === "reasoning-end") {
      details.push(...(part.metadata.openrouter?.reasoningDetails ?? []))
    }
  }
  return {
    text: parts.map((p) => (p.type === "text" ? p.text : p.type === "text-delta" ? p.delta : "")).join(""),
    calls: parts.filter((p) => p.type === "tool-call").map((p) => [p.name, p.params]),
    details: foldReasoningDetails(details),
    finish: finish?.reason,
    inputTokens: finish?.usage.inputTokens.total
  }
}

describe.skipIf(recordedDir === undefined)("OpenRouterLanguageModel (Effect 4) over recorded traffic", () => {
  describe.each(httpClients)("over %s", (_name, http) => {
    it.live.each(jsonCases)("generateText over %s reads what Chat.send reads", (name) => {
      const reply = Testing.raw({ headers: { "content-type": "application/json" }, body: readRecorded(name) })
      return withServer(http, [reply, reply], () =>
        Effect.gen(function*() {
          const sent = yield* Chat.send(request)
          const response = yield* LanguageModel.generateText(options).pipe(Effect.provide(provider))
          expect(actualOf(response.content)).toEqual(expectedOf(sent))
        }))
    })

    it.live.each(sseCases)("streamText over %s reads what Chat.collect reads", (name) => {
      const reply = Testing.raw({ headers: { "content-type": "text/event-stream" }, body: readRecorded(name) })
      return withServer(http, [reply, reply], () =>
        Effect.gen(function*() {
          const collected = yield* Effect.exit(Chat.collect(Chat.stream(request)))
          const parts: Array<Response.AnyPart> = []
          const streamed = yield* Effect.exit(
            Stream.runForEach(LanguageModel.streamText(options), (part) => Effect.sync(() => parts.push(part))).pipe(
              Effect.provide(provider)
            )
          )
          if (Exit.isFailure(collected)) {
            // a recorded mid-stream error: the same error, as the reason's cause
            const error = Cause.findErrorOption(collected.cause)
            expect(error._tag === "Some" && error.value._tag).toBe("MidStreamError")
            expect(Exit.isFailure(streamed)).toBe(true)
            if (Exit.isSuccess(streamed)) return
            const failure = Cause.findErrorOption(streamed.cause)
            if (failure._tag === "None") throw new Error("a defect")
            expect(failure.value.reason._tag).toBe("InternalProviderError")
            expect((failure.value.reason as { readonly cause?: unknown }).cause).toBeInstanceOf(Errors.MidStreamError)
            return
          }
          if (Exit.isFailure(streamed)) throw Cause.squash(streamed.cause)
          expect(actualOf(parts)).toEqual(expectedOf(collected.value))
        }))
    })

    it.live.each(errorCases)("the error of %s is an AiError whose reason carries our error", (name) => {
      const recorded = JSON.parse(readRecorded(name)) as { status: number; headers: Record<string, string>; body: Wire }
      const reply = Testing.raw({
        status: recorded.status,
        headers: recorded.headers,
        body: JSON.stringify(recorded.body)
      })
      return withServer(http, reply, () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(LanguageModel.generateText(options).pipe(Effect.provide(provider)))
          expect(AiError.isAiError(error)).toBe(true)
          const cause = (error.reason as { readonly cause?: unknown }).cause
          expect(Errors.isStatusError(cause)).toBe(true)
          expect((cause as Errors.StatusError).body).toEqual(recorded.body)
        }), { retry: false })
    })
  })
})

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom(...junk).map((value): Mutation => ({ _tag: "replace", value })),
  fc.constant<Mutation>({ _tag: "delete" }),
  fc.constantFrom(...junk).map((value): Mutation => ({ _tag: "addKey", value }))
)

/** How a call ended: with an answer, a typed `AiError`, or a defect (which must never happen). */
const outcome = (exit: Exit.Exit<unknown, unknown>): "answer" | "AiError" | string => {
  if (Exit.isSuccess(exit)) return "answer"
  const error = Cause.findErrorOption(exit.cause)
  return error._tag === "Some" && AiError.isAiError(error.value) ? "AiError" : `defect: ${Cause.pretty(exit.cause)}`
}

describe.skipIf(recordedDir === undefined)("OpenRouterLanguageModel (Effect 4) over mutated recorded answers", () => {
  const bodies = jsonCases.map((name) => JSON.parse(readRecorded(name)) as unknown)

  it("a mutated answer, sent whole or streamed, ends with an answer or an AiError, never a defect", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...bodies),
        fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 }),
        async (body, changes) => {
          const mutated = applyMutations(body, changes)
          const text = JSON.stringify(mutated) ?? "null"
          const layer = Testing.layerWithConfig([
            Testing.raw({ headers: { "content-type": "application/json" }, body: text }),
            // streamOf splits an object into chunks; a root that is not one goes as one event
            isRecord(mutated)
              ? Testing.streamOf(mutated)
              : Testing.raw({
                headers: { "content-type": "text/event-stream" },
                body: `data: ${text}\n\ndata: [DONE]\n\n`
              })
          ], { retry: false })
          const [sent, streamed] = await Effect.runPromise(
            Effect.all([
              Effect.exit(LanguageModel.generateText(options)),
              Effect.exit(Stream.runDrain(LanguageModel.streamText(options)))
            ]).pipe(Effect.provide(provider), Effect.provide(layer))
          )
          expect(outcome(sent)).toMatch(/^(answer|AiError)$/)
          expect(outcome(streamed)).toMatch(/^(answer|AiError)$/)
        }
      ),
      { numRuns: 80, seed: 4242 }
    )
  })
})
