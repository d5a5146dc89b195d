// The README's install lines of one edition: the `npm install` lines of its section (opened by a
// `# Effect N edition` comment) of the first sh block under "## Install", comments dropped. Printed one a line (`node scripts/readme-install.mjs`), for the pack check and
// the runtime matrix, which run exactly these lines (with `effect-openrouter` replaced by the
// packed tarball) so the README cannot drift from what installs.
import { readFileSync } from "node:fs"

export const readmeInstallLines = (readme = new URL("../README.md", import.meta.url), edition = "effect3") => {
  const lines = readFileSync(readme, "utf8").split("\n")
  const start = lines.findIndex((l) => /^##\s+Install\b/.test(l))
  const open = start < 0 ? -1 : lines.findIndex((l, i) => i > start && /^```(sh|bash|shell)\s*$/.test(l))
  const close = open < 0 ? -1 : lines.findIndex((l, i) => i > open && /^```\s*$/.test(l))
  // The block holds one section per edition, each opened by a comment line `# Effect N edition ...`.
  const heading = new RegExp(`^#\\s*Effect ${edition.slice(-1)} edition\\b`)
  const block = close < 0 ? [] : lines.slice(open + 1, close)
  const from = block.findIndex((l) => heading.test(l.trim()))
  const to = from < 0 ? -1 : block.findIndex((l, i) => i > from && /^#\s*Effect \d+ edition\b/.test(l.trim()))
  const found = from < 0 ? [] : block.slice(from + 1, to < 0 ? block.length : to)
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter((l) => /^npm install /.test(l))
  if (found.length === 0) {
    throw new Error(`README.md: no \`npm install\` line for the ${edition} edition in the sh block under "## Install"`)
  }
  return found
}

/** The line as an argv, with the package itself (`effect-openrouter`, `effect-openrouter@^0.3`) replaced by the tarball. */
export const withTarball = (line, tarball) =>
  line.split(/\s+/).map((word) => /^effect-openrouter(@\S+)?$/.test(word) ? tarball : word)

// `node scripts/readme-install.mjs [effect3|effect4]`
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of readmeInstallLines(undefined, process.argv[2] ?? "effect3")) console.log(line)
}
