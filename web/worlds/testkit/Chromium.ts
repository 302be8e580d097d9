/**
 * Chromium — what the browser tests of the Worlds and GPU tabs share: finding a Chromium to
 * drive (Debian's `/usr/bin/chromium`, or `MAGS_CHROMIUM`), bundling the harness page with
 * esbuild into a temporary folder, and launching headless Chromium with playwright-core.
 *
 * WebGL in headless Chromium: ANGLE on SwiftShader (a CPU implementation of the GPU APIs) gives a
 * WebGL2 context with no GPU at all (`--use-angle=swiftshader --enable-unsafe-swiftshader`); on a
 * machine with a GPU the same page runs the kernels on it.
 */
import { build } from "esbuild"
import { existsSync } from "node:fs"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { type Browser, chromium } from "playwright-core"

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"]

/** The Chromium executable to drive, or `undefined` when none is installed. */
export const findChromium = (): string | undefined => {
  const env = process.env.MAGS_CHROMIUM
  if (env !== undefined && env !== "" && existsSync(env)) return env
  return CANDIDATES.find((p) => existsSync(p))
}

/** Why the browser tests skip, when they do. */
export const skipReason = (): string | undefined =>
  findChromium() === undefined
    ? `browser tests skipped: no Chromium found (looked for ${CANDIDATES.join(", ")} and $MAGS_CHROMIUM; .ci/run installs Debian's chromium with apt-get)`
    : undefined

/** Flags for headless Chromium here: no sandbox (root in a container), no network chatter, WebGL on SwiftShader. */
export const FLAGS: ReadonlyArray<string> = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
  "--ignore-gpu-blocklist"
]

/** Launches headless Chromium. */
export const launch = (): Promise<Browser> => {
  const executablePath = findChromium()
  if (executablePath === undefined) throw new Error(skipReason())
  return chromium.launch({ executablePath, headless: true, args: [...FLAGS] })
}

/** A built harness page on disk: its file URL and a way to delete it. */
export interface HarnessPage {
  readonly url: string
  readonly dir: string
  readonly close: () => Promise<void>
}

/** Bundles `testkit/harness.ts` (the Worlds and GPU tabs) for the browser and writes its page. */
export const harnessPage = async (): Promise<HarnessPage> => {
  const dir = await mkdtemp(join(tmpdir(), "mags-worlds-"))
  await build({
    entryPoints: [fileURLToPath(new URL("./harness.ts", import.meta.url))],
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2022",
    outfile: join(dir, "harness.js"),
    logLevel: "error"
  })
  await writeFile(join(dir, "index.html"), `<!doctype html>
<html><head><meta charset="utf-8"><title>worlds harness</title></head>
<body><div id="worlds" style="width:1200px"></div><hr><div id="gpu" style="width:1200px"></div>
<script src="./harness.js"></script></body></html>`)
  return { url: pathToFileURL(join(dir, "index.html")).href, dir, close: () => rm(dir, { recursive: true, force: true }) }
}
