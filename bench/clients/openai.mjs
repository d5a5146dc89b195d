// The official OpenAI SDK pointed at OpenRouter's base URL, as many OpenRouter users do.
import OpenAI from "openai"
import { REQUEST } from "../request.mjs"

export const setup = async (baseUrl) => new OpenAI({ apiKey: "k", baseURL: baseUrl })

export const send = (client) => client.chat.completions.create(REQUEST)

export const stream = async (client, onChunk) => {
  const chunks = await client.chat.completions.create({ ...REQUEST, stream: true })
  for await (const chunk of chunks) onChunk(chunk)
}
