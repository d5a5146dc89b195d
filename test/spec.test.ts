/**
 * Drift test of the Effect 3 edition's schemas against OpenRouter's OpenAPI document; the suite is
 * shared with the Effect 4 edition (test/support/specSuite.ts).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as S from "../src/Schema.js"
import { compare } from "./support/openapiEffect3.js"
import { specSuite } from "./support/specSuite.js"

specSuite({
  describe,
  it,
  expect,
  compare,
  schemas: S,
  accepts: {
    request: (u) => Either.isRight(S.validateRequest(u)),
    response: (u) => Either.isRight(S.decodeChatResponse(u)),
    chunk: (u) => Either.isRight(S.decodeChatStreamChunk(u)),
    error: (u) => Either.isRight(S.decodeErrorResponse(u))
  }
})
