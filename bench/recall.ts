/**
 * recall — latency of one `Recall.recall` at n facts (p50 over a stream of random queries).
 *
 * The graph is generated (bench/generate.ts, 100-d embeddings). Each query is what the shell
 * sends: a text naming a random entity (`"what about Entity 123"`, the lexical half of hybrid
 * retrieval) and an embedding near that entity's (cosine ≈ 0.95). The queries run as a stream:
 * each recall's graph (Hebbian co-recall links, access counts) is the next one's input.
 *
 * Metric `recall.ms_p50` (lower is better, ratio = baseline / value); baseline: p50 of a flat
 * `Similarity.topK` scan of the same graph's vectors for the same query embeddings, with
 * k = `anchorCandidates` (recall's own first step, alone). `recall.ms_p99` is reported beside it
 * with the baseline's p99. `recall.archive.ms_p50` / `_p99`: the same queries after half the
 * nodes (the node budget's choice) and their edges were pruned into the archive, which recall
 * still searches (BM25 and vectors cover archived nodes) and re-activates from; same baseline.
 */
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Params from "../core/Params.ts"
import * as Prune from "../core/Prune.ts"
import * as Recall from "../core/Recall.ts"
import * as Similarity from "../core/Similarity.ts"
import * as VectorStore from "../core/VectorStore.ts"
import { entityId, type Generated, generateGraph, label, nearVector, Rng } from "./generate.ts"
import { type BenchOptions, lowerIsBetter, type Metric, progress, sizedName } from "./Metric.ts"
import { consume, now, percentile } from "./timing.ts"

/** Queries per size (after a warm-up of {@link WARMUP}). */
export const QUERIES = 200
export const WARMUP = 30

interface Query {
  readonly text: string
  readonly embedding: ReadonlyArray<number>
  readonly vector: Float32Array
}

const queries = (gen: Generated, count: number, seed: number): Array<Query> => {
  const rng = new Rng(seed)
  const out: Array<Query> = []
  for (let i = 0; i < count; i++) {
    const e = rng.int(gen.labels.length)
    const v = VectorStore.get(gen.graph.vectors, entityId(e))
    if (v === undefined) throw new Error("recall bench: generated graph has no embeddings")
    const vector = nearVector(rng, v, 0.3)
    out.push({ text: `what about ${label(e)}`, embedding: Array.from(vector), vector })
  }
  return out
}

/**
 * The archive in play: half the nodes (the least important, as the node budget picks them) and
 * their edges pruned into the archive, which recall's lexical and vector sources still search and
 * its step 1b re-activates from.
 */
const withArchive = (g: LiquidGraph.LiquidGraph, now: number): LiquidGraph.LiquidGraph =>
  Prune.prune(g, {}, Params.unsafeMake({ maxNodes: Math.max(1, Math.floor(LiquidGraph.nodeCount(g) / 2)) }), now).graph

/** p50 and p99 recall latency at each size, beside a flat top-k scan; then the same with half the graph archived. */
export const run = async (opts: BenchOptions): Promise<Array<Metric>> => {
  const out: Array<Metric> = []
  for (const n of opts.sizes) {
    progress(`recall: generating ${n} facts`)
    const gen = generateGraph({ facts: n })
    out.push(...measure(gen, gen.graph, n, ""))
    progress(`recall: archiving half of the ${LiquidGraph.nodeCount(gen.graph)} nodes`)
    const archived = withArchive(gen.graph, gen.now + 1)
    progress(`recall: ${LiquidGraph.nodeCount(archived)} active nodes, ${LiquidGraph.archivedNodeCount(archived)} archived, ${LiquidGraph.archivedEdgeCount(archived)} archived edges`)
    out.push(...measure(gen, archived, n, ".archive"))
  }
  return out
}

const measure = (gen: Generated, start: LiquidGraph.LiquidGraph, n: number, suffix: string): Array<Metric> => {
  const out: Array<Metric> = []
  const params = Params.defaults
  {
    const warm = queries(gen, WARMUP, 5)
    const qs = queries(gen, QUERIES, 9)
    progress(`recall${suffix}: ${QUERIES} queries at ${n} facts`)
    let g = start
    let t = gen.now + 10_000
    for (const q of warm) g = Recall.recall(g, { text: q.text, embedding: q.embedding }, params, (t += 1000)).graph
    const times: Array<number> = []
    let results = 0
    for (const q of qs) {
      const start = now()
      const r = Recall.recall(g, { text: q.text, embedding: q.embedding }, params, (t += 1000))
      times.push(now() - start)
      g = r.graph
      results += r.result.facts.length
    }
    consume(g)
    progress(`recall: ${(results / qs.length).toFixed(1)} facts recalled per query on average`)
    const scan: Array<Float32Array> = qs.map((q) => q.vector)
    for (const v of warm) consume(Similarity.topK(gen.graph.vectors, v.vector, params.anchorCandidates))
    const base: Array<number> = []
    for (const v of scan) {
      const start = now()
      consume(Similarity.topK(gen.graph.vectors, v, params.anchorCandidates))
      base.push(now() - start)
    }
    out.push(lowerIsBetter(sizedName(`recall${suffix}.ms_p50`, n), percentile(times, 0.5), "ms", percentile(base, 0.5)))
    out.push(lowerIsBetter(sizedName(`recall${suffix}.ms_p99`, n), percentile(times, 0.99), "ms", percentile(base, 0.99)))
  }
  return out
}
