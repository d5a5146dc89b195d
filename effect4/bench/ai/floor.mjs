// The Effect 4 floor of `LanguageModel.streamText`: the smallest `LanguageModel` one would write over
// `effect/http`'s HttpClient: the prompt's text as chat messages, the response body split into SSE lines,
// one `JSON.parse` per `data:` event, a `text-delta` part per content delta, a `finish` part with the
// usage. No Schema for the chunks, no retries, no timeouts, no telemetry of its own: what is left is what
// `effect/ai`'s LanguageModel and the HTTP client cost, the floor any provider pays.
import { Effect, Layer, Stream } from "effect"
import * as LanguageModel from "effect/ai/LanguageModel"
import { HttpBody, HttpClient } from "effect/http"

const text = (message) =>
  typeof message.content === "string"
    ? message.content
    : message.content.filter((part) => part.type === "text").map((part) => part.text).join("")

const usage = (u) => ({
  inputTokens: { total: u?.prompt_tokens, uncached: undefined, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: u?.completion_tokens, text: undefined, reasoning: undefined }
})

const reason = (finish) => (finish === "stop" ? "stop" : finish === "length" ? "length" : "other")

/** A `LanguageModel` layer on `url` (an OpenRouter-compatible base URL) for `model`; needs an HttpClient. */
export const layer = ({ url, model, apiKey }) =>
  Layer.effect(
    LanguageModel.LanguageModel,
    Effect.gen(function*() {
      const client = HttpClient.filterStatusOk(yield* HttpClient.HttpClient)
      const post = (options, stream) =>
        client.post(`${url}/chat/completions`, {
          headers: { authorization: `Bearer ${apiKey}` },
          body: HttpBody.jsonUnsafe({
            model,
            messages: options.prompt.content.map((m) => ({ role: m.role, content: text(m) })),
            stream
          })
        })
      return yield* LanguageModel.make({
        // Failures become defects: a floor measures the happy path, it maps no errors.
        generateText: (options) =>
          post(options, false).pipe(
            Effect.flatMap((res) => res.json),
            Effect.map((body) => [
              { type: "text", text: body.choices[0].message.content },
              { type: "finish", reason: reason(body.choices[0].finish_reason), usage: usage(body.usage) }
            ]),
            Effect.orDie
          ),
        streamText: (options) => {
          let finish = "other"
          let tokens
          return post(options, true).pipe(
            Effect.map((res) => res.stream),
            Stream.unwrap,
            Stream.decodeText(),
            Stream.splitLines,
            Stream.filter((line) => line.startsWith("data: ") && line !== "data: [DONE]"),
            Stream.map((line) => {
              const chunk = JSON.parse(line.slice(6))
              if (chunk.usage) tokens = chunk.usage
              const choice = chunk.choices?.[0]
              if (choice?.finish_reason) finish = choice.finish_reason
              const delta = choice?.delta?.content
              return typeof delta === "string" && delta !== "" ? { type: "text-delta", id: "0", delta } : undefined
            }),
            Stream.filter((part) => part !== undefined),
            Stream.concat(
              Stream.suspend(() => Stream.succeed({ type: "finish", reason: reason(finish), usage: usage(tokens) }))
            ),
            Stream.orDie
          )
        }
      })
    })
  )
