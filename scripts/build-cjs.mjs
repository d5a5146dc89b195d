// Adds the CommonJS face of the package to dist/ after `tsc` (run by `npm run build`).
//
// The package is ES modules only; Node >= 20.19 (and Bun) can `require()` an ES module, so a
// CommonJS consumer gets the very same module instance as an ESM one (no dual-package hazard).
// What CommonJS still needs is an entry of its own kind, so that tools and TypeScript see
// consistent module kinds:
// - `dist/X.cjs` for every public module `dist/X.js`: `module.exports = require("./X.js")`;
// - `dist/**/X.d.cts` beside every `X.d.ts`, with relative `.js` specifiers rewritten to `.cjs`,
//   so TypeScript (`module: node16` / `nodenext`) types a `require` of the package as CommonJS.
// The `exports` map in package.json points `require` at these files.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"

// The folder to complete: the Effect 3 edition's dist/ by default; effect4/scripts/build.mjs passes
// the Effect 4 edition's.
const dist = process.argv[2] ?? new URL("../dist/", import.meta.url).pathname

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })

// Relative specifiers only, in `from "…"`, `import("…")` and `export … from "…"` alike.
const relativeJs = /(["'])(\.{1,2}\/[^"']*?)\.js\1/g

let types = 0
for (const path of walk(dist)) {
  if (!path.endsWith(".d.ts")) continue
  const text = readFileSync(path, "utf8")
    .replace(relativeJs, "$1$2.cjs$1")
    .replace(/^\/\/# sourceMappingURL=.*$/m, "")
  writeFileSync(path.slice(0, -".d.ts".length) + ".d.cts", text)
  types++
}

let entries = 0
for (const name of readdirSync(dist)) {
  if (!name.endsWith(".js")) continue
  writeFileSync(
    join(dist, name.slice(0, -".js".length) + ".cjs"),
    `"use strict"\n// CommonJS entry: Node >= 20.19 loads the ES module itself (require(esm)).\nmodule.exports = require("./${name}")\n`
  )
  entries++
}
console.log(`build-cjs: ${entries} CommonJS entries, ${types} .d.cts declaration files`)
