/**
 * Incremental parser for `text/event-stream` bodies (WHATWG HTML, "Server-sent events",
 * section "Parsing an event stream"), fed with raw network reads.
 *
 * How it works, and why (numbers in `bench/sse-parse.ts`):
 * - Bytes are only scanned backwards from the end of each read for its last CR/LF, which
 *   is near the end; everything before it is complete lines, decoded in blocks of about
 *   16 KiB that end at a line terminator (one `TextDecoder.decode` call each; one string per
 *   large read was 4x slower to parse). A line terminator is ASCII, so it never falls inside
 *   a multi-byte character: a block never splits a character, and decoding per block equals
 *   decoding the whole stream, invalid bytes included.
 * - The bytes after the last terminator (an unfinished line) wait in a growable buffer, so a
 *   huge line arriving in tiny reads costs amortised O(1) per byte: no rescans, no re-joins.
 * - Lines are then found with native `String#indexOf`; a CR at the very end of a block is
 *   remembered so that a CRLF split across two reads counts as one line end.
 *
 * Deliberate difference from browsers: `flush` dispatches the event pending at end of
 * input (OpenRouter may send `data: [DONE]` without the final blank line).
 *
 * @since 0.1.0
 */

/**
 * One dispatched server-sent event.
 *
 * `id` is the stream's last event ID as the format defines it: the value of the latest
 * `id` field seen so far (it carries over to later events), `undefined` before any.
 *
 * @since 0.1.0
 * @category models
 */
export interface SseEvent {
  /** The `event` field, `"message"` when absent or empty. */
  readonly event: string
  /** The `data` lines of the event joined with `"\n"`. */
  readonly data: string
  /** The last event ID (see above). */
  readonly id: string | undefined
}

/**
 * A stateful, incremental SSE parser. One instance per HTTP body.
 *
 * @since 0.1.0
 * @category models
 */
export interface SseParser {
  /** Feed one network read; returns the events completed by it (may be a shared empty array: never mutate it). */
  readonly feed: (chunk: Uint8Array) => ReadonlyArray<SseEvent>
  /** End of input: returns the pending event, if it has data. */
  readonly flush: () => ReadonlyArray<SseEvent>
  /** Count of comment lines seen so far (keep-alives), for diagnostics; do not allocate per comment. */
  readonly comments: () => number
  /** The reconnection time (ms) from the latest valid `retry` field, `undefined` before any. */
  readonly retry: () => number | undefined
}

const STREAM = { stream: true } as const
const EMPTY: ReadonlyArray<SseEvent> = Object.freeze([])

const LF = 10
const CR = 13
/** The size of the blocks a read is decoded and parsed in (see `feed`). */
const BLOCK = 16384
const COLON = 58
const SPACE = 32
const BOM = 0xfeff

/** `retry` accepts ASCII digits only (an empty value is ignored, like every browser does). */
const isDigits = (s: string): boolean => {
  const n = s.length
  if (n === 0) return false
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

/**
 * Creates a fresh parser (state: pending bytes, pending event, last event ID).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeSseParser = (): SseParser => new Parser()

/**
 * The parser's state and steps. A class, not closures made per parser: every stream makes a parser,
 * and V8's optimized code for a closure inlines the closures it calls, which belong to the first
 * parser; the second and third streams then deoptimized `feed` and its block loop ("wrong call
 * target") and a fresh process needed several more streams to reach full speed (measured in
 * effect4/bench/warm-probe.mjs: stream 4 of a fresh process took 2x the floor's time, and 1.1x with
 * this class). Methods on one prototype are the same functions for every parser.
 *
 * For the same reason, the steps a stream takes once (the BOM check of its first block, the decoder
 * choice of its first large block) run for every block, without a branch of their own: a function's
 * first calls run before V8 gathers feedback for it, so the first parser's once-only branches left none,
 * and the second stream's first block deoptimized the optimized `feed` ("insufficient type feedback",
 * `node --trace-deopt`), which ran unoptimized until a new compilation finished, in the third or fourth stream
 * (bench/micro/effect4-stream-floor.md).
 */
class Parser implements SseParser {
  // ignoreBOM: the BOM is stripped by hand, only at the very start of the stream; the
  // decoder would otherwise strip one at the start of every block.
  private readonly decoder = new TextDecoder("utf-8", { ignoreBOM: true })
  // Node's non-streaming decode is ~9x faster than streaming mode for ASCII, but ~1.7x slower
  // for large non-ASCII blocks; a block ends with a line terminator, so a streaming-mode decoder
  // holds no partial character after it and gives the same text. Choose by the last block.
  private readonly nonAsciiDecoder = new TextDecoder("utf-8", { ignoreBOM: true })
  private lastBlockAscii = true

  // Unfinished line (bytes after the last line terminator seen).
  private pending = new Uint8Array(0)
  private pendingLength = 0

  // Line-level state.
  private atStart = true // nothing decoded yet: a leading BOM is still to be stripped
  private skipLF = false // the previous block ended with CR: a leading LF completes that CRLF

  // Event-level state (the spec's buffers).
  private data = ""
  private dataLines = 0
  private eventType = ""
  private lastEventId: string | undefined = undefined
  private retryMs: number | undefined = undefined
  private commentCount = 0

  // Events completed by the current feed; allocated only when there is one.
  private out: Array<SseEvent> | undefined = undefined

  private decodeBlock(bytes: Uint8Array): string {
    // A short block (the end of a line begun in the previous read) neither chooses nor updates the
    // choice: an ASCII line end would otherwise send the next large non-ASCII block the slow way.
    const short = bytes.length < 2048
    const ascii = short || this.lastBlockAscii
    // One call for both decoders, whichever the block takes (see the class).
    const text = (ascii ? this.decoder : this.nonAsciiDecoder).decode(bytes, ascii ? undefined : STREAM)
    if (!short) this.lastBlockAscii = text.length === bytes.length // UTF-8: equal lengths only for ASCII
    return text
  }

  private dispatch(): void {
    if (this.dataLines > 0) {
      const event: SseEvent = {
        event: this.eventType === "" ? "message" : this.eventType,
        data: this.data,
        id: this.lastEventId
      }
      if (this.out === undefined) this.out = [event]
      else this.out.push(event)
      this.data = ""
      this.dataLines = 0
    }
    this.eventType = ""
  }

  private appendData(value: string): void {
    this.data = this.dataLines === 0 ? value : this.data + "\n" + value
    this.dataLines++
  }

  // Rare fields (and `data` lines the hot path does not catch).
  private processField(field: string, value: string): void {
    switch (field) {
      case "data":
        this.appendData(value)
        return
      case "event":
        this.eventType = value
        return
      case "id":
        if (value.indexOf("\u0000") === -1) this.lastEventId = value
        return
      case "retry":
        if (isDigits(value)) this.retryMs = parseInt(value, 10)
        return
      default:
        return // unknown fields are ignored
    }
  }

  /** Processes `s[start, end)`, one line without its terminator. */
  private processLine(s: string, start: number, end: number): void {
    if (start === end) {
      this.dispatch()
      return
    }
    const c0 = s.charCodeAt(start)
    if (c0 === COLON) {
      this.commentCount++
      return
    }
    // Hot path: "data:" (OpenRouter sends nothing else).
    if (
      c0 === 100 && end - start >= 5 && s.charCodeAt(start + 1) === 97 && s.charCodeAt(start + 2) === 116 &&
      s.charCodeAt(start + 3) === 97 && s.charCodeAt(start + 4) === COLON
    ) {
      const from = start + 5 < end && s.charCodeAt(start + 5) === SPACE ? start + 6 : start + 5
      this.appendData(s.slice(from, end))
      return
    }
    // Bounded to the line: indexOf could run far past it, for every colon-less line.
    let colon = start + 1
    while (colon < end && s.charCodeAt(colon) !== COLON) colon++
    if (colon === end) {
      this.processField(s.slice(start, end), "")
    } else {
      const from = colon + 1 < end && s.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1
      this.processField(s.slice(start, colon), s.slice(from, end))
    }
  }

  /** Parses a decoded block that ends with a line terminator (so it holds whole lines only). */
  private processBlock(s: string): void {
    const n = s.length
    // A leading BOM is stripped at the very start of the stream only; every step runs for every block (see the class).
    const first = n > 0 ? s.charCodeAt(0) : -1
    let pos = first === BOM && this.atStart ? 1 : 0
    this.atStart = false
    if (this.skipLF) {
      this.skipLF = false
      if (pos < n && s.charCodeAt(pos) === LF) pos++
    }
    // Next CR and LF at or after `pos` (-1: none left); each is searched again only once passed.
    let cr = s.indexOf("\r", pos)
    let lf = s.indexOf("\n", pos)
    if (cr === -1) {
      // LF line ends only (what OpenRouter sends). The blank line and the `data: ` line are handled
      // here rather than in `processLine`: measured in a running stream (effect4/bench/overhead.mjs),
      // the call per line cost 1.16x of the whole stream's CPU time, though a parser-only loop hides it.
      while (lf !== -1) {
        if (lf === pos) this.dispatch()
        else if (s.startsWith("data: ", pos)) this.appendData(s.slice(pos + 6, lf))
        else this.processLine(s, pos, lf)
        pos = lf + 1
        lf = s.indexOf("\n", pos)
      }
      return
    }
    while (pos < n) {
      if (lf !== -1 && (cr === -1 || lf < cr)) {
        this.processLine(s, pos, lf)
        pos = lf + 1
        lf = s.indexOf("\n", pos)
      } else if (cr !== -1) {
        this.processLine(s, pos, cr)
        pos = cr + 1
        if (pos === n) {
          this.skipLF = true
        } else if (lf === pos) {
          pos++
          lf = s.indexOf("\n", pos)
        }
        cr = s.indexOf("\r", pos)
      } else {
        break // unreachable: a block ends with a terminator
      }
    }
  }

  private appendPendingBytes(bytes: Uint8Array, from: number, to: number): void {
    const len = to - from
    if (len <= 0) return
    const need = this.pendingLength + len
    if (need > this.pending.length) {
      const grown = new Uint8Array(Math.max(need, this.pending.length * 2, 256))
      grown.set(this.pending.subarray(0, this.pendingLength))
      this.pending = grown
    }
    this.pending.set(from === 0 && to === bytes.length ? bytes : bytes.subarray(from, to), this.pendingLength)
    this.pendingLength = need
  }

  private takeEvents(): ReadonlyArray<SseEvent> {
    const events = this.out
    this.out = undefined
    return events ?? EMPTY
  }

  feed(chunk: Uint8Array): ReadonlyArray<SseEvent> {
    const n = chunk.length
    // The last terminator is usually a few hundred bytes from the end: scan backwards.
    let last = n - 1
    while (last >= 0) {
      const b = chunk[last]
      if (b === LF || b === CR) break
      last--
    }
    if (last === -1) {
      this.appendPendingBytes(chunk, 0, n)
      return EMPTY
    }
    let from = 0
    if (this.pendingLength > 0) {
      // The unfinished line ends at this read's first terminator: only that much joins the pending bytes.
      let first = 0
      while (chunk[first] !== LF && chunk[first] !== CR) first++
      this.appendPendingBytes(chunk, 0, first + 1)
      this.processBlock(this.decodeBlock(this.pending.subarray(0, this.pendingLength)))
      this.pendingLength = 0
      from = first + 1
    }
    // The rest in blocks of about BLOCK bytes, each ending with a line terminator (a longer line is one
    // block). One long string costs about 4x more per byte to scan and slice than several short ones:
    // with 64 KiB reads (undici's, on a stream written at once) the whole parse took 4x the time of
    // 16 KiB reads, and in these blocks it takes the same (bench/sse-parse.ts, its "64KB" inputs).
    while (from <= last) {
      let end = Math.min(last + 1, from + BLOCK)
      while (end <= last && chunk[end - 1] !== LF && chunk[end - 1] !== CR) end++
      this.processBlock(this.decodeBlock(from === 0 && end === n ? chunk : chunk.subarray(from, end)))
      from = end
    }
    if (this.pending.length > 65536) this.pending = new Uint8Array(0) // release what a huge line left behind
    this.appendPendingBytes(chunk, last + 1, n)
    return this.takeEvents()
  }

  flush(): ReadonlyArray<SseEvent> {
    if (this.pendingLength > 0) {
      let s = this.decoder.decode(this.pending.subarray(0, this.pendingLength))
      this.pendingLength = 0
      if (this.atStart) {
        this.atStart = false
        if (s.charCodeAt(0) === BOM) s = s.slice(1)
      }
      this.skipLF = false
      if (s.length > 0) this.processLine(s, 0, s.length)
    }
    this.skipLF = false
    this.dispatch()
    this.pending = new Uint8Array(0)
    return this.takeEvents()
  }

  comments(): number {
    return this.commentCount
  }

  retry(): number | undefined {
    return this.retryMs
  }
}
