/**
 * The recorded live responses of `shared/openrouter/recorded/`, read at test time from the shared
 * folder beside the repository (`../shared`, or `../../shared` from a worktree); never copied in.
 */
import { existsSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../..", import.meta.url))

const find = (): string | undefined => {
  let dir = dirname(root.replace(/\/$/, ""))
  for (let i = 0; i < 3; i++) {
    const candidate = join(dir, "shared", "openrouter", "recorded")
    if (existsSync(candidate)) return candidate
    dir = dirname(dir)
  }
  return undefined
}

/** The folder of recorded responses, or `undefined` when it is not there (tests then skip). */
export const recordedDir: string | undefined = find()

/** Why recorded-file tests are skipped, for the skip message. */
export const recordedMissing = "shared/openrouter/recorded not found beside the repository: recorded-file tests skipped"

/** The text of a recorded file. */
export const readRecorded = (name: string): string => {
  if (recordedDir === undefined) throw new Error(recordedMissing)
  return readFileSync(join(recordedDir, name), "utf8")
}

/** The `data:` payloads of a recorded SSE file, in order (`[DONE]` included). */
export const recordedEvents = (name: string): ReadonlyArray<string> =>
  readRecorded(name).split(/\r?\n\r?\n/).flatMap((block) =>
    block.split(/\r?\n/).filter((line) => line.startsWith("data:")).map((line) => line.slice(5).trimStart())
  ).filter((data) => data !== "")
