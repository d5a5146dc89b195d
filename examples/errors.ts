/**
 * Every way a call can fail, handled exhaustively: `Match.tagsExhaustive` over `Errors.SendError`
 * (what `Chat.send` fails with) and `Errors.StreamError` (`Chat.stream`: the same plus
 * `MidStreamError`). Forget a case, or let a new error class appear, and this file stops compiling.
 *
 *   npm run example -- errors
 *
 * Without a key, a scripted emulator answers each call with a different failure (401, 402, 429 with
 * Retry-After, 503, an HTML 502 from a proxy, an error in the middle of a stream, a cut-off stream).
 * With a key, it provokes a few real ones (an unknown model, a wrong key, an invalid request).
 * Retries are off so that each failure shows as it arrived (see retry.ts for retries).
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Console, Duration, Effect, Layer, Match, Redacted, Stream } from "effect"
import { Chat, type Errors, OpenRouterConfig, Testing } from "../src/index.js"
import * as Backend from "./support/runtime.js"

/** One handler per error class; a missing or misspelt tag is a compile error. */
type Handlers<E extends { readonly _tag: string }> = {
  readonly [Tag in E["_tag"]]: (error: Extract<E, { readonly _tag: Tag }>) => string
}

const retryHint = (retryAfter: Duration.Duration | undefined): string =>
  retryAfter === undefined ? "try again in a moment" : `try again in ${Duration.format(retryAfter)}`

const sendCases: Handlers<Errors.SendError> = {
  BadRequestResponseError: (e) => `OpenRouter rejected the request (400): ${e.message}`,
  UnauthorizedResponseError: () => "The API key was refused (401): check OPENROUTER_API_KEY.",
  PaymentRequiredResponseError: () =>
    "Out of credits (402): add some at https://openrouter.ai/settings/credits, or pick a free model.",
  ForbiddenResponseError: (e) => {
    const reasons = e.metadata?.reasons
    return `Blocked (403)${Array.isArray(reasons) ? ` for ${reasons.join(", ")}` : ""}: ${e.message}`
  },
  NotFoundResponseError: (e) => `No such model or endpoint (404): ${e.message}`,
  RequestTimeoutResponseError: () => "OpenRouter timed out waiting for the model (408): try again.",
  PayloadTooLargeResponseError: () => "The request is too large (413): shorten the conversation.",
  UnprocessableEntityResponseError: (e) => `The model cannot handle these parameters (422): ${e.message}`,
  TooManyRequestsResponseError: (e) => `Rate limited (429): ${retryHint(e.retryAfter)}.`,
  InternalServerResponseError: () => "OpenRouter had an internal error (500): try again.",
  BadGatewayResponseError: (e) =>
    typeof e.body === "string" ?
      "Bad gateway (502): a proxy answered with a non-JSON page; the provider or the network is down." :
      `The provider failed (502): ${e.message}`,
  ServiceUnavailableResponseError: (e) =>
    `No provider can serve this right now (503${e.availability?.code ? `, ${e.availability.code}` : ""}): ${
      e.availability?.retryable === false ? "a retry will not help" : retryHint(e.retryAfter)
    }.`,
  EdgeNetworkTimeoutResponseError: () => "The edge network timed out (524): try again.",
  ProviderOverloadedResponseError: () => "The provider is overloaded (529): try again shortly or pick another model.",
  OpenRouterDefaultError: (e) => `OpenRouter answered HTTP ${e.status}: ${e.message}`,
  ConnectionError: (e) =>
    e.reason === "StreamCutOff" ?
      "The stream was cut off before it finished: the answer above is incomplete." :
      `Could not talk to OpenRouter: ${e.message}`,
  TimeoutError: (e) =>
    e.limit === "idle" ?
      `The stream went silent for ${Duration.format(e.duration)}: gave up.` :
      `No answer within ${Duration.format(e.duration)}: gave up.`,
  ResponseDecodeError: (e) => `The response (HTTP ${e.status}) was not a chat completion: ${e.issue.split("\n")[0]}`,
  InvalidRequestError: (e) => {
    // A field checked against a union reports one issue per member; the first says enough.
    const first = new Map(e.issues.map((i) => [i.path, i.message] as const).reverse())
    return `The request is invalid, nothing was sent: ${[...first].map(([path, m]) => `${path} (${m})`).join("; ")}`
  }
}

/** A friendly line for each failure of `Chat.send`. */
export const explainSend = Match.type<Errors.SendError>().pipe(Match.tagsExhaustive(sendCases))

/** A friendly line for each failure of `Chat.stream`. */
export const explainStream = Match.type<Errors.StreamError>().pipe(Match.tagsExhaustive({
  ...sendCases,
  MidStreamError: (e) =>
    `The stream failed after it had started${e.contentEmitted ? " (the partial answer is above)" : ""}: ${e.message}${
      e.errorType === undefined ? "" : ` [${e.errorType}]`
    }`
}))

const ask = (model: string, content = "Say hello."): Chat.ChatRequest => ({
  model,
  messages: [{ role: "user", content }],
  max_tokens: 50
})

/** `Chat.send`; prints the friendly line of its failure. */
const send = (label: string, request: Chat.ChatRequest) =>
  Chat.send(request).pipe(
    Effect.match({
      onFailure: (error) => `${label}: ${explainSend(error)} [${error._tag}]`,
      onSuccess: () => `${label}: succeeded`
    }),
    Effect.flatMap(Console.log)
  )

/** `Chat.stream`, printing the text as it arrives; prints the friendly line of its failure. */
const stream = (label: string, request: Chat.ChatRequest) =>
  Effect.gen(function*() {
    yield* Console.log(`${label}:`)
    const result = yield* Chat.stream(request).pipe(
      Stream.runForEach((chunk) => Effect.sync(() => process.stdout.write(chunk.choices[0]?.delta?.content ?? ""))),
      Effect.either
    )
    yield* Console.log("")
    yield* Console.log(
      result._tag === "Left" ? `  → ${explainStream(result.left)} [${result.left._tag}]` : "  → succeeded"
    )
  })

const proxyPage = "<html><head><title>502 Bad Gateway</title></head>" +
  "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"

/** Without a key: one scripted failure per call. */
const emulated = (server: { readonly setScript: (script: Testing.Script) => Effect.Effect<void> }, model: string) =>
  Effect.gen(function*() {
    const cases: ReadonlyArray<readonly [string, Testing.Reply]> = [
      ["401", Testing.error(401)],
      ["402", Testing.error(402)],
      ["429", Testing.error(429, { retryAfter: "7 seconds" })],
      ["503", Testing.error(503)],
      ["502 (HTML)", Testing.error(502, { body: proxyPage })]
    ]
    for (const [label, reply] of cases) {
      yield* server.setScript(reply)
      yield* send(label, ask(model))
    }
    yield* server.setScript(Testing.midStreamError({
      deltas: ["Once ", "upon ", "a "],
      after: 3,
      message: "Provider returned error: upstream connection lost"
    }))
    yield* stream("mid-stream error", ask(model, "Tell me a story."))
    yield* server.setScript(Testing.truncated({ deltas: ["The ", "end ", "is "], after: 3 }))
    yield* stream("cut-off stream", ask(model, "Tell me another one."))
  })

/** With a key: failures that cost nothing. */
const live = (model: string) =>
  Effect.gen(function*() {
    yield* send("unknown model", ask("no-such-vendor/no-such-model"))
    const config = yield* OpenRouterConfig
    yield* send("wrong key", ask(model)).pipe(
      Effect.provideService(OpenRouterConfig, { ...config, apiKey: Redacted.make("sk-or-v1-not-a-real-key") })
    )
    yield* stream("a stream that works", ask(model, "Say hello in three words."))
  })

const program = Effect.gen(function*() {
  const model = yield* Backend.model()
  const backend = yield* Backend.Backend
  if (backend._tag === "Emulator") yield* emulated(backend.server, model)
  else yield* live(model)
  // Validation happens before anything is sent, so this one is the same with or without a key.
  yield* send("invalid request", { ...ask(model), temperature: 5 })
})

program.pipe(
  Effect.provide(Layer.merge(Backend.layer({ config: { retry: false } }), NodeHttpClient.layerUndici)),
  NodeRuntime.runMain
)
