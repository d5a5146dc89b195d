/**
 * The body of `npx effect-openrouter-emulator`, shared by both editions' bins (`cli.ts` here, and
 * `effect4/src/internal/emulator/cli.ts`), which pass how their Effect's durations read: the
 * OpenRouter emulator on a port of its own, for any program (in any language) that reads its base URL
 * from the environment. Prints the base URL as the first line of stdout, then serves until SIGINT /
 * SIGTERM. Node only (`node:http`).
 *
 * @internal
 */
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { parseArgs } from "node:util"
import * as Replies from "./replies.js"
import * as Server from "./server.js"
import type * as Types from "./types.js"

const usage = `Usage: npx effect-openrouter-emulator [options]

Serves OpenRouter's chat completions API (POST /api/v1/chat/completions, GET /api/v1/generation)
on 127.0.0.1 and prints its base URL. Point a program at it with
  OPENROUTER_BASE_URL=<the URL> OPENROUTER_API_KEY=any-value <your program>
Every request is answered by the emulator (a stream when it asks for one); Ctrl-C stops it.

Options:
  --port <n>        port to listen on (default 8787; 0 picks a free one)
  --host <host>     interface to listen on (default 127.0.0.1)
  --models <list>   comma-separated model ids it serves; any other model gets OpenRouter's 404
  --script <file>   a module whose default export is a Testing.Script (a Reply, a list of Replies,
                    or a function of the request), answering instead of the emulator
  --cors            let browser pages on any origin call it
  --help            show this text
`

const fail = (message: string, code: number): never => {
  process.stderr.write(`effect-openrouter-emulator: ${message}\n`)
  process.exit(code)
}

const parse = () => {
  try {
    return parseArgs({
      options: {
        port: { type: "string" },
        host: { type: "string" },
        models: { type: "string" },
        script: { type: "string" },
        cors: { type: "boolean" },
        help: { type: "boolean", short: "h" }
      },
      strict: true,
      allowPositionals: false
    }).values
  } catch (e) {
    return fail(`${e instanceof Error ? e.message : String(e)}\n\n${usage}`, 2)
  }
}

const portOf = (text: string | undefined): number => {
  if (text === undefined) return 8787
  const port = Number(text)
  return Number.isInteger(port) && port >= 0 && port <= 65535
    ? port
    : fail(`--port expects a port number (0-65535), got ${JSON.stringify(text)}`, 2)
}

const scriptFrom = async (file: string): Promise<Types.Script> => {
  const module = (await import(pathToFileURL(resolve(file)).href)) as { readonly default?: Types.Script }
  return module.default ?? fail(`${file} has no default export (a Testing.Script)`, 2)
}

/**
 * Runs the bin with this process's arguments; `millis` reads a duration of the edition's `Testing`
 * (a script's delays).
 */
export const runCli = async (millis: (input: unknown) => number): Promise<void> => {
  const options = parse()
  if (options.help === true) {
    process.stdout.write(usage)
    return
  }
  const port = portOf(options.port)
  const models = options.models?.split(",").map((m) => m.trim()).filter((m) => m.length > 0)
  const script = options.script !== undefined
    ? await scriptFrom(options.script)
    : Replies.emulatorWith(models === undefined ? {} : { models })
  const server = await Server.listen(script, millis, {
    port,
    host: options.host ?? "127.0.0.1",
    ...(options.cors === true ? { cors: true } : {})
  }).catch((e: NodeJS.ErrnoException) =>
    fail(
      e.code === "EADDRINUSE"
        ? `port ${port} is in use; choose another with --port (0 picks a free one)`
        : `cannot listen: ${e.message}`,
      1
    )
  )
  process.stdout.write(`${server.url}\n`)
  process.stderr.write(
    `OpenRouter emulator listening${models === undefined ? "" : ` (models: ${models.join(", ")})`}. Try:\n` +
      `  OPENROUTER_BASE_URL=${server.url} OPENROUTER_API_KEY=any-value <your program>\n` +
      `Ctrl-C stops it.\n`
  )
  const stop = (): void => {
    void server.close().then(() => process.exit(0))
  }
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
}
