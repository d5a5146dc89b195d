// The Effect floor: @effect/platform's HttpClient on the undici layer, the body stream split with
// Stream.decodeText + Stream.splitLines and each line JSON.parse'd. No schema, no retries.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import { Effect, ManagedRuntime, Stream } from "effect"
import { REQUEST } from "../request.mjs"

export const makeFloor = (httpLayer) => ({ send, setup: setupWith(httpLayer), stream })

const setupWith = (httpLayer) => async (baseUrl) => {
  const runtime = ManagedRuntime.make(httpLayer)
  const client = await runtime.runPromise(
    Effect.map(HttpClient.HttpClient, (client) => HttpClient.filterStatusOk(client))
  )
  return { runtime, client, url: `${baseUrl}/chat/completions` }
}

export const setup = setupWith(NodeHttpClient.layerUndici)

const headers = { authorization: "Bearer k" }

export const send = ({ runtime, client, url }) =>
  runtime.runPromise(
    client.post(url, { headers, body: HttpBody.unsafeJson(REQUEST) }).pipe(Effect.flatMap((res) => res.json))
  )

export const stream = ({ runtime, client, url }, onChunk) =>
  runtime.runPromise(
    client.post(url, { headers, body: HttpBody.unsafeJson({ ...REQUEST, stream: true }) }).pipe(
      Effect.map((res) => res.stream),
      Stream.unwrapScoped,
      Stream.decodeText(),
      Stream.splitLines,
      Stream.filter((line) => line.startsWith("data: ")),
      Stream.takeWhile((line) => line !== "data: [DONE]"),
      Stream.map((line) => JSON.parse(line.slice(6))),
      Stream.runForEach((chunk) => Effect.sync(() => onChunk(chunk)))
    )
  )
