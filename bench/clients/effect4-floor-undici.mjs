// The Effect 4 edition's Effect floor on undici: defined in effect4/bench/clients.mjs (where `effect` is Effect 4).
import { floorUndici } from "../../effect4/bench/clients.mjs"

export const { send, setup, stream } = floorUndici
