// Entry for runtimes with a command line (Node, Bun, Deno):
//   <runtime> entry-cli.mjs <label> <baseUrl> <undici|node-http|fetch>
// Prints the result line on stdout. fetch.mjs is the edition's (run.mjs copies effect3/fetch.mjs or
// effect4/fetch.mjs beside this file). NodeHttpClient comes from the consumer's
// `@effect/platform-node` (0.x for Effect 3, 4.x for Effect 4): `layerUndici` in both, the node:http
// layer is `layer` in 0.x and `layerNodeHttp` in 4.x.
import { run } from "./program.mjs"

const args = globalThis.Deno ? globalThis.Deno.args : globalThis.process.argv.slice(2)
const [label, baseUrl, client] = args

const httpClient = async () => {
  if (client === "fetch") return (await import("./fetch.mjs")).layer
  const NodeHttpClient = await import("@effect/platform-node/NodeHttpClient")
  return client === "undici" ? NodeHttpClient.layerUndici : NodeHttpClient.layerNodeHttp ?? NodeHttpClient.layer
}

console.log(await run(label, baseUrl, await httpClient()))
