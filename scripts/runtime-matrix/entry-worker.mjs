// Entry for workerd (bundled by run.mjs): a module worker whose fetch handler runs the program
// against the TestServer named in the request's query (`?server=...`) and answers the result line.
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { run } from "./program.mjs"

export default {
  async fetch(request) {
    const baseUrl = new URL(request.url).searchParams.get("server")
    return new globalThis.Response(await run("workerd", baseUrl, FetchHttpClient.layer))
  }
}
