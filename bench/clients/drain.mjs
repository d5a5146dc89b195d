// Reference only (not a client): reads the stream's bytes with undici and parses nothing. It
// shows how fast the emulator can deliver each scenario, i.e. the ceiling every client shares.
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
  if (statusCode !== 200) throw new Error(`status ${statusCode}`)
  let bytes = 0
  for await (const b of body) bytes += b.length
  return { bytes }
}

export const stream = async (ctx) => {
  const { statusCode, body } = await request(ctx.url, {
    method: "POST",
    headers: { ...HEADERS, accept: "text/event-stream" },
    body: JSON.stringify({ ...REQUEST, stream: true })
  })
  if (statusCode !== 200) throw new Error(`status ${statusCode}`)
  let bytes = 0
  for await (const b of body) bytes += b.length
  return { bytes }
}
