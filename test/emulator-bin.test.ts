/**
 * The Effect 3 edition's `effect-openrouter-emulator` bin (`src/internal/emulator/cli.ts`): the body is
 * shared with the Effect 4 edition's (`test/support/emulatorBinSuite.ts`).
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterEach, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { fileURLToPath } from "node:url"
import { Chat, OpenRouterConfig } from "../src/index.js"
import { emulatorBinSuite, type Sent } from "./support/emulatorBinSuite.js"

const send = (url: string, model: string): Promise<Sent> =>
  Chat.send({ model, messages: [{ role: "user", content: "Hi" }] }).pipe(
    Effect.map((r): Sent => ({
      ok: true,
      provider: r.provider,
      model: r.model,
      content: r.choices[0]?.message?.content
    })),
    Effect.catchAll((e) => Effect.succeed<Sent>({ ok: false, tag: e._tag, message: e.message })),
    Effect.provide(Layer.merge(
      OpenRouterConfig.layer({ apiKey: Redacted.make("any-value"), baseUrl: url, retry: false }),
      NodeHttpClient.layerUndici
    )),
    Effect.runPromise
  )

emulatorBinSuite({
  describe,
  it,
  expect,
  afterEach,
  edition: "effect3",
  root: fileURLToPath(new URL("..", import.meta.url)),
  entry: "src/internal/emulator/cli.ts",
  script: "test/support/emulator-script.ts",
  send
})
