/**
 * Mutated values for the Effect 3 edition's property tests: the mutations of `mutations.ts`, drawn
 * with Effect 3's fast-check.
 */
import * as FastCheck from "effect/FastCheck"
import { applyMutations, junk, type Mutation } from "./mutations.js"

const mutation: FastCheck.Arbitrary<Mutation> = FastCheck.oneof(
  FastCheck.constantFrom(...junk).map((value): Mutation => ({ _tag: "replace", value })),
  FastCheck.constant<Mutation>({ _tag: "delete" }),
  FastCheck.constantFrom(...junk).map((value): Mutation => ({ _tag: "addKey", value }))
)

/** Values from `valid`, each changed by one to three random mutations at random paths. */
export const mutated = <A>(valid: FastCheck.Arbitrary<A>): FastCheck.Arbitrary<unknown> =>
  FastCheck.tuple(valid, FastCheck.array(FastCheck.tuple(FastCheck.nat(), mutation), { minLength: 1, maxLength: 3 }))
    .map(([value, changes]) => applyMutations(value, changes))
