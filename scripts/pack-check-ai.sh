#!/usr/bin/env bash
# The @effect/ai provider in the packed package (called by pack-check.sh with the tarball's path):
# 1. a consumer WITHOUT @effect/ai installs the package, imports the root and every other subpath,
#    and no file of the package but the provider's names @effect/ai;
# 2. a consumer WITH @effect/ai 0.37 runs generateText and streamText through the packed provider
#    against the packed emulator, and its TypeScript resolves the subpath's types (ESM and CommonJS,
#    module nodenext, node16 and bundler, skipLibCheck false).
# Usage: bash scripts/pack-check-ai.sh path/to/effect-openrouter-x.y.z.tgz
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tarball="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

version() { node -p "require('$root/node_modules/$1/package.json').version"; }
effect_version="$(version effect)"
platform_version="$(version @effect/platform)"
ai_version="$(version @effect/ai)"
experimental_version="$(version @effect/experimental)"
rpc_version="$(version @effect/rpc)"
# With skipLibCheck off, @effect/ai's declarations reach msgpackr's (through @effect/experimental),
# which need Node's types: the README's install lines include @types/node for that reason.

# --- 1. without @effect/ai ----------------------------------------------------------------------
mkdir "$work/plain"
cd "$work/plain"
echo '{ "name": "plain", "version": "1.0.0", "private": true, "type": "module" }' > package.json
npm install --no-audit --no-fund --loglevel=error "$tarball" "effect@$effect_version" "@effect/platform@$platform_version"
if [ -e node_modules/@effect/ai ]; then
  echo "pack check (ai) failed: @effect/ai was installed though it is an optional peer"
  exit 1
fi
cat > check.mjs <<'JS'
const pkg = JSON.parse(await (await import("node:fs/promises")).readFile("node_modules/effect-openrouter/package.json", "utf8"))
const subpaths = Object.keys(pkg.exports).filter((k) => k !== "./package.json" && k !== "./OpenRouterLanguageModel")
for (const subpath of subpaths) await import(subpath === "." ? "effect-openrouter" : `effect-openrouter/${subpath.slice(2)}`)
const failed = await import("effect-openrouter/OpenRouterLanguageModel").then(() => false, (e) => e.code === "ERR_MODULE_NOT_FOUND")
if (!failed) { console.error("pack check (ai) failed: the provider imported without @effect/ai?"); process.exit(1) }
console.log(`pack check (ai) ok: root and ${subpaths.length - 1} subpaths import without @effect/ai`)
JS
node check.mjs
offenders="$(grep -rlE '@effect/(ai|experimental|rpc)' node_modules/effect-openrouter/dist \
  | grep -vE '/dist/(OpenRouterLanguageModel|internal/provider/mapping|internal/provider/languageModel)\.(js|cjs|d\.ts|d\.cts)(\.map)?$' || true)"
if [ -n "$offenders" ]; then
  echo "pack check (ai) failed: these files name @effect/ai or its peers:"
  echo "$offenders"
  exit 1
fi
echo "pack check (ai) ok: only the provider's files name @effect/ai"

# --- 2. with @effect/ai -------------------------------------------------------------------------
mkdir "$work/ai"
cd "$work/ai"
echo '{ "name": "ai", "version": "1.0.0", "private": true, "type": "module" }' > package.json
npm install --no-audit --no-fund --loglevel=error "$tarball" "effect@$effect_version" \
  "@effect/platform@$platform_version" "@effect/ai@$ai_version" "@effect/experimental@$experimental_version" \
  "@effect/rpc@$rpc_version" "@types/node@$(version @types/node)"
cat > check.mjs <<'JS'
import { LanguageModel } from "@effect/ai"
import { FetchHttpClient } from "@effect/platform"
import { Effect, Layer, Redacted, Stream } from "effect"
import { OpenRouterConfig, Testing } from "effect-openrouter"
import * as OpenRouterLanguageModel from "effect-openrouter/OpenRouterLanguageModel"
import * as TestServer from "effect-openrouter/TestServer"

const server = await TestServer.listen([
  Testing.completion({ content: "packed provider ok" }),
  Testing.stream({ deltas: ["str", "eamed"] })
])
const program = Effect.gen(function*() {
  const response = yield* LanguageModel.generateText({ prompt: "hi" })
  const streamed = yield* LanguageModel.streamText({ prompt: "hi" }).pipe(
    Stream.runFold("", (text, part) => part.type === "text-delta" ? text + part.delta : text)
  )
  return [response.text, streamed]
})
const [text, streamed] = await program.pipe(
  Effect.provide(OpenRouterLanguageModel.layer({ model: "openai/gpt-4o-mini" })),
  Effect.provide(Layer.merge(
    FetchHttpClient.layer,
    OpenRouterConfig.layer({ apiKey: Redacted.make("sk-test"), baseUrl: server.url })
  )),
  Effect.runPromise
)
await server.close()
if (text !== "packed provider ok" || streamed !== "streamed") {
  console.error("pack check (ai) failed:", text, streamed)
  process.exit(1)
}
console.log("pack check (ai) ok: generateText and streamText through the packed provider")
JS
node check.mjs
cat > check.ts <<'TS'
import type { LanguageModel } from "@effect/ai"
import type { Layer } from "effect"
import * as OpenRouterLanguageModel from "effect-openrouter/OpenRouterLanguageModel"
const layer: Layer.Layer<LanguageModel.LanguageModel, never, OpenRouterLanguageModel.Requirements> =
  OpenRouterLanguageModel.layer({ model: "openai/gpt-4o-mini", config: { provider: { order: ["openai"] } } })
void layer
TS
# The provider's declarations augment @effect/ai's Prompt and Response interfaces: checked with
# skipLibCheck false (an augmentation that does not fit @effect/ai's index signatures fails only then).
bash "$root/scripts/typecheck-consumer.sh" "$root/node_modules/.bin/tsc" check.ts \
  effect-openrouter effect-openrouter/OpenRouterLanguageModel
echo "pack check (ai) ok: types resolve for effect-openrouter/OpenRouterLanguageModel"
