/**
 * The recursive `Tree` (`agentLoopSuite.ts`'s type) as an Effect 4 `Schema.suspend` identified as "Tree":
 * a recursive root, whose JSON Schema is a `$ref` into `$defs`. Asked for by the provider, `Structured`
 * and `ToolLoop` tests; the Effect 3 twin is `test/support/treeEffect3.ts`.
 */
import * as Schema from "effect/Schema"
import type { Tree } from "../../../test/support/agentLoopSuite.js"

export const TreeRoot: Schema.Codec<Tree> = Schema.suspend(() =>
  Schema.Struct({ name: Schema.String, children: Schema.Array(TreeRoot) })
).annotate({ identifier: "Tree" })

/** The same `Tree` without an identifier: the `$defs` name is made up. */
export const AnonymousTree: Schema.Codec<Tree> = Schema.suspend(() =>
  Schema.Struct({ name: Schema.String, children: Schema.Array(AnonymousTree) })
)
