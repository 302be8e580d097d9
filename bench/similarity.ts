/**
 * Similarity benchmark: exact scan throughput of every kernel against the memory-bandwidth
 * baseline (a `Float32Array.prototype.set` copy of the same bytes, measured in the same run),
 * exact top-k latency, the store's own index (`Similarity.nearest`, exact) against the flat scan
 * and against a peer ANN library from npm (usearch's HNSW, when installed: build time, query
 * time, recall@10, as ratios), and the IVF index's recall@10 and speed-up over exact top-k.
 *
 * Data: seeded clustered unit vectors (1000 centres, Gaussian noise), dim 100 (dim 32 for the
 * approximate index at ≥ 10^6 vectors, to keep its build within minutes). Names at 10^5 carry
 * no suffix; other sizes end in `@1e6` etc.
 *
 * Run: `./node_modules/.bin/node --input-type=module -e "import('./bench/similarity.ts').then(m=>m.run({quick:true,sizes:[1e5]})).then(r=>console.table(r))"`
 */
import * as Ann from "../core/kernels/Ann.ts"
import * as Ivf from "../core/kernels/Ivf.ts"
import type { Kernel } from "../core/kernels/Kernel.ts"
import * as Prng from "../core/kernels/Prng.ts"
import * as Registry from "../core/kernels/Registry.ts"
import * as Similarity from "../core/Similarity.ts"
import * as VectorStore from "../core/VectorStore.ts"
import { type BenchOptions, lowerIsBetter, type Metric, progress, sizedName } from "./Metric.ts"

const suffix = (n: number): string => sizedName("", n)

/** A seeded clustered dataset of `n` unit-length vectors (VectorStore normalises). */
export const clustered = (n: number, dim: number, seed: number, centres = 1000, noise = 0.35): VectorStore.VectorStore => {
  const fill = Prng.clustered(dim, seed, centres, noise)
  let store = VectorStore.empty(dim)
  const v = new Float32Array(dim)
  for (let i = 0; i < n; i++) {
    fill(v)
    store = VectorStore.set(store, `v${i}`, v)
  }
  return store
}

/** Queries: stored vectors plus a little noise (seeded). */
const queries = (store: VectorStore.VectorStore, count: number, seed: number): Array<Float32Array> => {
  let s = Prng.init(seed)
  const out: Array<Float32Array> = []
  for (let j = 0; j < count; j++) {
    s = Prng.next(s)
    const base = VectorStore.get(store, `v${Prng.below(s, store.size)}`)!
    const q = new Float32Array(store.dim)
    for (let d = 0; d < store.dim; d++) {
      s = Prng.next(s)
      q[d] = base[d]! + ((s >>> 0) / 4294967296 - 0.5) * 0.1
    }
    out.push(q)
  }
  return out
}

const median = (xs: Array<number>): number => {
  const a = xs.slice().sort((x, y) => x - y)
  return a[a.length >> 1]!
}

/** Median ms of `f` over `reps` runs after `warm` warm-up runs. */
const time = (f: () => void, reps: number, warm = 2): number => {
  for (let i = 0; i < warm; i++) f()
  const ts: Array<number> = []
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now()
    f()
    ts.push(performance.now() - t0)
  }
  return median(ts)
}

const scanWith = (kernel: Kernel, store: VectorStore.VectorStore, q: Float32Array): (() => void) => {
  const out = new Float32Array(VectorStore.PAGE_ROWS)
  return () => VectorStore.forEachPage(store, (data, rows) => kernel.scores(data, rows, store.dim, q, out))
}

const recallAt = (exact: Array<Similarity.Hit>, approx: Array<Similarity.Hit>): number => {
  const ids = new Set(exact.map((h) => h.id))
  return approx.filter((h) => ids.has(h.id)).length / Math.max(1, exact.length)
}

/** The slice of usearch's API the peer uses (an optional package: see {@link loadUsearch}). */
interface UsearchIndex {
  add(keys: BigUint64Array, vectors: Float32Array): void
  search(q: Float32Array, k: number): { keys: BigUint64Array; distances: Float32Array }
}
interface Usearch {
  Index: new (options: { dimensions: number; metric: string; connectivity: number; expansion_add: number; expansion_search: number }) => UsearchIndex
  MetricKind: { IP: string }
}

/** usearch (npm, prebuilt N-API binaries), or `undefined` with a note on stderr when it is not installed. */
const loadUsearch = async (): Promise<Usearch | undefined> => {
  try {
    const name = "usearch"
    const mod = (await import(name)) as { default?: Usearch } & Usearch
    return mod.default ?? mod
  } catch (e) {
    progress(`similarity: usearch is not installed (${(e as Error).message.split("\n")[0]}): no peer figures`)
    return undefined
  }
}

/**
 * Our index against exact top-k and against the peer, on the same store and queries:
 * `similarity.nearest_ms` (Similarity.nearest, exact by law, baseline: flat topK),
 * `similarity.nearest_rows_scored` (fraction of the rows the bounds left to score),
 * `similarity.nearest_recall_at_10` (1 by law; measured), `similarity.ann_train_ms` (one full
 * training of the store's index, baseline: the peer's build of the same vectors),
 * `similarity.nearest_vs_usearch_ms` (baseline: the peer's query), `similarity.usearch_recall_at_10`.
 */
const annVsPeer = (store: VectorStore.VectorStore, n: number, quick: boolean, usearch: Usearch | undefined): Array<Metric> => {
  const out: Array<Metric> = []
  const sfx = suffix(n)
  const qs = queries(store, quick ? 50 : 200, 4)
  const k = 10
  const exact = qs.map((q) => Similarity.topK(store, q, k))
  const stats = { scored: 0, lists: 0 }
  let scored = 0
  let recall = 0
  for (let j = 0; j < qs.length; j++) {
    recall += recallAt(exact[j]!, Similarity.nearest(store, qs[j]!, k, undefined, { stats }))
    scored += stats.scored
  }
  const exactMs = median(qs.map((q) => timeOnce(() => Similarity.topK(store, q, k))))
  const nearestMs = median(qs.map((q) => timeOnce(() => Similarity.nearest(store, q, k))))
  out.push(lowerIsBetter(`similarity.nearest_ms${sfx}`, nearestMs, "ms", exactMs))
  out.push({ name: `similarity.nearest_rows_scored${sfx}`, value: scored / qs.length / Math.max(1, store.size), unit: "fraction" })
  out.push({ name: `similarity.nearest_recall_at_10${sfx}`, value: recall / qs.length, unit: "fraction" })
  let t = performance.now()
  const trained = Ann.train(store)
  const trainMs = performance.now() - t
  progress(`similarity: index of ${store.size} rows, ${trained.nlist} lists`)
  if (usearch === undefined) {
    out.push({ name: `similarity.ann_train_ms${sfx}`, value: trainMs, unit: "ms" })
    return out
  }
  const dim = store.dim
  const all = VectorStore.entries(store)
  const keys = new BigUint64Array(all.length)
  const flat = new Float32Array(all.length * dim)
  all.forEach(([id, v], i) => {
    keys[i] = BigInt(id.slice(1))
    flat.set(v, i * dim)
  })
  t = performance.now()
  const peer = new usearch.Index({ dimensions: dim, metric: usearch.MetricKind.IP, connectivity: 16, expansion_add: 128, expansion_search: 64 })
  peer.add(keys, flat)
  const peerBuildMs = performance.now() - t
  out.push(lowerIsBetter(`similarity.ann_train_ms${sfx}`, trainMs, "ms", peerBuildMs))
  let peerRecall = 0
  const peerHits = (q: Float32Array): Array<Similarity.Hit> => {
    const r = peer.search(Similarity.normalise(q), k)
    return Array.from(r.keys, (key, i) => ({ id: `v${key}`, score: 1 - r.distances[i]! }))
  }
  for (let j = 0; j < qs.length; j++) peerRecall += recallAt(exact[j]!, peerHits(qs[j]!))
  const peerMs = median(qs.map((q) => timeOnce(() => peerHits(q))))
  out.push(lowerIsBetter(`similarity.nearest_vs_usearch_ms${sfx}`, nearestMs, "ms", peerMs))
  out.push({ name: `similarity.usearch_recall_at_10${sfx}`, value: peerRecall / qs.length, unit: "fraction" })
  return out
}

const timeOnce = (f: () => void): number => {
  const t0 = performance.now()
  f()
  return performance.now() - t0
}

/** Runs the benchmark at each size (vectors). */
export const run = async (opts: BenchOptions): Promise<Array<Metric>> => {
  const out: Array<Metric> = []
  const reps = opts.quick ? 5 : 15
  const usearch = await loadUsearch()
  for (const n of opts.sizes) {
    const sfx = suffix(n)
    const dim = 100
    const store = clustered(n, dim, 1)
    const q = Similarity.normalise(queries(store, 1, 2)[0]!)
    const bytes = store.rows * dim * 4
    const gbps = (ms: number): number => bytes / ms / 1e6
    const scratch = new Float32Array(VectorStore.PAGE_ROWS * dim)
    const copyMs = time(() => VectorStore.forEachPage(store, (data, rows) => scratch.set(rows === VectorStore.PAGE_ROWS ? data : data.subarray(0, rows * dim))), reps)
    const copy = gbps(copyMs)
    const def = Registry.defaultKernel
    const scan = gbps(time(scanWith(def, store, q), reps))
    out.push({ name: `similarity.copy_gbps${sfx}`, value: copy, unit: "GB/s" })
    out.push({ name: `similarity.scan_gbps${sfx}`, value: scan, unit: "GB/s", baseline: copy, ratio: scan / copy })
    const naive = gbps(time(scanWith(Registry.kernel("js-naive")!, store, q), reps))
    out.push({ name: `similarity.js_loop_gbps${sfx}`, value: naive, unit: "GB/s", baseline: copy, ratio: naive / copy })
    for (const name of Registry.available()) {
      if (name === def.name || name === "js-naive") continue
      const v = gbps(time(scanWith(Registry.kernel(name)!, store, q), opts.quick ? 3 : reps, 1))
      out.push({ name: `similarity.${name.replace(/-/g, "_")}_gbps${sfx}`, value: v, unit: "GB/s", baseline: naive, ratio: v / naive })
    }
    const topkMs = time(() => Similarity.topK(store, q, 10), reps)
    const refMs = time(() => Similarity.topKReference(store, q, 10), opts.quick ? 2 : 5, 1)
    out.push({ name: `similarity.topk_ms${sfx}`, value: topkMs, unit: "ms", baseline: refMs, ratio: refMs / topkMs })
    out.push(...annVsPeer(store, n, opts.quick, usearch))
    // approximate index: dim 100 up to 10^5·5, dim 32 above
    const adim = n >= 1e6 ? 32 : 100
    const astore = adim === dim ? store : clustered(n, adim, 1)
    const asfx = adim === dim ? sfx : `${sfx}_d${adim}`
    const t0 = performance.now()
    const index = Ivf.build(astore, { seed: 1 })
    const buildMs = performance.now() - t0
    const qs = queries(astore, opts.quick ? 20 : 100, 3)
    let recall = 0
    const exactTimes: Array<number> = []
    const approxTimes: Array<number> = []
    for (const qq of qs) {
      let t = performance.now()
      const exact = Similarity.topK(astore, qq, 10)
      exactTimes.push(performance.now() - t)
      t = performance.now()
      const approx = Similarity.topKApprox(index, astore, qq, 10)
      approxTimes.push(performance.now() - t)
      recall += recallAt(exact, approx)
    }
    const exactMs = median(exactTimes)
    const approxMs = median(approxTimes)
    // recall@10 against the exact top-10 of the same run (the exact scan is the reference, recall 1 by definition)
    out.push({ name: `similarity.approx_recall_at_10${asfx}`, value: recall / qs.length, unit: "fraction" })
    out.push({ name: `similarity.approx_topk_ms${asfx}`, value: approxMs, unit: "ms", baseline: exactMs, ratio: exactMs / approxMs })
    out.push({ name: `similarity.approx_build_ms${asfx}`, value: buildMs, unit: "ms" })
  }
  return out
}
