/**
 * The emulator's `GET /generation?id=`: what it served, looked up by generation id. Effect-free.
 *
 * While a chat completion is served, its writes are watched at no more cost than keeping references
 * to the first writes (where the id, model and provider are) and a rolling tail (where the finish
 * reason and usage are); when the response ends, those (bounded) bytes are parsed into a summary and
 * dropped, so a long stream costs the same small, fixed work. Stats appear once the response has
 * ended (or the client went away: `cancelled: true`), as on OpenRouter, where an immediate lookup
 * may answer 404.
 *
 * @internal
 */
import { isRecord, NotJson, parseJson } from "../transport/json.js"
import { makeSseParser } from "../transport/sse.js"
import * as Replies from "./replies.js"
import type * as Testing from "./types.js"

type Piece = string | Uint8Array

/** Bytes kept from the start of a body, and from its end. */
const HEAD = 8 * 1024
const TAIL = 16 * 1024
/** A JSON body larger than this is not parsed. */
const JSON_LIMIT = 16 * 1024 * 1024
/** Generations remembered per emulator (the oldest are forgotten). */
const REMEMBERED = 10_000

const size = (piece: Piece): number => piece.length

const decoder = new TextDecoder()
const text = (pieces: ReadonlyArray<Piece>): string => {
  let out = ""
  for (const piece of pieces) out += typeof piece === "string" ? piece : decoder.decode(piece, { stream: true })
  return out + decoder.decode()
}

/** The writes of one response, bounded: all of them while small, else the head and the tail. */
class Capture {
  readonly head: Array<Piece> = []
  private headBytes = 0
  private tail: Array<Piece> = []
  private tailStart = 0
  private tailBytes = 0
  dropped = false

  add(whole: Piece): void {
    let piece = whole
    let n = size(piece)
    if (n === 0) return
    if (this.headBytes < HEAD) {
      const room = HEAD - this.headBytes
      if (n <= room) {
        this.head.push(piece)
        this.headBytes += n
        return
      }
      // A write larger than the head's room (a whole pre-rendered body, say) is cut: the head keeps
      // its start, the tail its end; the summary never parses more than HEAD + TAIL bytes.
      this.head.push(piece.slice(0, room))
      this.headBytes = HEAD
      piece = piece.slice(n - room > TAIL ? n - TAIL : room)
      if (n - room > TAIL) this.dropped = true
      n = size(piece)
    } else if (n > TAIL) {
      piece = piece.slice(n - TAIL)
      n = TAIL
      this.dropped = true
      this.tail = []
      this.tailStart = 0
      this.tailBytes = 0
    }
    this.tail.push(piece)
    this.tailBytes += n
    while (this.tail.length - this.tailStart > 1 && this.tailBytes - size(this.tail[this.tailStart]!) >= TAIL) {
      this.tailBytes -= size(this.tail[this.tailStart]!)
      this.tailStart++
      this.dropped = true
    }
    if (this.tailStart > 1024) {
      this.tail = this.tail.slice(this.tailStart)
      this.tailStart = 0
    }
  }

  tailPieces(): ReadonlyArray<Piece> {
    return this.tail.slice(this.tailStart)
  }

  bytes(): number {
    return this.headBytes + this.tailBytes
  }
}

interface Served {
  capture: Capture | undefined
  summary: Summary | undefined
  readonly streamed: boolean
  readonly request: Testing.RecordedRequest
  readonly startedAt: number
  firstByteAt: number | undefined
  endedAt: number
  cancelled: boolean
}

/** What a body says about its generation. */
interface Summary {
  id?: string
  model?: string
  provider?: string
  finish_reason?: string
  native_finish_reason?: string
  usage?: Record<string, unknown>
  error?: boolean
}

const noteChunk = (summary: Summary, chunk: unknown): void => {
  if (!isRecord(chunk)) return
  if (summary.id === undefined && typeof chunk.id === "string" && chunk.id !== "") summary.id = chunk.id
  if (summary.model === undefined && typeof chunk.model === "string" && chunk.model !== "") summary.model = chunk.model
  if (summary.provider === undefined && typeof chunk.provider === "string" && chunk.provider !== "") {
    summary.provider = chunk.provider
  }
  if (isRecord(chunk.usage)) summary.usage = chunk.usage
  if (chunk.error !== undefined && chunk.error !== null) summary.error = true
  if (!Array.isArray(chunk.choices)) return
  for (const choice of chunk.choices) {
    if (!isRecord(choice)) continue
    if (typeof choice.finish_reason === "string") summary.finish_reason = choice.finish_reason
    if (typeof choice.native_finish_reason === "string") summary.native_finish_reason = choice.native_finish_reason
    if (choice.error !== undefined && choice.error !== null) summary.error = true
  }
}

const noteEvents = (summary: Summary, body: string): void => {
  const parser = makeSseParser()
  const events = [...parser.feed(new TextEncoder().encode(body)), ...parser.flush()]
  for (const event of events) {
    if (event.data === "[DONE]") continue
    const json = parseJson(event.data)
    if (!(json instanceof NotJson)) noteChunk(summary, json)
  }
}

const summarize = (served: Served, capture: Capture): Summary => {
  const summary: Summary = {}
  if (!served.streamed) {
    if (!capture.dropped && capture.bytes() <= JSON_LIMIT) {
      const json = parseJson(text([...capture.head, ...capture.tailPieces()]))
      if (isRecord(json)) {
        noteChunk(summary, json)
        if (typeof json.id === "string" && json.id !== "") summary.id = json.id
      }
    }
    return summary
  }
  if (!capture.dropped) {
    noteEvents(summary, text([...capture.head, ...capture.tailPieces()]))
    return summary
  }
  noteEvents(summary, text(capture.head))
  // The tail starts anywhere, perhaps mid-line: skip to the first line break.
  const tail = text(capture.tailPieces())
  const lineBreak = tail.search(/[\r\n]/)
  if (lineBreak >= 0) noteEvents(summary, tail.slice(lineBreak))
  return summary
}

const num = (u: unknown): number | null => typeof u === "number" && Number.isFinite(u) ? u : null

const stats = (served: Served, summary: Summary, id: string): Record<string, unknown> => {
  const usage = summary.usage ?? {}
  const promptDetails = isRecord(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {}
  const completionDetails = isRecord(usage.completion_tokens_details) ? usage.completion_tokens_details : {}
  const costDetails = isRecord(usage.cost_details) ? usage.cost_details : {}
  const cost = num(usage.cost) ?? 0
  const body = isRecord(served.request.body) ? served.request.body : {}
  return {
    id,
    upstream_id: null,
    total_cost: cost,
    cache_discount: null,
    upstream_inference_cost: num(costDetails.upstream_inference_cost),
    created_at: new Date(served.startedAt).toISOString(),
    model: summary.model ?? (typeof body.model === "string" ? body.model : null),
    app_id: null,
    streamed: served.streamed,
    cancelled: served.cancelled,
    provider_name: summary.provider ?? null,
    latency: served.firstByteAt === undefined ? null : served.firstByteAt - served.startedAt,
    moderation_latency: null,
    generation_time: served.endedAt - served.startedAt,
    finish_reason: summary.error === true ? "error" : summary.finish_reason ?? null,
    native_finish_reason: summary.native_finish_reason ?? null,
    service_tier: null,
    tokens_prompt: num(usage.prompt_tokens),
    tokens_completion: num(usage.completion_tokens),
    native_tokens_prompt: num(usage.prompt_tokens),
    native_tokens_completion: num(usage.completion_tokens),
    native_tokens_completion_images: num(completionDetails.image_tokens),
    native_tokens_reasoning: num(completionDetails.reasoning_tokens),
    native_tokens_cached: num(promptDetails.cached_tokens),
    num_media_prompt: null,
    num_input_audio_prompt: null,
    num_media_completion: null,
    num_search_results: null,
    num_fetches: null,
    web_search_engine: null,
    origin: served.request.headers["http-referer"] ?? "",
    usage: cost,
    is_byok: usage.is_byok === true,
    external_user: typeof body.user === "string" ? body.user : null,
    api_type: "completions",
    preset_id: null,
    router: null,
    provider_responses: null,
    user_agent: served.request.headers["user-agent"] ?? null,
    http_referer: served.request.headers["http-referer"] ?? null,
    data_region: "global",
    workspace_id: null
  }
}

/** Watches the writes of one response; `end` records it. */
export interface Watch {
  readonly write: (piece: Piece) => void
  readonly end: (cancelled: boolean) => void
}

const ignore: Watch = { write: () => {}, end: () => {} }

/** The generations one emulator served. @internal */
export class GenerationLog {
  private readonly byId = new Map<string, Served>()

  /** Watches a reply to a chat completion request; anything but a 2xx JSON or SSE answer is ignored. */
  watch(reply: Testing.Reply, request: Testing.RecordedRequest): Watch {
    if (reply.status < 200 || reply.status >= 300) return ignore
    let contentType = ""
    for (const name in reply.headers) {
      if (name.toLowerCase() === "content-type") contentType = reply.headers[name]!
    }
    const streamed = contentType.includes("text/event-stream")
    if (!streamed && !contentType.includes("json")) return ignore
    const served: Served = {
      capture: new Capture(),
      summary: undefined,
      streamed,
      request,
      startedAt: Date.now(),
      firstByteAt: undefined,
      endedAt: 0,
      cancelled: false
    }
    return {
      write: (piece) => {
        if (served.firstByteAt === undefined) served.firstByteAt = Date.now()
        served.capture?.add(piece)
      },
      end: (cancelled) => {
        const capture = served.capture
        if (capture === undefined) return
        served.capture = undefined
        served.cancelled = cancelled
        served.endedAt = Date.now()
        const summary = summarize(served, capture)
        if (summary.id === undefined) return
        served.summary = summary
        this.byId.delete(summary.id)
        this.byId.set(summary.id, served)
        if (this.byId.size > REMEMBERED) this.byId.delete(this.byId.keys().next().value!)
      }
    }
  }

  /** The stats of a served generation, or `undefined` when none has that id (yet). */
  lookup(id: string): Record<string, unknown> | undefined {
    const served = this.byId.get(id)
    return served === undefined ? undefined : stats(served, served.summary ?? {}, id)
  }

  /** The answer to `GET /generation?id=`. */
  reply(request: Testing.RecordedRequest): Testing.Reply<never> {
    const id = new URL(request.url).searchParams.get("id")
    if (id === null || id === "") {
      return Replies.error(400, { message: "Missing required query parameter: id", metadata: null })
    }
    const data = this.lookup(id)
    if (data === undefined) {
      return Replies.error(404, { message: `Generation ${id} not found`, metadata: null })
    }
    return Replies.json(200, { data }, {})
  }
}

/** Whether a request is `GET .../generation`. @internal */
export const isGenerationRoute = (method: string, path: string): boolean =>
  method.toUpperCase() === "GET" && path.endsWith("/generation")
