// The program every runtime of the matrix runs, against either edition's packed package (bare
// imports resolved from the consumer project's node_modules: `effect` is 3.x or 4.x) and a
// TestServer started by run.mjs. One program for both editions: it uses only what Effect 3 and
// Effect 4 spell alike (the HttpClient layer comes from the edition's fetch.mjs or
// @effect/platform-node). Each check is independent; the result line names each one `ok` or `FAIL(reason)`:
//   RESULT <runtime> send=ok stream=ok collect=ok status=ok early-stop=ok testing=ok
// run.mjs also checks, on the server's side, that the early stop closed the connection.
import { Effect, Layer, Redacted, Stream } from "effect"
import { Chat, OpenRouterConfig, Testing } from "effect-openrouter"

/** What the server answers, by the user message's content (see `script` in run.mjs). */
export const checks = ["send", "stream", "collect", "status", "early-stop", "testing"]

const ask = (content, extra = {}) => ({ model: "matrix/test", messages: [{ role: "user", content }], ...extra })

const expectEqual = (actual, expected, what) =>
  actual === expected
    ? Effect.void
    : Effect.fail(new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`))

const content = (response) => response.choices[0]?.message?.content

const deltas = (chunks) => chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? "").join("")

const program = {
  "send": Effect.flatMap(Chat.send(ask("send")), (response) => expectEqual(content(response), "matrix ok", "content")),
  "stream": Chat.stream(ask("stream")).pipe(
    Stream.runCollect,
    Effect.flatMap((chunks) => expectEqual(deltas([...chunks]), "héllo 🌍", "streamed deltas"))
  ),
  "collect": Effect.flatMap(
    Chat.collect(Chat.stream(ask("collect"))),
    (response) =>
      Effect.andThen(
        expectEqual(content(response), "abc", "collected content"),
        expectEqual(response.usage?.total_tokens, 12, "usage")
      )
  ),
  "status": Chat.send(ask("status")).pipe(
    Effect.flip,
    Effect.flatMap((error) =>
      Effect.andThen(
        expectEqual(error._tag, "PaymentRequiredResponseError", "error tag"),
        expectEqual(error.status, 402, "status")
      )
    )
  ),
  // The server hangs after five chunks; taking two must abort the request (run.mjs sees the close).
  "early-stop": Chat.stream(ask("early-stop")).pipe(
    Stream.take(2),
    Stream.runCollect,
    Effect.flatMap((chunks) => expectEqual(chunks.length, 2, "chunks taken"))
  ),
  // The in-process test kit: no socket, a 429 retried, then the answer.
  "testing": Effect.gen(function*() {
    const response = yield* Chat.send(ask("testing"))
    yield* expectEqual(content(response), "in process", "content")
    const requests = yield* Testing.requests
    yield* expectEqual(requests.length, 2, "requests seen by the test kit")
  }).pipe(
    Effect.provide(
      Testing.layerWithConfig([
        Testing.error(429, { retryAfter: "0 millis" }),
        Testing.completion({ content: "in process" })
      ])
    )
  )
}

/**
 * Runs every check against the TestServer at `baseUrl` with the given HttpClient layer and returns
 * the result line. Never rejects: a failure is written into the line.
 */
export const run = (runtime, baseUrl, httpClient) => {
  const live = Layer.merge(
    httpClient,
    OpenRouterConfig.layer({ apiKey: Redacted.make("sk-matrix-test"), baseUrl, retry: false, timeout: "20 seconds" })
  )
  return Effect.forEach(checks, (name) =>
    program[name].pipe(
      Effect.provide(live),
      Effect.timeout("30 seconds"),
      Effect.match({
        onFailure: (error) =>
          `${name}=FAIL(${String(error?.message ?? error?._tag ?? error).replace(/\s+/g, " ").slice(0, 200)})`,
        onSuccess: () => `${name}=ok`
      })
    )).pipe(
      Effect.map((parts) => `RESULT ${runtime} ${parts.join(" ")}`),
      // runPromiseExit: a defect (Effect 3's `catchAllDefect` is Effect 4's `catchDefect`) is a line too.
      Effect.runPromiseExit
    ).then((exit) =>
      exit._tag === "Success"
        ? exit.value
        : `RESULT ${runtime} defect=FAIL(${String(exit.cause).replace(/\s+/g, " ").slice(0, 300)})`
    )
}
