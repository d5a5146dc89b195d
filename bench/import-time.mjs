// Cold import time of one client's modules in a fresh process:
//   node bench/import-time.mjs '{"imports": [...], "touchFetch": bool}'
// Relative specifiers resolve from bench/ (so "../dist/index.js" is the built library).
import { performance } from "node:perf_hooks"

const { imports, touchFetch } = JSON.parse(process.argv[2] ?? "{}")
try {
  const t0 = performance.now()
  await Promise.all(imports.map((specifier) => import(specifier)))
  // Node's fetch loads its undici copy on first touch: that is raw fetch's "import".
  if (touchFetch) void globalThis.fetch
  const ms = performance.now() - t0
  process.stdout.write(`\nRESULT ${JSON.stringify({ ms })}\n`)
} catch (e) {
  process.stdout.write(`\nRESULT ${JSON.stringify({ unavailable: String(e?.message ?? e).split("\n")[0] })}\n`)
}
