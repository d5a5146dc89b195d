/**
 * The Effect 4 provider of `effect/ai`'s `LanguageModel`, driven through effect/ai's own functions
 * (`generateText`, `streamText`, `generateObject`, a `Toolkit` with `toLayer`) against the emulator over
 * real sockets, with both HTTP clients: the shared body (`test/support/languageModelSuite.ts`: the wire,
 * the parts, usage and finish reasons, streamed parts, tool calls, the reasoning round trip, the errors)
 * run with this edition's toolkit, and here what only this provider does and the interruption, which
 * drives a fiber. The Effect 3 twin is `test/OpenRouterLanguageModel.test.ts`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as AiError from "effect/ai/AiError"
import * as LanguageModel from "effect/ai/LanguageModel"
import * as Prompt from "effect/ai/Prompt"
import * as Tool from "effect/ai/Tool"
import * as Toolkit from "effect/ai/Toolkit"
import * as Cause from "effect/Cause"
import * as DateTime from "effect/DateTime"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { treeSize } from "../../test/support/agentLoopSuite.js"
import {
  type Ask,
  callOptions,
  type Ended,
  type Failed,
  generatedOf,
  languageModelSuite,
  type Model,
  type ModelOptions,
  type Part,
  promptOf,
  streamedOf
} from "../../test/support/languageModelSuite.js"
import { MODEL } from "../../test/support/providerCases.js"
import { Errors, OpenRouterConfig, Retry } from "../src/index.js"
import * as OpenRouterLanguageModel from "../src/OpenRouterLanguageModel.js"
import * as Testing from "../src/Testing.js"
import { wired } from "./support/callsEffect4.js"
import { httpClients, SECRET } from "./support/harness.js"
import { withModel } from "./support/languageModel.js"
import { AnonymousTree, TreeRoot } from "./support/treeEffect4.js"
import type { Wire } from "./support/wire.js"

const GetWeather = Tool.make("get_weather", {
  description: "The weather in a city",
  parameters: Schema.Struct({ city: Schema.String }),
  success: Schema.Struct({ city: Schema.String, temperature_c: Schema.Number })
})

const Explode = Tool.make("explode", {
  description: "Always fails",
  parameters: Schema.Struct({ reason: Schema.String }),
  success: Schema.String,
  failure: Schema.Struct({ error: Schema.String }),
  failureMode: "return"
})

const Tools = Toolkit.make(GetWeather, Explode)

const handlers = Tools.toLayer({
  get_weather: ({ city }) => Effect.succeed({ city, temperature_c: city === "Paris" ? 18 : 9 }),
  explode: ({ reason }) => Effect.fail({ error: `boom: ${reason}` })
})

const PingTools = Toolkit.make(Tool.make("ping", { description: "Returns nothing" }))

const TreeTools = Toolkit.make(
  Tool.make("count", { parameters: Schema.Struct({ root: AnonymousTree }), success: Schema.Number })
)

const toolkits = {
  weather: { toolkit: Tools, handlers },
  ping: { toolkit: PingTools, handlers: PingTools.toLayer({ ping: () => Effect.void }) },
  tree: { toolkit: TreeTools, handlers: TreeTools.toLayer({ count: ({ root }) => Effect.succeed(treeSize(root)) }) }
}

const schemas = {
  title: Schema.Struct({ title: Schema.String }),
  event: Schema.Struct({ title: Schema.String, year: Schema.Finite }),
  loose: Schema.Struct({ title: Schema.String, note: Schema.optionalKey(Schema.String) }),
  tags: Schema.Array(Schema.String),
  choice: Schema.Union([Schema.Struct({ a: Schema.String }), Schema.Struct({ b: Schema.Number })]),
  tree: TreeRoot,
  anonymousTree: AnonymousTree,
  dated: Schema.Struct({ at: Schema.Date })
}

/** A field of a part as the shared body reads it: a `DateTime` as a Date. */
const plain = (value: unknown): unknown => DateTime.isDateTime(value) ? DateTime.toDate(value) : value

/** A part as the shared body reads it. */
const fold = (part: object): Part =>
  Object.fromEntries(Object.entries(part).map(([key, value]) => [key, plain(value)])) as unknown as Part

/** An `AiError` as the shared body reads it: its reason's kind and what the reason carries. */
const failedOf = (error: AiError.AiError): Failed => ({
  ...error.reason,
  kind: error.reason._tag,
  cause: "cause" in error.reason ? error.reason.cause : undefined,
  message: error.message,
  isAiError: AiError.isAiError(error),
  retryable: error.isRetryable,
  own: error
})

const promptWith = (ask: Ask): Prompt.RawInput =>
  ask.previous === undefined
    ? promptOf<Prompt.RawInput>(Prompt, ask.prompt)
    : Prompt.concat(
      Prompt.make(promptOf<Prompt.RawInput>(Prompt, ask.prompt)),
      ask.previous.via === "provider"
        ? OpenRouterLanguageModel.fromResponseParts(ask.previous.own as never)
        : Prompt.fromResponseParts(ask.previous.own as never)
    )

/** The provider in `layer` (the client and its configuration), each call run as a Promise. */
const modelIn = (
  layer: Layer.Layer<HttpClient.HttpClient | OpenRouterConfig>,
  options: ModelOptions = {}
): Model => {
  const run = <A, R>(ask: Ask, call: Effect.Effect<A, AiError.AiError, R>) => {
    const kit = ask.toolkit === undefined ? undefined : toolkits[ask.toolkit]
    // what the call needs besides the LanguageModel is the handlers of the kit, provided below
    const program = call as unknown as Effect.Effect<A, AiError.AiError, LanguageModel.LanguageModel>
    const overridden = ask.override === undefined
      ? program
      : OpenRouterLanguageModel.withConfigOverride(ask.override as never)(program)
    return Effect.runPromise(
      Effect.exit(
        overridden.pipe(
          Effect.provide((kit?.handlers ?? Layer.empty) as Layer.Layer<never>),
          Effect.provide(OpenRouterLanguageModel.layer({ model: MODEL, config: options.config as never })),
          Effect.provide(layer)
        )
      )
    )
  }
  const ended = <A>(exit: Exit.Exit<A, AiError.AiError>): Ended<A> => {
    if (Exit.isSuccess(exit)) return { ok: true, value: exit.value }
    const [reason] = exit.cause.reasons
    if (exit.cause.reasons.length !== 1 || reason === undefined || !Cause.isFailReason(reason)) {
      throw new Error(`not a typed failure: ${Cause.pretty(exit.cause)}`)
    }
    return { ok: false, error: failedOf(reason.error) }
  }
  // the toolkit, when asked for, is one of this file's: typed as the weather one for the overloads
  const common = (ask: Ask) =>
    ({ prompt: promptWith(ask), ...callOptions(ask, toolkits) }) as {
      readonly prompt: Prompt.RawInput
      readonly toolkit: typeof Tools
    }
  return {
    generateText: async (ask) =>
      ended(
        await run(
          ask,
          Effect.map(LanguageModel.generateText(common(ask)), (response) => generatedOf(response, fold))
        )
      ),
    streamText: async (ask) => {
      const own: Array<object> = []
      const exit = await run(
        ask,
        Stream.runForEach(LanguageModel.streamText(common(ask)), (part) => Effect.sync(() => own.push(part)))
      )
      return streamedOf(own, ended(exit), fold)
    },
    generateObject: async (ask) =>
      ended(
        await run(
          ask,
          Effect.map(
            LanguageModel.generateObject({
              ...common(ask),
              schema: schemas[ask.schema] as never,
              objectName: ask.objectName
            }),
            (response) => response.value as unknown
          )
        )
      )
  }
}

languageModelSuite(wired, {
  clients: httpClients.map(([name, http]) =>
    [
      name,
      (baseUrl: string, options?: ModelOptions) =>
        modelIn(
          Layer.merge(
            http,
            OpenRouterConfig.layer({
              apiKey: Redacted.make(SECRET),
              baseUrl,
              retry: false,
              ...(options?.client as Record<string, never> | undefined)
            })
          ),
          options
        )
    ] as const
  ),
  inProcess: (script) => modelIn(Testing.layerWithConfig(script, { retry: false })),
  retry: (options) => Retry.make(options),
  // the class itself, not a base class it extends
  ownError: (error) =>
    Object.entries(Errors).find(([, value]) =>
      typeof value === "function" && value.prototype !== undefined &&
      Object.getPrototypeOf(error) === value.prototype
    )?.[0],
  schemas
})

describe.each(httpClients)("OpenRouterLanguageModel (Effect 4) over %s", (_name, http) => {
  it.live("interrupting streamText closes the connection", () =>
    withModel(http, Testing.hang({ after: 2 }), (server) =>
      Effect.gen(function*() {
        // Interrupt once a part has arrived (the server is then hanging mid-body), not after a guessed delay.
        const started = yield* Deferred.make<void>()
        const fiber = yield* Effect.forkChild(
          Stream.runDrain(
            Stream.tap(LanguageModel.streamText({ prompt: "Hi" }), () => Deferred.succeed(started, void 0))
          )
        )
        yield* Deferred.await(started)
        yield* Fiber.interrupt(fiber)
        yield* server.awaitAbort
        expect(yield* server.aborted).toBe(1)
      })))
})

describe("OpenRouterLanguageModel (Effect 4) model", () => {
  it.effect("model(name) is an effect/ai Model that provides the LanguageModel for that name", () =>
    Effect.gen(function*() {
      const response = yield* LanguageModel.generateText({ prompt: "Hi" }).pipe(
        Effect.provide(OpenRouterLanguageModel.model("openai/gpt-4o-mini", { temperature: 0.5 }))
      )
      expect(response.text).toBe("Hello")
      expect(AiError.isAiError(response)).toBe(false)
    }).pipe(
      Effect.provide(Testing.layerWithConfig((request) => {
        const body = request.body as { readonly model?: string; readonly temperature?: number }
        return body.model === "openai/gpt-4o-mini" && body.temperature === 0.5
          ? Testing.completion({ content: "Hello" })
          : Testing.error(400, { message: `unexpected ${JSON.stringify(body)}` })
      }, { retry: false }))
    ))
})

/** The requests a program sent to the in-process emulator, with the provider for MODEL in place. */
const sentBodies = <A, E>(
  program: Effect.Effect<A, E, LanguageModel.LanguageModel>,
  script: Testing.Script = Testing.completion()
) =>
  Effect.gen(function*() {
    const recorder = yield* Testing.Recorder
    yield* Effect.exit(program.pipe(Effect.provide(OpenRouterLanguageModel.layer({ model: MODEL }))))
    return (yield* recorder.requests).map((r) => r.body as Wire)
  }).pipe(Effect.provide(Testing.layerWithConfig(script, { retry: false })))

const Optional = Tool.make("optional_arg", {
  parameters: Schema.Struct({ city: Schema.String, unit: Schema.optionalKey(Schema.String) })
})
const StrictByAnnotation = Tool.make("annotated", {
  parameters: Schema.Struct({ unit: Schema.optionalKey(Schema.String) })
}).annotate(Tool.Strict, true)
const Choices = Toolkit.make(GetWeather, Explode, Optional, StrictByAnnotation)

describe("OpenRouterLanguageModel (Effect 4) mapping tables", () => {
  it.effect("a tool goes strict only when it asks (Tool.Strict), in the strict form, as Toolkit.definitions sends it", () =>
    Effect.gen(function*() {
      const [sent] = yield* sentBodies(
        LanguageModel.generateText({ prompt: "Hi", toolkit: Choices }).pipe(
          Effect.provide(Choices.toLayer({
            get_weather: ({ city }) => Effect.succeed({ city, temperature_c: 1 }),
            explode: () => Effect.fail({ error: "x" }),
            optional_arg: () => Effect.void,
            annotated: () => Effect.void
          }))
        )
      )
      const byName = Object.fromEntries(sent.tools.map((t: Wire) => [t.function.name, t.function]))
      expect(byName.optional_arg.strict).toBeUndefined()
      expect(byName.optional_arg.parameters.additionalProperties).not.toBe(false)
      expect(byName.get_weather.strict).toBeUndefined()
      expect(byName.annotated).toEqual({
        name: "annotated",
        // the strict form: every property required, an optional one nullable, closed
        parameters: {
          type: "object",
          properties: { unit: { anyOf: [{ type: "string" }, { type: "null" }] } },
          required: ["unit"],
          additionalProperties: false
        },
        strict: true
      })
    }))
})
