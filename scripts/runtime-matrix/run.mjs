// The runtime matrix: both editions' packed packages (scripts/pack.sh and its editions.json), each
// installed with the README's own lines for its edition in a fresh consumer project of its own
// (Effect 3 + @effect/platform for one, Effect 4 for the other), run the same program (program.mjs:
// send, stream, collect, a status error, an early stop, the in-process test kit) on every runtime,
// each in its own process, against a TestServer (with CORS, for the browser) started here from that
// edition's packed package. The Effect 4 edition also runs on the Node versions that bound it: its
// floor (NODE_FLOOR below), Node 22.19 (@effect/platform-node 4's own floor) and Node 24, installed
// from the npm registry (the `node` package) into the repository's .tmp/node/. Prints the result table
// (markdown) and exits non-zero if any runtime fails.
//
//   node scripts/runtime-matrix/run.mjs [--pack OUTDIR] [--editions effect3,effect4] [--only node-fetch,bun,...]
//
// --pack names a folder scripts/pack.sh wrote (without it, this runs scripts/pack.sh, which builds both
// editions). Expects this folder's own dependencies (bun, deno, workerd, playwright-core, esbuild) to
// be installed; run.sh installs them and Chromium if missing.
import { execFileSync, spawn } from "node:child_process"
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as Http from "node:http"
import { createRequire } from "node:module"
import * as Net from "node:net"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { readmeInstallLines, withTarball } from "../readme-install.mjs"

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, "..", "..")
const bin = (name) => join(here, "node_modules", ".bin", name)
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
const runtimeTimeout = 120_000

// The Effect 4 edition's Node versions: its floor (effect4/package.json's engines, `require(esm)`
// without a flag), @effect/platform-node 4's floor (undici 8), and the current LTS line.
const NODE_FLOOR = "20.19.0"
const NODE_22 = "22.19.0"
const NODE_24 = "24.21.0"

const args = process.argv.slice(2)
const option = (name) => {
  const i = args.indexOf(name)
  return i < 0 ? undefined : args[i + 1]
}
const only = option("--only")?.split(",")
const editionNames = option("--editions")?.split(",") ?? ["effect3", "effect4"]

const log = (...parts) => console.error("[matrix]", ...parts)
const stepStarted = Date.now()

const work = mkdtempSync(join(tmpdir(), "runtime-matrix-"))
const keep = process.env.MATRIX_KEEP === "1"
// Installs run as children of their own process group: on any exit (a failed install included) the
// others are stopped too, so none is left writing into a folder this run removes.
const children = new Set()
process.on("exit", () => {
  for (const child of children) {
    try {
      process.kill(-child.pid, "SIGKILL")
    } catch {
      // already gone
    }
  }
  if (!keep) rmSync(work, { recursive: true, force: true })
})

const npmEnv = {
  ...process.env,
  npm_config_fund: "false",
  npm_config_audit: "false",
  npm_config_update_notifier: "false"
}

/** Runs a command to its end (asynchronously, so installs overlap); rejects with its output's tail. */
const exec = (command, commandArgs, options = {}) =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(command, commandArgs, {
      env: npmEnv,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
      ...options
    })
    children.add(child)
    let output = ""
    child.stdout.on("data", (d) => (output += d))
    child.stderr.on("data", (d) => (output += d))
    child.on("error", reject)
    child.on("close", (code) => {
      children.delete(child)
      return code === 0
        ? resolvePromise(output)
        : reject(
          new Error(
            `${command} ${commandArgs.join(" ")}: exit ${code}: ${output.trim().split("\n").slice(-8).join(" | ")}`
          )
        )
    })
  })

// ---------------------------------------------------------------------------------------------
// The packed editions, and a consumer project per edition installed with the README's lines
// ---------------------------------------------------------------------------------------------

let packDir = option("--pack")
if (packDir === undefined) {
  packDir = join(work, "pack")
  log("packing both editions (scripts/pack.sh)")
  execFileSync("bash", [join(root, "scripts", "pack.sh"), packDir], {
    env: npmEnv,
    stdio: ["ignore", "ignore", "inherit"]
  })
}
packDir = resolve(packDir)
const packed = JSON.parse(readFileSync(join(packDir, "editions.json"), "utf8"))

// Beyond the README's lines: the Effect 4 edition's consumer also gets @effect/platform-node 4 (its
// NodeHttpClient rows, on the Node versions it supports); the Effect 3 edition's lines name theirs.
const EDITIONS = {
  effect3: { title: "Effect 3 edition", extra: [], shows: ["effect", "@effect/platform"] },
  effect4: { title: "Effect 4 edition", extra: [["npm", "install", "@effect/platform-node@^4.1.5"]], shows: ["effect"] }
}

const setupConsumer = async (edition) => {
  const entry = packed.find((e) => e.edition === edition)
  if (entry === undefined) throw new Error(`${join(packDir, "editions.json")} has no ${edition} edition`)
  const tarball = join(packDir, entry.tarball)
  const consumer = join(work, `consumer-${edition}`)
  mkdirSync(consumer)
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({ name: `matrix-consumer-${edition}`, version: "1.0.0", private: true, type: "module" })
  )
  const lines = readmeInstallLines(join(root, "README.md"), edition)
  for (const argv of [...lines.map((line) => withTarball(line, tarball)), ...EDITIONS[edition].extra]) {
    log(`${edition} $`, argv.join(" "))
    const [command, ...rest] = argv
    await exec(command, [...rest, "--no-audit", "--no-fund", "--loglevel=error"], { cwd: consumer })
  }
  for (const file of ["program.mjs", "entry-cli.mjs", "entry-require.cjs", "entry-browser.mjs", "entry-worker.mjs"]) {
    copyFileSync(join(here, file), join(consumer, file))
  }
  copyFileSync(join(here, edition, "fetch.mjs"), join(consumer, "fetch.mjs"))
  const consumerRequire = createRequire(join(consumer, "package.json"))
  const packageDir = dirname(consumerRequire.resolve("effect-openrouter/package.json"))
  const installed = (name) => JSON.parse(readFileSync(consumerRequire.resolve(`${name}/package.json`), "utf8")).version
  const versions = [
    `effect-openrouter ${installed("effect-openrouter")}`,
    ...EDITIONS[edition].shows.map((n) => `${n} ${installed(n)}`)
  ]
    .join(", ")
  log(`${edition}: installed ${versions}`)
  // The emulator from the packed package, not from the sources.
  const TestServer = await import(pathToFileURL(join(packageDir, "dist", "TestServer.js")).href)
  const Testing = await import(pathToFileURL(join(packageDir, "dist", "Testing.js")).href)
  return { edition, tarball, consumer, versions, TestServer, Testing, lines }
}

/** A Node from the npm registry (the `node` package), installed once into the repository's .tmp/node/ (kept between runs). */
const nodeDir = (version) => join(root, ".tmp", "node", version)
const nodeBin = (version) => join(nodeDir(version), "node_modules", "node", "bin", "node")
// One at a time, each once: two of the `node` package's own nested installs at once have failed
// (ENOTEMPTY in npm's extraction); a failed one is retried once from scratch.
const nodeInstalls = new Map()
let nodeQueue = Promise.resolve()
const installNode = (version) => {
  if (!nodeInstalls.has(version)) {
    nodeQueue = nodeQueue.then(() => installNodeOnce(version).catch(() => installNodeOnce(version)))
    nodeInstalls.set(version, nodeQueue)
  }
  return nodeInstalls.get(version)
}
const installNodeOnce = async (version) => {
  if (existsSync(nodeBin(version))) return
  log(`installing node@${version} from the npm registry`)
  rmSync(nodeDir(version), { recursive: true, force: true })
  await exec("npm", [
    "install",
    "--no-save",
    "--no-package-lock",
    "--loglevel=error",
    "--prefix",
    nodeDir(version),
    `node@${version}`
  ])
}

const script = (Testing) => (request) => {
  switch (request.body?.messages?.[0]?.content) {
    case "send":
      return Testing.completion({ content: "matrix ok" })
    case "stream":
      // Written 3 bytes at a time: multi-byte characters arrive split between reads.
      return Testing.stream({ deltas: ["hé", "llo", " 🌍"], writeSize: 3 })
    case "collect":
      return Testing.stream({ deltas: ["a", "b", "c"], usage: { prompt_tokens: 9, completion_tokens: 3 } })
    case "status":
      return Testing.error(402)
    case "early-stop":
      return Testing.hang({ after: 5 })
    default:
      return Testing.error(400, { message: `unexpected request ${JSON.stringify(request.body)}` })
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const freePort = () =>
  new Promise((resolvePromise, reject) => {
    const server = Net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => resolvePromise(port))
    })
  })

const withTimeout = (promise, millis, what) =>
  Promise.race([
    promise,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer in ${millis} ms`)), millis).unref()
    )
  ])

/** Runs a runtime's process to its end; resolves with stdout, rejects with stderr's tail on failure or timeout. */
const runProcess = (command, commandArgs, options) =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(command, commandArgs, { stdio: ["ignore", "pipe", "pipe"], ...options })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += d))
    child.stderr.on("data", (d) => (stderr += d))
    const timer = setTimeout(() => child.kill("SIGKILL"), runtimeTimeout)
    child.on("error", reject)
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolvePromise(stdout)
      else reject(new Error(`exit ${code ?? signal}: ${(stderr || stdout).trim().split("\n").slice(-6).join(" | ")}`))
    })
  })

const version = (command, commandArgs) => {
  const out = execFileSync(command, commandArgs, { stdio: ["ignore", "pipe", "ignore"] }).toString()
  return out.match(/\d+\.\d+\.\d+(\.\d+)?|\d{4}-\d{2}-\d{2}/)?.[0] ?? out.trim().split("\n")[0]
}

const bundle = (consumer, entry, outfile, platform, conditions) =>
  execFileSync(bin("esbuild"), [
    entry,
    "--bundle",
    "--format=esm",
    `--platform=${platform}`,
    ...(conditions ? [`--conditions=${conditions}`] : []),
    `--outfile=${outfile}`,
    "--log-level=warning"
  ], { cwd: consumer, stdio: ["ignore", "inherit", "inherit"] })

// ---------------------------------------------------------------------------------------------
// The runtimes: each runs the program in an edition's consumer (`ctx`) against the server at `url`
// ---------------------------------------------------------------------------------------------

const cli = (label, command, commandArgs, client, options = {}) => ({
  label,
  client,
  version: () => version(command(), ["--version"]),
  prepare: options.prepare,
  run: async (ctx, url) => {
    const out = await runProcess(command(), [...commandArgs, "entry-cli.mjs", label, url, client], {
      cwd: ctx.consumer,
      env: options.env
    })
    if (!options.require) return out
    // The CommonJS entry on this Node too: its result joins the program's line.
    const required = await runProcess(command(), ["entry-require.cjs"], { cwd: ctx.consumer }).then(
      (text) => text.trim().startsWith("require=ok") ? "require=ok" : `require=FAIL(${text.trim().slice(0, 200)})`,
      (error) => `require=FAIL(${String(error.message).replace(/\s+/g, " ").slice(0, 300)})`
    )
    return out.replace(/^(RESULT .*)$/m, `$1 ${required}`)
  }
})

/** The program on a Node of the npm registry's (the version installed before the runs). */
const nodeAt = (nodeVersion, client, options = {}) =>
  cli(`node-${nodeVersion}-${client}`, () => nodeBin(nodeVersion), [], client, {
    prepare: () => installNode(nodeVersion),
    ...options
  })

const denoEnv = { ...process.env, DENO_DIR: join(work, "deno-cache"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" }

// Deno with `npm:` specifiers and no node_modules: effect (and, for the Effect 3 edition,
// @effect/platform) come from Deno's own npm resolution at the README's version ranges for the
// edition; the package itself (not on the registry while unpublished) is the packed tarball,
// unpacked, its subpaths mapped by an import map.
const denoNpm = {
  label: "deno-npm",
  client: "fetch",
  version: () => version(bin("deno"), ["--version"]),
  run: (ctx, url) => {
    const dir = join(work, `deno-npm-${ctx.edition}`)
    mkdirSync(join(dir, "effect-openrouter"), { recursive: true })
    execFileSync("tar", ["xzf", ctx.tarball, "-C", join(dir, "effect-openrouter"), "--strip-components=1"])
    const ranges = Object.fromEntries(
      ctx.lines.flatMap((line) => line.split(/\s+/).slice(2))
        // the package itself comes from the tarball; flags (`-D`) are not packages
        .filter((spec) => !/^effect-openrouter(@|$)/.test(spec) && !spec.startsWith("-"))
        .map((spec) => [spec.slice(0, spec.lastIndexOf("@")), spec])
    )
    const exportsMap = JSON.parse(readFileSync(join(dir, "effect-openrouter", "package.json"), "utf8")).exports
    const imports = {}
    for (const [subpath, target] of Object.entries(exportsMap)) {
      if (typeof target === "string") continue
      imports["effect-openrouter" + subpath.slice(1)] = "./effect-openrouter/" + target.import.default.slice(2)
    }
    for (const [name, spec] of Object.entries(ranges)) {
      imports[name] = `npm:${spec}`
      imports[`${name}/`] = `npm:/${spec}/`
    }
    writeFileSync(join(dir, "deno.json"), JSON.stringify({ imports, nodeModulesDir: "none" }, null, 2))
    for (const file of ["program.mjs", "entry-cli.mjs"]) copyFileSync(join(here, file), join(dir, file))
    copyFileSync(join(here, ctx.edition, "fetch.mjs"), join(dir, "fetch.mjs"))
    return runProcess(
      bin("deno"),
      ["run", "--allow-net=127.0.0.1", "--allow-read", "--allow-env", "entry-cli.mjs", "deno-npm", url, "fetch"],
      { cwd: dir, env: denoEnv }
    )
  }
}

const chromium = {
  label: "chromium",
  client: "fetch",
  version: () => version(chromiumPath, ["--version"]),
  run: async (ctx, url) => {
    bundle(ctx.consumer, "entry-browser.mjs", "browser/bundle.js", "browser")
    writeFileSync(
      join(ctx.consumer, "browser", "index.html"),
      "<!doctype html><meta charset=\"utf-8\"><title>matrix</title><script type=\"module\" src=\"/bundle.js\"></script>"
    )
    // The page has its own origin (another port), so every call to the TestServer is cross-origin.
    const pages = Http.createServer((req, res) => {
      const file = new URL(req.url, "http://x").pathname === "/bundle.js" ? "bundle.js" : "index.html"
      res.writeHead(200, { "content-type": file.endsWith(".js") ? "text/javascript" : "text/html" })
      res.end(readFileSync(join(ctx.consumer, "browser", file)))
    })
    await new Promise((resolvePromise) => pages.listen(0, "127.0.0.1", resolvePromise))
    const { chromium: playwright } = await import("playwright-core")
    const context = await playwright.launchPersistentContext(mkdtempSync(join(work, "chromium-profile-")), {
      executablePath: chromiumPath,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync"
      ]
    })
    try {
      const page = context.pages()[0] ?? await context.newPage()
      const errors = []
      page.on("pageerror", (error) => errors.push(String(error)))
      await page.goto(`http://127.0.0.1:${pages.address().port}/?server=${encodeURIComponent(url)}`)
      const line = await withTimeout(page.evaluate(() => globalThis.matrixResult), runtimeTimeout, "chromium")
      if (errors.length > 0) throw new Error(`page errors: ${errors.join(" | ")}`)
      return line
    } finally {
      await context.close()
      pages.close()
    }
  }
}

const workerd = {
  label: "workerd",
  client: "fetch",
  version: () => version(bin("workerd"), ["--version"]),
  run: async (ctx, url) => {
    const dir = join(ctx.consumer, "worker")
    mkdirSync(dir, { recursive: true })
    bundle(ctx.consumer, "entry-worker.mjs", "worker/worker.mjs", "browser", "workerd,worker,browser")
    const port = await freePort()
    writeFileSync(
      join(dir, "config.capnp"),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .matrixWorker),
    # workerd's default outbound refuses private and loopback addresses; the TestServer is on 127.0.0.1.
    (name = "loopback", network = (allow = ["local", "private", "public"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const matrixWorker :Workerd.Worker = (
  modules = [ (name = "worker.mjs", esModule = embed "worker.mjs") ],
  compatibilityDate = "2025-09-01",
  globalOutbound = "loopback",
);
`
    )
    const child = spawn(bin("workerd"), ["serve", "config.capnp"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] })
    let stderr = ""
    child.stderr.on("data", (d) => (stderr += d))
    child.stdout.on("data", (d) => (stderr += d))
    try {
      const deadline = Date.now() + 30_000
      for (;;) {
        if (child.exitCode !== null) throw new Error(`workerd exited ${child.exitCode}: ${stderr.trim()}`)
        const up = await new Promise((resolvePromise) => {
          const socket = Net.connect(port, "127.0.0.1", () => resolvePromise(socket.end() && true)).on(
            "error",
            () => resolvePromise(false)
          )
        })
        if (up) break
        if (Date.now() > deadline) throw new Error(`workerd did not listen: ${stderr.trim()}`)
        await new Promise((resolvePromise) => setTimeout(resolvePromise, 100))
      }
      const response = await withTimeout(
        globalThis.fetch(`http://127.0.0.1:${port}/?server=${encodeURIComponent(url)}`),
        runtimeTimeout,
        "workerd"
      )
      const text = await response.text()
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)} ${stderr.trim()}`)
      return text
    } finally {
      child.kill("SIGKILL")
    }
  }
}

const systemNode = () => process.execPath
const deno = cli("deno", () => bin("deno"), ["run", "--allow-net=127.0.0.1", "--allow-read", "--allow-env"], "fetch", {
  env: denoEnv
})
const everywhere = [cli("bun", () => bin("bun"), [], "fetch"), deno, denoNpm, chromium, workerd]

// Per edition: the runtimes it runs on. The Effect 4 edition's NodeHttpClient (@effect/platform-node
// 4, undici 8) asks for Node >= 22.19: its rows start there; fetch runs from the floor up.
const RUNTIMES = {
  effect3: [
    cli("node-undici", systemNode, [], "undici"),
    cli("node-http", systemNode, [], "node-http"),
    cli("node-fetch", systemNode, [], "fetch"),
    ...everywhere
  ],
  effect4: [
    // On the floor, `require()` of every subpath too (require(esm) is why the floor is 20.19).
    nodeAt(NODE_FLOOR, "fetch", { require: true }),
    cli("node-fetch", systemNode, [], "fetch"),
    nodeAt(NODE_22, "fetch"),
    nodeAt(NODE_22, "undici"),
    nodeAt(NODE_22, "node-http"),
    nodeAt(NODE_24, "fetch"),
    nodeAt(NODE_24, "undici"),
    nodeAt(NODE_24, "node-http"),
    ...everywhere
  ]
}

// ---------------------------------------------------------------------------------------------
// Run
// ---------------------------------------------------------------------------------------------

const clientNames = {
  "undici": "`NodeHttpClient.layerUndici`",
  "node-http": "`NodeHttpClient.layer` (node:http)",
  "fetch": "`FetchHttpClient.layer`"
}
const runtimeNames = {
  "node": "Node",
  "bun": "Bun",
  "deno": "Deno, with `node_modules`",
  "deno-npm": "Deno, `npm:` specifiers, no `node_modules`",
  "chromium": "Chromium, headless (Debian)",
  "workerd": "workerd (Cloudflare Workers' runtime)"
}

const plan = editionNames.map((edition) => {
  if (EDITIONS[edition] === undefined) throw new Error(`unknown edition ${edition} (effect3, effect4)`)
  return [edition, RUNTIMES[edition].filter((runtime) => only === undefined || only.includes(runtime.label))]
})
const setupStarted = Date.now()
const [contexts] = await Promise.all([
  Promise.all(plan.map(([edition]) => setupConsumer(edition))),
  Promise.all(plan.flatMap(([, runtimes]) => runtimes.map((r) => r.prepare?.())))
])
log(`consumers and runtimes installed: ${((Date.now() - setupStarted) / 1000).toFixed(1)} s`)

const rows = []
let failed = 0
for (const [i, [edition, runtimes]] of plan.entries()) {
  const ctx = contexts[i]
  for (const runtime of runtimes) {
    const started = Date.now()
    const server = await ctx.TestServer.listen(script(ctx.Testing), { cors: true })
    let line
    let runtimeVersion = "?"
    try {
      runtimeVersion = runtime.version()
      const out = await runtime.run(ctx, server.url)
      line = out.split("\n").find((l) => l.startsWith(`RESULT ${runtime.label} `)) ??
        `RESULT ${runtime.label} output=FAIL(no result line: ${out.trim().slice(0, 300)})`
      // The early stop must have reached the server: the runtime closed the hanging response.
      const closed = await withTimeout((server.awaitClientClose ?? server.awaitAbort)(1), 10_000, "early stop").then(
        () => "ok",
        () => "FAIL"
      )
      line += ` server-saw-early-stop=${closed}`
      const posts = server.requests().filter((r) => r.method === "POST").length
      line += ` requests=${posts === 5 ? "ok" : `FAIL(${posts} of 5)`}`
    } catch (error) {
      line = `RESULT ${runtime.label} run=FAIL(${String(error?.message ?? error).replace(/\s+/g, " ").slice(0, 500)})`
    } finally {
      await server.close()
    }
    const ok = !line.includes("FAIL") && line.split(" ").slice(2).every((part) => part.endsWith("=ok"))
    if (!ok) failed++
    console.log(`[${edition}] ${line}`)
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    log(`${edition} ${runtime.label}: ${seconds} s`)
    rows.push({
      edition: EDITIONS[edition].title,
      runtime: runtimeNames[runtime.label.startsWith("node") ? "node" : runtime.label] ?? runtime.label,
      version: runtimeVersion,
      client: edition === "effect4" && runtime.client === "node-http"
        ? "`NodeHttpClient.layerNodeHttp` (node:http)"
        : clientNames[runtime.client] ?? runtime.client,
      ok,
      seconds
    })
  }
}

const table = [
  "| edition | runtime | version | HttpClient | send, stream, collect, status error, early stop, Testing (and `require()` on the floor) |",
  "|---|---|---|---|---|",
  ...rows.map((r) => `| ${r.edition} | ${r.runtime} | ${r.version} | ${r.client} | ${r.ok ? "pass" : "FAIL"} |`)
].join("\n")
const installedLines = contexts.map((ctx) => `${EDITIONS[ctx.edition].title}: ${ctx.versions}`).join("; ")
console.log(`\nruntime matrix (${installedLines}):\n\n${table}\n`)
mkdirSync(join(root, ".tmp"), { recursive: true })
writeFileSync(join(root, ".tmp", "runtime-matrix.md"), table + "\n")
const elapsed = `${((Date.now() - stepStarted) / 1000).toFixed(0)} s`
// Not "N passed, N failed": CI's closing line is the test suite's.
console.log(
  failed === 0
    ? `runtime matrix ok: ${rows.length} runs over ${plan.length} editions in ${elapsed}`
    : `runtime matrix FAILED on ${failed} of ${rows.length} runs (${elapsed})`
)
process.exit(failed === 0 ? 0 : 1)
