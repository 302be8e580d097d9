import { Equal, Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Consolidate from "../core/Consolidate.ts"
import * as Fact from "../core/Fact.ts"
import * as Key from "../core/Key.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Params from "../core/Params.ts"
import * as Prune from "../core/Prune.ts"
import { recall, type RecallInput, type RecallPath, type RecallStep } from "../core/Recall.ts"
import * as Similarity from "../core/Similarity.ts"
import * as Text from "../core/Text.ts"
import * as VectorStore from "../core/VectorStore.ts"
import { arbGraph, arbRichGraph, withEnded, arbVector, DAY, episodeNode, fact, NAMES, semanticNode, T0 } from "./Arbitraries.ts"
import { assertValid } from "./Invariants.ts"

const NOW = T0 + 20 * DAY

/** Ends some facts (superseded history) and gives some a later `validFrom`, so `at` matters. */
const withHistory = (g0: LiquidGraph.LiquidGraph, ended: ReadonlyArray<number>, later: ReadonlyArray<number>): LiquidGraph.LiquidGraph => {
  const g = withEnded(g0, ended)
  const facts = LiquidGraph.edges(g).filter((e) => e.kind === "fact").sort((x, y) => (x.id < y.id ? -1 : 1))
  if (facts.length === 0) return g
  const d = LiquidGraph.draft(g)
  later.forEach((p, i) => {
    const f = d.edge(facts[p % facts.length]!.id)!
    d.putEdge({ ...f, validFrom: T0 + (i + 2) * DAY })
  })
  return d.finish()
}

/** Gives some episodes an embedding (the generated graphs give them none), so direct hits happen. */
const withEpisodeVectors = (g: LiquidGraph.LiquidGraph, vectors: ReadonlyArray<ReadonlyArray<number> | undefined>): LiquidGraph.LiquidGraph => {
  if (g.vectors.dim === 0) return g
  const eps = LiquidGraph.nodes(g).filter((n) => n.kind === "episode").map((n) => n.id).sort()
  const d = LiquidGraph.draft(g)
  eps.forEach((id, i) => {
    const v = vectors[i]
    if (v !== undefined) d.setVector(id, v)
  })
  return d.finish()
}

const arbHistoryGraph = (shape: Parameters<typeof arbGraph>[0] = {}) =>
  fc
    .tuple(
      arbRichGraph(shape, 40),
      fc.array(fc.nat(), { maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 4 }),
      fc.array(fc.option(arbVector(), { nil: undefined, freq: 3 }), { minLength: 4, maxLength: 4 })
    )
    .map(([g, ended, later, vectors]) => withEpisodeVectors(withHistory(g, ended, later), vectors))

const arbText = fc
  .array(fc.constantFrom(...NAMES, "where", "does", "the", "live", "who", "Alice", "BOB!", "Paris?"), { minLength: 1, maxLength: 6 })
  .map((ws) => ws.join(" "))

const arbInput: fc.Arbitrary<RecallInput> = fc
  .record(
    {
      text: arbText,
      embedding: arbVector(),
      at: fc.option(fc.integer({ min: T0 - DAY, max: T0 + 12 * DAY }), { nil: null }),
      k: fc.integer({ min: 1, max: 6 }),
      maxResults: fc.integer({ min: 1, max: 40 })
    },
    { requiredKeys: [] }
  )
  .filter((q) => q.text !== undefined || q.embedding !== undefined)

const arbParams = fc
  .record({
    pathThreshold: fc.constantFrom(0, 0.05, 0.1, 0.3, 0.6),
    maxDepth: fc.integer({ min: 0, max: 5 }),
    anchors: fc.integer({ min: 1, max: 6 }),
    anchorCandidates: fc.integer({ min: 1, max: 12 }),
    anchorDiversity: fc.constantFrom(0, 0.5, 1),
    anchorMinSimilarity: fc.constantFrom(-1, 0, 0.2, 0.8),
    coRecallRate: fc.constantFrom(0, 0.05, 0.5),
    episodicShare: fc.constantFrom(0, 0.3, 0.5, 1),
    walkBudget: fc.constantFrom(3, 1_000, 1_000_000),
    coverageSample: fc.constantFrom(1, 2, 64),
    lexicalMaxPostings: fc.constantFrom(0, 1, 2, 10_000)
  })
  .map((o) => Params.unsafeMake(o))

const walkable = (e: Fact.Fact, at: number | null): boolean =>
  Fact.isValidAt(e, at) && (at !== null || e.supersededBy === null)

/** The specificity of a key hit, restated: ln(1 + N / (1 + degree)) / ln(1 + N). */
const idf = (g: LiquidGraph.LiquidGraph, id: string): number => {
  const n = LiquidGraph.nodes(g).length
  const degree = LiquidGraph.edges(g).filter((e) => e.subject === id || e.object === id).length
  return Math.log1p(n / (1 + degree)) / Math.log1p(n)
}

/**
 * BM25 (k1 = 1.2, b = 0.75) of every node for the query's terms, restated as a naive scan of all
 * node texts (an episode's text, a semantic node's label), no index: N = node count, avgdl = Σ
 * lengths / N, df = nodes containing the term; a term with df > `lexicalMaxPostings` is skipped;
 * each node's sum is taken in query-term order (repeats counted); then divided by the best.
 */
const referenceBm25 = (g: LiquidGraph.LiquidGraph, text: string, maxPostings: number): Map<string, number> => {
  const docs = LiquidGraph.nodes(g).map((n) => {
    const ts = Text.terms(n.kind === "episode" ? (n.text ?? n.label) : n.label)
    const tf = new Map<string, number>()
    for (const t of ts) tf.set(t, (tf.get(t) ?? 0) + 1)
    return { id: n.id, tf, length: ts.length }
  })
  const n = docs.length
  const avgdl = docs.reduce((sum, d) => sum + d.length, 0) / n
  const raw = new Map<string, number>()
  if (maxPostings === 0) return raw
  for (const t of Text.terms(text)) {
    const df = docs.filter((d) => d.tf.has(t)).length
    if (df === 0 || df > maxPostings) continue
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5))
    for (const d of docs) {
      const tf = d.tf.get(t)
      if (tf === undefined) continue
      const s = (idf * tf * (1.2 + 1)) / (tf + 1.2 * (1 - 0.75 + (0.75 * d.length) / avgdl))
      raw.set(d.id, (raw.get(d.id) ?? 0) + s)
    }
  }
  const best = Math.max(0, ...raw.values())
  return new Map(Array.from(raw, ([id, x]) => [id, x / best]))
}

/**
 * The direct score of step 1, restated from the module doc: the weighted mean, over the active
 * sources (lexical and key with a text, vector with an embedding and vectors; no time hint here),
 * of BM25 over the query's best (naive scan), the cosine clamped at 0 (`Similarity.dot` of the
 * stored vector), and a key hit's specificity.
 */
const referenceDirect = (g: LiquidGraph.LiquidGraph, q: RecallInput, params: Params.Params): (id: string) => number => {
  const text = q.text
  const wL = text !== undefined && params.lexicalMaxPostings > 0 ? params.fusionLexical : 0
  const wV = q.embedding !== undefined && g.vectors.size > 0 ? params.fusionVector : 0
  const wK = text !== undefined ? params.fusionKey : 0
  const total = wL + wV + wK
  const lexical = wL > 0 ? referenceBm25(g, text!, params.lexicalMaxPostings) : new Map<string, number>()
  const keys = new Map<string, number>()
  if (wK > 0) {
    const words = Key.node(text!).split(" ").filter((w) => w.length > 0)
    const names = new Set<string>([Key.node(words.join(" "))])
    for (let i = 0; i < words.length; i++) {
      for (let n = 1; n <= 3 && i + n <= words.length; n++) names.add(Key.node(words.slice(i, i + n).join(" ")))
    }
    for (const key of names) {
      if (key === "") continue
      const id = LiquidGraph.resolve(g, key)
      if (LiquidGraph.hasNode(g, id)) keys.set(id, idf(g, id))
    }
  }
  return (id) => {
    if (total <= 0) return 0
    const v = wV > 0 ? VectorStore.get(g.vectors, id) : undefined
    const cos = v === undefined ? 0 : Math.max(0, Similarity.dot(v, Similarity.normalise(q.embedding!)))
    return (wL * (lexical.get(id) ?? 0) + wV * cos + wK * (keys.get(id) ?? 0)) / total
  }
}

/**
 * The candidates of step 1, restated: the `fusionCandidates` best lexical hits (raw BM25 desc, id
 * asc), the `fusionCandidates` nearest vectors with cosine ≥ `anchorMinSimilarity`, every key
 * hit; each with its direct score.
 */
const referenceCandidates = (g: LiquidGraph.LiquidGraph, q: RecallInput, params: Params.Params): Map<string, number> => {
  const direct = referenceDirect(g, q, params)
  const pool = new Set<string>()
  if (q.embedding !== undefined && g.vectors.size > 0) {
    for (const hit of Similarity.topK(g.vectors, q.embedding, params.fusionCandidates)) {
      if (hit.score >= params.anchorMinSimilarity) pool.add(hit.id)
    }
  }
  if (q.text !== undefined && params.lexicalMaxPostings > 0) {
    const lex = Array.from(referenceBm25(g, q.text, params.lexicalMaxPostings)).sort(([a, x], [b, y]) => (x !== y ? y - x : a < b ? -1 : a > b ? 1 : 0))
    for (const [id] of lex.slice(0, params.fusionCandidates)) pool.add(id)
    const words = Key.node(q.text).split(" ").filter((w) => w.length > 0)
    const names = new Set<string>([Key.node(words.join(" "))])
    for (let i = 0; i < words.length; i++) {
      for (let n = 1; n <= 3 && i + n <= words.length; n++) names.add(Key.node(words.slice(i, i + n).join(" ")))
    }
    for (const key of names) if (key !== "" && LiquidGraph.hasNode(g, LiquidGraph.resolve(g, key))) pool.add(LiquidGraph.resolve(g, key))
  } else if (q.text !== undefined) {
    const words = Key.node(q.text).split(" ").filter((w) => w.length > 0)
    const names = new Set<string>([Key.node(words.join(" "))])
    for (let i = 0; i < words.length; i++) {
      for (let n = 1; n <= 3 && i + n <= words.length; n++) names.add(Key.node(words.slice(i, i + n).join(" ")))
    }
    for (const key of names) if (key !== "" && LiquidGraph.hasNode(g, LiquidGraph.resolve(g, key))) pool.add(LiquidGraph.resolve(g, key))
  }
  return new Map(Array.from(pool, (id) => [id, direct(id)]))
}

const isDirectHit = (path: RecallPath, id: string): boolean => path.anchor === id && path.edges.length === 0

/** Checks a path against the graph the recall returned; returns its edges. */
const checkPath = (
  g: LiquidGraph.LiquidGraph,
  path: RecallPath,
  step: RecallStep,
  at: number | null,
  params: Params.Params
): Array<Fact.Fact> => {
  const anchored = step.result.anchors.some((a) => a.id === path.anchor)
  // not from an anchor: the context of a candidate episode, one sequence link (active or archived)
  if (!anchored) expect(path.edges.length).toBe(1)
  expect(path.nodes[0]).toBe(path.anchor)
  expect(path.edges.length).toBe(path.nodes.length - 1)
  expect(path.edges.length).toBeLessThanOrEqual(params.maxDepth)
  const edges = path.edges.map((id) => LiquidGraph.edge(g, id) ?? LiquidGraph.archivedEdge(g, id)?.edge!)
  if (!anchored) expect(Fact.isSequence(edges[0]!)).toBe(true)
  let product = 1
  edges.forEach((e, i) => {
    expect(e).toBeDefined()
    const [u, v] = [path.nodes[i]!, path.nodes[i + 1]!]
    expect((e.subject === u && e.object === v) || (e.subject === v && e.object === u)).toBe(true)
    expect(walkable(e, at)).toBe(true)
    product *= e.weight
  })
  expect(path.weight).toBe(product)
  expect(path.weight).toBeGreaterThanOrEqual(params.pathThreshold)
  return edges
}

const sortedByScoreThenId = (xs: ReadonlyArray<{ readonly id: string; readonly score: number }>): boolean =>
  xs.every((x, i) => i === 0 || xs[i - 1]!.score > x.score || (xs[i - 1]!.score === x.score && xs[i - 1]!.id < x.id))

describe("Recall", () => {
  it("facts(recall(g, q)) ⊆ edges(recall(g, q).graph), each reached by a path of weight ≥ pathThreshold; score == direct + fusionWalk · walk, walk ≤ anchor score × path weight", () => {
    fc.assert(
      fc.property(arbHistoryGraph(), arbInput, arbParams, (g, q, params) => {
        const step = recall(g, q, params, NOW)
        assertValid(step.graph, "recall")
        const at = q.at ?? null
        for (const r of step.result.facts) {
          expect(Equal.equals(r.fact, LiquidGraph.edge(step.graph, r.fact.id))).toBe(true)
          expect(r.fact.kind).toBe("fact")
          const edges = checkPath(step.graph, r.path, step, at, params)
          expect(edges[edges.length - 1]!.id).toBe(r.fact.id)
          const anchor = step.result.anchors.find((a) => a.id === r.path.anchor)!
          // a fact's direct score is 0 without a time hint: its score is the walk's
          expect(r.sources!.walk).toBeLessThanOrEqual(anchor.score * r.path.weight)
          expect(r.score).toBe(params.fusionWalk * r.sources!.walk)
        }
        const cands = referenceCandidates(g, q, params)
        const direct = referenceDirect(g, q, params)
        for (const r of step.result.episodes) {
          expect(LiquidGraph.node(step.graph, r.id)?.kind).toBe("episode")
          expect(r.score).toBe(direct(r.id) + params.fusionWalk * r.sources!.walk)
          if (isDirectHit(r.path, r.id)) {
            // no walk reached it: a candidate of step 1, its zero-length path from itself
            expect(r.path).toEqual({ anchor: r.id, nodes: [r.id], edges: [], weight: 1 })
            expect(cands.has(r.id)).toBe(true)
            expect(r.sources!.walk).toBe(0)
          } else {
            checkPath(step.graph, r.path, step, at, params)
            expect(r.path.nodes[r.path.nodes.length - 1]).toBe(r.id)
            // from an anchor (its score), or the context of a candidate episode (its direct score)
            const anchor = step.result.anchors.find((a) => a.id === r.path.anchor)?.score ?? direct(r.path.anchor)
            expect(r.sources!.walk).toBeLessThanOrEqual(anchor * r.path.weight + 1e-12)
          }
        }
      }),
      { numRuns: 300 }
    )
  })

  it("|anchors(recall(g, q))| ≤ K, distinct, each a node of g", () => {
    fc.assert(
      fc.property(arbHistoryGraph(), arbInput, arbParams, (g, q, params) => {
        const { result } = recall(g, q, params, NOW)
        const ids = result.anchors.map((a) => a.id)
        expect(ids.length).toBeLessThanOrEqual(q.k ?? params.anchors)
        expect(new Set(ids).size).toBe(ids.length)
        for (const id of ids) expect(LiquidGraph.hasNode(g, id)).toBe(true)
      }),
      { numRuns: 200 }
    )
  })

  it("|facts| + |episodes| ≤ maxResults, each block sorted by (score desc, id)", () => {
    fc.assert(
      fc.property(arbHistoryGraph(), arbInput, arbParams, (g, q, params) => {
        const { result } = recall(g, q, params, NOW)
        expect(result.facts.length + result.episodes.length).toBeLessThanOrEqual(q.maxResults ?? params.maxResults)
        expect(sortedByScoreThenId(result.facts.map((f) => ({ id: f.fact.id, score: f.score })))).toBe(true)
        expect(sortedByScoreThenId(result.episodes)).toBe(true)
      }),
      { numRuns: 200 }
    )
  })

  it("recall(g, q) with maxResults N == the first results of the full recall, episodicShare reserved", () => {
    fc.assert(
      fc.property(arbHistoryGraph(), arbInput, arbParams, fc.integer({ min: 1, max: 12 }), (g, q, params, n) => {
        const full = recall(g, { ...q, maxResults: 100_000 }, params, NOW).result
        const cut = recall(g, { ...q, maxResults: n }, params, NOW).result
        const F = full.facts.length
        const E = full.episodes.length
        const reserve = F > 0 && E > 0 ? Math.round(params.episodicShare * n) : 0
        const nF = Math.min(F, n - Math.min(E, reserve))
        const nE = Math.min(E, n - nF)
        expect(cut.facts).toEqual(full.facts.slice(0, nF))
        expect(cut.episodes).toEqual(full.episodes.slice(0, nE))
      }),
      { numRuns: 200 }
    )
  })

  it("recall(g, q) == recall(g', q) for g' == g (deterministic, independent of construction order)", () => {
    fc.assert(
      fc.property(arbHistoryGraph(), arbInput, arbParams, (g, q, params) => {
        const rebuilt = Result.getOrThrow(LiquidGraph.fromJSON(JSON.parse(JSON.stringify(g))))
        const a = recall(g, q, params, NOW)
        const b = recall(g, q, params, NOW)
        const c = recall(rebuilt, q, params, NOW)
        expect(Equal.equals(a.graph, b.graph)).toBe(true)
        expect(Equal.equals(a.graph, c.graph)).toBe(true)
        expect(LiquidGraph.contentHash(a.graph)).toBe(LiquidGraph.contentHash(c.graph))
        expect(b.result).toEqual(a.result)
        expect(c.result).toEqual(a.result)
        expect(c.changes).toEqual(a.changes)
      }),
      { numRuns: 150 }
    )
  })

  it("results(recall(g, q)) == candidate episodes ∪ the exhaustive walk from its anchors, score == direct + fusionWalk · max_a direct(a) · Π weight · Π specificity (reference model, budget not binding)", () => {
    fc.assert(
      fc.property(arbHistoryGraph(), arbInput, arbParams, (g, q, p) => {
        const params = Params.unsafeMake({ ...p, maxDepth: Math.min(p.maxDepth, 3), walkBudget: 1_000_000 })
        const at = q.at ?? null
        const step = recall(g, { ...q, maxResults: 100_000 }, params, NOW)
        const h = step.graph
        const facts = new Map<string, number>()
        const walked = new Map<string, number>()
        const offer = (m: Map<string, number>, id: string, s: number) => m.set(id, Math.max(m.get(id) ?? -1, s))
        // every walk (not only simple paths) of ≤ maxDepth edges whose product stays ≥ pathThreshold;
        // its strength: the product of its edge weights and of the specificity of each node it leaves
        const explore = (anchor: string, node: string, weight: number, strength: number, depth: number, relevance: number): void => {
          if (depth > 0 && node !== anchor && LiquidGraph.node(h, node)!.kind === "episode") offer(walked, node, relevance * strength)
          if (depth === params.maxDepth) return
          const leave = strength * idf(h, node)
          for (const e of LiquidGraph.edges(h)) {
            if (e.subject !== node && e.object !== node) continue
            if (!walkable(e, at) || weight * e.weight < params.pathThreshold) continue
            if (e.kind === "fact") offer(facts, e.id, relevance * (leave * e.weight))
            explore(anchor, Fact.other(e, node), weight * e.weight, leave * e.weight, depth + 1, relevance)
          }
        }
        // anchors are candidates of step 1, with their direct scores
        const cands = referenceCandidates(g, q, params)
        const direct = referenceDirect(g, q, params)
        for (const a of step.result.anchors) expect(a.score).toBe(cands.get(a.id))
        for (const a of step.result.anchors) explore(a.id, a.id, 1, 1, 0, a.score)
        // the context: every candidate episode's sequence links (active or archived), one step
        const touched = recall(g, { ...q, maxResults: 100_000, sources: ["lexical", "vector", "key", "time"] }, params, NOW).graph
        if (params.maxDepth >= 1) {
          for (const c of cands.keys()) {
            if (!c.startsWith("ep:") || direct(c) <= 0) continue
            const links = [...LiquidGraph.incident(touched, c), ...Array.from(LiquidGraph.archivedIncident(touched, c), (id) => LiquidGraph.archivedEdge(touched, id)!.edge)]
            for (const e of links) {
              if (!Fact.isSequence(e) || e.weight < params.pathThreshold || !walkable(e, at)) continue
              const n = Fact.other(e, c)
              if (n !== c) offer(walked, n, direct(c) * idf(touched, c) * e.weight)
            }
          }
        }
        // episodes: every candidate episode and every walked one, scored direct + fusionWalk · walk
        const episodes = new Map<string, number>()
        for (const id of cands.keys()) if (LiquidGraph.node(g, id)!.kind === "episode") episodes.set(id, direct(id) + params.fusionWalk * (walked.get(id) ?? 0))
        for (const [id, w] of walked) episodes.set(id, direct(id) + params.fusionWalk * w)
        const close = (actual: Map<string, number>, expected: Map<string, number>) => {
          expect(new Set(actual.keys())).toEqual(new Set(expected.keys()))
          for (const [id, x] of expected) expect(actual.get(id)).toBeCloseTo(x, 12)
        }
        close(new Map(step.result.facts.map((r) => [r.fact.id, r.score])), new Map(Array.from(facts, ([id, x]) => [id, params.fusionWalk * x])))
        close(new Map(step.result.episodes.map((r) => [r.id, r.score])), episodes)
      }),
      { numRuns: 150 }
    )
  })

  it("at == null ⇒ no superseded or ended fact in recall(g, q)", () => {
    fc.assert(
      fc.property(arbHistoryGraph(), arbInput, arbParams, (g, q, params) => {
        const { result } = recall(g, { ...q, at: null, maxResults: 100_000 }, params, NOW)
        for (const r of result.facts) {
          expect(r.fact.supersededBy).toBeNull()
          expect(r.fact.validUntil).toBeNull()
        }
      }),
      { numRuns: 200 }
    )
  })

  it("at == t ⇒ every recalled fact is valid at t", () => {
    fc.assert(
      fc.property(arbHistoryGraph(), arbInput, arbParams, fc.integer({ min: T0 - DAY, max: T0 + 12 * DAY }), (g, q, params, t) => {
        const { result } = recall(g, { ...q, at: t, maxResults: 100_000 }, params, NOW)
        for (const r of result.facts) expect(Fact.isValidAt(r.fact, t)).toBe(true)
      }),
      { numRuns: 150 }
    )
  })

  it("anchor a, walkable fact e ∋ a, weight(e) ≥ pathThreshold ⇒ e ∈ facts(recall(g, q)) (1-hop completeness, any walkBudget)", () => {
    fc.assert(
      fc.property(arbHistoryGraph(), arbInput, arbParams, (g, q, p) => {
        const params = Params.unsafeMake({ ...p, maxDepth: Math.max(1, p.maxDepth) })
        const at = q.at ?? null
        const step = recall(g, { ...q, maxResults: 100_000 }, params, NOW)
        const recalled = new Set(step.result.facts.map((r) => r.fact.id))
        for (const a of step.result.anchors) {
          for (const e of LiquidGraph.incident(step.graph, a.id)) {
            if (e.kind === "fact" && e.weight >= params.pathThreshold && walkable(e, at)) expect(recalled.has(e.id)).toBe(true)
          }
        }
      }),
      { numRuns: 200 }
    )
  })

  it("recall links every pair of anchors (association weight never lower) and touches each anchor", () => {
    fc.assert(
      fc.property(arbHistoryGraph(), arbInput, arbParams, (g, q, params) => {
        const step = recall(g, q, params, NOW)
        const ids = step.result.anchors.map((a) => a.id)
        for (const id of ids) {
          const before = LiquidGraph.node(g, id)!
          const after = LiquidGraph.node(step.graph, id)!
          expect(after.accessCount).toBe(before.accessCount + 1)
          expect(after.recency).toBe(NOW)
        }
        expect(step.changes.nodesUpdated).toEqual(ids)
        if (params.coRecallRate === 0) return
        for (let i = 0; i < ids.length; i++) {
          for (let j = i + 1; j < ids.length; j++) {
            const id = Fact.associationId(ids[i]!, ids[j]!)
            const after = LiquidGraph.edge(step.graph, id)!
            const before = LiquidGraph.edge(g, id)
            expect(after.kind).toBe("association")
            if (before === undefined) {
              expect(after.weight).toBe(params.coRecallRate)
              expect(step.changes.edgesAdded).toContain(id)
            } else {
              expect(after.weight).toBeGreaterThanOrEqual(before.weight)
              expect(step.changes.edgesStrengthened).toContain(id)
            }
          }
        }
        // nothing but the anchors' nodes and their associations changed
        const touched = new Set([...step.changes.edgesAdded, ...step.changes.edgesStrengthened])
        for (const e of LiquidGraph.edges(g)) {
          if (!touched.has(e.id)) expect(Equal.equals(e, LiquidGraph.edge(step.graph, e.id))).toBe(true)
        }
      }),
      { numRuns: 200 }
    )
  })

  it("recall(g, q) leaves g unchanged (persistence)", () => {
    fc.assert(
      fc.property(arbHistoryGraph(), arbInput, arbParams, (g, q, params) => {
        const before = JSON.stringify(g)
        const step = recall(g, q, params, NOW)
        assertValid(step.graph)
        expect(JSON.stringify(g)).toBe(before)
      }),
      { numRuns: 100 }
    )
  })

  it("recall finds a known fact by text and by embedding, with its path", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty(2))
    for (const n of ["alice", "paris", "bob", "berlin"]) d.putNode(semanticNode(n, T0))
    d.putNode(episodeNode("e1", "alice moved to paris", T0))
    d.setVector("alice", [1, 0])
    d.setVector("berlin", [0, 1])
    d.putEdge(fact("alice", "lives_in", "paris", T0, { weight: 0.9 }))
    d.putEdge(fact("bob", "lives_in", "berlin", T0, { weight: 0.9 }))
    d.putEdge(fact("alice", "knows", "bob", T0, { weight: 0.5 }))
    d.putEdge({ ...fact("ep:e1", Fact.MENTIONS, "alice", T0), id: Fact.mentionId("ep:e1", "alice"), kind: "mention", weight: 0.8 })
    const g = d.finish()
    // equal source weights and a walk weight of 1, so the figures below read off the formula
    const params = Params.unsafeMake({ anchors: 1, pathThreshold: 0.3, anchorMinSimilarity: 0.2, fusionLexical: 1, fusionVector: 1, fusionKey: 1, fusionTime: 1, fusionWalk: 1 })

    const byText = recall(g, { text: "Where does Alice live?" }, params, NOW)
    // alice is a key hit (specificity ln(1 + 5/4) / ln 6 ≈ 0.45: 5 nodes, 3 edges) and the best
    // BM25 match of the query (normalised 1): text only, so its direct score is the mean of the two
    const spec = (id: string) => idf(byText.graph, id)
    const s = (1 + idf(g, "alice")) / 2
    expect(byText.result.anchors).toEqual([{ id: "alice", score: s }])
    expect(byText.result.facts.map((f) => f.fact.id)).toEqual([
      Fact.factId("alice", "lives_in", "paris", false),
      Fact.factId("alice", "knows", "bob", false),
      Fact.factId("bob", "lives_in", "berlin", false)
    ])
    const far = byText.result.facts[2]!
    expect(far.path.nodes).toEqual(["alice", "bob", "berlin"])
    // the walk's fan discount: each node the path leaves multiplies by its specificity
    expect(far.score).toBeCloseTo(s * spec("alice") * 0.5 * spec("bob") * 0.9, 12)
    const e1 = byText.result.episodes[0]!
    expect(byText.result.episodes.map((e) => [e.id, e.text])).toEqual([["ep:e1", "alice moved to paris"]])
    expect(e1.score).toBeCloseTo(e1.sources!.lexical / 2 + s * spec("alice") * 0.8, 12)

    const byVector = recall(g, { embedding: [0.1, 1] }, params, NOW)
    expect(byVector.result.anchors.map((a) => a.id)).toEqual(["berlin"])
    expect(byVector.result.facts[0]!.fact.id).toBe(Fact.factId("bob", "lives_in", "berlin", false))
  })

  it("anchors spread over the graph: a redundant near-duplicate candidate loses to a distant one", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty(2))
    for (const n of ["a", "a2", "b", "x", "y"]) d.putNode(semanticNode(n, T0))
    d.setVector("a", [1, 0])
    d.setVector("a2", [0.99, 0.05])
    d.setVector("b", [0.6, 0.8])
    d.putEdge(fact("a", "knows", "x", T0, { weight: 0.9 }))
    d.putEdge(fact("a2", "knows", "x", T0, { weight: 0.9 }))
    d.putEdge(fact("b", "knows", "y", T0, { weight: 0.9 }))
    const g = d.finish()
    const pick = (diversity: number) =>
      recall(g, { embedding: [1, 0] }, Params.unsafeMake({ anchors: 2, anchorDiversity: diversity, coRecallRate: 0 }), NOW).result.anchors.map((a) => a.id)
    expect(pick(0)).toEqual(["a", "a2"])
    expect(pick(0.5)).toEqual(["a", "b"])
  })

  it("a weaker but shorter path is still walked when the stronger one is too long to extend (depth bound)", () => {
    // a-x1-x2-c has product 0.81 in 3 edges; a-y-c has 0.5 in 2 edges: only the latter reaches d
    const d = LiquidGraph.draft(LiquidGraph.empty())
    for (const n of ["a", "x1", "x2", "y", "c", "d"]) d.putNode(semanticNode(n, T0))
    d.putEdge(fact("a", "knows", "x1", T0, { weight: 0.9 }))
    d.putEdge(fact("x1", "knows", "x2", T0, { weight: 1 }))
    d.putEdge(fact("x2", "knows", "c", T0, { weight: 0.9 }))
    d.putEdge(fact("a", "knows", "y", T0, { weight: 0.5 }))
    d.putEdge(fact("y", "knows", "c", T0, { weight: 1 }))
    d.putEdge(fact("c", "knows", "d", T0, { weight: 0.9 }))
    const g = d.finish()
    const { result } = recall(g, { text: "a" }, Params.unsafeMake({ anchors: 1, maxDepth: 3, pathThreshold: 0.1 }), NOW)
    const cd = result.facts.find((f) => f.fact.id === Fact.factId("c", "knows", "d", false))
    expect(cd?.path.nodes).toEqual(["a", "y", "c", "d"])
    expect(cd?.path.weight).toBe(0.5 * 1 * 0.9)
  })

  it("anchors that tie are chosen by id", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty())
    for (const n of ["zorp", "blick", "quux"]) d.putNode(semanticNode(n, T0))
    const g = d.finish()
    const anchors = (k: number) => recall(g, { text: "zorp quux blick" }, Params.unsafeMake({ anchors: k }), NOW).result.anchors
    expect(anchors(1)).toEqual([{ id: "blick", score: 1 }])
    expect(anchors(3).map((a) => a.id)).toEqual(["blick", "quux", "zorp"])
  })

  it("text-only q, lexicalMaxPostings 0 ⇒ score(anchor a) == ln(1 + N / (1 + degree(a))) / ln(1 + N) ∈ (0, 1] (key specificity, IDF)", () => {
    fc.assert(
      fc.property(arbHistoryGraph(), arbText, arbParams, (g, text, p) => {
        const params = Params.unsafeMake({ ...p, lexicalMaxPostings: 0 })
        const { result } = recall(g, { text }, params, NOW)
        for (const a of result.anchors) {
          const n = LiquidGraph.nodes(g).length
          const degree = LiquidGraph.incident(g, a.id).length
          expect(a.score).toBe(Math.log1p(n / (1 + degree)) / Math.log1p(n))
          expect(a.score).toBeGreaterThan(0)
          expect(a.score).toBeLessThanOrEqual(1)
          if (degree === 0) expect(a.score).toBe(1)
        }
      }),
      { numRuns: 150 }
    )
  })

  it("score(anchor a) == (fusionLexical · BM25 / best + fusionVector · max(0, cosine) + fusionKey · specificity) / Σ active weights (reference candidates, naive scan)", () => {
    fc.assert(
      fc.property(arbHistoryGraph(), arbInput, arbParams, (g, q, params) => {
        const { result } = recall(g, q, params, NOW)
        const cands = referenceCandidates(g, q, params)
        for (const a of result.anchors) {
          expect(cands.has(a.id)).toBe(true)
          expect(a.score).toBe(cands.get(a.id))
        }
        // K ≥ |candidates| ≤ anchorCandidates ⇒ every candidate is an anchor
        if (cands.size <= params.anchorCandidates) {
          const all = recall(g, { ...q, k: params.anchorCandidates }, params, NOW).result.anchors
          expect(new Map(all.map((a) => [a.id, a.score]))).toEqual(cands)
        }
      }),
      { numRuns: 200 }
    )
  })

  it("one-term q = t, t ∈ terms(text(n)), df(t) ≤ min(lexicalMaxPostings, anchorCandidates) ⇒ n is a candidate (an anchor when K = anchorCandidates)", () => {
    const words = fc.constantFrom(...NAMES, "episode", "about", "0", "1", "2", "3")
    fc.assert(
      fc.property(arbHistoryGraph(), words, arbParams, (g, t, p) => {
        const params = Params.unsafeMake({ ...p, lexicalMaxPostings: Math.max(1, p.lexicalMaxPostings) })
        const holders = LiquidGraph.nodes(g).filter((n) => Text.terms(LiquidGraph.documentText(n)).includes(t))
        fc.pre(holders.length > 0 && holders.length <= Math.min(params.lexicalMaxPostings, params.anchorCandidates))
        const step = recall(g, { text: t, k: params.anchorCandidates }, params, NOW)
        assertValid(step.graph, "recall")
        const anchors = new Set(step.result.anchors.map((a) => a.id))
        for (const n of holders) expect(anchors.has(n.id)).toBe(true)
      }),
      { numRuns: 200 }
    )
  })

  it("an episode sharing only a rare word with the query (no vector, no key hit) is a direct hit scoring fusionLexical / Σ active weights", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty(2))
    d.putNode(semanticNode("alice", T0))
    d.setVector("alice", [1, 0])
    d.putNode(episodeNode("e1", "Alice adopted a puppy named Zorblax last spring", T0))
    d.putNode(episodeNode("e2", "Alice went hiking with friends", T0))
    d.putNode(episodeNode("e3", "The weather was nice", T0))
    const g = d.finish()
    const params = Params.unsafeMake({ anchors: 1, coRecallRate: 0 })
    const { result } = recall(g, { text: "what is the name of alice's puppy?", embedding: [1, 0] }, params, NOW)
    const e1 = result.episodes.find((e) => e.id === "ep:e1")!
    expect(e1.path).toEqual({ anchor: "ep:e1", nodes: ["ep:e1"], edges: [], weight: 1 })
    expect(e1.sources!.lexical).toBe(1)
    expect(e1.score).toBe(params.fusionLexical / (params.fusionLexical + params.fusionVector + params.fusionKey))
    expect(result.episodes[0]!.id).toBe("ep:e1")
    expect(result.episodes.some((e) => e.id === "ep:e3")).toBe(false)
    // the source off: the episode is not found (it has no vector and is not a key)
    const off = recall(g, { text: "what is the name of alice's puppy?", embedding: [1, 0] }, Params.unsafeMake({ anchors: 1, coRecallRate: 0, lexicalMaxPostings: 0 }), NOW)
    expect(off.result.episodes.some((e) => e.id === "ep:e1")).toBe(false)
  })

  it("specificity(hub) < specificity(rare node): a name mentioned everywhere loses the first anchor to a rare one", () => {
    // "alice" is mentioned by 100 episodes (weight 0.5 each); "zorp" has one strong fact
    const d = LiquidGraph.draft(LiquidGraph.empty())
    for (const n of ["alice", "zorp", "quux"]) d.putNode(semanticNode(n, T0))
    d.putEdge(fact("zorp", "likes", "quux", T0, { weight: 0.9 }))
    for (let i = 0; i < 100; i++) {
      d.putNode(episodeNode(`m${i}`, `alice said thing ${i}`, T0))
      d.putEdge({ ...fact(`ep:m${i}`, Fact.MENTIONS, "alice", T0), id: Fact.mentionId(`ep:m${i}`, "alice"), kind: "mention", weight: 0.5 })
    }
    const g = d.finish()
    const n = 103
    // the key source alone (the lexical source would score "zorp" by BM25 as well)
    const params = Params.unsafeMake({ anchors: 2, anchorDiversity: 0, coRecallRate: 0, lexicalMaxPostings: 0, fusionLexical: 1, fusionVector: 1, fusionKey: 1, fusionTime: 1, fusionWalk: 1 })
    const { result } = recall(g, { text: "alice zorp" }, params, NOW)
    const hub = Math.log1p(n / (1 + 100)) / Math.log1p(n)
    const rare = Math.log1p(n / (1 + 1)) / Math.log1p(n)
    expect(result.anchors).toEqual([{ id: "zorp", score: rare }, { id: "alice", score: hub }])
    expect(hub).toBeLessThan(0.3)
    // scores through the walk carry the fan discount (the specificity of the node left)
    expect(result.facts[0]!.score).toBeCloseTo(rare * rare * 0.9, 12)
    // the hub's mentions score hub × hub × 0.5, far below the rare anchor's fact
    for (const e of result.episodes) expect(e.score).toBeCloseTo(hub * hub * 0.5, 12)
  })

  it("candidate episode e (cosine c ≥ anchorMinSimilarity) ⇒ e ∈ episodes(recall) with score ≥ c; a walk to it adds fusionWalk × its walk score", () => {
    // e1 is the nearest vector but not chosen (K = 1 and the anchor "a" is nearer); e2 is reached from "a" too
    const d = LiquidGraph.draft(LiquidGraph.empty(2))
    d.putNode(semanticNode("a", T0))
    d.putNode(semanticNode("b", T0))
    d.putNode(episodeNode("e1", "unreached episode", T0))
    d.putNode(episodeNode("e2", "reached episode", T0))
    d.setVector("a", [1, 0])
    d.setVector("ep:e1", [0.8, 0.6])
    d.setVector("ep:e2", [0, 1])
    d.putEdge(fact("a", "knows", "b", T0, { weight: 0.9 }))
    d.putEdge({ ...fact("ep:e2", Fact.MENTIONS, "a", T0), id: Fact.mentionId("ep:e2", "a"), kind: "mention", weight: 0.7 })
    const g = d.finish()
    const params = Params.unsafeMake({ anchors: 1, anchorDiversity: 0, anchorMinSimilarity: -1, coRecallRate: 0 })
    const { result } = recall(g, { embedding: [1, 0] }, params, NOW)
    expect(result.anchors.map((a) => a.id)).toEqual(["a"])
    const e1 = result.episodes.find((e) => e.id === "ep:e1")!
    expect(e1.path).toEqual({ anchor: "ep:e1", nodes: ["ep:e1"], edges: [], weight: 1 })
    expect(e1.score).toBeCloseTo(0.8, 6)
    // e2: cosine 0 directly, plus the walk 1 × specificity(a) × 0.7 through the anchor
    const e2 = result.episodes.find((e) => e.id === "ep:e2")!
    expect(e2.path.anchor).toBe("a")
    expect(e2.path.nodes).toEqual(["a", "ep:e2"])
    expect(e2.score).toBeCloseTo(params.fusionWalk * idf(g, "a") * 0.7, 6)
    // with a direct hit stronger than the walk (cosine 0.447 > 0.894 × 0.3), the direct hit is kept
    const d2 = LiquidGraph.draft(LiquidGraph.empty(2))
    d2.putNode(semanticNode("a", T0))
    d2.putNode(episodeNode("e2", "reached episode", T0))
    d2.setVector("a", [1, 0])
    d2.setVector("ep:e2", [0, 1])
    d2.putEdge({ ...fact("ep:e2", Fact.MENTIONS, "a", T0), id: Fact.mentionId("ep:e2", "a"), kind: "mention", weight: 0.3 })
    const weak = recall(d2.finish(), { embedding: [1, 0.5] }, params, NOW).result
    expect(weak.anchors.map((x) => x.id)).toEqual(["a"])
    expect(weak.episodes.map((e) => e.id)).toEqual(["ep:e2"])
    expect(weak.episodes[0]!.score).toBeGreaterThanOrEqual(0.5 / Math.sqrt(1.25) - 1e-6)
  })

  it("recall rejects a query without text or embedding, a wrong-length or non-finite embedding (InvalidInput)", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty(4))
    d.putNode(semanticNode("alice", T0))
    d.setVector("alice", [1, 0, 0, 0])
    const g = d.finish()
    const p = Params.defaults
    for (const q of [{}, { text: "   " }, { embedding: [1, 0] }, { embedding: [1, 0, Number.NaN, 0] }, { text: "alice", k: 0 }, { text: "alice", at: Infinity }]) {
      expect(() => recall(g, q as RecallInput, p, NOW)).toThrow(expect.objectContaining({ _tag: "InvalidInput" }))
    }
  })

  it("facts(recall(g, q, walkBudget b)) ⊆ facts(recall(g, q, walkBudget ∞)), scores ≤ (the budget only cuts the walk)", () => {
    fc.assert(
      fc.property(arbHistoryGraph(), arbInput, arbParams, fc.integer({ min: 1, max: 12 }), (g, q, p, b) => {
        const small = recall(g, { ...q, maxResults: 100_000 }, Params.unsafeMake({ ...p, walkBudget: b }), NOW)
        const full = recall(g, { ...q, maxResults: 100_000 }, Params.unsafeMake({ ...p, walkBudget: 1_000_000 }), NOW)
        assertValid(small.graph)
        expect(Equal.equals(small.graph, full.graph)).toBe(true)
        expect(small.result.anchors).toEqual(full.result.anchors)
        const fullScore = new Map(full.result.facts.map((r) => [r.fact.id, r.score]))
        for (const r of small.result.facts) {
          expect(fullScore.has(r.fact.id)).toBe(true)
          expect(r.score).toBeLessThanOrEqual(fullScore.get(r.fact.id)!)
        }
        const fullEpisodes = new Map(full.result.episodes.map((r) => [r.id, r.score]))
        for (const r of small.result.episodes) expect(r.score).toBeLessThanOrEqual(fullEpisodes.get(r.id)!)
      }),
      { numRuns: 150 }
    )
  })

  it("|facts(recall(g, q))| ≤ Σ_anchors max(degree(a), ⌊walkBudget / K⌋) (each examined edge yields ≤ 1 fact)", () => {
    fc.assert(
      fc.property(arbHistoryGraph(), arbInput, arbParams, fc.integer({ min: 1, max: 12 }), (g, q, p, b) => {
        const params = Params.unsafeMake({ ...p, walkBudget: b })
        const step = recall(g, { ...q, maxResults: 100_000 }, params, NOW)
        const k = step.result.anchors.length
        let bound = 0
        for (const a of step.result.anchors) bound += Math.max(LiquidGraph.degree(step.graph, a.id), Math.max(1, Math.floor(b / k)))
        expect(step.result.facts.length).toBeLessThanOrEqual(bound)
      }),
      { numRuns: 150 }
    )
  })

  it("a hub next to the anchor does not overrun walkBudget: |facts| ≤ degree(anchor) + walkBudget", () => {
    // anchor a — hub h (500 spokes, all strong): the walk reaches h at depth 1 and must stop inside it
    const d = LiquidGraph.draft(LiquidGraph.empty())
    for (const n of ["a", "h", "z"]) d.putNode(semanticNode(n, T0))
    d.putEdge(fact("a", "knows", "h", T0, { weight: 0.9 }))
    d.putEdge(fact("a", "likes", "z", T0, { weight: 0.9 }))
    for (let i = 0; i < 500; i++) {
      d.putNode(semanticNode(`s${i}`, T0))
      d.putEdge(fact("h", "knows", `s${i}`, T0, { weight: 0.9 }))
    }
    const g = d.finish()
    const run = (walkBudget: number) =>
      recall(g, { text: "a" }, Params.unsafeMake({ anchors: 1, maxDepth: 3, pathThreshold: 0.1, walkBudget, maxResults: 100_000 }), NOW).result.facts
    expect(run(20).length).toBeLessThanOrEqual(2 + 20)
    expect(run(20).length).toBeGreaterThanOrEqual(2) // the anchor's own facts always
    expect(run(1_000_000).length).toBe(502)
    expect(run(20)).toEqual(run(20))
  })

  it("recall(g, q) with coverageSample ≥ max degree == recall(g, q) with coverageSample ∞ (the estimate is exact then)", () => {
    fc.assert(
      fc.property(arbHistoryGraph(), arbInput, arbParams, (g, q, p) => {
        const maxDegree = Math.max(1, ...LiquidGraph.nodes(g).map((n) => LiquidGraph.degree(g, n.id)))
        const a = recall(g, q, Params.unsafeMake({ ...p, coverageSample: maxDegree }), NOW)
        const b = recall(g, q, Params.unsafeMake({ ...p, coverageSample: 1_000_000 }), NOW)
        expect(Equal.equals(a.graph, b.graph)).toBe(true)
        expect(a.result).toEqual(b.result)
      }),
      { numRuns: 100 }
    )
  })

  it("recall(q) is data-last as well: g.pipe(recall(q, p, now)) == recall(g, q, p, now)", () => {
    fc.assert(
      fc.property(arbGraph({ maxEdges: 10 }), arbInput, (g, q) => {
        const a = recall(g, q, Params.defaults, NOW)
        const b = g.pipe(recall(q, Params.defaults, NOW))
        expect(Equal.equals(a.graph, b.graph)).toBe(true)
        expect(b.result).toEqual(a.result)
      }),
      { numRuns: 30 }
    )
  })
  it("archived e ∈ results(recall(prune(g), q)) ⇒ e is active in the returned graph, and nodesReactivated == the archived ids that came back (re-activation)", () => {
    fc.assert(
      fc.property(arbHistoryGraph(), arbInput, arbParams, fc.double({ min: 0, max: 1, noNaN: true }), (g, q, params, theta) => {
        // an aggressive prune archives much of g: every node is long inactive at NOW
        const pruned = Prune.prune(g, { threshold: theta }, Params.unsafeMake({ ...params, inactiveAfter: 0 }), NOW).graph
        const step = recall(pruned, { ...q, maxResults: 100_000 }, params, NOW + 1)
        assertValid(step.graph, "recall after prune")
        for (const r of step.result.episodes) expect(LiquidGraph.hasNode(step.graph, r.id)).toBe(true)
        const back = LiquidGraph.nodes(step.graph).filter((n) => LiquidGraph.isArchived(pruned, n.id)).map((n) => n.id).sort()
        expect([...(step.changes.nodesReactivated ?? [])].sort()).toEqual(back)
        for (const id of back) expect(LiquidGraph.node(step.graph, id)!.recency).toBe(NOW + 1)
      }),
      { numRuns: 200 }
    )
  })
  it("summaries(recall(g, q)) == the first K semantic candidates s with summary(g', s) ≠ null, each == Consolidate.summary(g', s) (g' the returned graph): current facts only", () => {
    fc.assert(
      fc.property(arbHistoryGraph(), arbInput, arbParams, (g, q, p) => {
        const params = Params.unsafeMake({ ...p, summaryMinFacts: 1 })
        const step = recall(g, q, params, NOW)
        const cands = referenceCandidates(g, q, params)
        const order = Array.from(cands, ([id, score]) => ({ id, score })).sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : 1))
        const want = order.filter((c) => !c.id.startsWith("ep:") && Consolidate.summary(step.graph, c.id, params) !== null).slice(0, q.k ?? params.anchors)
        expect(step.result.summaries.map((s) => s.id)).toEqual(want.map((c) => c.id))
        for (const s of step.result.summaries) {
          expect(s.summary).toEqual(Consolidate.summary(step.graph, s.id, params))
          for (const id of s.summary.facts) expect(Fact.isCurrent(LiquidGraph.edge(step.graph, id)!)).toBe(true)
        }
      }),
      { numRuns: 200 }
    )
  })
  it("an archived episode linked by an archived mention to an anchor is reached by the walk (walk > 0, path through the archived record) and comes back", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty())
    d.putNode(semanticNode("zorp", T0))
    d.putNode(semanticNode("quill", T0))
    d.putNode(episodeNode("e1", "a quiet evening by the sea", T0))
    d.putEdge(fact("zorp", "owns", "quill", T0, { weight: 0.9 }))
    d.putEdge({ ...fact("ep:e1", Fact.MENTIONS, "zorp", T0), id: Fact.mentionId("ep:e1", "zorp"), kind: "mention", weight: 0.8 })
    // the episode is long inactive: prune archives it with its mention; zorp keeps its fact
    const pruned = Prune.prune(d.finish(), {}, Params.unsafeMake({ inactiveAfter: 0 }), NOW).graph
    expect(LiquidGraph.isArchived(pruned, "ep:e1")).toBe(true)
    expect(LiquidGraph.isArchived(pruned, Fact.mentionId("ep:e1", "zorp"))).toBe(true)
    expect(LiquidGraph.hasNode(pruned, "zorp")).toBe(true)
    const params = Params.unsafeMake({ anchors: 1, pathThreshold: 0.1 })
    const step = recall(pruned, { text: "zorp" }, params, NOW + 1)
    expect(step.result.anchors.map((a) => a.id)).toEqual(["zorp"])
    const e1 = step.result.episodes.find((e) => e.id === "ep:e1")
    expect(e1?.sources?.walk).toBeGreaterThan(0)
    expect(e1?.path.edges).toEqual([Fact.mentionId("ep:e1", "zorp")])
    expect(LiquidGraph.hasNode(step.graph, "ep:e1")).toBe(true)
    expect(step.changes.nodesReactivated).toContain("ep:e1")
    assertValid(step.graph, "recall into the archive")
  })
  it("an archived node among the K best candidates comes back before anchors are chosen, and can be one (step 1b)", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty())
    d.putNode(semanticNode("zorp", T0))
    d.putNode(semanticNode("quill", T0 + DAY))
    const pruned = Prune.prune(d.finish(), {}, Params.unsafeMake({ inactiveAfter: 0 }), NOW).graph
    expect(LiquidGraph.isArchived(pruned, "zorp")).toBe(true)
    const step = recall(pruned, { text: "zorp" }, Params.unsafeMake({ anchors: 1 }), NOW + 1)
    expect(step.result.anchors.map((a) => a.id)).toEqual(["zorp"])
    expect(step.changes.nodesReactivated).toEqual(["zorp"])
    expect(LiquidGraph.isArchived(step.graph, "quill")).toBe(true) // not a candidate: stays archived
    assertValid(step.graph, "recall brings back a candidate")
  })
})
