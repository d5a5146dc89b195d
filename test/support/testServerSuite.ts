/**
 * The body of the `TestServer` test, shared by both editions (`test/test-server.test.ts`,
 * `effect4/test/test-server.test.ts`): the emulator over a real socket as a raw HTTP client meets it
 * (completions, SSE one byte per write, resets, sequences, other routes, pauses, mid-stream errors, a
 * 20,000-chunk body, `setScript`, concurrent streams, `listen` from Promise code, `flushEachWrite`).
 * A wire exchange, so Effect-free: each edition passes its vitest functions, its `Testing` replies,
 * its `TestServer.make` as a `Listen` and its `TestServer.listen`, its calls (`calls.ts`) per
 * HttpClient (their raw `exchange`) and its SSE test parser; what drives the Effect runtime
 * (interrupting a reader, closing the server's scope) stays in each edition's file.
 */
import * as Http from "node:http"
import { pause } from "../../src/internal/emulator/replies.js"
import { type Exchanged, resetError } from "./calls.js"
import { type Listen, type Script, type Server, serving, type Wired } from "./suite.js"

/** A decoded wire value, read loosely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Wire = any

/** What the suite needs of an edition (`R`: its `Testing.Reply`). */
export interface Edition<R> extends Wired<R> {
  /** `TestServer.make` run as a Promise (`madeServer`). */
  readonly make: Listen<R>
}

/** Reads a response over a plain Node socket: how many reads its body came in, and its text. */
const countReads = (url: string, body: string) =>
  new Promise<{ reads: number; text: string }>((resolve, reject) => {
    const req = Http.request(`${url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" }
    }, (res) => {
      let reads = 0
      let text = ""
      res.setEncoding("utf8")
      res.on("data", (d: string) => {
        reads++
        text += d
      })
      res.on("end", () => resolve({ reads, text }))
      res.on("error", reject)
    })
    req.on("error", reject)
    req.end(body)
  })

export const testServerSuite = <R>(
  { clients, describe, edition, expect, it, listen, make, parseSse, testing: Testing }: Edition<R>
) => {
  const made = <A>(script: Script<R>, body: (server: Server<R>) => Promise<A>) => serving(make, script, body)
  const json = (response: Exchanged): Wire => JSON.parse(response.text)
  const [, undici] = clients[0]!

  describe("TestServer", () => {
    for (const [name, calls] of clients) {
      const post = (server: Server<R>, body?: unknown, path = "/chat/completions") =>
        calls.exchange(server.url + path, body)

      it(`serves a completion at {url}/chat/completions (${name})`, () =>
        made(Testing.completion({ content: "Paris." }), async (server) => {
          expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/)
          const response = await post(server)
          const body = json(response)
          expect(response.status).toBe(200)
          expect(response.headers["x-generation-id"]).toBe(body.id)
          expect(body.choices[0].message.content).toBe("Paris.")
        }))

      it(`streams SSE written one byte per write intact (${name})`, () =>
        made(Testing.stream({ deltas: ["héllo", " → ", "🌍"], writeSize: 1 }), async (server) => {
          const { error, text } = await post(server)
          expect(error).toBeUndefined()
          const sse = parseSse(text)
          expect(sse.data.at(-1)).toBe("[DONE]")
          expect(sse.chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("héllo → 🌍")
        }))

      it(`a reset gives the client the chunks written so far, then a transport error (${name})`, () =>
        made(Testing.reset({ after: 5 }), async (server) => {
          const { error, text } = await post(server)
          const [tag, reason] = resetError[edition] as readonly [string, string?]
          expect((error as Wire)?._tag).toBe(tag)
          if (reason !== undefined) expect((error as Wire).reason._tag).toBe(reason)
          expect(parseSse(text).data).toHaveLength(5)
          expect(server.aborted()).toBe(0)
        }))
    }

    const post = (server: Server<R>, body?: unknown, path = "/chat/completions") =>
      undici.exchange(server.url + path, body)

    it("records method, path, URL, lower-cased headers and the parsed body", () =>
      made(Testing.completion(), async (server) => {
        await undici.exchange(server.url + "/chat/completions", { model: "x/y", messages: [] }, {
          "Authorization": "Bearer sk-test",
          "HTTP-Referer": "https://example.com"
        })
        const [request] = server.requests()
        if (request === undefined) throw new Error("no request recorded")
        expect(request.method).toBe("POST")
        expect(request.path).toBe("/api/v1/chat/completions")
        expect(request.url).toBe(server.url + "/chat/completions")
        expect(request.headers.authorization).toBe("Bearer sk-test")
        expect(request.headers["http-referer"]).toBe("https://example.com")
        expect(request.body).toEqual({ model: "x/y", messages: [] })
        expect(request.text).toBe("{\"model\":\"x/y\",\"messages\":[]}")
      }))

    it("answers a sequence in order and past its end with a 500 naming the request", () =>
      made([Testing.error(429, { retryAfter: 1 }), Testing.completion()], async (server) => {
        const first = await post(server)
        const second = await post(server)
        const third = await post(server)
        expect([first.status, second.status, third.status]).toEqual([429, 200, 500])
        expect(first.headers["retry-after"]).toBe("1")
        expect(json(third).error.message).toMatch(/no scripted answer for request #3/)
      }))

    it("answers other routes with a 404 JSON error", () =>
      made(Testing.completion(), async (server) => {
        const response = await post(server, {}, "/models")
        expect(response.status).toBe(404)
        expect(json(response).error.code).toBe(404)
      }))

    it("waits out Pause pieces and headersDelay, then sends the whole body", () =>
      made(
        Testing.delay(Testing.raw({ body: ["a", pause("20 millis"), "b"] }), "20 millis"),
        async (server) => {
          expect((await post(server)).text).toBe("ab")
        }
      ))

    it("renders a mid-stream error chunk and ends without [DONE]", () =>
      made(Testing.midStreamError({ after: 2, code: 502 }), async (server) => {
        const { error, text } = await post(server)
        const sse = parseSse(text)
        expect(error).toBeUndefined()
        expect(sse.data).not.toContain("[DONE]")
        expect(sse.chunks.at(-1)).toMatchObject({ error: { code: 502 }, choices: [{ finish_reason: "error" }] })
      }))

    it("streams a 20,000-chunk lazy body in 64-byte writes complete and in order", () =>
      made(Testing.stream({ deltas: Testing.pieces(20_000), writeSize: 64 }), async (server) => {
        const sse = parseSse((await post(server)).text)
        expect(sse.data).toHaveLength(20_003)
        expect(sse.chunks.slice(0, 20_000).map((c) => c.choices[0].delta.content).join("")).toBe(
          [...Testing.pieces(20_000)].join("")
        )
      }))

    it("setScript answers later requests from the new script", () =>
      made(Testing.completion(), async (server) => {
        const before = await post(server)
        await server.setScript(Testing.error(401))
        const after = await post(server)
        expect([before.status, after.status]).toEqual([200, 401])
      }))

    it("a body read to its end is not counted as a client close", () =>
      made(Testing.stream({ deltas: ["a"] }), async (server) => {
        await post(server)
        await post(server)
        expect(server.aborted()).toBe(0)
      }))

    it("listen gives Promise code a server to use and close", async () => {
      const server = await listen(Testing.emulator)
      const response = await fetch(server.url + "/chat/completions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "a/b", messages: [{ role: "user", content: "ping" }] })
      }).then((r) => r.json() as Promise<Wire>)
      expect(response.model).toBe("a/b")
      expect(response.choices[0].message.content).toContain("ping")
      expect(server.requests()).toHaveLength(1)
      await server.close()
    })

    it("several concurrent streams are served independently", () =>
      made((_, index) => Testing.stream({ deltas: [`#${index}`] }), async (server) => {
        const results = await Promise.all(Array.from({ length: 4 }, () => post(server)))
        const contents = results.map(({ text }) => parseSse(text).chunks[0]!.choices[0].delta.content).sort()
        expect(contents).toEqual(["#0", "#1", "#2", "#3"])
        expect(server.requests()).toHaveLength(4)
      }))
  })

  describe("TestServer flushEachWrite", () => {
    it("delivers each write as a read of its own over the socket", () =>
      made(Testing.raw({ body: "x".repeat(40), writeSize: 1, flushEachWrite: true }), async (server) => {
        const { reads, text } = await countReads(server.url, "{}")
        expect(text).toBe("x".repeat(40))
        // Without flushEachWrite Node batches the 40 writes into one or two segments.
        expect(reads).toBeGreaterThan(20)
      }))
  })
}
