// The Effect 4 edition's fetch HttpClient layer (`effect/http`), for the entries (program.mjs beside it is the edition's program).
import { FetchHttpClient } from "effect/http"

export const layer = FetchHttpClient.layer
