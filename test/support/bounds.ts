/**
 * Every bounded request field of the request schema (both editions' `Schema.ts` bound the same
 * fields), and how to make a value just inside, at and just outside each bound. Shared by both
 * editions' `bounds.test.ts` (Effect-free: each sends the requests with its own `Chat.send`).
 */

const messages = [{ role: "user", content: "Hi" }]
const base = { model: "openai/gpt-4o-mini", messages }

/** What kind of bound, which says how to make a value just inside, at and just outside it. */
export type Kind = "number" | "int" | "length" | "items" | "keys"

export interface Bound {
  readonly field: string
  /** The path the error names. */
  readonly path: string
  readonly kind: Kind
  readonly min?: number
  readonly max?: number
  /** The request with the field set to `value`. */
  readonly request: (value: unknown) => Record<string, unknown>
}

const top = (key: string) => (value: unknown) => ({ ...base, [key]: value })
const plugin = (fields: Record<string, unknown>, key: string) => (value: unknown) => ({
  ...base,
  plugins: [{ ...fields, [key]: value }]
})
const serverTool = (type: string, key: string) => (value: unknown) => ({
  ...base,
  tools: [{ type, parameters: { [key]: value } }]
})

export const bounds: ReadonlyArray<Bound> = [
  { field: "temperature", path: "temperature", kind: "number", min: 0, max: 2, request: top("temperature") },
  { field: "top_p", path: "top_p", kind: "number", min: 0, max: 1, request: top("top_p") },
  { field: "top_k", path: "top_k", kind: "int", min: 0, request: top("top_k") },
  { field: "min_p", path: "min_p", kind: "number", min: 0, max: 1, request: top("min_p") },
  { field: "top_a", path: "top_a", kind: "number", min: 0, max: 1, request: top("top_a") },
  {
    field: "frequency_penalty",
    path: "frequency_penalty",
    kind: "number",
    min: -2,
    max: 2,
    request: top("frequency_penalty")
  },
  {
    field: "presence_penalty",
    path: "presence_penalty",
    kind: "number",
    min: -2,
    max: 2,
    request: top("presence_penalty")
  },
  { field: "top_logprobs", path: "top_logprobs", kind: "int", min: 0, max: 20, request: top("top_logprobs") },
  {
    field: "messages (items)",
    path: "messages",
    kind: "items",
    min: 1,
    request: (n) => ({ ...base, messages: (n as Array<unknown>).map(() => messages[0]) })
  },
  { field: "stop (items)", path: "stop", kind: "items", max: 4, request: top("stop") },
  { field: "session_id (length)", path: "session_id", kind: "length", max: 256, request: top("session_id") },
  { field: "metadata (pairs)", path: "metadata", kind: "keys", max: 16, request: top("metadata") },
  {
    field: "metadata key (length)",
    path: "metadata",
    kind: "length",
    max: 64,
    request: (key) => ({ ...base, metadata: { [key as string]: "v" } })
  },
  {
    field: "metadata value (length)",
    path: "metadata",
    kind: "length",
    max: 512,
    request: (value) => ({ ...base, metadata: { k: value } })
  },
  {
    field: "response_format.json_schema.name (length)",
    path: "response_format",
    kind: "length",
    max: 64,
    request: (name) => ({ ...base, response_format: { type: "json_schema", json_schema: { name } } })
  },
  {
    field: "tools[].function.name (length)",
    path: "tools.0",
    kind: "length",
    max: 64,
    request: (name) => ({ ...base, tools: [{ type: "function", function: { name } }] })
  },
  {
    field: "stop_server_tools_when (items)",
    path: "stop_server_tools_when",
    kind: "items",
    min: 1,
    request: (n) =>
      top("stop_server_tools_when")((n as Array<unknown>).map(() => ({ type: "step_count_is", step_count: 3 })))
  },
  {
    field: "stop_server_tools_when has_tool_call.tool_name (length)",
    path: "stop_server_tools_when.0",
    kind: "length",
    min: 1,
    request: (tool_name) => ({ ...base, stop_server_tools_when: [{ type: "has_tool_call", tool_name }] })
  },
  {
    field: "stop_server_tools_when finish_reason_is.reason (length)",
    path: "stop_server_tools_when.0",
    kind: "length",
    min: 1,
    request: (reason) => ({ ...base, stop_server_tools_when: [{ type: "finish_reason_is", reason }] })
  },
  {
    field: "pareto-router max_price",
    path: "plugins.0",
    kind: "number",
    min: 0,
    request: plugin({ id: "pareto-router" }, "max_price")
  },
  {
    field: "pareto-router min_coding_score",
    path: "plugins.0",
    kind: "number",
    min: 0,
    max: 1,
    request: plugin({ id: "pareto-router" }, "min_coding_score")
  },
  {
    field: "fusion plugin analysis_models (items)",
    path: "plugins.0",
    kind: "items",
    min: 1,
    max: 8,
    request: plugin({ id: "fusion" }, "analysis_models")
  },
  {
    field: "fusion plugin max_tool_calls",
    path: "plugins.0",
    kind: "int",
    min: 1,
    max: 16,
    request: plugin({ id: "fusion" }, "max_tool_calls")
  },
  {
    field: "fusion plugin tools (items)",
    path: "plugins.0",
    kind: "items",
    max: 8,
    request: (n) => plugin({ id: "fusion" }, "tools")((n as Array<unknown>).map(() => ({ type: "openrouter:web" })))
  },
  {
    field: "auto-router cost_quality_tradeoff",
    path: "plugins.0",
    kind: "int",
    min: 0,
    max: 10,
    request: plugin({ id: "auto-router" }, "cost_quality_tradeoff")
  },
  {
    field: "auto-router allowed_models (items)",
    path: "plugins.0",
    kind: "items",
    max: 1024,
    request: plugin({ id: "auto-router" }, "allowed_models")
  },
  {
    field: "auto-router excluded_models pattern (length)",
    path: "plugins.0",
    kind: "length",
    max: 1024,
    request: (pattern) => plugin({ id: "auto-router" }, "excluded_models")([pattern])
  },
  {
    field: "auto-beta-router allowed_models pattern (length)",
    path: "plugins.0",
    kind: "length",
    max: 1024,
    request: (pattern) => plugin({ id: "auto-beta-router" }, "allowed_models")([pattern])
  },
  {
    field: "openrouter:bash container_id (length, both ends)",
    path: "tools.0",
    kind: "length",
    min: 1,
    max: 20,
    request: (container_id) => ({
      ...base,
      tools: [{ type: "openrouter:bash", parameters: { environment: { type: "container_reference", container_id } } }]
    })
  },
  {
    field: "openrouter:fusion analysis_models (items)",
    path: "tools.0",
    kind: "items",
    min: 1,
    max: 8,
    request: serverTool("openrouter:fusion", "analysis_models")
  },
  {
    field: "openrouter:fusion max_tool_calls",
    path: "tools.0",
    kind: "int",
    min: 1,
    max: 16,
    request: serverTool("openrouter:fusion", "max_tool_calls")
  },
  {
    field: "openrouter:fusion tools (items)",
    path: "tools.0",
    kind: "items",
    max: 8,
    request: (n) =>
      serverTool("openrouter:fusion", "tools")((n as Array<unknown>).map(() => ({ type: "openrouter:web" })))
  },
  {
    field: "openrouter:subagent max_tool_calls",
    path: "tools.0",
    kind: "int",
    min: 1,
    max: 25,
    request: serverTool("openrouter:subagent", "max_tool_calls")
  },
  {
    field: "openrouter:subagent inherited_function_names[] (length)",
    path: "tools.0",
    kind: "length",
    min: 1,
    request: (name) => serverTool("openrouter:subagent", "inherited_function_names")([name])
  },
  {
    field: "openrouter:subagent name (length, both ends)",
    path: "tools.0",
    kind: "length",
    min: 1,
    max: 64,
    request: serverTool("openrouter:subagent", "name")
  },
  {
    field: "openrouter:advisor name (length, both ends)",
    path: "tools.0",
    kind: "length",
    min: 1,
    max: 64,
    request: serverTool("openrouter:advisor", "name")
  }
]

/** A value of the field's kind at `n`: the number, or a string, array or record of that size. */
export const valueOf = (kind: Kind, n: number): unknown => {
  switch (kind) {
    case "number":
    case "int":
      return n
    case "length":
      return "a".repeat(n)
    case "items":
      return Array.from({ length: n }, (_, i) => `m${i}`)
    case "keys":
      return Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]))
  }
}

/** Just inside, at, and just outside a bound (`side` -1 for a minimum, +1 for a maximum). */
const around = (kind: Kind, bound: number, side: -1 | 1) => {
  const step = kind === "number" ? 0.001 : 1
  return { inside: bound - side * step, at: bound, outside: bound + side * step }
}

/** Each bound of each field: a minimum and a maximum are a case each. */
export const cases = bounds.flatMap((b) =>
  [["minimum", b.min, -1] as const, ["maximum", b.max, 1] as const]
    .filter(([, bound]) => bound !== undefined)
    .map(([side, bound, sign]) => ({ ...b, side, values: around(b.kind, bound!, sign) }))
)
