import { describe, expect, it } from "vitest"
import * as Changes from "../../core/Changes.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Replay from "../../core/Replay.ts"
import { summarise } from "../Journal.ts"
import * as Runner from "./Runner.ts"

const play = (o: Partial<Runner.Options>, steps = Infinity): Runner.Runner => {
  const r = Runner.make({ ...Runner.defaults, ...o })
  for (let i = 0; i < steps && r.step() !== undefined; i++);
  return r
}

describe("Runner: a world played a step at a time, its memory watched", () => {
  it("the memory grows as the agent plays: nodes, facts and events only rise without maintenance", () => {
    const r = Runner.make({ ...Runner.defaults, world: "maze", size: "full", maintainEvery: 0 })
    const first = r.counts()
    let before = first
    for (let i = 0; i < 30; i++) {
      const f = r.step()
      expect(f).toBeDefined()
      const now = r.counts()
      expect(now.events).toBeGreaterThan(before.events)
      expect(now.nodes).toBeGreaterThanOrEqual(before.nodes)
      expect(now.edges).toBeGreaterThanOrEqual(before.edges)
      before = now
    }
    expect(before.nodes).toBeGreaterThan(first.nodes)
    expect(before.facts).toBeGreaterThan(first.facts)
    expect(r.series().length).toBe(31)
    expect(r.frames().at(-1)!.step).toBe(29)
  })

  it("replay(log) == the graph shown, and counts().events == log().length, in every world", () => {
    for (const world of Runner.WORLDS) {
      const r = play({ world, maintainEvery: 15, idleDays: 60 }, 60)
      const out = Replay.replayAll(r.log(), Replay.initial(r.params))
      expect(out.error).toBeUndefined()
      expect(LiquidGraph.contentHash(out.state.graph)).toBe(LiquidGraph.contentHash(r.graph()))
      expect(r.counts().events).toBe(r.log().length)
      // the listed events are the log's tail, numbered by their position in it
      const listed = r.events()
      expect(listed.at(-1)!.seq).toBe(r.log().length)
      for (const e of listed) expect(e.tag).toBe(r.log()[e.seq - 1]!._tag)
    }
  })

  it("the nonsense game's rule changes are reconciled: superseded facts kept as history, and listed", () => {
    const r = play({ world: "nonsense", maintainEvery: 0 })
    expect(r.done()).toBe(true)
    const c = r.counts()
    expect(c.superseded).toBeGreaterThan(0)
    const rec = r.reconciled()
    expect(rec.length).toBeGreaterThan(0)
    expect(rec.every((x) => x.winner !== x.loser && x.why.length > 0)).toBe(true)
    expect(r.events().some((e) => e.tag === "Reconciled" && e.summary.includes("superseded"))).toBe(true)
  })

  it("maintenance after long idle prunes into the archive (listed); with maintenance off nothing is pruned", () => {
    const on = play({ world: "nonsense", maintainEvery: 20, idleDays: 60 })
    expect(on.pruned().length).toBeGreaterThan(0)
    expect(on.counts().archivedEdges).toBeGreaterThan(0)
    expect(on.events().some((e) => e.tag === "Pruned" && e.summary.includes("archived"))).toBe(true)
    expect(on.frames().some((f) => f.maintained)).toBe(true)
    const off = play({ world: "nonsense", maintainEvery: 0 })
    expect(off.pruned()).toEqual([])
    expect(off.counts().archivedEdges).toBe(0)
    expect(off.events().some((e) => e.tag === "Pruned" || e.tag === "Decayed")).toBe(false)
  })

  it("deterministic in its options; another seed plays another game", () => {
    const a = play({ world: "kitchen", seed: 3 }, 40).frames().map((f) => f.action)
    const b = play({ world: "kitchen", seed: 3 }, 40).frames().map((f) => f.action)
    const c = play({ world: "kitchen", seed: 4 }, 40).frames().map((f) => f.action)
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
  })

  it("a frame shows what memory returned and which recalled facts the decision used (as graph edges)", () => {
    const r = Runner.make({ ...Runner.defaults, world: "nonsense" })
    const frames: Array<Runner.Frame> = []
    for (let f = r.step(); f !== undefined; f = r.step()) frames.push(f)
    const relied = frames.filter((f) => f.used.length > 0)
    expect(relied.length).toBeGreaterThan(0)
    for (const f of relied) {
      expect(f.usedIds.length).toBe(f.used.length)
      for (const u of f.used) expect(f.recalled.some((line) => line.startsWith(u))).toBe(true)
    }
    expect(frames.at(-1)!.text).toMatch(/game is over/)
    expect(r.step()).toBeUndefined()
  })

  it("summarise says what a transition did; currentFacts lists the current positive facts", () => {
    expect(summarise(Changes.none)).toBe("no change")
    expect(summarise({ ...Changes.none, edgesAdded: ["a", "b"], superseded: [{ winner: "a", loser: "c", reason: "negation", why: "", winnerSupport: 1, loserSupport: 1, validUntil: 0 }] }))
      .toBe("+2 edges, 1 superseded")
    expect(summarise({ ...Changes.none, nodesRemoved: ["n", "m"], nodesArchived: ["m"], nodesForgotten: ["n"], edgesForgotten: ["e"] }))
      .toBe("1 archived, 1 nodes removed, 2 forgotten")
    const r = play({ world: "nonsense", maintainEvery: 0 }, 40)
    const facts = Runner.currentFacts(r.graph())
    expect(facts.length).toBeGreaterThan(0)
    expect(facts.length).toBeLessThanOrEqual(r.counts().facts)
  })
})
