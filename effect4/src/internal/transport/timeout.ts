/**
 * The request timeout of one attempt.
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Scope from "effect/Scope"
import { startTimer } from "../../../../src/internal/transport/timer.js"
import type * as Errors from "../../Errors.js"
import { withoutHttpSpan } from "../telemetry/platformSpan.js"
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
  Effect.clockWith((clock) => executeWithClock(clock, client, request, timeout, what, use))

/**
 * {@link executeWithin} under a clock the caller has read from its fiber (the `Clock` reference does
 * not change while a call runs). Each run of the effect is one attempt: its own timer and scope.
 *
 * `untraced`: no tracer is installed (Effect's native tracer, whose spans no exporter sees), so the
 * HTTP client opens no span for the request (`HttpClient.TracerDisabledWhen`). A span nobody can see
 * costs the call more than anything else it does beyond sending: random span and trace ids, its
 * attributes, the `traceparent` and `b3` headers (trace ids no one records) and a context of its own.
 */
export const executeWithClock = <A, E>(
  clock: Clock.Clock,
  client: HttpClient.HttpClient,
  request: HttpClientRequest.HttpClientRequest,
  timeout: Duration.Duration,
  what: string,
  use: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, E>,
  untraced: boolean = false
): Effect.Effect<A, E | Errors.ConnectionError | Errors.TimeoutError> => {
  if (!(clock instanceof LiveClock)) {
    const attempt = client.execute(request).pipe(
      Effect.mapError((e) => connectionError(e)),
      Effect.flatMap(use),
      Effect.timeoutOrElse({ duration: timeout, orElse: () => Effect.fail(timeoutError("request", timeout, what)) })
    )
    return untraced ? Effect.updateContext(attempt, withoutHttpSpan) : attempt
  }
  const scoped = scopedClient(client)
  const millis = Duration.toMillis(timeout)
  return Effect.suspend(() => {
    const scope = Scope.makeUnsafe()
    let timedOut = false
    const cancel = startTimer(millis, () => {
      timedOut = true
      Effect.runFork(Scope.close(scope, Exit.void))
    })
    // one context update for both: the request's scope, and no span when no tracer is installed
    const context = (context: Context.Context<never>): Context.Context<Scope.Scope> =>
      untraced ? withoutHttpSpan(Context.add(context, Scope.Scope, scope)) : Context.add(context, Scope.Scope, scope)
    // Data-first calls: each piped `Effect.x(f)` would be one more closure per attempt.
    const read: Effect.Effect<A, E | Errors.ConnectionError, Scope.Scope> = Effect.flatMap(
      Effect.mapError(scoped.execute(request), toConnectionError),
      use
    )
    return Effect.onExit(
      Effect.catch(
        Effect.updateContext(read, context),
        (e): Effect.Effect<never, E | Errors.ConnectionError | Errors.TimeoutError> =>
          Effect.fail(timedOut ? timeoutError("request", timeout, what) : e)
      ),
      (exit) => {
        cancel()
        // On success the body is read: nothing to abort, and the scope is left to the garbage
        // collector. On failure or interruption, abort the request.
        return Exit.isSuccess(exit) ? Effect.void : Scope.close(scope, exit)
      }
    )
  })
}

const toConnectionError = (e: HttpClientError.HttpClientError): Errors.ConnectionError => connectionError(e)

// `HttpClient.withScope` builds a new client: one per client, not one per call.
const scopedClients = new WeakMap<
  HttpClient.HttpClient,
  HttpClient.HttpClient.With<HttpClientError.HttpClientError, Scope.Scope>
>()

const scopedClient = (client: HttpClient.HttpClient) => {
  let scoped = scopedClients.get(client)
  if (scoped === undefined) {
    scoped = HttpClient.withScope(client)
    scopedClients.set(client, scoped)
  }
  return scoped
}
