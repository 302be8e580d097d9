import { readdirSync, readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import * as Params from "../../core/Params.ts"
import { QUERY_ONLY } from "./Histories/Locomo.ts"
import * as Searched from "./Searched.ts"
import * as Space from "./Space.ts"

const read = (f: string): string => readFileSync(new URL(`../../core/${f}`, import.meta.url), "utf8")

describe("Searched: the search space", () => {
  it("every searched parameter's default lies in its range (the start is the defaults)", () => {
    for (const quick of [true, false]) {
      for (const d of Searched.space(quick).dimensions) {
        const v = Params.defaults[d.name]
        expect(v, d.name).toBeGreaterThanOrEqual(d.lo)
        expect(v, d.name).toBeLessThanOrEqual(d.hi)
      }
    }
  })

  it("--quick searches query-time parameters only, a subset of the full run's", () => {
    for (const n of Searched.QUICK) {
      expect(QUERY_ONLY, n).toContain(n)
      expect(Searched.FULL, n).toContain(n)
    }
    expect(Space.size(Searched.space(false))).toBe(Searched.FULL.length)
  })

  it("QUERY_ONLY parameters are read by recall alone: no other core module accesses them (so ingestion can be cached)", () => {
    const files = readdirSync(new URL("../../core/", import.meta.url)).filter((f) => f.endsWith(".ts") && f !== "Recall.ts" && f !== "Params.ts")
    expect(files).toContain("Engram.ts")
    const sources = files.map((f) => [f, read(f)] as const)
    for (const name of QUERY_ONLY) {
      expect(Object.keys(Params.spec), name).toContain(name)
      for (const [f, text] of sources) expect(new RegExp(`\\.${name}\\b`).test(text), `${name} in core/${f}`).toBe(false)
    }
  })
  it("space(quick, only) searches exactly the named parameters, in FULL's order; a name outside FULL is an error", () => {
    expect(Searched.space(false, ["fusionWalk", "anchors"]).dimensions.map((d) => d.name)).toEqual(["anchors", "fusionWalk"])
    expect(() => Searched.space(false, ["walkBudget"])).toThrow(/not searchable: walkBudget/)
  })
})
