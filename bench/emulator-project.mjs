// The project's own emulator (dist/TestServer.js with replies from dist/Testing.js, so run
// `npm run build` first) behind the benchmark's emulator contract (see emulator.mjs and run.mjs):
//
//   node bench/emulator-project.mjs '[{"chunks": 10000, "writeSize": 64}, ...]'
//
// One TestServer per scenario (its script can only see the request, and every client sends the
// same request), each answering a streaming request with the scenario's stream (Testing.stream)
// and any other with a completion (Testing.completion). Prints
// {"scenarios": {"<chunks>/<writeSize>": {"url", "bytes"}}}; exits when stdin closes.
import * as Http from "node:http"
import * as Testing from "../dist/Testing.js"
import * as TestServer from "../dist/TestServer.js"
import { COMPLETION_CONTENT, word } from "./payload.mjs"

const SHAPE = {
  model: "openai/gpt-4o-mini",
  provider: "OpenAI",
  id: "gen-1750000000-Xb7KqZt3LpR9vWm2NcDs",
  created: 1750000000,
  systemFingerprint: "fp_34a54ae93c"
}

const CACHE_LIMIT = 20_000

const render = (reply) =>
  Buffer.concat(
    [...reply.body].filter((p) => typeof p === "string" || p instanceof Uint8Array).map((p) => Buffer.from(p))
  )

const bodyBytes = (reply) => {
  let bytes = 0
  for (const piece of reply.body) {
    if (typeof piece === "string") bytes += Buffer.byteLength(piece)
    else if (piece instanceof Uint8Array) bytes += piece.length
  }
  return bytes
}

// Node's server closes a kept-alive connection 5 s after it finished writing the last response.
// The emulator hands a whole 10,000-chunk stream to the kernel at once, so a slow client (one
// taking seconds per stream) can send its next request on a connection the server is just
// closing ("other side closed"). OpenRouter keeps idle connections far longer; TestServer has no
// option for it, so set it on every http.Server this process starts.
const listen = Http.Server.prototype.listen
Http.Server.prototype.listen = function(...args) {
  this.keepAliveTimeout = 120_000
  return listen.apply(this, args)
}

const scenarios = JSON.parse(process.argv[2] ?? "[]")
const completion = Testing.completion({ ...SHAPE, content: COMPLETION_CONTENT })
const servers = []
const out = {}
for (const { chunks, writeSize } of scenarios) {
  const deltas = {
    *[Symbol.iterator]() {
      for (let i = 0; i < chunks; i++) yield word(i)
    }
  }
  const lazy = Testing.stream({ ...SHAPE, deltas, ...(writeSize > 0 ? { writeSize } : {}) })
  // Up to CACHE_LIMIT chunks the rendered body is kept as one buffer, so that the emulator is not
  // the bottleneck of the fastest clients: written at once (writeSize 0) or re-split by
  // TestServer into writeSize pieces. Longer streams stay lazy, generated under backpressure.
  const stream = chunks <= CACHE_LIMIT ? { ...lazy, body: [render(lazy)] } : lazy
  const server = await TestServer.listen((request) => (request.body?.stream === true ? stream : completion))
  servers.push(server)
  out[`${chunks}/${writeSize}`] = {
    url: server.url,
    bytes: chunks === 0 ? bodyBytes(completion) : bodyBytes(stream)
  }
}
process.stdout.write(JSON.stringify({ scenarios: out }) + "\n")

const stop = async () => {
  await Promise.allSettled(servers.map((s) => s.close()))
  process.exit(0)
}
process.stdin.on("close", stop)
process.stdin.resume()
process.on("SIGTERM", stop)
