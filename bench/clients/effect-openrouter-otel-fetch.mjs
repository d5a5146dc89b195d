// effect-openrouter (dist/) with the OpenTelemetry SDK installed, on FetchHttpClient.layer.
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { make } from "./effect-openrouter-otel.mjs"

export { send, stream } from "./effect-openrouter-otel.mjs"
export const setup = make(FetchHttpClient.layer)
