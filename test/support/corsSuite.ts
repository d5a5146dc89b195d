/**
 * The body of the TestServer CORS test, shared by both editions (`test/TestServer.cors.test.ts`,
 * `effect4/test/TestServer.cors.test.ts`): the CORS answers of the shared emulator server as a browser
 * page meets them (a preflight, then the POST), through each edition's `TestServer.listen` and over
 * each HttpClient the edition's suite runs with. A wire exchange, so Effect-free: each edition passes
 * its vitest functions, its `Testing` replies, its `listen`, and its HttpClients as functions
 * returning Promises.
 */
import type { Vitest } from "./suite.js"

/** A response as the test reads it: status, headers (lower-case names) and the whole body. */
export interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
}

/** One HttpClient of the edition: sends a request and reads the whole answer. */
export type Http = (
  request: {
    readonly method: "OPTIONS" | "POST"
    readonly url: string
    readonly headers: Readonly<Record<string, string>>
    readonly json?: unknown
  }
) => Promise<Answer>

/** The CORS option of `TestServer.listen` / `make`. */
export type Cors = true | { readonly allowedOrigins: ReadonlyArray<string> }

/** What the suite needs of an edition (`R`: its `Testing.Reply`). */
export interface Edition<R> extends Vitest {
  readonly clients: ReadonlyArray<readonly [string, Http]>
  readonly testing: {
    readonly completion: (options?: { readonly content?: string }) => R
    readonly stream: (options: { readonly deltas: ReadonlyArray<string> }) => R
    readonly error: (status: number, options: { readonly retryAfter: number }) => R
  }
  readonly listen: (script: R | ReadonlyArray<R>, options?: { readonly cors?: Cors }) => Promise<{
    readonly url: string
    readonly requests: () => ReadonlyArray<{ readonly method: string }>
    readonly close: () => Promise<void>
  }>
}

const page = "http://localhost:5173"

export const corsSuite = <R>({ clients, describe, expect, it, listen, testing }: Edition<R>): void => {
  /** Runs `body` against a server listening with `script`, closed afterwards. */
  const withServer = async (
    script: R | ReadonlyArray<R>,
    options: { readonly cors?: Cors },
    body: (server: Awaited<ReturnType<Edition<R>["listen"]>>) => Promise<void>
  ) => {
    const server = await listen(script, options)
    try {
      await body(server)
    } finally {
      await server.close()
    }
  }

  describe("TestServer cors", () => {
    for (const [name, http] of clients) {
      // What a browser sends before a cross-origin POST with an Authorization header and a JSON body.
      const preflight = (url: string, origin = page) =>
        http({
          method: "OPTIONS",
          url: url + "/chat/completions",
          headers: {
            origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization,content-type"
          }
        })
      const post = (url: string, origin = page) =>
        http({
          method: "POST",
          url: url + "/chat/completions",
          headers: { origin, authorization: "Bearer sk-test" },
          json: { messages: [{ role: "user", content: "hi" }] }
        })

      it(`cors: true answers a preflight itself, allowing the asked method and headers (${name})`, () =>
        withServer(testing.completion({ content: "first" }), { cors: true }, async (server) => {
          const response = await preflight(server.url)
          expect(response.status).toBe(204)
          expect(response.headers["access-control-allow-origin"]).toBe("*")
          expect(response.headers["access-control-allow-methods"]).toBe("POST")
          // Authorization cannot be allowed by a wildcard: the asked names are echoed.
          expect(response.headers["access-control-allow-headers"]).toBe("authorization,content-type")
          // The preflight is neither recorded nor answered from the script.
          expect(server.requests()).toHaveLength(0)
          const body = JSON.parse((await post(server.url)).text) as {
            readonly choices: ReadonlyArray<{ readonly message: { readonly content: string } }>
          }
          expect(body.choices[0]!.message.content).toBe("first")
        }))

      it(`cors: true lets the page read completions, streams and error statuses (${name})`, () =>
        withServer(
          [testing.completion(), testing.stream({ deltas: ["a", "b"] }), testing.error(429, { retryAfter: 3 })],
          { cors: true },
          async (server) => {
            const completion = await post(server.url)
            const stream = await post(server.url)
            const error = await post(server.url)
            for (const response of [completion, stream, error]) {
              expect(response.headers["access-control-allow-origin"]).toBe("*")
              expect(response.headers["access-control-expose-headers"]).toBe("*")
            }
            const events = stream.text.split(/\n\n/).filter((event) => event.startsWith("data: "))
            expect(events.at(-1)).toBe("data: [DONE]")
            expect([error.status, error.headers["retry-after"]]).toEqual([429, "3"])
          }
        ))

      it(`allowedOrigins reflects an allowed origin and gives others no CORS headers (${name})`, () =>
        withServer(testing.completion(), { cors: { allowedOrigins: [page] } }, async (server) => {
          const allowed = await preflight(server.url)
          expect(allowed.headers["access-control-allow-origin"]).toBe(page)
          expect(allowed.headers["vary"]).toBe("Origin")
          const denied = await preflight(server.url, "https://elsewhere.example")
          expect(denied.status).toBe(204)
          expect(denied.headers["access-control-allow-origin"]).toBeUndefined()
          expect(denied.headers["access-control-allow-headers"]).toBeUndefined()
          const deniedPost = await post(server.url, "https://elsewhere.example")
          expect(deniedPost.headers["access-control-allow-origin"]).toBeUndefined()
          const allowedPost = await post(server.url)
          expect(allowedPost.headers["access-control-allow-origin"]).toBe(page)
        }))

      it(`without cors a preflight is an ordinary request: recorded, 404, no CORS headers (${name})`, () =>
        withServer(testing.completion(), {}, async (server) => {
          const response = await preflight(server.url)
          expect(response.status).toBe(404)
          expect(response.headers["access-control-allow-origin"]).toBeUndefined()
          const completion = await post(server.url)
          expect(completion.headers["access-control-allow-origin"]).toBeUndefined()
          expect(server.requests().map((r) => r.method)).toEqual(["OPTIONS", "POST"])
        }))
    }

    it("listen answers a plain fetch with the CORS headers too", () =>
      withServer(testing.completion(), { cors: true }, async (server) => {
        const response = await fetch(server.url + "/chat/completions", {
          method: "POST",
          headers: { origin: page, "content-type": "application/json" },
          body: JSON.stringify({ messages: [] })
        })
        expect(response.headers.get("access-control-allow-origin")).toBe("*")
        await response.arrayBuffer()
      }))
  })
}
