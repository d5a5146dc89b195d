// The README's code, as a newcomer uses it: every ```ts / ```typescript block becomes a file of a fresh
// app that installs the packed package with the README's own install lines (every `npm install`
// line of its sh blocks, `effect-openrouter` replaced by the tarball), and is compiled with that
// app's TypeScript: `strict`, `module` nodenext, `skipLibCheck` off (TypeScript's default). Then the
// blocks that run (they call `Effect.runPromise`, or are `@effect/vitest` tests) run, against the
// emulator (OPENROUTER_BASE_URL, with a key in OPENROUTER_API_KEY), and must exit 0 and print.
// Signatures and pseudo-code belong in a `text` fence.
//
// The blocks under `## Effect 4` are the Effect 4 edition's: they get an app of their own, with that
// section's install lines and the packed effect4/ package.
//
// Usage: npm run build && npm run build:effect4 && node scripts/readme-check.mjs [--keep] [--only N,M]
//   --keep     keep the app folder (printed) to look at the files and their output
//   --only     check only these blocks (numbers as printed), e.g. while fixing one
// Exits 1 with, for each failure, the README line and the heading of the block.
import { execFileSync, spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const args = process.argv.slice(2)
const keep = args.includes("--keep") || process.env.README_CHECK_KEEP === "1"
const onlyArg = args[args.indexOf("--only") + 1]
const only = args.includes("--only") && onlyArg ? new Set(onlyArg.split(",").map(Number)) : undefined

/**
 * The fenced blocks of a Markdown text: language, code, the line of the opening fence, heading, and the
 * edition the block is written for: `"4"` under the `## Effect 4` section (its `###` subsections
 * included), `"3"` everywhere else (the README's code is Effect 3 code unless it sits there).
 */
export const fencedBlocks = (markdown) => {
  const lines = markdown.split("\n")
  const blocks = []
  let heading = "(top)"
  let edition = "3"
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, "")
    if (/^#{1,2} /.test(line)) edition = /^## Effect 4\s*$/.test(line) ? "4" : "3"
    const open = line.match(/^```(\S*)\s*$/)
    if (!open) continue
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l))
    if (end < 0) throw new Error(`README.md:${i + 1}: a code fence that is never closed`)
    blocks.push({ lang: open[1], code: lines.slice(i + 1, end).join("\n"), line: i + 1, heading, edition })
    i = end
  }
  return blocks
}

/**
 * The `npm install <packages>` lines of the sh blocks (not `npm install && ...`), comments dropped, for
 * one edition's app (`"3"` by default). An install block may hold a section per edition, each opened
 * by a `# Effect N edition` comment (up to the next such comment): another edition's section is left
 * out. The sh blocks under `## Effect 4` are the Effect 4 edition's, and only its.
 */
export const installLines = (blocks, wanted = "3") =>
  blocks.filter((b) => ["sh", "bash", "shell"].includes(b.lang))
    .flatMap((b) => {
      let edition
      return b.code.split("\n").filter((l) => {
        const section = l.trim().match(/^#\s*Effect (\d+) edition\b/)
        if (section) edition = section[1]
        if (b.edition === "4") return wanted === "4"
        return wanted === "4" ? edition === "4" : edition === undefined || edition === "3"
      })
    })
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter((l) => /^npm install (?!.*&&)\S/.test(l))

/** How a block runs: with vitest (an `@effect/vitest` test), with node (it runs an Effect), or not at all. */
export const runner = (code) =>
  /from "@effect\/vitest"/.test(code) ? "vitest" : /\bEffect\.run(Promise|Fork|Sync)\b/.test(code) ? "node" : undefined

const isTs = (b) => b.lang === "ts" || b.lang === "typescript"

const main = async () => {
  const readme = readFileSync(join(root, "README.md"), "utf8")
  const blocks = fencedBlocks(readme)
  const numbered = blocks.map((b, i) => ({ ...b, n: i + 1 })).filter(isTs).filter((b) => !only || only.has(b.n))
  if (numbered.length === 0) throw new Error("README.md: no ts block to check")
  const work = mkdtempSync(join(tmpdir(), "readme-check-"))
  const failures = []
  let checked = 0
  try {
    // Each edition's blocks in an app of their own, with that edition's install lines and packed package.
    for (const [edition, dir] of [["3", root], ["4", join(root, "effect4")]]) {
      const tsBlocks = numbered.filter((b) => b.edition === edition)
      if (tsBlocks.length === 0) continue
      if (!existsSync(join(dir, "dist", "index.js"))) throw new Error(`no ${dir}/dist: build the edition first`)
      console.log(`\n=== the Effect ${edition} edition's blocks (${tsBlocks.length})`)
      await checkApp(work, edition, dir, tsBlocks, installLines(blocks, edition), failures)
      checked += tsBlocks.length
    }
  } finally {
    if (keep) console.log(`\napps kept in ${work}`)
    else rmSync(work, { recursive: true, force: true })
  }
  if (failures.length > 0) {
    console.error(`\nreadme-check: ${failures.length} failure(s)\n\n${failures.join("\n\n")}`)
    process.exit(1)
  }
  console.log(`\nreadme-check: ${checked} README blocks compile; the ones that run, ran and printed`)
}

/**
 * One edition's app: the package packed from `dir`, installed with `lines` (`effect-openrouter`
 * replaced by the tarball), `tsBlocks` compiled together, the ones that run run against the emulator
 * the package ships. Failures are pushed to `failures`.
 */
const checkApp = async (work, edition, dir, tsBlocks, lines, failures) => {
  const app = join(work, `app-effect${edition}`)
  const fail = (block, what, detail = "") => {
    failures.push(
      `README.md:${block.line} (block ${block.n}, under "${block.heading}"): ${what}${detail ? `\n${detail}` : ""}`
    )
  }
  let emulator
  try {
    const npmEnv = {
      ...process.env,
      npm_config_fund: "false",
      npm_config_audit: "false",
      npm_config_update_notifier: "false"
    }
    const packed = execFileSync("npm", ["pack", "--silent", "--pack-destination", work], {
      cwd: dir,
      env: npmEnv,
      encoding: "utf8"
    })
    const tarball = join(work, packed.trim().split("\n").pop())
    execFileSync("mkdir", [app])
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name: "readme-app", version: "1.0.0", private: true, type: "module" })
    )
    for (const line of lines) {
      console.log(`$ ${line}`)
      const argv = line.split(/\s+/).map((w) => (/^effect-openrouter(@\S+)?$/.test(w) ? tarball : w))
      execFileSync(argv[0], [...argv.slice(1), "--no-audit", "--no-fund", "--loglevel=error"], {
        cwd: app,
        env: npmEnv,
        stdio: ["ignore", "inherit", "inherit"]
      })
    }
    if (!existsSync(join(app, "node_modules", "typescript"))) {
      throw new Error(`README.md: no install line of the Effect ${edition} edition installs typescript`)
    }

    // Every block as a file, compiled together (each is a module of its own) with the app's tsc.
    const file = (b) => `block-${String(b.n).padStart(2, "0")}${runner(b.code) === "vitest" ? ".test" : ""}.ts`
    for (const b of tsBlocks) writeFileSync(join(app, file(b)), b.code + "\n")
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify(
        {
          compilerOptions: {
            strict: true,
            module: "nodenext",
            moduleResolution: "nodenext",
            target: "ES2022",
            skipLibCheck: false,
            outDir: "out"
          },
          files: tsBlocks.map(file)
        },
        null,
        2
      )
    )
    console.log(`\n$ tsc (strict, module nodenext, skipLibCheck false) over ${tsBlocks.length} README blocks`)
    const tsc = await run(join(app, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], { cwd: app })
    const before = failures.length
    for (const b of tsBlocks) {
      // tsc reports `block-07.ts(3,5): error ...`: shown with the README line it comes from.
      const errors = tsc.output.split("\n").filter((l) => l.startsWith(file(b) + "("))
        .map((l) => l.replace(/^[^(]+\((\d+),(\d+)\)/, (_, row, col) => `  README.md:${b.line + Number(row)}:${col}`))
      if (errors.length > 0) fail(b, "does not compile", errors.join("\n"))
    }
    if (tsc.code !== 0 && failures.length === before) {
      throw new Error(`tsc failed outside the README blocks:\n${tsc.output}`)
    }

    // The emulator the package ships (its bin when it has one, else TestServer), as a program of its own.
    const bin = join(app, "node_modules", ".bin", "effect-openrouter-emulator")
    writeFileSync(
      join(app, "emulator.mjs"),
      `import * as TestServer from "effect-openrouter/TestServer"\nimport { Testing } from "effect-openrouter"\n` +
        `const server = await TestServer.listen(Testing.emulator)\nconsole.log(server.url)\n`
    )
    emulator = existsSync(bin)
      ? spawn(bin, ["--port", "0"], { cwd: app })
      : spawn(process.execPath, ["emulator.mjs"], { cwd: app })
    const baseUrl = await firstLine(emulator)
    console.log(`emulator at ${baseUrl} (${existsSync(bin) ? "effect-openrouter-emulator" : "TestServer.listen"})`)
    const env = { ...process.env, OPENROUTER_API_KEY: "sk-or-readme-check", OPENROUTER_BASE_URL: baseUrl }

    for (const b of tsBlocks) {
      const how = runner(b.code)
      if (how === undefined || failures.some((f) => f.includes(`(block ${b.n},`))) continue
      const js = join("out", file(b).replace(/\.ts$/, ".js"))
      const result = how === "vitest"
        ? await run(join(app, "node_modules", ".bin", "vitest"), ["run", file(b)], { cwd: app, env })
        : await run(process.execPath, [js], { cwd: app, env })
      console.log(
        `\n--- block ${b.n} (README.md:${b.line}, ${b.heading}), run with ${how}: exit ${result.code}\n${result.output.trimEnd()}`
      )
      if (result.code !== 0) fail(b, `exits with ${result.code}`, result.output)
      else if (result.stdout.trim() === "") fail(b, "runs but prints nothing")
    }
  } finally {
    emulator?.kill()
  }
}

/** Runs a command; its exit code, its stdout, and stdout and stderr interleaved. */
const run = (command, argv, options) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, argv, { ...options, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    let stdout = ""
    child.stdout.setEncoding("utf8").on("data", (t) => {
      output += t
      stdout += t
    })
    child.stderr.setEncoding("utf8").on("data", (t) => (output += t))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, output, stdout }))
  })

/** The first line a process prints (the emulator's base URL). */
const firstLine = (child) =>
  new Promise((resolve, reject) => {
    let text = ""
    child.stdout.setEncoding("utf8").on("data", (t) => {
      text += t
      if (text.includes("\n")) resolve(text.split("\n")[0].trim())
    })
    child.on("error", reject)
    child.on("close", (code) => reject(new Error(`the emulator exited (${code}) before printing its URL`)))
  })

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(`readme-check failed: ${e.message}`)
    process.exit(1)
  })
}
