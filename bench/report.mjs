// Turns the runner's results into RESULTS.md (tables, ratios, targets) and chart.svg.
import * as Fs from "node:fs"
import { byName, CLIENTS, EFFECT4_FLOOR, EFFECT_FLOOR, FLOOR, OURS3, PEERS } from "./clients.mjs"
import { median } from "./stats.mjs"

/** The sections of hand-run micro-benchmarks (`bench/micro/*.md`), kept in RESULTS.md across full runs. */
const microSections = () => {
  const dir = new URL("./micro/", import.meta.url)
  if (!Fs.existsSync(dir)) return []
  return Fs.readdirSync(dir).filter((f) => f.endsWith(".md")).sort().map((f) =>
    Fs.readFileSync(new URL(f, dir), "utf8").trim()
  )
}

/** The spread over rounds of a throughput metric's value: `min–max (±half-range as % of median)`. */
const spread = (value, format) => (r) => {
  const xs = (r.rounds ?? [r]).map(value)
  if (xs.length < 2) return "1 round"
  const lo = Math.min(...xs)
  const hi = Math.max(...xs)
  return `${format(lo)}–${format(hi)} (±${((50 * (hi - lo)) / median(xs)).toFixed(0)} %)`
}

/**
 * The metrics as tables. `value` is the compared number; `better` says which way is good.
 * `ratios: false` means the value can be near zero or negative, so differences are shown instead.
 */
export const METRICS = [
  {
    key: "send",
    title: "Non-streaming: sequential requests",
    value: (r) => r.reqPerSec,
    unit: "req/s",
    better: "higher",
    format: (v) => v.toFixed(0),
    extra: [
      ["rounds min–max", spread((r) => r.reqPerSec, (v) => v.toFixed(0))],
      ["median latency", (r) => `${r.latencyMs.toFixed(2)} ms`],
      ["p99 latency", (r) => `${r.p99Ms.toFixed(2)} ms`],
      ["client CPU µs per call", (r) => (r.cpuUsPerCall === undefined ? "—" : r.cpuUsPerCall.toFixed(0))]
    ]
  },
  {
    key: "stream-big",
    title: "Streaming, payload written in large pieces",
    value: (r) => r.chunksPerSec,
    unit: "chunks/s",
    better: "higher",
    format: (v) => v.toFixed(0),
    extra: [
      ["rounds min–max", spread((r) => r.chunksPerSec, (v) => v.toFixed(0))],
      ["MB/s", (r) => r.mbPerSec.toFixed(1)],
      ["ms per stream", (r) => r.ms.toFixed(1)],
      ["client CPU ms", (r) => r.cpuMs.toFixed(1)]
    ]
  },
  {
    key: "stream-64",
    title: "Streaming, payload written in 64-byte pieces",
    value: (r) => r.chunksPerSec,
    unit: "chunks/s",
    better: "higher",
    format: (v) => v.toFixed(0),
    extra: [
      ["rounds min–max", spread((r) => r.chunksPerSec, (v) => v.toFixed(0))],
      ["MB/s", (r) => r.mbPerSec.toFixed(1)],
      ["ms per stream", (r) => r.ms.toFixed(1)],
      ["client CPU ms", (r) => r.cpuMs.toFixed(1)]
    ]
  },
  {
    key: "memory",
    title: "Memory: RSS growth while consuming one long stream",
    value: (r) => r.rssGrowthMB,
    unit: "MB RSS growth",
    better: "lower",
    ratios: false,
    format: (v) => v.toFixed(1),
    extra: [
      ["RSS growth per process", (r) => (r.rssGrowthRunsMB ?? [r.rssGrowthMB]).map((x) => x.toFixed(1)).join(", ")],
      ["JS heap growth", (r) => `${r.heapGrowthMB.toFixed(2)} MB`],
      ["external growth", (r) => `${r.externalGrowthMB.toFixed(2)} MB`],
      ["peak RSS growth", (r) => `${r.peakRssGrowthMB.toFixed(1)} MB`],
      ["chunks/s", (r) => ((r.chunks * 1000) / r.ms).toFixed(0)]
    ]
  },
  {
    key: "import",
    title: "Cold import time",
    value: (r) => r.ms,
    unit: "ms",
    better: "lower",
    format: (v) => v.toFixed(1),
    extra: [["min–max", (r) => `${r.min.toFixed(0)}–${r.max.toFixed(0)} ms`]]
  },
  {
    key: "bundle",
    title: "Bundle size: send + stream program (esbuild, minified, gzipped)",
    value: (r) => r.both.gz / 1024,
    unit: "KiB gz",
    better: "lower",
    format: (v) => v.toFixed(1),
    extra: [
      ["send only", (r) => `${(r.send.gz / 1024).toFixed(1)} KiB`],
      ["stream only", (r) => `${(r.stream.gz / 1024).toFixed(1)} KiB`],
      ["send+stream minified", (r) => `${(r.both.min / 1024).toFixed(0)} KiB`]
    ]
  }
]

const ok = (r) => r !== undefined && r.error === undefined && r.unavailable === undefined
const valueOf = (metric, results, name) => {
  const r = results[metric.key]?.[name]
  return ok(r) && !r.builtin ? metric.value(r) : undefined
}

const REFERENCES = [FLOOR, EFFECT_FLOOR, EFFECT4_FLOOR, ...PEERS]

const fmtRatio = (a, b) => (a === undefined || b === undefined || a === 0 || b === 0 ? "—" : `${(a / b).toFixed(2)}×`)
const fmtX = (x) => (x === undefined || !Number.isFinite(x) || x === 0 ? "—" : `${x.toFixed(2)}×`)

/**
 * Per-round ratios f(a) ÷ f(b) of two clients' results on one metric, each ratio from the same
 * round (so under the same machine conditions); undefined unless both have every round.
 */
const roundRatios = (key, results, a, b, f) => {
  const ra = results[key]?.[a]
  const rb = results[key]?.[b]
  if (!ok(ra) || !ok(rb)) return undefined
  const xs = ra.rounds ?? [ra]
  const ys = rb.rounds ?? [rb]
  if (xs.length !== ys.length) return undefined
  const out = xs.map((x, i) => f(x) / f(ys[i]))
  return out.every((x) => Number.isFinite(x) && x > 0) ? out : undefined
}

/** The median of the per-round ratios of `a` to `b` (the targets' measure), with the ratios. */
export const pairedRatio = (key, results, a, b, f = METRICS.find((m) => m.key === key).value) => {
  const rs = roundRatios(key, results, a, b, f)
  return rs === undefined ? undefined : { ratio: median(rs), rounds: rs }
}
const fmtPaired = (p) =>
  p === undefined
    ? "—"
    : p.rounds.length < 2
    ? fmtX(p.ratio)
    : `${fmtX(p.ratio)} (rounds ${p.rounds.map(fmtX).join(", ")})`

const ofMedians = (p, a, b) => (p !== undefined && p.rounds.length > 1 ? `; ratio of medians: ${fmtRatio(a, b)}` : "")
const fmtDiff = (a, b) => (a === undefined || b === undefined ? "—" : `${a - b >= 0 ? "+" : ""}${(a - b).toFixed(1)}`)

const table = (metric, results, names) => {
  const refs = REFERENCES.map(byName)
  const compare = metric.ratios === false ? fmtDiff : fmtRatio
  const head = [
    "client",
    metric.unit,
    ...metric.extra.map(([h]) => h),
    ...refs.map((c) => (metric.ratios === false ? `Δ vs ${c.label}` : `vs ${c.label}`))
  ]
  const rows = [head, head.map(() => "---")]
  for (const name of names) {
    const c = byName(name)
    const r = results[metric.key]?.[name]
    if (r === undefined) continue
    if (!ok(r)) {
      const why = r.unavailable !== undefined ? `not available: ${r.unavailable}` : `error: ${r.error}`
      rows.push([c.label, why.replaceAll("|", "\\|"), ...metric.extra.map(() => ""), ...refs.map(() => "")])
      continue
    }
    const v = r.builtin ? undefined : metric.value(r)
    rows.push([
      c.role === "ours" ? `**${c.label}**` : c.label,
      v === undefined ? "built-in" : metric.format(v),
      ...metric.extra.map(([, f]) => (r.builtin ? "" : f(r))),
      ...refs.map((ref) => compare(v, valueOf(metric, results, ref.name)))
    ])
  }
  return rows.map((r) => `| ${r.join(" | ")} |`).join("\n")
}

/** The client's CPU time per unit of work on a throughput metric (lower is cheaper). */
const cpuOf = (key) => (key === "send" ? (r) => r.cpuUsPerCall : (r) => r.cpuMs)

/**
 * `a` against `b` on a throughput metric, both measured in each round: the median of the per-round
 * throughput ratios, and of the per-round CPU-time ratios (b's CPU time ÷ a's: above 1, `a` is cheaper).
 */
const against = (key, results, a, b) => {
  const p = pairedRatio(key, results, a, b)
  const cpu = pairedRatio(key, results, b, a, cpuOf(key))
  return { p, cpu }
}
const fmtAgainst = ({ p, cpu }) => (p === undefined ? "—" : `${fmtPaired(p)}; by client CPU time: ${fmtX(cpu?.ratio)}`)

const THROUGHPUT = ["send", "stream-big", "stream-64"]

/** The comparisons between the editions and the floors, as [a, b, what]. */
const EDITION_PAIRS = [
  ["effect4-openrouter-fetch", EFFECT4_FLOOR, "Effect 4 edition ÷ Effect 4 floor (fetch)"],
  ["effect4-openrouter-fetch", "effect-openrouter-fetch", "Effect 4 edition ÷ Effect 3 edition (fetch)"],
  ["effect-openrouter-fetch", "effect-floor-fetch", "Effect 3 edition ÷ Effect 3 floor (fetch)"],
  ["effect-openrouter-undici", EFFECT_FLOOR, "Effect 3 edition ÷ Effect 3 floor (undici)"],
  [EFFECT4_FLOOR, "effect-floor-fetch", "Effect 4 floor ÷ Effect 3 floor (fetch)"],
  ["effect4-openrouter-undici", "effect4-floor-undici", "Effect 4 edition ÷ Effect 4 floor (undici, Node 22)"]
]

/**
 * Issue 23's targets for the Effect 4 edition: at least as fast as its floor (`effect/http`'s
 * HttpClient plus `JSON.parse` per event) and as the Effect 3 edition, on send and on both streams,
 * each on the same HTTP client (fetch; on undici the floor only, as the Effect 4 undici rows run on
 * another Node).
 */
const editionTargets = (results) => {
  const out = []
  const verdict = (p, detail) => p === undefined ? ["n/a", detail] : [p.ratio >= 1 ? "PASS" : "FAIL", detail]
  for (const [a, b] of [EDITION_PAIRS[0], EDITION_PAIRS[1], EDITION_PAIRS[5]]) {
    if (!THROUGHPUT.some((key) => results[key]?.[a] !== undefined)) continue
    for (const key of THROUGHPUT) {
      const r = against(key, results, a, b)
      out.push([byName(a).label, `${key}: ≥ 1.0× ${byName(b).label}`, ...verdict(r.p, fmtAgainst(r))])
    }
  }
  return out
}

/** The table of both editions and both floors: each comparison on each throughput metric. */
const editionsTable = (results) => {
  const rows = [
    ["comparison", ...THROUGHPUT.map((key) => `${key}: throughput (rounds); by CPU time`)],
    ["---", ...THROUGHPUT.map(() => "---")]
  ]
  for (const [a, b, what] of EDITION_PAIRS) {
    if (!THROUGHPUT.some((key) => results[key]?.[a] !== undefined && results[key]?.[b] !== undefined)) continue
    rows.push([what, ...THROUGHPUT.map((key) => fmtAgainst(against(key, results, a, b)))])
  }
  const values = [
    [
      "client",
      "send req/s",
      "send CPU µs per call",
      "stream-big chunks/s",
      "stream-big CPU ms",
      "stream-64 chunks/s",
      "stream-64 CPU ms"
    ],
    Array(7).fill("---")
  ]
  for (const c of CLIENTS.filter((c) => c.edition !== undefined)) {
    const cell = (key, f) => {
      const r = results[key]?.[c.name]
      return r === undefined ? "—" : ok(r) ? f(r) : r.unavailable !== undefined ? "not available" : "error"
    }
    values.push([
      c.role === "ours" ? `**${c.label}**` : c.label,
      cell("send", (r) => r.reqPerSec.toFixed(0)),
      cell("send", (r) => (r.cpuUsPerCall === undefined ? "—" : r.cpuUsPerCall.toFixed(0))),
      cell("stream-big", (r) => r.chunksPerSec.toFixed(0)),
      cell("stream-big", (r) => r.cpuMs.toFixed(1)),
      cell("stream-64", (r) => r.chunksPerSec.toFixed(0)),
      cell("stream-64", (r) => r.cpuMs.toFixed(1))
    ])
  }
  const md = (t) => t.map((r) => `| ${r.join(" | ")} |`).join("\n")
  return `${md(values)}\n\n${md(rows)}`
}

/** The targets the library must meet, per variant of ours: [description, verdict, detail]. */
export const targets = (results) => {
  const out = []
  const v = (key, name) => valueOf(METRICS.find((m) => m.key === key), results, name)
  const verdict = (pass, detail) => pass === undefined ? ["n/a", detail] : [pass ? "PASS" : "FAIL", detail]
  out.push(...editionTargets(results))
  for (const ours of OURS3) {
    if (!Object.values(results).some((byClient) => byClient[ours] !== undefined)) continue
    const label = byName(ours).label
    // Throughput targets: the median of the per-round ratios (ours ÷ reference, same round).
    for (const key of ["stream-big", "stream-64"]) {
      // CPU time per stream, as a speed ratio (theirs ÷ mine): unlike chunks/s it does not hit
      // the emulator's ceiling, so it tells the fastest clients apart.
      const detail = (p, ref) => {
        const cpu = pairedRatio(key, results, ref, ours, (r) => r.cpuMs)
        return `${fmtPaired(p)}; by client CPU time: ${fmtX(cpu?.ratio)}${ofMedians(p, v(key, ours), v(key, ref))}`
      }
      for (const [ref, refLabel, min] of [["openai", "openai SDK", 1.5], [EFFECT_FLOOR, "Effect floor", 0.7]]) {
        const p = pairedRatio(key, results, ours, ref)
        out.push([
          label,
          `${key}: ≥ ${min}× ${refLabel}`,
          ...verdict(p === undefined ? undefined : p.ratio >= min, detail(p, ref))
        ])
      }
    }
    {
      const p = pairedRatio("send", results, ours, EFFECT_FLOOR)
      out.push([
        label,
        "non-streaming req/s ≥ 0.9× Effect floor",
        ...verdict(
          p === undefined ? undefined : p.ratio >= 0.9,
          `${fmtPaired(p)}${ofMedians(p, v("send", ours), v("send", EFFECT_FLOOR))}`
        )
      ])
    }
    {
      const mine = v("memory", ours)
      const chunks = results.memory?.[ours]?.chunks
      out.push([
        label,
        "memory growth < 10 MB",
        ...verdict(
          mine !== undefined ? mine < 10 : undefined,
          mine === undefined ? "—" : `${mine.toFixed(1)} MB over ${chunks} chunks`
        )
      ])
    }
    {
      const mine = v("bundle", ours)
      const sdk = v("bundle", "openrouter-sdk")
      out.push([
        label,
        "bundle (send+stream) gz ≤ @openrouter/sdk",
        ...verdict(
          mine !== undefined && sdk !== undefined ? mine <= sdk : undefined,
          mine === undefined || sdk === undefined ? "—" : `${mine.toFixed(1)} vs ${sdk.toFixed(1)} KiB`
        )
      ])
    }
    {
      const mine = v("import", ours)
      const floor = v("import", EFFECT_FLOOR)
      out.push([
        label,
        "import time ≤ Effect floor + 50 ms",
        ...verdict(
          mine !== undefined && floor !== undefined ? mine <= floor + 50 : undefined,
          mine === undefined || floor === undefined ? "—" : `${mine.toFixed(0)} vs ${floor.toFixed(0)} ms`
        )
      ])
    }
  }
  return out
}

const NOTES = {
  send:
    "Sequential calls on one keep-alive connection; each response is parsed and its content checked. Per round, the median of the per-batch rates; the value is the median over rounds.",
  "stream-big":
    "One stream of N content deltas (plus finish chunk, usage chunk, `[DONE]`) written by the emulator in one piece; every chunk parsed into an object, count and content length checked. Per round, the median over runs; the value is the median over rounds.",
  "stream-64":
    "The same stream written in 64-byte pieces (one `res.write`, so one HTTP chunk, each): every event and some UTF-8 sequences are split across chunks. Node corks a response's writes within a tick, so the client's socket reads stay large (about 16 KiB); the difference from large writes is the chunk framing and the splits. Writing 64-byte pieces costs the emulator too: the ceiling row shows its limit, which the fastest clients reach, so compare those by `client CPU ms` (the client process's CPU time per stream).",
  memory:
    "Process started with `--expose-gc --min-semi-space-size=16 --max-semi-space-size=16` (a fixed young generation: V8 growing it mid-stream would add up to 16 MB of RSS that is not the client's); two short warm-up streams, then one long stream (large writes). gc() and a sample at 10 % of its deltas (the baseline, once buffers and the young generation have grown), gc() and a sample at its last delta while it is still open; growth = end − baseline; the median of up to 3 processes (fewer for a slow client). RSS moves by several MB with the allocator alone, so JS heap growth is the sharper signal of per-chunk retention. Peak RSS growth is sampled every 10,000 deltas without gc(). Differences (MB) rather than ratios, since growth can be ~0 or negative.",
  import: "Median over fresh processes of the time to `await import()` the modules a program using the client loads.",
  bundle:
    "esbuild --bundle --minify --platform=node --format=esm (plus a 90-byte `createRequire` banner, which CommonJS dependencies such as undici need in an ESM bundle) of a program that uses the client adapter (bench/clients/*.mjs) to print one completion, to print one stream as it arrives, or both; dependencies bundled, gzip level 9. The send+stream bundle is run against the emulator and its output checked before its size counts."
}

/** The whole RESULTS.md. */
export const markdown = ({ results, env, params, elapsedMs, mode }) => {
  const names = CLIENTS.map((c) => c.name)
  const lines = []
  lines.push("# effect-openrouter benchmark results", "")
  lines.push(
    `Generated by \`node bench/run.mjs${mode === "full" ? "" : ` ${mode}`}\` on ${env.date}; the run took ${
      (elapsedMs / 1000).toFixed(0)
    } s.`
  )
  if (mode === "--quick") {
    lines.push("", "**--quick run: small iteration counts and one round, numbers are indicative only.**")
  } else if (mode !== "full") lines.push("", `**${mode} run: a subset of the clients or metrics.**`)
  lines.push("", "## Machine and versions", "")
  lines.push(`- CPU: ${env.cpu}, ${env.cores} cores; ${env.memGiB} GiB RAM; ${env.os}`)
  lines.push(
    `- Node ${env.node}; load average (1 min) ${env.loadBefore} before the run, ${env.loadAfter} after it (other work on the machine makes numbers noisy)`
  )
  lines.push(
    `- Emulator: ${
      env.emulator === "project"
        ? "the project's own (dist/TestServer.js, bench/emulator-project.mjs)"
        : "bench/emulator.mjs"
    }, in its own process on 127.0.0.1`
  )
  lines.push(`- Packages: ${env.packages.map(([n, ver]) => `${n} ${ver}`).join(", ")}`)
  if (env.distRebuilt) {
    lines.push("- **dist/ was rebuilt during the run: effect-openrouter's rows may mix two builds.**")
  }
  const rounds = params.rounds ?? 1
  lines.push(
    `- Parameters: throughput metrics in ${rounds} round${
      rounds === 1 ? "" : "s"
    }; per round and client, non-streaming ${params.send.calls} calls (+${params.send.warmup} warm-up) in ${params.send.runs} batches; ` +
      `streaming ${params.stream.chunks} chunks, up to ${params.stream.warmup} warm-up + up to ${params.stream.runs} runs (fewer for a slow client); ` +
      `memory ${params.memory.chunks} chunks, up to ${params.memory.runs} processes; import ${params.import.runs} processes.`
  )
  lines.push("", "## Method", "")
  lines.push(
    `The machine is shared and its speed drifts, so the throughput metrics (non-streaming, both streaming scenarios) are measured in ${rounds} interleaved round${
      rounds === 1 ? "" : "s"
    }: ` +
      "in each round every client runs in a fresh worker process, one after the other, in an order rotated by one client per round " +
      "(round 1: A B C …, round 2: B C … A, …), so no client is always measured first or last. " +
      "A client's value in the tables is the median over rounds, and the \"rounds min–max\" column shows the spread (± half the range, as a percentage of the median); " +
      "the ratio columns divide those medians. " +
      "The targets are judged on the fairest comparison: for each round, the ratio of the client to the reference measured in the same round, " +
      "and the median of those per-round ratios (shown with the per-round ratios, and the ratio of medians for comparison); the chart shows the same per-round-ratio medians. " +
      "Memory, import time and bundle size are measured once per client after the rounds (import time as the median of several processes)."
  )
  lines.push("", "## Targets for effect-openrouter", "")
  lines.push("| variant | target | result | measured |", "| --- | --- | --- | --- |")
  for (const [variant, target, verdict, detail] of targets(results)) {
    lines.push(
      `| ${variant} | ${target} | ${
        verdict === "PASS" ? "✅ PASS" : verdict === "FAIL" ? "❌ FAIL" : "n/a"
      } | ${detail} |`
    )
  }
  if (THROUGHPUT.some((key) => results[key] !== undefined)) {
    lines.push("", "## Both editions and both floors", "")
    lines.push(
      "The two editions of effect-openrouter and the two Effect floors (each Effect's `HttpClient` plus `JSON.parse` per event, no schema), " +
        "measured in the same run and the same interleaved rounds, each in processes of its own that resolve their own `effect` " +
        "(Effect 3 from the root's node_modules, Effect 4 from effect4/node_modules). Values are medians over rounds (client CPU time: " +
        "the worker process's user + system time per call or per stream). A comparison is the median of the per-round ratios: " +
        "throughput (a ÷ b, above 1 means a is faster) and client CPU time (b ÷ a, above 1 means a is cheaper). " +
        "On this shared 2-core machine, wall-clock throughput moves with the load of other work and with the emulator's own CPU, " +
        "which runs on the same cores; CPU time is the client's alone and the steadier figure.",
      ""
    )
    lines.push(editionsTable(results))
  }
  for (const metric of METRICS) {
    if (results[metric.key] === undefined) continue
    lines.push("", `## ${metric.title}`, "")
    lines.push(
      NOTES[metric.key] +
        (metric.ratios === false
          ? " Lower is better."
          : ` Ratio = this client ÷ the reference; ${metric.better} is better.`),
      ""
    )
    lines.push(table(metric, results, names))
  }
  for (const section of microSections()) lines.push("", section)
  lines.push(
    "",
    "## Clients",
    "",
    ...CLIENTS.map((c) => `- **${c.label}** (\`bench/clients/${c.name}.mjs\`): ${c.description}`),
    "",
    "![throughput vs the Effect floor](chart.svg)",
    ""
  )
  return lines.join("\n")
}

const esc = (s) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")

/** A hand-written SVG: throughput of each client ÷ the Effect floor's, per scenario. */
export const chart = ({ results }) => {
  const series = [
    ["stream-big", "streaming, large writes", "#2f6fb0"],
    ["stream-64", "streaming, 64-byte writes", "#7aa7d6"],
    ["send", "non-streaming req/s", "#e08a2c"]
  ]
  const clients = CLIENTS.filter((c) => c.role !== "reference" && c.name !== EFFECT_FLOOR)
  // The median of the per-round ratios, as in the targets.
  const ratio = (key, name) => pairedRatio(key, results, name, EFFECT_FLOOR)?.ratio
  const all = clients.flatMap((c) => series.map(([k]) => ratio(k, c.name))).filter((x) => x !== undefined)
  // Bars past CAP are cut (and marked) so that the floors' large ratios do not squash the rest.
  const CAP = 3
  const max = Math.min(CAP, Math.max(1.2, ...all)) * 1.1
  const left = 210
  const width = 820
  const plot = width - left - 30
  const bar = 12
  const group = series.length * bar + 14
  const top = 56
  const height = top + clients.length * group + 40
  const x = (v) => left + (v / max) * plot
  const out = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="20" y="20" font-size="14" font-weight="bold">Throughput ÷ Effect HttpClient floor's, same round (median over rounds; bars cut at ${CAP}×)</text>`
  )
  series.forEach(([, label, color], i) => {
    const lx = left + i * 190
    out.push(
      `<rect x="${lx}" y="32" width="12" height="12" fill="${color}"/>`,
      `<text x="${lx + 16}" y="42">${esc(label)}</text>`
    )
  })
  const step = max > 6 ? 1 : max > 3 ? 0.5 : 0.25
  for (let t = 0; t <= Math.min(max, CAP); t += step) {
    out.push(
      `<line x1="${x(t)}" y1="${top - 4}" x2="${x(t)}" y2="${height - 34}" stroke="#e4e4e4"/>`,
      `<text x="${x(t)}" y="${height - 20}" text-anchor="middle" fill="#555">${
        t.toFixed(2).replace(/\.?0+$/, "")
      }×</text>`
    )
  }
  clients.forEach((c, gi) => {
    const gy = top + gi * group
    out.push(
      `<text x="${left - 8}" y="${gy + (series.length * bar) / 2 + 4}" text-anchor="end"${
        c.role === "ours" ? " font-weight=\"bold\"" : ""
      }>${esc(c.label)}</text>`
    )
    series.forEach(([key, , color], si) => {
      const r = ratio(key, c.name)
      const y = gy + si * bar
      if (r === undefined) {
        out.push(`<text x="${left + 4}" y="${y + bar - 2}" fill="#999" font-size="10">n/a</text>`)
        return
      }
      const shown = Math.min(r, CAP)
      const end = x(shown)
      out.push(
        `<rect x="${left}" y="${y}" width="${Math.max(1, end - left).toFixed(1)}" height="${bar - 2}" fill="${color}"/>`
      )
      if (r > CAP) {
        out.push(
          `<path d="M${end.toFixed(1)} ${y - 1} l7 ${(bar - 2) / 2 + 1} l-7 ${(bar - 2) / 2 + 1} z" fill="${color}"/>`
        )
      }
      out.push(
        `<text x="${(end + (r > CAP ? 11 : 4)).toFixed(1)}" y="${y + bar - 2}" font-size="10" fill="#333">${
          r.toFixed(2)
        }×</text>`
      )
    })
  })
  out.push(
    `<line x1="${x(1)}" y1="${top - 6}" x2="${x(1)}" y2="${height - 34}" stroke="#222" stroke-width="1.5"/>`,
    `<line x1="${x(0.7)}" y1="${top - 6}" x2="${x(0.7)}" y2="${height - 34}" stroke="#c0392b" stroke-dasharray="4 3"/>`,
    `<text x="${x(0.7) - 3}" y="${
      height - 36
    }" text-anchor="end" font-size="10" fill="#c0392b">stream target 0.7×</text>`,
    `<line x1="${x(0.9)}" y1="${top - 6}" x2="${x(0.9)}" y2="${height - 34}" stroke="#d35400" stroke-dasharray="2 3"/>`,
    `<text x="${x(1) + 3}" y="${height - 36}" font-size="10" fill="#d35400">non-stream target 0.9× (dotted)</text>`,
    `<line x1="${left}" y1="${top - 6}" x2="${left}" y2="${height - 34}" stroke="#222"/>`,
    "</svg>",
    ""
  )
  return out.join("\n")
}
