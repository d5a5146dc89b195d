/**
 * The OpenRouter emulator over a real socket (Node only): a `node:http` server on 127.0.0.1
 * that answers `POST /api/v1/chat/completions` from a `Testing.Script`, for integration tests,
 * demos and benchmarks. It renders the same `Testing.Reply` model as the in-process
 * `Testing.layer`, with real timers, respecting backpressure and streaming lazy bodies without
 * buffering them. `GET /api/v1/generation?id=` answers with the stats of a completion it served
 * (`Generation.get`); any other route gets a 404 JSON error.
 *
 * Run it on its own, for any program: `npx effect-openrouter-emulator` (prints the base URL, serves until
 * stopped; `--port`, `--models`, `--script`, `--cors`: see `--help`). From code outside Effect:
 * `const server = await TestServer.listen(Testing.emulator)`, then use `server.url` as the base URL.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert"
 * import { Effect, Layer, Redacted } from "effect"
 * import * as FetchHttpClient from "effect/http/FetchHttpClient"
 * import { Chat, OpenRouterConfig, Testing } from "effect-openrouter"
 * import * as TestServer from "effect-openrouter/TestServer"
 *
 * // a real server on 127.0.0.1 (any free port), for the life of the scope
 * const program = Effect.gen(function*() {
 *   const server = yield* TestServer.make(Testing.completion({ content: "Hello over a socket" }))
 *   const config = OpenRouterConfig.layer({ apiKey: Redacted.make("sk-test"), baseUrl: server.url })
 *   const response = yield* Chat.send({ messages: [{ role: "user", content: "Hi" }] }).pipe(
 *     Effect.provide(Layer.merge(config, FetchHttpClient.layer))
 *   )
 *   strictEqual((yield* server.requests).length, 1)
 *   return response.choices[0]?.message?.content
 * })
 *
 * Effect.runPromise(Effect.scoped(program)).then((content) => strictEqual(content, "Hello over a socket"))
 * ```
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Server from "../../src/internal/emulator/server.js"
import { millis } from "./internal/emulator/durations.js"
import type * as Testing from "./Testing.js"

/**
 * A running emulator server, as seen from Effect code.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestServer {
  /** The base URL to give a client, e.g. `http://127.0.0.1:41234/api/v1`. */
  readonly url: string
  /** The port the server listens on. */
  readonly port: number
  /** Every request received so far, in order (any route). */
  readonly requests: Effect.Effect<ReadonlyArray<Testing.RecordedRequest>>
  /**
   * How many responses the client aborted (closed the connection of) before their body ended (the
   * server's own `reset` endings do not count). The same word as `Testing.aborted`.
   */
  readonly aborted: Effect.Effect<number>
  /** Completes once at least one abort has been observed (immediately if one was). */
  readonly awaitAbort: Effect.Effect<void>
  /** Completes once at least `count` aborts have been observed. */
  readonly awaitAborts: (count: number) => Effect.Effect<void>
  /** Answers later requests from another script (the request index keeps counting). */
  readonly setScript: (script: Testing.Script) => Effect.Effect<void>
}

/**
 * Where to listen: port 0 (any free port) and host 127.0.0.1 by default; and whether a browser page
 * from another origin may call the server (`cors`, off by default).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly port?: number
  readonly host?: string
  /**
   * Lets a browser page on another origin (a dev server, a test runner's page) call the emulator.
   * `true` allows any origin; `{ allowedOrigins }` only those (an exact `Origin` value, e.g.
   * `"http://localhost:5173"`). The server then answers CORS preflights itself (they are not
   * recorded in `requests` and do not consume the script) and adds `Access-Control-Allow-Origin`
   * and `Access-Control-Expose-Headers: *` to every response, so the page reads the status, the
   * body and headers such as `Retry-After`. A request from an origin not allowed gets no CORS
   * headers, so the browser refuses it, as it would with the real API from a disallowed page.
   *
   * @since 0.2.0
   */
  readonly cors?: boolean | { readonly allowedOrigins: ReadonlyArray<string> }
}

/**
 * A running emulator server, as seen from Promise code (see {@link listen}).
 *
 * @since 0.1.0
 * @category models
 */
export interface Listening {
  /** The base URL to give a client, e.g. `http://127.0.0.1:41234/api/v1`. */
  readonly url: string
  /** The port the server listens on. */
  readonly port: number
  /** Every request received so far, in order. */
  readonly requests: () => ReadonlyArray<Testing.RecordedRequest>
  /** How many responses the client aborted before their body ended. */
  readonly aborted: () => number
  /** Resolves once at least `count` (default 1) aborts have been observed. */
  readonly awaitAbort: (count?: number) => Promise<void>
  /** Answers later requests from another script. */
  readonly setScript: (script: Testing.Script) => void
  /** Stops listening and destroys open connections. */
  readonly close: () => Promise<void>
}

/**
 * Starts an emulator server for the life of the scope; closing the scope stops it and destroys
 * any open connection (hanging responses included). Options it cannot use (not an object, a `port`
 * that is not one, a `host` that is not a string, a `cors` that is neither a boolean nor
 * `{ allowedOrigins }`) start it on the defaults, answering every request with the emulator's 500
 * naming them: it has no error channel.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (script: Testing.Script, options?: Options): Effect.Effect<TestServer, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.promise(() => {
        const read = Server.scriptAndOptions("TestServer.make", script, options)
        return Server.listen(read.script, millis, read.options)
      }),
      (server) => Effect.promise(() => server.close())
    ),
    (server): TestServer => ({
      url: server.url,
      port: server.port,
      requests: Effect.sync(server.requests),
      aborted: Effect.sync(server.clientClosed),
      awaitAbort: Effect.promise(() => server.whenClientClosed(1)),
      awaitAborts: (count) => Effect.promise(() => server.whenClientClosed(count)),
      setScript: (next) => Effect.sync(() => server.setScript(next))
    })
  )

/**
 * Starts an emulator server for Promise code (benchmark runners, demo scripts); call `close()`
 * when done. Options it cannot use (see {@link make}) reject the Promise with an `Error` naming them.
 *
 * @since 0.1.0
 * @category constructors
 */
export const listen = async (script: Testing.Script, options?: Options): Promise<Listening> => {
  const server = await Server.listen(script, millis, Server.listenOptions("TestServer.listen", options))
  return {
    url: server.url,
    port: server.port,
    requests: server.requests,
    aborted: server.clientClosed,
    awaitAbort: (count = 1) => server.whenClientClosed(count),
    setScript: server.setScript,
    close: server.close
  }
}
