/**
 * engram — time per fact to engram a stream of batches into a graph already holding n facts.
 *
 * The graph is generated (bench/generate.ts, 100-d embeddings); the stream is batches of
 * {@link BATCH} new facts over its entities plus one new entity per 5 facts (the generator's
 * entity/fact ratio, so the graph keeps its shape while it grows). Each batch is one
 * `Engram.engram(g, input, params, now)` call whose result graph the next batch builds on.
 *
 * Metrics (lower is better, ratio = baseline / value):
 * - `engram.us_per_fact`: full batches as the shell writes them: an episode (node + mentions),
 *   every entity mentioned with its embedding (new ones go through similarity matching and
 *   attention), and the facts.
 * - `engram.us_per_fact_no_embeddings`: the same facts without any entity or embedding (label
 *   matching and structure only).
 * Baseline of both: the same inserts (new nodes, new edges, looked up by label through a
 * persistent `HashMap` index) into effect's `Graph`, one `Graph.mutate` per batch: it clones all
 * of its maps on every mutation, the copy-on-write cost the persistent HAMT avoids.
 * - `engram.us_per_fact_no_embeddings_vs_graphology`: the no-embeddings figure again, beside the
 *   peer most JS users would pick for writes: graphology's mutable `Graph` (directed, multi),
 *   pre-filled with the same n facts, receiving the same inserts (a node added when its label is
 *   new, an edge per fact with its relation as an attribute). graphology keeps no history (every
 *   write destroys the previous version), no indexes beyond adjacency and no semantics, so the
 *   ratio (graphology / MAGS) is the price of persistence, indexes and engram's rules together.
 */
import { Graph, HashMap, Option } from "effect"
import { MultiDirectedGraph } from "graphology"
import * as Engram from "../core/Engram.ts"
import type { LiquidGraph } from "../core/LiquidGraph.ts"
import * as Params from "../core/Params.ts"
import * as VectorStore from "../core/VectorStore.ts"
import { entityCount, entityId, type Generated, generateGraph, label, nearVector, newTriples, Rng } from "./generate.ts"
import { type BenchOptions, lowerIsBetter, type Metric, progress, sizedName } from "./Metric.ts"
import { consume, now } from "./timing.ts"

/** Facts per engram batch. */
export const BATCH = 10

interface Batch {
  /** Entity labels of the batch's facts, existing and new. */
  readonly facts: ReadonlyArray<{ readonly subject: string; readonly relation: string; readonly object: string }>
  /** Entities mentioned, with embeddings (new ones first appear here). */
  readonly entities: ReadonlyArray<{ readonly label: string; readonly embedding: ReadonlyArray<number> }>
  /** The observation the facts came from. */
  readonly episode: { readonly id: string; readonly text: string; readonly time: null }
}

/**
 * `count` batches of {@link BATCH} facts: each fact is a new triple over existing entities, and
 * one fact in five has a fresh entity (never seen before) as its object.
 */
export const makeBatches = (gen: Generated, count: number, seed: number): Array<Batch> => {
  const rng = new Rng(seed)
  const triples = newTriples(gen, rng, count * BATCH)
  let fresh = gen.labels.length
  const vector = (i: number): ReadonlyArray<number> => {
    const stored = VectorStore.get(gen.graph.vectors, entityId(i))
    return Array.from(stored ?? nearVector(rng, gen.centres[rng.int(gen.centres.length)]!))
  }
  const out: Array<Batch> = []
  for (let b = 0; b < count; b++) {
    const facts: Array<Batch["facts"][number]> = []
    const mentioned = new Map<string, number>()
    for (let k = 0; k < BATCH; k++) {
      const t = triples[b * BATCH + k]!
      const o = k % 5 === 4 ? fresh++ : t.o
      facts.push({ subject: label(t.s), relation: t.r, object: label(o) })
      mentioned.set(label(t.s), t.s)
      mentioned.set(label(o), o)
    }
    const entities = [...mentioned].map(([l, i]) => ({ label: l, embedding: vector(i) }))
    const text = facts.map((f) => `${f.subject} ${f.relation} ${f.object}.`).join(" ")
    out.push({ facts, entities, episode: { id: `bench ${seed} ${b}`, text, time: null } })
  }
  return out
}

// ── baseline: effect's Graph, copied on every mutation ────────────────────────

interface Baseline {
  graph: Graph.DirectedGraph<string, string>
  index: HashMap.HashMap<string, number>
}

const baselineOf = (gen: Generated): Baseline => {
  let index = HashMap.empty<string, number>()
  const graph = Graph.directed<string, string>((m) => {
    for (const l of gen.labels) index = HashMap.set(index, l, Graph.addNode(m, l))
    for (const f of gen.graph.edges) {
      const e = f[1]
      Graph.addEdge(m, Option.getOrThrow(HashMap.get(index, labelOfId(e.subject))), Option.getOrThrow(HashMap.get(index, labelOfId(e.object))), e.relation)
    }
  })
  return { graph, index }
}

const labelOfId = (id: string): string => "Entity " + id.slice("entity ".length)

const baselineInsert = (base: Baseline, batch: Batch): void => {
  let index = base.index
  base.graph = Graph.mutate(base.graph, (m) => {
    const nodeOf = (l: string): number => {
      const found = HashMap.get(index, l)
      if (Option.isSome(found)) return found.value
      const i = Graph.addNode(m, l)
      index = HashMap.set(index, l, i)
      return i
    }
    for (const f of batch.facts) Graph.addEdge(m, nodeOf(f.subject), nodeOf(f.object), f.relation)
  })
  base.index = index
}

// ── peer: graphology's mutable graph ──────────────────────────────────────────

/** A graphology graph holding the generated graph's entities and facts. */
const graphologyOf = (gen: Generated): MultiDirectedGraph => {
  const g = new MultiDirectedGraph()
  for (const l of gen.labels) g.addNode(l)
  for (const f of gen.graph.edges) {
    const e = f[1]
    g.addEdge(labelOfId(e.subject), labelOfId(e.object), { relation: e.relation })
  }
  return g
}

const graphologyInsert = (g: MultiDirectedGraph, batch: Batch): void => {
  for (const f of batch.facts) {
    if (!g.hasNode(f.subject)) g.addNode(f.subject)
    if (!g.hasNode(f.object)) g.addNode(f.object)
    g.addEdge(f.subject, f.object, { relation: f.relation })
  }
}

/** µs per fact of the batches' inserts into graphology (after one warm-up batch). */
const graphologyUs = (gen: Generated, batches: ReadonlyArray<Batch>): number => {
  const g = graphologyOf(gen)
  graphologyInsert(g, batches[0]!)
  const start = now()
  for (let b = 1; b < batches.length; b++) graphologyInsert(g, batches[b]!)
  const us = ((now() - start) * 1000) / ((batches.length - 1) * BATCH)
  consume(g)
  return us
}

// ── measurement ───────────────────────────────────────────────────────────────

const streamUs = (g0: LiquidGraph, batches: ReadonlyArray<Batch>, t0: number, withEmbeddings: boolean): number => {
  const params = Params.defaults
  let g = g0
  const start = now()
  for (let b = 0; b < batches.length; b++) {
    const batch = batches[b]!
    const input = withEmbeddings ? batch : { facts: batch.facts }
    g = Engram.engram(g, input, params, t0 + b * 1000).graph
  }
  const us = ((now() - start) * 1000) / (batches.length * BATCH)
  consume(g)
  return us
}

const baselineUs = (gen: Generated, batches: ReadonlyArray<Batch>, budgetMs: number): number => {
  const base = baselineOf(gen)
  baselineInsert(base, batches[0]!) // warm-up
  const start = now()
  let done = 0
  for (let b = 1; b < batches.length && (done < 3 || now() - start < budgetMs); b++) {
    baselineInsert(base, batches[b]!)
    done++
  }
  return ((now() - start) * 1000) / (done * BATCH)
}

/** µs per engrammed fact at each size, beside effect's copy-on-mutation `Graph`. */
export const run = async (opts: BenchOptions): Promise<Array<Metric>> => {
  const out: Array<Metric> = []
  for (const n of opts.sizes) {
    progress(`engram: generating ${n} facts`)
    const gen = generateGraph({ facts: n })
    const count = Math.max(50, Math.min(opts.quick ? 100 : 400, Math.ceil(entityCount(n) / 10)))
    const warm = makeBatches(gen, 30, 7)
    const batches = makeBatches(gen, count, 11)
    progress(`engram: ${count} batches of ${BATCH} facts into ${n} facts`)
    streamUs(gen.graph, warm, gen.now + 1, true)
    streamUs(gen.graph, warm, gen.now + 1, false)
    const withEmb = streamUs(gen.graph, batches, gen.now + 1_000_000, true)
    const without = streamUs(gen.graph, batches, gen.now + 1_000_000, false)
    progress(`engram: baseline (effect Graph) at ${n} facts`)
    const base = baselineUs(gen, batches, opts.quick ? 1500 : 5000)
    progress(`engram: peer (graphology) at ${n} facts`)
    const peer = Math.min(graphologyUs(gen, batches), graphologyUs(gen, batches))
    out.push(lowerIsBetter(sizedName("engram.us_per_fact", n), withEmb, "us/fact", base))
    out.push(lowerIsBetter(sizedName("engram.us_per_fact_no_embeddings", n), without, "us/fact", base))
    out.push(lowerIsBetter(sizedName("engram.us_per_fact_no_embeddings_vs_graphology", n), without, "us/fact", peer))
  }
  return out
}
