/**
 * The body of the configured-headers part of the config test, shared by both editions
 * (`test/config.test.ts`, `effect4/test/config.test.ts`): what `OpenRouterConfig.layer` and the per-call
 * options put on the wire, and the header values (configured, per call, the key itself) refused before
 * anything is sent, without echoing the key. Effect-free: each edition passes its vitest functions, its
 * version and a `sendWith` that runs `Chat.send` with a user-style fake HttpClient (`HttpClient.make`)
 * recording what it was asked to send.
 */
import type { Outcome } from "./calls.js"
import type { Vitest } from "./suite.js"

/** A request as the fake HttpClient recorded it. */
export interface Sent {
  readonly url: string
  readonly headers: Record<string, string>
  readonly body: unknown
}

/** What the suite needs of an edition. */
export interface Edition extends Vitest {
  /** The edition's `User-Agent` version. */
  readonly version: string
  /**
   * `Chat.send(request, call)` with `OpenRouterConfig.layer({ ...config, apiKey: Redacted.make(apiKey) })`
   * over the fake HttpClient: how it ended and what was sent.
   */
  readonly sendWith: (
    config: { readonly apiKey: string } & Readonly<Record<string, unknown>>,
    call?: Readonly<Record<string, unknown>>
  ) => Promise<{ readonly outcome: Outcome<unknown>; readonly sent: ReadonlyArray<Sent> }>
}

/** The key the suite configures (it must never show in an error). */
export const SECRET = "sk-or-v1-very-secret-key-0123456789"

export const configSuite = ({ describe, expect, it, sendWith, version }: Edition): void => {
  describe("OpenRouterConfig", () => {
    it("sends every configured header", async () => {
      const { sent } = await sendWith({
        apiKey: SECRET,
        baseUrl: "http://example.test/api/v1/",
        httpReferer: "https://my.app",
        appTitle: "My App",
        appCategories: ["cli-agent", "cloud-agent"],
        metadata: true,
        headers: { "X-Custom": "1" }
      })
      expect(sent).toHaveLength(1)
      expect(sent[0]!.url).toBe("http://example.test/api/v1/chat/completions")
      expect(sent[0]!.headers).toMatchObject({
        "authorization": `Bearer ${SECRET}`,
        "http-referer": "https://my.app",
        "x-openrouter-title": "My App",
        "x-title": "My App",
        "x-openrouter-categories": "cli-agent,cloud-agent",
        "x-openrouter-metadata": "enabled",
        "user-agent": `effect-openrouter/${version}`,
        "content-type": "application/json",
        "accept": "application/json",
        "x-custom": "1"
      })
    })

    it("lets per-call headers win over configured ones", async () => {
      const { sent } = await sendWith(
        { apiKey: SECRET, appTitle: "Configured", metadata: true },
        { headers: { "X-Title": "Per call", "User-Agent": "mine/1" }, metadata: false }
      )
      expect(sent[0]!.headers["x-title"]).toBe("Per call")
      expect(sent[0]!.headers["x-openrouter-title"]).toBe("Configured")
      expect(sent[0]!.headers["user-agent"]).toBe("mine/1")
      expect(sent[0]!.headers["x-openrouter-metadata"]).toBeUndefined()
    })

    it("rejects a header value with a line break as InvalidRequestError and sends nothing", async () => {
      const { outcome, sent } = await sendWith({ apiKey: SECRET }, { headers: { "X-Evil": "a\r\nInjected: yes" } })
      if (outcome.ok) throw new Error("expected a failure")
      expect(outcome.error._tag).toBe("InvalidRequestError")
      expect((outcome.error.issues as ReadonlyArray<{ readonly path: string }>)[0]!.path).toBe("headers.x-evil")
      expect(sent).toHaveLength(0)
    })

    it("rejects a configured appTitle with a newline", async () => {
      const { outcome, sent } = await sendWith({ apiKey: SECRET, appTitle: "x\ny" })
      if (outcome.ok) throw new Error("expected a failure")
      expect(outcome.error._tag).toBe("InvalidRequestError")
      expect(sent).toHaveLength(0)
    })

    it("rejects an API key with a line break without echoing it", async () => {
      const { outcome, sent } = await sendWith({ apiKey: `${SECRET}\nx` })
      if (outcome.ok) throw new Error("expected a failure")
      expect(outcome.error._tag).toBe("InvalidRequestError")
      expect(JSON.stringify(outcome.error)).not.toContain(SECRET)
      expect(outcome.error.message).not.toContain(SECRET)
      expect(sent).toHaveLength(0)
    })
  })
}
