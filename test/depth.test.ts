/**
 * Model output of any depth: an answer nested up to `MAX_DEPTH` levels decodes, one level more (and
 * 5,000 levels, where an unbounded walk overflows the stack) is the entry point's typed error, never
 * a defect; a huge but shallow answer is fine. For each entry point: `Structured.send`,
 * `Structured.stream`, `Toolkit.decodeCalls`, `ToolLoop.run` and the `@effect/ai` provider. The levels,
 * the nested JSON and the test of the bound itself are shared with the Effect 4 edition
 * (`test/support/depth.ts`).
 */
import * as AiLanguageModel from "@effect/ai/LanguageModel"
import * as AiTool from "@effect/ai/Tool"
import * as AiToolkit from "@effect/ai/Toolkit"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Structured, Testing, Tool, Toolkit, ToolLoop } from "../src/index.js"
import { MAX_DEPTH } from "../src/internal/transport/json.js"
import * as OpenRouterLanguageModel from "../src/OpenRouterLanguageModel.js"
import type * as S from "../src/Schema.js"
import { ACCEPTED, depthOf, nested, nestingBoundSuite, type Node, piecesOf, REFUSED } from "./support/depth.js"

const Node: Schema.Schema<Node> = Schema.Struct({
  child: Schema.NullOr(Schema.suspend((): Schema.Schema<Node> => Node))
}).annotations({ identifier: "Node" })

const request = { model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "Nest" }] }

/** Runs an effect and returns its exit: a defect shows as a failed exit with a `Die` cause. */
const exitOf = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.exit(effect)

const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure, got a success")
  const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
  if (failure === undefined) throw new Error(`expected a typed failure, got ${String(exit.cause)}`)
  return failure
}

nestingBoundSuite({ describe, it, expect })

describe("Structured.send", () => {
  for (const levels of ACCEPTED) {
    it.effect(`decodes an answer ${levels} levels deep`, () =>
      Effect.gen(function*() {
        const result = yield* Structured.send(Node, request)
        expect(depthOf(result.value)).toBe(levels)
      }).pipe(
        Effect.provide(Testing.layerWithConfig(Testing.completion({ content: nested(levels) }), { retry: false }))
      ))
  }
  for (const levels of REFUSED) {
    it.effect(`an answer ${levels} levels deep is OutputDecodeError, not a defect`, () =>
      Effect.gen(function*() {
        const error = failureOf(yield* exitOf(Structured.send(Node, request)))
        expect(error._tag).toBe("OutputDecodeError")
        expect(error.message).toContain(`nested deeper than ${MAX_DEPTH} levels`)
      }).pipe(
        Effect.provide(Testing.layerWithConfig(Testing.completion({ content: nested(levels) }), { retry: false }))
      ))
  }

  it.effect("a huge shallow answer (100,000 items, 1.6 MB) decodes", () => {
    const Items = Schema.Struct({ items: Schema.Array(Schema.Struct({ n: Schema.Number })) })
    const value = { items: Array.from({ length: 100_000 }, (_, n) => ({ n })) }
    return Effect.gen(function*() {
      const result = yield* Structured.send(Items, request)
      expect(result.value.items.length).toBe(100_000)
      expect(result.value.items[99_999]).toEqual({ n: 99_999 })
    }).pipe(Effect.provide(Testing.layerWithConfig(Testing.jsonAnswer(Items, value), { retry: false })))
  })
})

describe("Structured.stream", () => {
  const run = (levels: number) =>
    Effect.exit(Stream.runCollect(Structured.stream(Node, request))).pipe(
      Effect.provide(Testing.layerWithConfig(Testing.stream({ deltas: piecesOf(nested(levels)) }), { retry: false }))
    )

  for (const levels of ACCEPTED) {
    it.effect(`shows partial values and ends with the value of an answer ${levels} levels deep`, () =>
      Effect.gen(function*() {
        const exit = yield* run(levels)
        if (!Exit.isSuccess(exit)) throw new Error(String(exit.cause))
        const events = Chunk.toArray(exit.value)
        expect(events.filter((e) => e._tag === "Partial").length).toBeGreaterThan(0)
        const last = events.at(-1)!
        expect(last._tag).toBe("Final")
        expect(depthOf((last as { readonly value: Node }).value)).toBe(levels)
      }))
  }
  for (const levels of REFUSED) {
    it.effect(`an answer ${levels} levels deep fails the stream with OutputDecodeError, not a defect`, () =>
      Effect.gen(function*() {
        const error = failureOf(yield* run(levels))
        expect(error._tag).toBe("OutputDecodeError")
        expect(error.message).toContain(`nested deeper than ${MAX_DEPTH} levels`)
      }))
  }
})

const NestTool = Tool.make("nest", { parameters: Node as Schema.Schema<Node, Node> })
const NestTools = Toolkit.make(NestTool)

const callReply = (levels: number): S.ChatResponse => ({
  id: "gen-nest",
  choices: [{
    index: 0,
    finish_reason: "tool_calls",
    message: {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "call_1", type: "function", function: { name: "nest", arguments: nested(levels) } }]
    }
  }]
} as unknown as S.ChatResponse)

describe("Toolkit.decodeCalls", () => {
  for (const levels of ACCEPTED) {
    it.effect(`decodes arguments ${levels} levels deep`, () =>
      Effect.gen(function*() {
        const [call] = yield* Toolkit.decodeCalls(callReply(levels), NestTools)
        expect(depthOf(call!.params as Node)).toBe(levels)
      }))
  }
  for (const levels of REFUSED) {
    it.effect(`arguments ${levels} levels deep are MalformedArgumentsError, not a defect`, () =>
      Effect.gen(function*() {
        const error = failureOf(yield* exitOf(Toolkit.decodeCalls(callReply(levels), NestTools)))
        expect(error._tag).toBe("MalformedArgumentsError")
        expect(error.message).toBe(`The arguments of nest are nested deeper than ${MAX_DEPTH} levels`)
      }))
  }
})

describe("ToolLoop.run", () => {
  const handlers = Toolkit.toLayer(NestTools, { nest: (node) => Effect.succeed(`depth ${depthOf(node)}`) })
  const script = (levels: number) =>
    Testing.rounds([
      Testing.callTools([{ id: "call_1", name: "nest", arguments: nested(levels) }]),
      Testing.answer("done")
    ])

  for (const levels of ACCEPTED) {
    it.effect(`runs a call whose arguments are ${levels} levels deep`, () =>
      Effect.gen(function*() {
        const result = yield* ToolLoop.run(request, { toolkit: NestTools })
        const first = result.rounds[0]!.results[0]!
        expect(first._tag).toBe("Success")
        expect(first.message.content).toBe(`depth ${levels}`)
      }).pipe(
        Effect.provide(handlers),
        Effect.provide(Testing.layerWithConfig(script(levels), { retry: false }))
      ))
  }
  for (const levels of REFUSED) {
    it.effect(`a call whose arguments are ${levels} levels deep is MalformedArgumentsError, not a defect`, () =>
      Effect.gen(function*() {
        const error = failureOf(yield* exitOf(ToolLoop.run(request, { toolkit: NestTools })))
        expect(error._tag).toBe("MalformedArgumentsError")
        const returned = yield* ToolLoop.run(request, { toolkit: NestTools, invalidCalls: "return" })
        const first = returned.rounds[0]!.results[0]!
        expect(first._tag).toBe("Invalid")
        expect(first.message.content).toContain(`nested deeper than ${MAX_DEPTH} levels`)
      }).pipe(
        Effect.provide(handlers),
        Effect.provide(Testing.layerWithConfig(script(levels), { retry: false }))
      ))
  }
})

describe("OpenRouterLanguageModel", () => {
  const AiNest = AiTool.make("nest", { parameters: { child: Schema.NullOr(Node) }, success: Schema.Number })
  const AiTools = AiToolkit.make(AiNest)
  const aiHandlers = AiTools.toLayer({ nest: (node) => Effect.succeed(depthOf(node)) })
  const provide = (script: Testing.Script) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(
      Effect.provide(aiHandlers),
      Effect.provide(OpenRouterLanguageModel.layer({ model: "openai/gpt-4o-mini" })),
      Effect.provide(Testing.layerWithConfig(script, { retry: false }))
    )
  const NodeObject = Schema.Struct({ child: Schema.NullOr(Node) })
  const calls = (levels: number) => [{ id: "call_1", name: "nest", arguments: nested(levels) }]

  for (const levels of ACCEPTED) {
    it.effect(`generateText and streamText run a call whose arguments are ${levels} levels deep`, () =>
      Effect.gen(function*() {
        const text = yield* AiLanguageModel.generateText({ prompt: "Nest", toolkit: AiTools })
        expect(text.toolResults.map((r) => r.result)).toEqual([levels])
        const parts = Chunk.toArray(
          yield* Stream.runCollect(AiLanguageModel.streamText({ prompt: "Nest", toolkit: AiTools }))
        )
        expect(parts.filter((p) => p.type === "tool-result").map((p) => (p as { result: unknown }).result))
          .toEqual([levels])
      }).pipe(provide(Testing.callTools(calls(levels)))))

    it.effect(`generateObject decodes an answer ${levels} levels deep`, () =>
      Effect.gen(function*() {
        const response = yield* AiLanguageModel.generateObject({ prompt: "Nest", schema: NodeObject })
        expect(depthOf(response.value)).toBe(levels)
      }).pipe(provide(Testing.completion({ content: nested(levels) }))))
  }
  for (const levels of REFUSED) {
    it.effect(`tool arguments ${levels} levels deep are MalformedOutput from generateText and streamText`, () =>
      Effect.gen(function*() {
        const error = failureOf(yield* exitOf(AiLanguageModel.generateText({ prompt: "Nest", toolkit: AiTools })))
        expect(error._tag).toBe("MalformedOutput")
        expect(error.message).toContain(`nested deeper than ${MAX_DEPTH} levels`)
        const streamed = failureOf(
          yield* exitOf(Stream.runDrain(AiLanguageModel.streamText({ prompt: "Nest", toolkit: AiTools })))
        )
        expect(streamed._tag).toBe("MalformedOutput")
      }).pipe(provide(Testing.callTools(calls(levels)))))

    it.effect(`generateObject with an answer ${levels} levels deep is MalformedOutput, not a defect`, () =>
      Effect.gen(function*() {
        const error = failureOf(yield* exitOf(AiLanguageModel.generateObject({ prompt: "Nest", schema: NodeObject })))
        expect(error._tag).toBe("MalformedOutput")
        expect(error.message).toContain(`nested deeper than ${MAX_DEPTH} levels`)
      }).pipe(provide(Testing.completion({ content: nested(levels) }))))
  }
})
