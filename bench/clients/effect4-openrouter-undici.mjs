// The Effect 4 edition's client (effect4/dist) on undici: defined in effect4/bench/clients.mjs (where `effect` is Effect 4).
import { openrouterUndici } from "../../effect4/bench/clients.mjs"

export const { send, setup, stream } = openrouterUndici
