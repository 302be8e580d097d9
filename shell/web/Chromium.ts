/**
 * Chromium — finding and starting a headless Chromium for the browser tests (playwright-core
 * drives the system's browser: `npx playwright install` cannot download one on these machines).
 *
 * `.ci/run` installs Debian's `chromium` with apt-get when it is missing; a test that finds none
 * skips with {@link missingMessage}.
 *
 * @since 0.3.0
 */
import { existsSync } from "node:fs"
import type { Browser } from "playwright-core"

/** Where a Chromium may be: `MAGS_CHROMIUM` first, then the usual system paths. */
export const candidates = (): ReadonlyArray<string> => [
  ...(process.env.MAGS_CHROMIUM !== undefined && process.env.MAGS_CHROMIUM !== "" ? [process.env.MAGS_CHROMIUM] : []),
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable"
]

/** The first Chromium executable found, or undefined. */
export const find = (): string | undefined => candidates().find((p) => existsSync(p))

/** Why the browser tests skip when {@link find} finds nothing. */
export const missingMessage =
  `browser tests skipped: no Chromium executable found (looked at ${candidates().join(", ")}); ` +
  "install Debian's chromium (`apt-get install -y chromium`, as .ci/run does) or set MAGS_CHROMIUM"

/** The flags that start Chromium headless and quiet in a container. */
export const FLAGS: ReadonlyArray<string> = [
  "--headless",
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-dev-shm-usage"
]

/** Starts the Chromium at `executablePath` (default {@link find}) headless. */
export const launch = async (executablePath: string | undefined = find()): Promise<Browser> => {
  if (executablePath === undefined) throw new Error(missingMessage)
  const { chromium } = await import("playwright-core")
  return chromium.launch({ executablePath, headless: true, args: [...FLAGS] })
}
