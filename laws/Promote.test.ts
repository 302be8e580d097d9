/**
 * Laws of `promote`: idempotence, the working-memory budget, one-way movement to long-term,
 * only tiers change, exactly the deserving nodes are promoted, the least recent are demoted,
 * invariants and persistence.
 */
import { Equal, HashMap } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import type { MemoryNode } from "../core/Node.ts"
import * as Params from "../core/Params.ts"
import * as Promote from "../core/Promote.ts"
import * as VectorStore from "../core/VectorStore.ts"
import { arbGraph, HOUR, T0, T_MAX } from "./Arbitraries.ts"
import { assertValid } from "./Invariants.ts"

const NOW = T_MAX

/** Generated graphs with varied surprise and recency (ties included) on their nodes. */
const arbScoredGraph = fc
  .tuple(
    arbGraph(),
    fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 16, maxLength: 16 }),
    fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 16, maxLength: 16 })
  )
  .map(([g, surprise, hours]) => {
    const d = LiquidGraph.draft(g)
    LiquidGraph.nodes(g)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .forEach((n, i) => d.putNode({ ...n, surprise: surprise[i % 16]!, recency: T0 + hours[i % 16]! * HOUR }))
    return d.finish()
  })

const arbParams = fc
  .record({
    promoteAccesses: fc.integer({ min: 0, max: 8 }),
    promoteSurprise: fc.double({ min: 0, max: 1, noNaN: true }),
    promoteImportance: fc.double({ min: 0, max: 5, noNaN: true }),
    workingTokens: fc.integer({ min: 0, max: 40 })
  })
  .map((p) => Params.unsafeMake(p))

const tierless = (n: MemoryNode) => ({ ...n, tier: null })
/** The promotion rule, restated independently of the module. */
const earned = (n: MemoryNode, p: Params.Params): boolean =>
  n.accessCount >= p.promoteAccesses || n.surprise >= p.promoteSurprise || n.importance >= p.promoteImportance
const byRecency = (a: MemoryNode, b: MemoryNode): number => a.recency - b.recency || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

describe("Promote", () => {
  it("promote(promote(g)) == promote(g) (idempotent)", () => {
    fc.assert(
      fc.property(arbScoredGraph, arbParams, (g, p) => {
        const once = Promote.promote(g, {}, p, NOW)
        assertValid(once.graph, "promote")
        const twice = Promote.promote(once.graph, {}, p, NOW + 1)
        assertValid(twice.graph, "second promote")
        expect(Equal.equals(twice.graph, once.graph)).toBe(true)
        expect(twice.changes.promoted).toEqual([])
        expect(twice.changes.demoted).toEqual([])
      }),
      { numRuns: 300 }
    )
  })

  it("workingTokens(promote(g)) <= params.workingTokens", () => {
    fc.assert(
      fc.property(arbScoredGraph, arbParams, (g, p) => {
        expect(Promote.workingTokens(Promote.promote(g, {}, p, NOW).graph)).toBeLessThanOrEqual(p.workingTokens)
      }),
      { numRuns: 300 }
    )
  })

  it("tier(g, n) == long-term ⇒ tier(promote(g), n) == long-term, and nodes, edges, vectors of promote(g) == those of g up to tiers", () => {
    fc.assert(
      fc.property(arbScoredGraph, arbParams, (g, p) => {
        const before = JSON.stringify(g)
        const h = Promote.promote(g, {}, p, NOW).graph
        expect(JSON.stringify(g)).toBe(before)
        expect(LiquidGraph.nodeCount(h)).toBe(LiquidGraph.nodeCount(g))
        for (const n of LiquidGraph.nodes(g)) {
          const m = LiquidGraph.node(h, n.id)
          expect(m).toBeDefined()
          if (n.tier === "long-term") expect(m!.tier).toBe("long-term")
          expect(tierless(m!)).toEqual(tierless(n))
        }
        expect(Equal.equals(h.edges, g.edges)).toBe(true)
        expect(Equal.equals(h.aliases, g.aliases)).toBe(true)
        expect(VectorStore.equals(h.vectors, g.vectors)).toBe(true)
      }),
      { numRuns: 300 }
    )
  })

  it("promoted == { working n | accesses ≥ θa ∨ surprise ≥ θs ∨ importance ≥ θi } and demoted are the least recent of the rest", () => {
    fc.assert(
      fc.property(arbScoredGraph, arbParams, (g, p) => {
        const { graph, changes } = Promote.promote(g, {}, p, NOW)
        const working = LiquidGraph.nodes(g).filter((n) => n.tier === "working")
        const deserving = working.filter((n) => earned(n, p)).map((n) => n.id).sort()
        expect([...changes.promoted].sort()).toEqual(deserving)
        const rest = working.filter((n) => !earned(n, p)).sort(byRecency)
        // demotion takes a prefix of the rest in (recency, id) order, and no more than needed
        expect(changes.demoted).toEqual(rest.slice(0, changes.demoted.length).map((n) => n.id))
        if (changes.demoted.length > 0) {
          const keptTokens = rest.slice(changes.demoted.length - 1).reduce((s, n) => s + Math.ceil(((n.text ?? n.label).length + 1) / 4), 0)
          expect(keptTokens).toBeGreaterThan(p.workingTokens)
        }
        const moved = new Set([...changes.promoted, ...changes.demoted])
        for (const n of working) expect(LiquidGraph.node(graph, n.id)!.tier).toBe(moved.has(n.id) ? "long-term" : "working")
        expect(HashMap.size(graph.nodes)).toBe(HashMap.size(g.nodes))
      }),
      { numRuns: 300 }
    )
  })

  it("promote(input, params, now)(g) == promote(g, input, params, now) (data-last)", () => {
    fc.assert(
      fc.property(arbScoredGraph, arbParams, (g, p) => {
        expect(Equal.equals(g.pipe(Promote.promote({}, p, NOW)).graph, Promote.promote(g, {}, p, NOW).graph)).toBe(true)
      }),
      { numRuns: 50 }
    )
  })
})
