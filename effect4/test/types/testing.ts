/**
 * Type-level checks of the Effect 4 edition's test kit (compiled by the typecheck, never run): what
 * the layers provide and need, every `Duration.Input` form where a duration goes and nothing else,
 * `jsonAnswer`'s value typed by its Schema, and every script form.
 */
import * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type { OpenRouterConfig } from "../../src/Client.js"
import * as Testing from "../../src/Testing.js"
import * as TestServer from "../../src/TestServer.js"

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
const check = <T extends true>(): T | undefined => undefined

export const layers = [
  check<Equals<ReturnType<typeof Testing.layer>, Layer.Layer<HttpClient.HttpClient | Testing.Recorder>>>(),
  check<
    Equals<
      ReturnType<typeof Testing.layerWithConfig>,
      Layer.Layer<HttpClient.HttpClient | Testing.Recorder | OpenRouterConfig>
    >
  >(),
  check<Equals<ReturnType<typeof TestServer.make>, Effect.Effect<TestServer.TestServer, never, Scope.Scope>>>(),
  check<
    Equals<typeof Testing.requests, Effect.Effect<ReadonlyArray<Testing.RecordedRequest>, never, Testing.Recorder>>
  >(),
  check<Equals<typeof Testing.aborted, Effect.Effect<number, never, Testing.Recorder>>>(),
  check<Equals<Testing.Recorder.Service["awaitAborts"], (count: number) => Effect.Effect<void>>>()
]

export const durations: ReadonlyArray<Testing.Reply> = [
  Testing.stream({ chunkDelay: { seconds: 1 }, headersDelay: [1, 0], keepAliveEvery: Duration.seconds(1) }),
  Testing.raw({ body: ["a", Testing.pause(250), Testing.pause("1 second"), Testing.pause(Duration.infinity)] }),
  Testing.error(429, { retryAfter: "2 seconds" }),
  Testing.error(503, { retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT" }),
  Testing.delay(Testing.completion(), { minutes: 1 }),
  // @ts-expect-error: not a duration
  Testing.pause("soon"),
  // @ts-expect-error: not a duration
  Testing.stream({ chunkDelay: "soon" }),
  // @ts-expect-error: not a duration
  Testing.hang({ keepAliveEvery: true })
]

const Point = Schema.Struct({ x: Schema.Number, label: Schema.optional(Schema.String) })

export const structured: ReadonlyArray<Testing.Reply> = [
  Testing.jsonAnswer(Point, { x: 1 }),
  Testing.jsonAnswer(Point, { x: 1, label: "a" }, { stream: true, pieceSize: 4 }),
  // @ts-expect-error: the value is the Schema's Type
  Testing.jsonAnswer(Point, { x: "1" }),
  Testing.refusalAnswer(),
  Testing.lengthCutAnswer("{", { stream: true })
]

export const scripts: ReadonlyArray<Testing.Script> = [
  Testing.completion(),
  [Testing.error(500), Testing.stream({ deltas: Testing.pieces(3) })],
  (request, index) => Testing.completion({ content: `${request.path} #${index}` }),
  Testing.emulator,
  Testing.emulatorWith({ models: ["openai/gpt-4o"] }),
  Testing.rounds([Testing.callTools([{ name: "now", arguments: {} }]), Testing.answer("noon")]),
  // @ts-expect-error: a script answers with Replies
  ["not a reply"]
]
