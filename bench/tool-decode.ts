/*
 * Tool-call decoding micro-benchmark: `npx tsx bench/tool-decode.ts [--rounds 300]` (about 30 s).
 *
 * What decoding the tool calls of a reply costs over what `Chat.send` already does with it. Input:
 * 1,000 distinct reply bodies (JSON text, as they come off the socket), cycled, each with 4 calls of
 * a tool whose parameters are `{city, unit?, days?}`. Candidates:
 *
 *   send        per reply: JSON.parse + Schema.decodeChatResponse (what Chat.send does with the body)
 *   floor       per call: JSON.parse(arguments) + Schema.decodeUnknownEither(parameters), the decoder
 *               built once: the floor of "one Schema decode per call"
 *   decodeCall  per call: Toolkit.decodeCall (tool lookup, parse, object check, decode, the typed
 *               call); Toolkit.decodeCalls and ToolLoop run the same code per call
 *
 * The machine is shared and its speed drifts by 2-3x within seconds, so each round runs a short pass
 * (2,000 operations) of every candidate in an order rotated by one per round, and the figures are
 * medians of per-round ratios: decodeCall ÷ floor, and (send + N × decodeCall) ÷ send for a reply
 * with N calls. Absolute times are medians over rounds, for scale only.
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as S from "../src/Schema.js"
import * as Tool from "../src/Tool.js"
import * as Toolkit from "../src/Toolkit.js"

const args = process.argv.slice(2)
const ROUNDS = Number(args[args.indexOf("--rounds") + 1]) || 300
const WARMUP = 20
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

const PASS = 2_000
const inputs = Array.from({ length: VARIANTS }, (_, i) => body(i, 4))
const calls = inputs.flatMap((text) => send(text).choices[0]!.message!.tool_calls!)

interface Candidate {
  readonly label: string
  readonly run: (i: number) => boolean
}

const candidates: ReadonlyArray<Candidate> = [
  { label: "send", run: (i) => send(inputs[i % inputs.length]!).choices.length === 1 },
  {
    label: "floor",
    run: (i) => Either.isRight(floorDecode(JSON.parse(calls[i % calls.length]!.function!.arguments!)))
  },
  {
    label: "decodeCall",
    run: (i) => {
      const decoded = Toolkit.decodeCall(calls[i % calls.length]!, Tools)
      return Either.isRight(decoded) && decoded.right.name === "get_weather"
    }
  }
]

let offset = 0
const pass = (c: Candidate): number => {
  const start = process.hrtime.bigint()
  for (let i = 0; i < PASS; i++) {
    // A candidate that decodes nothing must not look fast.
    if (c.run(offset + i)) sink++
    else throw new Error(`${c.label} failed to decode`)
  }
  const ns = Number(process.hrtime.bigint() - start) / PASS
  return ns
}

const median = (xs: ReadonlyArray<number>) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
const quantile = (xs: ReadonlyArray<number>, q: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!

const rounds: Array<Record<string, number>> = []
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  const times: Record<string, number> = {}
  for (let k = 0; k < candidates.length; k++) {
    const c = candidates[(k + round) % candidates.length]!
    times[c.label] = pass(c)
  }
  offset += PASS
  if (round >= WARMUP) rounds.push(times)
}

const show = (label: string, xs: ReadonlyArray<number>, digits: number, unit: string) =>
  console.log(
    `  ${label.padEnd(44)} ${median(xs).toFixed(digits).padStart(7)}${unit}  (interquartile ${
      quantile(xs, 0.25).toFixed(digits)
    }–${quantile(xs, 0.75).toFixed(digits)})`
  )

console.log(
  `Node ${process.version}; ${ROUNDS} rounds (+${WARMUP} warm-up) of ${PASS} operations per candidate; reply ${
    inputs[0]!.length
  } bytes with 4 calls`
)
show("send, per reply", rounds.map((t) => t.send!), 0, " ns")
show("floor, per call", rounds.map((t) => t.floor!), 0, " ns")
show("decodeCall, per call", rounds.map((t) => t.decodeCall!), 0, " ns")
show("decodeCall ÷ floor (per-round ratio)", rounds.map((t) => t.decodeCall! / t.floor!), 2, "×")
for (const n of [1, 4]) {
  show(
    `send + ${n} × decodeCall ÷ send (per-round ratio)`,
    rounds.map((t) => (t.send! + n * t.decodeCall!) / t.send!),
    2,
    "×"
  )
}
if (sink === 0) console.log("(nothing decoded)")
