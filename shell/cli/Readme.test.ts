/**
 * The README's `mags` commands run as written: every `npx mags …` line of the README's shell
 * blocks of the section "The `mags` CLI" (up to the next level-2 heading) is run (as `mags …`, the same entry point `npx mags` starts) in
 * order on a fresh memory home with the test embedder, from the repository root, and must exit 0.
 */
import { afterAll, describe, expect, it } from "vitest"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { mags, ROOT, tempDir } from "./testing.ts"

/** The words of a shell command line: double-quoted strings kept whole, a `#` comment dropped. */
const words = (line: string): Array<string> => {
  const out: Array<string> = []
  const re = /"([^"]*)"|(#.*$)|(\S+)/g
  for (const m of line.matchAll(re)) {
    if (m[2] !== undefined) break
    out.push(m[1] ?? m[3]!)
  }
  return out
}

const dir = tempDir()
afterAll(() => NodeFs.rmSync(dir, { recursive: true, force: true }))

describe("README", () => {
  it("every `npx mags` command of the CLI section runs as written", () => {
    const readme = NodeFs.readFileSync(NodePath.join(ROOT, "README.md"), "utf8")
    const start = readme.indexOf("## The `mags` CLI")
    // up to the next level-2 heading: the serving sections' `npx mags serve` would not return
    const section = readme.slice(start, readme.indexOf("\n## ", start + 1))
    const lines = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((b) => b[1]!.split("\n"))
      .map((l) => l.trim()).filter((l) => l.startsWith("npx mags "))
    expect(lines.length).toBeGreaterThanOrEqual(10)
    const env = { MAGS_HOME: NodePath.join(dir, "home"), MAGS_EMBEDDINGS: "test" }
    for (const line of lines) {
      const r = mags(words(line).slice(2), env, "/quit\n")
      expect(r.code, `${line}\n${r.stderr}`).toBe(0)
    }
  }, 300_000)

  it("states the Node version that package.json's `engines` and the `node` devDependency give", () => {
    const readme = NodeFs.readFileSync(NodePath.join(ROOT, "README.md"), "utf8")
    const pkg = JSON.parse(NodeFs.readFileSync(NodePath.join(ROOT, "package.json"), "utf8")) as {
      engines: { node: string }
      devDependencies: { node: string }
    }
    const setup = readme.slice(readme.indexOf("## Set-up"), readme.indexOf("```sh", readme.indexOf("## Set-up")))
    const engines = /^>=\s*(\d+(?:\.\d+)*)$/.exec(pkg.engines.node)
    expect(engines, `engines.node is ${pkg.engines.node}`).not.toBeNull()
    expect(setup).toContain(`Node ≥ ${engines![1]}`)
    const bundled = /^\^?(\d+)\./.exec(pkg.devDependencies.node)
    expect(bundled).not.toBeNull()
    expect(setup).toContain(`Node ${bundled![1]}`)
  })
})
