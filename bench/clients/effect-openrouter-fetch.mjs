// effect-openrouter (dist/) with FetchHttpClient.layer (Node's built-in fetch).
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { make } from "./effect-openrouter.mjs"

export { send, stream } from "./effect-openrouter.mjs"
export const setup = make(FetchHttpClient.layer)
