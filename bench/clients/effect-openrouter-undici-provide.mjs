// effect-openrouter (dist/) on NodeHttpClient.layerUndici, each call with its own configuration ("provide": see effect-openrouter-tenant.mjs).
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { make } from "./effect-openrouter-tenant.mjs"

export const { send, setup, stream } = make(NodeHttpClient.layerUndici, "provide")
