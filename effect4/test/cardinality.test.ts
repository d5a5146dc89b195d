/**
 * The metrics' cardinality limit: a metric records at most `cardinalityLimit - 1` attribute sets, then
 * folds every new one into one overflow series labelled `otel.metric.overflow: "true"`, as OpenTelemetry
 * SDKs do, so Effect's metric registry stays bounded under any stream of distinct model names. Read from
 * Effect's registry (`Metric.snapshot`), where the series live.
 *
 * The attribute sets a metric has seen are process-wide (as the registry is), so the tests of this file
 * build on one another, in order.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as Internal from "../src/internal/telemetry/telemetry.js"
import type * as S from "../src/Schema.js"
import * as Telemetry from "../src/Telemetry.js"

const DURATION = Telemetry.metricNames.operationDuration
const TOKENS = Telemetry.metricNames.tokenUsage
const OVERFLOW = Internal.metricOverflow

const config = (telemetry: Telemetry.Options) => ({ baseUrl: "http://127.0.0.1:9/api/v1", telemetry })

/** One traced call per model, in order, each answered with usage, under the given telemetry options. */
const sendAll = (models: ReadonlyArray<string>, telemetry: Telemetry.Options) => {
  const configuration = config(telemetry)
  return Effect.forEach(models, (model) => {
    const response: S.ChatResponse = { model, choices: [], usage: { prompt_tokens: 1, completion_tokens: 2 } }
    return Internal.traceSend(configuration, { model, messages: [] }, Effect.succeed(response))
  }, { discard: true })
}

/** The series of a metric in Effect's registry: those of our models (by prefix) and the overflow one. */
const seriesOf = (name: string, prefix: string) =>
  Effect.map(Metric.snapshot, (snapshots) => {
    const ours = snapshots.filter((s) => s.id === name)
    return {
      models: ours.filter((s) => s.attributes?.["gen_ai.request.model"]?.startsWith(prefix) === true),
      overflow: ours.filter((s) => s.attributes?.[OVERFLOW] === "true")
    }
  })

const count = (snapshot: Metric.Metric.Snapshot | undefined): number =>
  snapshot !== undefined && snapshot.type === "Histogram" ? snapshot.state.count : 0

const models = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}/model`)

// The series of their own the first tests left in the duration metric.
let seenSoFar = 0

describe("the metrics' cardinality limit", () => {
  it.effect("cardinalityLimit 10: 9 series of their own, then 21 more models folded into the overflow series", () =>
    Effect.gen(function*() {
      yield* sendAll(models("card-a-", 30), { cardinalityLimit: 10 })
      const duration = yield* seriesOf(DURATION, "card-a-")
      expect(duration.models.map((s) => s.attributes?.["gen_ai.request.model"])).toEqual(models("card-a-", 9))
      expect(duration.overflow).toHaveLength(1)
      const overflow = duration.overflow[0]!
      expect(count(overflow)).toBe(21)
      // the overflow series carries only the overflow mark and the metric's unit
      expect(overflow.attributes).toEqual({ [OVERFLOW]: "true", unit: "s" })
      // token usage has two attribute sets per model (input, output): 9 of them, then the overflow
      const tokens = yield* seriesOf(TOKENS, "card-a-")
      expect(tokens.models).toHaveLength(9)
      expect(tokens.overflow).toHaveLength(1)
      expect(count(tokens.overflow[0])).toBe(60 - 9)
    }))

  it.effect("a model seen before the limit keeps its series; the user's own metric attributes are bounded too", () =>
    Effect.gen(function*() {
      yield* sendAll(["card-a-0/model"], { cardinalityLimit: 10 })
      yield* sendAll(["card-a-tagged/model"], { cardinalityLimit: 10 }).pipe(
        Effect.provideService(Metric.CurrentMetricAttributes, { tenant: "t1" })
      )
      const duration = yield* seriesOf(DURATION, "card-a-")
      const first = duration.models.find((s) => s.attributes?.["gen_ai.request.model"] === "card-a-0/model")
      expect(count(first)).toBe(2)
      expect(duration.models).toHaveLength(9)
      expect(count(duration.overflow[0])).toBe(22)
      seenSoFar = duration.models.length
    }))

  it.effect("the user's own metric attributes come first and make a series of their own while there is room", () =>
    Effect.gen(function*() {
      yield* sendAll(["card-u/model"], {}).pipe(Effect.provideService(Metric.CurrentMetricAttributes, { tenant: "t2" }))
      const duration = yield* seriesOf(DURATION, "card-u/")
      expect(duration.models).toHaveLength(1)
      expect(duration.models[0]!.attributes).toMatchObject({ tenant: "t2", "gen_ai.request.model": "card-u/model" })
      expect(Object.keys(duration.models[0]!.attributes ?? {})[0]).toBe("tenant")
      seenSoFar += 1
    }))

  it("by default 2,000 series per metric (the OpenTelemetry SDK's default): the 2,000th attribute set is the overflow", () => {
    // the attribute sets a call records with, for a default configuration (2,100 calls would cost seconds)
    const settings = Internal.settingsOf(config({}))
    if (settings === false) throw new Error("telemetry is on by default")
    expect(settings.cardinalityLimit).toBe(Internal.DEFAULT_CARDINALITY_LIMIT)
    expect(Internal.DEFAULT_CARDINALITY_LIMIT).toBe(2000)
    const before = seenSoFar
    const labels = models("card-b-", 2100).map((model) => Internal.labelsFor(settings, model, model, "P", undefined))
    const own = labels.filter((l) => l.duration[OVERFLOW] === undefined)
    expect(before + own.length).toBe(1999)
    expect(own).toEqual(labels.slice(0, own.length))
    for (const l of labels.slice(own.length)) {
      expect(l.duration).toEqual({ [OVERFLOW]: "true", unit: "s" })
      expect(l.input).toBe(labels.at(-1)!.input)
    }
  })
})
