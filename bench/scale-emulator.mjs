// The emulator of the scale benchmark (scale.mjs), in its own process so that the client being
// measured does not share an event loop with the server:
//
//   node bench/scale-emulator.mjs
//
// Prints one line {"url": <base URL>} and exits when stdin closes. Routes (POST .../chat/completions
// under each base path; a non-streaming request always gets the completion of payload.mjs):
//   <url>/fast/<chunks>/api/v1       the stream of <chunks> deltas (payload.mjs), written at once
//   <url>/slow/<chunks>/<ms>/api/v1  a paced stream: the keep-alive comment, then one delta every
//                                    <ms> (first after a random fraction of <ms>, so that many
//                                    streams are not in phase), each written on its own, then the
//                                    finish, usage and [DONE] events. Each delta's content is
//                                    `@<epoch ms>`, the time it was written (performance.timeOrigin +
//                                    performance.now(), comparable between processes).
//   <url>/first/<ms>/api/v1          the keep-alive comment at once, one stamped delta <ms> later
//                                    (the client is then waiting for it), then the tail
// GET <url>/cpu answers this process's CPU time so far and the connections it accepted ({"cpuMs", "connections"}), so the runner can show a
// saturated server.
import * as Http from "node:http"
import { performance } from "node:perf_hooks"
import { completionBody, deltaEvent, STREAM_HEAD, streamBatches, streamTail } from "./payload.mjs"

const completion = Buffer.from(completionBody())
const fastCache = new Map()
const fastStream = (n) => {
  let buf = fastCache.get(n)
  if (buf === undefined) {
    buf = Buffer.from([...streamBatches(n)].join(""))
    fastCache.set(n, buf)
  }
  return buf
}

const now = () => performance.timeOrigin + performance.now()

// A delta event whose content is the stamp (as deltaEvent(i), with a different content).
const TEMPLATE = deltaEvent(0)
const CONTENT = JSON.stringify(" The")
const at = TEMPLATE.indexOf(CONTENT)
const stampedEvent = () =>
  TEMPLATE.slice(0, at) + JSON.stringify(`@${now().toFixed(3)}`) + TEMPLATE.slice(at + CONTENT.length)

const HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache",
  "x-generation-id": "gen-1750000000-Xb7KqZt3LpR9vWm2NcDs"
}

const paced = (res, chunks, ms, firstDelay) => {
  res.writeHead(200, HEADERS)
  res.write(STREAM_HEAD)
  let sent = 0
  let timer
  const tick = () => {
    if (res.destroyed) return
    res.write(stampedEvent())
    sent++
    if (sent < chunks) timer = setTimeout(tick, ms)
    else res.end(streamTail(chunks))
  }
  timer = setTimeout(tick, firstDelay)
  res.on("close", () => clearTimeout(timer))
}

const fail = (res, status, message) => {
  if (res.headersSent) return res.destroy()
  res.writeHead(status, { "content-type": "application/json" })
  res.end(JSON.stringify({ error: { code: status, message } }))
}

const server = Http.createServer({ keepAliveTimeout: 120_000 }, async (req, res) => {
  try {
    if (req.method === "GET" && req.url === "/cpu") {
      const cpu = process.cpuUsage()
      return res.end(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, connections }))
    }
    const m = /^\/(fast|slow|first)\/(\d+)(?:\/(\d+))?\/api\/v1\/chat\/completions$/.exec(req.url ?? "")
    if (req.method !== "POST" || m === null) {
      req.resume()
      return fail(res, 404, `no route for ${req.method} ${req.url}`)
    }
    const parts = []
    for await (const part of req) parts.push(part)
    const body = JSON.parse(Buffer.concat(parts).toString("utf8"))
    if (!Array.isArray(body.messages)) return fail(res, 400, "messages is required")
    if (body.stream !== true) {
      res.writeHead(200, { "content-type": "application/json", "content-length": completion.length })
      return res.end(completion)
    }
    const n = Number(m[2])
    if (m[1] === "fast") {
      res.writeHead(200, HEADERS)
      return res.end(fastStream(n))
    }
    if (m[1] === "slow") return paced(res, n, Number(m[3]), Math.random() * Number(m[3]))
    return paced(res, 1, 0, n)
  } catch (e) {
    fail(res, 500, String(e))
  }
})
let connections = 0
server.on("connection", () => connections++)
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }) + "\n")
})
process.stdin.on("close", () => process.exit(0))
process.stdin.resume()
process.on("SIGTERM", () => process.exit(0))
