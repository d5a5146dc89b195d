/**
 * The tolerant-decoding cases of both editions' `test/schema.test.ts` (plain data: which fields with a
 * value of the wrong type are taken out into `invalidFields`, which still fail the decode).
 */

export const body = (choice: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({
  id: "gen-1",
  model: "qwen/qwen3-235b-a22b-thinking-2507",
  choices: [{
    index: 0,
    finish_reason: "tool_calls",
    message: {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "call_1", type: "function", index: 0, function: { name: "f", arguments: "{}" } }]
    },
    ...choice
  }],
  ...top
})
export const at = (value: unknown, path: ReadonlyArray<string | number>): unknown =>
  path.reduce<unknown>((u, key) => (u as Record<string | number, unknown>)[key], value)
export const without = (value: unknown, path: ReadonlyArray<string | number>): unknown => {
  const copy = structuredClone(value) as Record<string | number, unknown>
  const parent = at(copy, path.slice(0, -1)) as Record<string | number, unknown>
  delete parent[path.at(-1)!]
  return copy
}

// Fields a caller can do without: each, with a value of the wrong type, is taken out and kept aside.
export const tolerated: ReadonlyArray<readonly [string, unknown, ReadonlyArray<string | number>]> = [
  ["a choice's logprobs as a bare number (Together, Qwen thinking)", body({ logprobs: -1.78e-06 }), [
    "choices",
    0,
    "logprobs"
  ]],
  ["a token's logprob as a string", body({ logprobs: { content: [{ token: "a", logprob: "-0.1" }] } }), [
    "choices",
    0,
    "logprobs",
    "content",
    0,
    "logprob"
  ]],
  ["the id as a number", body({}, { id: 42 }), ["id"]],
  ["the model as an object", body({}, { model: { name: "m" } }), ["model"]],
  ["created as a string", body({}, { created: "1700000000" }), ["created"]],
  ["usage as a string", body({}, { usage: "n/a" }), ["usage"]],
  ["a cost as a string (the token counts stay)", body({}, { usage: { prompt_tokens: 3, cost: "0.1" } }), [
    "usage",
    "cost"
  ]],
  ["the finish reason as a number", body({ finish_reason: 1 }), ["choices", 0, "finish_reason"]],
  ["the choice index as a string", body({ index: "0" }), ["choices", 0, "index"]],
  [
    "message.role as a number",
    body({
      message: { role: 1, content: "hi" }
    }),
    ["choices", 0, "message", "role"]
  ],
  ["reasoning as an array", body({ message: { role: "assistant", content: "hi", reasoning: ["a"] } }), [
    "choices",
    0,
    "message",
    "reasoning"
  ]],
  [
    "a reasoning block's text as a number",
    body({
      message: { role: "assistant", content: "hi", reasoning_details: [{ type: "reasoning.text", text: 5 }] }
    }),
    ["choices", 0, "message", "reasoning_details", 0, "text"]
  ],
  ["reasoning_details as a string", body({ message: { role: "assistant", content: "hi", reasoning_details: "x" } }), [
    "choices",
    0,
    "message",
    "reasoning_details"
  ]],
  ["annotations holding a string", body({ message: { role: "assistant", content: "hi", annotations: ["x"] } }), [
    "choices",
    0,
    "message",
    "annotations"
  ]],
  [
    "a tool call's index as a string",
    body({
      message: {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c", type: "function", index: "0", function: { name: "f", arguments: "{}" } }]
      }
    }),
    ["choices", 0, "message", "tool_calls", 0, "index"]
  ],
  [
    "a tool call's type as a number",
    body({
      message: {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c", type: 1, function: { name: "f", arguments: "{}" } }]
      }
    }),
    ["choices", 0, "message", "tool_calls", 0, "type"]
  ],
  ["openrouter_metadata as a string", body({}, { openrouter_metadata: "x" }), ["openrouter_metadata"]]
]

export const essential: ReadonlyArray<readonly [string, unknown, string]> = [
  ["choices missing", { id: "gen-1" }, "choices"],
  ["choices as an object", { choices: {} }, "choices"],
  ["a choice that is a string", { choices: ["x"] }, "choices.0"],
  ["the message as a string", body({ message: "hi" }), "choices.0.message"],
  ["content as a number", body({ message: { role: "assistant", content: 42 } }), "choices.0.message.content"],
  [
    "a content part with a number as text",
    body({
      message: { role: "assistant", content: [{ type: "text", text: 1 }] }
    }),
    "choices.0.message.content"
  ],
  [
    "refusal as a number",
    body({ message: { role: "assistant", content: null, refusal: 1 } }),
    "choices.0.message.refusal"
  ],
  [
    "tool_calls as an object",
    body({ message: { role: "assistant", content: null, tool_calls: {} } }),
    "choices.0.message.tool_calls"
  ],
  [
    "a tool call's id as a number",
    body({
      message: { role: "assistant", content: null, tool_calls: [{ id: 1, function: { name: "f", arguments: "{}" } }] }
    }),
    "choices.0.message.tool_calls.0.id"
  ],
  [
    "a tool call's name as a number",
    body({
      message: { role: "assistant", content: null, tool_calls: [{ id: "c", function: { name: 1, arguments: "{}" } }] }
    }),
    "choices.0.message.tool_calls.0.function.name"
  ],
  [
    "a tool call's arguments as an object",
    body({
      message: { role: "assistant", content: null, tool_calls: [{ id: "c", function: { name: "f", arguments: {} } }] }
    }),
    "choices.0.message.tool_calls.0.function.arguments"
  ],
  [
    "a tool call's function as a string",
    body({
      message: { role: "assistant", content: null, tool_calls: [{ id: "c", function: "f" }] }
    }),
    "choices.0.message.tool_calls.0.function"
  ],
  ["a choice's error as a string", body({ error: "boom" }), "choices.0.error"]
]

export const chunk = (choice: Record<string, unknown>, top: Record<string, unknown> = {}) => ({
  id: "gen-1",
  object: "chat.completion.chunk",
  choices: [{ index: 0, delta: { content: "hi" }, ...choice }],
  ...top
})

// Chunk fields a caller can do without.
export const chunkTolerated: ReadonlyArray<readonly [string, unknown, ReadonlyArray<string | number>]> = [
  ["logprobs as a bare number", chunk({ logprobs: -1.78e-06 }), ["choices", 0, "logprobs"]],
  [
    "a tool-call fragment's index as a string",
    chunk({ delta: { tool_calls: [{ index: "0", function: { arguments: "{" } }] } }),
    [
      "choices",
      0,
      "delta",
      "tool_calls",
      0,
      "index"
    ]
  ],
  [
    "a reasoning fragment's signature as a number",
    chunk({
      delta: { reasoning_details: [{ type: "reasoning.text", index: 0, signature: 7 }] }
    }),
    ["choices", 0, "delta", "reasoning_details", 0, "signature"]
  ],
  ["usage as an array", chunk({}, { usage: [] }), ["usage"]]
]

// Chunk fields without which a stream cannot go on.
export const chunkEssential: ReadonlyArray<readonly [string, unknown, string]> = [
  ["choices missing", { id: "g" }, "choices"],
  ["the delta as a string", chunk({ delta: "hi" }), "choices.0.delta"],
  ["content as a number", chunk({ delta: { content: 1 } }), "choices.0.delta.content"],
  [
    "a tool-call fragment's arguments as an object",
    chunk({ delta: { tool_calls: [{ index: 0, function: { arguments: {} } }] } }),
    "choices.0.delta.tool_calls.0.function.arguments"
  ],
  [
    "a tool-call fragment's id as a number",
    chunk({ delta: { tool_calls: [{ index: 0, id: 1 }] } }),
    "choices.0.delta.tool_calls.0.id"
  ],
  ["the chunk's error as a string", chunk({}, { error: "boom" }), "error"],
  ["a choice's error as a number", chunk({ error: 1 }), "choices.0.error"]
]

/** Whether a path is essential (or holds an essential field) by the given patterns. */
export const essentialPattern = (path: ReadonlyArray<string | number>, essentials: ReadonlyArray<string>) => {
  const p = path.map((s) => (typeof s === "number" ? "*" : s)).join(".")
  return essentials.some((e) => e === p || e.startsWith(`${p}.`))
}

/**
 * Whether a strict decoding issue at `path` is one tolerant decoding must let fail: the top, a required
 * field (which cannot be taken out), or an essential field (or one holding an essential field). An
 * issue at an array element is its array's issue: the repair never takes an element out (an array
 * whose element cannot be repaired goes whole), and a formatter may name the element rather than the
 * array (Effect 4's does, for a content part that is `null`: `choices.0.message.content.0`).
 */
export const failureExplained = (
  path: ReadonlyArray<PropertyKey>,
  essentials: ReadonlyArray<string>,
  required: ReadonlySet<string>
): boolean => {
  let end = path.length
  while (end > 0 && typeof path[end - 1] === "number") end--
  const owner = path.slice(0, end) as ReadonlyArray<string | number>
  return owner.length === 0 || essentialPattern(owner, essentials) || required.has(String(owner.at(-1)))
}
