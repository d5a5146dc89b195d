/* global fetch */
// The fetch floor: Node's built-in fetch, a hand-written line splitter and JSON.parse.
import { REQUEST } from "../request.mjs"

const HEADERS = { authorization: "Bearer k", "content-type": "application/json" }

export const setup = async (baseUrl) => ({ url: `${baseUrl}/chat/completions` })

export const send = async (ctx) => {
  const res = await fetch(ctx.url, { method: "POST", headers: HEADERS, body: JSON.stringify(REQUEST) })
  if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`)
  return await res.json()
}

export const stream = async (ctx, onChunk) => {
  const res = await fetch(ctx.url, {
    method: "POST",
    headers: { ...HEADERS, accept: "text/event-stream" },
    body: JSON.stringify({ ...REQUEST, stream: true })
  })
  if (res.status !== 200 || res.body === null) throw new Error(`status ${res.status}: ${await res.text()}`)
  const decoder = new TextDecoder()
  let buf = ""
  for await (const bytes of res.body) {
    buf += decoder.decode(bytes, { stream: true })
    let start = 0
    let nl
    while ((nl = buf.indexOf("\n", start)) !== -1) {
      const line = buf.slice(start, nl)
      start = nl + 1
      if (!line.startsWith("data: ")) continue
      const data = line.slice(6)
      if (data === "[DONE]") return
      onChunk(JSON.parse(data))
    }
    buf = buf.slice(start)
  }
  throw new Error("stream ended without [DONE]")
}
