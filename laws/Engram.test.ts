/**
 * Laws of `engram`: no duplicates, every fact lands as a current edge between its resolved
 * nodes, persistence, invariants, determinism, monotone weights, embedding matching, first
 * connections, Hebbian co-occurrence, episodes, typed rejection of invalid input, and a
 * model-based comparison with a naive reference (a map of node ids and a set of current facts).
 */
import { Equal, HashMap } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Engram from "../core/Engram.ts"
import { InvalidInput } from "../core/Errors.ts"
import * as Fact from "../core/Fact.ts"
import * as Key from "../core/Key.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Params from "../core/Params.ts"
import * as Similarity from "../core/Similarity.ts"
import * as Relation from "../core/Relation.ts"
import * as VectorStore from "../core/VectorStore.ts"
import { arbGraph, arbVector, DAY, DIM, fact, NAMES, RELATIONS, semanticNode, T0, T_MAX } from "./Arbitraries.ts"
import { assertValid } from "./Invariants.ts"

const NOW = T_MAX + DAY
const LABELS = [...NAMES, "Alice", "The Paris", "BOB!", "dave", "eve", "frank", "new york", "Zorp-Blick"]
const RELS = [...RELATIONS, "Lives in", "is friend of", "Likes"]

const arbFact = fc
  .record(
    {
      subject: fc.constantFrom(...LABELS),
      relation: fc.constantFrom(...RELS),
      object: fc.constantFrom(...LABELS),
      negated: fc.boolean(),
      confidence: fc.double({ min: 0, max: 1, noNaN: true }),
      validFrom: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null }),
      ends: fc.oneof({ arbitrary: fc.constant(null), weight: 4 }, { arbitrary: fc.integer({ min: 0, max: 1000 }), weight: 1 }),
      source: fc.constantFrom("chat", "doc", "")
    },
    { requiredKeys: ["subject", "relation", "object", "ends"] }
  )
  .map(({ ends, ...f }): Engram.EngramFact => (ends === null ? f : { ...f, validUntil: (f.validFrom ?? 0) + ends }))

const arbEntity = fc.record(
  {
    label: fc.constantFrom(...LABELS),
    kind: fc.constantFrom<"entity" | "concept">("entity", "concept"),
    embedding: arbVector(DIM)
  },
  { requiredKeys: ["label"] }
)

const arbEpisode = fc.record(
  {
    id: fc.constantFrom("t1", "t2", "t3"),
    text: fc.string({ maxLength: 60 }),
    time: fc.option(fc.integer({ min: 0, max: 1e6 }), { nil: null }),
    embedding: arbVector(DIM)
  },
  { requiredKeys: ["id", "text", "time"] }
)

const arbInput: fc.Arbitrary<Engram.EngramInput> = fc.record(
  {
    episode: arbEpisode,
    entities: fc.array(arbEntity, { maxLength: 4 }),
    facts: fc.array(arbFact, { maxLength: 6 }),
    tier: fc.constantFrom<"working" | "long-term">("working", "long-term")
  },
  { requiredKeys: ["facts"] }
)

/** Defaults, and a setting where embedding matches, first connections and Hebbian caps happen often. */
const arbParams = fc.constantFrom(
  Params.defaults,
  Params.unsafeMake({ matchSimilarity: 0.8, gatMinSimilarity: 0.1, gatNeighbors: 2, hebbianMaxPairs: 3 })
)

const nodeIds = (g: LiquidGraph.LiquidGraph): Array<string> => Array.from(HashMap.keys(g.nodes)).sort()
const edgeIds = (g: LiquidGraph.LiquidGraph): Array<string> => Array.from(HashMap.keys(g.edges)).sort()
const tripleKey = (s: string, r: string, o: string, negated: boolean): string => `${s}|${r}|${o}|${negated}`

/** The canonical form of an input fact's triple (what engram stores): `Relation.normalize`. */
const canonical = (f: Engram.EngramFact) => {
  const n = Relation.normalize(f)
  return { subject: n.subject, s: Key.node(n.subject), r: n.relation, object: n.object, o: Key.node(n.object), negated: (f.negated ?? false) || n.negated }
}

/** The key of an input fact's canonical triple. */
const factKey = (f: Engram.EngramFact): string => {
  const c = canonical(f)
  return tripleKey(c.s, c.r, c.o, c.negated)
}

/**
 * Whether a batch both asserts a triple (open) and ends it (with validUntil): such a batch is
 * self-contradictory — the ending closes the open version the assertion landed on — and the
 * per-fact laws below are stated for batches that are not.
 */
const selfContradictory = (x: Engram.EngramInput): boolean => {
  const open = new Set<string>()
  const closed = new Set<string>()
  for (const f of x.facts) {
    const k = factKey(f)
    ;(f.validUntil === undefined || f.validUntil === null ? open : closed).add(k)
  }
  return [...open].some((k) => closed.has(k))
}
const currentFacts = (g: LiquidGraph.LiquidGraph): Array<string> =>
  LiquidGraph.edges(g)
    .filter((e) => e.kind === "fact" && Fact.isCurrent(e))
    .map((e) => tripleKey(e.subject, e.relation, e.object, e.negated))
    .sort()

const thrown = (f: () => unknown): unknown => {
  try {
    f()
  } catch (e) {
    return e
  }
  return undefined
}

describe("Engram", () => {
  it("check(engram(g, x)) == [] and check(engram(engram(g, x), x)) == []", () => {
    fc.assert(
      fc.property(arbGraph(), arbInput, arbParams, (g, x, p) => {
        const once = Engram.engram(g, x, p, NOW).graph
        assertValid(once, "engram")
        assertValid(Engram.engram(once, x, p, NOW + 1).graph, "second engram")
      }),
      { numRuns: 200 }
    )
  })

  it("nodes(engram(engram(g, x), x)) == nodes(engram(g, x)) and the same for edges (no duplicates; x not self-contradictory)", () => {
    fc.assert(
      fc.property(arbGraph(), arbInput, arbParams, (g, x, p) => {
        // a batch that asserts a triple and ends it closes what it asserts; told again, it asserts
        // the triple anew (a new version), as the law below and Engram's doc say
        fc.pre(!selfContradictory(x))
        const once = Engram.engram(g, x, p, NOW).graph
        const twice = Engram.engram(once, x, p, NOW + 1).graph
        expect(LiquidGraph.nodeCount(twice)).toBe(LiquidGraph.nodeCount(once))
        expect(LiquidGraph.edgeCount(twice)).toBe(LiquidGraph.edgeCount(once))
        expect(nodeIds(twice)).toEqual(nodeIds(once))
        expect(edgeIds(twice)).toEqual(edgeIds(once))
      }),
      { numRuns: 200 }
    )
  })

  it("∀ i: edge(engram(g, x), ids.facts[i]) == current fact(ids.nodes(s_i), key(r_i), ids.nodes(o_i)) (x not self-contradictory)", () => {
    fc.assert(
      fc.property(arbGraph(), arbInput, arbParams, (g, x, p) => {
        fc.pre(!selfContradictory(x))
        const { graph, ids } = Engram.engram(g, x, p, NOW)
        expect(ids.facts.length).toBe(x.facts.length)
        x.facts.forEach((f, i) => {
          const e = LiquidGraph.edge(graph, ids.facts[i]!)
          expect(e).toBeDefined()
          expect(e!.kind).toBe("fact")
          const c = canonical(f)
          expect(e!.subject).toBe(ids.nodes.get(c.subject))
          expect(e!.object).toBe(ids.nodes.get(c.object))
          expect(e!.relation).toBe(c.r)
          expect(e!.negated).toBe(c.negated)
          expect(e!.supersededBy).toBeNull()
          expect(e!.validUntil).toBe(f.validUntil ?? null)
          if (f.validUntil === undefined) expect(Fact.isCurrent(e!)).toBe(true)
        })
        // a label whose key already names a node resolves to that node
        for (const [label, id] of ids.nodes) {
          expect(LiquidGraph.hasNode(graph, id)).toBe(true)
          const known = LiquidGraph.resolve(g, Key.node(label))
          if (LiquidGraph.hasNode(g, known)) expect(id).toBe(known)
        }
      }),
      { numRuns: 200 }
    )
  })

  it("engram(g, x) leaves g unchanged (persistence), removes nothing, supersedes nothing, and ends only the facts x says ended", () => {
    fc.assert(
      fc.property(arbGraph(), arbInput, arbParams, (g, x, p) => {
        const before = JSON.stringify(g)
        const h = Engram.engram(g, x, p, NOW).graph
        expect(JSON.stringify(g)).toBe(before)
        for (const n of LiquidGraph.nodes(g)) expect(LiquidGraph.hasNode(h, n.id)).toBe(true)
        // the triples x states with an end: only an open version of one of these may be closed
        const ended = new Map<string, Array<number>>()
        for (const f of x.facts) {
          if (f.validUntil === undefined || f.validUntil === null) continue
          const k = factKey(f)
          ended.set(k, [...(ended.get(k) ?? []), f.validUntil])
        }
        for (const e of LiquidGraph.edges(g)) {
          const after = LiquidGraph.edge(h, e.id)
          expect(after).toBeDefined()
          expect(after!.supersededBy).toBe(e.supersededBy)
          if (after!.validUntil === e.validUntil) continue
          // closed: it was open and current, and x ends its triple at exactly this time
          expect(e.validUntil).toBeNull()
          expect(e.supersededBy).toBeNull()
          expect(ended.get(tripleKey(e.subject, e.relation, e.object, e.negated))).toContain(after!.validUntil)
        }
      }),
      { numRuns: 150 }
    )
  })

  it("engram(g, x) == engram(g, x) (determinism: equal graphs, content hashes and changes)", () => {
    fc.assert(
      fc.property(arbGraph(), arbInput, arbParams, (g, x, p) => {
        const a = Engram.engram(g, x, p, NOW)
        const b = Engram.engram(g, x, p, NOW)
        expect(Equal.equals(a.graph, b.graph)).toBe(true)
        expect(LiquidGraph.contentHash(a.graph)).toBe(LiquidGraph.contentHash(b.graph))
        expect(JSON.stringify(a.graph)).toBe(JSON.stringify(b.graph))
        expect(a.changes).toEqual(b.changes)
        expect(a.ids).toEqual(b.ids)
      }),
      { numRuns: 150 }
    )
  })

  it("weight(engram(engram(g, x), x), f) >= weight(engram(g, x), f) for every input fact f (x does not both assert a triple and end it)", () => {
    fc.assert(
      fc.property(arbGraph(), arbInput, arbParams, (g, x, p) => {
        fc.pre(!selfContradictory(x))
        const first = Engram.engram(g, x, p, NOW)
        const second = Engram.engram(first.graph, x, p, NOW + 1)
        expect(second.ids.facts).toEqual(first.ids.facts)
        for (const id of first.ids.facts) {
          const w1 = LiquidGraph.edge(first.graph, id)!.weight
          const w2 = LiquidGraph.edge(second.graph, id)!.weight
          expect(w2).toBeGreaterThanOrEqual(w1)
          expect(w2).toBeLessThanOrEqual(1)
          if (w1 < 1 && p.engramRate > 0) expect(w2).toBeGreaterThan(w1)
        }
      }),
      { numRuns: 150 }
    )
  })

  it("cosine(embedding(label), v_n) >= matchSimilarity ⇒ nodeCount(engram(g, label)) == nodeCount(g)", () => {
    const g0 = arbGraph().filter((g) => g.vectors.size > 0)
    fc.assert(
      fc.property(
        g0,
        fc.nat(),
        fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), { minLength: DIM, maxLength: DIM }),
        arbParams,
        (g, pick, noise, p) => {
          const [, v] = VectorStore.entries(g.vectors)[pick % g.vectors.size]!
          const embedding = Array.from(v, (x, i) => x + noise[i]!)
          const best = Similarity.topK(g.vectors, embedding, 1, (id) => !id.startsWith("ep:"))[0]!
          fc.pre(best.score >= p.matchSimilarity)
          const { graph, ids, changes } = Engram.engram(g, { entities: [{ label: "a novel thing", embedding }], facts: [] }, p, NOW)
          assertValid(graph)
          expect(LiquidGraph.nodeCount(graph)).toBe(LiquidGraph.nodeCount(g))
          expect(changes.nodesAdded).toEqual([])
          expect(ids.nodes.get("a novel thing")).toBe(best.id)
          // the match is remembered: next time the key is enough, with or without the embedding
          const again = Engram.engram(graph, { facts: [{ subject: "A novel thing", relation: "is", object: best.id }] }, p, NOW)
          expect(again.ids.nodes.get("A novel thing")).toBe(best.id)
          expect(LiquidGraph.nodeCount(again.graph)).toBe(LiquidGraph.nodeCount(g))
        }
      ),
      { numRuns: 150 }
    )
  })

  it("new node n with embedding: surprise(n) == 1 − best cosine, first connections = softmax over ≥ gatMinSimilarity neighbours summing to initialWeight", () => {
    const p = Params.unsafeMake({ hebbianMaxPairs: 0, gatMinSimilarity: 0.2, gatNeighbors: 3, matchSimilarity: 0.999 })
    fc.assert(
      fc.property(arbGraph(), arbVector(DIM), (g, embedding) => {
        const semantic = (id: string) => !id.startsWith("ep:")
        const hits = Similarity.topK(g.vectors, embedding, p.gatNeighbors, semantic)
        fc.pre(hits.length === 0 || hits[0]!.score < p.matchSimilarity)
        const { graph, ids } = Engram.engram(g, { entities: [{ label: "newcomer", embedding }], facts: [] }, p, NOW)
        assertValid(graph)
        const id = ids.nodes.get("newcomer")!
        expect(id).toBe("newcomer")
        const n = LiquidGraph.node(graph, id)!
        expect(n.surprise).toBeCloseTo(hits.length === 0 ? 1 : Math.min(1, 1 - hits[0]!.score), 12)
        expect(n.accessCount).toBe(0)
        const neighbours = hits.filter((h) => h.score >= p.gatMinSimilarity).map((h) => h.id).sort()
        const links = LiquidGraph.incident(graph, id)
        expect(links.every((e) => e.kind === "association")).toBe(true)
        expect(links.map((e) => Fact.other(e, id)).sort()).toEqual(neighbours)
        const total = links.reduce((s, e) => s + e.weight, 0)
        if (neighbours.length > 0) expect(total).toBeCloseTo(p.initialWeight, 9)
        // attention is monotone in similarity
        const w = new Map(links.map((e) => [Fact.other(e, id), e.weight]))
        for (let i = 1; i < hits.length; i++) {
          if (w.has(hits[i]!.id)) expect(w.get(hits[i - 1]!.id)!).toBeGreaterThanOrEqual(w.get(hits[i]!.id)!)
        }
      }),
      { numRuns: 200 }
    )
  })

  it("hebbianPairs(ids, max) == the first max pairs (s[i], s[i+gap]) by (gap, i) over sorted distinct ids", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...NAMES)), fc.nat({ max: 80 }), (ids, max) => {
        const got: Array<string> = []
        Engram.hebbianPairs(ids, max, (a, b) => got.push(a + "~" + b))
        const s = ids.slice().sort()
        const want: Array<[number, number, string]> = []
        for (let i = 0; i < s.length; i++) for (let j = i + 1; j < s.length; j++) want.push([j - i, i, s[i] + "~" + s[j]])
        want.sort((x, y) => x[0] - y[0] || x[1] - y[1])
        expect(got).toEqual(want.slice(0, max).map((w) => w[2]))
      })
    )
  })

  it("co-occurring nodes a < b among the first hebbianMaxPairs pairs: weight(assoc(a, b)) >= hebbianRate", () => {
    const p = Params.unsafeMake({ hebbianMaxPairs: 4, gatNeighbors: 0 })
    fc.assert(
      fc.property(arbGraph(), fc.array(arbFact, { maxLength: 5 }), (g, facts) => {
        const { graph, ids } = Engram.engram(g, { facts }, p, NOW)
        assertValid(graph)
        const touched = [...new Set(ids.nodes.values())].sort()
        const pairs: Array<[string, string]> = []
        for (let gap = 1; gap < touched.length; gap++) for (let i = 0; i + gap < touched.length; i++) pairs.push([touched[i]!, touched[i + gap]!])
        pairs.slice(0, p.hebbianMaxPairs).forEach(([a, b]) => {
          const e = LiquidGraph.edge(graph, Fact.associationId(a, b))
          expect(e).toBeDefined()
          expect(e!.weight).toBeGreaterThanOrEqual(p.hebbianRate)
        })
        // beyond the bound, and with no first connections, no association is created or changed
        for (const [a, b] of pairs.slice(p.hebbianMaxPairs)) {
          const id = Fact.associationId(a, b)
          expect(LiquidGraph.edge(graph, id)).toEqual(LiquidGraph.edge(g, id))
        }
      }),
      { numRuns: 150 }
    )
  })

  it("episode e: engram(g, x) has one node ep:e with a mention of every label's node, and re-engramming e adds none", () => {
    fc.assert(
      fc.property(arbGraph(), arbInput, arbEpisode, arbParams, (g, x0, episode, p) => {
        const x = { ...x0, episode }
        const { graph, ids } = Engram.engram(g, x, p, NOW)
        const epId = "ep:" + episode.id
        expect(ids.episode).toBe(epId)
        const ep = LiquidGraph.node(graph, epId)!
        expect(ep.kind).toBe("episode")
        expect(ep.text).toBe(episode.text)
        expect(ep.time).toBe(episode.time)
        for (const id of ids.nodes.values()) {
          const m = LiquidGraph.edge(graph, Fact.mentionId(epId, id))
          expect(m?.kind).toBe("mention")
        }
        const again = Engram.engram(graph, { facts: [], episode: { ...episode, text: "updated" } }, p, NOW + 1)
        assertValid(again.graph)
        expect(LiquidGraph.nodeCount(again.graph)).toBe(LiquidGraph.nodeCount(graph))
        expect(LiquidGraph.node(again.graph, epId)!.text).toBe("updated")
      }),
      { numRuns: 150 }
    )
  })

  it("every version of (s, r, o) ended ⇒ engram(g, s r o).ids.facts[0] == factId(s, r, o)#n, n the smallest free ≥ 2; old versions untouched", () => {
    fc.assert(
      fc.property(arbGraph(), arbFact, fc.integer({ min: 1, max: 3 }), fc.boolean(), (g, f0, versions, supersede) => {
        const f = { subject: f0.subject, relation: f0.relation, object: f0.object, negated: f0.negated ?? false }
        // make `versions` historical versions of the triple, the second one (if any) missing
        const d = LiquidGraph.draft(g)
        const { s, o, r } = canonical(f)
        for (const id of [s, o]) if (!d.hasNode(id)) d.putNode(semanticNode(id, T0))
        const base = Fact.factId(s, r, o, f.negated)
        const made: Array<string> = []
        for (let v = 1; v <= versions; v++) {
          if (v === 2) continue
          const id = v === 1 ? base : base + "#" + v
          d.removeEdge(id)
          d.putEdge({ ...fact(s, r, o, T0, { negated: f.negated }), id, validUntil: T0 + v, supersededBy: supersede ? "someone" : null })
          made.push(id)
        }
        const g1 = d.finish()
        const { graph, ids } = Engram.engram(g1, { facts: [f] }, Params.defaults, NOW)
        assertValid(graph)
        const expected = base + "#2" // version 2 is never among those made
        expect(ids.facts[0]).toBe(expected)
        expect(Fact.isCurrent(LiquidGraph.edge(graph, expected)!)).toBe(true)
        for (const id of made) expect(LiquidGraph.edge(graph, id)).toEqual(LiquidGraph.edge(g1, id))
        // and the new version is the one reinforced next time
        const again = Engram.engram(graph, { facts: [f] }, Params.defaults, NOW + 1)
        expect(again.ids.facts[0]).toBe(expected)
        expect(LiquidGraph.edgeCount(again.graph)).toBe(LiquidGraph.edgeCount(graph))
        // with #2 taken as well, the next free number is used
        const d2 = LiquidGraph.draft(graph)
        d2.putEdge({ ...LiquidGraph.edge(graph, expected)!, validUntil: NOW, supersededBy: "someone" })
        const third = Engram.engram(d2.finish(), { facts: [f] }, Params.defaults, NOW + 2)
        expect(third.ids.facts[0]).toBe(base + (versions === 3 ? "#4" : "#3"))
      }),
      { numRuns: 150 }
    )
  })

  it("invalid x ⇒ engram(g, x) throws InvalidInput and g is unchanged", () => {
    const corruptions: ReadonlyArray<(x: Engram.EngramInput) => Engram.EngramInput> = [
      (x) => ({ ...x, entities: [...(x.entities ?? []), { label: "wrong dim", embedding: [1, 0, 0, 0, 1] }] }),
      (x) => ({ ...x, entities: [{ label: "nan vector", embedding: [1, Number.NaN, 0, 0] }, ...(x.entities ?? [])] }),
      (x) => ({ ...x, facts: [...x.facts, { subject: "alice", relation: "likes", object: "bob", confidence: Number.NaN }] }),
      (x) => ({ ...x, facts: [{ subject: "alice", relation: "likes", object: "bob", confidence: 1.5 }, ...x.facts] }),
      (x) => ({ ...x, facts: [...x.facts, { subject: "", relation: "likes", object: "bob" }] }),
      (x) => ({ ...x, facts: [...x.facts, { subject: "alice", relation: "likes", object: " !! " }] }),
      (x) => ({ ...x, facts: [...x.facts, { subject: "alice", relation: "--", object: "bob" }] }),
      (x) => ({ ...x, entities: [...(x.entities ?? []), { label: "   " }] }),
      (x) => ({ ...x, facts: [...x.facts, { subject: "alice", relation: "likes", object: "bob", validFrom: Number.POSITIVE_INFINITY }] }),
      (x) => ({ ...x, facts: [...x.facts, { subject: "alice", relation: "likes", object: "bob", validFrom: 10, validUntil: 5 }] }),
      (x) => ({ ...x, episode: { id: "t9", text: "x", time: Number.NaN } })
    ]
    fc.assert(
      fc.property(arbGraph(), arbInput, fc.nat({ max: corruptions.length - 1 }), (g, x, which) => {
        const bad = corruptions[which]!(x)
        const before = JSON.stringify(g)
        const err = thrown(() => Engram.engram(g, bad, Params.defaults, NOW))
        expect(err).toBeInstanceOf(InvalidInput)
        expect((err as InvalidInput)._tag).toBe("InvalidInput")
        expect(JSON.stringify(g)).toBe(before)
      }),
      { numRuns: 200 }
    )
    expect(thrown(() => Engram.engram(LiquidGraph.empty(), { facts: [] }, Params.defaults, Number.NaN))).toBeInstanceOf(InvalidInput)
  })

  it("engram(input, params, now)(g) == engram(g, input, params, now) (data-last)", () => {
    fc.assert(
      fc.property(arbGraph(), arbInput, (g, x) => {
        const a = Engram.engram(g, x, Params.defaults, NOW).graph
        const b = g.pipe(Engram.engram(x, Params.defaults, NOW)).graph
        expect(Equal.equals(a, b)).toBe(true)
      }),
      { numRuns: 30 }
    )
  })

  it("model: node ids and current facts of fold(engram) == those of a naive reference, at every prefix (a fact with validUntil closes the open version it overlaps)", () => {
    // Commands without embeddings, so the reference needs no similarity: a label is its key.
    const arbCommand = fc.record(
      {
        episode: fc.record({ id: fc.constantFrom("t1", "t2", "t3", "t4"), text: fc.string({ maxLength: 10 }), time: fc.constant(null) }),
        entities: fc.array(fc.record({ label: fc.constantFrom(...LABELS) }), { maxLength: 3 }),
        facts: fc.array(arbFact, { maxLength: 5 })
      },
      { requiredKeys: ["facts"] }
    )
    fc.assert(
      fc.property(arbGraph(), fc.array(arbCommand, { minLength: 1, maxLength: 12 }), arbParams, (g0, commands, p) => {
        const refNodes = new Set(nodeIds(g0))
        // current triple → the validFrom of its open version (what a "was true until t" closes)
        const refFacts = new Map(
          LiquidGraph.edges(g0)
            .filter((e) => e.kind === "fact" && Fact.isCurrent(e))
            .map((e) => [tripleKey(e.subject, e.relation, e.object, e.negated), e.validFrom] as const)
        )
        let g = g0
        commands.forEach((x, step) => {
          g = Engram.engram(g, x, p, NOW + step).graph
          assertValid(g, `command ${step}`)
          for (const e of x.entities ?? []) refNodes.add(Key.node(e.label))
          for (const f of x.facts) {
            const { s, o } = canonical(f)
            refNodes.add(s)
            refNodes.add(o)
            const k = factKey(f)
            const until = f.validUntil ?? null
            if (until === null) {
              if (!refFacts.has(k)) refFacts.set(k, f.validFrom ?? null)
              else if (refFacts.get(k) === null) refFacts.set(k, f.validFrom ?? null)
            } else if (refFacts.has(k)) {
              const from = refFacts.get(k)!
              if (from === null || from < until) refFacts.delete(k) // the open version is closed at `until`
            }
          }
          if (x.episode !== undefined) refNodes.add("ep:" + x.episode.id)
          expect(nodeIds(g)).toEqual([...refNodes].sort())
          expect(new Set(currentFacts(g))).toEqual(new Set(refFacts.keys()))
          // no triple has two current versions
          expect(currentFacts(g).length).toBe(refFacts.size)
        })
      }),
      { numRuns: 100 }
    )
  })
})

describe("Engram.engramInto (the draft form Replay folds chunks through)", () => {
  it("batches written into one draft == engram applied batch by batch (graph, contentHash, changes, ids); the source graph is unchanged", () => {
    fc.assert(
      fc.property(arbGraph(), fc.array(arbInput, { minLength: 1, maxLength: 5 }), arbParams, (g, xs, p) => {
        const json = JSON.stringify(g)
        let step = g
        const want: Array<Engram.EngramStep> = []
        xs.forEach((x, i) => {
          const r = Engram.engram(step, x, p, NOW + i)
          want.push({ changes: r.changes, ids: r.ids })
          step = r.graph
        })
        const d = LiquidGraph.draft(g)
        const got = xs.map((x, i) => Engram.engramInto(d, x, p, NOW + i))
        const out = d.finish()
        assertValid(out, "engramInto batches")
        expect(LiquidGraph.contentHash(out)).toBe(LiquidGraph.contentHash(step))
        expect(Equal.equals(out, step)).toBe(true)
        expect(got).toEqual(want)
        expect(JSON.stringify(g)).toBe(json)
      }),
      { numRuns: 60 }
    )
  })

  it("invalid input throws InvalidInput and leaves the draft as it was", () => {
    fc.assert(
      fc.property(arbGraph(), arbInput, (g, x) => {
        const d = LiquidGraph.draft(g)
        Engram.engramInto(d, x, Params.defaults, NOW)
        const bad: Engram.EngramInput = { ...x, facts: [...x.facts, { subject: "alice", relation: "likes", object: "?!" }] }
        expect(() => Engram.engramInto(d, bad, Params.defaults, NOW + 1)).toThrow(InvalidInput)
        expect(Equal.equals(d.finish(), Engram.engram(g, x, Params.defaults, NOW).graph)).toBe(true)
      }),
      { numRuns: 40 }
    )
  })
})
