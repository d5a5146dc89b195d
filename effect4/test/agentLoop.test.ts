/**
 * The Effect 4 edition's agent loop over real loopback sockets, with both HTTP clients: the body is
 * shared with the Effect 3 edition (`test/support/agentLoopSuite.ts`), this file gives it the Effect 4
 * edition's pieces: its toolkits, handlers (which read their call from `Toolkit.CurrentCall`, and
 * `effect/ai`'s handler context) and Schemas, and `ToolLoop.run`, `ToolLoop.stream` and
 * `Structured.stream` run to a Promise.
 */
import { expectTypeOf } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import {
  type AgentCalls,
  type AgentEvent,
  agentLoopSuite,
  type AgentResult,
  type Seen,
  type Tree,
  treeSize
} from "../../test/support/agentLoopSuite.js"
import { OpenRouterConfig, Retry, Structured, Testing, Tool, Toolkit, ToolLoop } from "../src/index.js"
import { outcome, wired } from "./support/callsEffect4.js"
import { httpClients, SECRET } from "./support/harness.js"
import { TreeRoot } from "./support/treeEffect4.js"

const GetWeather = Tool.make("get_weather", {
  parameters: Schema.Struct({ city: Schema.String }),
  success: Schema.Struct({ city: Schema.String, celsius: Schema.Number })
})
const Book = Tool.make("book", { parameters: Schema.Struct({ city: Schema.String }), success: Schema.String })
const Tools = Toolkit.make(GetWeather, Book)
const ToolsLive = Toolkit.toLayer(Tools, {
  get_weather: ({ city }) => Effect.succeed({ city, celsius: city.length }),
  book: ({ city }) => Effect.succeed(`booked ${city}`)
})
const Clash = Toolkit.make(Tool.make("final_answer"))

const Advice = Schema.Struct({
  city: Schema.String,
  wear: Schema.Literals(["coat", "t-shirt"]),
  note: Schema.optionalKey(Schema.String)
}).annotate({ identifier: "Advice", description: "What to wear" })

// The output has the output Schema's type (the shared body reads results loosely).
expectTypeOf<Effect.Success<ReturnType<typeof _adviceLoop>>["output"]["wear"]>().toEqualTypeOf<"coat" | "t-shirt">()
function _adviceLoop() {
  return ToolLoop.run({ messages: [] }, { toolkit: Tools, output: Advice })
}

const Node: Schema.Codec<Tree> = Schema.Struct({
  name: Schema.String,
  children: Schema.Array(Schema.suspend((): Schema.Codec<Tree> => Node))
})
const Count = Toolkit.make(
  Tool.make("count", { parameters: Schema.Struct({ root: Node }), success: Schema.Number })
)

const Measure = Toolkit.make(Tool.make("measure", { parameters: TreeRoot, success: Schema.Number }))

const Find = Toolkit.make(Tool.make("find", {
  parameters: Schema.Struct({ query: Schema.String, limit: Schema.optionalKey(Schema.Number) }),
  success: Schema.Number,
  strict: true
}))

type Loose<A> = Effect.Effect<A, { readonly _tag: string }, HttpClient.HttpClient | OpenRouterConfig>

/** `ToolLoop.run`, `ToolLoop.stream` and `Structured.stream` with the options as the shared body gives them. */
const runLoop = ToolLoop.run as unknown as (request: unknown, options: unknown) => Effect.Effect<AgentResult, never>
const streamLoop = ToolLoop.stream as unknown as (request: unknown, options: unknown) => Stream.Stream<AgentEvent>
const streamStructured = Structured.stream as unknown as (
  schema: unknown,
  request: unknown,
  options: unknown
) => Stream.Stream<unknown>

const loopOver = (http: Layer.Layer<HttpClient.HttpClient>): AgentCalls => {
  const promise = <A>(
    effect: Effect.Effect<A, unknown, unknown>,
    baseUrl: string,
    handlers: unknown,
    config: Readonly<Record<string, unknown>> | undefined
  ) =>
    Effect.runPromise(
      (Effect.provide(effect, handlers as Layer.Layer<never>) as Loose<A>).pipe(
        Effect.result,
        Effect.map(outcome),
        Effect.provide(Layer.merge(
          http,
          OpenRouterConfig.layer({ apiKey: Redacted.make(SECRET), baseUrl, retry: false, ...config })
        ))
      )
    )
  const collect = <A>(stream: Stream.Stream<unknown>) =>
    Stream.runCollect(stream) as Effect.Effect<ReadonlyArray<A>, unknown, unknown>
  return {
    run: (baseUrl, request, options, run) =>
      promise(runLoop(request, options), baseUrl, run?.handlers ?? ToolsLive, run?.config),
    stream: (baseUrl, request, options, run) =>
      promise(collect<AgentEvent>(streamLoop(request, options)), baseUrl, run?.handlers ?? ToolsLive, run?.config),
    structured: (baseUrl, schema, request, options, config) =>
      promise(collect(streamStructured(schema, request, options)), baseUrl, Layer.empty, config)
  }
}

const format = Result.getOrThrow(Structured.responseFormat(Advice))
if (format.type !== "json_schema") throw new Error("expected a json_schema format")

agentLoopSuite(wired, {
  clients: httpClients.map(([name, http]) => [name, loopOver(http)] as const),
  testing: {
    ...Testing,
    finalAnswer: (schema, value, options) => Testing.finalAnswer(schema as typeof Advice, value as never, options),
    jsonAnswer: (schema, value, options) => Testing.jsonAnswer(schema as typeof Advice, value as never, options)
  },
  retry: Retry.make,
  tools: Tools,
  handlers: ToolsLive,
  clash: Clash,
  clashHandlers: Layer.merge(ToolsLive, Toolkit.toLayer(Clash, { final_answer: () => Effect.succeed(null) })),
  advice: Advice,
  adviceFormat: format,
  unrepresentable: Schema.Struct({ f: Schema.Unknown }),
  point: Schema.Struct({ x: Schema.Number, label: Schema.String }),
  tags: Schema.Array(Schema.String),
  recursive: {
    toolkit: Count,
    handlers: Toolkit.toLayer(Count, { count: ({ root }) => Effect.succeed(treeSize(root)) })
  },
  treeRoot: TreeRoot,
  recursiveRoot: {
    toolkit: Measure,
    handlers: Toolkit.toLayer(Measure, { measure: (tree) => Effect.succeed(treeSize(tree)) })
  },
  strictFind: { toolkit: Find, handlers: Toolkit.toLayer(Find, { find: ({ limit }) => Effect.succeed(limit ?? -1) }) },
  counting: () => {
    let booked = 0
    const handlers = Toolkit.toLayer(Tools, {
      get_weather: ({ city }) => Effect.succeed({ city, celsius: 0 }),
      book: ({ city }) => Effect.sync(() => (booked++, city))
    })
    return { handlers, booked: () => booked }
  },
  recording: () => {
    const seen: Array<Seen> = []
    // Effect 4: the call is read from Toolkit.CurrentCall; effect/ai's handler context names the call too.
    const record = (toolCallId: string | undefined) =>
      Effect.flatMap(Toolkit.CurrentCall, (call) =>
        Effect.sync(() => {
          if (call === undefined) throw new Error("no Toolkit.CurrentCall in a handler")
          seen.push({ call, toolCallId })
        }))
    const handlers = Toolkit.toLayer(Tools, {
      get_weather: ({ city }, context) => Effect.as(record(context.toolCallId), { city, celsius: 1 }),
      book: ({ city }, context) => Effect.as(record(context.toolCallId), city)
    })
    return { handlers, seen: () => seen }
  }
})
