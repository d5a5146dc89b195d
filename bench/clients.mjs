// The clients compared, in table order. Importing this file loads no client: each adapter in
// clients/<name>.mjs is imported only by the worker process that measures it.
//
// Every adapter exports `setup(baseUrl) -> ctx`, `send(ctx) -> parsed completion` and
// `stream(ctx, onChunk)`, calling onChunk with each chunk parsed into an object.
//
// `imports` is what a program using the client loads (measured by the import-time metric);
// `packages` are the packages whose versions RESULTS.md records. `edition` marks the rows of the
// two editions and their floors (the "Both editions and both floors" table). `node: "effect4"` runs
// the client's processes on the Node the Effect 4 edition installs (effect4/node_modules/.bin/node):
// @effect/platform-node 4's undici layer needs Node >= 22.19.
//
// The Effect 4 rows' adapters live in effect4/bench/clients.mjs (re-exported by
// bench/clients/effect4-*.mjs), so that their `effect` resolves to Effect 4 in effect4/node_modules,
// in their own processes, while every other row's resolves to the root's Effect 3.

/** @type {ReadonlyArray<{name: string, description: string, label: string, role: "ours" | "floor" | "effect-floor" | "effect4-floor" | "peer" | "reference", edition?: 3 | 4, node?: "effect4", imports: string[], packages: string[]}>} */
export const CLIENTS = [
  {
    name: "effect-openrouter-undici",
    description:
      "this library's `Chat.send` / `Chat.stream` (built `dist/`, decoded chunks, default retry and timeouts) on `NodeHttpClient.layerUndici`",
    label: "effect-openrouter (undici)",
    role: "ours",
    edition: 3,
    imports: ["effect", "@effect/platform-node/NodeHttpClient", "../dist/index.js"],
    packages: ["effect", "@effect/platform", "@effect/platform-node"]
  },
  {
    name: "effect-openrouter-fetch",
    description: "the same on `FetchHttpClient.layer` (Node's built-in fetch)",
    label: "effect-openrouter (fetch)",
    role: "ours",
    edition: 3,
    imports: ["effect", "@effect/platform/FetchHttpClient", "../dist/index.js"],
    packages: ["effect", "@effect/platform"]
  },
  {
    name: "raw-undici",
    description: "the floor: undici `request()`, a hand-written line splitter, `JSON.parse`",
    label: "raw undici",
    role: "floor",
    imports: ["undici"],
    packages: ["undici"]
  },
  {
    name: "raw-fetch",
    description:
      "built-in `fetch`, the same splitter, `JSON.parse`; import time is the first touch of `globalThis.fetch`",
    label: "raw fetch",
    role: "floor",
    imports: [],
    packages: []
  },
  {
    name: "effect-floor",
    description:
      "the Effect floor: `@effect/platform` HttpClient on the undici layer, `Stream.decodeText` + `Stream.splitLines` + `JSON.parse`, no schema",
    label: "Effect HttpClient (floor)",
    role: "effect-floor",
    edition: 3,
    imports: [
      "effect",
      "@effect/platform/HttpClient",
      "@effect/platform/HttpBody",
      "@effect/platform-node/NodeHttpClient"
    ],
    packages: ["effect", "@effect/platform", "@effect/platform-node"]
  },
  {
    name: "effect-floor-fetch",
    description: "the Effect 3 floor on fetch: as effect-floor, with `@effect/platform`'s FetchHttpClient",
    label: "Effect HttpClient (floor, fetch)",
    role: "peer",
    edition: 3,
    imports: ["effect", "@effect/platform/HttpClient", "@effect/platform/HttpBody", "@effect/platform/FetchHttpClient"],
    packages: []
  },
  {
    name: "effect4-openrouter-fetch",
    description:
      "effect-openrouter's Effect 4 edition (built `effect4/dist`, decoded chunks, default retry, timeouts and metrics) on `effect/http`'s FetchHttpClient",
    label: "effect-openrouter, Effect 4 edition (fetch)",
    role: "ours",
    edition: 4,
    imports: [
      "../effect4/node_modules/effect/dist/index.js",
      "../effect4/node_modules/effect/dist/http/index.js",
      "../effect4/dist/index.js"
    ],
    packages: []
  },
  {
    name: "effect4-floor-fetch",
    description:
      "the Effect 4 floor: `effect/http` HttpClient on fetch, `Stream.decodeText` + `Stream.splitLines` + `JSON.parse`, no schema",
    label: "Effect 4 HttpClient (floor, fetch)",
    role: "effect4-floor",
    edition: 4,
    imports: ["../effect4/node_modules/effect/dist/index.js", "../effect4/node_modules/effect/dist/http/index.js"],
    packages: []
  },
  {
    name: "effect4-openrouter-undici",
    description:
      "the Effect 4 edition on `@effect/platform-node` 4's `NodeHttpClient.layerUndici`; its processes run on Node 22 (effect4/node_modules/.bin/node), as undici 8 needs Node >= 22.19",
    label: "effect-openrouter, Effect 4 edition (undici, Node 22)",
    role: "peer",
    edition: 4,
    node: "effect4",
    imports: [
      "../effect4/node_modules/effect/dist/index.js",
      "../effect4/node_modules/@effect/platform-node/dist/NodeHttpClient.js",
      "../effect4/dist/index.js"
    ],
    packages: []
  },
  {
    name: "effect4-floor-undici",
    description: "the Effect 4 floor on `NodeHttpClient.layerUndici`, on Node 22 like the row above",
    label: "Effect 4 HttpClient (floor, undici, Node 22)",
    role: "peer",
    edition: 4,
    node: "effect4",
    imports: [
      "../effect4/node_modules/effect/dist/index.js",
      "../effect4/node_modules/@effect/platform-node/dist/NodeHttpClient.js"
    ],
    packages: []
  },
  {
    name: "openai",
    description: "the official OpenAI SDK with `baseURL` pointed at the emulator (declares node >= 22, runs on 20)",
    label: "openai SDK",
    role: "peer",
    imports: ["openai"],
    packages: ["openai"]
  },
  {
    name: "openrouter-sdk",
    description: "OpenRouter's own SDK, `chat.send({ chatRequest })`; validates every chunk with zod",
    label: "@openrouter/sdk",
    role: "peer",
    imports: ["@openrouter/sdk"],
    packages: ["@openrouter/sdk", "zod"]
  },
  {
    name: "effect-ai-openrouter",
    description:
      "the Effect team's provider package through its `OpenRouterClient` service (`createChatCompletion`, `createChatCompletionStream`: schema-decoded chunks), undici layer",
    label: "@effect/ai-openrouter",
    role: "peer",
    imports: ["effect", "@effect/platform-node/NodeHttpClient", "@effect/ai-openrouter"],
    packages: ["@effect/ai-openrouter", "@effect/ai", "@effect/experimental"]
  },
  {
    name: "drain",
    description: "not a client: reads the stream's bytes and parses nothing, showing how fast the emulator delivers",
    label: "emulator ceiling (bytes only, no parsing)",
    role: "reference",
    imports: [],
    packages: []
  }
]

export const FLOOR = "raw-undici"
export const EFFECT_FLOOR = "effect-floor"
export const EFFECT4_FLOOR = "effect4-floor-fetch"
export const PEERS = ["openai", "openrouter-sdk", "effect-ai-openrouter"]
export const OURS = CLIENTS.filter((c) => c.role === "ours").map((c) => c.name)
/** The Effect 3 edition's rows, judged by the targets of the Effect 3 line. */
export const OURS3 = CLIENTS.filter((c) => c.role === "ours" && c.edition === 3).map((c) => c.name)
export const byName = (name) => CLIENTS.find((c) => c.name === name)
