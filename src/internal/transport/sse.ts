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
export const makeSseParser = (): SseParser => {
  // ignoreBOM: the BOM is stripped by hand, only at the very start of the stream; the
  // decoder would otherwise strip one at the start of every block.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true })
  // Node's non-streaming decode is ~9x faster than streaming mode for ASCII, but ~1.7x slower
  // for large non-ASCII blocks; a block ends with a line terminator, so a streaming-mode decoder
  // holds no partial character after it and gives the same text. Choose by the last block.
  const nonAsciiDecoder = new TextDecoder("utf-8", { ignoreBOM: true })
  let lastBlockAscii = true
  const decodeBlock = (bytes: Uint8Array): string => {
    // A short block (the end of a line begun in the previous read) neither chooses nor updates the
    // choice: an ASCII line end would otherwise send the next large non-ASCII block the slow way.
    if (bytes.length < 2048) return decoder.decode(bytes)
    const text = lastBlockAscii ? decoder.decode(bytes) : nonAsciiDecoder.decode(bytes, STREAM)
    lastBlockAscii = text.length === bytes.length // UTF-8: equal lengths only for ASCII
    return text
  }

  // Unfinished line (bytes after the last line terminator seen).
  let pending = new Uint8Array(0)
  let pendingLength = 0

  // Line-level state.
  let atStart = true // nothing decoded yet: a leading BOM is still to be stripped
  let skipLF = false // the previous block ended with CR: a leading LF completes that CRLF

  // Event-level state (the spec's buffers).
  let data = ""
  let dataLines = 0
  let eventType = ""
  let lastEventId: string | undefined = undefined
  let retryMs: number | undefined = undefined
  let commentCount = 0

  // Events completed by the current feed; allocated only when there is one.
  let out: Array<SseEvent> | undefined = undefined

  const dispatch = (): void => {
    if (dataLines > 0) {
      const event: SseEvent = { event: eventType === "" ? "message" : eventType, data, id: lastEventId }
      if (out === undefined) out = [event]
      else out.push(event)
      data = ""
      dataLines = 0
    }
    eventType = ""
  }

  const appendData = (value: string): void => {
    data = dataLines === 0 ? value : data + "\n" + value
    dataLines++
  }

  // Rare fields (and `data` lines the hot path does not catch).
  const processField = (field: string, value: string): void => {
    switch (field) {
      case "data":
        appendData(value)
        return
      case "event":
        eventType = value
        return
      case "id":
        if (value.indexOf("\u0000") === -1) lastEventId = value
        return
      case "retry":
        if (isDigits(value)) retryMs = parseInt(value, 10)
        return
      default:
        return // unknown fields are ignored
    }
  }

  /** Processes `s[start, end)`, one line without its terminator. */
  const processLine = (s: string, start: number, end: number): void => {
    if (start === end) {
      dispatch()
      return
    }
    const c0 = s.charCodeAt(start)
    if (c0 === COLON) {
      commentCount++
      return
    }
    // Hot path: "data:" (OpenRouter sends nothing else).
    if (
      c0 === 100 && end - start >= 5 && s.charCodeAt(start + 1) === 97 && s.charCodeAt(start + 2) === 116 &&
      s.charCodeAt(start + 3) === 97 && s.charCodeAt(start + 4) === COLON
    ) {
      const from = start + 5 < end && s.charCodeAt(start + 5) === SPACE ? start + 6 : start + 5
      appendData(s.slice(from, end))
      return
    }
    // Bounded to the line: indexOf could run far past it, for every colon-less line.
    let colon = start + 1
    while (colon < end && s.charCodeAt(colon) !== COLON) colon++
    if (colon === end) {
      processField(s.slice(start, end), "")
    } else {
      const from = colon + 1 < end && s.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1
      processField(s.slice(start, colon), s.slice(from, end))
    }
  }

  /** Parses a decoded block that ends with a line terminator (so it holds whole lines only). */
  const processBlock = (s: string): void => {
    const n = s.length
    let pos = 0
    if (atStart) {
      atStart = false
      if (n > 0 && s.charCodeAt(0) === BOM) pos = 1
    }
    if (skipLF) {
      skipLF = false
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
        if (lf === pos) dispatch()
        else if (s.startsWith("data: ", pos)) appendData(s.slice(pos + 6, lf))
        else processLine(s, pos, lf)
        pos = lf + 1
        lf = s.indexOf("\n", pos)
      }
      return
    }
    while (pos < n) {
      if (lf !== -1 && (cr === -1 || lf < cr)) {
        processLine(s, pos, lf)
        pos = lf + 1
        lf = s.indexOf("\n", pos)
      } else if (cr !== -1) {
        processLine(s, pos, cr)
        pos = cr + 1
        if (pos === n) {
          skipLF = true
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

  const appendPendingBytes = (bytes: Uint8Array, from: number, to: number): void => {
    const len = to - from
    if (len <= 0) return
    const need = pendingLength + len
    if (need > pending.length) {
      const grown = new Uint8Array(Math.max(need, pending.length * 2, 256))
      grown.set(pending.subarray(0, pendingLength))
      pending = grown
    }
    pending.set(from === 0 && to === bytes.length ? bytes : bytes.subarray(from, to), pendingLength)
    pendingLength = need
  }

  const takeEvents = (): ReadonlyArray<SseEvent> => {
    const events = out
    out = undefined
    return events ?? EMPTY
  }

  const feed = (chunk: Uint8Array): ReadonlyArray<SseEvent> => {
    const n = chunk.length
    // The last terminator is usually a few hundred bytes from the end: scan backwards.
    let last = n - 1
    while (last >= 0) {
      const b = chunk[last]
      if (b === LF || b === CR) break
      last--
    }
    if (last === -1) {
      appendPendingBytes(chunk, 0, n)
      return EMPTY
    }
    let from = 0
    if (pendingLength > 0) {
      // The unfinished line ends at this read's first terminator: only that much joins the pending bytes.
      let first = 0
      while (chunk[first] !== LF && chunk[first] !== CR) first++
      appendPendingBytes(chunk, 0, first + 1)
      processBlock(decodeBlock(pending.subarray(0, pendingLength)))
      pendingLength = 0
      from = first + 1
    }
    // The rest in blocks of about BLOCK bytes, each ending with a line terminator (a longer line is one
    // block). One long string costs about 4x more per byte to scan and slice than several short ones:
    // with 64 KiB reads (undici's, on a stream written at once) the whole parse took 4x the time of
    // 16 KiB reads, and in these blocks it takes the same (bench/sse-parse.ts, its "64KB" inputs).
    while (from <= last) {
      let end = Math.min(last + 1, from + BLOCK)
      while (end <= last && chunk[end - 1] !== LF && chunk[end - 1] !== CR) end++
      processBlock(decodeBlock(from === 0 && end === n ? chunk : chunk.subarray(from, end)))
      from = end
    }
    if (pending.length > 65536) pending = new Uint8Array(0) // release what a huge line left behind
    appendPendingBytes(chunk, last + 1, n)
    return takeEvents()
  }

  const flush = (): ReadonlyArray<SseEvent> => {
    if (pendingLength > 0) {
      let s = decoder.decode(pending.subarray(0, pendingLength))
      pendingLength = 0
      if (atStart) {
        atStart = false
        if (s.charCodeAt(0) === BOM) s = s.slice(1)
      }
      skipLF = false
      if (s.length > 0) processLine(s, 0, s.length)
    }
    skipLF = false
    dispatch()
    pending = new Uint8Array(0)
    return takeEvents()
  }

  return {
    feed,
    flush,
    comments: () => commentCount,
    retry: () => retryMs
  }
}
