/**
 * TopK — a bounded min-heap of the `k` best (score, id) pairs, best = higher score, then lower id.
 *
 * The heap is scratch state local to one top-k computation (created, filled, drained inside a
 * pure function). Its root is the worst kept pair, so a candidate is rejected with one compare.
 *
 * @since 0.1.0
 */

/** A scored id. */
export interface Hit {
  readonly id: string
  readonly score: number
}

/** A bounded heap; build with {@link make}. */
export interface Heap {
  readonly k: number
  size: number
  readonly scores: Float64Array
  readonly ids: Array<string>
}

/** An empty heap keeping at most `k` pairs. @complexity O(k) @example const h = make(10) */
export const make = (k: number): Heap => ({ k, size: 0, scores: new Float64Array(k), ids: new Array<string>(k) })

const worse = (h: Heap, i: number, j: number): boolean =>
  h.scores[i]! < h.scores[j]! || (h.scores[i] === h.scores[j] && h.ids[i]! > h.ids[j]!)

const swap = (h: Heap, i: number, j: number): void => {
  const s = h.scores[i]!
  h.scores[i] = h.scores[j]!
  h.scores[j] = s
  const d = h.ids[i]!
  h.ids[i] = h.ids[j]!
  h.ids[j] = d
}

/**
 * Whether a pair with this score could enter the heap (ids decide exact ties later).
 * Laws: `admits(h, s) == false` ⇒ `offer(h, s, id)` changes nothing.
 * @complexity O(1)
 * @example if (admits(h, s) && accept(id)) offer(h, s, id)
 */
export const admits = (h: Heap, score: number): boolean => h.size < h.k || score >= h.scores[0]!

/**
 * Offers a pair; kept iff it beats the worst kept pair (or the heap is not full).
 * Laws: after any sequence of offers the heap holds the k best pairs offered.
 * @complexity O(log k)
 * @example offer(h, 0.9, "a")
 */
export const offer = (h: Heap, score: number, id: string): void => {
  if (h.size < h.k) {
    let i = h.size++
    h.scores[i] = score
    h.ids[i] = id
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!worse(h, i, p)) break
      swap(h, i, p)
      i = p
    }
    return
  }
  if (score < h.scores[0]! || (score === h.scores[0] && id >= h.ids[0]!)) return
  h.scores[0] = score
  h.ids[0] = id
  let i = 0
  for (;;) {
    const l = 2 * i + 1
    const r = l + 1
    let m = i
    if (l < h.size && worse(h, l, m)) m = l
    if (r < h.size && worse(h, r, m)) m = r
    if (m === i) break
    swap(h, i, m)
    i = m
  }
}

/**
 * The kept pairs, best first (score desc, id asc).
 * Laws: length = min(k, pairs offered); sorted.
 * @complexity O(k log k)
 * @example drain(h) // [{ id: "a", score: 0.9 }, …]
 */
export const drain = (h: Heap): Array<Hit> => {
  const out: Array<Hit> = []
  for (let i = 0; i < h.size; i++) out.push({ id: h.ids[i]!, score: h.scores[i]! })
  return out.sort((a, b) => (a.score !== b.score ? b.score - a.score : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}
