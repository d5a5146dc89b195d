/**
 * The request timeout of one attempt.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Scope from "effect/Scope"
import { startTimer } from "../../../../src/internal/transport/timer.js"
import type * as Errors from "../../Errors.js"
import { connectionError, timeoutError } from "./response.js"

// The class of the live clock (the `Clock` reference's default): with it, a plain timer can bound a
// call (see `executeWithin`).
const LiveClock = (Clock.Clock.defaultValue() as object).constructor

/**
 * Sends a request and reads its response with `use`, all within `timeout`; on expiry the request is
 * aborted and the call fails with a `TimeoutError` (`limit: "request"`).
 *
 * On the live clock this takes one timer and the request's own scope (`HttpClient.withScope`, whose
 * closing aborts the request) rather than `Effect.timeoutOrElse`, whose race forks a fiber per call.
 * Under any other clock (`TestClock`) it is `Effect.timeoutOrElse`, so tests drive it with
 * `TestClock.adjust`; interrupting a request before its response arrives aborts it there too.
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
        Effect.timeoutOrElse({ duration: timeout, orElse: () => Effect.fail(onTimeout()) })
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
        Effect.catch((e) => Effect.fail(timedOut ? onTimeout() : e)),
        Effect.onExit((exit) => {
          cancel()
          // On success the body is read: nothing to abort, and the scope is left to the garbage
          // collector. On failure or interruption, abort the request.
          return Exit.isSuccess(exit) ? Effect.void : Scope.close(scope, exit)
        })
      )
    })
  })
