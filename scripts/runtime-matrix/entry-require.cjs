// Entry for the Node floor: `require()` of every subpath of the packed package (require(esm), without a
// flag from Node 20.19: the reason for the Effect 4 edition's floor), sharing one module instance with
// `import`. Prints `require=ok` on stdout; throws otherwise.
"use strict"
/* eslint-disable @typescript-eslint/no-require-imports */
/* global require */
const exportsMap = require("effect-openrouter/package.json").exports
const subpaths = Object.keys(exportsMap).filter((key) => key !== "./package.json")
for (const subpath of subpaths) {
  const name = "effect-openrouter" + subpath.slice(1)
  if (Object.keys(require(name)).length === 0) throw new Error(`require("${name}") has no exports`)
}
import("effect-openrouter").then((esm) => {
  if (esm.Chat.send !== require("effect-openrouter").Chat.send) throw new Error("require and import load two copies")
  console.log(`require=ok (${subpaths.length} subpaths)`)
})
