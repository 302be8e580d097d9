/**
 * The core stays pure: no I/O, no clock, no randomness, no Effect runtime.
 *
 * This test reads every `.ts` file under `core/` and fails on an import of `node:*` (or a bare
 * Node built-in), of an effectful effect module, or on a call of `Date.now`, `Math.random`,
 * `new Date()`, `performance.now` or `process`. It is the lint rule ARCHITECTURE §1 asks for.
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { builtinModules } from "node:module"
import { join, relative } from "node:path"
import { describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "..", "core")

const files = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : []
  })

const EFFECTFUL = [
  "Effect", "Layer", "Clock", "Random", "Console", "Fiber", "Stream", "Scope", "Runtime", "ManagedRuntime",
  "Ref", "Queue", "PubSub", "Schedule", "Deferred", "Semaphore", "TestClock", "Context"
]

const forbiddenImport = (spec: string): string | undefined => {
  if (spec.startsWith("node:")) return "node built-in"
  if (builtinModules.includes(spec)) return "node built-in"
  if (spec.startsWith("@effect/")) return "effect platform package"
  const m = /^effect\/([A-Za-z]+)$/.exec(spec)
  if (m && EFFECTFUL.includes(m[1]!)) return "effectful effect module"
  if (/^effect\/(unstable|ai|cli|sql|http|cluster|persistence|eventlog)/.test(spec)) return "effectful effect module"
  return undefined
}

const FORBIDDEN_CALLS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bDate\.now\s*\(/, "Date.now()"],
  [/\bnew\s+Date\s*\(\s*\)/, "new Date()"],
  [/\bMath\.random\s*\(/, "Math.random()"],
  [/\bperformance\.now\s*\(/, "performance.now()"],
  [/\bprocess\./, "process"],
  [/\brequire\s*\(/, "require()"],
  [/\bimport\s*\(/, "dynamic import()"]
]

/** Every violation in one file's source text. */
export const violations = (source: string): Array<string> => {
  const out: Array<string> = []
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1")
  for (const m of code.matchAll(/\b(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]/g)) {
    const why = forbiddenImport(m[1]!)
    if (why) out.push(`imports ${m[1]} (${why})`)
  }
  for (const m of code.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) {
    const why = forbiddenImport(m[1]!)
    if (why) out.push(`imports ${m[1]} (${why})`)
  }
  for (const m of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"]effect['"]/g)) {
    for (const name of m[1]!.split(",").map((s) => s.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0]!)) {
      if (EFFECTFUL.includes(name)) out.push(`imports { ${name} } from "effect" (effectful effect module)`)
    }
  }
  for (const [re, what] of FORBIDDEN_CALLS) if (re.test(code)) out.push(`calls ${what}`)
  return out
}

describe("core purity", () => {
  it("the checker catches what it must (it can fail)", () => {
    expect(violations(`import * as fs from "node:fs"`)).toHaveLength(1)
    expect(violations(`import { readFile } from "fs"`)).toHaveLength(1)
    expect(violations(`import { Effect } from "effect"`)).toHaveLength(1)
    expect(violations(`import * as Layer from "effect/Layer"`)).toHaveLength(1)
    expect(violations(`const t = Date.now()`)).toHaveLength(1)
    expect(violations(`const r = Math.random()`)).toHaveLength(1)
    expect(violations(`import { HashMap, Option } from "effect"\n// Date.now() in a comment is fine`)).toEqual([])
  })

  it("no file under core/ imports I/O or effectful modules, or reads the clock or randomness", () => {
    const found = files(root).flatMap((f) => violations(readFileSync(f, "utf8")).map((v) => `${relative(root, f)}: ${v}`))
    expect(found).toEqual([])
  })
})
