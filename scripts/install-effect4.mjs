// Root `prepare` hook: `npm install` in the repository installs the Effect 4 edition's own
// dependencies too (effect4/ has its own package.json and lock: effect 4 and effect 3 cannot share a
// node_modules). `prepare` runs for a local `npm install`, never for a consumer of a published
// tarball; it is skipped while npm packs or publishes (nothing to install then).
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"

const dir = new URL("../effect4/", import.meta.url).pathname
const command = process.env.npm_command
if (existsSync(`${dir}package.json`) && command !== "pack" && command !== "publish") {
  execFileSync("npm", ["install", "--no-audit", "--no-fund"], { cwd: dir, stdio: "inherit" })
}
