/**
 * The "application code" that `examples/testing.ts` (and `test/examples.test.ts`) test: a summarizer
 * built on `Chat.send`. It lives in its own module, as it would in an app.
 */
import { Data, Effect } from "effect"
import { Chat } from "../../src/index.js"
import * as Format from "./format.js"

/** The model answered without any text. */
export class EmptySummaryError extends Data.TaggedError("EmptySummaryError")<{ readonly finishReason: string }> {}

/** The instruction sent with every text. */
export const instruction = "Summarize the user's text in one short sentence. Answer with the summary only."

/** Summarizes `text` in one sentence. */
export const summarize = (text: string, model = "openai/gpt-4o-mini") =>
  Chat.send({
    model,
    messages: [
      { role: "system", content: instruction },
      { role: "user", content: text }
    ],
    max_tokens: 100,
    temperature: 0
  }).pipe(
    Effect.flatMap((response) => {
      const summary = Format.text(response.choices[0]?.message).trim()
      return summary === "" ?
        Effect.fail(new EmptySummaryError({ finishReason: String(response.choices[0]?.finish_reason) })) :
        Effect.succeed(summary)
    })
  )
