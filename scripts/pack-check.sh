#!/usr/bin/env bash
# Packs the library and imports it from a fresh consumer project, as a user would install it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$root"
tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
echo "packed $tarball ($(du -h "$work/$tarball" | cut -f1))"

effect_version="$(node -p 'require("./node_modules/effect/package.json").version')"
platform_version="$(node -p 'require("./node_modules/@effect/platform/package.json").version')"

mkdir "$work/consumer"
cd "$work/consumer"
cat > package.json <<JSON
{ "name": "consumer", "version": "1.0.0", "private": true, "type": "module" }
JSON
npm install --no-audit --no-fund --loglevel=error "$work/$tarball" "effect@$effect_version" "@effect/platform@$platform_version"

cat > check.mjs <<'JS'
import * as Root from "effect-openrouter"
import * as Chat from "effect-openrouter/Chat"
import * as Errors from "effect-openrouter/Errors"
import * as Schema from "effect-openrouter/Schema"
import * as Retry from "effect-openrouter/Retry"
import * as Telemetry from "effect-openrouter/Telemetry"
import * as Testing from "effect-openrouter/Testing"
import * as TestServer from "effect-openrouter/TestServer"
import { Effect, Layer, Redacted } from "effect"

const expect = (cond, what) => { if (!cond) { console.error("pack check failed:", what); process.exit(1) } }
expect(typeof Root.Chat.send === "function" && Root.Chat.send === Chat.send, "Chat.send at root and subpath")
expect(typeof Root.OpenRouterConfig.layer === "function", "OpenRouterConfig.layer")
expect(Root.Errors.BadRequestResponseError === Errors.BadRequestResponseError, "Errors subpath")
expect(Root.Schema.ChatRequest === Schema.ChatRequest, "Schema subpath")
expect(typeof Retry.make === "function", "Retry subpath")
expect(Root.Telemetry.tokenUsage === Telemetry.tokenUsage, "Telemetry subpath")

// One real call against the packed emulator, through the packed client.
const server = await TestServer.listen(Testing.completion({ content: "packed ok" }))
const { FetchHttpClient } = await import("@effect/platform")
const response = await Chat.send({ messages: [{ role: "user", content: "hi" }] }).pipe(
  Effect.provide(Layer.merge(
    FetchHttpClient.layer,
    Root.OpenRouterConfig.layer({ apiKey: Redacted.make("sk-test"), baseUrl: server.url })
  )),
  Effect.runPromise
)
await server.close()
expect(response.choices[0].message.content === "packed ok", "a completion through the packed package")
console.log("pack check ok: root, subpaths and a completion through the packed package")
JS
node check.mjs

cat > check.ts <<'TS'
import { Chat, Errors, OpenRouterConfig } from "effect-openrouter"
import type { Effect } from "effect"
declare const e: Errors.SendError
const tag: string = e._tag
const eff: Effect.Effect<unknown, Errors.SendError, unknown> = Chat.send({ messages: [] })
void tag; void eff; void OpenRouterConfig
TS
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "strict": true, "module": "NodeNext", "moduleResolution": "NodeNext", "target": "ES2022", "noEmit": true, "skipLibCheck": true, "types": [] }, "files": ["check.ts"] }
JSON
"$root/node_modules/.bin/tsc" -p tsconfig.json
echo "pack check ok: types resolve for the root export"
