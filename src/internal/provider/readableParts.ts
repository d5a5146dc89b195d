/**
 * The response parts `OpenRouterLanguageModel.fromResponseParts` can read, in both editions. It has no
 * error channel (its type is `effect/ai`'s), so what it cannot read is left out, as
 * `Prompt.fromResponseParts` leaves out a part type it does not know. Effect-free: each edition passes
 * `read`, its own reading of one part (throwing when it cannot).
 */
import { isRecord } from "../transport/json.js"

/**
 * The entries of `parts` that are objects with a string `type` and that `read` reads without throwing;
 * none when `parts` is not an array (or its length cannot be read).
 */
export const readableParts = <P>(parts: unknown, read: (part: P) => void): Array<P> => {
  const out: Array<P> = []
  try {
    if (!Array.isArray(parts)) return out
    for (let i = 0; i < parts.length; i++) {
      try {
        const part: unknown = parts[i]
        if (!isRecord(part) || typeof part.type !== "string") continue
        read(part as P)
        out.push(part as P)
      } catch {
        // a part whose getter throws: left out, the others kept
      }
    }
  } catch {
    // an array whose length cannot be read (a Proxy): nothing to read
  }
  return out
}
