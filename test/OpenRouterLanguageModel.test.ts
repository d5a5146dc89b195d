/**
 * The @effect/ai provider, driven through @effect/ai's own LanguageModel functions against the
 * emulator over real sockets, with both HTTP clients: the shared body (`support/languageModelSuite.ts`:
 * the wire, the parts, usage and finish reasons, streamed parts, tool calls, the reasoning round trip,
 * the errors) run with this edition's toolkit, and here what only this provider does (its span, its
 * `AiError` for a request it refuses or cannot send) and the interruption, which drives a fiber.
 */
import * as AiError from "@effect/ai/AiError"
import * as LanguageModel from "@effect/ai/LanguageModel"
import * as Prompt from "@effect/ai/Prompt"
import * as Tool from "@effect/ai/Tool"
import * as Toolkit from "@effect/ai/Toolkit"
import type * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as DateTime from "effect/DateTime"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Errors, OpenRouterConfig, Retry } from "../src/index.js"
import { isStrictCompatible } from "../src/internal/provider/parts.js"
import { inlineRoot } from "../src/internal/tool/inlineRoot.js"
import * as OpenRouterLanguageModel from "../src/OpenRouterLanguageModel.js"
import * as Testing from "../src/Testing.js"
import type * as TestServer from "../src/TestServer.js"
import { treeSize } from "./support/agentLoopSuite.js"
import { wired } from "./support/callsEffect3.js"
import { httpClients, recordingTracer, SECRET, withServer } from "./support/harness.js"
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
} from "./support/languageModelSuite.js"
import { MODEL } from "./support/providerCases.js"
import { AnonymousTree, TreeRoot } from "./support/treeEffect3.js"

/** Runs a program against the emulator with the provider for MODEL (and optional config) in place. */
const withModel = <A, E>(
  http: Layer.Layer<HttpClient.HttpClient>,
  script: Testing.Script,
  body: (server: TestServer.TestServer) => Effect.Effect<A, E, LanguageModel.LanguageModel>,
  options: {
    readonly config?: OpenRouterLanguageModel.Config.Service
    readonly client?: Parameters<typeof withServer>[3]
  } = {}
) =>
  withServer(
    http,
    script,
    (server): Effect.Effect<A, E, HttpClient.HttpClient | OpenRouterConfig> =>
      Effect.provide(body(server), OpenRouterLanguageModel.layer({ model: MODEL, config: options.config })),
    options.client
  )

const GetWeather = Tool.make("get_weather", {
  description: "The weather in a city",
  parameters: { city: Schema.String },
  success: Schema.Struct({ city: Schema.String, temperature_c: Schema.Number })
})

const Explode = Tool.make("explode", {
  description: "Always fails",
  parameters: { reason: Schema.String },
  success: Schema.String,
  failure: Schema.Struct({ error: Schema.String }),
  failureMode: "return"
})

const Tools = Toolkit.make(GetWeather, Explode)

const handlers = Tools.toLayer({
  get_weather: ({ city }) => Effect.succeed({ city, temperature_c: city === "Paris" ? 18 : 9 }),
  explode: ({ reason }) => Effect.fail({ error: `boom: ${reason}` })
})

const PingTools = Toolkit.make(Tool.make("ping", { description: "Returns nothing", parameters: {} }))

const TreeTools = Toolkit.make(Tool.make("count", { parameters: { root: AnonymousTree }, success: Schema.Number }))

const toolkits = {
  weather: { toolkit: Tools, handlers },
  ping: { toolkit: PingTools, handlers: PingTools.toLayer({ ping: () => Effect.void }) },
  tree: { toolkit: TreeTools, handlers: TreeTools.toLayer({ count: ({ root }) => Effect.succeed(treeSize(root)) }) }
}

const schemas = {
  title: Schema.Struct({ title: Schema.String }),
  event: Schema.Struct({ title: Schema.String, year: Schema.Number }),
  loose: Schema.Struct({ title: Schema.String, note: Schema.optional(Schema.String) }),
  tags: Schema.Array(Schema.String),
  choice: Schema.Union(Schema.Struct({ a: Schema.String }), Schema.Struct({ b: Schema.Number })),
  tree: TreeRoot,
  anonymousTree: AnonymousTree,
  dated: Schema.Struct({ at: Schema.Date })
}

/** A field of a part as the shared body reads it: an `Option` as its value or undefined, a `DateTime` as a Date. */
const plain = (value: unknown): unknown => {
  const read = Option.isOption(value) ? Option.getOrUndefined(value) : value
  return DateTime.isDateTime(read) ? DateTime.toDate(read) : read
}

/** A part as the shared body reads it. */
const fold = (part: object): Part =>
  Object.fromEntries(Object.entries(part).map(([key, value]) => [key, plain(value)])) as unknown as Part

/** An `AiError` as the shared body reads it. */
const failedOf = (error: AiError.AiError): Failed => ({
  kind: error._tag,
  cause: "cause" in error ? error.cause : undefined,
  message: error.message,
  description: "description" in error ? error.description : undefined,
  isAiError: AiError.isAiError(error),
  own: error,
  ...("reason" in error ? { reason: error.reason } : {}),
  ...(error._tag === "HttpResponseError" ? { status: error.response.status } : {})
})

const promptWith = (ask: Ask): Prompt.RawInput =>
  ask.previous === undefined
    ? promptOf<Prompt.RawInput>(Prompt, ask.prompt)
    : Prompt.merge(
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
    const failure = Cause.failureOption(exit.cause)
    if (Option.isNone(failure)) throw new Error(`not a typed failure: ${Cause.pretty(exit.cause)}`)
    return { ok: false, error: failedOf(failure.value) }
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

describe.each(httpClients)("OpenRouterLanguageModel over %s", (_name, http) => {
  it.scopedLive("interrupting streamText closes the connection", () =>
    withModel(http, Testing.hang({ after: 2 }), (server) =>
      Effect.gen(function*() {
        // Interrupt once a part has arrived (the server is then hanging mid-body), not after a guessed
        // delay: on a loaded machine the request may not have reached the server yet.
        const started = yield* Deferred.make<void>()
        const fiber = yield* Effect.fork(
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

describe.each(httpClients)("OpenRouterLanguageModel (Effect 3) mapping over %s", (_name, http) => {
  it.scopedLive("annotates @effect/ai's span with GenAI attributes, and never the key", () =>
    withModel(
      http,
      Testing.completion({ id: "gen-span", model: MODEL, usage: { prompt_tokens: 4, completion_tokens: 2 } }),
      () =>
        Effect.gen(function*() {
          const { spans, tracer } = yield* recordingTracer
          yield* LanguageModel.generateText({ prompt: "Hi" }).pipe(Effect.withTracer(tracer))
          const span = spans.find((s) => s.name === "LanguageModel.generateText")!
          expect(span.attributes.get("gen_ai.system")).toBe("openrouter")
          expect(span.attributes.get("gen_ai.request.model")).toBe(MODEL)
          expect(span.attributes.get("gen_ai.response.id")).toBe("gen-span")
          expect(span.attributes.get("gen_ai.usage.input_tokens")).toBe(4)
          expect(JSON.stringify([...span.attributes.values()])).not.toContain(SECRET)
        })
    ))
})

// What decides `strict` of the Effect 3 provider's tools and generateObject: strict mode takes only an
// object root, every property required, no additional properties; anything else goes `strict: false`.
const closed = { type: "object", required: ["a"], properties: { a: { type: "string" } }, additionalProperties: false }
describe("OpenRouterLanguageModel (Effect 3) strict mode's acceptance test", () => {
  it.each(
    [
      ["a closed object root", closed, true],
      [
        "an empty closed object root",
        { type: "object", properties: {}, required: [], additionalProperties: false },
        true
      ],
      ["an array root", { type: "array", items: { type: "string" } }, false],
      ["a string root", { type: "string" }, false],
      ["a union root (anyOf)", { anyOf: [closed, closed] }, false],
      ["a nullable object root (anyOf with null)", { anyOf: [closed, { type: "null" }] }, false],
      ["a root $ref into $defs", { $ref: "#/$defs/A", $defs: { A: closed } }, false],
      ["an object root that also has anyOf", { ...closed, anyOf: [closed] }, false],
      ["an object root with an optional property", { ...closed, required: [] }, false],
      ["an object root open to other keys", { ...closed, additionalProperties: true }, false],
      ["a nested open object", { ...closed, properties: { a: { ...closed, additionalProperties: true } } }, false],
      ["not a JSON Schema object", ["object"], false]
    ] as const
  )("%s", (_label, schema, accepted) => {
    expect(isStrictCompatible(schema)).toBe(accepted)
  })
})

// The shared `tool/inlineRoot.ts` (both editions' plain tools, this provider's generateObject): only a root
// `$ref` into `$defs` whose definition is an object node is replaced; the definition stays while it is
// still pointed at.
const node = { type: "object", properties: { a: { type: "string" } } }
describe("inlineRoot: a root $ref into $defs replaced by its definition", () => {
  it.each(
    [
      ["a root $ref, the definition used nowhere else: dropped", { $ref: "#/$defs/A", $defs: { A: node } }, node],
      [
        "a recursive root: the definition kept for the inner $ref",
        { $ref: "#/$defs/A", $defs: { A: { ...node, properties: { a: { $ref: "#/$defs/A" } } } } },
        {
          ...node,
          properties: { a: { $ref: "#/$defs/A" } },
          $defs: { A: { ...node, properties: { a: { $ref: "#/$defs/A" } } } }
        }
      ],
      [
        "other definitions kept, a name that is a prefix of another not mistaken for it",
        { $ref: "#/$defs/A", $defs: { A: node, AB: { type: "string" } } },
        { ...node, $defs: { AB: { type: "string" } } }
      ],
      [
        "the root's other keywords kept over the definition's",
        { $ref: "#/$defs/A", description: "root", $defs: { A: { ...node, description: "def" } } },
        { ...node, description: "root" }
      ],
      ["no root $ref", node, node],
      ["a $ref outside $defs", { $ref: "#/definitions/A", $defs: { A: node } }, "same"],
      ["a $ref to a missing definition", { $ref: "#/$defs/B", $defs: { A: node } }, "same"],
      ["a $ref to an inherited name (__proto__)", { $ref: "#/$defs/__proto__", $defs: { A: node } }, "same"],
      ["a definition with $defs of its own", { $ref: "#/$defs/A", $defs: { A: { ...node, $defs: {} } } }, "same"],
      ["no $defs", { $ref: "#/$defs/A" }, "same"]
    ] as const
  )("%s", (_label, doc, expected) => {
    const out = inlineRoot(doc as Record<string, unknown>)
    if (expected === "same") expect(out).toBe(doc)
    else expect(out).toEqual(expected)
  })
})
