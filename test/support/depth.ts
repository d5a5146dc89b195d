/**
 * Model output of any depth, shared by both editions' `depth.test.ts` (Effect-free): JSON nested a
 * given number of levels, the levels each entry point must accept (up to `MAX_DEPTH`) and refuse (one
 * more, and 5,000, where an unbounded walk overflows the stack), and the test of the bound itself in
 * the shared `json.ts` and partial parser, taking the running vitest's functions.
 */
import { makePartialJsonParser } from "../../src/internal/structured/partialJson.js"
import { MAX_DEPTH, nestsDeeperThan } from "../../src/internal/transport/json.js"

/** A value nested through `child` (each edition's `Node` schema decodes to it). */
export interface Node {
  readonly child: Node | null
}

/** `{"child":{"child":...null}}` with `levels` objects: JSON nested `levels` deep. */
export const nested = (levels: number): string =>
  `${"{\"child\":".repeat(levels - 1)}{"child":null}${"}".repeat(levels - 1)}`

/** The depth of a decoded node, walked without recursion. */
export const depthOf = (node: Node): number => {
  let depth = 1
  for (let n = node.child; n !== null; n = n.child) depth++
  return depth
}

/** Levels an entry point decodes. */
export const ACCEPTED: ReadonlyArray<number> = [MAX_DEPTH - 1, MAX_DEPTH]
/** Levels an entry point refuses with its typed error. */
export const REFUSED: ReadonlyArray<number> = [MAX_DEPTH + 1, 5000]

/** What an entry point's error says of a refused depth. */
export const TOO_DEEP = `nested deeper than ${MAX_DEPTH} levels`

/** Content pieces of at most 1,000 characters, so the stream parser sees the text in many pushes. */
export const piecesOf = (text: string): Array<string> => {
  const out: Array<string> = []
  for (let i = 0; i < text.length; i += 1000) out.push(text.slice(i, i + 1000))
  return out
}

/** What the bound's test needs of the running vitest (3 for the Effect 3 suite, 5 for the Effect 4 one). */
export interface Vitest {
  readonly describe: (name: string, body: () => void) => unknown
  readonly it: (name: string, body: () => void) => unknown
  readonly expect: (value: unknown) => { toBe(expected: unknown): void }
}

/** The bound in the shared code both editions parse model output with. */
export const nestingBoundSuite = ({ describe, expect, it }: Vitest): void => {
  describe("the nesting bound", () => {
    it("nestsDeeperThan counts object and array brackets, not those inside strings", () => {
      expect(nestsDeeperThan(nested(MAX_DEPTH))).toBe(false)
      expect(nestsDeeperThan(nested(MAX_DEPTH + 1))).toBe(true)
      expect(nestsDeeperThan(`${"[".repeat(3)}${"]".repeat(3)}`, 3)).toBe(false)
      expect(nestsDeeperThan(`${"[".repeat(4)}${"]".repeat(4)}`, 3)).toBe(true)
      expect(nestsDeeperThan(`["${"[{".repeat(500)}\\"${"[".repeat(500)}"]`, 3)).toBe(false)
      expect(nestsDeeperThan(`[[[${"[]".repeat(100_000)}]]]`, 4)).toBe(false)
    })

    it("the partial parser stops with an error one level past the bound, having shown values up to it", () => {
      const at = makePartialJsonParser()
      expect(at.push(nested(MAX_DEPTH))).toBe(true)
      expect(at.end()).toBe(true)
      const over = makePartialJsonParser()
      expect(over.push(nested(MAX_DEPTH + 1))).toBe(false)
      expect(over.error()).toBe(TOO_DEEP)
    })
  })
}
