// Side by side with @effect/ai-openrouter (installed in bench/ only): the same scripted answers,
// served by the project's emulator (dist/), through `LanguageModel.generateText` and `streamText`
// of our provider (@effect/ai 0.37) and of @effect/ai-openrouter 0.10.1 (@effect/ai 0.35). Prints
// the parts of each where they differ, each difference with the reason it is an improvement
// (DOCUMENTED below); exits 1 on a difference that is not documented.
//   npm run build && (cd bench && npm install) && node bench/ai/parts.mjs
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const ROOT = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")
const rootImport = (pkg, sub) => {
  const dir = Path.join(ROOT, "node_modules", pkg)
  const entry = JSON.parse(Fs.readFileSync(Path.join(dir, "package.json"), "utf8")).exports[`./${sub}`]
  return import(pathToFileURL(Path.join(dir, typeof entry === "string" ? entry : entry.import ?? entry.default)).href)
}

const { Chunk, Effect, Layer, Redacted, Schema, Stream } = await import("effect")
const NodeHttpClient = await import("@effect/platform-node/NodeHttpClient")
const Testing = await import("../../dist/Testing.js")
const TestServer = await import("../../dist/TestServer.js")
const { OpenRouterConfig } = await import("../../dist/index.js")
const OurModel = await import("../../dist/OpenRouterLanguageModel.js")
const { OpenRouterClient, OpenRouterLanguageModel } = await import("@effect/ai-openrouter")

const ai37 = {
  LanguageModel: await rootImport("@effect/ai", "LanguageModel"),
  Tool: await rootImport("@effect/ai", "Tool"),
  Toolkit: await rootImport("@effect/ai", "Toolkit")
}
const ai35 = {
  LanguageModel: await import("@effect/ai/LanguageModel"),
  Tool: await import("@effect/ai/Tool"),
  Toolkit: await import("@effect/ai/Toolkit")
}

const SHAPE = { model: "openai/gpt-4o", provider: "OpenAI", id: "gen-1", created: 1700000000 }
const usage = { prompt_tokens: 9, completion_tokens: 5, total_tokens: 14, cost: 0.0001 }
const calls = [
  { id: "call_a", name: "get_weather", arguments: ["{\"city\":", "\"Paris\"}"] },
  { id: "call_b", name: "get_weather", arguments: ["{\"ci", "ty\":\"Oslo\"}"] }
]
const answers = [
  ["text", { deltas: ["Hel", "lo", " there"] }, { content: "Hello there" }],
  ["reasoning and text", { reasoning: ["Let me ", "think."], deltas: ["Four", "."] }, {
    reasoning: "Let me think.",
    content: "Four."
  }],
  ["parallel tool calls", { toolCalls: calls }, {
    toolCalls: calls.map((c) => ({ ...c, arguments: c.arguments.join("") }))
  }]
]

// Differences that are improvements of ours, by a key computed from the two part lists.
const DOCUMENTED = {
  "tool-params-delta":
    "@effect/ai-openrouter sends the arguments cumulated so far as each tool-params-delta; ours sends the delta, as @effect/ai's ToolParamsDeltaPart documents",
  "tool-call position":
    "@effect/ai-openrouter emits tool-call as soon as the arguments parse as JSON (every delta is parsed again); ours completes calls at the finish reason, where they are known to be complete"
}

const normalize = (part) => {
  const { type } = part
  switch (type) {
    case "text":
    case "reasoning":
      return { type, text: part.text }
    case "text-delta":
    case "reasoning-delta":
      return { type, delta: part.delta }
    case "tool-params-start":
      return { type, id: part.id, name: part.name }
    case "tool-params-delta":
      return { type, id: part.id, delta: part.delta }
    case "tool-params-end":
      return { type, id: part.id }
    case "tool-call":
      return { type, id: part.id, name: part.name, params: part.params }
    case "tool-result":
      return { type, id: part.id, result: part.result }
    case "finish":
      return { type, reason: part.reason, input: part.usage.inputTokens, output: part.usage.outputTokens }
    default:
      return { type }
  }
}

const program = (ai, toolkit, streaming) => {
  const opts = { prompt: "Hi", ...(toolkit === undefined ? {} : { toolkit: toolkit.kit }) }
  const parts = streaming
    ? Effect.map(Stream.runCollect(ai.LanguageModel.streamText(opts)), Chunk.toArray)
    : Effect.map(ai.LanguageModel.generateText(opts), (r) => r.content)
  const run = Effect.map(parts, (ps) => ps.map(normalize))
  return toolkit === undefined ? run : Effect.provide(run, toolkit.handlers)
}

const makeToolkit = (ai) => {
  const GetWeather = ai.Tool.make("get_weather", {
    parameters: { city: Schema.String },
    success: Schema.Struct({ city: Schema.String })
  })
  const kit = ai.Toolkit.make(GetWeather)
  return { kit, handlers: kit.toLayer({ get_weather: ({ city }) => Effect.succeed({ city }) }) }
}

/** Which documented differences explain `ours` vs `theirs`, or undefined when one does not. */
const explain = (ours, theirs) => {
  const found = []
  let a = ours
  let b = theirs
  const deltas = (ps) => ps.filter((p) => p.type === "tool-params-delta")
  if (JSON.stringify(deltas(a)) !== JSON.stringify(deltas(b))) {
    // cumulative vs incremental: the last delta of each call in theirs is the join of ours
    const joined = {}
    for (const d of deltas(a)) joined[d.id] = (joined[d.id] ?? "") + d.delta
    const lastTheirs = {}
    for (const d of deltas(b)) lastTheirs[d.id] = d.delta
    if (JSON.stringify(joined) !== JSON.stringify(lastTheirs)) return undefined
    found.push("tool-params-delta")
    a = a.filter((p) => p.type !== "tool-params-delta")
    b = b.filter((p) => p.type !== "tool-params-delta")
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    const key = (ps) => JSON.stringify([...ps].map((p) => JSON.stringify(p)).sort())
    const perCall = (ps) => {
      const m = {}
      for (const p of ps) if (p.id !== undefined) (m[p.id] ??= []).push(p)
      return JSON.stringify([Object.keys(m).sort().map((k) => m[k]), ps.filter((p) => p.id === undefined)])
    }
    if (key(a) !== key(b) || perCall(a) !== perCall(b)) return undefined
    found.push("tool-call position")
  }
  return found
}

let undocumented = 0
const used = new Set()
for (const [label, streamOptions, completionOptions] of answers) {
  for (const streaming of [false, true]) {
    const reply = streaming
      ? Testing.stream({ ...SHAPE, ...streamOptions, usage })
      : Testing.completion({ ...SHAPE, ...completionOptions, usage })
    const server = await TestServer.listen(reply)
    const http = NodeHttpClient.layerUndici
    const tools = label.includes("tool")
    const ours = await Effect.runPromise(
      program(ai37, tools ? makeToolkit(ai37) : undefined, streaming).pipe(
        Effect.provide(OurModel.layer({ model: "openai/gpt-4o" })),
        Effect.provide(
          Layer.merge(OpenRouterConfig.layer({ apiKey: Redacted.make("k"), baseUrl: server.url, retry: false }), http)
        )
      )
    )
    const theirs = await Effect.runPromise(
      program(ai35, tools ? makeToolkit(ai35) : undefined, streaming).pipe(
        Effect.provide(
          OpenRouterLanguageModel.layer({ model: "openai/gpt-4o" }).pipe(
            Layer.provide(OpenRouterClient.layer({ apiKey: Redacted.make("k"), apiUrl: server.url })),
            Layer.provide(http)
          )
        )
      )
    )
    await server.close()
    const name = `${streaming ? "streamText" : "generateText"}: ${label}`
    const found = explain(ours, theirs)
    if (found === undefined) {
      undocumented++
      console.log(`DIFFER ${name}\n  ours:   ${JSON.stringify(ours)}\n  theirs: ${JSON.stringify(theirs)}`)
    } else if (found.length === 0) {
      console.log(`agree  ${name}`)
    } else {
      for (const f of found) used.add(f)
      console.log(`improved ${name}: ${found.join(", ")}`)
    }
  }
}
for (const key of used) console.log(`\n${key}: ${DOCUMENTED[key]}`)
console.log(undocumented === 0 ? "\nno undocumented difference" : `\n${undocumented} undocumented difference(s)`)
process.exit(undocumented === 0 ? 0 : 1)
