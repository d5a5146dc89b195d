/**
 * A small chat in the terminal, on the Effect 4 edition: each answer streams in token by token, the
 * conversation is kept across turns (the stats line after each answer counts the turn and the messages
 * sent with it), and Ctrl-C stops a reply (the connection closes, so generation and billing stop).
 *
 *   npm run demo                           chat; Ctrl-C interrupts a reply, Ctrl-C or Ctrl-D on an
 *                                          empty line quits
 *   npm run demo -- "What is Effect?"      answer one question, then exit
 *   printf 'Hi\nAnd then?\n' | npm run demo    answer each line of stdin, exit at the end
 *
 * It talks to OpenRouter when OPENROUTER_API_KEY is set (model: OPENROUTER_MODEL, default
 * openrouter/auto; OPENROUTER_BASE_URL changes the URL), to OPENROUTER_BASE_URL with a placeholder key
 * when only that is set (an emulator started with `npx effect-openrouter-emulator`), else to the
 * embedded emulator, whose answers say so.
 * EFFECT_OPENROUTER_DEMO_SLOW=1 (or a number of milliseconds) makes the emulator pause between
 * chunks, to watch the streaming or try Ctrl-C.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import {
  Cause,
  Clock,
  Config,
  Console,
  Deferred,
  Duration,
  Effect,
  Exit,
  Fiber,
  Layer,
  Option,
  Queue,
  Ref,
  Schedule,
  type Scope,
  Stream
} from "effect"
import * as readline from "node:readline"
import { Chat, type Schema as OpenRouter, Testing } from "../src/index.js"
import * as Format from "./support/format.js"
import * as Backend from "./support/runtime.js"

const out = process.stdout
const tty = out.isTTY === true
const dim = (s: string) => tty ? `\x1b[2m${s}\x1b[22m` : s

// ---------------------------------------------------------------------------
// The emulator, optionally slowed down
// ---------------------------------------------------------------------------

/** `EFFECT_OPENROUTER_DEMO_SLOW`: unset or 0 → full speed, 1 → 150 ms between chunks, N → N ms. */
const slowness = Config.Number("EFFECT_OPENROUTER_DEMO_SLOW").pipe(
  Config.withDefault(0),
  Config.map((n) => n <= 0 ? Option.none() : Option.some(Duration.millis(n === 1 ? 150 : n)))
)

/** The default emulator answer, with a pause between its body pieces (one SSE event each). */
const slowly = (delay: Duration.Duration): Testing.Script => (request, index) => {
  const reply = Testing.emulator(request, index)
  return {
    ...reply,
    body: {
      *[Symbol.iterator]() {
        let first = true
        for (const piece of reply.body) {
          if (!first) yield Testing.pause(delay)
          first = false
          yield piece
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Input: lines and Ctrl-C
// ---------------------------------------------------------------------------

interface Input {
  /** Shows the prompt (in a terminal) and waits for the next line; `None` means quit. */
  readonly next: Effect.Effect<Option.Option<string>>
  /** Completes at the next Ctrl-C (or SIGINT); while it waits, Ctrl-C does nothing else. */
  readonly ctrlC: Effect.Effect<void>
}

/**
 * Reads lines from stdin with node:readline (or none, for a one-shot question). Ctrl-C arrives as the
 * readline `SIGINT` event in a terminal, as the process signal otherwise: while a reply waits on
 * `ctrlC` it goes there; at an empty prompt it quits; on a half-typed line it clears the line.
 */
const makeInput = (readLines: boolean): Effect.Effect<Input, never, Scope.Scope> =>
  Effect.gen(function*() {
    const lines = yield* Queue.unbounded<Option.Option<string>>()
    const quit = yield* Deferred.make<void>()
    const waiting = new Set<() => void>()
    const rl = readLines ?
      yield* Effect.acquireRelease(
        Effect.sync(() =>
          readline.createInterface({
            input: process.stdin,
            output: out,
            terminal: tty && process.stdin.isTTY,
            prompt: "you › "
          })
        ),
        (rl) => Effect.sync(() => rl.close())
      ) :
      undefined

    const onCtrlC = () => {
      if (waiting.size > 0) {
        for (const resume of waiting) resume()
      } else if (rl !== undefined && rl.line.length > 0) {
        rl.write(null, { ctrl: true, name: "e" })
        rl.write(null, { ctrl: true, name: "u" })
      } else {
        if (rl?.terminal) out.write("\n")
        Deferred.doneUnsafe(quit, Exit.void)
      }
    }
    rl?.on("line", (line) => Queue.offerUnsafe(lines, Option.some(line)))
    rl?.on("close", () => Queue.offerUnsafe(lines, Option.none()))
    rl?.on("SIGINT", onCtrlC)
    yield* Effect.acquireRelease(
      Effect.sync(() => process.on("SIGINT", onCtrlC)),
      () => Effect.sync(() => process.off("SIGINT", onCtrlC))
    )

    const next = Effect.gen(function*() {
      if (yield* Deferred.isDone(quit)) return Option.none()
      if (rl?.terminal) rl.prompt()
      return yield* Effect.raceFirst(Queue.take(lines), Effect.as(Deferred.await(quit), Option.none()))
    })
    const ctrlC = Effect.callback<void>((resume) => {
      const handler = () => {
        waiting.delete(handler)
        resume(Effect.void)
      }
      waiting.add(handler)
      return Effect.sync(() => waiting.delete(handler))
    })
    return { next, ctrlC }
  })

// ---------------------------------------------------------------------------
// One reply
// ---------------------------------------------------------------------------

const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

/** Spins until interrupted, then clears its line. */
const spinner = Effect.suspend(() => {
  let i = 0
  return Effect.sync(() => out.write(`\r${dim(`${frames[i++ % frames.length]} waiting for the first token…`)}`)).pipe(
    Effect.repeat(Schedule.spaced("80 millis")),
    Effect.ensuring(Effect.sync(() => out.write("\r\x1b[K")))
  )
})

interface Answered {
  readonly _tag: "Answered"
  readonly response: OpenRouter.ChatResponse
  readonly firstTokenMs: number | undefined
  readonly totalMs: number
}

/** Streams the answer to `messages` to stdout (the text so far also goes to `partial`). */
const reply = (model: string, messages: ReadonlyArray<OpenRouter.Message>, partial: Ref.Ref<string>) =>
  Effect.scoped(Effect.gen(function*() {
    const start = yield* Clock.currentTimeMillis
    const spin = tty ? yield* Effect.forkScoped(spinner) : undefined
    let firstTokenMs: number | undefined
    const response = yield* Chat.stream({ model, messages }).pipe(
      Stream.tap((chunk) =>
        Effect.gen(function*() {
          const piece = chunk.choices[0]?.delta?.content
          if (!piece) return
          if (firstTokenMs === undefined) {
            firstTokenMs = (yield* Clock.currentTimeMillis) - start
            if (spin) yield* Fiber.interrupt(spin)
          }
          yield* Ref.update(partial, (text) => text + piece)
          out.write(piece)
        })
      ),
      Chat.collect
    )
    const totalMs = (yield* Clock.currentTimeMillis) - start
    return { _tag: "Answered", response, firstTokenMs, totalMs } satisfies Answered
  }))

/**
 * The stats line of a reply. The turn and the messages sent show that the conversation is kept: each
 * request carries the whole history (which is also why the prompt tokens grow).
 */
const stats = ({ firstTokenMs, response, totalMs }: Answered, sent: ReadonlyArray<OpenRouter.Message>): string => {
  const usage = response.usage
  const turnNumber = sent.filter((message) => message.role === "user").length
  return [
    `${response.model ?? "?"} via ${response.provider ?? "?"}`,
    `${usage?.prompt_tokens ?? "?"} → ${usage?.completion_tokens ?? "?"} tokens`,
    Format.cost(usage),
    `first token ${firstTokenMs === undefined ? "n/a" : `${firstTokenMs} ms`}`,
    `${(totalMs / 1000).toFixed(1)} s`,
    `turn ${turnNumber}, ${sent.length} ${sent.length === 1 ? "message" : "messages"} in context`
  ].join(" · ")
}

type Outcome = "answered" | "failed" | "interrupted"

/**
 * One turn: streams the answer to `question` after the history; Ctrl-C interrupts it (the stream's
 * scope closes, which closes the connection). The history keeps the question and what was answered.
 */
const turn = (
  model: string,
  history: Ref.Ref<ReadonlyArray<OpenRouter.Message>>,
  input: Input,
  question: string
) =>
  Effect.gen(function*() {
    const messages = [...(yield* Ref.get(history)), { role: "user", content: question } as const]
    const partial = yield* Ref.make("")
    const closedBefore = yield* Backend.Backend.use((b) => b._tag === "Emulator" ? b.server.aborted : Effect.succeed(0))
    const result = yield* reply(model, messages, partial).pipe(
      Effect.raceFirst(Effect.as(input.ctrlC, { _tag: "Interrupted" } as const)),
      Effect.result
    )
    const text = yield* Ref.get(partial)
    if (text !== "") yield* Console.log("")
    if (result._tag === "Failure") {
      yield* Console.log(`✗ ${result.failure._tag}: ${result.failure.message}`)
      return "failed" satisfies Outcome
    }
    if (result.success._tag === "Interrupted") {
      if (text !== "") yield* Ref.set(history, [...messages, { role: "assistant", content: text }])
      yield* Console.log("⏹ Interrupted.")
      yield* Backend.whenEmulator((server) =>
        server.awaitAborts(closedBefore + 1).pipe(
          Effect.timeout("2 seconds"),
          Effect.match({
            onSuccess: () => dim("  (the emulator saw the connection close)"),
            onFailure: () => dim("  (the emulator did not see the connection close)")
          }),
          Effect.flatMap(Console.log)
        )
      )
      return "interrupted" satisfies Outcome
    }
    const answered = result.success
    const answer = Format.text(answered.response.choices[0]?.message)
    yield* Ref.set(history, [...messages, { role: "assistant", content: answer }])
    yield* Console.log(dim(`  ${stats(answered, messages)}`))
    return "answered" satisfies Outcome
  })

// ---------------------------------------------------------------------------
// The program
// ---------------------------------------------------------------------------

const exitCodes: Record<Outcome, number> = { answered: 0, failed: 1, interrupted: 130 }

const program = Effect.gen(function*() {
  const model = yield* Backend.model()
  const history = yield* Ref.make<ReadonlyArray<OpenRouter.Message>>([])
  const question = process.argv.slice(2).join(" ").trim()

  if (question !== "") {
    const input = yield* makeInput(false)
    return exitCodes[yield* turn(model, history, input, question)]
  }

  const input = yield* makeInput(true)
  if (tty) {
    yield* Console.log(dim(`Chatting with ${model}. Ctrl-C stops a reply; Ctrl-C or Ctrl-D on an empty line quits.`))
  }
  while (true) {
    const line = yield* input.next
    if (Option.isNone(line)) break
    if (line.value.trim() === "") continue
    if (!process.stdin.isTTY) yield* Console.log(`you › ${line.value}`)
    yield* turn(model, history, input, line.value)
  }
  if (tty) yield* Console.log("Bye.")
  return 0
})

const layer = Layer.unwrap(Effect.map(slowness, (delay) =>
  Layer.merge(
    Backend.layer({ script: Option.match(delay, { onNone: () => Testing.emulator, onSome: slowly }) }),
    NodeHttpClient.layerUndici
  )))

Effect.runFork(program.pipe(Effect.scoped, Effect.provide(layer))).addObserver((exit) => {
  if (Exit.isSuccess(exit)) {
    process.exitCode = exit.value
  } else {
    console.error(Cause.pretty(exit.cause))
    process.exitCode = 1
  }
})
