/**
 * The module graph has no import cycles: every relative import (`import … from "./x.ts"`,
 * `export … from`, `import type`, dynamic `import("./x.ts")`) of the project's TypeScript files
 * is an edge, and the graph's strongly connected components are all single modules without a
 * self-import. A cycle is reported as the modules it runs through.
 */
import { describe, expect, it } from "vitest"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"

const ROOT = NodePath.resolve(import.meta.dirname, "..")
const DIRS = ["core", "shell", "eval", "bench", "examples", "laws"]

const files = (dir: string): Array<string> => {
  const out: Array<string> = []
  const walk = (d: string): void => {
    for (const e of NodeFs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === "node_modules" || e.name.startsWith(".")) continue
      const p = NodePath.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(p)
    }
  }
  if (NodeFs.existsSync(dir)) walk(dir)
  return out
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^"'`;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g

/** The relative imports of a file, resolved to absolute paths of existing files. */
const importsOf = (file: string): Array<string> => {
  const text = NodeFs.readFileSync(file, "utf8")
  const out: Array<string> = []
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2]!
    if (!spec.startsWith(".")) continue
    const target = NodePath.resolve(NodePath.dirname(file), spec)
    if (NodeFs.existsSync(target)) out.push(target)
  }
  return out
}

/** Tarjan's strongly connected components (iterative). */
const components = (graph: ReadonlyMap<string, ReadonlyArray<string>>): Array<Array<string>> => {
  let counter = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: Array<string> = []
  const out: Array<Array<string>> = []
  for (const start of graph.keys()) {
    if (index.has(start)) continue
    const work: Array<{ node: string; next: number }> = [{ node: start, next: 0 }]
    index.set(start, counter)
    low.set(start, counter++)
    stack.push(start)
    onStack.add(start)
    while (work.length > 0) {
      const top = work[work.length - 1]!
      const edges = graph.get(top.node) ?? []
      if (top.next < edges.length) {
        const w = edges[top.next++]!
        if (!graph.has(w)) continue
        if (!index.has(w)) {
          index.set(w, counter)
          low.set(w, counter++)
          stack.push(w)
          onStack.add(w)
          work.push({ node: w, next: 0 })
        } else if (onStack.has(w)) low.set(top.node, Math.min(low.get(top.node)!, index.get(w)!))
        continue
      }
      work.pop()
      if (work.length > 0) {
        const parent = work[work.length - 1]!.node
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!))
      }
      if (low.get(top.node) === index.get(top.node)) {
        const scc: Array<string> = []
        let w: string
        do {
          w = stack.pop()!
          onStack.delete(w)
          scc.push(w)
        } while (w !== top.node)
        out.push(scc)
      }
    }
  }
  return out
}

describe("imports", () => {
  it("no module imports itself, directly or through others (no import cycles)", () => {
    const graph = new Map<string, Array<string>>()
    for (const dir of DIRS) for (const f of files(NodePath.join(ROOT, dir))) graph.set(f, importsOf(f))
    expect(graph.size).toBeGreaterThan(100)
    const cycles = components(graph)
      .filter((c) => c.length > 1 || (graph.get(c[0]!) ?? []).includes(c[0]!))
      .map((c) => c.map((f) => NodePath.relative(ROOT, f)).sort())
    expect(cycles).toEqual([])
  })

  it("the checker sees a cycle when there is one", () => {
    const g = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]])
    const cyclic = components(g).filter((c) => c.length > 1)
    expect(cyclic.map((c) => c.sort())).toEqual([["a", "b", "c"]])
  })
})
