import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import * as fc from "fast-check"
import { makeSseParser, type SseEvent } from "../src/internal/transport/sse.js"
import { sseEvents } from "../src/internal/transport/sseStream.js"

const utf8 = new TextEncoder()
const bytes = (s: string): Uint8Array => utf8.encode(s)

/** Feeds every read, then flushes; returns all events in order and the parser. */
const parse = (reads: ReadonlyArray<string | Uint8Array>) => {
  const parser = makeSseParser()
  const events: Array<SseEvent> = []
  for (const read of reads) events.push(...parser.feed(typeof read === "string" ? bytes(read) : read))
  events.push(...parser.flush())
  return { events, parser }
}

const events = (reads: ReadonlyArray<string | Uint8Array>): Array<SseEvent> => parse(reads).events

const ev = (data: string, event = "message", id: string | undefined = undefined): SseEvent => ({ event, data, id })

/** Splits `b` at the given byte offsets. */
const splitAt = (b: Uint8Array, points: ReadonlyArray<number>): Array<Uint8Array> => {
  const cuts = [...new Set(points.map((p) => Math.min(Math.max(p, 0), b.length)))].sort((x, y) => x - y)
  const out: Array<Uint8Array> = []
  let from = 0
  for (const cut of cuts) {
    out.push(b.subarray(from, cut))
    from = cut
  }
  out.push(b.subarray(from))
  return out
}

const everyByte = (b: Uint8Array): Array<Uint8Array> => Array.from(b, (_, i) => b.subarray(i, i + 1))

const concat = (reads: ReadonlyArray<Uint8Array>): Uint8Array => {
  const b = new Uint8Array(reads.reduce((n, r) => n + r.length, 0))
  reads.reduce((at, r) => (b.set(r, at), at + r.length), 0)
  return b
}

/** A plain reference implementation of the format (plus our flush) over the whole decoded text. */
const reference = (b: Uint8Array): { events: Array<SseEvent>; comments: number } => {
  const text = new TextDecoder().decode(b) // strips one leading BOM, replaces invalid bytes
  const lines = text.split(/\r\n|\r|\n/)
  const last = lines.pop()! // the unterminated rest ("" when the text ends with a line end)
  if (last !== "") lines.push(last)
  lines.push("") // flush: dispatch the pending event
  const out: Array<SseEvent> = []
  let data: Array<string> = []
  let type = ""
  let id: string | undefined = undefined
  let comments = 0
  for (const line of lines) {
    if (line === "") {
      if (data.length > 0) out.push(ev(data.join("\n"), type || "message", id))
      data = []
      type = ""
      continue
    }
    if (line.startsWith(":")) {
      comments++
      continue
    }
    const i = line.indexOf(":")
    const field = i === -1 ? line : line.slice(0, i)
    const value = i === -1 ? "" : line.slice(line[i + 1] === " " ? i + 2 : i + 1)
    if (field === "data") data.push(value)
    else if (field === "event") type = value
    else if (field === "id" && !value.includes("\u0000")) id = value
  }
  return { events: out, comments }
}

describe("line endings", () => {
  it("splits lines on LF", () => {
    expect(events(["data: a\n\ndata: b\n\n"])).toEqual([ev("a"), ev("b")])
  })

  it("splits lines on CR", () => {
    expect(events(["data: a\r\rdata: b\r\r"])).toEqual([ev("a"), ev("b")])
  })

  it("splits lines on CRLF", () => {
    expect(events(["data: a\r\n\r\ndata: b\r\n\r\n"])).toEqual([ev("a"), ev("b")])
  })

  it("accepts LF, CR and CRLF mixed in one stream", () => {
    expect(events(["data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r"])).toEqual([ev("a\nb\nc"), ev("d")])
  })

  it("counts a CRLF split across two reads as one line end", () => {
    const { events: evs } = parse(["data: a\r", "\ndata: b\r", "\n\r", "\n"])
    expect(evs).toEqual([ev("a\nb")])
  })

  // A large read is parsed in blocks of about 16 KiB that end at a line terminator (feed's BLOCK).
  it("parses a large read in blocks without changing its events, a CRLF across a block boundary included", () => {
    const terminators = ["\n", "\r", "\r\n"]
    let body = ""
    for (let i = 0; body.length < 200_000; i++) {
      const end = terminators[i % 3]!
      body += `data: {"i":${i},"t":"caf\u00e9 \u65e5\u672c \ud83d\ude00 ${"x".repeat(i % 97)}"}${end}${end}`
    }
    const whole = bytes(body)
    const expected = events(splitAt(whole, Array.from({ length: Math.ceil(whole.length / 100) }, (_, k) => k * 100)))
    expect(expected.length).toBeGreaterThan(1000)
    for (const size of [16383, 16384, 16385, 65536, whole.length]) {
      const reads = splitAt(whole, Array.from({ length: Math.ceil(whole.length / size) }, (_, k) => k * size))
      expect(events(reads)).toEqual(expected)
    }
    // a CR as the last byte of a block and its LF the first of the next: one line end
    const prefix = `data: ${"a".repeat(16384 - "data: ".length - 1)}\r`
    expect(bytes(prefix).length).toBe(16384)
    expect(events([`${prefix}\ndata: b\r\n\r\ndata: c\n\n`.repeat(2)])).toEqual([
      ev(`${"a".repeat(16384 - "data: ".length - 1)}\nb`),
      ev("c"),
      ev(`${"a".repeat(16384 - "data: ".length - 1)}\nb`),
      ev("c")
    ])
  })

  it("treats a CR at the end of a read followed by a non-LF as a line end", () => {
    expect(events(["data: a\r", "\r", "data: b\n\n"])).toEqual([ev("a"), ev("b")])
  })

  it("dispatches an event from the read that completes it, not later", () => {
    const parser = makeSseParser()
    expect(parser.feed(bytes("data: a\n"))).toEqual([])
    expect(parser.feed(bytes("\r"))).toEqual([ev("a")])
    expect(parser.feed(bytes("\n"))).toEqual([])
    expect(parser.flush()).toEqual([])
  })
})

describe("comments", () => {
  it("skips comment lines", () => {
    expect(events([": OPENROUTER PROCESSING\n\ndata: a\n: inside\n\n:\n\n"])).toEqual([ev("a")])
  })

  it("counts comment lines", () => {
    const { parser } = parse([": OPENROUTER PROCESSING\n\n", ": OPENROUTER", " PROCESSING\r\n\r\n", ":\rdata: x\n\n"])
    expect(parser.comments()).toBe(3)
  })

  it("does not dispatch a block of comments only", () => {
    expect(events([": one\n: two\n\n", ": three\n\n"])).toEqual([])
  })
})

describe("fields", () => {
  it("joins several data lines of one event with LF", () => {
    expect(events(["data: a\ndata: b\ndata: c\n\n"])).toEqual([ev("a\nb\nc")])
  })

  it("removes a single space after the colon", () => {
    expect(events(["data:  two spaces\n\n"])).toEqual([ev(" two spaces")])
  })

  it("takes the value as is when no space follows the colon", () => {
    expect(events(["data:x\n\n"])).toEqual([ev("x")])
  })

  it("treats a line without colon as a field with an empty value", () => {
    expect(events(["data\ndata\n\n"])).toEqual([ev("\n")])
  })

  it("dispatches an event whose data lines are empty", () => {
    expect(events(["data:\n\ndata: \ndata:\n\n"])).toEqual([ev(""), ev("\n")])
  })

  it("sets the event type from the event field and resets it after the event", () => {
    expect(events(["event: delta\ndata: a\n\ndata: b\n\n"])).toEqual([ev("a", "delta"), ev("b")])
  })

  it("uses message as event type when the event field is empty", () => {
    expect(events(["event:\ndata: a\n\n"])).toEqual([ev("a")])
  })

  it("resets the event type after a block without data", () => {
    expect(events(["event: lost\n\ndata: a\n\n"])).toEqual([ev("a")])
  })

  it("keeps the last event id for later events, as the format says", () => {
    expect(events(["id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n"])).toEqual([
      ev("a", "message", "1"),
      ev("b", "message", "1"),
      ev("c", "message", "")
    ])
  })

  it("takes an id from a block without data", () => {
    expect(events(["id: 7\n\ndata: a\n\n"])).toEqual([ev("a", "message", "7")])
  })

  it("ignores an id containing NUL", () => {
    expect(events(["id: 1\ndata: a\n\nid: 2\u00003\ndata: b\n\n"])).toEqual([
      ev("a", "message", "1"),
      ev("b", "message", "1")
    ])
  })

  it("sets the reconnection time from a retry field of digits", () => {
    const { events: evs, parser } = parse(["retry: 2500\n\n"])
    expect([evs, parser.retry()]).toEqual([[], 2500])
  })

  it("ignores a retry field that is not only digits", () => {
    const { parser } = parse(["retry: 100\n", "retry: 1e3\nretry: -5\nretry: 12 \nretry:\nretry: 3.5\n\n"])
    expect(parser.retry()).toBe(100)
  })

  it("ignores unknown fields", () => {
    expect(events(["foo: bar\nDATA: no\ndata: a\nbaz\n\n"])).toEqual([ev("a")])
  })

  it("keeps colons inside the value", () => {
    expect(events(["data: a: b:c\n\n"])).toEqual([ev("a: b:c")])
  })
})

describe("byte order mark", () => {
  it("strips a UTF-8 BOM at the very start", () => {
    expect(events(["\uFEFFdata: a\n\n"])).toEqual([ev("a")])
  })

  it("strips a UTF-8 BOM split across reads", () => {
    const b = bytes("\uFEFFdata: a\n\n")
    expect(events([b.subarray(0, 1), b.subarray(1, 2), b.subarray(2)])).toEqual([ev("a")])
  })

  it("strips only one BOM, only at the very start", () => {
    // A second BOM makes the first line's field name "\uFEFFdata": unknown, ignored.
    expect(events(["\uFEFF\uFEFFdata: a\n\ndata: \uFEFFb\n\n\uFEFFdata: c\n\n"])).toEqual([ev("\uFEFFb")])
  })
})

describe("UTF-8 split between reads", () => {
  for (const ch of ["é", "€", "😀"]) {
    it(`decodes ${ch} split at every byte boundary`, () => {
      const b = bytes(`data: a${ch}b\n\n`)
      const charAt = 7
      for (let cut = charAt + 1; cut < charAt + utf8.encode(ch).length; cut++) {
        expect(events(splitAt(b, [cut]))).toEqual([ev(`a${ch}b`)])
      }
    })
  }

  it("replaces invalid UTF-8 with U+FFFD exactly as a whole-stream decode would", () => {
    const b = new Uint8Array([...bytes("data: a"), 0xe2, 0x82, ...bytes("\ndata: "), 0xff, ...bytes("\n\n")])
    expect(events(everyByte(b))).toEqual([ev("a\uFFFD\n\uFFFD")])
  })

  it("decodes large non-ASCII blocks with invalid bytes like a whole-stream decode", () => {
    const big = (tail: Array<number>) =>
      new Uint8Array([...bytes(`data: ${"€".repeat(1000)}`), ...tail, ...bytes("\n")])
    const reads = [bytes("data: é\n"), big([0xe2, 0x82]), big([0xff, 0x41]), big([0xf0, 0x9f]), bytes("\n")]
    const expected = reference(concat(reads)).events
    expect([expected.length, expected[0]!.data.includes("\uFFFDA")]).toEqual([1, true])
    expect(events(reads)).toEqual(expected)
  })
})

describe("end of input", () => {
  it("dispatches a final event without its blank line on flush", () => {
    expect(events(["data: a\n\ndata: [DONE]\n"])).toEqual([ev("a"), ev("[DONE]")])
  })

  it("dispatches a final line without any line end on flush", () => {
    expect(events(["data: a\n\ndata: [DO", "NE]"])).toEqual([ev("a"), ev("[DONE]")])
  })

  it("does not dispatch a final block without data on flush", () => {
    expect(events(["data: a\n\nevent: x\nid: 3\n: bye"])).toEqual([ev("a")])
  })

  it("returns nothing on flush when the last event was complete", () => {
    const parser = makeSseParser()
    parser.feed(bytes("data: a\n\n"))
    expect(parser.flush()).toEqual([])
  })
})

describe("large events", () => {
  it("parses a 1 MB event arriving in 7-byte pieces", () => {
    const big = "x".repeat(1024 * 1024)
    const b = bytes(`data: ${big}\n\ndata: after\n\n`)
    const reads: Array<Uint8Array> = []
    for (let i = 0; i < b.length; i += 7) reads.push(b.subarray(i, i + 7))
    const evs = events(reads)
    expect(evs.length).toBe(2)
    expect(evs[0]!.data === big && evs[1]!.data === "after").toBe(true)
  })
})

// ---------------------------------------------------------------------------------------------
// Property: any split of the bytes gives the same events as one read, equal to the originals.

type Line = { readonly text: string; readonly eol: "\n" | "\r" | "\r\n" }
interface Spec {
  readonly event: string | undefined
  readonly id: string | undefined
  readonly data: ReadonlyArray<string> // zero lines: a block that must not be dispatched
}

const noEol = (s: string) => !s.includes("\n") && !s.includes("\r")
const anyText = fc.string({ unit: "binary", maxLength: 12 }).filter(noEol)
const eolArb = fc.constantFrom<Line["eol"]>("\n", "\r", "\r\n")
const specArb: fc.Arbitrary<Spec> = fc.record({
  event: fc.option(anyText, { nil: undefined }),
  id: fc.option(anyText, { nil: undefined }), // may hold NUL: then it must be ignored
  data: fc.array(anyText, { minLength: 0, maxLength: 3 })
})
const fieldLine = (name: string, value: string, style: number): string =>
  value === "" && style === 2 ? name : style === 0 || value.startsWith(" ") ? `${name}: ${value}` : `${name}:${value}`

const streamArb = fc.record({
  bom: fc.boolean(),
  specs: fc.array(
    fc.record({
      spec: specArb,
      comment: fc.option(anyText, { nil: undefined }),
      styles: fc.array(fc.nat(2), { minLength: 6, maxLength: 6 })
    }),
    { maxLength: 8 }
  ),
  eols: fc.array(eolArb, { minLength: 64, maxLength: 64 }),
  ending: fc.constantFrom("blank", "eol", "none"),
  splits: fc.array(fc.nat(), { maxLength: 12 })
})

type StreamCase = typeof streamArb extends fc.Arbitrary<infer T> ? T : never

const serialize = (s: StreamCase) => {
  const lines: Array<string> = []
  const expected: Array<SseEvent> = []
  let lastId: string | undefined = undefined
  s.specs.forEach(({ comment, spec, styles }) => {
    if (comment !== undefined) lines.push(`:${comment}`)
    if (spec.event !== undefined) lines.push(fieldLine("event", spec.event, styles[0]!))
    spec.data.forEach((d, i) => lines.push(fieldLine("data", d, styles[(i + 1) % 6]!)))
    if (spec.id !== undefined) {
      lines.push(fieldLine("id", spec.id, styles[5]!))
      if (!spec.id.includes("\u0000")) lastId = spec.id
    }
    lines.push("")
    if (spec.data.length > 0) expected.push(ev(spec.data.join("\n"), spec.event || "message", lastId))
  })
  if (s.ending !== "blank" && lines.length > 0) lines.pop() // drop the final blank line
  let text = s.bom ? "\uFEFF" : ""
  lines.forEach((line, i) => {
    let eol: string = s.eols[i % s.eols.length]!
    // "X\r" + "" + "\n" would read as one CRLF: the blank line must not vanish.
    if (line === "" && eol === "\n" && text.endsWith("\r")) eol = "\r\n"
    if (s.ending === "none" && i === lines.length - 1) eol = ""
    text += line + eol
  })
  return { bytes: bytes(text), expected }
}

describe("property", () => {
  it("yields the original events for any split of the byte stream into reads", () => {
    fc.assert(
      fc.property(streamArb, (s) => {
        const { bytes: b, expected } = serialize(s)
        const whole = events([b])
        expect(whole).toEqual(expected)
        expect(events(splitAt(b, s.splits.map((p) => p % (b.length + 1))))).toEqual(whole)
        expect(events(everyByte(b))).toEqual(whole)
      }),
      { numRuns: 1000 }
    )
  })
})

// ---------------------------------------------------------------------------------------------
// Property: arbitrary bytes (invalid UTF-8, stray CR/LF/colons/BOMs, big non-ASCII blocks) agree
// with the reference implementation above.

const fragmentArb = fc.oneof(
  fc.constantFrom(
    "data",
    "data:",
    "data: ",
    "event:",
    "id:",
    "retry:",
    ":",
    " ",
    "x",
    "é",
    "€",
    "😀",
    "\u0000",
    "\uFEFF"
  )
    .map(bytes),
  fc.constantFrom("\n", "\r", "\r\n", "\n\n", "\r\r").map(bytes),
  fc.constant(bytes("€".repeat(800))), // a block over the size where non-ASCII decoding switches
  fc.uint8Array({ minLength: 1, maxLength: 4 }) // raw bytes: invalid and truncated sequences
)

describe("property against a reference", () => {
  it("agrees with the reference on arbitrary bytes, however they are split", () => {
    fc.assert(
      fc.property(fc.array(fragmentArb, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 4 }), (frags, splits) => {
        const b = concat(frags)
        const expected = reference(b)
        const whole = parse([b])
        expect(whole.events).toEqual(expected.events)
        expect(whole.parser.comments()).toBe(expected.comments)
        expect(events(splitAt(b, splits.map((p) => p % (b.length + 1))))).toEqual(expected.events)
      }),
      { numRuns: 1000 }
    )
  })
})

describe("sseEvents", () => {
  it.effect("turns a stream of reads into the events, including the final one", () =>
    Effect.gen(function*() {
      const reads = ["\uFEFFdata: a\r", "\n\r\n: keep-alive\n\nevent: e\ndata: \u20ac"].flatMap((s) => {
        const b = bytes(s)
        return [b.subarray(0, 9), b.subarray(9)]
      })
      reads.push(bytes("\n\ndata: [DONE]"))
      const out = yield* Stream.runCollect(sseEvents(Stream.fromIterable(reads)))
      expect(Chunk.toArray(out)).toEqual([ev("a"), ev("\u20ac", "e"), ev("[DONE]")])
    }))

  it.effect("uses a fresh parser for each run of the stream", () =>
    Effect.gen(function*() {
      // A shared parser would carry the last event id "1" into the second run's first event.
      const stream = sseEvents(Stream.fromIterable([bytes("data: a\n\nid: 1\ndata: b")]))
      const first = yield* Stream.runCollect(stream)
      const second = yield* Stream.runCollect(stream)
      expect([Chunk.toArray(first), Chunk.toArray(second)]).toEqual([[ev("a"), ev("b", "message", "1")], [
        ev("a"),
        ev("b", "message", "1")
      ]])
    }))

  it.effect("fails with the stream's error without emitting the pending event", () =>
    Effect.gen(function*() {
      const stream = sseEvents(Stream.concat(Stream.make(bytes("data: a\n\ndata: b")), Stream.fail("cut" as const)))
      const seen: Array<SseEvent> = []
      const result = yield* Stream.runForEach(stream, (e) => Effect.sync(() => seen.push(e))).pipe(Effect.flip)
      expect([result, seen]).toEqual(["cut", [ev("a")]])
    }))
})
