/**
 * Synthetic liquid graphs for the benchmarks, built fast through `LiquidGraph.draft` directly
 * (no transition runs), from a seeded PRNG so that every run builds the same graph.
 *
 * Shape: `facts / 5` entities; each fact's subject and object are drawn from a Zipf-ish
 * (power-law, exponent {@link ZIPF_S}) distribution over a fixed random permutation of the
 * entities, so a few hubs carry many edges and most entities few; relations come from a small
 * set, and single-valued ones ({@link SINGLE_VALUED}) get at most one fact per subject.
 * Embeddings (when `dim > 0`) are clustered: each entity is a unit vector near one of
 * `max(8, entities / 100)` random centres, so similarity search has structure to find.
 */
import * as Fact from "../core/Fact.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Node from "../core/Node.ts"
import type { MemoryNode } from "../core/Node.ts"

/** System time origin of generated graphs (2026-01-01T00:00:00Z). */
export const T0 = 1_767_225_600_000

/** Embedding length used by the benches that need vectors. */
export const DIM = 100

/** Relations of generated facts. */
export const RELATIONS: ReadonlyArray<string> = [
  "likes", "knows", "lives_in", "works_at", "part_of", "located_in", "owns", "uses", "created", "related_to",
  "visited", "color"
]

/** The relations of {@link RELATIONS} that core/Params.ts lists as single-valued. */
export const SINGLE_VALUED: ReadonlySet<string> = new Set(["lives_in", "works_at", "located_in", "color"])

/** Exponent of the power law entity endpoints are drawn from (density ∝ rank^-s). */
export const ZIPF_S = 0.6

// ── PRNG ──────────────────────────────────────────────────────────────────────

/** A small seeded PRNG (sfc32): `next()` ∈ [0, 1). Same seed, same sequence. */
export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number
  private spare: number | undefined
  constructor(seed: number) {
    this.a = 0x9e3779b9
    this.b = 0x243f6a88
    this.c = 0xb7e15162
    this.d = seed >>> 0
    for (let i = 0; i < 15; i++) this.next()
  }
  /** Uniform in [0, 1). */
  next(): number {
    const a = this.a
    const b = this.b
    const c = this.c
    const d = this.d
    const t = (((a + b) | 0) + d) | 0
    this.d = (d + 1) | 0
    this.a = b ^ (b >>> 9)
    this.b = (c + (c << 3)) | 0
    this.c = (((c << 21) | (c >>> 11)) + t) | 0
    return (t >>> 0) / 4294967296
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare
      this.spare = undefined
      return s
    }
    const u = Math.max(this.next(), 1e-12)
    const v = this.next()
    const r = Math.sqrt(-2 * Math.log(u))
    this.spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }
  /** A power-law rank in [0, n): density ∝ rank^-s (0 ≤ s < 1). */
  zipf(n: number, s = ZIPF_S): number {
    return Math.min(n - 1, Math.floor(n * this.next() ** (1 / (1 - s))))
  }
}

// ── graphs ────────────────────────────────────────────────────────────────────

/** What to generate. */
export interface GraphSpec {
  /** Number of `fact` edges. */
  readonly facts: number
  /** Embedding length; 0 builds no vectors. Default {@link DIM}. */
  readonly dim?: number
  /** PRNG seed. Default 1. */
  readonly seed?: number
}

/** A generated graph and what the benches need to query it. */
export interface Generated {
  readonly graph: LiquidGraph.LiquidGraph
  /** Entity labels, by entity index (`Entity 12`); the node id is its key (`entity 12`). */
  readonly labels: ReadonlyArray<string>
  /** Entity index → popularity rank order used for endpoints (a permutation). */
  readonly byRank: Int32Array
  /** Cluster centres of the embeddings (unit vectors), empty when `dim` is 0. */
  readonly centres: ReadonlyArray<Float32Array>
  readonly dim: number
  /** The latest system time the graph mentions. */
  readonly now: number
}

/** Label of entity `i`. */
export const label = (i: number): string => `Entity ${i}`
/** Node id (key) of entity `i`. */
export const entityId = (i: number): string => `entity ${i}`

/** Number of entities of a graph of `facts` facts. */
export const entityCount = (facts: number): number => Math.max(4, Math.floor(facts / 5))

/** A semantic node as the generator and the baselines build it. */
export const entityNode = (i: number, t: number): MemoryNode => {
  const id = entityId(i)
  return entityNodeWith(id, i, t)
}

/** The node of entity `i` with its id string (engram's nodes use one string for id and key). */
const entityNodeWith = (id: string, i: number, t: number): MemoryNode => Node.semantic(id, label(i), t)

/** A `fact` edge as the generator and the baselines build it. */
export const factEdge = (s: string, r: string, o: string, weight: number, t: number): Fact.Fact => ({
  id: Fact.factId(s, r, o, false),
  kind: "fact",
  subject: s,
  relation: r,
  object: o,
  negated: false,
  weight,
  confidence: 0.8,
  validFrom: null,
  validUntil: null,
  learnedAt: t,
  provenance: ["bench"],
  useCount: 0,
  lastReinforced: t,
  solidified: false,
  supersededBy: null
})

/** A unit vector near `centre` (centre + 0.6 · gaussian noise / √dim, normalised). */
export const nearVector = (rng: Rng, centre: Float32Array, spread = 0.6): Float32Array => {
  const dim = centre.length
  const v = new Float32Array(dim)
  const k = spread / Math.sqrt(dim)
  let s = 0
  for (let i = 0; i < dim; i++) {
    const x = centre[i]! + k * rng.normal()
    v[i] = x
    s += x * x
  }
  const inv = 1 / Math.sqrt(s)
  for (let i = 0; i < dim; i++) v[i] = v[i]! * inv
  return v
}

/** A random unit vector. */
export const randomUnit = (rng: Rng, dim: number): Float32Array => nearVector(rng, new Float32Array(dim), Math.sqrt(dim))

/** Calls `f(subject, relation, object)` for `count` distinct generated triples. */
const triples = (
  rng: Rng,
  entities: number,
  byRank: Int32Array,
  count: number,
  f: (s: number, r: string, o: number) => boolean
): void => {
  let made = 0
  let tries = 0
  while (made < count) {
    if (++tries > count * 50) throw new Error(`generate: could not draw ${count} distinct facts over ${entities} entities`)
    const s = byRank[rng.zipf(entities)]!
    const o = byRank[rng.zipf(entities)]!
    if (s === o) continue
    const r = RELATIONS[rng.int(RELATIONS.length)]!
    if (f(s, r, o)) made++
  }
}

/**
 * Builds a graph of `spec.facts` facts over `facts / 5` entities.
 * @complexity O(facts · log facts + entities · dim)
 */
export const generateGraph = (spec: GraphSpec): Generated => {
  const dim = spec.dim ?? DIM
  const rng = new Rng(spec.seed ?? 1)
  const n = entityCount(spec.facts)
  const byRank = new Int32Array(n)
  for (let i = 0; i < n; i++) byRank[i] = i
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    const t = byRank[i]!
    byRank[i] = byRank[j]!
    byRank[j] = t
  }
  const centres: Array<Float32Array> = []
  if (dim > 0) for (let c = 0; c < Math.max(8, Math.floor(n / 100)); c++) centres.push(randomUnit(rng, dim))
  const d = LiquidGraph.draft(LiquidGraph.empty(dim))
  const labels: Array<string> = []
  for (let i = 0; i < n; i++) {
    labels.push(label(i))
    d.putNode(entityNode(i, T0 + i))
    if (dim > 0) d.setVector(entityId(i), nearVector(rng, centres[rng.int(centres.length)]!))
  }
  let t = T0 + n
  triples(rng, n, byRank, spec.facts, (si, r, oi) => {
    const s = entityId(si)
    const o = entityId(oi)
    if (d.hasEdge(Fact.factId(s, r, o, false))) return false
    if (SINGLE_VALUED.has(r) && d.slot(s, r).length > 0) return false
    d.putEdge(factEdge(s, r, o, 0.2 + 0.8 * rng.next(), t++))
    return true
  })
  return { graph: d.finish(), labels, byRank, centres, dim, now: t }
}

/**
 * `count` distinct new triples over the entities of `gen` (none already in its graph), as
 * entity indices: the facts an engram stream adds.
 */
export const newTriples = (
  gen: Generated,
  rng: Rng,
  count: number
): Array<{ readonly s: number; readonly r: string; readonly o: number }> => {
  const out: Array<{ s: number; r: string; o: number }> = []
  const seen = new Set<string>()
  const g = gen.graph
  triples(rng, gen.labels.length, gen.byRank, count, (s, r, o) => {
    const id = Fact.factId(entityId(s), r, entityId(o), false)
    if (SINGLE_VALUED.has(r) || seen.has(id) || LiquidGraph.hasEdge(g, id)) return false
    seen.add(id)
    out.push({ s, r, o })
    return true
  })
  return out
}
