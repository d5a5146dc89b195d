// Entry for a browser page (bundled by run.mjs): the TestServer URL comes in the page's query
// (`?server=...`); the result line goes to the console and to `globalThis.matrixResult`.
// fetch.mjs is the edition's (run.mjs copies effect3/fetch.mjs or effect4/fetch.mjs beside this file).
import { layer } from "./fetch.mjs"
import { run } from "./program.mjs"

const baseUrl = new URL(globalThis.location.href).searchParams.get("server")
globalThis.matrixResult = run("chromium", baseUrl, layer).then((line) => {
  console.log(line)
  return line
})
