/**
 * Helpers for tests that read the emulator's raw HTTP output: the body as text, and its SSE events
 * (parsed by Effect 4's own SSE parser, independent of the library's).
 */
import * as Effect from "effect/Effect"
import { makeParser } from "effect/encoding/Sse"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"

/** Parsed wire JSON is inspected loosely: the assertions are what check its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Wire = any

const decoder = new TextDecoder()

/** The events of an SSE text. */
export interface Sse {
  readonly data: ReadonlyArray<string>
  /** Comment lines, without the leading `:` and one optional space. */
  readonly comments: ReadonlyArray<string>
  /** The JSON chunks (everything but `[DONE]`). */
  readonly chunks: ReadonlyArray<Wire>
}

/** Parses an SSE text. */
export const parseSse = (text: string): Sse => {
  const data: Array<string> = []
  const parser = makeParser((event) => {
    if (event._tag === "Event") data.push(event.data)
  })
  parser.feed(text)
  parser.feed("\n\n")
  const comments = text.split(/\r\n|\r|\n/).filter((line) => line.startsWith(":")).map((line) =>
    line.slice(line.startsWith(": ") ? 2 : 1)
  )
  return { data, comments, chunks: data.filter((d) => d !== "[DONE]").map((d) => JSON.parse(d) as Wire) }
}

/** Reads the whole body: the text received, the reads it came in, and the error that ended it, if any. */
export const readBody = (response: HttpClientResponse.HttpClientResponse) =>
  Effect.gen(function*() {
    const pieces: Array<Uint8Array> = []
    const result = yield* response.stream.pipe(
      Stream.runForEach((bytes) => Effect.sync(() => pieces.push(bytes))),
      Effect.result
    )
    const total = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0))
    let offset = 0
    for (const p of pieces) {
      total.set(p, offset)
      offset += p.length
    }
    return { text: decoder.decode(total), pieces, error: Result.isFailure(result) ? result.failure : undefined }
  })
