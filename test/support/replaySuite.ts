/**
 * The body of the replay suite, shared by both editions (`test/replay.test.ts`,
 * `effect4/test/replay.test.ts`): every response recorded from live OpenRouter traffic (and from a few
 * OpenAI-compatible providers) in `../shared/openrouter/recorded/` (see `SOURCES.md` there), served
 * byte for byte from a loopback server and read through `Chat.send`, `Chat.stream` and `Chat.collect`
 * on both HTTP clients. The data stays outside the repository: the directory is found beside the
 * repository (`<repo>/../shared`), beside a worktree's parent, or at `$OPENROUTER_RECORDED_DIR`;
 * where it is absent, the suite says so and skips.
 *
 * - `NAME.json`: `Chat.send` returns the body unchanged; the body streamed (`Testing.streamOf`) and
 *   folded by `Chat.collect` equals what `Chat.send` returned.
 * - `NAME.sse`: `Chat.stream` emits one chunk per `data:` event, each equal to the event's JSON; an
 *   error chunk fails the stream with `MidStreamError` after the chunks before it; `Chat.collect`
 *   folds content, reasoning, details, tool calls, finish reasons, usage and the envelope exactly.
 * - `NAME.error.json`: `Chat.send` and `Chat.stream` fail with the class of the status (of `error.code`
 *   for an error inside a 2xx), OpenRouter's message and code, the metadata as sent, the provider's
 *   name and own message, and the `Retry-After` delay when the header is there.
 *
 * A wire exchange, so Effect-free: each edition passes its vitest functions, its `Testing` replies,
 * its `TestServer.listen`, its calls (`calls.ts`) per HttpClient, its SSE parser and two `Errors`
 * readers.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { type CallError, failure, success } from "./calls.js"
import { expectedFold } from "./expectedFold.js"
import { serving, type Wired } from "./suite.js"

/** A decoded wire value, read loosely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Wire = any

/** What the suite needs of an edition (`R`: its `Testing.Reply`). */
export interface Edition<R> extends Wired<R> {
  /** `describe.skipIf`: the suite skips, saying why, where the recorded data is absent. */
  readonly describeIf: (condition: boolean) => (name: string, body: () => void) => unknown
}

// The repository root (this file is in test/support/).
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..")
const candidates = [
  process.env["OPENROUTER_RECORDED_DIR"],
  path.resolve(repoRoot, "..", "shared", "openrouter", "recorded"),
  // A git worktree under <workspace>/wt/<name> has the shared data two levels up.
  path.resolve(repoRoot, "..", "..", "shared", "openrouter", "recorded")
].filter((dir): dir is string => dir !== undefined && dir !== "")
const recordedDir = candidates.find((dir) => fs.existsSync(path.join(dir, "SOURCES.md")))

const request = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] }

const tagOf: Readonly<Record<number, string>> = {
  400: "BadRequestResponseError",
  401: "UnauthorizedResponseError",
  402: "PaymentRequiredResponseError",
  403: "ForbiddenResponseError",
  404: "NotFoundResponseError",
  408: "RequestTimeoutResponseError",
  413: "PayloadTooLargeResponseError",
  422: "UnprocessableEntityResponseError",
  429: "TooManyRequestsResponseError",
  500: "InternalServerResponseError",
  502: "BadGatewayResponseError",
  503: "ServiceUnavailableResponseError",
  524: "EdgeNetworkTimeoutResponseError",
  529: "ProviderOverloadedResponseError"
}

const errorChunkIndex = (chunks: ReadonlyArray<Wire>): number =>
  chunks.findIndex((c) =>
    (c.error !== undefined && c.error !== null) ||
    (c.choices as Array<Wire>).some((ch) => ch.error !== undefined && ch.error !== null)
  )

export const replaySuite = <R>(edition: Edition<R>): void => {
  const { clients, describe, describeIf, errors, expect, it, listen, parseSse, testing: Testing } = edition
  if (recordedDir === undefined) {
    console.warn(
      `replay suite skipped: no recorded responses at ${candidates.join(" or ")} ` +
        "(clone the shared data beside the repository, or set OPENROUTER_RECORDED_DIR)"
    )
  }

  const files = recordedDir === undefined ? [] : fs.readdirSync(recordedDir).sort()
  const jsonCases = files.filter((f) => f.endsWith(".json") && !f.endsWith(".error.json"))
  const sseCases = files.filter((f) => f.endsWith(".sse"))
  const errorCases = files.filter((f) => f.endsWith(".error.json"))
  const read = (name: string): string => fs.readFileSync(path.join(recordedDir!, name), "utf8")

  describeIf(recordedDir !== undefined)("replay of recorded traffic", () => {
    it("has the 62 recorded cases SOURCES.md lists", async () => {
      expect([jsonCases.length, sseCases.length, errorCases.length]).toEqual([19, 24, 19])
    })

    for (const [client, calls] of clients) {
      describe(`over ${client}`, () => {
        for (const name of jsonCases) {
          describe(name, () => {
            const text = read(name)
            const body = JSON.parse(text) as Wire
            const json = Testing.raw({ headers: { "content-type": "application/json" }, body: text })

            it("Chat.send returns the body unchanged", () =>
              serving(listen, json, async (server) => {
                expect(success(await calls.send(server.url, request))).toEqual(body)
              }))

            it("Chat.collect over the body streamed equals what Chat.send returns", () =>
              serving(listen, [json, Testing.streamOf(body, { pieceLength: 7 })], async (server) => {
                const sent = success(await calls.send(server.url, request))
                const collected = success(await calls.collect(server.url, request))
                expect(collected).toEqual(sent)
              }))
          })
        }

        for (const name of sseCases) {
          describe(name, () => {
            const text = read(name)
            const events = parseSse(text)
            const all = events.chunks as ReadonlyArray<Wire>
            const errorAt = errorChunkIndex(all)
            const before = errorAt < 0 ? all : all.slice(0, errorAt)
            const reply = Testing.raw({ headers: { "content-type": "text/event-stream" }, body: text })

            it("Chat.stream emits every data event unchanged, one chunk each", () =>
              serving(listen, reply, async (server) => {
                const { chunks, error } = await calls.drain(server.url, request)
                expect(chunks).toEqual(before)
                if (errorAt < 0) {
                  expect(error).toBeUndefined()
                  return
                }
                const chunk = all[errorAt]
                const wire = chunk.error ?? (chunk.choices as Array<Wire>).find((ch) => ch.error)?.error
                expect(error?._tag).toBe("MidStreamError")
                if (error?._tag !== "MidStreamError") return
                expect(error.message).toBe(wire.message)
                expect(error.code).toBe(wire.code)
                expect(error.metadata).toEqual(wire.metadata ?? undefined)
                expect(error.generationId).toBe(expectedFold(all.slice(0, errorAt + 1)).id)
              }))

            it("Chat.collect folds content, reasoning, tool calls, usage and the envelope exactly", () =>
              serving(listen, reply, async (server) => {
                const result = await calls.collect(server.url, request)
                if (errorAt >= 0) {
                  expect(failure(result)._tag).toBe("MidStreamError")
                  return
                }
                const response = success(result) as Wire
                const expected = expectedFold(before)
                expect(response.id).toBe(expected.id)
                expect(response.model).toBe(expected.model)
                expect(response.created).toBe(expected.created)
                expect(response.object).toBe("chat.completion")
                expect(response.usage).toEqual(expected.usage)
                for (const key of expected.envelopeKeys) expect(response).toHaveProperty([key])
                expect(response.choices.map((c: Wire) => c.index)).toEqual(expected.choices.map((c) => c.index))
                expected.choices.forEach((want, i) => {
                  const choice = response.choices[i]
                  const message = choice.message
                  expect(message.content).toBe(want.content)
                  expect(message.reasoning).toEqual(want.reasoning)
                  expect(message.reasoning_content).toEqual(want.reasoning_content)
                  expect(message.reasoning_details).toEqual(want.reasoning_details)
                  expect(message.images).toEqual(want.images)
                  expect(message.annotations).toEqual(want.annotations)
                  expect((message.tool_calls ?? []).map((tc: Wire) => ({
                    id: tc.id,
                    name: tc.function.name,
                    arguments: tc.function.arguments
                  }))).toEqual(want.tool_calls.map((tc) => ({ id: tc.id, name: tc.name, arguments: tc.arguments })))
                  expect(choice.finish_reason).toBe(want.finish_reason)
                  expect(choice.native_finish_reason).toBe(want.native_finish_reason)
                })
              }))
          })
        }

        for (const name of errorCases) {
          describe(name, () => {
            const recorded = JSON.parse(read(name)) as {
              status: number
              headers: Record<string, string>
              body: Wire
            }
            const wire = recorded.body.error
            const code = wire.code
            const effective = recorded.status < 300 && typeof code === "number" && code >= 400 ? code : recorded.status
            const tag = tagOf[effective] ?? "OpenRouterDefaultError"
            const reply = Testing.raw({
              status: recorded.status,
              headers: recorded.headers,
              body: JSON.stringify(recorded.body)
            })
            const raw = wire.metadata?.raw

            const check = (error: CallError) => {
              expect(error._tag).toBe(tag)
              if (!errors.isStatusError(error)) return
              expect(error.status).toBe(effective)
              expect(error.message).toBe(wire.message)
              expect(error.code).toBe(code ?? undefined)
              expect(error.metadata).toEqual(wire.metadata ?? undefined)
              expect(error.availability).toEqual(wire.availability ?? undefined)
              expect(error.body).toEqual(recorded.body)
              const retryAfter = recorded.headers["retry-after"]
              const millis = errors.retryAfterMillis(error)
              expect(millis === undefined ? undefined : millis / 1000).toBe(
                retryAfter === undefined ? undefined : Number(retryAfter)
              )
              expect(error.providerName).toBe(wire.metadata?.provider_name ?? undefined)
              if (typeof raw === "string") {
                let upstream: Wire = raw
                try {
                  upstream = JSON.parse(raw)
                } catch {
                  // not JSON: the text itself
                }
                expect(error.providerError).toEqual(upstream)
                expect(error.providerMessage).toBe(typeof upstream === "string" ? upstream : upstream.error.message)
                expect(String(error)).toContain(error.providerMessage)
              } else {
                expect(error.providerMessage).toBeUndefined()
              }
            }

            it(`Chat.send fails with ${tag}, OpenRouter's message, the metadata and the provider's words`, () =>
              serving(listen, reply, async (server) => check(failure(await calls.send(server.url, request)))))

            it(`Chat.stream fails with ${tag} the same way`, () =>
              serving(listen, reply, async (server) => {
                const { chunks, error } = await calls.drain(server.url, request)
                expect(chunks).toEqual([])
                check(error!)
              }))
          })
        }
      })
    }
  })
}
