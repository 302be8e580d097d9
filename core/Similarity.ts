/**
 * Similarity — cosine similarity and exact top-k over a {@link VectorStore}.
 *
 * Vectors in a store are unit length, so cosine is a dot product. Results are ordered by score
 * descending, ties by id ascending, so that top-k is deterministic.
 *
 * @since 0.1.0
 */
import * as VectorStore from "./VectorStore.ts"

/** A scored id. */
export interface Hit {
  readonly id: string
  readonly score: number
}

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

const better = (a: Hit, b: Hit): boolean => a.score > b.score || (a.score === b.score && a.id < b.id)

/**
 * The `k` ids whose vectors are most cosine-similar to `query`, best first, among those
 * `accept` admits.
 *
 * Laws: result length = min(k, accepted live vectors); scores non-increasing; deterministic.
 * @complexity O(n · dim + n log k)
 */
export const topK = (
  store: VectorStore.VectorStore,
  query: ArrayLike<number>,
  k: number,
  accept?: (id: string) => boolean
): Array<Hit> => {
  if (k <= 0 || store.size === 0) return []
  const q = normalise(query)
  const dim = store.dim
  const heap: Array<Hit> = [] // min-heap by `better`
  const push = (h: Hit) => {
    if (heap.length < k) {
      heap.push(h)
      let i = heap.length - 1
      while (i > 0) {
        const p = (i - 1) >> 1
        if (better(heap[p]!, heap[i]!)) {
          ;[heap[p], heap[i]] = [heap[i]!, heap[p]!]
          i = p
        } else break
      }
    } else if (better(h, heap[0]!)) {
      heap[0] = h
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < heap.length && better(heap[m]!, heap[l]!)) m = l
        if (r < heap.length && better(heap[m]!, heap[r]!)) m = r
        if (m === i) break
        ;[heap[m], heap[i]] = [heap[i]!, heap[m]!]
        i = m
      }
    }
  }
  VectorStore.forEachPage(store, (data, rows, dead, ids) => {
    for (let r = 0; r < rows; r++) {
      if (dead !== undefined && dead[r] !== 0) continue
      const id = ids[r]!
      if (accept !== undefined && !accept(id)) continue
      let s = 0
      const o = r * dim
      for (let i = 0; i < dim; i++) s += data[o + i]! * q[i]!
      push({ id, score: s })
    }
  })
  return heap.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0))
}
