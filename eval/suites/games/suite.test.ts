import { describe, expect, it } from "vitest"
import * as Controller from "../../../core/Controller.ts"
import { loadPolicy, suite } from "./suite.ts"

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

  it("the committed trained controller (eval/policies/games.json) loads as a learned controller of the current spec", () => {
    const p = loadPolicy()
    expect("error" in p ? p.error : p.controller._tag).toBe("Learned")
    if (!("error" in p)) expect(String(p.trained["command"])).toContain("npm run train")
    const bad = loadPolicy(new URL("file:///nonexistent/policy.json"))
    expect("error" in bad && bad.error.length > 0).toBe(true)
    expect(Controller.FORMAT).toBe("mags-controller/1")
  })
})
