// Builds the Effect 4 edition into effect4/dist (run by `npm run build` in effect4/).
//
// The edition's sources import the shared Effect-free files from the repository's `src/internal/`
// (one source for both editions), so `tsc` compiles with the repository root as `rootDir` and emits
// `effect4/src/**` and `src/internal/**` side by side into `.build/`. This script moves them into the
// package's shape and rewrites the relative specifiers that cross between the two trees:
// - `.build/effect4/src/X` becomes `dist/X` (the public modules and the edition's internals);
// - `.build/src/internal/X` becomes `dist/shared/X` (the shared Effect-free files);
// then `scripts/build-cjs.mjs` (the Effect 3 edition's) adds the CommonJS entries and `.d.cts` files.
// A file of the Effect 3 edition that is not Effect-free must never reach the Effect 4 build: the
// script fails if `.build` holds anything else (e.g. `src/Schema.js`, pulled in by an `import type`).
import { execFileSync } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { dirname, join, relative, resolve, sep } from "node:path"

const pkg = resolve(dirname(new URL(import.meta.url).pathname), "..")
const out = join(pkg, ".build")
const dist = join(pkg, "dist")
rmSync(out, { recursive: true, force: true })
rmSync(dist, { recursive: true, force: true })
execFileSync(process.execPath, [join(pkg, "node_modules/typescript/bin/tsc"), "-p", join(pkg, "tsconfig.build.json")], {
  stdio: "inherit"
})

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })

const trees = [
  { from: join(out, "effect4", "src"), to: dist },
  { from: join(out, "src", "internal"), to: join(dist, "shared") }
]
const target = (path) => {
  for (const tree of trees) {
    if (path === tree.from || path.startsWith(tree.from + sep)) return join(tree.to, relative(tree.from, path))
  }
  return undefined
}

// Relative specifiers only, in `from "…"`, `import("…")` and `export … from "…"` alike.
const relativeSpecifier = /(["'])(\.{1,2}\/[^"']*?\.js)\1/g
const strays = []
let files = 0
for (const path of walk(out)) {
  const to = target(path)
  if (to === undefined) {
    strays.push(relative(out, path))
    continue
  }
  const text = readFileSync(path, "utf8").replace(relativeSpecifier, (match, quote, specifier) => {
    const moved = target(resolve(dirname(path), specifier))
    if (moved === undefined) return match
    let rel = relative(dirname(to), moved).split(sep).join("/")
    if (!rel.startsWith(".")) rel = `./${rel}`
    return `${quote}${rel}${quote}`
  })
  mkdirSync(dirname(to), { recursive: true })
  writeFileSync(to, text)
  files++
}
rmSync(out, { recursive: true, force: true })
if (strays.length > 0) {
  console.error(`build failed: files outside effect4/src and src/internal reached the build:\n  ${strays.join("\n  ")}`)
  process.exit(1)
}
console.log(`build: ${files} files in dist/ (shared Effect-free files in dist/shared/)`)
execFileSync(process.execPath, [join(pkg, "..", "scripts", "build-cjs.mjs"), dist], { stdio: "inherit" })
