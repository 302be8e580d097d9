#!/usr/bin/env node
// mags — the npm `bin` launcher of the MAGS CLI (shell/cli/main.ts).
//
// The CLI is TypeScript run by Node's type stripping (Node >= 24, as package.json's `engines` says;
// type stripping is on by default there). When the running Node is one, the CLI is imported in
// this process. Otherwise (older Node, e.g. the system's Node 20) it is run by the Node 24 that
// the `node` devDependency installs in node_modules, with the same arguments, stdio and exit code.
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { constants } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const main = join(root, "shell", "cli", "main.ts")

const [major] = process.versions.node.split(".").map(Number)
// the Node version package.json's `engines` names (and the `node` devDependency installs)
const recent = major >= 24
const strips = Boolean(process.features && process.features.typescript)

if (recent && strips) {
  await import(pathToFileURL(main).href)
} else {
  const candidates = [join(root, "node_modules", ".bin", "node"), join(root, "node_modules", "node", "bin", "node")]
  const node = candidates.find((p) => existsSync(p))
  if (node === undefined) {
    process.stderr.write(
      `mags: needs Node >= 24 with TypeScript type stripping (this is Node ${process.versions.node}); ` +
        "install the project's dependencies (npm ci) to get Node 24 in node_modules\n"
    )
    process.exit(2)
  }
  const child = spawn(node, [main, ...process.argv.slice(2)], { stdio: "inherit" })
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal))
  // killed by a signal: the shell convention 128 + its number (130 for SIGINT, 143 for SIGTERM)
  child.on("exit", (code, signal) => process.exit(code ?? (signal === null ? 1 : 128 + (constants.signals[signal] ?? 15))))
}
