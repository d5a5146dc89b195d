/**
 * Drift test of the Effect 4 edition's schemas against OpenRouter's OpenAPI document; the suite is
 * shared with the Effect 3 edition (test/support/specSuite.ts).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Result from "effect/Result"
import { specSuite } from "../../test/support/specSuite.js"
import * as S from "../src/Schema.js"
import { compare } from "./support/openapiEffect4.js"

specSuite({
  describe,
  it,
  expect,
  compare,
  schemas: S,
  accepts: {
    request: (u) => Result.isSuccess(S.validateRequest(u)),
    response: (u) => Result.isSuccess(S.decodeChatResponse(u)),
    chunk: (u) => Result.isSuccess(S.decodeChatStreamChunk(u)),
    error: (u) => Result.isSuccess(S.decodeErrorResponse(u))
  }
})
