import { Equal, HashMap, Option } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Consolidate from "../core/Consolidate.ts"
import * as Fact from "../core/Fact.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Params from "../core/Params.ts"
import * as Reconcile from "../core/Reconcile.ts"
import * as Relation from "../core/Relation.ts"
import * as Similarity from "../core/Similarity.ts"
import * as VectorStore from "../core/VectorStore.ts"
import { arbGraph, DAY, episodeNode, fact, NAMES, semanticNode, T0, T_MAX } from "./Arbitraries.ts"
import { assertValid } from "./Invariants.ts"

type G = LiquidGraph.LiquidGraph

const CO = Consolidate.CO_MENTIONED.relation

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
    aliases: fc.array(fc.nat(), { maxLength: 3 }),
    // extra episodes, each mentioning a few semantic nodes: repeated co-mentions
    told: fc.array(fc.uniqueArray(fc.nat({ max: NAMES.length - 1 }), { maxLength: 5 }), { maxLength: 6 }),
    coMentionFacts: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 2 })
  })
  .map(({ g, copies, concepts, provenance, superseded, aliases, told, coMentionFacts }) => {
    const d = LiquidGraph.draft(g)
    const sem = LiquidGraph.nodes(g).filter((n) => n.kind !== "episode").map((n) => n.id).sort()
    told.forEach((picks, i) => {
      const ep = "ep:t" + i
      d.putNode(episodeNode("t" + i, "told " + i, T0, { time: i % 3 === 0 ? null : T0 + (6 - i) * DAY }))
      for (const k of picks) {
        const target = sem[k % sem.length]!
        const id = Fact.mentionId(ep, target)
        if (!d.hasEdge(id)) d.putEdge({ ...fact(ep, Fact.MENTIONS, target, T0), id, kind: "mention" })
      }
    })
    // a few co-mention facts already there, current or history
    for (const [a, b, ended] of coMentionFacts) {
      const s = sem[a % sem.length]!
      const o = sem[b % sem.length]!
      if (s === o || d.hasEdge(Fact.factId(s, CO, o, false))) continue
      d.putEdge(fact(s, CO, o, T0, ended ? { validUntil: T0 + DAY } : {}))
    }
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
    solidifyUses: fc.integer({ min: 0, max: 10 }),
    coMentionWeight: fc.integer({ min: 0, max: 100 }).map((x) => x / 100),
    coMentionMaxMentions: fc.integer({ min: 1, max: 6 }),
    summaryMinFacts: fc.integer({ min: 1, max: 4 }),
    summaryFacts: fc.integer({ min: 0, max: 4 }),
    singleCoMention: fc.boolean()
  })
  .map(({ singleCoMention, ...p }) =>
    Params.unsafeMake({ ...p, singleValued: singleCoMention ? [...Params.defaultSingleValued, CO] : Params.defaultSingleValued })
  )

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
        // moved edges either got a new id (added), were dropped as self-loops, or combined into
        // another; the rest of the added edges are the created facts
        expect(LiquidGraph.edgeCount(h)).toBe(LiquidGraph.edgeCount(g) - moved + added)
        expect(added - changes.factsCreated.length).toBeLessThanOrEqual(moved - selfLoops)
        for (const id of changes.factsCreated) expect(changes.edgesAdded).toContain(id)
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

  it("coMentions(g) == naive count of episodes mentioning both ends (2 ≤ mentions ≤ coMentionMaxMentions), ≥ episodicToSemantic", () => {
    fc.assert(
      fc.property(arbConsolidationGraph, arbParams, (g, p) => {
        const mentions = new Map<string, Set<string>>()
        for (const e of LiquidGraph.edges(g)) {
          if (e.kind !== "mention" || !Fact.isCurrent(e)) continue
          mentions.set(e.subject, (mentions.get(e.subject) ?? new Set()).add(e.object))
        }
        const expected: Array<Consolidate.CoMention> = []
        const sem = LiquidGraph.nodes(g).filter((n) => n.kind !== "episode").map((n) => n.id).sort()
        for (const a of sem) {
          for (const b of sem) {
            if (!(a < b)) continue
            const episodes = [...mentions]
              .filter(([, m]) => m.size >= 2 && m.size <= p.coMentionMaxMentions && m.has(a) && m.has(b))
              .map(([ep]) => ep)
              .sort()
            if (episodes.length >= p.episodicToSemantic) expected.push({ subject: a, object: b, episodes })
          }
        }
        expect(Consolidate.coMentions(g, p)).toEqual(expected)
      })
    )
  })

  it("f ∈ factsCreated ⇒ f is a current positive mention_with fact, |provenance(f)| ≥ episodicToSemantic, each provenance episode mentions both ends, confidence = 1 − 1/(1+|provenance|), weight = coMentionWeight", () => {
    let created = 0
    fc.assert(
      fc.property(arbConsolidationGraph, arbParams, arbNow, (g, p, now) => {
        const { graph: h, changes } = run(g, p, now)
        created += changes.factsCreated.length
        for (const id of changes.factsCreated) {
          const f = LiquidGraph.edge(h, id)!
          expect(f.kind).toBe("fact")
          expect(Fact.isCurrent(f) && !f.negated).toBe(true)
          expect([f.relation, f.phrase, f.subject < f.object]).toEqual([CO, Consolidate.CO_MENTIONED.phrase, true])
          expect(f.provenance).toEqual([...new Set(f.provenance)].sort())
          expect(f.provenance.length).toBeGreaterThanOrEqual(p.episodicToSemantic)
          for (const ep of f.provenance) {
            expect(LiquidGraph.node(h, ep)!.kind).toBe("episode")
            expect(LiquidGraph.hasEdge(h, Fact.mentionId(ep, f.subject))).toBe(true)
            expect(LiquidGraph.hasEdge(h, Fact.mentionId(ep, f.object))).toBe(true)
          }
          expect(f.confidence).toBe(1 - 1 / (1 + f.provenance.length))
          expect([f.weight, f.learnedAt, f.useCount, f.solidified]).toEqual([p.coMentionWeight, now, p.solidifyUses, false])
          expect(LiquidGraph.hasEdge(g, id)).toBe(false)
        }
      }),
      { numRuns: 300 }
    )
    expect(created).toBeGreaterThan(0) // the generator exercises creation
  })

  it("f ∈ factsCreated ⇒ f is the only current fact between its ends, and conflict(f, x) == null for every current fact x", () => {
    fc.assert(
      fc.property(arbConsolidationGraph, arbParams, arbNow, (g, p, now) => {
        const { graph: h, changes } = run(g, p, now)
        const current = LiquidGraph.edges(h).filter((e) => e.kind === "fact" && Fact.isCurrent(e))
        for (const id of changes.factsCreated) {
          const f = LiquidGraph.edge(h, id)!
          const between = current.filter((x) =>
            (x.subject === f.subject && x.object === f.object) || (x.subject === f.object && x.object === f.subject)
          )
          expect(between.map((x) => x.id)).toEqual([id])
          for (const x of current) expect(Reconcile.conflict(f, x, p, h.learned)).toBeNull()
        }
      }),
      { numRuns: 300 }
    )
  })

  it("c ∈ coMentions(consolidate(g)) ⇒ a current fact links c's ends, or a version of c's mention_with fact exists, or creating it would conflict (complete)", () => {
    fc.assert(
      fc.property(arbConsolidationGraph, arbParams, arbNow, (g, p, now) => {
        const h = run(g, p, now).graph
        const current = LiquidGraph.edges(h).filter((e) => e.kind === "fact" && Fact.isCurrent(e))
        for (const c of Consolidate.coMentions(h, p)) {
          const linked = current.some((x) =>
            (x.subject === c.subject && x.object === c.object) || (x.subject === c.object && x.object === c.subject)
          )
          const id = Fact.factId(c.subject, CO, c.object, false)
          const probe = { ...fact(c.subject, CO, c.object, now), id: id + "#probe" }
          const conflicting = current.some((x) => Reconcile.conflict(probe, x, p, h.learned) !== null)
          expect(linked || LiquidGraph.hasEdge(h, id) || conflicting).toBe(true)
        }
      }),
      { numRuns: 300 }
    )
  })

  it("creation never supersedes: superseded == [], and a historical edge of g untouched by a merge is in consolidate(g) unchanged (its winner re-keyed at most)", () => {
    fc.assert(
      fc.property(arbConsolidationGraph, arbParams, arbNow, (g, p, now) => {
        const { graph: h, changes } = run(g, p, now)
        expect(changes.superseded).toEqual([])
        const merged = new Set(changes.merged.map(([from]) => from))
        for (const e of LiquidGraph.edges(g)) {
          if (Fact.isCurrent(e) || merged.has(e.subject) || merged.has(e.object)) continue
          // unchanged but for supersededBy, which follows a winner a merge re-keyed
          const after = LiquidGraph.edge(h, e.id)!
          expect({ ...after, supersededBy: null }).toEqual({ ...e, supersededBy: null })
          expect(after.supersededBy === null).toBe(e.supersededBy === null)
        }
      }),
      { numRuns: 300 }
    )
  })

  it("text(consolidate(g), v) == summary(consolidate(g), v)?.text ?? null for every semantic v; episodes keep their text", () => {
    fc.assert(
      fc.property(arbConsolidationGraph, arbParams, arbNow, (g, p, now) => {
        const { graph: h, changes } = run(g, p, now)
        for (const n of LiquidGraph.nodes(h)) {
          if (n.kind === "episode") expect(n.text).toBe(LiquidGraph.node(g, n.id)!.text)
          else expect(n.text).toBe(Consolidate.summary(h, n.id, p)?.text ?? null)
        }
        for (const id of changes.summariesWritten) {
          expect(changes.nodesUpdated).toContain(id)
          expect(LiquidGraph.node(h, id)!.text).not.toBe(LiquidGraph.node(g, id)?.text)
        }
      }),
      { numRuns: 300 }
    )
  })

  it("summary(g, v) lists only current facts of v: the min(summaryFacts, count) heaviest (weight, confidence desc, id), count ≥ summaryMinFacts, one sentence each", () => {
    let summaries = 0
    fc.assert(
      fc.property(arbConsolidationGraph, arbParams, (g, p) => {
        for (const n of LiquidGraph.nodes(g)) {
          const s = Consolidate.summary(g, n.id, p)
          const facts = LiquidGraph.edges(g)
            .filter((e) => e.kind === "fact" && Fact.isCurrent(e) && (e.subject === n.id || e.object === n.id))
            .sort((a, b) => b.weight - a.weight || b.confidence - a.confidence || (a.id < b.id ? -1 : 1))
          if (n.kind === "episode" || p.summaryFacts === 0 || facts.length < p.summaryMinFacts) {
            expect(s).toBeNull()
            continue
          }
          summaries++
          const listed = facts.slice(0, p.summaryFacts)
          expect(s!.facts).toEqual(listed.map((e) => e.id))
          expect(s!.factCount).toBe(facts.length)
          const label = (id: string) => LiquidGraph.node(g, id)!.label
          expect(s!.text).toBe(
            listed.map((e) =>
              Relation.sentence({ subject: label(e.subject), relation: e.relation, object: label(e.object), phrase: e.phrase, negated: e.negated }) + "."
            ).join(" ")
          )
        }
      }),
      { numRuns: 200 }
    )
    expect(summaries).toBeGreaterThan(0)
  })

  it("summaries(g).get(v) == summary(g, v) ?? undefined for every node v (one pass == one node at a time)", () => {
    fc.assert(
      fc.property(arbConsolidationGraph, arbParams, (g, p) => {
        const all = Consolidate.summaries(g, p)
        for (const n of LiquidGraph.nodes(g)) expect(all.get(n.id)).toEqual(Consolidate.summary(g, n.id, p) ?? undefined)
        expect([...all.keys()]).toEqual([...all.keys()].sort())
      }),
      { numRuns: 200 }
    )
  })

  it("documentText(v) == label + ' ' + summary for a summarised node: BM25 finds an entity by its facts", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty(0))
    for (const n of ["Kim", "Paris", "Acme", "jazz", "Lee"]) d.putNode(semanticNode(n, T0))
    d.putEdge(fact("kim", "lives_in", "paris", T0, { weight: 0.9 }))
    d.putEdge(fact("kim", "works_at", "acme", T0, { weight: 0.7 }))
    d.putEdge(fact("kim", "likes", "jazz", T0, { weight: 0.5, negated: true }))
    d.putEdge(fact("kim", "lives_in", "lee", T0, { validUntil: T0 + DAY })) // history: never summarised
    const g = d.finish()
    const p = Params.unsafeMake({ summaryMinFacts: 3, summaryFacts: 8 })
    const { graph: h, changes } = run(g, p, T0)
    const text = "Kim lives in Paris. Kim works at Acme. Kim does not like jazz."
    expect(LiquidGraph.node(h, "kim")!.text).toBe(text)
    expect(Consolidate.summary(h, "kim", p)).toEqual({
      id: "kim", label: "Kim", text, facts: ["f|kim|lives_in|paris", "f|kim|works_at|acme", "f|kim|likes|jazz|not"], factCount: 3
    })
    expect(changes.summariesWritten).toEqual(["kim"])
    expect(LiquidGraph.documentText(LiquidGraph.node(h, "kim")!)).toBe("Kim " + text)
    expect(LiquidGraph.documentFrequency(h, "acme")).toBe(2) // the node Acme and Kim's summary
    expect(LiquidGraph.node(h, "paris")!.text).toBeNull() // one fact: not salient
    // the summary is live: once a fact ends, the getter drops it; the next consolidate rewrites the text
    const d2 = LiquidGraph.draft(h)
    d2.putEdge({ ...LiquidGraph.edge(h, "f|kim|works_at|acme")!, validUntil: T0 + DAY })
    const ended = d2.finish()
    expect(Consolidate.summary(ended, "kim", p)).toBeNull()
    const again = run(ended, p, T0 + DAY)
    expect(LiquidGraph.node(again.graph, "kim")!.text).toBeNull()
    expect(again.changes.summariesWritten).toEqual(["kim"])
    expect(LiquidGraph.documentFrequency(again.graph, "acme")).toBe(1)
  })

  it("three episodes mentioning Caroline and pottery become 'caroline is mentioned with pottery' (provenance the episodes); a told fact or a negation blocks it", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty(0))
    for (const n of ["Caroline", "pottery", "Mel", "Ohio"]) d.putNode(semanticNode(n, T0))
    const told = (ep: string, time: number | null, ...nodes: Array<string>) => {
      d.putNode(episodeNode(ep, ep, T0, { time }))
      for (const n of nodes) d.putEdge({ ...fact("ep:" + ep, Fact.MENTIONS, n, T0), id: Fact.mentionId("ep:" + ep, n), kind: "mention" })
    }
    told("e1", T0 + 3 * DAY, "caroline", "pottery", "mel")
    told("e2", null, "caroline", "pottery", "mel", "ohio")
    told("e3", T0 + DAY, "caroline", "pottery", "mel")
    told("e4", T0, "caroline", "ohio", "mel")
    d.putEdge(fact("mel", "knows", "caroline", T0)) // told: caroline–mel stays as told
    d.putEdge(fact("ohio", "likes", "mel", T0, { negated: true })) // a negation links them too
    const g = d.finish()
    const p = Params.unsafeMake({ episodicToSemantic: 3, coMentionMaxMentions: 3 })
    const { changes } = run(g, p, T0 + 5 * DAY)
    // e2 mentions 4 nodes > coMentionMaxMentions: no evidence; caroline–ohio has e4 only
    expect(Consolidate.coMentions(g, p)).toEqual([
      { subject: "caroline", object: "mel", episodes: ["ep:e1", "ep:e3", "ep:e4"] }
    ])
    expect(changes.factsCreated).toEqual([])
    const q = Params.unsafeMake({ episodicToSemantic: 3 })
    const r = run(g, q, T0 + 5 * DAY)
    expect(r.changes.factsCreated).toEqual(["f|caroline|mention_with|pottery", "f|mel|mention_with|pottery"])
    const f = LiquidGraph.edge(r.graph, "f|caroline|mention_with|pottery")!
    expect([f.provenance, f.confidence, f.weight, f.validFrom, f.learnedAt]).toEqual([
      ["ep:e1", "ep:e2", "ep:e3"], 0.75, q.coMentionWeight, T0 + DAY, T0 + 5 * DAY
    ])
    expect(Relation.sentence({ subject: "Caroline", relation: f.relation, object: "pottery", phrase: f.phrase })).toBe(
      "Caroline is mentioned with pottery"
    )
    expect(r.changes.edgesAdded).toEqual(r.changes.factsCreated)
    // consolidating again creates nothing more
    expect(run(r.graph, q, T0 + 6 * DAY).changes.factsCreated).toEqual([])
  })

  it("rejects a non-finite now with InvalidInput", () => {
    expect(() => Consolidate.consolidate(LiquidGraph.empty(), {}, Params.defaults, Number.NaN)).toThrow(
      expect.objectContaining({ _tag: "InvalidInput" })
    )
  })
})
