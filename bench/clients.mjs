// The clients compared, in table order. Importing this file loads no client: each adapter in
// clients/<name>.mjs is imported only by the worker process that measures it.
//
// Every adapter exports `setup(baseUrl) -> ctx`, `send(ctx) -> parsed completion` and
// `stream(ctx, onChunk)`, calling onChunk with each chunk parsed into an object.
//
// `imports` is what a program using the client loads (measured by the import-time metric);
// `packages` are the packages whose versions RESULTS.md records.

/** @type {ReadonlyArray<{name: string, label: string, role: "ours" | "floor" | "effect-floor" | "peer" | "reference", imports: string[], packages: string[], note?: string}>} */
export const CLIENTS = [
  {
    name: "effect-openrouter-undici",
    label: "effect-openrouter (undici)",
    role: "ours",
    imports: ["effect", "@effect/platform-node/NodeHttpClient", "../dist/index.js"],
    packages: ["effect", "@effect/platform", "@effect/platform-node"]
  },
  {
    name: "effect-openrouter-fetch",
    label: "effect-openrouter (fetch)",
    role: "ours",
    imports: ["effect", "@effect/platform/FetchHttpClient", "../dist/index.js"],
    packages: ["effect", "@effect/platform"]
  },
  {
    name: "raw-undici",
    label: "raw undici",
    role: "floor",
    imports: ["undici"],
    packages: ["undici"]
  },
  {
    name: "raw-fetch",
    label: "raw fetch",
    role: "floor",
    imports: [],
    packages: [],
    note: "built-in; import time is the first touch of globalThis.fetch"
  },
  {
    name: "effect-floor",
    label: "Effect HttpClient (floor)",
    role: "effect-floor",
    imports: ["effect", "@effect/platform/HttpClient", "@effect/platform/HttpBody", "@effect/platform-node/NodeHttpClient"],
    packages: ["effect", "@effect/platform", "@effect/platform-node"]
  },
  {
    name: "openai",
    label: "openai SDK",
    role: "peer",
    imports: ["openai"],
    packages: ["openai"]
  },
  {
    name: "openrouter-sdk",
    label: "@openrouter/sdk",
    role: "peer",
    imports: ["@openrouter/sdk"],
    packages: ["@openrouter/sdk", "zod"]
  },
  {
    name: "effect-ai-openrouter",
    label: "@effect/ai-openrouter",
    role: "peer",
    imports: ["effect", "@effect/platform-node/NodeHttpClient", "@effect/ai-openrouter"],
    packages: ["@effect/ai-openrouter", "@effect/ai", "@effect/experimental"]
  },
  {
    name: "drain",
    label: "emulator ceiling (bytes only, no parsing)",
    role: "reference",
    imports: [],
    packages: []
  }
]

export const FLOOR = "raw-undici"
export const EFFECT_FLOOR = "effect-floor"
export const PEERS = ["openai", "openrouter-sdk", "effect-ai-openrouter"]
export const OURS = CLIENTS.filter((c) => c.role === "ours").map((c) => c.name)
export const byName = (name) => CLIENTS.find((c) => c.name === name)
