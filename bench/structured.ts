/*
 * Structured output benchmark: `npx tsx bench/structured.ts [--rounds N]` (a few minutes).
 * Needs the parser candidates: `(cd bench && npm install)`.
 *
 * 1. Incremental JSON parsers, for partial values while a JSON answer streams. Input: a JSON answer
 *    (an object with a list of items, ~6 characters per chunk like model tokens) fed chunk by chunk;
 *    after every chunk each candidate produces the partial value so far, as an immutable value the
 *    consumer may keep. Time for the whole answer at 1,000 and 10,000 chunks: a linear parser
 *    takes ~10x longer for 10x the chunks, a quadratic one ~100x.
 *      - hand (shipped): src/internal/structured/partialJson.ts, incremental, snapshots share completed values;
 *      - partial-json 0.1.7 and best-effort-json-parser 1.5.1: re-parse the whole text so far per chunk;
 *      - @streamparser/json 0.0.26: incremental, but builds one mutable value, so a snapshot is a
 *        structuredClone of it (also shown without snapshots, as the parse-only floor);
 *      - JSON.parse once at the end (no partial values): the floor.
 * 2. Structured.stream against Chat.stream on the same 10,000-chunk JSON answer (in-process test
 *    kit, the body rendered once), alternating within each round's process: time per chunk, and the
 *    per-round ratio. Target: at most 2x.
 * 3. Structured.send against Chat.send of the same request (response_format written out by hand)
 *    on a typical answer (a Weather with 24 hourly entries, optional fields), in-process test kit,
 *    the variants alternating in batches within each round's process; and the cost of one decode of
 *    the content (JSON.parse + Schema.decodeUnknown). Target: Structured.send - Chat.send is at most
 *    one decode.
 *
 * Method: a fresh process per measurement (parsers) or per round (2, 3, where the variants alternate
 * in batches inside the process, since this machine's load drifts by 2-3x between processes);
 * rounds interleaved (the order rotated by one each round); medians over rounds, and medians of the
 * per-round ratios. `--rounds N` (default 3), `--only parsers,stream,send`.
 */
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const self = fileURLToPath(import.meta.url)

// ---------------------------------------------------------------------------------------------
// Inputs

const makeAnswer = (chunks: number) => {
  const items: Array<unknown> = []
  let text = ""
  for (let i = 0; text.length < chunks * 6; i++) {
    items.push({
      id: `item-${i}`,
      name: `Item number ${i} with a name`,
      price: Math.round(i * 137.31) / 100,
      tags: ["alpha", "beta"].slice(0, 1 + (i % 2)),
      note: i % 3 === 0 ? null : `note ${i}`
    })
    text = JSON.stringify({ title: "A list of things", items })
  }
  const size = Math.ceil(text.length / chunks)
  const pieces: Array<string> = []
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size))
  return { text, pieces, value: JSON.parse(text) as unknown }
}

// ---------------------------------------------------------------------------------------------
// Case runners (each in its own process)

const time = (f: () => void, passes: number, warmups = 2): number => {
  for (let i = 0; i < warmups; i++) f()
  const samples: Array<number> = []
  for (let i = 0; i < passes; i++) {
    const start = performance.now()
    f()
    samples.push(performance.now() - start)
  }
  samples.sort((a, b) => a - b)
  return samples[Math.floor(samples.length / 2)]!
}

const parserCase = async (name: string, chunks: number): Promise<number> => {
  const { pieces, value } = makeAnswer(chunks)
  const check = (last: unknown) => {
    if (JSON.stringify(last) !== JSON.stringify(value)) throw new Error(`${name}: wrong final value`)
  }
  // The candidates that re-parse or copy everything per chunk are quadratic: one pass past 1,000 chunks.
  const slow = name === "partial-json" || name === "best-effort-json-parser" || name === "streamparser-clone"
  const passes = slow && chunks > 1000 ? 1 : 9
  const warmups = slow && chunks > 1000 ? 1 : 2
  switch (name) {
    case "hand": {
      const { makePartialJsonParser } = await import("../src/internal/structured/partialJson.js")
      return time(
        () => {
          const p = makePartialJsonParser()
          let last: unknown
          for (const piece of pieces) {
            p.push(piece)
            if (p.changed()) last = p.snapshot()
          }
          p.end()
          check(p.snapshot() ?? last)
        },
        passes,
        warmups
      )
    }
    case "partial-json": {
      const { Allow, parse } = await import("partial-json")
      return time(
        () => {
          let text = ""
          let last: unknown
          for (const piece of pieces) {
            text += piece
            try {
              last = parse(text, Allow.ALL & ~Allow.NUM)
            } catch {
              // not enough text yet
            }
          }
          check(last)
        },
        passes,
        warmups
      )
    }
    case "best-effort-json-parser": {
      const { parse } = await import("best-effort-json-parser")
      ;(parse as unknown as { onExtraToken?: unknown }).onExtraToken = () => undefined
      return time(
        () => {
          let text = ""
          let last: unknown
          for (const piece of pieces) {
            text += piece
            last = parse(text)
          }
          check(last)
        },
        passes,
        warmups
      )
    }
    case "streamparser-clone":
    case "streamparser-no-snapshot": {
      const { JSONParser } = await import("@streamparser/json")
      const clone = name === "streamparser-clone"
      return time(
        () => {
          const p = new JSONParser({ emitPartialValues: true, emitPartialTokens: false, keepStack: true })
          let root: unknown
          let final: unknown
          p.onValue = (info: { value: unknown; stack: ReadonlyArray<{ value: unknown }> }) => {
            if (info.stack.length === 0) final = info.value
            else if (root === undefined && info.stack[1] !== undefined) root = info.stack[1].value
          }
          let last: unknown
          for (const piece of pieces) {
            p.write(piece)
            if (clone && final === undefined && root !== undefined) last = structuredClone(root)
          }
          void last
          check(final)
        },
        passes,
        warmups
      )
    }
    case "json-parse": {
      return time(
        () => {
          let text = ""
          for (const piece of pieces) text += piece
          check(JSON.parse(text))
        },
        passes,
        warmups
      )
    }
  }
  throw new Error(`unknown parser case ${name}`)
}

/**
 * One round of the stream comparison, in one process: Chat.stream and Structured.stream alternate
 * so that drift hits both alike. Returns µs per chunk of each, as JSON.
 */
const streamRound = async (): Promise<string> => {
  const { Effect, Schema, Stream } = await import("effect")
  const { Chat, Structured, Testing } = await import("../src/index.js")
  const Answer = Schema.Struct({
    title: Schema.String,
    items: Schema.Array(Schema.Struct({
      id: Schema.String,
      name: Schema.String,
      price: Schema.Number,
      tags: Schema.Array(Schema.String),
      note: Schema.optional(Schema.String)
    }))
  })
  const { text } = makeAnswer(10_000)
  const value = Schema.decodeUnknownSync(Answer)(JSON.parse(text.replace(/"note":null,?/g, "").replace(/,}/g, "}")))
  const pieceSize = Math.ceil(text.length / 10_000)
  const rendered = Testing.jsonAnswer(Answer, value, { stream: true, pieceSize })
  // The body rendered once: the emulator only hands over strings, so the client's cost is what is measured.
  const reply = { ...rendered, body: Array.from(rendered.body) }
  const request = { model: "m", messages: [{ role: "user" as const, content: "list" }] }
  const layer = Testing.layerWithConfig(reply, { retry: false })
  const chunks = await Effect.runPromise(Stream.runCount(Chat.stream(request)).pipe(Effect.provide(layer)))
  const variants: Record<string, Effect.Effect<void, unknown, never>> = {
    "Chat.stream": Effect.provide(Stream.runDrain(Chat.stream(request)), layer),
    "Structured.stream": Effect.provide(Stream.runDrain(Structured.stream(Answer, request)), layer)
  }
  const samples: Record<string, Array<number>> = {}
  for (let batch = 0; batch < 10; batch++) {
    for (const [name, run] of Object.entries(variants)) {
      const start = performance.now()
      await Effect.runPromise(run)
      const us = ((performance.now() - start) / chunks) * 1000
      if (batch >= 2) (samples[name] ??= []).push(us)
    }
  }
  return JSON.stringify(Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)])))
}

/**
 * One round of the send comparison, in one process: the variants alternate in batches so that drift
 * hits them alike. Returns µs per call of each, as JSON.
 */
const sendRound = async (): Promise<string> => {
  const { Effect, Either, Schema } = await import("effect")
  const { Chat, Structured, Testing } = await import("../src/index.js")
  const Weather = Schema.Struct({
    city: Schema.String,
    country: Schema.optional(Schema.String),
    temperature_c: Schema.Number,
    conditions: Schema.optional(Schema.String),
    hourly: Schema.Array(Schema.Struct({
      hour: Schema.Int,
      temperature_c: Schema.Number,
      rain_mm: Schema.optional(Schema.Number)
    }))
  }).annotations({ identifier: "Weather" })
  const value: typeof Weather.Type = {
    city: "Paris",
    temperature_c: 18.5,
    conditions: "light rain",
    hourly: Array.from({ length: 24 }, (_, hour) => ({ hour, temperature_c: 12 + hour / 3, rain_mm: hour % 4 }))
  }
  const rendered = Testing.jsonAnswer(Weather, value)
  const reply = { ...rendered, body: Array.from(rendered.body) }
  const request = { model: "m", messages: [{ role: "user" as const, content: "weather" }] }
  const layer = Testing.layerWithConfig(reply, { retry: false })
  // The request a user would send by hand for the same answer: response_format written out.
  const format = Either.getOrThrow(Structured.responseFormat(Weather))
  const withFormat = { ...request, response_format: format }
  const decode = Schema.decodeUnknown(Weather)
  const content = JSON.stringify(Schema.encodeSync(Weather)(value))
  // By hand, the content is the Schema's own encoding (absent fields left out, no nulls).
  const plain = Testing.completion({ content })
  const plainLayer = Testing.layerWithConfig({ ...plain, body: Array.from(plain.body) }, { retry: false })
  const variants: Record<string, () => Promise<unknown>> = {
    "Chat.send, no response_format": () => Effect.runPromise(Effect.provide(Chat.send(request), layer)),
    "Chat.send": () => Effect.runPromise(Effect.provide(Chat.send(withFormat), layer)),
    "Chat.send + decode (by hand)": () =>
      Effect.runPromise(Effect.provide(
        Effect.flatMap(Chat.send(withFormat), (r) => decode(JSON.parse(String(r.choices[0]?.message?.content)))),
        plainLayer
      )),
    "Structured.send": () => Effect.runPromise(Effect.provide(Structured.send(Weather, request), layer)),
    "one decode": () => Promise.resolve(Effect.runSync(decode(JSON.parse(content))))
  }
  const CALLS = 100
  const samples: Record<string, Array<number>> = {}
  for (let batch = 0; batch < 24; batch++) {
    for (const [name, run] of Object.entries(variants)) {
      const start = performance.now()
      for (let i = 0; i < CALLS; i++) await run()
      const us = ((performance.now() - start) / CALLS) * 1000
      if (batch >= 2) (samples[name] ??= []).push(us)
    }
  }
  return JSON.stringify(Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)])))
}

// ---------------------------------------------------------------------------------------------
// The driver

const runChildText = (...args: Array<string>): string => {
  const out = execFileSync(process.execPath, ["--import", "tsx", self, "--case", ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 20
  })
  return out.trim().split("\n").pop()!
}

const runChild = (...args: Array<string>): number => Number(runChildText(...args))

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

const fmt = (x: number, digits = 1) => x.toFixed(digits)

const interleaved = (cases: ReadonlyArray<ReadonlyArray<string>>, rounds: number) => {
  const results = new Map<string, Array<number>>()
  for (let round = 0; round < rounds; round++) {
    const order = cases.map((_, i) => cases[(i + round) % cases.length]!)
    for (const args of order) {
      const key = args.join(" ")
      const value = runChild(...args)
      results.set(key, [...(results.get(key) ?? []), value])
      process.stderr.write(`  round ${round + 1}: ${key} ${fmt(value, 2)}\n`)
    }
  }
  return results
}

const runParsers = (rounds: number): void => {
  const parsers = [
    "hand",
    "partial-json",
    "best-effort-json-parser",
    "streamparser-clone",
    "streamparser-no-snapshot",
    "json-parse"
  ]
  console.log("1. Incremental JSON parsers: ms for the whole answer, a partial value after every chunk")
  // 10,000 chunks only for the linear candidates: the quadratic ones take minutes there.
  const linear = new Set(["hand", "streamparser-no-snapshot", "json-parse"])
  const parserResults = interleaved(
    parsers.flatMap((p) => [
      ["parser", p, "1000"],
      ["parser", p, "3000"],
      ...(linear.has(p) ? [["parser", p, "10000"]] : [])
    ]),
    rounds
  )
  console.log(
    `   ${"candidate".padEnd(26)} ${"1,000 chunks".padStart(13)} ${"3,000 chunks".padStart(13)} ${
      "10,000 chunks".padStart(14)
    }  3k/1k`
  )
  for (const p of parsers) {
    const at = (n: string) => {
      const xs = parserResults.get(`parser ${p} ${n}`)
      return xs === undefined ? undefined : median(xs)
    }
    const [a, b, c] = [at("1000")!, at("3000")!, at("10000")]
    console.log(
      `   ${p.padEnd(26)} ${fmt(a, 2).padStart(10)} ms ${fmt(b, 2).padStart(10)} ms ${
        (c === undefined ? "-" : `${fmt(c, 2)} ms`).padStart(14)
      }  ${fmt(b / a)}x`
    )
  }
}

const main = async () => {
  const argv = process.argv.slice(2)
  if (argv[0] === "--case") {
    const [kind, name, arg] = argv.slice(1)
    const value = kind === "parser"
      ? await parserCase(name!, Number(arg))
      : kind === "stream"
      ? await streamRound()
      : await sendRound()
    process.stdout.write(`${value}\n`)
    return
  }
  const roundsIndex = argv.indexOf("--rounds")
  const rounds = roundsIndex >= 0 ? Number(argv[roundsIndex + 1]) : 3
  const onlyIndex = argv.indexOf("--only")
  const only = new Set(onlyIndex >= 0 ? argv[onlyIndex + 1]!.split(",") : ["parsers", "stream", "send"])

  if (only.has("parsers")) runParsers(rounds)

  if (only.has("stream")) {
    console.log("\n2. Structured.stream vs Chat.stream, 10,000-chunk JSON answer, µs per chunk")
    const rounds2: Array<Record<string, number>> = []
    for (let round = 0; round < rounds; round++) {
      const result = JSON.parse(runChildText("stream", "round")) as Record<string, number>
      process.stderr.write(`  round ${round + 1}: stream ${JSON.stringify(result)}\n`)
      rounds2.push(result)
    }
    for (const name of Object.keys(rounds2[0]!)) {
      console.log(`   ${name.padEnd(20)} ${fmt(median(rounds2.map((r) => r[name]!)), 2)} µs/chunk`)
    }
    const ratios = rounds2.map((r) => r["Structured.stream"]! / r["Chat.stream"]!)
    console.log(
      `   ratio (median of per-round ratios) ${fmt(median(ratios), 2)}x  (rounds: ${
        ratios.map((r) => fmt(r, 2)).join(", ")
      })`
    )
  }

  if (!only.has("send")) return
  console.log("\n3. Structured.send vs Chat.send of the same request (response_format written out), µs per call")
  const rounds3: Array<Record<string, number>> = []
  for (let round = 0; round < rounds; round++) {
    const result = JSON.parse(runChildText("send", "round")) as Record<string, number>
    process.stderr.write(`  round ${round + 1}: send ${JSON.stringify(result)}\n`)
    rounds3.push(result)
  }
  for (const name of Object.keys(rounds3[0]!)) {
    console.log(`   ${name.padEnd(32)} ${fmt(median(rounds3.map((r) => r[name]!)), 1)} µs`)
  }
  // One decode as it costs inside a call (the by-hand variant minus Chat.send), and in a tight loop.
  const inCall = rounds3.map((r) =>
    (r["Structured.send"]! - r["Chat.send"]!) / (r["Chat.send + decode (by hand)"]! - r["Chat.send"]!)
  )
  const hot = rounds3.map((r) => (r["Structured.send"]! - r["Chat.send"]!) / r["one decode"]!)
  const byHand = rounds3.map((r) => r["Structured.send"]! / r["Chat.send + decode (by hand)"]!)
  const list = (xs: ReadonlyArray<number>) => xs.map((x) => fmt(x, 2)).join(", ")
  console.log(
    `   Structured.send / (Chat.send + decode by hand) = ${fmt(median(byHand), 2)} (per round: ${list(byHand)})`
  )
  console.log(
    `   Structured.send - Chat.send = ${fmt(median(inCall), 2)} decodes as a decode costs in a call (per round: ${
      list(inCall)
    }); ${fmt(median(hot), 2)} decodes of the tight loop (per round: ${list(hot)})`
  )
}

await main()
