/**
 * Runs the OpenRouter emulator on its own and prints its base URL on the first line of stdout.
 *
 *   node --import tsx scripts/emulator.ts [--port 8787] [--host 127.0.0.1] [--cors]
 *                                         [--chunks N [--write-size N] [--chunk-delay MS]]
 *
 * Without `--chunks` it answers like the demo (`Testing.emulator`). With `--chunks N` every
 * request gets a stream of N content chunks (for benchmarks), re-split into `--write-size`
 * byte writes if given. `--cors` lets browser pages on any origin call it. Stops on SIGINT/SIGTERM.
 */
import * as Testing from "../src/Testing.js"
import * as TestServer from "../src/TestServer.js"

const flag = (name: string): string | undefined => {
  const index = process.argv.indexOf(`--${name}`)
  return index === -1 ? undefined : process.argv[index + 1]
}
const numberFlag = (name: string): number | undefined => {
  const value = flag(name)
  if (value === undefined) return undefined
  const parsed = Number(value)
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${name} expects a number, got ${value}`)
  return parsed
}

const chunks = numberFlag("chunks")
const writeSize = numberFlag("write-size")
const chunkDelay = numberFlag("chunk-delay")
const script: Testing.Script = chunks === undefined
  ? Testing.emulator
  : (request) =>
    Testing.stream({
      model: typeof (request.body as { model?: unknown } | undefined)?.model === "string"
        ? (request.body as { model: string }).model
        : "openrouter/auto",
      deltas: Testing.pieces(chunks),
      ...(writeSize === undefined ? {} : { writeSize }),
      ...(chunkDelay === undefined ? {} : { chunkDelay: `${chunkDelay} millis` as const })
    })

const port = numberFlag("port")
const host = flag("host")
const server = await TestServer.listen(script, {
  ...(port === undefined ? {} : { port }),
  ...(host === undefined ? {} : { host }),
  ...(process.argv.includes("--cors") ? { cors: true } : {})
})
process.stdout.write(server.url + "\n")

const stop = (): void => {
  void server.close().then(() => process.exit(0))
}
process.on("SIGINT", stop)
process.on("SIGTERM", stop)
