#!/usr/bin/env bash
# The Effect 4 edition's pack check: installs the packed effect4/ tarball in a fresh project with the
# README's Effect 4 install line (`effect-openrouter` replaced by the tarball, so `effect@^4.1` comes
# from the registry as a user gets it), then:
# - imports every subpath (ESM) and requires every subpath (CommonJS, one module instance);
# - imports and requires each subpath as a program's first, each in a process of its own (scripts/first-import.sh);
# - type-checks every subpath, ESM and CommonJS, under `module` nodenext and bundler with `skipLibCheck: false`
#   (scripts/typecheck-consumer.sh);
# - checks the consumer holds what the README's line installs (scripts/readme-install.mjs verify);
# - through the packed package and its packed emulator (TestServer): a completion, a stream, and every
#   error tag of `Errors.StreamError` produced for real (each status, ConnectionError, TimeoutError,
#   ResponseDecodeError, InvalidRequestError, MidStreamError), each an instance of its Errors class;
#   the type check below proves the produced tags are exactly the union's, so a tag added later fails;
# - type-checks a consumer whose `Effect.catchTags` handles every tag of `SendError` (exhaustive: a
#   missing or extra tag fails tsc), with R exactly `HttpClient | OpenRouterConfig`;
# - runs @arethetypeswrong/cli and publint on the tarball;
# - shows that npm refuses to install it next to effect 3.
# Usage: bash scripts/pack-check-effect4.sh [TARBALL]   (without one, packs effect4/ after `npm run build` there)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
if [ -z "${PACK_CHECK_KEEP:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "consumer kept in $work"; fi
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

if [ $# -ge 1 ]; then
  tarball="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
else
  tarball="$work/$(cd "$root/effect4" && npm pack --silent --pack-destination "$work" | tail -n 1)"
fi
echo "Effect 4 edition: $(basename "$tarball") ($(du -h "$tarball" | cut -f1))"

mapfile -t install_lines < <(node "$root/scripts/readme-install.mjs" effect4)
mkdir "$work/consumer" && cd "$work/consumer"
echo '{ "name": "consumer", "version": "1.0.0", "private": true, "type": "module" }' > package.json
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
node -e 'console.log(`  installed effect@${require("effect/package.json").version}`)'
# The README's line is what got installed: its ranges saved as written, the tarball's version, npm ls clean.
node "$root/scripts/readme-install.mjs" verify effect4 "$work/consumer" "$tarball"
subpaths="$(node -p 'Object.keys(require("effect-openrouter/package.json").exports).filter((k) => k !== "./package.json").map((k) => "effect-openrouter" + k.slice(1)).join(" ")')"

cat > check.mjs <<'JS'
import * as Root from "effect-openrouter"
import * as Chat from "effect-openrouter/Chat"
import * as Errors from "effect-openrouter/Errors"
import * as Testing from "effect-openrouter/Testing"
import * as TestServer from "effect-openrouter/TestServer"
import { Effect, Layer, Redacted, Stream } from "effect"
import { FetchHttpClient } from "effect/http"
import { writeFileSync } from "node:fs"

const expect = (cond, what) => { if (!cond) { console.error("pack check failed:", what); process.exit(1) } }
for (const subpath of process.argv.slice(2)) expect(Object.keys(await import(subpath)).length > 0, `import("${subpath}")`)
expect(Root.Chat.send === Chat.send && Root.Errors.ConnectionError === Errors.ConnectionError, "root and subpaths are one module")

const request = { model: "m", messages: [{ role: "user", content: "hi" }] }
const run = async (reply, effect, options = {}) => {
  const server = await TestServer.listen(reply)
  try {
    const config = Root.OpenRouterConfig.layer({ apiKey: Redacted.make("sk-test"), baseUrl: server.url, retry: false, ...options })
    return await effect.pipe(Effect.provide(Layer.merge(FetchHttpClient.layer, config)), Effect.runPromise)
  } finally {
    await server.close()
  }
}
const sent = await run(Testing.completion({ content: "packed ok" }), Chat.send(request))
expect(sent.choices[0].message.content === "packed ok", "a completion through the packed package")
const chunks = await run(Testing.stream({ deltas: ["str", "eam"] }), Stream.runCollect(Chat.stream(request)))
expect(chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("") === "stream", "a stream through the packed package")

const errorOf = (reply, effect, options) => run(reply, Effect.flip(effect), options)
const cases = [
  ...[[400, "BadRequestResponseError"], [401, "UnauthorizedResponseError"], [402, "PaymentRequiredResponseError"],
    [403, "ForbiddenResponseError"], [404, "NotFoundResponseError"], [408, "RequestTimeoutResponseError"],
    [413, "PayloadTooLargeResponseError"], [422, "UnprocessableEntityResponseError"], [429, "TooManyRequestsResponseError"],
    [500, "InternalServerResponseError"], [502, "BadGatewayResponseError"], [503, "ServiceUnavailableResponseError"],
    [524, "EdgeNetworkTimeoutResponseError"], [529, "ProviderOverloadedResponseError"], [418, "OpenRouterDefaultError"]]
    .map(([status, tag]) => [tag, () => errorOf(Testing.error(status), Chat.send(request))]),
  ["ConnectionError", () => errorOf(Testing.reset({ after: 1 }), Stream.runDrain(Chat.stream(request)))],
  ["TimeoutError", () => errorOf(Testing.hang(), Stream.runDrain(Chat.stream(request)), { idleTimeout: "50 millis" })],
  ["ResponseDecodeError", () => errorOf(Testing.raw({ body: "not json" }), Chat.send(request))],
  ["InvalidRequestError", () => errorOf(Testing.completion({}), Chat.send({ messages: "nope" }))],
  ["MidStreamError", () => errorOf(Testing.midStreamError({ after: 1 }), Stream.runDrain(Chat.stream(request)))]
]
for (const [tag, produce] of cases) {
  const error = await produce()
  expect(error._tag === tag, `expected ${tag}, got ${error._tag}`)
  expect(typeof Errors[tag] === "function" && error instanceof Errors[tag], `${tag} is an instance of Errors.${tag}`)
}
// check.ts proves these are exactly the tags of Errors.StreamError: a tag added to the union and not produced here fails tsc.
writeFileSync("covered.ts", `export const covered = ${JSON.stringify(cases.map(([tag]) => tag))} as const\n`)
console.log(`pack check ok (effect4): every subpath imports; send, stream and ${cases.length} error tags through the packed package`)
JS
node check.mjs $subpaths

cat > check.cjs <<'JS'
"use strict"
const expect = (cond, what) => { if (!cond) { console.error("pack check failed:", what); process.exit(1) } }
const Root = require("effect-openrouter")
for (const subpath of process.argv.slice(2)) expect(Object.keys(require(subpath)).length > 0, `require("${subpath}")`)
import("effect-openrouter").then((esm) => {
  expect(esm.Errors.ConnectionError === Root.Errors.ConnectionError, "require and import share one module instance")
  console.log("pack check ok (effect4): CommonJS require of every subpath")
})
JS
node check.cjs $subpaths
bash "$root/scripts/first-import.sh" node $subpaths
# Every subpath type-checked as a consumer that checks its dependencies (`skipLibCheck: false`), ESM and
# CommonJS, under TypeScript's defaults otherwise (no `exactOptionalPropertyTypes`).
MODULES="nodenext bundler" bash "$root/scripts/typecheck-consumer.sh" "$root/effect4/node_modules/.bin/tsc" "" $subpaths
# The command the README's quick start runs without a key, from the installed package (its `bin`).
npm exec --no -- effect-openrouter-emulator --help | grep -q -- "--models <list>" ||
  { echo "pack check failed: npx effect-openrouter-emulator --help"; exit 1; }
echo "pack check ok (effect4): npx effect-openrouter-emulator runs from the installed package"

# The same checks on Node 22 (effect4/ installs node@22 as a devDependency): with the system Node (20.20
# here, the edition's floor is 20.19 for require(esm)) that makes two Node majors.
node22="$root/effect4/node_modules/node/bin/node"
if [ -x "$node22" ]; then
  echo "on $("$node22" --version):"
  "$node22" check.mjs $subpaths
  "$node22" check.cjs $subpaths
  bash "$root/scripts/first-import.sh" "$node22" $subpaths
fi

cat > check.ts <<'TS'
import { Effect } from "effect"
import type { HttpClient } from "effect/http"
import { Chat, type Errors, type OpenRouterConfig } from "effect-openrouter"
import type { covered } from "./covered.js"

// The tags check.mjs produced for real are exactly the tags of StreamError (SendError's and MidStreamError).
type Covered = (typeof covered)[number]
type Union = Errors.StreamError["_tag"]
const allCovered: [Union] extends [Covered] ? true : { missing: Exclude<Union, Covered> } = true
const noneExtra: [Covered] extends [Union] ? true : { extra: Exclude<Covered, Union> } = true

const sent = Chat.send({ messages: [{ role: "user", content: "hi" }] })
// R is exactly HttpClient | OpenRouterConfig (both directions).
const r1: Effect.Effect<unknown, Errors.SendError, HttpClient.HttpClient | OpenRouterConfig> = sent
type R = Effect.Services<typeof sent>
const r2: [R] extends [HttpClient.HttpClient | OpenRouterConfig] ? ([HttpClient.HttpClient | OpenRouterConfig] extends [R] ? true : false) : false = true
// Every tag handled: the result has no error left; a tag the union lacks would not type-check.
const handled: Effect.Effect<string, never, HttpClient.HttpClient | OpenRouterConfig> = sent.pipe(
  Effect.map(() => "ok"),
  Effect.catchTags({
    BadRequestResponseError: (e) => Effect.succeed(e._tag),
    UnauthorizedResponseError: (e) => Effect.succeed(e._tag),
    PaymentRequiredResponseError: (e) => Effect.succeed(e._tag),
    ForbiddenResponseError: (e) => Effect.succeed(e._tag),
    NotFoundResponseError: (e) => Effect.succeed(e._tag),
    RequestTimeoutResponseError: (e) => Effect.succeed(e._tag),
    PayloadTooLargeResponseError: (e) => Effect.succeed(e._tag),
    UnprocessableEntityResponseError: (e) => Effect.succeed(e._tag),
    TooManyRequestsResponseError: (e) => Effect.succeed(e._tag),
    InternalServerResponseError: (e) => Effect.succeed(e._tag),
    BadGatewayResponseError: (e) => Effect.succeed(e._tag),
    ServiceUnavailableResponseError: (e) => Effect.succeed(e._tag),
    EdgeNetworkTimeoutResponseError: (e) => Effect.succeed(e._tag),
    ProviderOverloadedResponseError: (e) => Effect.succeed(e._tag),
    OpenRouterDefaultError: (e) => Effect.succeed(e._tag),
    ConnectionError: (e) => Effect.succeed(e._tag),
    TimeoutError: (e) => Effect.succeed(e._tag),
    ResponseDecodeError: (e) => Effect.succeed(e._tag),
    InvalidRequestError: (e) => Effect.succeed(e._tag)
  })
)
void r1; void r2; void handled; void allCovered; void noneExtra
TS
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "strict": true, "module": "NodeNext", "moduleResolution": "NodeNext", "target": "ES2022", "noEmit": true, "skipLibCheck": true, "types": [] }, "files": ["check.ts", "covered.ts"] }
JSON
"$root/effect4/node_modules/.bin/tsc" -p tsconfig.json
echo "pack check ok (effect4): a consumer type-checks (NodeNext): R is HttpClient | OpenRouterConfig, catchTags covers every SendError tag, the tags produced are exactly StreamError's"

"$root/node_modules/.bin/attw" "$tarball" --profile node16 --format ascii > attw.txt || { cat attw.txt; echo "pack check failed: attw"; exit 1; }
echo "pack check ok (effect4): @arethetypeswrong/cli finds no problem"
"$root/node_modules/.bin/publint" run "$tarball" --strict > publint.txt 2>&1 || { cat publint.txt; echo "pack check failed: publint"; exit 1; }
echo "pack check ok (effect4): publint (strict): $(tail -n 1 publint.txt)"

mkdir "$work/effect3" && cd "$work/effect3"
echo '{ "name": "consumer-effect3", "version": "1.0.0", "private": true }' > package.json
if output="$(npm install --dry-run "$tarball" effect@^3.22 2>&1)"; then
  echo "$output"; echo "pack check failed: npm would install the Effect 4 edition next to effect 3"; exit 1
fi
grep -q ERESOLVE <<<"$output" || { echo "$output"; echo "pack check failed: expected ERESOLVE next to effect 3"; exit 1; }
echo "pack check ok (effect4): npm refuses to install it next to effect 3 (ERESOLVE)"
