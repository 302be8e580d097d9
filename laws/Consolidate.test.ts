import { Equal, HashMap, Option } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Consolidate from "../core/Consolidate.ts"
import * as Fact from "../core/Fact.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Params from "../core/Params.ts"
import * as Similarity from "../core/Similarity.ts"
import * as VectorStore from "../core/VectorStore.ts"
import { arbGraph, DAY, episodeNode, fact, NAMES, semanticNode, T0, T_MAX } from "./Arbitraries.ts"
import { assertValid } from "./Invariants.ts"

type G = LiquidGraph.LiquidGraph

const SOURCES = ["ep:e0", "ep:e1", "ep:e2", "ep:e3", "ep:e4"]

/**
 * Graphs for consolidation: arbGraph plus near-duplicate vectors (copies with a small jitter),
 * some `concept` nodes, provenance on facts, superseded facts and a few aliases.
 */
const arbConsolidationGraph = fc
  .record({
    g: arbGraph({ maxEdges: 40 }),
    copies: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.double({ min: -0.05, max: 0.05, noNaN: true })), { maxLength: 6 }),
    concepts: fc.array(fc.boolean(), { minLength: NAMES.length, maxLength: NAMES.length }),
    provenance: fc.array(fc.uniqueArray(fc.constantFrom(...SOURCES), { maxLength: 5 }), { maxLength: 40 }),
    superseded: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }),
    aliases: fc.array(fc.nat(), { maxLength: 3 })
  })
  .map(({ g, copies, concepts, provenance, superseded, aliases }) => {
    const d = LiquidGraph.draft(g)
    const sem = LiquidGraph.nodes(g).filter((n) => n.kind !== "episode").map((n) => n.id).sort()
    sem.forEach((id, i) => {
      if (concepts[i]) d.putNode({ ...d.node(id)!, kind: "concept" })
    })
    for (const [a, b, jitter] of copies) {
      const from = sem[a % sem.length]!
      const to = sem[b % sem.length]!
      const v = VectorStore.get(d.vectors, from)
      if (v === undefined || from === to) continue
      d.setVector(to, Array.from(v, (x, k) => x + (k === 0 ? jitter : 0)))
    }
    const facts = LiquidGraph.edges(g).filter((e) => e.kind === "fact").sort((x, y) => (x.id < y.id ? -1 : 1))
    facts.forEach((e, i) => {
      if (i < provenance.length) d.putEdge({ ...d.edge(e.id)!, provenance: provenance[i]! })
    })
    for (const [l, w] of superseded) {
      if (facts.length < 2) break
      const loser = facts[l % facts.length]!
      const winner = facts[w % facts.length]!
      if (loser.id === winner.id) continue
      d.putEdge({ ...d.edge(loser.id)!, supersededBy: winner.id, validUntil: T0 + DAY })
    }
    aliases.forEach((k, i) => d.putAlias("old alias " + i, sem[k % sem.length]!))
    return d.finish()
  })

const arbParams = fc
  .record({
    mergeSimilarity: fc.double({ min: 0.6, max: 1, noNaN: true }),
    clusterWeight: fc.double({ min: 0, max: 1, noNaN: true }),
    coreK: fc.integer({ min: 1, max: 4 }),
    episodicToSemantic: fc.integer({ min: 1, max: 4 }),
    solidifyUses: fc.integer({ min: 0, max: 10 })
  })
  .map((p) => Params.unsafeMake(p))

const arbNow = fc.integer({ min: T0, max: T_MAX })

const run = (g: G, p: Params.Params, now: number) => {
  const r = Consolidate.consolidate(g, {}, p, now)
  assertValid(r.graph, "consolidate")
  return r
}

/** The identity of an edge: kind, ordered endpoints, relation, polarity. */
const identity = (kind: string, s: string, r: string, o: string, negated: boolean): string =>
  JSON.stringify(kind === "association" && o < s ? [kind, o, r, s, negated] : [kind, s, r, o, negated])

/** Core numbers by the definition: v is in the k-core iff it survives peeling nodes of degree < k. */
const naiveCores = (g: G): Map<string, number> => {
  const adj = new Map<string, Set<string>>()
  for (const n of LiquidGraph.nodes(g)) adj.set(n.id, new Set())
  for (const e of LiquidGraph.edges(g)) {
    if (!Fact.isCurrent(e) || e.subject === e.object) continue
    adj.get(e.subject)!.add(e.object)
    adj.get(e.object)!.add(e.subject)
  }
  const core = new Map<string, number>()
  for (const id of adj.keys()) core.set(id, 0)
  for (let k = 1; ; k++) {
    const alive = new Set(adj.keys())
    let changed = true
    while (changed) {
      changed = false
      for (const v of alive) {
        let deg = 0
        for (const u of adj.get(v)!) if (alive.has(u)) deg++
        if (deg < k) {
          alive.delete(v)
          changed = true
        }
      }
    }
    if (alive.size === 0) return core
    for (const v of alive) core.set(v, k)
  }
}

describe("Consolidate", () => {
  it("consolidate(consolidate(g)) == consolidate(g) (idempotent)", () => {
    fc.assert(
      fc.property(arbConsolidationGraph, arbParams, arbNow, (g, p, now) => {
        const once = run(g, p, now).graph
        const twice = run(once, p, now)
        expect(Equal.equals(twice.graph, once)).toBe(true)
        expect(twice.changes.merged).toEqual([])
      }),
      { numRuns: 300 }
    )
  })

  it("current(g, e) ⇒ current(consolidate(g), e with endpoints resolved through the aliases), unless a self-loop", () => {
    fc.assert(
      fc.property(arbConsolidationGraph, arbParams, arbNow, (g, p, now) => {
        const h = run(g, p, now).graph
        const have = new Set(
          LiquidGraph.edges(h).filter(Fact.isCurrent).map((e) => identity(e.kind, e.subject, e.relation, e.object, e.negated))
        )
        for (const e of LiquidGraph.edges(g)) {
          if (!Fact.isCurrent(e)) continue
          const s = LiquidGraph.resolve(h, e.subject)
          const o = LiquidGraph.resolve(h, e.object)
          if (s === o) continue
          expect(have.has(identity(e.kind, s, e.relation, o, e.negated))).toBe(true)
        }
      }),
      { numRuns: 300 }
    )
  })

  it("every edge of g survives, re-keyed, unless a merge made it a self-loop: |edges(h)| + combined + self-loops == |edges(g)|", () => {
    fc.assert(
      fc.property(arbConsolidationGraph, arbParams, arbNow, (g, p, now) => {
        const { graph: h, changes } = run(g, p, now)
        let selfLoops = 0
        for (const e of LiquidGraph.edges(g)) if (LiquidGraph.resolve(h, e.subject) === LiquidGraph.resolve(h, e.object)) selfLoops++
        const added = changes.edgesAdded.length
        const moved = changes.edgesRemoved.length
        // moved edges either got a new id (added), were dropped as self-loops, or combined into another
        expect(LiquidGraph.edgeCount(h)).toBe(LiquidGraph.edgeCount(g) - moved + added)
        expect(added).toBeLessThanOrEqual(moved - selfLoops)
      })
    )
  })

  it("no two nodes of one kind left in consolidate(g) have cosine ≥ mergeSimilarity; merges never cross kinds or touch episodes", () => {
    fc.assert(
      fc.property(arbConsolidationGraph, arbParams, arbNow, (g, p, now) => {
        const { graph: h, changes } = run(g, p, now)
        const withVec = LiquidGraph.nodes(h).filter((n) => VectorStore.has(h.vectors, n.id))
        for (let i = 0; i < withVec.length; i++) {
          for (let j = i + 1; j < withVec.length; j++) {
            const a = withVec[i]!
            const b = withVec[j]!
            if (a.kind !== b.kind || a.kind === "episode") continue
            expect(Similarity.cosine(VectorStore.get(h.vectors, a.id)!, VectorStore.get(h.vectors, b.id)!)).toBeLessThan(p.mergeSimilarity)
          }
        }
        for (const [from, into] of changes.merged) {
          const a = LiquidGraph.node(g, from)!
          const b = LiquidGraph.node(g, into)!
          expect(a.kind).toBe(b.kind)
          expect(a.kind).not.toBe("episode")
          expect(LiquidGraph.hasNode(h, from)).toBe(false)
          expect(LiquidGraph.hasNode(h, into)).toBe(true)
          expect(HashMap.get(h.aliases, from)).toEqual(Option.some(into))
          expect(LiquidGraph.resolve(h, from)).toBe(into)
        }
        // aliases are flat: every target is a live node
        for (const [, to] of h.aliases) expect(LiquidGraph.hasNode(h, to)).toBe(true)
      }),
      { numRuns: 300 }
    )
  })

  it("vectors whose cosine rounds to 1 are merged at mergeSimilarity = 1 (the sweep window covers rounding)", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty(4))
    d.putNode(semanticNode("blick", T0))
    d.putNode(semanticNode("zorp", T0))
    // one float32 ulp apart: their stored cosine rounds to 1, their distance is ~3.7e-9
    d.setVector("blick", [0.3293895721435547, -0.022970369085669518, -0.8794828057289124, -0.6300130486488342])
    d.setVector("zorp", [0.3293895721435547, -0.022970374673604965, -0.8794828057289124, -0.6300130486488342])
    const g = d.finish()
    const { graph: h, changes } = Consolidate.consolidate(g, {}, Params.unsafeMake({ mergeSimilarity: 1 }), T0)
    assertValid(h)
    expect(changes.merged).toHaveLength(1)
    expect(LiquidGraph.nodeCount(h)).toBe(1)
  })

  it("coreNumbers(g) == naive peeling", () => {
    fc.assert(
      fc.property(arbConsolidationGraph, (g) => {
        const fast = Consolidate.coreNumbers(g)
        const slow = naiveCores(g)
        expect(new Map([...fast].sort())).toEqual(new Map([...slow].sort()))
      }),
      { numRuns: 300 }
    )
  })

  it("central == { v : core(consolidate(g), v) ≥ coreK }, and no central node is left in working memory", () => {
    fc.assert(
      fc.property(arbConsolidationGraph, arbParams, arbNow, (g, p, now) => {
        const { graph: h, central, changes } = run(g, p, now)
        const cores = Consolidate.coreNumbers(h)
        expect(central).toEqual([...cores].filter(([, k]) => k >= p.coreK).map(([id]) => id).sort())
        for (const id of central) expect(LiquidGraph.node(h, id)!.tier).toBe("long-term")
        for (const id of changes.promoted) expect(central).toContain(id)
      })
    )
  })

  it("cluster(u) == cluster(v) ≠ null for a current edge u–v with weight ≥ clusterWeight; clusters are the components, numbered by smallest id", () => {
    fc.assert(
      fc.property(arbConsolidationGraph, arbParams, arbNow, (g, p, now) => {
        const h = run(g, p, now).graph
        const strong = LiquidGraph.edges(h).filter((e) => Fact.isCurrent(e) && e.subject !== e.object && e.weight >= p.clusterWeight)
        for (const e of strong) {
          const c = LiquidGraph.node(h, e.subject)!.cluster
          expect(c).not.toBeNull()
          expect(LiquidGraph.node(h, e.object)!.cluster).toBe(c)
        }
        // naive components by repeated relaxation
        const label = new Map(LiquidGraph.nodes(h).map((n) => [n.id, n.id]))
        let changed = true
        while (changed) {
          changed = false
          for (const e of strong) {
            const a = label.get(e.subject)!
            const b = label.get(e.object)!
            if (a === b) continue
            const m = a < b ? a : b
            label.set(e.subject, m)
            label.set(e.object, m)
            changed = true
          }
        }
        const roots = [...new Set([...label].filter(([id]) => strong.some((e) => e.subject === id || e.object === id)).map(([, r]) => r))].sort()
        for (const n of LiquidGraph.nodes(h)) {
          const inStrong = strong.some((e) => e.subject === n.id || e.object === n.id)
          expect(n.cluster).toBe(inStrong ? roots.indexOf(label.get(n.id)!) : null)
        }
      })
    )
  })

  it("a current fact with n ≥ episodicToSemantic distinct sources has confidence ≥ 1 − 1/(1+n) and useCount ≥ solidifyUses", () => {
    fc.assert(
      fc.property(arbConsolidationGraph, arbParams, arbNow, (g, p, now) => {
        const h = run(g, p, now).graph
        for (const e of LiquidGraph.edges(h)) {
          const n = new Set(e.provenance).size
          if (e.kind !== "fact" || !Fact.isCurrent(e) || n < p.episodicToSemantic) continue
          expect(e.confidence).toBeGreaterThanOrEqual(1 - 1 / (1 + n))
          expect(e.useCount).toBeGreaterThanOrEqual(p.solidifyUses)
        }
      })
    )
  })

  it("edges not touched by a merge keep their weight, validity and identity", () => {
    fc.assert(
      fc.property(arbConsolidationGraph, arbParams, arbNow, (g, p, now) => {
        const { graph: h, changes } = run(g, p, now)
        const merged = new Set(changes.merged.map(([from]) => from))
        for (const e of LiquidGraph.edges(g)) {
          if (merged.has(e.subject) || merged.has(e.object)) continue
          const after = LiquidGraph.edge(h, e.id)!
          expect(after).toBeDefined()
          expect(after.weight).toBeGreaterThanOrEqual(e.weight)
          expect([after.validFrom, after.validUntil, after.negated]).toEqual([e.validFrom, e.validUntil, e.negated])
        }
      })
    )
  })

  it("persistence: consolidate never changes its input graph", () => {
    fc.assert(
      fc.property(arbConsolidationGraph, arbParams, arbNow, (g, p, now) => {
        const before = JSON.stringify(g)
        run(g, p, now)
        expect(JSON.stringify(g)).toBe(before)
      })
    )
  })

  it("consolidate(input, params, now)(g) == consolidate(g, input, params, now) (data-last)", () => {
    fc.assert(
      fc.property(arbConsolidationGraph, arbParams, arbNow, (g, p, now) => {
        expect(Equal.equals(g.pipe(Consolidate.consolidate({}, p, now)).graph, Consolidate.consolidate(g, {}, p, now).graph)).toBe(true)
      }),
      { numRuns: 30 }
    )
  })

  it("merging 'paris city' into 'paris': edges move and combine, the self-loop goes, an alias remains", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty(4))
    d.putNode(semanticNode("paris", T0))
    d.putNode(semanticNode("paris city", T0))
    d.putNode(semanticNode("alice", T0))
    d.putNode(episodeNode("e0", "alice in paris", T0))
    d.setVector("paris", [1, 0, 0, 0])
    d.setVector("paris city", [0.999, 0.01, 0, 0])
    d.setVector("alice", [0, 1, 0, 0])
    d.putEdge(fact("alice", "lives_in", "paris", T0, { weight: 0.7, useCount: 2, provenance: ["ep:e0"] }))
    d.putEdge(fact("alice", "lives_in", "paris city", T0, { weight: 0.4, useCount: 3, provenance: ["ep:e1"] }))
    d.putEdge(fact("paris city", "same_as", "paris", T0, { weight: 0.2 }))
    d.putEdge({ ...fact("ep:e0", Fact.MENTIONS, "paris", T0), id: Fact.mentionId("ep:e0", "paris"), kind: "mention" })
    d.putEdge({ ...fact("alice", Fact.ASSOCIATED, "paris city", T0), id: Fact.associationId("alice", "paris city"), kind: "association" })
    const g = d.finish()
    // importance: paris 0.7 + 0.2 + 0.5 = 1.4 > paris city (0.4 + 0.2 + 0.5) × 1 out-edge = 1.1
    expect(LiquidGraph.node(g, "paris")!.importance).toBeGreaterThan(LiquidGraph.node(g, "paris city")!.importance)
    const p = Params.unsafeMake({ mergeSimilarity: 0.99, episodicToSemantic: 2, solidifyUses: 4 })
    const { graph: h, changes } = run(g, p, T0)
    expect(changes.merged).toEqual([["paris city", "paris"]])
    expect(LiquidGraph.hasNode(h, "paris city")).toBe(false)
    expect(LiquidGraph.resolve(h, "paris city")).toBe("paris")
    const lives = LiquidGraph.edge(h, "f|alice|lives_in|paris")!
    expect([lives.weight, lives.useCount, lives.provenance]).toEqual([0.7, 5, ["ep:e0", "ep:e1"]])
    expect(lives.confidence).toBe(0.8) // max(0.8, 1 − 1/3)
    expect(LiquidGraph.hasEdge(h, "f|paris|same_as|paris")).toBe(false)
    expect(LiquidGraph.hasEdge(h, Fact.associationId("alice", "paris"))).toBe(true)
    expect(LiquidGraph.hasEdge(h, Fact.mentionId("ep:e0", "paris"))).toBe(true)
    expect(LiquidGraph.edgeCount(h)).toBe(3)
  })

  it("identical embeddings of an entity and a concept are never merged", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty(4))
    d.putNode(semanticNode("jaguar", T0))
    d.putNode(semanticNode("jaguar car", T0, { kind: "concept" }))
    d.setVector("jaguar", [1, 2, 3, 4])
    d.setVector("jaguar car", [1, 2, 3, 4])
    const { changes } = run(d.finish(), Params.defaults, T0)
    expect(changes.merged).toEqual([])
  })

  it("a current fact landing on a historical one takes a fresh version id and stays current", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty(4))
    for (const n of ["bob", "rome", "roma"]) d.putNode(semanticNode(n, T0))
    d.setVector("rome", [1, 0, 0, 0])
    d.setVector("roma", [1, 0, 0, 0])
    d.setVector("bob", [0, 0, 1, 0])
    d.putEdge(fact("bob", "lives_in", "rome", T0, { validUntil: T0 + DAY, supersededBy: "f|bob|lives_in|roma" }))
    d.putEdge(fact("bob", "lives_in", "roma", T0 + DAY, { weight: 0.1 }))
    d.putEdge(fact("bob", "likes", "rome", T0))
    const g = d.finish()
    const { graph: h } = run(g, Params.defaults, T0 + 2 * DAY)
    // rome has more importance and survives
    const versions = LiquidGraph.slot(h, "bob", "lives_in").sort((a, b) => (a.id < b.id ? -1 : 1))
    expect(versions.map((e) => [e.id, Fact.isCurrent(e), e.supersededBy])).toEqual([
      ["f|bob|lives_in|rome", false, "f|bob|lives_in|rome#2"],
      ["f|bob|lives_in|rome#2", true, null]
    ])
  })

  it("rejects a non-finite now with InvalidInput", () => {
    expect(() => Consolidate.consolidate(LiquidGraph.empty(), {}, Params.defaults, Number.NaN)).toThrow(
      expect.objectContaining({ _tag: "InvalidInput" })
    )
  })
})
