/**
 * Every bounded request field of `effect4/src/Schema.ts`, at each of its bounds: just inside and at the
 * bound the request is sent; just outside it is an `InvalidRequestError` naming the field, and nothing
 * is sent. Through `Chat.send`, as a caller meets the bounds. The table is shared with the Effect 3
 * edition (`test/support/bounds.ts`).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { bounds, cases, valueOf } from "../../test/support/bounds.js"
import { Chat, Testing } from "../src/index.js"

/** The call's exit and how many requests reached the emulator. */
const send = (request: Record<string, unknown>) =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(Chat.send(request as unknown as Chat.ChatRequest))
    return { exit, sent: (yield* Testing.requests).length }
  }).pipe(Effect.provide(Testing.layerWithConfig(Testing.completion({ content: "ok" }), { retry: false })))

describe("every bounded request field", () => {
  it.effect.each(cases)(
    "$field $side: sent just inside and at the bound, refused just outside",
    (c) =>
      Effect.gen(function*() {
        for (const n of [c.values.inside, c.values.at]) {
          const { exit, sent } = yield* send(c.request(valueOf(c.kind, n)))
          if (Exit.isFailure(exit)) throw new Error(`${c.field} = ${n} was refused: ${Cause.pretty(exit.cause)}`)
          expect(sent).toBe(1)
        }
        const { exit, sent } = yield* send(c.request(valueOf(c.kind, c.values.outside)))
        if (Exit.isSuccess(exit)) throw new Error(`${c.field} = ${c.values.outside} was sent`)
        expect(sent).toBe(0)
        const error = Option.getOrUndefined(Cause.findErrorOption(exit.cause))
        expect(error?._tag).toBe("InvalidRequestError")
        const paths = error?._tag === "InvalidRequestError" ? error.issues.map((i) => i.path) : []
        expect(paths.some((p) => p.startsWith(c.path))).toBe(true)
      })
  )

  it.effect("an integer field refuses a fraction inside its range", () =>
    Effect.gen(function*() {
      for (const c of bounds.filter((b) => b.kind === "int")) {
        const { exit } = yield* send(c.request((c.min ?? 0) + 0.5))
        expect([c.field, Exit.isFailure(exit)]).toEqual([c.field, true])
      }
    }))
})
