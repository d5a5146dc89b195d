/**
 * A small agent on the Effect 4 edition: two tools defined once as Schemas (`effect/ai` tools, made with
 * this package's `Tool.make`), handlers as Effects, and `ToolLoop.stream` running the loop (send, run the
 * calls, send the results back, until the model answers). One tool fails for a city it does not know;
 * its `failureMode: "return"` sends the error back to the model, which answers with what it has. The
 * answer is typed: `output` is a Schema, and the loop ends with the model's answer decoded by it (given
 * through the `final_answer` tool), its partial values shown as they form.
 *
 *   cd effect4 && npx tsx examples/agent.ts
 *
 * Without a key, the emulator plays the model: the first request gets three tool calls (their
 * arguments spread over many chunks), the next one a final answer built from the tool results.
 * With a key, OPENROUTER_MODEL (default openai/gpt-4o-mini, which supports tools) answers.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Console, Context, Effect, Layer, Schema, Stream } from "effect"
import { Testing, Tool, Toolkit, ToolLoop } from "../src/index.js"
import * as Backend from "./support/runtime.js"

// ---------------------------------------------------------------------------
// The tools
// ---------------------------------------------------------------------------

class CityNotFound extends Schema.TaggedError<CityNotFound>()("CityNotFound", { city: Schema.String }) {}

/** A service the time tool needs: it shows up in the loop's requirements until provided. */
class Clock extends Context.Service<Clock, { readonly now: () => Date }>()("examples/Clock") {}

const GetWeather = Tool.make("get_weather", {
  description: "The current weather in a city.",
  parameters: Schema.Struct({ city: Schema.String.annotate({ description: "The city, e.g. Paris" }) }),
  success: Schema.Struct({ city: Schema.String, celsius: Schema.Number, conditions: Schema.String }),
  failure: CityNotFound,
  // A city the service does not know goes back to the model as the call's result.
  failureMode: "return"
})

const GetTime = Tool.make("get_time", {
  description: "The current time in an IANA time zone.",
  parameters: Schema.Struct({ timezone: Schema.String.annotate({ description: "e.g. Europe/Paris" }) }),
  success: Schema.String,
  dependencies: [Clock]
})

const Tools = Toolkit.make(GetWeather, GetTime)

const weather: Record<string, { readonly celsius: number; readonly conditions: string }> = {
  paris: { celsius: 18, conditions: "light rain" },
  tokyo: { celsius: 24, conditions: "clear" }
}

const ToolsLive = Toolkit.toLayer(Tools, {
  get_weather: ({ city }) => {
    const found = weather[city.toLowerCase()]
    return found === undefined ? Effect.fail(new CityNotFound({ city })) : Effect.succeed({ city, ...found })
  },
  get_time: ({ timezone }) =>
    Clock.useSync((clock) =>
      clock.now().toLocaleTimeString("en-GB", { timeZone: timezone, hour: "2-digit", minute: "2-digit" })
    )
})

/** The answer the loop ends with, decoded and typed. */
const Report = Schema.Struct({
  cities: Schema.Array(Schema.Struct({
    city: Schema.String,
    celsius: Schema.optionalKey(Schema.Number.annotate({ description: "Absent when unknown" })),
    conditions: Schema.optionalKey(Schema.String)
  })),
  localTime: Schema.String.annotate({ description: "The local time in Paris, HH:MM" })
}).annotate({ description: "The weather in each city asked about, and the time in Paris" })

// A fixed clock keeps the output reproducible.
const ClockLive = Layer.succeed(Clock, { now: () => new Date("2026-06-01T12:30:00Z") })

// ---------------------------------------------------------------------------
// The emulator playing the model (only without a key)
// ---------------------------------------------------------------------------

const playTheModel = Testing.rounds([
  Testing.callTools([
    { name: "get_weather", arguments: { city: "Paris" } },
    { name: "get_weather", arguments: { city: "Atlantis" } },
    { name: "get_time", arguments: { timezone: "Europe/Paris" } }
  ], { argumentsChunkSize: 4 }),
  (request) => {
    const messages = (request.body as { messages: ReadonlyArray<{ role: string; content: string }> }).messages
    const [parisJson, atlantisJson, time] = messages.filter((m) => m.role === "tool").map((m) => m.content)
    const paris = JSON.parse(parisJson!) as { city: string; celsius: number; conditions: string }
    const atlantis = JSON.parse(atlantisJson!) as { error: { city: string } }
    return Testing.finalAnswer(Report, {
      cities: [paris, { city: atlantis.error.city }],
      localTime: time!
    }, { argumentsChunkSize: 6 })(request)
  }
])

// ---------------------------------------------------------------------------
// The program
// ---------------------------------------------------------------------------

const program = Effect.gen(function*() {
  const model = yield* Backend.model("openai/gpt-4o-mini")
  const question = "What's the weather in Paris and in Atlantis, and what time is it in Paris?"
  yield* Console.log(`user: ${question}`)

  const events = ToolLoop.stream(
    { model, messages: [{ role: "user", content: question }] },
    { toolkit: Tools, maxRounds: 4, output: Report, outputRetries: 1 }
  )
  let partials = 0
  yield* Stream.runForEach(events, (event) =>
    Effect.sync(() => {
      switch (event._tag) {
        case "OutputPartial": {
          // The answer as it forms (the Schema's encoded side, unvalidated): a UI would render it here.
          partials++
          return
        }
        case "Restart": {
          partials = 0
          process.stdout.write(`(the answer could not be used, asked again: ${event.error.message})\n`)
          return
        }
        case "Round": {
          for (const result of event.round.results) {
            const call = result._tag === "Invalid" ? undefined : result.call
            const label = call === undefined ? "invalid call" : `${call.name}(${JSON.stringify(call.params)})`
            const verdict = result._tag === "Success" ? "=" : "failed:"
            process.stdout.write(`tool ${label} ${verdict} ${result.message.content as string}\n`)
          }
          return
        }
        case "Done": {
          // `output` is typed by the Schema: no parsing, no casts.
          const { output, rounds, transcript } = event.result
          const cities = output.cities.map((c) =>
            c.celsius === undefined ? `${c.city}: unknown` : `${c.city}: ${c.celsius} °C, ${c.conditions ?? "?"}`
          )
          process.stdout.write(`answer: ${cities.join("; ")}; time in Paris ${output.localTime}\n`)
          process.stdout.write(
            `(${rounds.length} rounds, ${transcript.length} messages, the answer seen forming ${
              partials > 1 ? "in pieces" : "at once"
            })\n`
          )
        }
      }
    }))
})

program.pipe(
  Effect.provide(Layer.mergeAll(ToolsLive, ClockLive)),
  Effect.provide(Layer.merge(Backend.layer({ script: playTheModel }), NodeHttpClient.layerUndici)),
  NodeRuntime.runMain
)
