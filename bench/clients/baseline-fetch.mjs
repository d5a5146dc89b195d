// The baseline build (dist-baseline/) with FetchHttpClient.layer.
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { make } from "./baseline.mjs"

export { send, stream } from "./baseline.mjs"
export const setup = make(FetchHttpClient.layer)
