// Makes the Effect team's Effect 4 OpenRouter provider (@effect/ai-openrouter 4.0.0-rc.111, its source in
// ../shared/effect4/reference/, not published on this registry) loadable on effect 4.1.5, at bench time:
// its TypeScript source is copied to effect4/.tmp/ (git-ignored) with every `effect/unstable/<area>`
// import rewritten to `effect/<area>` (rc.118 moved them), then bundled by esbuild into one ES module
// with `effect` left external, so that it runs on effect4/node_modules' effect. One more module moved
// between rc.111 and 4.1.5: `effect/Encoding` (its `encodeBase64`, used for file parts of a prompt
// only) is now `effect/encoding/Base64`'s `encode`; the bundle maps that one import to it. Nothing of
// it enters the repository. Returns the module's path, or throws saying why it cannot be made.
//   node effect4/bench/ai/reference.mjs      (prints the path; the benchmark calls `prepare()`)
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const HERE = Path.dirname(fileURLToPath(import.meta.url))
const EFFECT4 = Path.resolve(HERE, "../..")
const ROOT = Path.resolve(EFFECT4, "..")
export const SOURCE = Path.resolve(ROOT, "../shared/effect4/reference/ai-openrouter-4.0.0-rc.111")
const OUT = Path.join(EFFECT4, ".tmp/ai-openrouter-reference")

/** `import ... from "effect/unstable/ai/Tool"` -> `"effect/ai/Tool"`; the rest unchanged. */
export const rewrite = (text) => text.replace(/(["'])effect\/unstable\//g, "$1effect/")

const copy = (from, to) => {
  for (const entry of Fs.readdirSync(from, { withFileTypes: true })) {
    const source = Path.join(from, entry.name)
    const target = Path.join(to, entry.name)
    if (entry.isDirectory()) {
      Fs.mkdirSync(target, { recursive: true })
      copy(source, target)
    } else if (entry.name.endsWith(".ts")) {
      Fs.writeFileSync(target, rewrite(Fs.readFileSync(source, "utf8")))
    }
  }
}

/** The modules that moved other than `effect/unstable/*` -> `effect/*`, as small re-exports. */
const MOVED = {
  "effect/Encoding": "export { encode as encodeBase64 } from \"effect/encoding/Base64\""
}
const movedModules = {
  name: "moved-modules",
  setup(build) {
    build.onResolve({ filter: /^effect\/Encoding$/ }, (args) => ({ path: args.path, namespace: "moved" }))
    build.onLoad({ filter: /.*/, namespace: "moved" }, (args) => ({ contents: MOVED[args.path], loader: "js" }))
  }
}

/** Rewrites and bundles the reference provider; returns the bundle's path (reused when up to date). */
export const prepare = async () => {
  if (!Fs.existsSync(Path.join(SOURCE, "src/index.ts"))) throw new Error(`no reference source at ${SOURCE}`)
  const { version } = JSON.parse(Fs.readFileSync(Path.join(SOURCE, "package.json"), "utf8"))
  const bundle = Path.join(OUT, `ai-openrouter-${version}.mjs`)
  if (Fs.existsSync(bundle)) return { bundle, version }
  Fs.rmSync(OUT, { recursive: true, force: true })
  Fs.mkdirSync(Path.join(OUT, "src"), { recursive: true })
  copy(Path.join(SOURCE, "src"), Path.join(OUT, "src"))
  const left = Fs.readdirSync(Path.join(OUT, "src"), { recursive: true })
    .filter((f) => f.endsWith(".ts"))
    .filter((f) => Fs.readFileSync(Path.join(OUT, "src", f), "utf8").includes("effect/unstable/"))
  if (left.length > 0) throw new Error(`imports of effect/unstable/ left in ${left.join(", ")}`)
  // esbuild is the root's (a dev dependency of the Effect 3 edition's bench and bundle checks).
  const esbuild = await import(Path.join(ROOT, "node_modules/esbuild/lib/main.js"))
  await esbuild.build({
    entryPoints: [Path.join(OUT, "src/index.ts")],
    outfile: bundle,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22",
    external: ["effect", "effect/*"],
    plugins: [movedModules],
    logLevel: "silent"
  })
  return { bundle, version }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { bundle, version } = await prepare()
  console.log(`${version}: ${Path.relative(process.cwd(), bundle)}`)
}
