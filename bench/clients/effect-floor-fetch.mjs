// The Effect floor on fetch: as effect-floor.mjs, with FetchHttpClient.layer (Node's built-in fetch).
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { makeFloor } from "./effect-floor.mjs"

export const { send, setup, stream } = makeFloor(FetchHttpClient.layer)
