import { describe, expect, it } from "vitest"
import * as Event from "../core/Event.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Params from "../core/Params.ts"
import * as Replay from "../core/Replay.ts"
import * as WhatIf from "./WhatIf.ts"

const DAY = 86_400_000
const T0 = 1_700_000_000_000

/** A small memory: two batches of facts, the second a day later. */
const memory = (): Replay.State => {
  const events = [
    new Event.Engrammed({ now: T0, input: { facts: [
      { subject: "alice", relation: "lives_in", object: "paris" },
      { subject: "alice", relation: "works_at", object: "acme" },
      { subject: "bob", relation: "likes", object: "chess" }
    ] } }),
    new Event.Engrammed({ now: T0 + DAY, input: { facts: [
      { subject: "acme", relation: "located_in", object: "lyon" },
      { subject: "bob", relation: "likes", object: "chess" }
    ] } })
  ]
  const out = Replay.replay(events)
  if (out._tag === "Failure") throw out.failure
  return out.success
}

describe("WhatIf", () => {
  it("compare(s, s.params) shows no difference", () => {
    const s = memory()
    const d = WhatIf.compare(s, s.params, 14 * DAY, T0 + 15 * DAY)
    expect(d.changed).toEqual([])
    expect(d.lostEdges).toEqual([])
    expect(d.gainedEdges).toEqual([])
    expect(d.lostNodes).toEqual([])
    expect(d.reweighted).toEqual([])
    expect(d.edited).toEqual(d.current)
  })

  it("a higher pruneWeight loses the edges the memory's own params keep, and the copy is untouched", () => {
    const s = memory()
    const before = LiquidGraph.contentHash(s.graph)
    const edited = { ...s.params, pruneWeight: 0.9 }
    const d = WhatIf.compare(s, edited, 14 * DAY, T0 + 15 * DAY)
    expect(d.changed).toEqual([{ name: "pruneWeight", from: Params.defaults.pruneWeight, to: 0.9 }])
    expect(d.lostEdges).toContain("f|alice|lives_in|paris")
    expect(d.edited.facts).toBeLessThan(d.current.facts)
    expect(d.gainedEdges).toEqual([])
    expect(LiquidGraph.contentHash(s.graph)).toBe(before)
  })

  it("swapping the two parameter sets swaps lost and gained", () => {
    const s = memory()
    const edited = { ...s.params, pruneWeight: 0.9 }
    const d = WhatIf.compare(s, edited, 14 * DAY, T0 + 15 * DAY)
    const back = WhatIf.compare({ ...s, params: edited }, s.params, 14 * DAY, T0 + 15 * DAY)
    expect(back.lostEdges).toEqual(d.gainedEdges)
    expect(back.gainedEdges).toEqual(d.lostEdges)
  })

  it("a slower decay keeps weights higher (reweighted, memory's weight below the edited one)", () => {
    const s = memory()
    const edited = { ...s.params, decayHalfLife: 140 * DAY }
    const d = WhatIf.compare(s, edited, 14 * DAY, T0 + 15 * DAY)
    expect(d.reweighted.length).toBeGreaterThan(0)
    for (const r of d.reweighted) expect(r.edited).toBeGreaterThan(r.current)
  })

  it("maintain is decay, then prune, then consolidate", () => {
    const s = memory()
    const m = WhatIf.maintain(s.graph, { ...s.params, pruneWeight: 0.9 }, T0 + 15 * DAY, 14 * DAY)
    expect(m.changes.edgesWeakened.length).toBeGreaterThan(0)
    expect(m.changes.edgesRemoved.length).toBeGreaterThan(0)
    expect(LiquidGraph.edgeCount(m.graph)).toBeLessThan(LiquidGraph.edgeCount(s.graph))
  })
})
