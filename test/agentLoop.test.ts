/**
 * The agent loop over real loopback sockets, with both HTTP clients: the body is shared with the
 * Effect 4 edition (`test/support/agentLoopSuite.ts`), this file gives it the Effect 3 edition's pieces:
 * its toolkits, handlers and Schemas, and `ToolLoop.run`, `ToolLoop.stream` and `Structured.stream`
 * run to a Promise.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import { expectTypeOf } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { OpenRouterConfig, Retry, Structured, Testing, Tool, Toolkit, ToolLoop } from "../src/index.js"
import {
  type AgentCalls,
  type AgentEvent,
  agentLoopSuite,
  type AgentResult,
  type Seen,
  type Tree,
  treeSize
} from "./support/agentLoopSuite.js"
import { outcome, wired } from "./support/callsEffect3.js"
import { httpClients, SECRET } from "./support/harness.js"
import { TreeRoot } from "./support/treeEffect3.js"

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
  wear: Schema.Literal("coat", "t-shirt"),
  note: Schema.optional(Schema.String)
}).annotations({ identifier: "Advice", description: "What to wear" })

// The output has the output Schema's type (the shared body reads results loosely).
expectTypeOf<Effect.Effect.Success<ReturnType<typeof _adviceLoop>>["output"]["wear"]>().toEqualTypeOf<
  "coat" | "t-shirt"
>()
function _adviceLoop() {
  return ToolLoop.run({ messages: [] }, { toolkit: Tools, output: Advice })
}

const Node: Schema.Schema<Tree> = Schema.Struct({
  name: Schema.String,
  children: Schema.Array(Schema.suspend(() => Node))
})
const Count = Toolkit.make(
  Tool.make("count", { parameters: Schema.Struct({ root: Node }), success: Schema.Number })
)

const Measure = Toolkit.make(Tool.make("measure", { parameters: TreeRoot, success: Schema.Number }))

const Find = Toolkit.make(Tool.make("find", {
  parameters: Schema.Struct({ query: Schema.String, limit: Schema.optional(Schema.Number) }),
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
        Effect.either,
        Effect.map(outcome),
        Effect.provide(Layer.merge(
          http,
          OpenRouterConfig.layer({ apiKey: Redacted.make(SECRET), baseUrl, retry: false, ...config })
        ))
      )
    )
  const collect = <A>(stream: Stream.Stream<unknown>) =>
    Effect.map(Stream.runCollect(stream), (chunk) => Chunk.toReadonlyArray(chunk) as ReadonlyArray<A>)
  return {
    run: (baseUrl, request, options, run) =>
      promise(runLoop(request, options), baseUrl, run?.handlers ?? ToolsLive, run?.config),
    stream: (baseUrl, request, options, run) =>
      promise(collect<AgentEvent>(streamLoop(request, options)), baseUrl, run?.handlers ?? ToolsLive, run?.config),
    structured: (baseUrl, schema, request, options, config) =>
      promise(collect(streamStructured(schema, request, options)), baseUrl, Layer.empty, config)
  }
}

const format = Either.getOrThrow(Structured.responseFormat(Advice))
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
  unrepresentable: Schema.Struct({ f: Schema.Unknown.pipe(Schema.filter(() => true)) }),
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
    // Effect 3: the call is the handler's second argument.
    const record = (call: Toolkit.CallContext) => seen.push({ call, toolCallId: undefined })
    const handlers = Toolkit.toLayer(Tools, {
      get_weather: ({ city }, call) => Effect.sync(() => (record(call), { city, celsius: 1 })),
      book: ({ city }, call) => Effect.sync(() => (record(call), city))
    })
    return { handlers, seen: () => seen }
  }
})
