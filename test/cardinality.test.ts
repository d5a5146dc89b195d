/**
 * The metrics' cardinality limit: a metric records at most `cardinalityLimit - 1` label sets, then
 * folds every new one into one overflow series labelled `otel.metric.overflow: "true"`, as
 * OpenTelemetry SDKs do, so Effect's global metric registry stays bounded under any stream of distinct
 * model names. Read from Effect's registry (`Metric.snapshot`), where the series live.
 *
 * The label sets a metric has seen are process-wide (as the registry is), so the tests of this file
 * build on one another, in order.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import type * as MetricPair from "effect/MetricPair"
import * as MetricState from "effect/MetricState"
import * as Redacted from "effect/Redacted"
import { Chat, Client, Telemetry, Testing } from "../src/index.js"
import * as Internal from "../src/internal/telemetry/telemetry.js"

const DURATION = Telemetry.metricNames.operationDuration
const TOKENS = Telemetry.metricNames.tokenUsage
const OVERFLOW = Telemetry.attributes.metricOverflow

const send = (model: string) => Chat.send({ model, messages: [{ role: "user", content: "Hi" }] })

/** Sends one call per model, in order, with the given telemetry options. */
const sendAll = (models: ReadonlyArray<string>, telemetry: { readonly cardinalityLimit?: number }) =>
  Effect.forEach(models, send, { discard: true }).pipe(
    Effect.provide(Testing.layerWithConfig(Testing.completion({ content: "Hi" }), { retry: false, telemetry }))
  )

const tag = (pair: MetricPair.MetricPair.Untyped, key: string) => pair.metricKey.tags.find((t) => t.key === key)?.value

/** The series of a metric in Effect's registry: those of our models (by prefix) and the overflow one. */
const seriesOf = (name: string, prefix: string) =>
  Effect.map(Metric.snapshot, (pairs) => {
    const ours = pairs.filter((p) => p.metricKey.name === name)
    return {
      models: ours.filter((p) => tag(p, "gen_ai.request.model")?.startsWith(prefix) === true),
      overflow: ours.filter((p) => tag(p, OVERFLOW) === "true")
    }
  })

const count = (pair: MetricPair.MetricPair.Untyped | undefined): number =>
  pair !== undefined && MetricState.isHistogramState(pair.metricState) ? pair.metricState.count : 0

// The series of their own the first tests left in the duration metric.
let seenSoFar = 0

const models = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}/model`)

describe("the metrics' cardinality limit", () => {
  it.effect("cardinalityLimit 10: 9 series of their own, then 21 more models folded into the overflow series", () =>
    Effect.gen(function*() {
      yield* sendAll(models("card-a-", 30), { cardinalityLimit: 10 })
      const duration = yield* seriesOf(DURATION, "card-a-")
      expect(duration.models.map((p) => tag(p, "gen_ai.request.model"))).toEqual(models("card-a-", 9))
      expect(duration.overflow).toHaveLength(1)
      const overflow = duration.overflow[0]!
      expect(count(overflow)).toBe(21)
      // the overflow series carries only the overflow mark and the metric's unit
      expect(overflow.metricKey.tags.map((t) => [t.key, t.value])).toEqual([[OVERFLOW, "true"], ["unit", "s"]])
      // token usage has two label sets per model (input, output): 9 of them, then the overflow
      const tokens = yield* seriesOf(TOKENS, "card-a-")
      expect(tokens.models).toHaveLength(9)
      expect(tokens.overflow).toHaveLength(1)
      expect(count(tokens.overflow[0])).toBe(60 - 9)
    }))

  it.effect("a model seen before the limit keeps its series; the user's own metric tags are bounded too", () =>
    Effect.gen(function*() {
      yield* sendAll(["card-a-0/model"], { cardinalityLimit: 10 })
      yield* Effect.tagMetrics(sendAll(["card-a-tagged/model"], { cardinalityLimit: 10 }), "tenant", "t1")
      const duration = yield* seriesOf(DURATION, "card-a-")
      expect(count(duration.models.find((p) => tag(p, "gen_ai.request.model") === "card-a-0/model"))).toBe(2)
      expect(duration.models).toHaveLength(9)
      expect(count(duration.overflow[0])).toBe(22)
      seenSoFar = duration.models.length
    }))

  it("by default 2,000 series per metric (the OpenTelemetry SDK's default): the 2,000th label set is the overflow", () => {
    // the label sets a call records with, for a default configuration (2,100 calls would cost seconds)
    const settings = Internal.settingsOf(Client.makeConfig({ apiKey: Redacted.make("sk-or-test") }))
    if (settings === false) throw new Error("telemetry is on by default")
    const before = seenSoFar
    const labels = models("card-b-", 2100).map((model) => Internal.labelsFor(settings, model, model, "P", undefined))
    const own = labels.filter((l) => l.duration.some((t) => t.key === OVERFLOW) === false)
    expect(before + own.length).toBe(1999)
    expect(own).toEqual(labels.slice(0, own.length))
    for (const l of labels.slice(own.length)) {
      expect(l.duration.map((t) => [t.key, t.value])).toEqual([[OVERFLOW, "true"], ["unit", "s"]])
      expect(l.input).toBe(labels.at(-1)!.input)
    }
  })

  it.effect("a cardinalityLimit that is not a whole number, 1 or more, is an InvalidRequestError naming it", () =>
    Effect.gen(function*() {
      for (const cardinalityLimit of [0, 1.5, -1, Number.NaN, "10" as unknown as number]) {
        const error = yield* Effect.flip(sendAll(["card-c/model"], { cardinalityLimit }))
        expect(error._tag).toBe("InvalidRequestError")
        expect(error._tag === "InvalidRequestError" && error.issues.map((i) => i.path)).toContain(
          "telemetry.cardinalityLimit"
        )
      }
    }))
})
