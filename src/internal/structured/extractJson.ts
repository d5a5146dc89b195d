/**
 * Where a JSON value may sit in a model's prose, for `extract: "lenient"`: inside ```json fenced
 * blocks, or after a sentence of prose (from the first `{` or `[` to the last `}` or `]`). Only
 * candidates are found here; the caller keeps one only when it parses and decodes. No Effect imports
 * (reused by an Effect 4 edition).
 */

/** An opening fence (three or more backticks, an optional info string) and its closing fence. */
const FENCE = /(^|\n)[ \t]*(`{3,})[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n([\s\S]*?)\n[ \t]*\2[ \t]*(?=\n|$)/g

/** The contents of the fenced blocks of a text, in order (with or without a language). */
export const fencedBlocks = (text: string): ReadonlyArray<string> => {
  const out: Array<string> = []
  for (const match of text.matchAll(FENCE)) out.push(match[4]!)
  return out
}

/** The span from the first `{` or `[` to the last `}` or `]`, when there is one and it is not the whole text. */
export const embeddedSpan = (text: string): string | undefined => {
  const open = text.search(/[{[]/)
  if (open < 0) return undefined
  const close = Math.max(text.lastIndexOf("}"), text.lastIndexOf("]"))
  if (close <= open) return undefined
  const span = text.slice(open, close + 1)
  return span === text.trim() ? undefined : span
}

/**
 * The candidates to try, in this order of preference: the fenced blocks when there are any (a model that
 * fences its answer means the fence), else the embedded span.
 */
export const candidates = (text: string): ReadonlyArray<string> => {
  const blocks = fencedBlocks(text)
  if (blocks.length > 0) return blocks
  const span = embeddedSpan(text)
  return span === undefined ? [] : [span]
}

/**
 * How the message that asks again for an unusable answer begins: `Testing.roundOf` knows a re-ask by
 * it (a re-ask continues a tool loop's conversation, it does not start a new one). Here, Effect-free,
 * so that the emulator shared by both editions can read it.
 */
export const REASK_PREFIX = "Your previous answer cannot be used: "
