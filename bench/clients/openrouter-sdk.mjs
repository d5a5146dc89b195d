// OpenRouter's own SDK (validates every chunk with zod).
import { OpenRouter } from "@openrouter/sdk"
import { REQUEST } from "../request.mjs"

export const setup = async (baseUrl) => new OpenRouter({ apiKey: "k", serverURL: baseUrl })

export const send = (client) => client.chat.send({ chatRequest: REQUEST })

export const stream = async (client, onChunk) => {
  const chunks = await client.chat.send({ chatRequest: { ...REQUEST, stream: true } })
  for await (const chunk of chunks) onChunk(chunk)
}
