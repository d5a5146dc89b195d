/**
 * The recursive `Tree` (`agentLoopSuite.ts`'s type) as an Effect 3 `Schema.suspend` identified as "Tree":
 * a recursive root, whose JSON Schema is a `$ref` into `$defs`. Asked for by the provider, `Structured`
 * and `ToolLoop` tests; the Effect 4 twin is `effect4/test/support/treeEffect4.ts`.
 */
import * as Schema from "effect/Schema"
import type { Tree } from "./agentLoopSuite.js"

export const TreeRoot: Schema.Schema<Tree> = Schema.suspend(() =>
  Schema.Struct({ name: Schema.String, children: Schema.Array(TreeRoot) })
).annotations({ identifier: "Tree" })

/** The same `Tree` without an identifier: the `$defs` name is made up. */
export const AnonymousTree: Schema.Schema<Tree> = Schema.suspend(() =>
  Schema.Struct({ name: Schema.String, children: Schema.Array(AnonymousTree) })
)
