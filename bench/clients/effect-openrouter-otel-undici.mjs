// effect-openrouter (dist/) with the OpenTelemetry SDK installed, on NodeHttpClient.layerUndici.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { make } from "./effect-openrouter-otel.mjs"

export { send, stream } from "./effect-openrouter-otel.mjs"
export const setup = make(NodeHttpClient.layerUndici)
