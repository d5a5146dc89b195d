/**
 * Every public export of the Effect 4 edition called with hostile values: the body is shared with the
 * Effect 3 edition (`test/support/exportSweepSuite.ts`); this file gives it the Effect 4 edition's way
 * to run what a function returned (with the test kit's in-process emulator, bounded in time) and the
 * plausible first arguments only its Effect builds.
 */
import { describe, expect, it } from "@effect/vitest"
import * as LanguageModel from "effect/ai/LanguageModel"
import * as Response from "effect/ai/Response"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { type Ended, exportSweepSuite, firstLine, type Settled } from "../../test/support/exportSweepSuite.js"
import packageJson from "../package.json" with { type: "json" }
import * as Chat from "../src/Chat.js"
import * as Client from "../src/Client.js"
import * as OpenRouterLanguageModel from "../src/OpenRouterLanguageModel.js"
import * as Structured from "../src/Structured.js"
import * as Testing from "../src/Testing.js"
import * as Tool from "../src/Tool.js"
import * as Toolkit from "../src/Toolkit.js"

// A bound on every run: in-process, every call ends within milliseconds; a run still going after it hangs.
const bound = "2 seconds"

const environment = Testing.layerWithConfig(Testing.emulator, { retry: false })

const judge = (kind: string, effect: Effect.Effect<Option.Option<unknown>, unknown, never>): Promise<Settled> =>
  Effect.runPromise(Effect.exit(effect)).then((exit): Settled => {
    if (Exit.isSuccess(exit)) {
      return Option.isNone(exit.value)
        ? { kind, fault: `did not end within ${bound}` }
        : { kind }
    }
    if (Cause.hasDies(exit.cause)) return { kind, fault: `died: ${firstLine(Cause.pretty(exit.cause))}` }
    if (Cause.hasInterrupts(exit.cause)) {
      return { kind, fault: `was interrupted: ${firstLine(Cause.pretty(exit.cause))}` }
    }
    return { kind }
  })

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- whatever a swept function returned
type Any = any

const run = (effect: Effect.Effect<unknown, unknown, Any>): Effect.Effect<Option.Option<unknown>, unknown, never> =>
  effect.pipe(Effect.scoped, Effect.provide(environment), Effect.timeoutOption(bound)) as Any

const settle = (value: unknown): Promise<Settled | undefined> => {
  try {
    if (Layer.isLayer(value)) return judge("Layer", run(Layer.build(value as Layer.Layer<unknown, unknown, Any>)))
    if (Stream.isStream(value)) {
      return judge("Stream", run(Stream.runDrain(value as Stream.Stream<unknown, unknown, Any>)))
    }
    if (Effect.isEffect(value)) return judge("Effect", run(value as Effect.Effect<unknown, unknown, Any>))
  } catch {
    // A value whose traps throw (a hostile argument handed back) is none of them.
  }
  return Promise.resolve(undefined)
}

const within = <A>(promise: Promise<A>): Promise<A | undefined> =>
  Effect.runPromise(Effect.promise(() => promise).pipe(Effect.timeoutOption(bound), Effect.map(Option.getOrUndefined)))

const Answer = Schema.Struct({ answer: Schema.String })
const request = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }
const Echo = Tool.make("echo", { parameters: Schema.Struct({ text: Schema.String }), success: Schema.String })
const tools = Toolkit.make(Echo)

interface Failure {
  readonly _tag: string
  readonly reason?: { readonly _tag: string }
  readonly issues?: ReadonlyArray<{ readonly path: string; readonly message: string }>
}

const failed = (error: Failure): Ended => ({
  ok: false,
  // effect/ai 4's AiError says what went wrong in its reason
  tag: error._tag === "AiError" && error.reason !== undefined ? `AiError.${error.reason._tag}` : error._tag,
  issues: (error.issues ?? []).map(({ message, path }) => ({ path, message }))
})

/** An exit as the fixes' tests read it: a defect, or any cause but one failure, throws. */
const ended = (exit: Exit.Exit<unknown, unknown>): Ended => {
  if (Exit.isSuccess(exit)) return { ok: true, value: exit.value }
  const reason = exit.cause.reasons.length === 1 ? exit.cause.reasons[0] : undefined
  if (reason === undefined || reason._tag !== "Fail") {
    throw new Error(`not one typed failure: ${Cause.pretty(exit.cause)}`)
  }
  return failed(reason.error as Failure)
}

const runEnded = (effect: Effect.Effect<unknown, unknown, never>): Promise<Ended> =>
  Effect.runPromise(Effect.exit(effect)).then(ended)

exportSweepSuite({
  describe,
  it,
  expect,
  edition: "effect4",
  packageJson,
  importModule: (name) => import(`../src/${name}.ts`),
  settle,
  within,
  notCallable: (value) => Schema.isSchema(value) ? "a Schema" : Context.isKey(value) ? "a Context key" : undefined,
  // the plausible first arguments only an Effect builds (the others: the shared `firstArguments`)
  firstArguments: {
    "OpenRouterLanguageModel.withConfigOverride": Effect.succeed(1),
    "Retry.retry": Effect.succeed(1),
    "Structured.decode": Answer,
    "Structured.responseFormat": Answer,
    "Structured.send": Answer,
    "Structured.stream": Answer,
    "TestServer.listen": Testing.emulator,
    "TestServer.make": Testing.emulator,
    "Testing.delay": Testing.completion(),
    "Testing.finalAnswer": Answer,
    "Testing.jsonAnswer": Answer,
    "Testing.replyTo": Testing.emulator,
    "Testing.withHeaders": Testing.completion(),
    "Toolkit.handlers": tools,
    "Toolkit.toLayer": tools
  },
  exempt: {},
  controls: [
    ["a succeeding Effect", () => Effect.succeed(1), false],
    ["an Effect failing with a typed error", () => Effect.fail(new Error("typed")), false],
    ["an Effect needing OpenRouterConfig and HttpClient", () => Chat.send(request as Chat.ChatRequest), false],
    ["a dying Effect", () => Effect.die(new Error("defect")), true],
    ["an Effect that never ends", () => Effect.never, true],
    ["an interrupted Effect", () => Effect.interrupt, true],
    ["a Stream failing with a typed error", () => Stream.fail("typed"), false],
    ["a dying Stream", () => Stream.die("defect"), true],
    ["a Layer failing with a typed error", () => Layer.effectDiscard(Effect.fail("typed")), false],
    ["a dying Layer", () => Layer.effectDiscard(Effect.die("defect")), true]
  ],
  fixes: {
    hasContent: (chunk) => Chat.hasContent(chunk as never),
    parseRetryAfter: (headers) => {
      const delay = Client.parseRetryAfter(headers as never, 0)
      return delay === undefined ? undefined : Duration.toMillis(delay)
    },
    collectValue: (value) => runEnded(Chat.collect(value as never)),
    collectChunks: (chunks) => runEnded(Chat.collect(Stream.fromIterable(chunks) as never)),
    decode: (response, options) => runEnded(Structured.decode(Answer, response as never, options as never)),
    responseFormat: (options) =>
      Result.match(Structured.responseFormat(Answer, options as never), {
        onFailure: failed,
        onSuccess: (value): Ended => ({ ok: true, value })
      }),
    fromResponseParts: (parts) =>
      JSON.parse(JSON.stringify(OpenRouterLanguageModel.fromResponseParts(parts as never).content)),
    textPart: (text) => Response.makePart("text", { text }),
    generateWithOverride: (overrides) =>
      Effect.runPromise(
        Effect.gen(function*() {
          const exit = yield* Effect.exit(
            OpenRouterLanguageModel.withConfigOverride(LanguageModel.generateText({ prompt: "Hi" }), overrides as never)
          )
          return { ended: ended(exit), sent: (yield* Testing.requests).length }
        }).pipe(
          Effect.provide(OpenRouterLanguageModel.layer({ model: "openai/gpt-4o" })),
          Effect.provide(Testing.layerWithConfig(Testing.emulator, { retry: false }))
        )
      )
  }
})
