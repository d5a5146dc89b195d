/**
 * What counts as content in a stream chunk. Effect-free.
 */
import type { ChunkShape } from "./wireShapes.js"

const nonEmpty = (u: unknown): boolean =>
  u !== undefined && u !== null && u !== "" && !(Array.isArray(u) && u.length === 0)

/**
 * Whether a chunk carries content for the consumer (text, reasoning, a tool call, a refusal, an image,
 * audio or annotations), as opposed to a role-only opening chunk, a usage chunk or a debug chunk.
 */
export const hasContent = (chunk: ChunkShape): boolean => {
  for (const choice of chunk.choices) {
    const delta = choice.delta
    if (
      delta !== undefined && delta !== null &&
      (nonEmpty(delta.content) || nonEmpty(delta.reasoning) || nonEmpty(delta.reasoning_details) ||
        nonEmpty(delta.tool_calls) || nonEmpty(delta.refusal) || nonEmpty(delta.images) ||
        nonEmpty(delta.audio) || nonEmpty(delta.annotations))
    ) return true
  }
  return false
}
