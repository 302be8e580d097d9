import { describe, expect, it } from "vitest"
import * as Board from "./Board.ts"
import * as Runner from "./Runner.ts"

const play = (world: Runner.WorldName, steps: number): Runner.Runner => {
  const r = Runner.make({ ...Runner.defaults, world, maintainEvery: 0 })
  for (let i = 0; i < steps && r.step() !== undefined; i++);
  return r
}

describe("Board: the world beside what memory believes", () => {
  it("nonsense: memory learns the rule table; a rule change leaves cells wrong until it reconciles", () => {
    const r = Runner.make({ ...Runner.defaults, world: "nonsense", maintainEvery: 0 })
    const right: Array<number> = []
    let wrongAfterChange = 0
    for (let f = r.step(); f !== undefined; f = r.step()) {
      const b = Board.boardOf("nonsense", r.graph(), r.state()) as Board.RuleBoard
      right.push(b.right)
      wrongAfterChange += b.rows.flat().filter((c) => c.changed && c.belief !== undefined && c.belief !== c.truth).length
      expect(b.rows.flat().filter((c) => c.current).length).toBe(r.done() ? 0 : 1)
    }
    const b = Board.boardOf("nonsense", r.graph(), r.state()) as Board.RuleBoard
    expect(b.total).toBe(12)
    expect(right[0]).toBeLessThanOrEqual(1) // one round played: one situation known at most
    expect(Math.max(...right)).toBeGreaterThanOrEqual(8)
    expect(wrongAfterChange).toBeGreaterThan(0) // stale beliefs after a change, seen and then fixed
  })

  it("maze: the passages memory holds are real doors, and the agent is where the world says", () => {
    const r = play("maze", 40)
    const b = Board.boardOf("maze", r.graph(), r.state()) as Board.MazeBoard
    expect(b.cells.length).toBe(b.width * b.height)
    expect(b.cells.filter((c) => c.agent).length).toBe(1)
    expect(b.cells.filter((c) => c.goal).length).toBe(1)
    const known = b.passages.filter((p) => p.known)
    expect(known.length).toBeGreaterThan(3)
    for (const p of b.passages) expect(Math.abs(p.from[0] - p.to[0]) + Math.abs(p.from[1] - p.to[1])).toBe(1)
    const fresh = Board.boardOf("maze", Runner.make({ ...Runner.defaults, world: "maze" }).graph(), r.state()) as Board.MazeBoard
    expect(fresh.passages.some((p) => p.known)).toBe(false)
  })

  it("kitchen: memory's belief of where a recipe item is matches the house once it has seen it", () => {
    const r = play("kitchen", 30)
    const b = Board.boardOf("kitchen", r.graph(), r.state()) as Board.KitchenBoard
    expect(b.roomsKnown).toBeGreaterThan(1)
    expect(b.recipe.length).toBeGreaterThan(0)
    const seen = b.recipe.filter((x) => x.belief !== undefined)
    expect(seen.length).toBeGreaterThan(0)
    for (const x of seen) expect(x.belief).toBe(x.truth)
  })
})
