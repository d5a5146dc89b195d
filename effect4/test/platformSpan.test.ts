/**
 * The exit the HTTP client's span ends with, without the request's secrets (internal/telemetry/platformSpan.ts):
 * the pieces, on Effect 4's `HttpClientError` reasons. The end-to-end check over real sockets and a
 * recording tracer is test/secrets.test.ts.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Exit from "effect/Exit"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import { inspect } from "node:util"
import { SECRET } from "../../test/support/secret.js"
import { redactExit, redactRequest } from "../src/internal/telemetry/platformSpan.js"

const request = HttpClientRequest.post("http://127.0.0.1:9/api/v1/chat/completions").pipe(
  HttpClientRequest.bearerToken(SECRET),
  HttpClientRequest.setHeader("x-api-key", SECRET),
  HttpClientRequest.setHeader("cookie", `session=${SECRET}`),
  HttpClientRequest.setHeader("proxy-authorization", SECRET),
  HttpClientRequest.setHeader("x-title", "kept")
)

const response = HttpClientResponse.fromWeb(request, new Response("{}", { status: 503 }))

/**
 * Whether the key is reachable from `value` through own properties (enumerable or not): what a tracer
 * walking the exit could reach, whatever Effect's own printing hides.
 */
const reaches = (value: unknown, seen = new Set<unknown>()): boolean => {
  if (typeof value === "string") return value.includes(SECRET)
  if ((typeof value !== "object" && typeof value !== "function") || value === null || seen.has(value)) return false
  seen.add(value)
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)
    if (descriptor !== undefined && "value" in descriptor && reaches(descriptor.value, seen)) return true
  }
  return false
}

const failureOf = (exit: Exit.Exit<unknown, unknown>): HttpClientError.HttpClientError => {
  if (!Exit.isFailure(exit)) throw new Error("expected a failure")
  const error = Cause.squash(exit.cause)
  if (!HttpClientError.isHttpClientError(error)) throw new Error("expected an HttpClientError")
  return error
}

describe("redactRequest", () => {
  it("replaces every secret header and keeps the others", () => {
    const redacted = redactRequest(request)
    for (const name of ["authorization", "x-api-key", "cookie", "proxy-authorization"]) {
      expect(redacted.headers[name]).toBe("<redacted>")
    }
    expect(redacted.headers["x-title"]).toBe("kept")
    expect(redacted.url).toBe(request.url)
    expect(reaches(redacted)).toBe(false)
    // the request that is sent keeps its key
    expect(request.headers["authorization"]).toBe(`Bearer ${SECRET}`)
  })

  it("returns a request without secret headers as it is", () => {
    const plain = HttpClientRequest.get("http://127.0.0.1:9/")
    expect(redactRequest(plain)).toBe(plain)
  })
})

describe("redactExit", () => {
  it("keeps a transport failure's class, reason, description and cause, without the key", () => {
    const cause = new Error("connect ECONNREFUSED")
    const original = new HttpClientError.HttpClientError({
      reason: new HttpClientError.TransportError({ request, cause, description: "refused" })
    })
    const exit = redactExit(Exit.fail(original))
    const error = failureOf(exit)
    expect(error).not.toBe(original)
    expect(error.reason._tag).toBe("TransportError")
    expect(error.reason).toBeInstanceOf(HttpClientError.TransportError)
    expect(error.reason.description).toBe("refused")
    expect(error.cause).toBe(cause)
    expect(error.request.headers["authorization"]).toBe("<redacted>")
    expect(error.request.url).toBe(request.url)
    expect(reaches(exit)).toBe(false)
    expect(inspect(exit, { depth: 20, showHidden: true })).not.toContain(SECRET)
    // the walk would find it in the original
    expect(reaches(Exit.fail(original))).toBe(true)
  })

  it("cuts a status failure's response to its status (the response holds the request too)", () => {
    const original = new HttpClientError.HttpClientError({
      reason: new HttpClientError.StatusCodeError({ request, response })
    })
    const exit = redactExit(Exit.fail(original))
    const error = failureOf(exit)
    expect(error.reason._tag).toBe("StatusCodeError")
    expect(error.response?.status).toBe(503)
    expect(reaches(exit)).toBe(false)
    expect(reaches(Exit.fail(original))).toBe(true)
  })

  it("ends a success with the status alone, and leaves other values and failures as they are", () => {
    const exit = redactExit(Exit.succeed(response))
    expect(Exit.isSuccess(exit) && exit.value).toEqual({ status: 503 })
    const other = Exit.succeed("plain")
    expect(redactExit(other)).toBe(other)
    const failure = redactExit(Exit.fail("not an HTTP error"))
    expect(Exit.isFailure(failure) && Cause.squash(failure.cause)).toBe("not an HTTP error")
    const defect = redactExit(Exit.die(new Error("boom")))
    expect(Exit.isFailure(defect) && Cause.hasDies(defect.cause)).toBe(true)
  })
})
