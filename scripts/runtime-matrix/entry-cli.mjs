// Entry for runtimes with a command line (Node, Bun, Deno):
//   <runtime> entry-cli.mjs <label> <baseUrl> <undici|node-http|fetch>
// Prints the result line on stdout.
import { run } from "./program.mjs"

const args = globalThis.Deno ? globalThis.Deno.args : globalThis.process.argv.slice(2)
const [label, baseUrl, client] = args

const httpClient = async () => {
  switch (client) {
    case "undici":
      return (await import("@effect/platform-node/NodeHttpClient")).layerUndici
    case "node-http":
      return (await import("@effect/platform-node/NodeHttpClient")).layer
    default:
      return (await import("@effect/platform/FetchHttpClient")).layer
  }
}

console.log(await run(label, baseUrl, await httpClient()))
