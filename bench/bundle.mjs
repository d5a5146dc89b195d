#!/usr/bin/env node
// Bundle size of a program that sends one chat completion and streams one (the fetch client, as a
// web app, a worker or an edge function ships it): both editions of effect-openrouter, OpenRouter's
// own SDK (@openrouter/sdk), and the floors the editions stand on (Effect 3 and Effect 4 with their
// FetchHttpClient and nothing else). esbuild --bundle --minify (tree-shaken) --platform=browser
// --format=esm, gzip level 9. Each send+stream bundle is then run on Node against a TestServer and
// its output checked: a size counts only for a working program.
//
//   node bench/bundle.mjs                  prints the table (markdown)
//   node bench/bundle.mjs --metafile DIR   also writes each bundle and esbuild's metafile to DIR
//                                          (`npx esbuild --analyze`-style input: what pulls weight)
//   node bench/bundle.mjs --check          exits 1 when the Effect 4 edition's send+stream bundle
//                                          is larger than @openrouter/sdk's (the issue's target)
//   node bench/bundle.mjs --write          also writes bench/micro/bundle.md (RESULTS.md keeps it)
//
// Needs both editions built (`npm run build`, `npm run build:effect4`) and bench/node_modules
// (`cd bench && npm install`) for @openrouter/sdk. Each program resolves `effect` from its own
// edition's folder: the root's node_modules (Effect 3) or effect4/node_modules (Effect 4).
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { gzipSync } from "node:zlib"

const BENCH = Path.dirname(fileURLToPath(import.meta.url))
const ROOT = Path.dirname(BENCH)
const EFFECT4 = Path.join(ROOT, "effect4")

const args = process.argv.slice(2)
const metafileDir = args.includes("--metafile") ? Path.resolve(args[args.indexOf("--metafile") + 1]) : undefined
const check = args.includes("--check")

const REQUEST = JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "bundle" }] })
const SENT = "bundle sent"
const DELTAS = ["str", "eam", "ed ✓"]
const EXPECTED = `${SENT}\n${DELTAS.join("")}\n`

// Every program reads the server from `globalThis.BASE_URL` (set by the check's runner), prints the
// completion's content, then the streamed deltas as one line.
const prelude = [
  "const baseUrl = globalThis.BASE_URL ?? \"https://openrouter.ai/api/v1\"",
  `const request = ${REQUEST}`,
  "let streamed = \"\""
].join("\n")

// The Effect editions' program: what the README's quick start does, sending then streaming.
const effectProgram = (kind) =>
  [
    "const program = Effect.gen(function*() {",
    ...(kind !== "stream" ? ["  console.log((yield* Chat.send(request)).choices[0].message.content)"] : []),
    ...(kind !== "send"
      ? [
        "  yield* Stream.runForEach(Chat.stream(request), (chunk) => Effect.sync(() => { streamed += chunk.choices[0]?.delta?.content ?? \"\" }))",
        "  console.log(streamed)"
      ]
      : []),
    "})",
    "await Effect.runPromise(Effect.provide(program, layer))"
  ].join("\n")

const CONTENDERS = [
  {
    name: "effect4",
    label: "effect-openrouter, Effect 4 edition",
    resolveDir: EFFECT4,
    needs: Path.join(EFFECT4, "dist", "index.js"),
    program: (kind) =>
      [
        "import { Chat, OpenRouterConfig } from \"./dist/index.js\"",
        "import { Effect, Layer, Redacted, Stream } from \"effect\"",
        "import { FetchHttpClient } from \"effect/http\"",
        prelude,
        "const layer = OpenRouterConfig.layer({ apiKey: Redacted.make(\"k\"), baseUrl, retry: false }).pipe(Layer.provideMerge(FetchHttpClient.layer))",
        effectProgram(kind)
      ].join("\n")
  },
  {
    name: "effect3",
    label: "effect-openrouter, Effect 3 edition",
    resolveDir: ROOT,
    needs: Path.join(ROOT, "dist", "index.js"),
    program: (kind) =>
      [
        "import { Chat, OpenRouterConfig } from \"./dist/index.js\"",
        "import { Effect, Layer, Redacted, Stream } from \"effect\"",
        "import * as FetchHttpClient from \"@effect/platform/FetchHttpClient\"",
        prelude,
        "const layer = OpenRouterConfig.layer({ apiKey: Redacted.make(\"k\"), baseUrl, retry: false }).pipe(Layer.provideMerge(FetchHttpClient.layer))",
        effectProgram(kind)
      ].join("\n")
  },
  {
    name: "openrouter-sdk",
    label: "@openrouter/sdk (`new OpenRouter()`, `chat.send`)",
    resolveDir: BENCH,
    needs: Path.join(BENCH, "node_modules", "@openrouter", "sdk", "package.json"),
    program: (kind) =>
      [
        "import { OpenRouter } from \"@openrouter/sdk\"",
        prelude,
        "const client = new OpenRouter({ apiKey: \"k\", serverURL: baseUrl })",
        ...(kind !== "stream"
          ? ["console.log((await client.chat.send({ chatRequest: request })).choices[0].message.content)"]
          : []),
        ...(kind !== "send"
          ? [
            "for await (const chunk of await client.chat.send({ chatRequest: { ...request, stream: true } })) streamed += chunk.choices[0]?.delta?.content ?? \"\"",
            "console.log(streamed)"
          ]
          : [])
      ].join("\n")
  },
  {
    name: "openrouter-sdk-core",
    label: "@openrouter/sdk, standalone functions (`OpenRouterCore`, `chatSend`)",
    resolveDir: BENCH,
    needs: Path.join(BENCH, "node_modules", "@openrouter", "sdk", "package.json"),
    program: (kind) =>
      [
        "import { OpenRouterCore } from \"@openrouter/sdk/core.js\"",
        "import { chatSend } from \"@openrouter/sdk/funcs/chatSend.js\"",
        prelude,
        "const client = new OpenRouterCore({ apiKey: \"k\", serverURL: baseUrl })",
        "const ok = (result) => { if (!result.ok) throw result.error; return result.value }",
        ...(kind !== "stream"
          ? ["console.log(ok(await chatSend(client, { chatRequest: request })).choices[0].message.content)"]
          : []),
        ...(kind !== "send"
          ? [
            "for await (const chunk of ok(await chatSend(client, { chatRequest: { ...request, stream: true } }))) streamed += chunk.choices[0]?.delta?.content ?? \"\"",
            "console.log(streamed)"
          ]
          : [])
      ].join("\n")
  },
  {
    name: "effect4-floor",
    label: "Effect 4's floor: `effect/http` FetchHttpClient, `JSON.parse` per event",
    resolveDir: EFFECT4,
    needs: Path.join(EFFECT4, "node_modules", "effect", "package.json"),
    program: (kind) =>
      [
        "import { Effect, Stream } from \"effect\"",
        "import { FetchHttpClient, HttpBody, HttpClient } from \"effect/http\"",
        prelude,
        "const post = (body) => HttpClient.HttpClient.use((client) => HttpClient.filterStatusOk(client).post(`${baseUrl}/chat/completions`, { headers: { authorization: \"Bearer k\" }, body: HttpBody.jsonUnsafe(body) }))",
        floorProgram(kind, "Effect.flatMap(post(request), (res) => res.json)"),
        "await Effect.runPromise(Effect.provide(program, FetchHttpClient.layer))"
      ].join("\n")
  },
  {
    name: "effect4-empty",
    label:
      "Effect 4, empty: `Effect.runPromise` of a program that only takes `effect/http`'s HttpClient from `FetchHttpClient.layer`",
    resolveDir: EFFECT4,
    needs: Path.join(EFFECT4, "node_modules", "effect", "package.json"),
    expected: "",
    program: () =>
      [
        "import { Effect } from \"effect\"",
        "import { FetchHttpClient, HttpClient } from \"effect/http\"",
        "await Effect.runPromise(Effect.provide(HttpClient.HttpClient.use(() => Effect.void), FetchHttpClient.layer))"
      ].join("\n")
  },
  {
    name: "effect3-floor",
    label: "Effect 3's floor: `@effect/platform` FetchHttpClient, `JSON.parse` per event",
    resolveDir: ROOT,
    needs: Path.join(ROOT, "node_modules", "@effect", "platform", "package.json"),
    program: (kind) =>
      [
        "import { Effect, Stream } from \"effect\"",
        "import * as FetchHttpClient from \"@effect/platform/FetchHttpClient\"",
        "import * as HttpBody from \"@effect/platform/HttpBody\"",
        "import * as HttpClient from \"@effect/platform/HttpClient\"",
        prelude,
        "const post = (body) => Effect.flatMap(HttpClient.HttpClient, (client) => HttpClient.filterStatusOk(client).post(`${baseUrl}/chat/completions`, { headers: { authorization: \"Bearer k\" }, body: HttpBody.unsafeJson(body) }))",
        floorProgram(kind, "Effect.flatMap(post(request), (res) => res.json)"),
        "await Effect.runPromise(Effect.provide(program, FetchHttpClient.layer))"
      ].join("\n")
  }
]

/** The floors' program: the same send and stream by hand (lines, `data: `, `JSON.parse`). */
function floorProgram(kind, send) {
  return [
    "const program = Effect.gen(function*() {",
    ...(kind !== "stream" ? [`  console.log((yield* ${send}).choices[0].message.content)`] : []),
    ...(kind !== "send"
      ? [
        "  yield* post({ ...request, stream: true }).pipe(",
        "    Effect.map((res) => res.stream), Stream.unwrap, Stream.decodeText(), Stream.splitLines,",
        "    Stream.filter((line) => line.startsWith(\"data: \")), Stream.takeWhile((line) => line !== \"data: [DONE]\"),",
        "    Stream.runForEach((line) => Effect.sync(() => { streamed += JSON.parse(line.slice(6)).choices[0]?.delta?.content ?? \"\" })))",
        "  console.log(streamed)"
      ]
      : []),
    "})"
  ].join("\n")
}

// ---------------------------------------------------------------------------------------------

const esbuild = await import("esbuild")

const bundle = async (contender, kind) => {
  const out = await esbuild.build({
    stdin: {
      contents: contender.program(kind),
      resolveDir: contender.resolveDir,
      sourcefile: `${contender.name}-${kind}.mjs`,
      loader: "js"
    },
    bundle: true,
    minify: true,
    treeShaking: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    metafile: true,
    write: false,
    logLevel: "silent"
  })
  const code = out.outputFiles[0].contents
  return { code, metafile: out.metafile, min: code.length, gz: gzipSync(code, { level: 9 }).length }
}

// The check's server: the Effect 3 edition's TestServer (root dist/), scripted by the request's `stream`.
const { listen } = await import(pathToFileURL(Path.join(ROOT, "dist", "TestServer.js")).href)
const Testing = await import(pathToFileURL(Path.join(ROOT, "dist", "Testing.js")).href)

/** Runs a bundle on Node against a fresh TestServer; resolves with why it failed, or undefined. */
const runBundle = async (contender, code, dir, expected) => {
  const server = await listen((request) =>
    request.body?.stream === true
      ? Testing.stream({ deltas: DELTAS, writeSize: 5 })
      : Testing.completion({ content: SENT })
  )
  const file = Path.join(dir, `${contender.name}.mjs`)
  Fs.writeFileSync(file, `globalThis.BASE_URL = ${JSON.stringify(server.url)};\n${Buffer.from(code).toString()}`)
  try {
    return await new Promise((resolve) => {
      const child = spawn(process.execPath, [file], { stdio: ["ignore", "pipe", "pipe"] })
      let stdout = ""
      let stderr = ""
      child.stdout.on("data", (d) => (stdout += d))
      child.stderr.on("data", (d) => (stderr += d))
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000)
      child.on("close", (exit) => {
        clearTimeout(timer)
        if (exit === 0 && stdout === expected) return resolve(undefined)
        resolve(
          `exit ${exit}, printed ${JSON.stringify(stdout.slice(0, 80))}: ${
            stderr.trim().split("\n").slice(-3).join(" | ")
          }`
        )
      })
    })
  } finally {
    await server.close()
  }
}

const kib = (bytes) => (bytes / 1024).toFixed(1)

export const measure = async () => {
  const dir = metafileDir ?? Fs.mkdtempSync(Path.join(Os.tmpdir(), "bundle-"))
  Fs.mkdirSync(dir, { recursive: true })
  const rows = []
  try {
    for (const contender of CONTENDERS) {
      if (!Fs.existsSync(contender.needs)) {
        rows.push({ contender, error: `not available (${Path.relative(ROOT, contender.needs)} missing)` })
        continue
      }
      const t0 = Date.now()
      try {
        const [send, stream, both] = await Promise.all(["send", "stream", "both"].map((k) => bundle(contender, k)))
        const broken = await runBundle(contender, both.code, dir, contender.expected ?? EXPECTED)
        if (metafileDir !== undefined) {
          Fs.writeFileSync(Path.join(dir, `${contender.name}.meta.json`), JSON.stringify(both.metafile))
        }
        rows.push({ contender, error: broken && `the bundled program does not work: ${broken}`, send, stream, both })
        console.error(`[bundle] ${contender.name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`)
      } catch (e) {
        rows.push({ contender, error: String(e?.errors?.[0]?.text ?? e?.message ?? e).split("\n")[0] })
      }
    }
  } finally {
    if (metafileDir === undefined) Fs.rmSync(dir, { recursive: true, force: true })
  }
  return rows
}

/** Minified bytes of the send+stream bundle that come from Effect itself (`effect`, `@effect/*`). */
const effectShare = (metafile) =>
  Object.entries(Object.values(metafile.outputs)[0].inputs)
    .filter(([file]) => /node_modules\/(effect|@effect\/[^/]+)\//.test(file))
    .reduce((sum, [, input]) => sum + input.bytesInOutput, 0)

export const table = (rows) => {
  const sdk = rows.find((r) => r.contender.name === "openrouter-sdk" && r.error === undefined)
  const e3 = rows.find((r) => r.contender.name === "effect3" && r.error === undefined)
  const ratio = (r, ref) => (ref === undefined ? "n/a" : `${(r.both.gz / ref.both.gz).toFixed(2)}×`)
  return [
    "| program | send+stream KiB gz | send only | stream only | send+stream minified | of which Effect's (minified) | vs @openrouter/sdk | vs Effect 3 edition |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map((r) =>
      r.error !== undefined
        ? `| ${r.contender.label} | ${r.error.replaceAll("|", "\\|")} | | | | | | |`
        : `| ${r.contender.label} | ${kib(r.both.gz)} | ${kib(r.send.gz)} | ${kib(r.stream.gz)} | ${
          kib(r.both.min)
        } | ${kib(effectShare(r.both.metafile))} | ${ratio(r, sdk)} | ${ratio(r, e3)} |`
    )
  ].join("\n")
}

const HEADING = "## Bundle size by edition (`node bench/bundle.mjs`)"
const METHOD =
  "A program that sends one completion and streams one on the fetch client, as a web app, a worker or an edge function ships it: esbuild --bundle --minify (tree-shaken) --platform=browser --format=esm, gzip level 9; each edition's `effect` from its own folder (the root's Effect 3, effect4/'s Effect 4). Each send+stream bundle is run on Node against a TestServer and its output checked before its size counts. The floors are what an edition stands on: the same send and stream written by hand on that Effect's FetchHttpClient (`JSON.parse` per event), and, for Effect 4, an empty program that only takes the HttpClient from `FetchHttpClient.layer`. \"Of which Effect's\" is the minified bytes esbuild's metafile attributes to `effect` and `@effect/*` (`--metafile DIR` writes the metafiles). Sizes do not depend on the machine's load."

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await measure()
  console.log(
    "Bundle size, send + stream (esbuild --bundle --minify --platform=browser --format=esm, fetch client, gzip -9):\n"
  )
  console.log(table(rows))
  if (args.includes("--write")) {
    // Kept in RESULTS.md across the runner's full runs, with the other bench/micro/ sections.
    const versions = (dir, names) =>
      names.map((name) =>
        `${name} ${JSON.parse(Fs.readFileSync(Path.join(dir, "node_modules", name, "package.json"), "utf8")).version}`
      )
    const section = [
      HEADING,
      "",
      `Measured ${new Date().toISOString().slice(0, 10)} (${
        [
          ...versions(EFFECT4, ["effect"]).map((v) => `${v} (Effect 4)`),
          ...versions(ROOT, ["effect", "@effect/platform", "esbuild"]).map((v) =>
            v.startsWith("effect ") ? `${v} (Effect 3)` : v
          ),
          ...versions(BENCH, ["@openrouter/sdk"])
        ].join(", ")
      }).`,
      "",
      METHOD,
      "",
      table(rows),
      ""
    ].join("\n")
    Fs.writeFileSync(Path.join(BENCH, "micro", "bundle.md"), section)
    console.log("\nwrote bench/micro/bundle.md")
  }
  const failed = rows.filter((r) => r.error !== undefined && !r.error.startsWith("not available"))
  const e4 = rows.find((r) => r.contender.name === "effect4")
  const sdk = rows.find((r) => r.contender.name === "openrouter-sdk")
  if (e4?.both !== undefined && sdk?.both !== undefined) {
    const ok = e4.both.gz <= sdk.both.gz
    console.log(
      `\nbundle target (Effect 4 edition's send+stream ≤ @openrouter/sdk's): ${ok ? "PASS" : "FAIL"} (${
        kib(e4.both.gz)
      } vs ${kib(sdk.both.gz)} KiB gz)`
    )
    if (check && !ok) process.exitCode = 1
  }
  if (failed.length > 0) process.exitCode = 1
}
