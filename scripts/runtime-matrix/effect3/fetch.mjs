// The Effect 3 edition's fetch HttpClient layer, for the entries (program.mjs beside it is the edition's program).
export { layer } from "@effect/platform/FetchHttpClient"
