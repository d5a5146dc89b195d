// effect-openrouter (dist/) with NodeHttpClient.layerUndici.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { make } from "./effect-openrouter.mjs"

export { send, stream } from "./effect-openrouter.mjs"
export const setup = make(NodeHttpClient.layerUndici)
