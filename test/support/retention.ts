/**
 * Errors read from 5 MB bodies, shared by both editions' `retention.test.ts` (Effect-free): the
 * replies (made with the edition's `Testing`), the call each answers and the error it must give, the
 * heap measure, and the bounds on what 20 such errors may keep.
 */
import * as v8 from "node:v8"
import * as vm from "node:vm"

v8.setFlagsFromString("--expose-gc")
const gc = vm.runInNewContext("gc") as () => void

/** The heap in use after garbage collection. */
export const heapUsed = (): number => {
  for (let i = 0; i < 4; i++) gc()
  return process.memoryUsage().heapUsed
}

export const MB = 1024 * 1024
const big = (c: string) => c.repeat(5 * MB)

// Five kinds of error from a 5 MB body (built once: the server holds them for the whole test).
const notJson = big("x")
const mismatch = JSON.stringify({ id: "gen-1", object: "chat.completion", choices: big("c") })
const htmlPage = `<html>${big("h")}</html>`
const jsonError = JSON.stringify({ error: { code: 400, message: big("m"), metadata: { raw: big("r") } } })
const streamEvent = JSON.stringify({ id: "gen-2", object: "chat.completion.chunk", choices: big("s") })
const midStream = JSON.stringify({ id: "gen-3", error: { code: 502, message: big("e"), metadata: { raw: big("q") } } })

/** What the replies need of an edition's `Testing` (`R`: its `Testing.Reply`). */
export interface Replies<R> {
  readonly raw: (
    options: { readonly status?: number; readonly body: string; readonly headers: Record<string, string> }
  ) => R
  readonly error: (status: number, options: { readonly body: string; readonly headers: Record<string, string> }) => R
  readonly sse: (events: Iterable<string>) => R
}

/** [the call, its reply, the tag of the error it gives]. */
export const bigReplies = <R>(t: Replies<R>): ReadonlyArray<readonly ["send" | "stream", R, string]> => [
  ["send", t.raw({ body: notJson, headers: { "content-type": "text/plain" } }), "ResponseDecodeError"],
  ["send", t.raw({ body: mismatch, headers: { "content-type": "application/json" } }), "ResponseDecodeError"],
  ["send", t.error(502, { body: htmlPage, headers: { "content-type": "text/html" } }), "BadGatewayResponseError"],
  [
    "send",
    t.raw({ status: 400, body: jsonError, headers: { "content-type": "application/json" } }),
    "BadRequestResponseError"
  ],
  ["stream", t.sse([`data: ${streamEvent}`]), "ResponseDecodeError"],
  ["stream", t.sse([`data: ${midStream}`]), "MidStreamError"]
]

/** How many errors the test keeps. */
export const KEPT = 20

/**
 * Each error keeps at most a few tens of KB (excerpts, bounded issue and fields, its formatted
 * stack); a single slice of one body, or an unformatted stack trace whose frames' closures hold the
 * response (which caches its text), would retain 5 MB.
 */
export const bounds = { heap: 4 * MB, json: KEPT * 64 * 1024 }
