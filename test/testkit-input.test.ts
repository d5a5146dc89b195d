/**
 * The test kit with arguments it cannot read: the table is shared with the Effect 4 edition
 * (`test/support/testkitInputSuite.ts`); this file gives it the Effect 3 edition's `Testing`,
 * `TestServer` and HttpClient.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Testing from "../src/Testing.js"
import * as TestServer from "../src/TestServer.js"
import { type Answered, messagesOf, testkitInputSuite } from "./support/testkitInputSuite.js"

const Answer = Schema.Struct({ answer: Schema.String })

const post = (url: string): Effect.Effect<Answered, never, HttpClient.HttpClient> =>
  Effect.flatMap(HttpClient.HttpClient, (client) =>
    client.execute(
      HttpClientRequest.post(url).pipe(
        HttpClientRequest.bodyUnsafeJson({ model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] })
      )
    )).pipe(
      Effect.flatMap((response) => Effect.map(response.text, (text) => ({ status: response.status, text }))),
      Effect.match({ onFailure: (error): Answered => ({ failure: messagesOf(error) }), onSuccess: (answer) => answer })
    )

testkitInputSuite({
  describe,
  expect,
  it,
  edition: "effect3",
  testing: Testing,
  jsonAnswer: (options) => Testing.jsonAnswer(Answer, { answer: "yes" }, options as Testing.AnswerOptions),
  finalAnswer: (options) => Testing.finalAnswer(Answer, { answer: "yes" }, options as Testing.ToolReplyOptions),
  listen: (script, options) =>
    TestServer.listen(script as Testing.Script, options as TestServer.Options).then((server) => server.close()),
  viaLayerWithConfig: (script, options) =>
    Effect.runPromise(
      post("http://openrouter.test/api/v1/chat/completions").pipe(
        Effect.provide(Testing.layerWithConfig(script as Testing.Script, options as never))
      )
    ),
  viaMake: (script, options) =>
    Effect.runPromise(
      Effect.scoped(
        Effect.flatMap(
          TestServer.make(script as Testing.Script, options as TestServer.Options),
          (server) => post(`${server.url}/chat/completions`)
        )
      ).pipe(Effect.provide(FetchHttpClient.layer))
    )
})
