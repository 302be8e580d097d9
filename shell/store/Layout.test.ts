/**
 * The store's module layout: model types apart, the engine apart from the backends, no import
 * cycles. Each module may import only the store modules listed for it (relative imports of
 * `shell/store/*.ts`, type-only imports included).
 */
import { describe, expect, it } from "vitest"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"

const DIR = import.meta.dirname

/** Who may import whom inside shell/store (sources only; tests and fixtures may import anything). */
const ALLOWED: Record<string, ReadonlyArray<string>> = {
  "Model.ts": [],
  "Backend.ts": ["Model.ts"],
  "Record.ts": [],
  "MemoryBackend.ts": ["Backend.ts", "Model.ts"],
  "Sqlite.ts": ["Backend.ts", "MemoryBackend.ts", "Model.ts", "Record.ts"],
  "Postgres.ts": ["Backend.ts", "MemoryBackend.ts", "Model.ts"],
  "Journal.ts": ["Backend.ts", "MemoryBackend.ts", "Model.ts", "Record.ts"],
  "Repair.ts": ["Backend.ts", "Journal.ts", "Model.ts", "Sqlite.ts"],
  "MemoryStore.ts": ["Journal.ts", "MemoryBackend.ts", "Model.ts", "Postgres.ts", "Sqlite.ts"],
  "Conformance.ts": ["Backend.ts", "Journal.ts", "Model.ts", "Record.ts"]
}

const importsOf = (file: string): Array<string> => {
  const text = NodeFs.readFileSync(NodePath.join(DIR, file), "utf8")
  return [...text.matchAll(/from\s+"\.\/([^"/]+\.ts)"/g)].map((m) => m[1]!)
}

describe("shell/store layout", () => {
  it("every source module is listed and imports only what its layer allows", () => {
    const sources = NodeFs.readdirSync(DIR).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts")).sort()
    expect(sources).toEqual(Object.keys(ALLOWED).sort())
    for (const f of sources) {
      const extra = importsOf(f).filter((i) => !ALLOWED[f]!.includes(i))
      expect(extra, `${f} imports ${extra.join(", ")}`).toEqual([])
    }
  })

  it("the allowed imports have no cycle (so neither do the modules)", () => {
    const state = new Map<string, "open" | "done">()
    const visit = (f: string, path: ReadonlyArray<string>): void => {
      if (state.get(f) === "done") return
      expect(state.get(f), `cycle: ${[...path, f].join(" → ")}`).not.toBe("open")
      state.set(f, "open")
      for (const g of ALLOWED[f] ?? []) visit(g, [...path, f])
      state.set(f, "done")
    }
    for (const f of Object.keys(ALLOWED)) visit(f, [])
  })
})
