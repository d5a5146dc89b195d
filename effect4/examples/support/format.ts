/**
 * Small formatting helpers shared by the examples.
 */
import type { Schema } from "../../src/index.js"

/** The text of a response message: a string, or the text parts of a content-part array. */
export const text = (message: Schema.ChatMessage | null | undefined): string => {
  const content = message?.content
  if (content === undefined || content === null) return ""
  if (typeof content === "string") return content
  return content.map((part) => part.type === "text" && "text" in part ? part.text : "").join("")
}

/** A cost in credits (USD), with enough digits for sub-cent amounts. */
export const cost = (usage: Schema.Usage | null | undefined): string =>
  typeof usage?.cost === "number" ? `$${usage.cost.toFixed(6)}` : "n/a"

/** `12 prompt + 30 completion = 42 tokens` (or `n/a`). */
export const tokens = (usage: Schema.Usage | null | undefined): string =>
  usage === undefined || usage === null ?
    "n/a" :
    `${usage.prompt_tokens ?? "?"} prompt + ${usage.completion_tokens ?? "?"} completion = ${
      usage.total_tokens ?? "?"
    } tokens`
