/**
 * Helpers for tests that read the emulator's raw HTTP output: the body as text, and its SSE events.
 */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import { createParser } from "eventsource-parser"

/** Parsed wire JSON is inspected loosely: the assertions are what check its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Wire = any

const decoder = new TextDecoder()

/** The events of an SSE text, parsed by an independent parser (eventsource-parser). */
export interface Sse {
  readonly data: ReadonlyArray<string>
  readonly comments: ReadonlyArray<string>
  /** The JSON chunks (everything but `[DONE]`). */
  readonly chunks: ReadonlyArray<Wire>
}

/** Parses an SSE text with eventsource-parser. */
export const parseSse = (text: string): Sse => {
  const data: Array<string> = []
  const comments: Array<string> = []
  const parser = createParser({ onEvent: (event) => data.push(event.data), onComment: (c) => comments.push(c) })
  parser.feed(text)
  return { data, comments, chunks: data.filter((d) => d !== "[DONE]").map((d) => JSON.parse(d) as Wire) }
}

/** Reads the whole body: the text received, the reads it came in, and the error that ended it, if any. */
export const readBody = (response: HttpClientResponse.HttpClientResponse) =>
  Effect.gen(function*() {
    const pieces: Array<Uint8Array> = []
    const result = yield* response.stream.pipe(
      Stream.runForEach((bytes) => Effect.sync(() => pieces.push(bytes))),
      Effect.either
    )
    const total = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0))
    let offset = 0
    for (const p of pieces) {
      total.set(p, offset)
      offset += p.length
    }
    return { text: decoder.decode(total), pieces, error: Either.isLeft(result) ? result.left : undefined }
  })
