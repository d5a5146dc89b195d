import { Duration, Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { FetchHttpClient, HttpBody, HttpClient, HttpClientRequest } from "effect/http"
import { completionBody } from "../../bench/payload.mjs"
import { REQUEST } from "../../bench/request.mjs"
import { Chat, OpenRouterConfig, Retry } from "../dist/index.js"
import * as Client from "../dist/Client.js"
import * as R from "../dist/internal/request.js"
import * as Resp from "../dist/internal/response.js"
import { executeWithin } from "../dist/internal/timeout.js"
import { redactingClient } from "../dist/internal/platformSpan.js"
const completion = new TextEncoder().encode(completionBody())
const fetch = async (_url, init) => { if (init?.body !== undefined) await new Response(init.body).arrayBuffer(); return new Response(new ReadableStream({ pull(c) { c.enqueue(completion); c.close() } }), { status: 200, headers: { "content-type": "application/json" } }) }
const http = FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch)))
const url = "http://bench.invalid/api/v1"
const rt = ManagedRuntime.make(OpenRouterConfig.layer({ apiKey: Redacted.make("k"), baseUrl: url }).pipe(Layer.provideMerge(http)))
const client = await rt.runPromise(HttpClient.HttpClient.use(Effect.succeed))
const ok = HttpClient.filterStatusOk(client)
const config = Client.makeConfig({ apiKey: Redacted.make("k"), baseUrl: url })
const prep = R.prepare(config, R.readBody(REQUEST), undefined, "send").success
const headers = { authorization: "Bearer k" }
const V = {
  floor: () => ok.post(`${url}/chat/completions`, { headers, body: HttpBody.jsonUnsafe(REQUEST) }).pipe(Effect.flatMap((res) => res.json)),
  execRead: () => client.execute(prep.request).pipe(Effect.flatMap(Resp.readCompletion)),
  within: () => executeWithin(client, prep.request, prep.timeout, "x", Resp.readCompletion),
  withinRedact: () => executeWithin(redactingClient(client), prep.request, prep.timeout, "x", Resp.readCompletion),
  retry: () => Retry.retry(executeWithin(redactingClient(client), prep.request, prep.timeout, "x", Resp.readCompletion), prep.retry),
  sendNoTel: () => Chat.send(REQUEST, { config: Client.makeConfig({ apiKey: Redacted.make("k"), baseUrl: url, telemetry: false }) }),
  send: () => Chat.send(REQUEST),
}
const noTelConfig = Client.makeConfig({ apiKey: Redacted.make("k"), baseUrl: url, telemetry: false })
V.sendNoTel = () => Chat.send(REQUEST, { config: noTelConfig })
const telConfig = Client.makeConfig({ apiKey: Redacted.make("k"), baseUrl: url })
V.sendOptTel = () => Chat.send(REQUEST, { config: telConfig })
const noMetricsConfig = Client.makeConfig({ apiKey: Redacted.make("k"), baseUrl: url, telemetry: { metrics: false } })
V.sendNoMetrics = () => Chat.send(REQUEST, { config: noMetricsConfig })
for (const k of ["execRead", "within", "withinRedact"]) delete V[k]
const N = 300
const names = Object.keys(V)
const m = async (n) => { const c0 = process.cpuUsage(); for (let i = 0; i < N; i++) await rt.runPromise(V[n]()); const c = process.cpuUsage(c0); return (c.user + c.system) / N }
for (const n of names) for (let i = 0; i < 3; i++) await m(n)
const res = Object.fromEntries(names.map(n => [n, []]))
for (let r = 0; r < 15; r++) for (const n of (r % 2 ? [...names].reverse() : names)) res[n].push(await m(n))
for (const n of names) console.log(n.padEnd(14), res[n].sort((a,b)=>a-b)[7].toFixed(0), "µs", "vs floor", [...res.floor].map((f,i)=>f/res[n][i]).sort((a,b)=>a-b)[7].toFixed(2))
await rt.dispose()
