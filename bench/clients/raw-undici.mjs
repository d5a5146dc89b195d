// The floor: undici's request API, a hand-written line splitter and JSON.parse.
import { request } from "undici"
import { REQUEST } from "../request.mjs"

const HEADERS = { authorization: "Bearer k", "content-type": "application/json" }

export const setup = async (baseUrl) => ({ url: `${baseUrl}/chat/completions` })

export const send = async (ctx) => {
  const { statusCode, body } = await request(ctx.url, {
    method: "POST",
    headers: HEADERS,
    body: JSON.stringify(REQUEST)
  })
  if (statusCode !== 200) throw new Error(`status ${statusCode}: ${await body.text()}`)
  return await body.json()
}

export const stream = async (ctx, onChunk) => {
  const { statusCode, body } = await request(ctx.url, {
    method: "POST",
    headers: { ...HEADERS, accept: "text/event-stream" },
    body: JSON.stringify({ ...REQUEST, stream: true })
  })
  if (statusCode !== 200) throw new Error(`status ${statusCode}: ${await body.text()}`)
  const decoder = new TextDecoder()
  let buf = ""
  for await (const bytes of body) {
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
