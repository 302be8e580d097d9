/**
 * The suite registry: the static list of the project's suites (each `eval/suites/<name>/suite.ts`
 * exporting `suite: Suite`) plus suites registered at run time with {@link registerSuite}
 * (tests use that to run a fake suite through the real runner).
 *
 * Each static suite is loaded lazily with a dynamic `import()`: a suite whose module is missing
 * or does not load fails alone, with a clear message, and the others still run. The specifier
 * is computed (a URL) so that the type checker does not require every suite module to exist;
 * the loaded module is checked against the contract at run time instead.
 */
import { existsSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import type { Suite } from "./Suite.ts"

/** A static suite: its name and its module, relative to this file. */
export interface SuiteEntry {
  readonly name: string
  readonly module: string
}

/** The project's suites, in the order `npm run eval` runs them. */
export const STATIC_SUITES: ReadonlyArray<SuiteEntry> = [
  { name: "locomo", module: "./suites/locomo/suite.ts" },
  { name: "conflicts", module: "./suites/conflicts/suite.ts" },
  { name: "games", module: "./suites/games/suite.ts" },
  { name: "mcq", module: "./suites/mcq/suite.ts" },
  { name: "mcq-hard", module: "./suites/mcq-hard/suite.ts" },
  { name: "arigraph", module: "./suites/arigraph/suite.ts" },
  { name: "extraction", module: "./suites/extraction/suite.ts" }
]

const registered = new Map<string, Suite>()

/**
 * Registers a suite object (run after the static ones, in registration order).
 * @throws Error when the name is taken by a static or an already registered suite.
 */
export const registerSuite = (suite: Suite): void => {
  if (STATIC_SUITES.some((e) => e.name === suite.name) || registered.has(suite.name)) {
    throw new Error(`a suite named ${JSON.stringify(suite.name)} is already registered`)
  }
  registered.set(suite.name, suite)
}

/** Removes a suite added with {@link registerSuite} (tests clean up with it). */
export const unregisterSuite = (name: string): boolean => registered.delete(name)

/** Every suite name, static first, then the registered ones. */
export const suiteNames = (): ReadonlyArray<string> => [...STATIC_SUITES.map((e) => e.name), ...registered.keys()]

/** Checks that a loaded value satisfies the Suite contract. */
export const asSuite = (value: unknown, where: string): Suite => {
  const s = value as Partial<Suite> | null | undefined
  if (typeof s !== "object" || s === null) throw new Error(`${where} does not export \`suite\` (export const suite: Suite)`)
  if (typeof s.name !== "string" || s.name.length === 0) throw new Error(`${where}: suite.name is not a non-empty string`)
  if (typeof s.run !== "function") throw new Error(`${where}: suite.run is not a function`)
  return { name: s.name, description: typeof s.description === "string" ? s.description : "", run: s.run }
}

/**
 * Loads a static entry's module (resolved relative to `base`, this file by default).
 * @throws Error with a clear message when the module is missing, fails to load, or does not
 *   export a suite of the entry's name.
 */
export const loadEntry = async (entry: SuiteEntry, base: string = import.meta.url): Promise<Suite> => {
  const url = new URL(entry.module, base)
  const file = fileURLToPath(url)
  const shown = path.relative(fileURLToPath(new URL("..", import.meta.url)), file).split(path.sep).join("/")
  if (!existsSync(file)) throw new Error(`suite module ${shown} does not exist (the suite is not written yet?)`)
  let mod: { readonly suite?: unknown }
  try {
    mod = (await import(url.href)) as { readonly suite?: unknown }
  } catch (e) {
    throw new Error(`suite module ${shown} failed to load: ${e instanceof Error ? e.message : String(e)}`)
  }
  const suite = asSuite(mod.suite, shown)
  if (suite.name !== entry.name) {
    throw new Error(`${shown} exports a suite named ${JSON.stringify(suite.name)}, expected ${JSON.stringify(entry.name)}`)
  }
  return suite
}

/**
 * Loads a suite by name (a registered one, or a static one by importing its module).
 * @throws Error when the name is unknown or the module fails (see {@link loadEntry}).
 */
export const loadSuite = async (name: string): Promise<Suite> => {
  const r = registered.get(name)
  if (r !== undefined) return r
  const entry = STATIC_SUITES.find((e) => e.name === name)
  if (entry === undefined) throw new Error(`unknown suite ${JSON.stringify(name)} (known: ${suiteNames().join(", ")})`)
  return loadEntry(entry)
}
