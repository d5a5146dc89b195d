// Entry for workerd (bundled by run.mjs): a module worker whose fetch handler runs the program
// against the TestServer named in the request's query (`?server=...`) and answers the result line.
// fetch.mjs is the edition's (run.mjs copies effect3/fetch.mjs or effect4/fetch.mjs beside this file).
import { layer } from "./fetch.mjs"
import { run } from "./program.mjs"

export default {
  async fetch(request) {
    const baseUrl = new URL(request.url).searchParams.get("server")
    return new globalThis.Response(await run("workerd", baseUrl, layer))
  }
}
