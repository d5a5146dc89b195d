// The benchmark's own minimal, fast OpenRouter emulator (used when the project's emulator,
// dist/TestServer.js, is not built, or with `--emulator bench`), run in its own process so that
// the client being measured does not share an event loop with the server.
//
//   node bench/emulator.mjs '[{"chunks": 10000, "writeSize": 64}, ...]'
//
// Both emulators follow one contract (see run.mjs): given the scenarios, print one line
// {"scenarios": {"<chunks>/<writeSize>": {"url": <base URL>, "bytes": <stream body bytes>}}}
// and exit when stdin closes. A POST to <base URL>/chat/completions answers
//   body.stream !== true : one non-streaming completion (JSON)
//   body.stream === true : an SSE stream of <chunks> content deltas, a finish chunk, a usage
//                          chunk and `data: [DONE]`; writeSize 0 writes large pieces (the whole
//                          payload at once when it is cached), writeSize k writes k-byte pieces
//                          (one res.write, so one HTTP chunk, each).
// Here every scenario shares one server and travels in the path: /b/<chunks>/<writeSize>/api/v1.
// Streams above CACHE_LIMIT chunks are generated lazily, honouring backpressure.
import { once } from "node:events"
import * as Http from "node:http"
import { completionBody, expectedStream, streamBatches } from "./payload.mjs"

const CACHE_LIMIT = 20_000
const completion = Buffer.from(completionBody())
const cache = new Map()

const cachedStream = (n) => {
  let buf = cache.get(n)
  if (buf === undefined) {
    buf = Buffer.from([...streamBatches(n)].join(""))
    cache.set(n, buf)
  }
  return buf
}

// Like the project's emulator: one res.write (one HTTP chunk) per piece. ServerResponse corks
// the socket within a tick, so pieces still leave in ~16 KiB socket writes and the client's
// reads are larger than the pieces; uncorking after every write would give small reads but
// make the emulator, not the client, the bottleneck (~20k chunks/s on 2 cores).
const writeSmall = async (res, buf, size) => {
  for (let i = 0; i < buf.length; i += size) {
    if (!res.write(buf.subarray(i, i + size))) await once(res, "drain")
  }
}

const sendStream = async (res, n, writeSize) => {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    "x-generation-id": "gen-1750000000-Xb7KqZt3LpR9vWm2NcDs"
  })
  if (n <= CACHE_LIMIT) {
    const buf = cachedStream(n)
    if (writeSize === 0) return res.end(buf)
    await writeSmall(res, buf, writeSize)
    return res.end()
  }
  for (const batch of streamBatches(n)) {
    if (res.destroyed) return
    const buf = Buffer.from(batch)
    if (writeSize === 0) {
      if (!res.write(buf)) await once(res, "drain")
    } else {
      await writeSmall(res, buf, writeSize)
    }
  }
  res.end()
}

const fail = (res, status, message) => {
  if (res.headersSent) return res.destroy()
  res.writeHead(status, { "content-type": "application/json" })
  res.end(JSON.stringify({ error: { code: status, message } }))
}

const server = Http.createServer({ keepAliveTimeout: 30_000 }, async (req, res) => {
  try {
    const m = /^\/b\/(\d+)\/(\d+)\/api\/v1\/chat\/completions$/.exec(req.url ?? "")
    if (req.method !== "POST" || m === null) {
      req.resume()
      return fail(res, 404, `no route for ${req.method} ${req.url}`)
    }
    const parts = []
    for await (const part of req) parts.push(part)
    const body = JSON.parse(Buffer.concat(parts).toString("utf8"))
    if (!Array.isArray(body.messages)) return fail(res, 400, "messages is required")
    if (body.stream === true) return await sendStream(res, Number(m[1]), Number(m[2]))
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": completion.length,
      "x-generation-id": "gen-1750000000-Xb7KqZt3LpR9vWm2NcDs"
    })
    res.end(completion)
  } catch (e) {
    fail(res, 500, String(e))
  }
})

const scenarios = JSON.parse(process.argv[2] ?? "[]")
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address()
  const out = {}
  for (const { chunks, writeSize } of scenarios) {
    out[`${chunks}/${writeSize}`] = {
      url: `http://127.0.0.1:${port}/b/${chunks}/${writeSize}/api/v1`,
      bytes: chunks === 0 ? completion.length : expectedStream(chunks).bytes
    }
  }
  process.stdout.write(JSON.stringify({ scenarios: out }) + "\n")
})
process.stdin.on("close", () => process.exit(0))
process.stdin.resume()
process.on("SIGTERM", () => process.exit(0))
