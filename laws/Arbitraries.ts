/**
 * fast-check arbitraries for liquid graphs, built directly through `LiquidGraph.Draft` so that
 * every transition's laws can be tested on varied graphs without depending on `engram`.
 *
 * Graphs are small (≤ 12 semantic nodes, ≤ 4 episodes) so that shrinking stays readable, with
 * fact edges (some negated, some ended or superseded, some solidified), associations, episode
 * sequence links, mentions,
 * 4-d vectors on most semantic nodes, weights and confidences in whole percents spread over
 * [0, 1], and times within a few days of `T0`.
 */
import fc from "fast-check"
import * as Fact from "../core/Fact.ts"
import * as Key from "../core/Key.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Node from "../core/Node.ts"
import type { MemoryNode } from "../core/Node.ts"

/** A fixed origin of system time for generated graphs (2026-01-01T00:00:00Z). */
export const T0 = 1_767_225_600_000
export const HOUR = 3_600_000
export const DAY = 24 * HOUR

export const NAMES = ["alice", "bob", "carol", "paris", "london", "berlin", "zorp", "blick", "quux", "red", "blue", "cat"]
export const RELATIONS = ["lives_in", "likes", "beats", "knows", "color", "works_at"]

export const DIM = 4

/** A vector arbitrary of length `dim` with entries in [-1, 1] (not all zero). */
export const arbVector = (dim = DIM) =>
  fc.array(fc.float({ min: -1, max: 1, noNaN: true, noDefaultInfinity: true }), { minLength: dim, maxLength: dim })
    .filter((v) => v.some((x) => Math.abs(x) > 1e-3))

export const semanticNode = (label: string, t: number, extra: Partial<MemoryNode> = {}): MemoryNode =>
  Node.semantic(Key.node(label), label, t, extra)

export const episodeNode = (id: string, text: string, t: number, extra: Partial<MemoryNode> = {}): MemoryNode =>
  Node.episode("ep:" + id, text, t, t, extra)

export const fact = (
  s: string,
  r: string,
  o: string,
  t: number,
  extra: Partial<Fact.Fact> = {}
): Fact.Fact => ({
  id: Fact.factId(s, r, o, extra.negated ?? false),
  kind: "fact",
  subject: s,
  relation: r,
  object: o,
  negated: false,
  weight: 0.5,
  confidence: 0.8,
  validFrom: null,
  validUntil: null,
  learnedAt: t,
  provenance: [],
  useCount: 0,
  lastReinforced: t,
  solidified: false,
  supersededBy: null,
  ...extra
})

const arbEdgeSpec = fc.record({
  kind: fc.constantFrom<"fact" | "association" | "mention">("fact", "fact", "fact", "association", "mention"),
  s: fc.nat(),
  o: fc.nat(),
  r: fc.nat(),
  // whole percents: fc.double over [0, 1] is biased towards tiny values (most weights < 0.1)
  weight: fc.integer({ min: 0, max: 100 }).map((x) => x / 100),
  confidence: fc.integer({ min: 0, max: 100 }).map((x) => x / 100),
  useCount: fc.nat({ max: 10 }),
  negated: fc.boolean(),
  solidified: fc.boolean(),
  ended: fc.integer({ min: 0, max: 5 }).map((x) => x === 0),
  age: fc.integer({ min: 0, max: 10 * DAY })
})

/** Options for {@link arbGraph}. */
export interface GraphShape {
  readonly maxNodes?: number
  readonly maxEdges?: number
  readonly episodes?: boolean
  readonly vectors?: boolean
}

/**
 * A random well-formed graph (all invariants hold), at system time up to `T0 + 10 days`.
 */
export const arbGraph = (shape: GraphShape = {}): fc.Arbitrary<LiquidGraph.LiquidGraph> =>
  fc
    .record({
      nodeCount: fc.integer({ min: 1, max: shape.maxNodes ?? NAMES.length }),
      episodeCount: shape.episodes === false ? fc.constant(0) : fc.integer({ min: 0, max: 4 }),
      edges: fc.array(arbEdgeSpec, { maxLength: shape.maxEdges ?? 30 }),
      vectors: fc.array(fc.option(arbVector(), { nil: undefined, freq: 4 }), { minLength: NAMES.length, maxLength: NAMES.length }),
      tiers: fc.array(fc.boolean(), { minLength: NAMES.length, maxLength: NAMES.length }),
      access: fc.array(fc.nat({ max: 6 }), { minLength: NAMES.length, maxLength: NAMES.length }),
      // the sequence link from episode i to episode i − 1 (told just before it), when present: its weight
      sequence: fc.array(fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }), { minLength: 4, maxLength: 4 })
    })
    .map(({ nodeCount, episodeCount, edges, vectors, tiers, access, sequence }) => {
      const d = LiquidGraph.draft(LiquidGraph.empty(shape.vectors === false ? 0 : DIM))
      const sem = NAMES.slice(0, Math.min(nodeCount, NAMES.length))
      sem.forEach((name, i) => {
        d.putNode(semanticNode(name, T0 + i * HOUR, { tier: tiers[i] ? "working" : "long-term", accessCount: access[i]! }))
        const v = vectors[i]
        if (shape.vectors !== false && v !== undefined) d.setVector(name, v)
      })
      const eps: Array<string> = []
      for (let i = 0; i < episodeCount; i++) {
        const id = "e" + i
        d.putNode(episodeNode(id, `episode ${i} about ${sem[i % sem.length]}`, T0 + i * DAY))
        eps.push("ep:" + id)
        const w = sequence[i]
        if (i > 0 && w !== undefined) {
          const [later, earlier] = ["ep:" + id, eps[i - 1]!]
          d.putEdge({ ...fact(later, Fact.FOLLOWS, earlier, T0 + i * DAY), id: Fact.sequenceId(later, earlier), kind: "association", weight: w })
        }
      }
      for (const e of edges) {
        const t = T0 + e.age
        if (e.kind === "mention") {
          if (eps.length === 0) continue
          const ep = eps[e.s % eps.length]!
          const target = sem[e.o % sem.length]!
          const id = Fact.mentionId(ep, target)
          if (d.hasEdge(id)) continue
          d.putEdge({ ...fact(ep, Fact.MENTIONS, target, t), id, kind: "mention", weight: e.weight })
          continue
        }
        const a = sem[e.s % sem.length]!
        const b = sem[e.o % sem.length]!
        if (a === b) continue
        if (e.kind === "association") {
          const id = Fact.associationId(a, b)
          if (d.hasEdge(id)) continue
          const [s, o] = a < b ? [a, b] : [b, a]
          d.putEdge({ ...fact(s, Fact.ASSOCIATED, o, t), id, kind: "association", weight: e.weight })
          continue
        }
        const r = RELATIONS[e.r % RELATIONS.length]!
        const f = fact(a, r, b, t, {
          weight: e.weight,
          confidence: e.confidence,
          useCount: e.useCount,
          negated: e.negated,
          solidified: e.solidified && e.weight > 0.5
        })
        if (d.hasEdge(f.id)) continue
        // some facts are history: ended, and superseded by a current fact of their slot if one exists
        const winner = e.ended ? d.slot(a, r).find((x) => x.supersededBy === null && x.validUntil === null) : undefined
        d.putEdge(e.ended ? { ...f, validUntil: t + HOUR, supersededBy: winner?.id ?? null } : f)
      }
      return d.finish()
    })

/** The latest time any generated graph mentions: a `now` at or after it is "in the future". */
export const T_MAX = T0 + 12 * DAY

/**
 * {@link arbGraph} with extra edges (facts, associations, mentions) and every edge's weight
 * redrawn in whole percents, optionally with some facts solidified: denser graphs whose walks
 * (recall, connect) have paths to follow.
 */
export const arbRichGraph = (
  shape: GraphShape = {},
  maxExtra = 25,
  options: { readonly solidify?: boolean } = {}
): fc.Arbitrary<LiquidGraph.LiquidGraph> =>
  fc
    .tuple(
      arbGraph(shape),
      fc.array(
        fc.tuple(fc.constantFrom("fact", "fact", "association", "mention"), fc.nat(), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 100 })),
        { maxLength: maxExtra }
      ),
      fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 30 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 7 })
    )
    .map(([g, extra, percents, solid]) => {
      const d = LiquidGraph.draft(g)
      const all = LiquidGraph.nodes(g)
      const sem = all.filter((n) => n.kind !== "episode").map((n) => n.id).sort()
      const eps = all.filter((n) => n.kind === "episode").map((n) => n.id).sort()
      for (const [kind, s, o, r, w] of extra) {
        const b = sem[o % sem.length]!
        if (kind === "mention") {
          if (eps.length === 0) continue
          const ep = eps[s % eps.length]!
          const id = Fact.mentionId(ep, b)
          if (!d.hasEdge(id)) d.putEdge({ ...fact(ep, Fact.MENTIONS, b, T0), id, kind: "mention", weight: w / 100 })
          continue
        }
        const a = sem[s % sem.length]!
        if (a === b) continue
        if (kind === "association") {
          const id = Fact.associationId(a, b)
          const [x, y] = a < b ? [a, b] : [b, a]
          if (!d.hasEdge(id)) d.putEdge({ ...fact(x, Fact.ASSOCIATED, y, T0), id, kind: "association", weight: w / 100 })
          continue
        }
        const f = fact(a, RELATIONS[r % RELATIONS.length]!, b, T0, { weight: w / 100 })
        if (!d.hasEdge(f.id)) d.putEdge(f)
      }
      LiquidGraph.edges(g)
        .sort((x, y) => (x.id < y.id ? -1 : 1))
        .forEach((e, i) =>
          d.putEdge({
            ...e,
            weight: percents[i % percents.length]! / 100,
            ...(options.solidify === true ? { solidified: e.kind === "fact" && solid[i % solid.length]! } : {})
          })
        )
      return d.finish()
    })

/**
 * Ends the facts picked by `picks` (indexes into the facts sorted by id, modulo their count):
 * `validUntil` set a day apart and `supersededBy` naming a (fictitious) winner — history that
 * walks at world time `null` must never take.
 */
export const withEnded = (g: LiquidGraph.LiquidGraph, picks: ReadonlyArray<number>): LiquidGraph.LiquidGraph => {
  const facts = LiquidGraph.edges(g).filter((e) => e.kind === "fact").sort((x, y) => (x.id < y.id ? -1 : 1))
  if (facts.length === 0 || picks.length === 0) return g
  const d = LiquidGraph.draft(g)
  picks.forEach((p, i) => {
    const f = d.edge(facts[p % facts.length]!.id)!
    d.putEdge({ ...f, validUntil: T0 + (i + 1) * DAY, supersededBy: "f|winner|" + i })
  })
  return d.finish()
}
