/*
 * Tool-call decoding micro-benchmark: `npx tsx bench/tool-decode.ts [--rounds 7]` (about 30 s).
 *
 * What decoding the tool calls of a reply costs over what `Chat.send` already does with it. Input:
 * 1,000 distinct reply bodies (JSON text, as they come off the socket) per shape, cycled; shapes with
 * 1 and 4 calls of a tool whose parameters are `{city, unit?, days?}`. Candidates, per reply:
 *
 *   send          JSON.parse + Schema.decodeChatResponse (what Chat.send does with the body)
 *   send+floor    send, then per call JSON.parse(arguments) + Schema.decodeUnknownEither(parameters),
 *                 the decoder built once: the floor of "one Schema decode per call"
 *   send+decode   send, then Toolkit.decodeCall on each call (lookup, parse, decode, the typed call);
 *                 Toolkit.decodeCalls is the same loop lifted into an Effect (ToolLoop uses the loop)
 *
 * Passes of 20,000 replies alternate between the candidates in an order rotated each round (after 3
 * warm-up rounds), so drift of this shared machine hits all alike. The figure that matters is, per
 * round, (send+decode − send) ÷ (send+floor − send): the cost of Toolkit's decoding over the floor of
 * one parse and one Schema decode per call; the median over rounds is reported with the range.
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as S from "../src/Schema.js"
import * as Tool from "../src/Tool.js"
import * as Toolkit from "../src/Toolkit.js"

const args = process.argv.slice(2)
const ROUNDS = Number(args[args.indexOf("--rounds") + 1]) || 7
const WARMUP = 3
const ITERATIONS = 20_000
const VARIANTS = 1_000

let sink = 0

const Parameters = Schema.Struct({
  city: Schema.String,
  unit: Schema.optional(Schema.Literal("c", "f")),
  days: Schema.optional(Schema.Int.pipe(Schema.between(1, 14)))
})
const GetWeather = Tool.make("get_weather", { parameters: Parameters, success: Schema.Unknown })
const Now = Tool.make("now")
const Tools = Toolkit.make(GetWeather, Now)
const floorDecode = Schema.decodeUnknownEither(Parameters)

const cities = ["Paris", "Tokyo", "Lima", "Reykjavík", "Nairobi", "Montréal", "Ushuaia", "Hanoi"]

const body = (i: number, calls: number): string =>
  JSON.stringify({
    id: `gen-1747000000-${i.toString(36).padStart(8, "x")}`,
    provider: "OpenAI",
    model: "openai/gpt-4o-mini",
    object: "chat.completion",
    created: 1747000000 + i,
    system_fingerprint: "fp_0123456789",
    choices: [{
      index: 0,
      logprobs: null,
      finish_reason: "tool_calls",
      native_finish_reason: "tool_calls",
      message: {
        role: "assistant",
        content: null,
        refusal: null,
        reasoning: null,
        tool_calls: Array.from({ length: calls }, (_, k) => ({
          id: `call_${i}_${k}`,
          index: k,
          type: "function",
          function: {
            name: "get_weather",
            arguments: JSON.stringify({
              city: cities[(i + k) % cities.length],
              ...((i + k) % 2 === 0 ? { unit: "c" } : {}),
              ...((i + k) % 3 === 0 ? { days: 1 + ((i + k) % 14) } : {})
            })
          }
        }))
      }
    }],
    usage: { prompt_tokens: 82, completion_tokens: 17 * calls, total_tokens: 82 + 17 * calls, cost: 0.0000231 }
  })

const send = (text: string): S.ChatResponse => {
  const decoded = S.decodeChatResponse(JSON.parse(text))
  if (Either.isLeft(decoded)) throw new Error("the reply does not decode")
  return decoded.right
}

const callsOf = (response: S.ChatResponse) => response.choices[0]!.message!.tool_calls!

interface Candidate {
  readonly label: string
  readonly run: (text: string) => number
}

const candidates: ReadonlyArray<Candidate> = [
  { label: "send", run: (text) => send(text).choices.length },
  {
    label: "send+floor",
    run: (text) => {
      let n = 0
      for (const call of callsOf(send(text))) {
        const decoded = floorDecode(JSON.parse(call.function!.arguments!))
        if (Either.isRight(decoded)) n++
      }
      return n
    }
  },
  {
    label: "send+decode",
    run: (text) => {
      let n = 0
      for (const call of callsOf(send(text))) {
        const decoded = Toolkit.decodeCall(call, Tools)
        if (Either.isRight(decoded) && decoded.right.name === "get_weather") n++
      }
      return n
    }
  }
]

const pass = (c: Candidate, inputs: ReadonlyArray<string>, calls: number): number => {
  const start = process.hrtime.bigint()
  for (let i = 0; i < ITERATIONS; i++) sink += c.run(inputs[i % inputs.length]!)
  const ns = Number(process.hrtime.bigint() - start) / ITERATIONS
  // A candidate that decodes nothing must not look fast.
  if (c.label !== "send" && c.run(inputs[0]!) !== calls) throw new Error(`${c.label} decoded the wrong number of calls`)
  return ns
}

const median = (xs: ReadonlyArray<number>) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

console.log(`Node ${process.version}; ${ROUNDS} rounds of ${ITERATIONS} replies per candidate (+${WARMUP} warm-up)`)
for (const calls of [1, 4]) {
  const inputs = Array.from({ length: VARIANTS }, (_, i) => body(i, calls))
  const perRound: Array<Record<string, number>> = []
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    const times: Record<string, number> = {}
    for (let k = 0; k < candidates.length; k++) {
      const c = candidates[(k + round) % candidates.length]!
      times[c.label] = pass(c, inputs, calls)
    }
    if (round >= WARMUP) perRound.push(times)
  }
  console.log(`\n${calls} call${calls === 1 ? "" : "s"} per reply (${inputs[0]!.length} bytes)`)
  for (const c of candidates) {
    const values = perRound.map((t) => t[c.label]!)
    const ratio = perRound.map((t) => t[c.label]! / t.send!)
    console.log(
      `  ${c.label.padEnd(12)} ${median(values).toFixed(0).padStart(6)} ns/reply  (${Math.min(...values).toFixed(0)}–${
        Math.max(...values).toFixed(0)
      })  ${median(ratio).toFixed(2)}× send`
    )
  }
  const over = (label: string) => perRound.map((t) => (t[label]! - t.send!) / (t["send+floor"]! - t.send!))
  const overDecode = over("send+decode")
  const perCall = perRound.map((t) => (t["send+decode"]! - t.send!) / calls)
  console.log(
    `  Toolkit.decodeCall over send, per call: ${
      median(perCall).toFixed(0)
    } ns; ÷ the floor (one parse + one Schema decode per call): ` +
      `${median(overDecode).toFixed(2)}× (rounds ${Math.min(...overDecode).toFixed(2)}–${
        Math.max(...overDecode).toFixed(2)
      })`
  )
}
if (sink === 0) console.log("(nothing decoded)")
