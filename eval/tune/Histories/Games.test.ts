import { describe, expect, it } from "vitest"
import { Engram, LiquidGraph, Params } from "../../../core/index.ts"
import { runOne } from "../../../examples/games/Games.ts"
import * as Games from "./Games.ts"

describe("Histories/Games", () => {
  it("plays exactly what the games suite plays: the same steps and score as Games.runOne for mags (quick worlds)", async () => {
    for (const world of Games.WORLDS) {
      const suite = await runOne(world, "mags", 3, true)
      const mine = Games.playOne(world, 3, true, Params.defaults)
      expect(mine.steps, world).toBe(suite.steps.length)
      const last = suite.steps[suite.steps.length - 1]!
      expect([mine.nodes, mine.edges], world).toEqual([last.nodes, last.edges])
      if (world === "nonsense") expect(mine.score).toBeCloseTo(suite.steps.filter((s) => s.reward > 0).length / suite.steps.length, 12)
    }
  })

  it("splits: train and validation seeds are disjoint", () => {
    const s = Games.splits(5, { train: 2, validation: 3 }, false)
    expect(s.train.seeds).toEqual([5, 6])
    expect(s.validation.seeds).toEqual([1005, 1006, 1007])
  })

  it("ChurnCounter: the first graph counts all its items, an unchanged graph 0, a touched item 1, a new fact its new items", () => {
    const c = new Games.ChurnCounter()
    const g1 = Engram.engram(LiquidGraph.empty(), { facts: [{ subject: "kim", relation: "lives_in", object: "paris" }] }, Params.defaults, 1).graph
    expect(c.step(g1)).toBe(LiquidGraph.nodeCount(g1) + LiquidGraph.edgeCount(g1))
    expect(c.step(g1)).toBe(0)
    const g2 = Engram.engram(g1, { facts: [{ subject: "kim", relation: "works_at", object: "acme" }] }, Params.defaults, 2).graph
    const n = c.step(g2)
    expect(n).toBeGreaterThanOrEqual(2) // at least the new node and the new edge
    expect(c.step(LiquidGraph.empty())).toBe(LiquidGraph.nodeCount(g2) + LiquidGraph.edgeCount(g2))
  })
})
