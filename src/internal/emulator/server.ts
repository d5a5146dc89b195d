/**
 * The loopback transport: a `node:http` server that answers from a Script, writing each Reply
 * with real timers, respecting backpressure, and noting when a client leaves before the end.
 * Effect-free, shared by both editions: each edition's `TestServer` passes `millis`, which reads
 * a Reply's durations with its `Duration`.
 *
 * @internal
 */
import * as Http from "node:http"
import type * as Net from "node:net"
import { shownValue } from "../transport/snapshot.js"
import { startTimer } from "../transport/timer.js"
import * as Cors from "./cors.js"
import { GenerationLog, isGenerationRoute, type Watch } from "./generations.js"
import { problemOf, readIterable, readObject, readString, Unreadable } from "./guard.js"
import * as Render from "./render.js"
import * as Replies from "./replies.js"
import type * as Testing from "./types.js"

/** @internal */
export const BASE_PATH = "/api/v1"

/** @internal */
export interface ListenOptions {
  readonly port?: number
  readonly host?: string
  readonly cors?: Cors.Options
}

/**
 * A plain copy of the options of `TestServer.listen` / `make` (`who`), each read once; throws an
 * `Unreadable` naming the first one it cannot use.
 *
 * @internal
 */
export const readListenOptions = (who: string, given: ListenOptions | undefined): ListenOptions => {
  const options = readObject(who, "options", given)
  const { cors, port } = options
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new Unreadable(`${who}: options.port must be an integer from 0 to 65535, got ${shownValue(port)}`)
  }
  readString(who, "options.host", options.host)
  if (cors === undefined || typeof cors === "boolean") return options
  const origins = readObject(who, "options.cors", cors, true).allowedOrigins
  const allowedOrigins = [...readIterable(who, "options.cors.allowedOrigins", origins)]
  for (const origin of allowedOrigins) readString(who, "options.cors.allowedOrigins[]", origin, true)
  return { ...options, cors: { allowedOrigins } }
}

/** `TestServer.listen`'s options, or an `Error` naming the first it cannot use (its Promise rejects with it). @internal */
export const listenOptions = (who: string, given: ListenOptions | undefined): ListenOptions => {
  try {
    return readListenOptions(who, given)
  } catch (e) {
    throw new Error(problemOf(who, e))
  }
}

/**
 * `TestServer.make`'s script and options. It has no error channel: options it cannot use give a
 * server on the default options whose every answer is the emulator's 500 naming them.
 *
 * @internal
 */
export const scriptAndOptions = (
  who: string,
  script: Testing.Script,
  given: ListenOptions | undefined
): { readonly script: Testing.Script; readonly options: ListenOptions } =>
  Replies.scriptAndOptions(who, script, () => readListenOptions(who, given))

/** @internal */
export interface Server {
  readonly url: string
  readonly port: number
  readonly host: string
  readonly requests: () => ReadonlyArray<Testing.RecordedRequest>
  readonly clientClosed: () => number
  readonly whenClientClosed: (count: number) => Promise<void>
  readonly setScript: (script: Testing.Script) => void
  readonly close: () => Promise<void>
}

const headerRecord = (headers: Http.IncomingHttpHeaders): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value
  }
  return out
}

const readBody = (req: Http.IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    req.on("error", () => resolve(Buffer.concat(chunks).toString("utf8")))
    req.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")))
  })

const encode = (text: string): Uint8Array => Buffer.from(text, "utf8")

/** @internal */
export const listen = (
  initial: Testing.Script,
  millis: (duration: unknown) => number,
  options: ListenOptions = {}
): Promise<Server> => {
  let script = initial
  let routed = 0
  let closed = 0
  let shuttingDown = false
  const requests: Array<Testing.RecordedRequest> = []
  const waiters = new Set<{ readonly count: number; readonly resolve: () => void }>()
  const sockets = new Set<Net.Socket>()
  const host = options.host ?? "127.0.0.1"
  const generations = new GenerationLog()

  const noteClientClose = (): void => {
    closed++
    for (const waiter of waiters) {
      if (closed >= waiter.count) {
        waiters.delete(waiter)
        waiter.resolve()
      }
    }
  }

  const respond = async (req: Http.IncomingMessage, res: Http.ServerResponse, origin: string): Promise<void> => {
    let gone = false
    let serverEnded = false
    let drain: (() => void) | undefined
    const goneWaiters = new Set<() => void>()
    res.on("close", () => {
      if (gone) return
      gone = true
      if (!serverEnded && !res.writableEnded && !shuttingDown) noteClientClose()
      const resolve = drain
      drain = undefined
      resolve?.()
      for (const waiter of goneWaiters) waiter()
      goneWaiters.clear()
    })
    res.on("drain", () => {
      const resolve = drain
      drain = undefined
      resolve?.()
    })
    // Swallow write errors after the peer left: 'close' does the bookkeeping.
    res.on("error", () => {})

    let flushEachWrite = false
    let watch: Watch | undefined
    const sink: Render.Sink = {
      encode,
      millis,
      write: (chunk) => {
        if (gone) return undefined
        watch?.write(chunk)
        if (flushEachWrite) {
          // Wait until the write has left, then give the event loop a turn: one read per write.
          return new Promise<void>((resolve) => {
            res.write(chunk, () => setImmediate(resolve))
          })
        }
        if (res.write(chunk)) return undefined
        return new Promise<void>((resolve) => {
          drain = resolve
        })
      },
      sleep: (millis) =>
        new Promise<void>((resolve) => {
          if (gone) return resolve()
          // A pause longer than a timer holds (Infinity) waits for the client to leave.
          const done = (): void => {
            cancel()
            goneWaiters.delete(done)
            resolve()
          }
          const cancel = startTimer(millis, done)
          goneWaiters.add(done)
        }),
      gone: () => gone
    }

    const text = await readBody(req)
    const url = new URL(req.url ?? "/", origin)
    const recorded: Testing.RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      url: url.toString(),
      headers: headerRecord(req.headers),
      body: Replies.parseBody(text),
      text
    }
    requests.push(recorded)
    const isChat = recorded.method === "POST" && url.pathname === BASE_PATH + "/chat/completions"
    const reply = isChat
      ? Replies.replyTo(script, recorded, routed++, millis)
      : isGenerationRoute(recorded.method, url.pathname) && url.pathname === BASE_PATH + "/generation"
      ? generations.reply(recorded)
      : Replies.notFound(recorded)

    flushEachWrite = reply.flushEachWrite === true
    if (reply.headersDelay !== undefined) {
      await sink.sleep(millis(reply.headersDelay))
      if (gone) return
    }
    const dropConnection = (): void => {
      serverEnded = true
      res.socket?.destroy()
    }
    if (isChat) watch = generations.watch(reply, recorded)
    try {
      const allowed = Cors.allowOrigin(options.cors, req.headers.origin)
      res.writeHead(
        reply.status,
        allowed === undefined ? { ...reply.headers } : {
          ...reply.headers,
          ...Cors.responseHeaders(allowed)
        }
      )
      res.flushHeaders()
      if (!(await Render.writeBody(reply, sink))) return
      switch (reply.ending ?? "end") {
        case "end":
          res.end()
          return
        case "reset": {
          // Half-close after the written bytes are flushed, so the client receives the whole
          // prefix and then sees the connection end mid-body, then destroy.
          serverEnded = true
          const socket = res.socket
          if (socket === null) return
          socket.end(() => socket.destroy())
          return
        }
        case "hang":
          await Render.hold(reply, sink)
          return
      }
    } catch {
      // A header the Reply cannot carry, or a body iterable that threw: drop the connection.
      if (!gone) dropConnection()
    } finally {
      // The generation's stats appear now; `cancelled` when the client went away before the end.
      watch?.end(gone && !serverEnded)
    }
  }

  const server = Http.createServer({ keepAliveTimeout: 120_000 }, (req, res) => {
    const requestMethod = req.headers["access-control-request-method"]
    if (
      req.method === "OPTIONS" && requestMethod !== undefined && options.cors !== undefined && options.cors !== false
    ) {
      // A CORS preflight: answered by the server itself, not recorded, not taken from the script.
      const allowed = Cors.allowOrigin(options.cors, req.headers.origin)
      req.resume()
      res.writeHead(
        204,
        allowed === undefined
          ? { "content-length": "0" }
          : Cors.preflightHeaders(allowed, requestMethod, req.headers["access-control-request-headers"])
      )
      res.end()
      return
    }
    const address = server.address() as Net.AddressInfo
    respond(req, res, `http://${hostForUrl(address.address)}:${address.port}`).catch(() => {
      res.destroy()
    })
  })
  server.requestTimeout = 0
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.setNoDelay(true)
    socket.on("close", () => sockets.delete(socket))
  })

  return new Promise<Server>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject)
      const address = server.address() as Net.AddressInfo
      const port = address.port
      const url = `http://${hostForUrl(address.address)}:${port}${BASE_PATH}`
      resolve({
        url,
        port,
        host: address.address,
        requests: () => requests.slice(),
        clientClosed: () => closed,
        whenClientClosed: (count) =>
          closed >= count ? Promise.resolve() : new Promise<void>((resolve) => {
            waiters.add({ count, resolve })
          }),
        setScript: (next) => {
          script = next
        },
        close: () =>
          new Promise<void>((resolve) => {
            shuttingDown = true
            server.close(() => resolve())
            server.closeAllConnections()
            for (const socket of sockets) socket.destroy()
          })
      })
    })
  })
}

const hostForUrl = (address: string): string => address.includes(":") ? `[${address}]` : address
