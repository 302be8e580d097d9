import { describe, expect, it } from "vitest"
import * as Event from "../core/Event.ts"
import * as Replay from "../core/Replay.ts"
import * as Elements from "./Elements.ts"

const T0 = 1_700_000_000_000

const state = () => {
  const out = Replay.replay([
    new Event.Engrammed({ now: T0, input: { episode: { id: "e1", text: "Alice lives in Paris.", time: null }, facts: [{ subject: "Alice", relation: "lives in", object: "Paris" }] } }),
    new Event.Engrammed({ now: T0 + 1000, input: { episode: { id: "e2", text: "Alice moved to Berlin.", time: null }, facts: [{ subject: "Alice", relation: "lives in", object: "Berlin", change: true }] } }),
    new Event.Reconciled({ now: T0 + 2000, input: { facts: ["f|alice|lives_in|berlin"] } })
  ])
  if (out._tag === "Failure") throw out.failure
  return out.success
}

const nodes = (d: Elements.Drawing) => d.elements.filter((e) => e.group === "nodes")
const edges = (d: Elements.Drawing) => d.elements.filter((e) => e.group === "edges")

describe("Elements", () => {
  it("episodic and semantic nodes get their block's class", () => {
    const d = Elements.draw(state().graph)
    const byId = new Map(nodes(d).map((n) => [n.data.id, n.classes]))
    expect(byId.get("alice")).toContain("semantic")
    expect(byId.get("ep:e1")).toContain("episodic")
    expect(byId.get("ep:e1")).not.toContain("semantic")
  })

  it("a superseded fact is drawn with the superseded class, or left out when asked", () => {
    const s = state()
    const all = edges(Elements.draw(s.graph))
    const paris = all.find((e) => e.data.id === "f|alice|lives_in|paris")
    expect(paris?.classes).toContain("superseded")
    expect(all.find((e) => e.data.id === "f|alice|lives_in|berlin")?.classes).not.toContain("superseded")
    const current = edges(Elements.draw(s.graph, { ...Elements.defaults, superseded: false }))
    expect(current.some((e) => e.data.id === "f|alice|lives_in|paris")).toBe(false)
  })

  it("draws at most `limit` nodes, the most important first, plus the pinned ones, and only edges between drawn nodes", () => {
    const s = state()
    const d = Elements.draw(s.graph, { ...Elements.defaults, limit: 2 })
    expect(d.nodesShown).toBe(2)
    expect(nodes(d).map((n) => n.data.id)).toContain("alice")
    const shown = new Set(nodes(d).map((n) => n.data.id))
    for (const e of edges(d)) {
      expect(shown.has(e.data.source as string)).toBe(true)
      expect(shown.has(e.data.target as string)).toBe(true)
    }
    const pinned = Elements.draw(s.graph, { ...Elements.defaults, limit: 1, pinned: new Set(["ep:e2", "paris"]) })
    expect(new Set(nodes(pinned).map((n) => n.data.id))).toEqual(new Set(["ep:e2", "paris"]))
  })

  it("an important node is drawn with its neighbours, not beside unrelated nodes of equal rank", () => {
    const out = Replay.replay([
      new Event.Engrammed({ now: T0, input: { facts: [
        ...Array.from({ length: 8 }, (_, i) => ({ subject: "hub", relation: "links", object: `leaf${i}` })),
        ...Array.from({ length: 4 }, (_, i) => ({ subject: `a${i}`, relation: "pairs", object: `b${i}` }))
      ] } })
    ])
    if (out._tag === "Failure") throw out.failure
    const d = Elements.draw(out.success.graph, { ...Elements.defaults, limit: 4 })
    expect(new Set(nodes(d).map((n) => n.data.id))).toEqual(new Set(["hub", "leaf0", "leaf1", "leaf2"]))
    expect(d.edgesShown).toBe(3)
  })

  it("without mentions, episodes are not drawn", () => {
    const d = Elements.draw(state().graph, { ...Elements.defaults, mentions: false })
    expect(nodes(d).some((n) => String(n.classes).includes("episodic"))).toBe(false)
  })
})
