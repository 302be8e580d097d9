import { describe, expect, it } from "vitest"
import { suite } from "./suite.ts"

describe("games suite", () => {
  it("a quick run has the rows and charts the runner needs", async () => {
    const res = await suite.run({ data: undefined, sharedDir: undefined, quick: true, seed: 1, progress: () => {} })
    for (const a of ["mags", "none", "window", "rag", "mags-learned"]) {
      for (const m of ["score", "recovery_steps", "maze.score", "kitchen.score"]) {
        const r = res.rows.filter((x) => x.system === a && x.metric === m)
        expect(r.length, `${a} ${m}`).toBe(1)
        expect(Number.isFinite(r[0]!.value)).toBe(true)
      }
    }
    expect(res.rows.every((r) => r.suite === "games")).toBe(true)
    expect(res.charts.map((c) => c.name)).toEqual(["games-nonsense-score", "games-graph-size"])
    expect(res.notes.length).toBeGreaterThan(0)
  }, 20_000)

})
