/**
 * The body of the tests of the test kit's scripted replies for tool loops, shared by both editions
 * (`test/toolReplies.test.ts`, `effect4/test/toolReplies.test.ts`): `Testing.callTools`,
 * `Testing.answer`, `Testing.rounds`, `Testing.roundOf`, `Testing.replyTo` and `Testing.finalAnswer`,
 * read through the edition's `Chat.send`, `Chat.stream` and `Chat.collect` in-process. Effect-free:
 * each edition passes its `Wired`, its in-process calls and the two `finalAnswer` replies only its
 * `Schema` builds.
 */
import type * as Types from "../../src/internal/emulator/types.js"
import { type Calls, failure, success } from "./calls.js"
import type { Script, Wired } from "./suite.js"
import type { LoopReplies } from "./toolLoopSuite.js"

/** What the tool-replies body takes from an edition besides its `Wired` (`R`: its `Testing.Reply`). */
export interface ToolRepliesEdition<R> {
  /** The calls through `Testing.layerWithConfig(script)`, in-process (`callsWithConfig`). */
  readonly inProcess: (script: Script<R>) => Calls
  readonly replies: LoopReplies<R> & {
    readonly roundOf: (request: Types.RecordedRequest) => number
    readonly replyTo: (script: Script<R>, request: Types.RecordedRequest, index: number) => R
  }
  /**
   * `Testing.finalAnswer(Advice, value)`, `Advice` being `{ wear: string, note?: string }` (`"advice"`),
   * or of `{ n: Int }` (`"int"`).
   */
  readonly finalAnswer: (schema: "advice" | "int", value: unknown) => (request: Types.RecordedRequest) => R
}

const user = { role: "user" as const, content: "Hi" }
const assistantCall = {
  role: "assistant" as const,
  content: null,
  tool_calls: [{ id: "c", type: "function" as const, function: { name: "now", arguments: "{}" } }]
}
const toolResult = { role: "tool" as const, tool_call_id: "c", content: "noon" }

/**
 * The arguments of `finalAnswer(Advice, { wear: "coat" })` in both editions: the value in the strict
 * form (an absent optional field as `null`), as the `final_answer` tool's parameters ask for it.
 */
const adviceArguments = "{\"wear\":\"coat\",\"note\":null}"

const recorded = (messages: ReadonlyArray<unknown>, stream = false): Types.RecordedRequest => ({
  method: "POST",
  path: "/api/v1/chat/completions",
  url: "http://x/api/v1/chat/completions",
  headers: {},
  body: { messages, stream },
  text: ""
})

/** A reply's body, parsed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- decoded wire values, read loosely
const bodyOf = (reply: Types.Reply<unknown>): any => JSON.parse(String([...reply.body].join("")))

/** The first choice of a response, read loosely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- decoded wire values, read loosely
const choiceOf = (response: { readonly choices: ReadonlyArray<unknown> }): any => response.choices[0]

export const toolRepliesSuite = <R extends Types.Reply<unknown>>(
  wired: Wired<R>,
  edition: ToolRepliesEdition<R>
): void => {
  const { describe, expect, it, testing } = wired
  const { finalAnswer, inProcess, replies: Testing } = edition
  const url = "http://unused"

  describe("Testing.callTools", () => {
    it("answers a non-streaming request with a completion carrying the calls", async () => {
      const calls = inProcess(Testing.callTools([
        { name: "a", arguments: { x: 1 } },
        { name: "b", arguments: "" },
        { name: "c", arguments: "{oops" }
      ]))
      const choice = choiceOf(success(await calls.send(url, { messages: [user] })))
      const toolCalls: ReadonlyArray<{ function?: { name?: string; arguments?: string } }> =
        choice?.message?.tool_calls ?? []
      expect(toolCalls.map((c) => [c.function?.name, c.function?.arguments])).toEqual([
        ["a", `{"x":1}`],
        ["b", ""],
        ["c", "{oops"]
      ])
      expect(choice?.finish_reason).toBe("tool_calls")
    })

    it("answers a streaming request with tool-call deltas, arguments spread by argumentsChunkSize", async () => {
      const calls = inProcess(Testing.callTools([{ name: "a", arguments: { x: 1 } }], { argumentsChunkSize: 2 }))
      const chunks = success(await calls.stream(url, { messages: [user] })) as ReadonlyArray<
        { choices: ReadonlyArray<{ delta?: { tool_calls?: ReadonlyArray<{ function?: { arguments?: string } }> } }> }
      >
      const argumentPieces = chunks.flatMap((c) =>
        (c.choices[0]?.delta?.tool_calls ?? []).map((d) => d.function?.arguments ?? "")
      ).filter((a) => a !== "")
      expect(argumentPieces).toEqual([`{"`, `x"`, `:1`, `}`])
      const collected = choiceOf(success(await calls.collect(url, { messages: [user] })))
      expect(collected?.message?.tool_calls?.[0]?.function?.arguments).toBe(`{"x":1}`)
    })
  })

  describe("Testing.answer", () => {
    it("answers with text, streamed or not as the request asks", async () => {
      const calls = inProcess(Testing.answer("All done here."))
      const sent = success(await calls.send(url, { messages: [user] }))
      expect(choiceOf(sent)?.message?.content).toBe("All done here.")
      const streamed = success(await calls.collect(url, { messages: [user] }))
      expect(choiceOf(streamed)?.message?.content).toBe("All done here.")
    })
  })

  describe("Testing.rounds", () => {
    it("counts the round as the assistant messages after the last user message", async () => {
      expect(Testing.roundOf(recorded([user]))).toBe(0)
      expect(Testing.roundOf(recorded([user, assistantCall, toolResult]))).toBe(1)
      expect(Testing.roundOf(recorded([user, assistantCall, toolResult, assistantCall, toolResult]))).toBe(2)
      // An earlier exchange, before the last user message, does not count.
      expect(Testing.roundOf(recorded([user, { role: "assistant", content: "Hello" }, user]))).toBe(0)
    })

    it("counts an answer asked again (Structured retries, ToolLoop outputRetries) as the next round", async () => {
      const reask = { role: "user", content: "Your previous answer cannot be used: it is not valid JSON (x). Again." }
      const bad = { role: "assistant", content: "Wear a coat." }
      expect(Testing.roundOf(recorded([user, assistantCall, toolResult, bad, reask]))).toBe(2)
      expect(Testing.roundOf(recorded([user, bad, reask, bad, reask]))).toBe(2)
      // A user message that merely looks similar starts a new conversation.
      expect(Testing.roundOf(recorded([user, bad, { role: "user", content: "Your answer cannot be used." }]))).toBe(0)
    })

    it("finalAnswer calls final_answer when the loop offers it, else answers with the JSON content", async () => {
      const reply = finalAnswer("advice", { wear: "coat" })
      const tools = [{ type: "function", function: { name: "final_answer", parameters: {} } }]
      const withTool = bodyOf(reply({ ...recorded([user]), body: { messages: [user], tools } }))
      expect(withTool.choices[0].message.tool_calls[0].function).toEqual({
        name: "final_answer",
        arguments: adviceArguments
      })
      const formatted = bodyOf(reply({
        ...recorded([user]),
        body: { messages: [user], tools, response_format: { type: "json_schema" } }
      }))
      expect(formatted.choices[0].message.content).toBe(adviceArguments)
      expect(reply({ ...recorded([user]), body: { messages: [user] } }).status).toBe(200)
      expect(finalAnswer("int", { n: 1.5 })(recorded([user])).status).toBe(500)
    })

    it("answers each round with its reply; a retried request gets its round's reply again", async () => {
      const script = Testing.rounds([
        testing.error(500),
        (_request, round) => testing.completion({ content: `r${round}` })
      ])
      expect(Testing.replyTo(script, recorded([user]), 0).status).toBe(500)
      expect(Testing.replyTo(script, recorded([user]), 1).status).toBe(500)
      expect(Testing.replyTo(script, recorded([user, assistantCall, toolResult]), 2).status).toBe(200)
    })

    it("a request past the last round gets a 500 saying so", async () => {
      const calls = inProcess(Testing.rounds([Testing.answer("only one")]))
      const error = failure(
        await calls.send(url, { messages: [user, assistantCall, toolResult] }, { config: { retry: false } })
      )
      expect(error._tag).toBe("InternalServerResponseError")
      expect(error.message).toContain("no scripted answer for round #2")
    })
  })
}
