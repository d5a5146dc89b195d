/**
 * The Effect 4 edition's `effect-openrouter-emulator` bin (`effect4/src/internal/emulator/cli.ts`): the
 * body is shared with the Effect 3 edition's (`test/support/emulatorBinSuite.ts`).
 */
import { afterEach, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { fileURLToPath } from "node:url"
import { emulatorBinSuite, type Sent } from "../../test/support/emulatorBinSuite.js"
import { Chat, OpenRouterConfig } from "../src/index.js"

const send = (url: string, model: string): Promise<Sent> =>
  Chat.send({ model, messages: [{ role: "user", content: "Hi" }] }).pipe(
    Effect.map((r): Sent => ({
      ok: true,
      provider: r.provider,
      model: r.model,
      content: r.choices[0]?.message?.content
    })),
    Effect.catch((e) => Effect.succeed<Sent>({ ok: false, tag: e._tag, message: e.message })),
    Effect.provide(Layer.merge(
      OpenRouterConfig.layer({ apiKey: Redacted.make("any-value"), baseUrl: url, retry: false }),
      FetchHttpClient.layer
    )),
    Effect.runPromise
  )

emulatorBinSuite({
  describe,
  it,
  expect,
  afterEach,
  edition: "effect4",
  root: fileURLToPath(new URL("../..", import.meta.url)),
  entry: "effect4/src/internal/emulator/cli.ts",
  script: "effect4/test/support/emulator-script.ts",
  send
})
