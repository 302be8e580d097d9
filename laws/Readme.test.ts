/**
 * The README's TypeScript example runs as written: it is extracted, saved beside the repository
 * root (so `mags-ts/core` resolves to this package through its `exports`), and run with Node.
 */
import { spawnSync } from "node:child_process"
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "..")

describe("README", () => {
  it("the core example runs as written and prints what it says", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8")
    const block = /```ts\n([\s\S]*?)```/.exec(readme)
    expect(block).not.toBeNull()
    const file = join(root, ".readme-example.ts")
    writeFileSync(file, block![1]!)
    try {
      const run = spawnSync(process.execPath, [file], { cwd: root, encoding: "utf8", timeout: 60_000 })
      expect(run.stderr).toBe("")
      expect(run.status).toBe(0)
      expect(run.stdout).toContain("alice lives_in london")
      expect(run.stdout).toMatch(/winner: 'f\|alice\|lives_in\|london'/)
      expect(run.stdout).toMatch(/\n[0-9a-f]{16}\n$/)
    } finally {
      rmSync(file, { force: true })
    }
  })
})
