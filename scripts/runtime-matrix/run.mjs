// The runtime matrix: the packed package, installed with the README's own lines in a fresh
// consumer project, runs the same program (program.mjs: send, stream, collect, a status error, an
// early stop, the in-process test kit) on every runtime, each in its own process, against a
// TestServer (with CORS, for the browser) started here from the packed package. Prints the result
// table (markdown) and exits non-zero if any runtime fails.
//
//   node scripts/runtime-matrix/run.mjs [--only node-undici,bun,...] [--tarball path.tgz]
//
// Expects `npm run build` to have run and this folder's own dependencies (bun, deno, workerd,
// playwright-core, esbuild) to be installed; run.sh does both and installs Chromium if missing.
import { execFileSync, spawn } from "node:child_process"
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as Http from "node:http"
import { createRequire } from "node:module"
import * as Net from "node:net"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { readmeInstallLines, withTarball } from "../readme-install.mjs"

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, "..", "..")
const bin = (name) => join(here, "node_modules", ".bin", name)
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
const runtimeTimeout = 120_000

const args = process.argv.slice(2)
const option = (name) => {
  const i = args.indexOf(name)
  return i < 0 ? undefined : args[i + 1]
}
const only = option("--only")?.split(",")

const log = (...parts) => console.error("[matrix]", ...parts)

// ---------------------------------------------------------------------------------------------
// The consumer project: the packed package installed with the README's lines
// ---------------------------------------------------------------------------------------------

const work = mkdtempSync(join(tmpdir(), "runtime-matrix-"))
const keep = process.env.MATRIX_KEEP === "1"
process.on("exit", () => {
  if (!keep) rmSync(work, { recursive: true, force: true })
})

const npmEnv = {
  ...process.env,
  npm_config_fund: "false",
  npm_config_audit: "false",
  npm_config_update_notifier: "false"
}
let tarball = option("--tarball")
if (tarball === undefined) {
  const name = execFileSync("npm", ["pack", "--silent", "--pack-destination", work], { cwd: root, env: npmEnv })
    .toString().trim().split("\n").at(-1)
  tarball = join(work, name)
}
const consumer = join(work, "consumer")
mkdirSync(consumer)
writeFileSync(
  join(consumer, "package.json"),
  JSON.stringify({ name: "matrix-consumer", version: "1.0.0", private: true, type: "module" })
)
for (const line of readmeInstallLines(join(root, "README.md"))) {
  const [command, ...rest] = withTarball(line, tarball)
  log("$", line)
  execFileSync(command, [...rest, "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: consumer,
    env: npmEnv,
    stdio: ["ignore", "ignore", "inherit"]
  })
}
for (const file of ["program.mjs", "entry-cli.mjs", "entry-browser.mjs", "entry-worker.mjs"]) {
  copyFileSync(join(here, file), join(consumer, file))
}
const consumerRequire = createRequire(join(consumer, "package.json"))
const packageDir = dirname(consumerRequire.resolve("effect-openrouter/package.json"))
const installed = (name) => JSON.parse(readFileSync(consumerRequire.resolve(`${name}/package.json`), "utf8")).version
const versions = `effect-openrouter ${installed("effect-openrouter")}, effect ${
  installed("effect")
}, @effect/platform ${installed("@effect/platform")}`
log("installed", versions)

// The emulator from the packed package, not from the sources.
const TestServer = await import(pathToFileURL(join(packageDir, "dist", "TestServer.js")).href)
const Testing = await import(pathToFileURL(join(packageDir, "dist", "Testing.js")).href)

const script = (request) => {
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
  new Promise((resolve, reject) => {
    const server = Net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })

const withTimeout = (promise, millis, what) =>
  Promise.race([
    promise,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer in ${millis} ms`)), millis).unref()
    )
  ])

/** Runs a command to its end; resolves with stdout, rejects with stderr's tail on failure or timeout. */
const runProcess = (command, commandArgs, options = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { cwd: consumer, stdio: ["ignore", "pipe", "pipe"], ...options })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += d))
    child.stderr.on("data", (d) => (stderr += d))
    const timer = setTimeout(() => child.kill("SIGKILL"), runtimeTimeout)
    child.on("error", reject)
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve(stdout)
      else reject(new Error(`exit ${code ?? signal}: ${(stderr || stdout).trim().split("\n").slice(-6).join(" | ")}`))
    })
  })

const version = (command, commandArgs) => {
  const out = execFileSync(command, commandArgs, { stdio: ["ignore", "pipe", "ignore"] }).toString()
  return out.match(/\d+\.\d+\.\d+(\.\d+)?|\d{4}-\d{2}-\d{2}/)?.[0] ?? out.trim().split("\n")[0]
}

const bundle = (entry, outfile, platform, conditions) =>
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
// The runtimes
// ---------------------------------------------------------------------------------------------

const cli = (label, command, commandArgs, client, options) => ({
  label,
  client,
  version: () => version(command, ["--version"]),
  run: (url) => runProcess(command, [...commandArgs, "entry-cli.mjs", label, url, client], options)
})

const denoEnv = { ...process.env, DENO_DIR: join(work, "deno-cache"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" }

// Deno with `npm:` specifiers and no node_modules: effect and @effect/platform come from Deno's own
// npm resolution at the README's version ranges; the package itself (not on the registry while
// unpublished) is the packed tarball, unpacked, its subpaths mapped by an import map.
const denoNpm = {
  label: "deno-npm",
  client: "fetch",
  version: () => version(bin("deno"), ["--version"]),
  run: (url) => {
    const dir = join(work, "deno-npm")
    mkdirSync(join(dir, "effect-openrouter"), { recursive: true })
    execFileSync("tar", ["xzf", tarball, "-C", join(dir, "effect-openrouter"), "--strip-components=1"])
    const ranges = Object.fromEntries(
      readmeInstallLines(join(root, "README.md")).flatMap((line) => line.split(/\s+/).slice(2))
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
    return runProcess(
      bin("deno"),
      ["run", "--allow-net=127.0.0.1", "--allow-read", "--allow-env", "entry-cli.mjs", "deno-npm", url, "fetch"],
      { cwd: dir, env: denoEnv }
    )
  }
}

const chromium = {
  label: "chromium",
  client: "FetchHttpClient",
  version: () => version(chromiumPath, ["--version"]),
  run: async (url) => {
    bundle("entry-browser.mjs", "browser/bundle.js", "browser")
    writeFileSync(
      join(consumer, "browser", "index.html"),
      "<!doctype html><meta charset=\"utf-8\"><title>matrix</title><script type=\"module\" src=\"/bundle.js\"></script>"
    )
    // The page has its own origin (another port), so every call to the TestServer is cross-origin.
    const pages = Http.createServer((req, res) => {
      const file = new URL(req.url, "http://x").pathname === "/bundle.js" ? "bundle.js" : "index.html"
      res.writeHead(200, { "content-type": file.endsWith(".js") ? "text/javascript" : "text/html" })
      res.end(readFileSync(join(consumer, "browser", file)))
    })
    await new Promise((resolve) => pages.listen(0, "127.0.0.1", resolve))
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
  client: "FetchHttpClient",
  version: () => version(bin("workerd"), ["--version"]),
  run: async (url) => {
    mkdirSync(join(consumer, "worker"), { recursive: true })
    bundle("entry-worker.mjs", "worker/worker.mjs", "browser", "workerd,worker,browser")
    const port = await freePort()
    writeFileSync(
      join(consumer, "worker", "config.capnp"),
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
    const child = spawn(bin("workerd"), ["serve", "config.capnp"], {
      cwd: join(consumer, "worker"),
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stderr = ""
    child.stderr.on("data", (d) => (stderr += d))
    child.stdout.on("data", (d) => (stderr += d))
    try {
      const deadline = Date.now() + 30_000
      for (;;) {
        if (child.exitCode !== null) throw new Error(`workerd exited ${child.exitCode}: ${stderr.trim()}`)
        const up = await new Promise((resolve) => {
          const socket = Net.connect(port, "127.0.0.1", () => resolve(socket.end() && true)).on(
            "error",
            () => resolve(false)
          )
        })
        if (up) break
        if (Date.now() > deadline) throw new Error(`workerd did not listen: ${stderr.trim()}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
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

const runtimes = [
  cli("node-undici", process.execPath, [], "undici"),
  cli("node-http", process.execPath, [], "node-http"),
  cli("node-fetch", process.execPath, [], "fetch"),
  cli("bun", bin("bun"), [], "fetch"),
  cli("deno", bin("deno"), ["run", "--allow-net=127.0.0.1", "--allow-read", "--allow-env"], "fetch", { env: denoEnv }),
  denoNpm,
  chromium,
  workerd
].filter((runtime) => only === undefined || only.includes(runtime.label))

// ---------------------------------------------------------------------------------------------
// Run
// ---------------------------------------------------------------------------------------------

const clientNames = {
  "undici": "NodeHttpClient (undici)",
  "node-http": "NodeHttpClient (node:http)",
  "fetch": "FetchHttpClient"
}
const rows = []
let failed = 0
for (const runtime of runtimes) {
  const started = Date.now()
  const server = await TestServer.listen(script, { cors: true })
  let line
  let runtimeVersion = "?"
  try {
    runtimeVersion = runtime.version()
    const out = await runtime.run(server.url)
    line = out.split("\n").find((l) => l.startsWith(`RESULT ${runtime.label} `)) ??
      `RESULT ${runtime.label} output=FAIL(no result line: ${out.trim().slice(0, 300)})`
    // The early stop must have reached the server: the runtime closed the hanging response.
    const closed = await withTimeout(server.awaitClientClose(1), 10_000, "early stop").then(() => "ok", () => "FAIL")
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
  console.log(line)
  log(`${runtime.label}: ${((Date.now() - started) / 1000).toFixed(1)} s`)
  rows.push({
    runtime: runtime.label,
    version: runtimeVersion,
    client: clientNames[runtime.client] ?? runtime.client,
    ok,
    seconds: ((Date.now() - started) / 1000).toFixed(1)
  })
}

const table = [
  "| runtime | version | HttpClient | send, stream, collect, status error, early stop, Testing |",
  "|---|---|---|---|",
  ...rows.map((r) => `| ${r.runtime} | ${r.version} | ${r.client} | ${r.ok ? "pass" : "FAIL"} |`)
].join("\n")
console.log(`\nruntime matrix (${versions}):\n\n${table}\n`)
mkdirSync(join(root, ".tmp"), { recursive: true })
writeFileSync(join(root, ".tmp", "runtime-matrix.md"), table + "\n")
// Not "N passed, N failed": CI's closing line is the test suite's.
console.log(
  failed === 0
    ? `runtime matrix ok: ${rows.length} runtimes`
    : `runtime matrix FAILED on ${failed} of ${rows.length} runtimes`
)
process.exit(failed === 0 ? 0 : 1)
