// Entry for a browser page (bundled by run.mjs): the TestServer URL comes in the page's query
// (`?server=...`); the result line goes to the console and to `globalThis.matrixResult`.
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { run } from "./program.mjs"

const baseUrl = new URL(globalThis.location.href).searchParams.get("server")
globalThis.matrixResult = run("chromium", baseUrl, FetchHttpClient.layer).then((line) => {
  console.log(line)
  return line
})
