// effect-openrouter (dist/) on FetchHttpClient.layer, each call with its own configuration ("option": see effect-openrouter-tenant.mjs).
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { make } from "./effect-openrouter-tenant.mjs"

export const { send, setup, stream } = make(FetchHttpClient.layer, "option")
