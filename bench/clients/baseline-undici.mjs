// The baseline build (dist-baseline/) with NodeHttpClient.layerUndici.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { make } from "./baseline.mjs"

export { send, stream } from "./baseline.mjs"
export const setup = make(NodeHttpClient.layerUndici)
