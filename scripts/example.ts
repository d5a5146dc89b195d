/**
 * Runs one example: `npm run example -- <name> [args...]` (the same as `npx tsx examples/<name>.ts`).
 * Without a name, or with an unknown one, lists the examples and exits 1.
 */

/** Every example, with what it shows. */
const examples: Readonly<Record<string, string>> = {
  basic: "one completion with Chat.send over NodeHttpClient (undici)",
  fetch: "the same over FetchHttpClient",
  streaming: "print tokens as they arrive with Chat.stream, then usage and cost",
  errors: "handle every failure exhaustively with Match.tagsExhaustive",
  retry: "retry policies: Retry.make, per-call retry: false and timeout, Retry.fromSchedule",
  tools: "a tool-calling round trip, collected with Chat.collect",
  "ai-language-model": "a tool-using @effect/ai program (LanguageModel, Chat, Toolkit) on OpenRouterLanguageModel",
  structured: "a typed value from a Schema with Structured.send, partial values with Structured.stream",
  agent: "a tool loop: tools typed by Schema, handlers as Effects, ToolLoop.stream (one tool fails)",
  telemetry: "the spans and metrics of a streamed call, printed by the OpenTelemetry console exporters",
  testing: "test code that calls OpenRouter with the in-process Testing layer",
  demo: "the interactive streaming chat (npm run demo)"
}

const name = process.argv[2]

if (name === undefined || !Object.hasOwn(examples, name)) {
  const width = Math.max(...Object.keys(examples).map((n) => n.length))
  process.stderr.write(
    (name === undefined ? "Which example?\n" : `Unknown example: ${name}\n`) +
      "Usage: npm run example -- <name>\n\nExamples:\n" +
      Object.entries(examples).map(([n, what]) => `  ${n.padEnd(width)}  ${what}`).join("\n") +
      "\n\nWithout OPENROUTER_API_KEY they run against OPENROUTER_BASE_URL when it is set (e.g. an emulator\n" +
      "started with npx effect-openrouter-emulator, sent a placeholder key), else the embedded emulator.\n"
  )
  process.exit(1)
}

// The example sees its own arguments, as if it had been started directly.
process.argv.splice(2, 1)
await import(new URL(`../examples/${name}.ts`, import.meta.url).href)
