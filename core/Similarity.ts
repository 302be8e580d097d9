/**
 * Similarity — cosine similarity, exact top-k (flat scan, or through the store's index:
 * {@link nearest}) and approximate (IVF) top-k over a {@link VectorStore}.
 *
 * Vectors in a store are unit length, so cosine is a dot product. Results are ordered by score
 * descending, ties by id ascending, so that top-k is deterministic.
 *
 * The exact scan runs a similarity kernel (core/kernels) over the store's pages: by default the
 * one the benchmark chose for this machine (`Registry.defaultKernel`; WebAssembly SIMD where it
 * exists, else blocked JavaScript). Every kernel agrees with {@link topKReference} within float32
 * rounding (|Δscore| ≤ 1e-5 for unit vectors of dim ≤ 4096; see laws/Similarity.test.ts), and each
 * is deterministic, so `topK` is a pure function.
 *
 * @since 0.1.0
 */
import * as Ann from "./kernels/Ann.ts"
import * as Ivf from "./kernels/Ivf.ts"
import type { Kernel } from "./kernels/Kernel.ts"
import * as Registry from "./kernels/Registry.ts"
import * as TopK from "./kernels/TopK.ts"
import * as VectorStore from "./VectorStore.ts"

/** A scored id. */
export type Hit = TopK.Hit

/** An approximate index (see core/kernels/Ivf.ts). */
export type Index = Ivf.IvfIndex

/** Dot product. Laws: `dot(a, b) == dot(b, a)`. @complexity O(dim) */
export const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}

/**
 * Cosine similarity; 0 when either vector is zero.
 * Laws: `cosine(a, b) == cosine(b, a)`; `cosine(a, a) == 1` for non-zero `a`; in [-1, 1].
 * @complexity O(dim)
 */
export const cosine = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let ab = 0
  let aa = 0
  let bb = 0
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!
    aa += a[i]! * a[i]!
    bb += b[i]! * b[i]!
  }
  return aa === 0 || bb === 0 ? 0 : Math.max(-1, Math.min(1, ab / Math.sqrt(aa * bb)))
}

/** Unit-length copy of `v` (zero stays zero). @complexity O(dim) */
export const normalise = (v: ArrayLike<number>): Float32Array => {
  const out = new Float32Array(v.length)
  let s = 0
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv
  return out
}

const checkDim = (store: VectorStore.VectorStore, query: ArrayLike<number>): void => {
  if (query.length !== store.dim) throw new RangeError(`query of length ${query.length}, store holds ${store.dim}`)
}

/**
 * The `k` ids whose vectors are most cosine-similar to `query`, best first (score desc, id asc),
 * among the live vectors that `accept` admits. Scores are float32 (the kernel's output).
 *
 * `accept` is asked only about ids whose score could enter the result, so it must be pure.
 *
 * Laws: result length = min(k, accepted live vectors); scores non-increasing, ties by id
 * ascending; deterministic; same ids as {@link topKReference} modulo score ties within the kernel
 * tolerance; `kernel` only changes rounding.
 * @throws RangeError when a non-empty store's `dim` differs from `query.length`.
 * @complexity O(n · dim + n log k); one pass over the pages
 * @example topK(store, embedding, 10, (id) => id !== self)
 */
export const topK = (
  store: VectorStore.VectorStore,
  query: ArrayLike<number>,
  k: number,
  accept?: (id: string) => boolean,
  kernel: Kernel = Registry.defaultKernel
): Array<Hit> => {
  if (k <= 0 || store.size === 0) return []
  checkDim(store, query)
  const q = normalise(query)
  const dim = store.dim
  const heap = TopK.make(Math.min(Math.ceil(k), store.size))
  const scores = new Float32Array(VectorStore.PAGE_ROWS)
  VectorStore.forEachPage(store, (data, rows, dead, ids) => {
    kernel.scores(data, rows, dim, q, scores)
    for (let r = 0; r < rows; r++) {
      const s = scores[r]!
      if (!TopK.admits(heap, s) || (dead !== undefined && dead[r] !== 0)) continue
      const id = ids[r]!
      if (accept === undefined || accept(id)) TopK.offer(heap, s, id)
    }
  })
  return TopK.drain(heap)
}

/** Options of {@link nearest}. */
export interface NearestOptions {
  /** Hits scoring below this are not wanted (the index prunes with it); default −∞. */
  readonly minScore?: number
  /** The scoring kernel; default Registry `defaultKernel` (as {@link topK}). */
  readonly kernel?: Kernel
  /** Filled with the rows scored and lists opened (benches, laws). */
  readonly stats?: Ann.Stats
}

/**
 * The `k` ids whose vectors are most cosine-similar to `query`, best first (score desc, id asc),
 * among the live vectors that `accept` admits and that score at least `minScore`: exactly
 * {@link topK}'s answer, found through the store's nearest-neighbour index (core/kernels/Ann.ts)
 * when it has one (from `Ann.MIN_ROWS` rows on) and its bounds prune well, by the flat scan
 * otherwise (below that size, or when the bounds would leave more than `Ann.FLAT_FRACTION` of
 * the rows to read).
 *
 * The index is searched by branch and bound: a row is skipped only when a bound proves it cannot
 * enter the result, so the answer does not depend on the index (when it was trained, forks,
 * replay or snapshot order) — a pure function of the store's content, like {@link topK}.
 *
 * Laws: `nearest(s, q, k, a, { kernel })` deep-equals
 * `topK(s, q, k, a, kernel).filter((h) => h.score ≥ minScore)`; deterministic.
 * @throws RangeError when a non-empty store's `dim` differs from `query.length`.
 * @complexity O(n · dim) without an index; with one O(nlist · dim + m · dim + l) for the m rows
 *   scored and the l list entries read (on clustered data a few lists: ≈ √n · dim)
 * @example nearest(store, embedding, 3, (id) => !id.startsWith("ep:"))
 */
export const nearest = (
  store: VectorStore.VectorStore,
  query: ArrayLike<number>,
  k: number,
  accept?: (id: string) => boolean,
  options: NearestOptions = {}
): Array<Hit> => {
  if (k <= 0 || store.size === 0) return []
  checkDim(store, query)
  const minScore = options.minScore ?? -Infinity
  const kernel = options.kernel ?? Registry.defaultKernel
  const viaIndex = store.ann === undefined
    ? undefined
    : Ann.search(store.ann, store, normalise(query), Math.min(Math.ceil(k), store.size), accept, minScore, kernel, options.stats)
  if (viaIndex !== undefined) return viaIndex
  const hits = topK(store, query, k, accept, kernel)
  if (options.stats !== undefined) {
    options.stats.scored = store.size
    options.stats.lists = 0
  }
  return minScore === -Infinity ? hits : hits.filter((h) => h.score >= minScore)
}

/**
 * The naive reference top-k: float64 dot per row in index order, a sort of all candidates.
 * It is the oracle of the kernel laws; use {@link topK}.
 * Laws: `topKReference(s, q, k, a)` = the first k of all accepted live (id, dot) by (score desc, id asc).
 * @complexity O(n · dim + n log n)
 * @example topKReference(store, q, 10)
 */
export const topKReference = (
  store: VectorStore.VectorStore,
  query: ArrayLike<number>,
  k: number,
  accept?: (id: string) => boolean
): Array<Hit> => {
  if (k <= 0 || store.size === 0) return []
  checkDim(store, query)
  const q = normalise(query)
  const all: Array<Hit> = []
  for (const [id, v] of VectorStore.entries(store)) if (accept === undefined || accept(id)) all.push({ id, score: dot(v, q) })
  all.sort((a, b) => (a.score !== b.score ? b.score - a.score : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return all.slice(0, k)
}

/**
 * Builds an approximate (IVF) index from a store snapshot; deterministic in `seed`.
 * Laws: `buildIndex(s, o)` bit-identical for equal inputs; see core/kernels/Ivf.ts.
 * @complexity O((iterations · sample + n) · nlist · dim), nlist ≈ √n by default
 * @example const index = buildIndex(store, { seed: 7 })
 */
export const buildIndex = (store: VectorStore.VectorStore, options: Ivf.BuildOptions): Index => Ivf.build(store, options)

/**
 * Approximate top-k through `index`, re-ranked exactly against `store` (which may have moved on
 * since the index was built: newer rows are scanned, deleted rows skipped).
 * Laws: every hit is a live accepted id with its exact (float32) score, best first, ties by id;
 * recall@10 vs {@link topK} ≥ 0.95 on clustered data at the default `nprobe` (nlist / 32);
 * `nprobe ≥ nlist` ⇒ same ids as {@link topK} modulo score ties.
 * @throws RangeError when a non-empty store's `dim` differs from `query.length`.
 * @complexity O(nlist · dim + (nprobe / nlist) · n · dim + rows added since the build · dim)
 * @example topKApprox(index, store, q, 10, { nprobe: 32 })
 */
export const topKApprox = (
  index: Index,
  store: VectorStore.VectorStore,
  query: ArrayLike<number>,
  k: number,
  options: Ivf.SearchOptions = {}
): Array<Hit> => {
  if (k <= 0 || store.size === 0) return []
  checkDim(store, query)
  return Ivf.search(index, store, normalise(query), k, options)
}
