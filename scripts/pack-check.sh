#!/usr/bin/env bash
# Packs the library and installs it in a fresh consumer project with the README's own install lines
# (the `npm install` lines of the Effect 3 section of the sh block under "## Install", with `effect-openrouter`
# replaced by the tarball), so the README cannot drift from what installs. Then:
# - imports every subpath (ESM) and makes real calls through the packed package;
# - requires every subpath (CommonJS, Node >= 20.19 loads the ES module itself);
# - imports and requires each subpath as a program's first, each in a process of its own (scripts/first-import.sh);
# - type-checks an ESM consumer (module NodeNext) and a CommonJS consumer (module NodeNext and
#   Node16), and runs the CommonJS consumer tsc emitted;
# - type-checks every subpath, ESM and CommonJS, under `module` nodenext, node16 and bundler with
#   `skipLibCheck: false` (scripts/typecheck-consumer.sh);
# - runs @arethetypeswrong/cli and publint on the tarball;
# - shows that npm refuses to install the package next to effect 4.
# Expects `npm run build` to have run. Set PACK_CHECK_KEEP=1 to keep the consumer folder.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
if [ -z "${PACK_CHECK_KEEP:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "consumer kept in $work"; fi
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

cd "$root"
tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -n 1)"
echo "packed $(basename "$tarball") ($(du -h "$tarball" | cut -f1))"

# The README's install lines, as a user would copy them.
mapfile -t install_lines < <(node scripts/readme-install.mjs)
[ "${#install_lines[@]}" -gt 0 ] || { echo "pack check failed: no install line in the README"; exit 1; }

mkdir "$work/consumer"
cd "$work/consumer"
cat > package.json <<'JSON'
{ "name": "consumer", "version": "1.0.0", "private": true, "type": "module" }
JSON
for line in "${install_lines[@]}"; do
  # shellcheck disable=SC2001
  cmd="$(sed "s#\(^\| \)effect-openrouter\(@[^ ]*\)\{0,1\}\( \|$\)#\1$tarball\3#" <<<"$line")"
  echo "\$ $line"
  if ! output="$($cmd --no-audit --no-fund 2>&1)"; then
    echo "$output"; echo "pack check failed: the README line '$line' does not install"; exit 1
  fi
  if grep -qiE 'ERESOLVE|overriding peer|conflicting peer' <<<"$output"; then
    echo "$output"; echo "pack check failed: the README line '$line' installs only with a peer conflict"; exit 1
  fi
done
node -e '
for (const p of ["effect", "@effect/platform", "@effect/platform-node"]) {
  try { console.log(`  installed ${p}@${require(`${p}/package.json`).version}`) } catch {}
}'
# The README's lines are what got installed: each range allows the installed version, the tarball is effect-openrouter, npm ls clean.
node "$root/scripts/readme-install.mjs" verify effect3 "$work/consumer" "$tarball"
# Every subpath but the @effect/ai provider, whose optional peers this consumer does not install
# (pack-check-ai.sh checks it, with and without them).
subpaths="$(node -p 'Object.keys(require("effect-openrouter/package.json").exports).filter((k) => k !== "./package.json" && k !== "./OpenRouterLanguageModel").map((k) => "effect-openrouter" + k.slice(1)).join(" ")')"

cat > check.mjs <<'JS'
import * as Root from "effect-openrouter"
import * as Chat from "effect-openrouter/Chat"
import * as Errors from "effect-openrouter/Errors"
import * as Generation from "effect-openrouter/Generation"
import * as Schema from "effect-openrouter/Schema"
import * as Retry from "effect-openrouter/Retry"
import * as Telemetry from "effect-openrouter/Telemetry"
import * as Testing from "effect-openrouter/Testing"
import * as TestServer from "effect-openrouter/TestServer"
import { FetchHttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import * as Structured from "effect-openrouter/Structured"
import * as StructuredError from "effect-openrouter/StructuredError"
import * as Tool from "effect-openrouter/Tool"
import * as Toolkit from "effect-openrouter/Toolkit"
import * as ToolLoop from "effect-openrouter/ToolLoop"
import * as ToolError from "effect-openrouter/ToolError"
import { Effect, Layer, Redacted } from "effect"

const expect = (cond, what) => { if (!cond) { console.error("pack check failed:", what); process.exit(1) } }
expect(typeof Root.Chat.send === "function" && Root.Chat.send === Chat.send, "Chat.send at root and subpath")
expect(typeof Root.OpenRouterConfig.layer === "function", "OpenRouterConfig.layer")
expect(Root.Errors.BadRequestResponseError === Errors.BadRequestResponseError, "Errors subpath")
expect(Root.Schema.ChatRequest === Schema.ChatRequest, "Schema subpath")
expect(typeof Retry.make === "function", "Retry subpath")
for (const subpath of process.argv.slice(2)) await import(subpath)
expect(Root.Generation.get === Generation.get, "Generation subpath")
expect(Root.Structured.send === Structured.send, "Structured subpath")
expect(Root.StructuredError.RefusalError === StructuredError.RefusalError, "StructuredError subpath")
expect(Root.Tool.make === Tool.make && Root.Toolkit.make === Toolkit.make, "Tool and Toolkit subpaths")
expect(Root.ToolLoop.run === ToolLoop.run && Root.ToolError.MaxRoundsError === ToolError.MaxRoundsError, "ToolLoop and ToolError subpaths")
expect(Root.Telemetry.tokenUsage === Telemetry.tokenUsage, "Telemetry subpath")

// Real calls against the packed emulator, through the packed client, with both HttpClients.
const server = await TestServer.listen(Testing.completion({ content: "packed ok" }))
for (const http of [FetchHttpClient.layer, NodeHttpClient.layerUndici]) {
  const config = Root.OpenRouterConfig.layer({ apiKey: Redacted.make("sk-test"), baseUrl: server.url })
  const response = await Chat.send({ messages: [{ role: "user", content: "hi" }] }).pipe(
    Effect.provide(Layer.merge(http, config)),
    Effect.runPromise
  )
  expect(response.choices[0].message.content === "packed ok", "a completion through the packed package")
  const stats = await Generation.get(response.id).pipe(Effect.provide(Layer.merge(http, config)), Effect.runPromise)
  expect(stats.id === response.id, "its generation looked up through the packed package")
}
await server.close()
console.log("pack check ok: ESM import of every subpath, completions and their generations through the packed package")
JS
node check.mjs $subpaths

cat > check.cjs <<'JS'
"use strict"
const expect = (cond, what) => { if (!cond) { console.error("pack check failed:", what); process.exit(1) } }
const Root = require("effect-openrouter")
const Chat = require("effect-openrouter/Chat")
expect(typeof Root.Chat.send === "function" && Root.Chat.send === Chat.send, "require: Chat.send at root and subpath")
for (const subpath of process.argv.slice(2)) expect(Object.keys(require(subpath)).length > 0, `require("${subpath}")`)
// The same module instance as `import`: one copy of every class and tag.
import("effect-openrouter").then((esm) => {
  expect(esm.Errors.ConnectionError === Root.Errors.ConnectionError, "require and import share one module instance")
  console.log("pack check ok: CommonJS require of every subpath")
})
JS
node check.cjs $subpaths
bash "$root/scripts/first-import.sh" node $subpaths
# The command the README's quick start runs without a key, from the installed package (its `bin`).
npm exec --no -- effect-openrouter-emulator --help | grep -q -- "--models <list>" ||
  { echo "pack check failed: npx effect-openrouter-emulator --help"; exit 1; }
echo "pack check ok: npx effect-openrouter-emulator runs from the installed package"

cat > check.ts <<'TS'
import { Chat, Errors, OpenRouterConfig } from "effect-openrouter"
import type { Effect } from "effect"
declare const e: Errors.SendError
const tag: string = e._tag
const eff: Effect.Effect<unknown, Errors.SendError, unknown> = Chat.send({ messages: [] })
void tag; void eff; void OpenRouterConfig
TS
# Every subpath imported from an ES module and from a CommonJS one (.cts), so that both the .d.ts and
# the .d.cts declarations are read, with the libraries' declarations checked (`skipLibCheck: false`,
# TypeScript's default, which a project that checks its dependencies keeps).
bash "$root/scripts/typecheck-consumer.sh" "$root/node_modules/.bin/tsc" check.ts $subpaths

# A CommonJS TypeScript project: type-checks, then runs what tsc emitted (require calls).
mkdir cjs && cd cjs
cat > package.json <<'JSON'
{ "name": "consumer-cjs", "version": "1.0.0", "private": true }
JSON
cat > main.ts <<'TS'
import { FetchHttpClient } from "@effect/platform"
import { Effect, Layer, Redacted } from "effect"
import { Chat, Errors, OpenRouterConfig } from "effect-openrouter"
import * as Testing from "effect-openrouter/Testing"

const explain = (e: Errors.SendError): string => `${e._tag}: ${e.message}`
const program: Effect.Effect<string, never, never> = Chat.send({ messages: [{ role: "user", content: "hi" }] }).pipe(
  Effect.map((response) => String(response.choices[0]?.message?.content ?? "")),
  Effect.catchAll((e) => Effect.succeed(explain(e))),
  Effect.provide(Layer.merge(Testing.layer(Testing.completion({ content: "cjs ok" })), OpenRouterConfig.layer({ apiKey: Redacted.make("sk-test") })))
)
const ignored: unknown = FetchHttpClient.layer
void ignored
Effect.runPromise(program).then((content) => {
  if (content !== "cjs ok") throw new Error(`pack check failed: the CommonJS program answered ${content}`)
})
TS
for module in NodeNext Node16; do
  cat > tsconfig.json <<JSON
{ "compilerOptions": { "strict": true, "module": "$module", "moduleResolution": "$module", "target": "ES2022", "outDir": "out-$module", "skipLibCheck": false, "types": [] }, "files": ["main.ts"] }
JSON
  "$root/node_modules/.bin/tsc" -p tsconfig.json
  grep -q 'require("effect-openrouter")' "out-$module/main.js" || { echo "pack check failed: tsc ($module) did not emit CommonJS"; exit 1; }
  node "out-$module/main.js"
  echo "pack check ok: a CommonJS consumer type-checks (module $module) and runs"
done
cd ..

echo "\$ attw --pack --profile node16 (node10 resolution is not supported: subpaths need an exports-aware resolver)"
"$root/node_modules/.bin/attw" "$tarball" --profile node16 --format ascii > attw.txt || { cat attw.txt; echo "pack check failed: attw"; exit 1; }
echo "pack check ok: @arethetypeswrong/cli finds no problem (node16 CJS and ESM, bundler)"
"$root/node_modules/.bin/publint" run "$tarball" --strict > publint.txt 2>&1 || { cat publint.txt; echo "pack check failed: publint"; exit 1; }
echo "pack check ok: publint (strict): $(tail -n 1 publint.txt)"

# Effect 4 is not supported: npm must refuse to put the package next to it.
mkdir "$work/effect4" && cd "$work/effect4"
echo '{ "name": "consumer-effect4", "version": "1.0.0", "private": true }' > package.json
if output="$(npm install --dry-run "$tarball" effect@^4 2>&1)"; then
  echo "$output"; echo "pack check failed: npm would install the package next to effect 4"; exit 1
fi
grep -q ERESOLVE <<<"$output" || { echo "$output"; echo "pack check failed: expected ERESOLVE next to effect 4"; exit 1; }
echo "pack check ok: npm refuses to install it next to effect 4 (ERESOLVE)"

# --- issue 16: the @effect/ai provider subpath (its own script; see scripts/pack-check-ai.sh) ---
bash "$root/scripts/pack-check-ai.sh" "$tarball"
