// The README's install lines: the `npm install` lines of the first sh block under "## Install",
// comments dropped. Printed one a line (`node scripts/readme-install.mjs`), for the pack check and
// the runtime matrix, which run exactly these lines (with `effect-openrouter` replaced by the
// packed tarball) so the README cannot drift from what installs.
import { readFileSync } from "node:fs"

export const readmeInstallLines = (readme = new URL("../README.md", import.meta.url)) => {
  const lines = readFileSync(readme, "utf8").split("\n")
  const start = lines.findIndex((l) => /^##\s+Install\b/.test(l))
  const open = start < 0 ? -1 : lines.findIndex((l, i) => i > start && /^```(sh|bash|shell)\s*$/.test(l))
  const close = open < 0 ? -1 : lines.findIndex((l, i) => i > open && /^```\s*$/.test(l))
  const found = close < 0 ? [] : lines.slice(open + 1, close)
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter((l) => /^npm install /.test(l))
  if (found.length === 0) throw new Error("README.md: no `npm install` line in the sh block under \"## Install\"")
  return found
}

/** The line as an argv, with the package itself replaced by the tarball. */
export const withTarball = (line, tarball) =>
  line.split(/\s+/).map((word) => word === "effect-openrouter" ? tarball : word)

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of readmeInstallLines()) console.log(line)
}
