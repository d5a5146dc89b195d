/**
 * One scripted model answer, told two ways: as OpenRouter's chat completions (JSON body or SSE
 * chunks, served by the emulator) and as OpenAI's Responses API (served by a small loopback server
 * here), so that `@effect/ai` providers for either API can be run on the same answer side by side.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Testing from "../../src/Testing.js"

/** What the model says: reasoning, text, tool calls, each in the pieces a stream would carry. */
export interface Answer {
  readonly reasoning?: ReadonlyArray<string>
  readonly text?: ReadonlyArray<string>
  readonly toolCalls?: ReadonlyArray<
    { readonly id: string; readonly name: string; readonly args: ReadonlyArray<string> }
  >
  readonly usage: { readonly input: number; readonly output: number }
}

const MODEL = "openai/gpt-4o"
const CREATED = 1700000000

const join = (pieces: ReadonlyArray<string> | undefined) => (pieces ?? []).join("")

const finishReason = (answer: Answer) => (answer.toolCalls?.length ?? 0) > 0 ? "tool_calls" : "stop"

const chatUsage = (answer: Answer) => ({
  prompt_tokens: answer.usage.input,
  completion_tokens: answer.usage.output,
  total_tokens: answer.usage.input + answer.usage.output,
  cost: 0.0001
})

// ---------------------------------------------------------------------------
// Chat completions (OpenRouter)
// ---------------------------------------------------------------------------

/** The answer as a chat completion (`stream: false`). */
export const chatCompletion = (answer: Answer): Testing.Reply =>
  Testing.raw({
    status: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      id: "gen-1",
      object: "chat.completion",
      created: CREATED,
      model: MODEL,
      provider: "OpenAI",
      choices: [{
        index: 0,
        finish_reason: finishReason(answer),
        message: {
          role: "assistant",
          content: answer.text === undefined ? null : join(answer.text),
          ...(answer.reasoning === undefined ? {} : { reasoning: join(answer.reasoning) }),
          ...(answer.toolCalls === undefined ? {} : {
            tool_calls: answer.toolCalls.map((call) => ({
              id: call.id,
              type: "function",
              function: { name: call.name, arguments: join(call.args) }
            }))
          })
        }
      }],
      usage: chatUsage(answer)
    })
  })

/** The chunks of the answer as a chat completions stream, in OpenRouter's shape. */
export const chatChunks = (answer: Answer): Array<object> => {
  const chunk = (delta: object, extra: object = {}) => ({
    id: "gen-1",
    object: "chat.completion.chunk",
    created: CREATED,
    model: MODEL,
    provider: "OpenAI",
    choices: [{ index: 0, delta, finish_reason: null }],
    ...extra
  })
  const chunks: Array<object> = [chunk({ role: "assistant", content: "" })]
  for (const piece of answer.reasoning ?? []) chunks.push(chunk({ reasoning: piece }))
  for (const piece of answer.text ?? []) chunks.push(chunk({ content: piece }))
  const calls = answer.toolCalls ?? []
  calls.forEach((call, index) => {
    chunks.push(
      chunk({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] })
    )
    for (const piece of call.args) chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }))
  })
  chunks.push({ ...chunk({}), choices: [{ index: 0, delta: {}, finish_reason: finishReason(answer) }] })
  chunks.push({ ...chunk({}), choices: [], usage: chatUsage(answer) })
  return chunks
}

/** The answer as a chat completions stream. */
export const chatStream = (answer: Answer): Testing.Reply => Testing.sse(chatChunks(answer), { done: true })

// ---------------------------------------------------------------------------
// Responses API (OpenAI)
// ---------------------------------------------------------------------------

const responseEnvelope = (answer: Answer, output: ReadonlyArray<object>, status: string) => ({
  id: "resp_1",
  object: "response",
  status,
  created_at: CREATED,
  error: null,
  incomplete_details: null,
  output,
  instructions: null,
  model: MODEL,
  tools: [],
  tool_choice: "auto",
  parallel_tool_calls: true,
  metadata: null,
  temperature: null,
  top_p: null,
  usage: {
    input_tokens: answer.usage.input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: answer.usage.output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: answer.usage.input + answer.usage.output
  }
})

const outputItems = (answer: Answer): Array<Record<string, unknown>> => {
  const items: Array<Record<string, unknown>> = []
  if (answer.reasoning !== undefined) {
    items.push({ type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: join(answer.reasoning) }] })
  }
  if (answer.text !== undefined) {
    items.push({
      type: "message",
      id: "msg_1",
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: join(answer.text), annotations: [] }]
    })
  }
  for (const call of answer.toolCalls ?? []) {
    items.push({
      type: "function_call",
      id: `fc_${call.id}`,
      call_id: call.id,
      name: call.name,
      arguments: join(call.args),
      status: "completed"
    })
  }
  return items
}

/** The answer as a Responses API body (`stream: false`). */
export const responseBody = (answer: Answer): object => responseEnvelope(answer, outputItems(answer), "completed")

/** The answer as Responses API stream events, in the order OpenAI sends them. */
export const responseEvents = (answer: Answer): Array<object> => {
  let sequence = 0
  const events: Array<object> = []
  const push = (event: Record<string, unknown>) => events.push({ ...event, sequence_number: sequence++ })
  push({ type: "response.created", response: responseEnvelope(answer, [], "in_progress") })
  const items = outputItems(answer)
  items.forEach((item, output_index) => {
    switch (item.type) {
      case "reasoning": {
        push({ type: "response.output_item.added", output_index, item: { ...item, summary: [] } })
        push({
          type: "response.reasoning_summary_part.added",
          output_index,
          item_id: item.id,
          summary_index: 0,
          part: { type: "summary_text", text: "" }
        })
        for (const delta of answer.reasoning ?? []) {
          push({
            type: "response.reasoning_summary_text.delta",
            output_index,
            item_id: item.id,
            summary_index: 0,
            delta
          })
        }
        break
      }
      case "message": {
        push({
          type: "response.output_item.added",
          output_index,
          item: { ...item, status: "in_progress", content: [] }
        })
        for (const delta of answer.text ?? []) {
          push({
            type: "response.output_text.delta",
            output_index,
            item_id: item.id,
            content_index: 0,
            delta,
            logprobs: []
          })
        }
        break
      }
      case "function_call": {
        push({
          type: "response.output_item.added",
          output_index,
          item: { ...item, arguments: "", status: "in_progress" }
        })
        const call = answer.toolCalls!.find((c) => c.id === item.call_id)!
        for (const delta of call.args) {
          push({ type: "response.function_call_arguments.delta", output_index, item_id: item.id, delta })
        }
        break
      }
    }
    push({ type: "response.output_item.done", output_index, item })
  })
  push({ type: "response.completed", response: responseEnvelope(answer, items, "completed") })
  return events
}

/**
 * A loopback server for `POST /v1/responses`: each request takes the next answer, as JSON or as SSE
 * depending on the request's `stream`. Closed with the scope.
 */
export const responsesServer = (
  answers: ReadonlyArray<Answer>
): Effect.Effect<{ readonly url: string; readonly bodies: Array<unknown> }, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly bodies: Array<unknown>; readonly server: Http.Server }>((resume) => {
      const bodies: Array<unknown> = []
      const server = Http.createServer((req, res) => {
        let text = ""
        req.setEncoding("utf8").on("data", (piece: string) => (text += piece)).on("end", () => {
          const body = JSON.parse(text) as { readonly stream?: boolean }
          const answer = answers[bodies.length]
          bodies.push(body)
          if (req.url !== "/v1/responses" || answer === undefined) {
            res.writeHead(404, { "content-type": "application/json" }).end("{\"error\":{\"message\":\"no answer\"}}")
            return
          }
          if (body.stream === true) {
            res.writeHead(200, { "content-type": "text/event-stream" })
            for (const event of responseEvents(answer)) {
              res.write(`event: ${(event as { type: string }).type}\ndata: ${JSON.stringify(event)}\n\n`)
            }
            res.end()
          } else {
            res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(responseBody(answer)))
          }
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}/v1`, bodies, server }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.close(() => resume(Effect.void))
      })
  )
