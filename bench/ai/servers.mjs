// The servers of the @effect/ai provider benchmark, in their own process (see run.mjs here):
// the project's emulator (dist/TestServer.js) answering chat completions with a stream of N content
// deltas, for our provider and @effect/ai-openrouter; and a Responses API server answering with the
// same N text deltas as `response.output_text.delta` events, for @effect/ai-openai. Each body is
// rendered once and written at once. Prints {"chat": url, "responses": url}; exits when stdin closes.
//   node bench/ai/servers.mjs <chunks>
import * as Http from "node:http"
import * as Testing from "../../dist/Testing.js"
import * as TestServer from "../../dist/TestServer.js"
import { word } from "../payload.mjs"

const chunks = Number(process.argv[2] ?? 10_000)
const SHAPE = {
  model: "openai/gpt-4o-mini",
  provider: "OpenAI",
  id: "gen-1750000000-Xb7KqZt3LpR9vWm2NcDs",
  created: 1750000000
}

const listen = Http.Server.prototype.listen
Http.Server.prototype.listen = function(...args) {
  this.keepAliveTimeout = 120_000
  return listen.apply(this, args)
}

const deltas = Array.from({ length: chunks }, (_, i) => word(i))
const lazy = Testing.stream({ ...SHAPE, deltas })
const chatBody = Buffer.concat([...lazy.body].filter((p) => typeof p === "string").map((p) => Buffer.from(p)))
const chat = { ...lazy, body: [chatBody] }
const chatServer = await TestServer.listen(() => chat)

// The Responses API stream of the same text, shaped as OpenAI sends it.
const envelope = (status, output) => ({
  id: "resp_1",
  object: "response",
  status,
  created_at: 1750000000,
  error: null,
  incomplete_details: null,
  output,
  instructions: null,
  model: "gpt-4o-mini",
  tools: [],
  tool_choice: "auto",
  parallel_tool_calls: true,
  metadata: null,
  temperature: null,
  top_p: null,
  usage: {
    input_tokens: 12,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: chunks,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 12 + chunks
  }
})
const message = (status, text) => ({
  type: "message",
  id: "msg_1",
  role: "assistant",
  status,
  content: text === undefined ? [] : [{ type: "output_text", text, annotations: [] }]
})
let seq = 0
const event = (e) => `event: ${e.type}\ndata: ${JSON.stringify({ ...e, sequence_number: seq++ })}\n\n`
const parts = [
  event({ type: "response.created", response: envelope("in_progress", []) }),
  event({ type: "response.output_item.added", output_index: 0, item: message("in_progress") })
]
for (const delta of deltas) {
  parts.push(
    event({
      type: "response.output_text.delta",
      output_index: 0,
      item_id: "msg_1",
      content_index: 0,
      delta,
      logprobs: []
    })
  )
}
const done = message("completed", deltas.join(""))
parts.push(event({ type: "response.output_item.done", output_index: 0, item: done }))
parts.push(event({ type: "response.completed", response: envelope("completed", [done]) }))
const responsesBody = Buffer.from(parts.join(""))
const responsesServer = Http.createServer((req, res) => {
  req.resume().on("end", () => {
    res.writeHead(200, { "content-type": "text/event-stream" })
    res.end(responsesBody)
  })
})
await new Promise((resolve) => responsesServer.listen(0, "127.0.0.1", resolve))

process.stdout.write(
  JSON.stringify({
    chat: chatServer.url,
    responses: `http://127.0.0.1:${responsesServer.address().port}/v1`,
    bytes: { chat: chatBody.length, responses: responsesBody.length }
  }) + "\n"
)

const stop = async () => {
  await chatServer.close()
  responsesServer.close()
  process.exit(0)
}
process.stdin.on("close", stop)
process.stdin.resume()
process.on("SIGTERM", stop)
