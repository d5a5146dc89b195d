// The request every client sends (streaming adds `stream: true`). Kept apart from payload.mjs so
// that the bundle-size programs, which bundle the client adapters, carry nothing but this.
export const REQUEST = {
  model: "openai/gpt-4o-mini",
  messages: [{ role: "user", content: "Write a long story about a benchmark." }]
}
