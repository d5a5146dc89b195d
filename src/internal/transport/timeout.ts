/**
 * The request timeout of one attempt.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import type * as Errors from "../../Errors.js"
import { connectionError, timeoutError } from "./response.js"
import { startTimer } from "./timer.js"

// The class of the live clock: with it, a plain timer can bound a call (see `executeWithin`).
const LiveClock = (Clock.make() as object).constructor

/**
 * Sends a request and reads its response with `use`, all within `timeout`; on expiry the request is
 * aborted and the call fails with a `TimeoutError` (`limit: "request"`).
 *
 * On the live clock this takes one timer and the request's own abort signal (through
 * `HttpClient.withScope`) rather than `Effect.timeoutFail`, whose race of two forked fibers costs about
 * 50 us a call, a tenth of a loopback round trip. Under any other clock (`TestClock`) it is
 * `Effect.timeoutFail`, so tests drive it with `TestClock.adjust`.
 */
export const executeWithin = <A, E>(
  client: HttpClient.HttpClient,
  request: HttpClientRequest.HttpClientRequest,
  timeout: Duration.Duration,
  what: string,
  use: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, E>
): Effect.Effect<A, E | Errors.ConnectionError | Errors.TimeoutError> =>
  Effect.clockWith((clock) => {
    const onTimeout = () => timeoutError("request", timeout, what)
    if (!(clock instanceof LiveClock)) {
      return client.execute(request).pipe(
        Effect.mapError((e) => connectionError(e)),
        Effect.flatMap(use),
        Effect.timeoutFail({ duration: timeout, onTimeout })
      )
    }
    return Effect.flatMap(Scope.make(), (scope) => {
      let timedOut = false
      const cancel = startTimer(Duration.toMillis(timeout), () => {
        timedOut = true
        Effect.runFork(Scope.close(scope, Exit.void))
      })
      return HttpClient.withScope(client).execute(request).pipe(
        Effect.mapError((e) => connectionError(e)),
        Effect.flatMap(use),
        Effect.provideService(Scope.Scope, scope),
        Effect.catchAll((e) => Effect.fail(timedOut ? onTimeout() : e)),
        Effect.onExit((exit) => {
          cancel()
          // On success the body is read: nothing to abort (an abort costs a DOMException), and the
          // scope is left to the garbage collector. On failure or interruption, abort the request.
          return Exit.isSuccess(exit) ? Effect.void : Scope.close(scope, exit)
        })
      )
    })
  })
