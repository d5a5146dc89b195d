import * as S from "../src/Schema.js"
import * as Either from "effect/Either"
import { requestIssues } from "../src/internal/request.js"
const base = { messages: [{ role: "user", content: "hi" }] }
const cases: Array<[string, unknown]> = [
  ["temperature", { ...base, temperature: "0.7" }],
  ["temperature range", { ...base, temperature: 5 }],
  ["route", { ...base, route: "x" }],
  ["service_tier", { ...base, service_tier: 3 }],
  ["role", { messages: [{ role: "usr", content: "hi" }] }],
  ["tool missing id", { messages: [{ role: "tool", content: "hi" }] }],
  ["user content", { messages: [{ role: "user", content: 3 }] }],
  ["tool_choice", { ...base, tool_choice: "always" }],
  ["tool_choice obj", { ...base, tool_choice: { type: "function", function: {} } }],
  ["stop", { ...base, stop: 3 }],
  ["stop arr", { ...base, stop: ["a","b","c","d","e"] }],
  ["message not obj", { messages: ["hi"] }],
  ["reasoning_effort", { ...base, reasoning_effort: "max" }],
  ["model", { ...base, model: 3 }],
]
for (const [name, body] of cases) {
  const r = S.validateRequest(body)
  console.log("==", name)
  if (Either.isLeft(r)) console.log(JSON.stringify(requestIssues(r.left), null, 1))
}
const more: Array<[string, unknown]> = [
  ["tool_choice type 3", { ...base, tool_choice: { type: 3 } }],
  ["messages empty", { messages: [] }],
  ["top_k", { ...base, top_k: 1.5 }],
  ["assistant content", { messages: [{ role: "assistant", content: 5 }] }],
  ["no role", { messages: [{ content: "x" }] }],
  ["user part", { messages: [{ role: "user", content: [{ type: "text" }] }] }],
  ["user part type", { messages: [{ role: "user", content: [{ type: "txt", text: "x" }] }] }],
  ["modalities", { ...base, modalities: ["video"] }],
  ["provider sort", { ...base, provider: { sort: "fastest" } }],
  ["reasoning effort", { ...base, reasoning: { effort: "max" } }],
  ["response_format", { ...base, response_format: { type: "xml" } }],
  ["not object", 3],
]
for (const [name, body] of more) {
  const r = S.validateRequest(body)
  console.log("==", name)
  if (Either.isLeft(r)) console.log(JSON.stringify(requestIssues(r.left)))
}
