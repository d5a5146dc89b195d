// The README's install lines of one edition: the `npm install` lines of its section (opened by a
// `# Effect N edition` comment) of the first sh block under "## Install", comments dropped. Printed one a line (`node scripts/readme-install.mjs`), for the pack check and
// the runtime matrix, which run exactly these lines (with `effect-openrouter` replaced by the
// packed tarball) so the README cannot drift from what installs.
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"

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

/** npm's own semver (bundled with the global npm); the repository's copy where npm lives elsewhere. */
const npmSemver = () => {
  try {
    const npmRoot = execFileSync("npm", ["root", "-g"]).toString().trim()
    return createRequire(join(npmRoot, "npm", "package.json"))("semver")
  } catch {
    return createRequire(import.meta.url)("semver")
  }
}

/**
 * Checks that a consumer project holds what the README's lines for `edition` install, the package itself
 * being `tarball`: every package a line names is in its package.json and installed at a version the
 * line's range allows, effect-openrouter is the tarball (its version, within the line's range when the
 * line names one), and `npm ls` finds nothing invalid, missing or unmet (peers included). Returns the
 * problems. Ranges are read with npm's own semver (the one bundled with the npm that installed them).
 */
export const verifyInstalled = (consumer, edition, tarball, readme = new URL("../README.md", import.meta.url)) => {
  const semver = npmSemver()
  const problems = []
  const manifest = JSON.parse(readFileSync(join(consumer, "package.json"), "utf8"))
  const saved = { ...manifest.dependencies, ...manifest.devDependencies }
  const installed = (name) =>
    JSON.parse(readFileSync(join(consumer, "node_modules", name, "package.json"), "utf8")).version
  const packed = JSON.parse(execFileSync("tar", ["xzf", tarball, "-O", "package/package.json"]).toString()).version
  const specs = readmeInstallLines(readme, edition).flatMap((line) => line.split(/\s+/).slice(2))
    .filter((spec) => !spec.startsWith("-"))
  for (const spec of specs) {
    const at = spec.lastIndexOf("@")
    const [name, range] = at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, undefined]
    if (saved[name] === undefined) {
      problems.push(`${name} (from the README's line) is not in the consumer's package.json`)
    } else if (name === "effect-openrouter") {
      if (!saved[name].startsWith("file:")) problems.push(`effect-openrouter is ${saved[name]}, not the tarball`)
      if (installed(name) !== packed) {
        problems.push(`effect-openrouter ${installed(name)} installed, the tarball is ${packed}`)
      }
      if (range !== undefined && !semver.satisfies(packed, range)) {
        problems.push(`the README's effect-openrouter@${range} does not allow the tarball's version ${packed}`)
      }
    } else if (range !== undefined && !semver.satisfies(installed(name), range)) {
      problems.push(`${name} ${installed(name)} installed, the README says ${range}`)
    }
  }
  try {
    execFileSync("npm", ["ls", "--loglevel=error"], { cwd: consumer, stdio: ["ignore", "pipe", "pipe"] })
  } catch (e) {
    problems.push(`npm ls: ${String(e.stderr || e.stdout).trim().split("\n").slice(0, 6).join(" | ")}`)
  }
  return problems
}

// `node scripts/readme-install.mjs [effect3|effect4]` prints the lines;
// `node scripts/readme-install.mjs verify EDITION CONSUMER_DIR TARBALL` checks an install (see verifyInstalled).
if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === "verify") {
    const [edition, consumer, tarball] = process.argv.slice(3)
    const problems = verifyInstalled(consumer, edition, tarball)
    for (const problem of problems) console.error(`pack check failed: ${problem}`)
    if (problems.length > 0) process.exit(1)
    console.log(
      `pack check ok (${edition}): the consumer holds what the README's ${edition} lines install (npm ls clean)`
    )
  } else {
    for (const line of readmeInstallLines(undefined, process.argv[2] ?? "effect3")) console.log(line)
  }
}
