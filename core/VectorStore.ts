/**
 * VectorStore — a persistent store of unit-length embeddings, kept beside the graph.
 *
 * Model: rows of `dim` float32 values in fixed-size pages of {@link PAGE_ROWS} rows; an id maps
 * to its row ("slot") through a persistent `HashMap`. Vectors are normalised to unit length on
 * the way in (a zero vector stays zero), so cosine similarity is a dot product.
 *
 * Persistence without copying:
 * - Append writes the next row of the last page *in place* when no other version has written
 *   that row yet (each page records the highest row any version wrote). Older versions never
 *   read rows at or beyond their own row count, so they cannot observe the write. When another
 *   version got there first, the last page is copied (one page, never the store).
 * - Delete is a tombstone: the page's `dead` flags are copied (PAGE_ROWS bytes) and one is set.
 * - Replacing a vector is delete + append.
 * - When tombstones outnumber live rows (and exceed a page), the store compacts itself: O(n),
 *   amortised O(1) per delete.
 *
 * The nearest-neighbour index (core/kernels/Ann.ts) lives in the store too, kept by the same
 * scheme: from {@link Ann.MIN_ROWS} rows on, every appended row is filed in a posting list
 * (in place for the newest version of a line, a fork of the lists otherwise), and the index is
 * retrained from the live rows each time the row count grows {@link Ann.GROWTH}-fold. `decode`
 * and `compact` build no index (opening a memory pays no training): the store trains one when
 * it reaches the next `Ann.MIN_ROWS · 2^j` rows (`Ann.needsTraining`). It only makes
 * `Similarity.nearest` faster: no result, equality or encoding depends on it.
 *
 * Equality and hashing are by content (id → vector), not by layout.
 *
 * @since 0.1.0
 */
import { HashMap, Option } from "effect"
import * as Ann from "./kernels/Ann.ts"
import { decodeFloat32, encodeFloat32 } from "./internal/base64.ts"
import { Fingerprint } from "./internal/hash.ts"

/** Rows per page. 256 rows × 100 dims × 4 bytes = 100 KiB: one copy is cheap, a scan is long. */
export const PAGE_ROWS = Ann.PAGE_ROWS

/** One page of rows. `data` and `ids` are shared between versions; `dead` is per version. */
export interface Page {
  readonly data: Float32Array
  readonly ids: Array<string | undefined>
  readonly written: { high: number }
  readonly dead: Uint8Array | undefined
}

/** A persistent vector store. */
export interface VectorStore {
  /** Vector length; 0 while the store has never held a vector. */
  readonly dim: number
  readonly pages: ReadonlyArray<Page>
  /** Rows used by this version, live and dead. */
  readonly rows: number
  /** Live rows. */
  readonly size: number
  readonly index: HashMap.HashMap<string, number>
  /** The nearest-neighbour index of these rows (none below {@link Ann.MIN_ROWS} rows); speed only. */
  readonly ann: Ann.Index | undefined
}

// ── constructors ──────────────────────────────────────────────────────────────

/**
 * The empty store. `dim` fixes the vector length; 0 leaves it to the first `set`.
 * @complexity O(1)
 */
export const empty = (dim = 0): VectorStore => ({ dim, pages: [], rows: 0, size: 0, index: HashMap.empty(), ann: undefined })

// ── getters ───────────────────────────────────────────────────────────────────

/** Whether `id` has a vector. @complexity O(log n) */
export const has = (store: VectorStore, id: string): boolean => HashMap.has(store.index, id)

/**
 * The unit vector of `id` (a read-only view into its page), or `undefined`.
 * @complexity O(log n)
 */
export const get = (store: VectorStore, id: string): Float32Array | undefined => {
  const slot = HashMap.get(store.index, id)
  if (Option.isNone(slot)) return undefined
  const page = store.pages[(slot.value / PAGE_ROWS) | 0]!
  const row = slot.value % PAGE_ROWS
  return page.data.subarray(row * store.dim, (row + 1) * store.dim)
}

/**
 * Calls `f` once per page with its live row count bound: `data` holds `rows` rows of `dim`
 * values; row `r` is live iff `dead === undefined || dead[r] === 0`; `ids[r]` is its id.
 * This is the scan that similarity kernels run over.
 * @complexity O(pages)
 */
export const forEachPage = (
  store: VectorStore,
  f: (data: Float32Array, rows: number, dead: Uint8Array | undefined, ids: ReadonlyArray<string | undefined>) => void
): void => {
  for (let p = 0; p < store.pages.length; p++) {
    const page = store.pages[p]!
    const rows = Math.min(PAGE_ROWS, store.rows - p * PAGE_ROWS)
    f(page.data, rows, page.dead, page.ids)
  }
}

/** Every live `[id, vector]`, in slot order. @complexity O(n) */
export const entries = (store: VectorStore): Array<readonly [string, Float32Array]> => {
  const out: Array<readonly [string, Float32Array]> = []
  const dim = store.dim
  forEachPage(store, (data, rows, dead, ids) => {
    for (let r = 0; r < rows; r++) {
      if (dead !== undefined && dead[r] !== 0) continue
      out.push([ids[r]!, data.subarray(r * dim, (r + 1) * dim)])
    }
  })
  return out
}

// ── transitions ───────────────────────────────────────────────────────────────

const normalise = (v: ArrayLike<number>, out: Float32Array, offset: number, raw: boolean): void => {
  if (raw) {
    for (let i = 0; i < v.length; i++) out[offset + i] = v[i]!
    return
  }
  let s = 0
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0
  // `+ 0` turns -0 into 0: a vector must store the same bits whether or not its log went through JSON
  for (let i = 0; i < v.length; i++) out[offset + i] = v[i]! * inv + 0
}

const markDead = (store: VectorStore, slot: number): ReadonlyArray<Page> => {
  const p = (slot / PAGE_ROWS) | 0
  const page = store.pages[p]!
  const dead = page.dead === undefined ? new Uint8Array(PAGE_ROWS) : page.dead.slice()
  dead[slot % PAGE_ROWS] = 1
  const pages = store.pages.slice()
  pages[p] = { data: page.data, ids: page.ids, written: page.written, dead }
  return pages
}

const append = (
  pages: ReadonlyArray<Page>,
  rows: number,
  dim: number,
  id: string,
  v: ArrayLike<number>,
  raw: boolean
): ReadonlyArray<Page> => {
  const p = (rows / PAGE_ROWS) | 0
  const row = rows % PAGE_ROWS
  if (row === 0) {
    const page: Page = { data: new Float32Array(PAGE_ROWS * dim), ids: new Array(PAGE_ROWS), written: { high: 1 }, dead: undefined }
    normalise(v, page.data, 0, raw)
    page.ids[0] = id
    const next = pages.slice()
    next[p] = page
    return next
  }
  const page = pages[p]!
  if (page.written.high === row) {
    // No version has written this row: write in place; older versions cannot see it.
    normalise(v, page.data, row * dim, raw)
    page.ids[row] = id
    page.written.high = row + 1
    return pages
  }
  // Another version already wrote this row: copy the page's first `row` rows.
  const data = new Float32Array(PAGE_ROWS * dim)
  data.set(page.data.subarray(0, row * dim))
  normalise(v, data, row * dim, raw)
  const ids = page.ids.slice(0, row)
  ids.length = PAGE_ROWS
  ids[row] = id
  const dead = page.dead === undefined ? undefined : page.dead.slice()
  if (dead !== undefined) dead.fill(0, row)
  const next = pages.slice()
  next[p] = { data, ids, written: { high: row + 1 }, dead }
  return next
}

/**
 * Rebuilds the store with only its live rows, in slot order.
 * Laws: `equals(compact(s), s)`; `compact(s).rows == compact(s).size`.
 * @complexity O(n · dim)
 */
export const compact = (store: VectorStore): VectorStore => {
  let next = empty(store.dim)
  for (const [id, v] of entries(store)) next = put(next, id, v, true, false)
  return next
}

/**
 * Sets the vector of `id` (normalised to unit length), replacing any previous one.
 *
 * Laws: `get(set(s, id, v), id) == v / |v|`; `s` is unchanged (persistence);
 * `set(set(s, id, v), id, w) ≡ set(s, id, w)` by content.
 * @throws RangeError when `v.length` differs from a non-zero `dim` (callers validate first).
 * @complexity O(dim + log n) amortised; copies at most one page.
 */
export const set = (store: VectorStore, id: string, v: ArrayLike<number>): VectorStore => put(store, id, v, false)

const put = (store: VectorStore, id: string, v: ArrayLike<number>, raw: boolean, withIndex = true): VectorStore => {
  const dim = store.dim === 0 ? v.length : store.dim
  if (v.length !== dim || dim === 0) throw new RangeError(`vector of length ${v.length}, store holds ${dim}`)
  const old = HashMap.get(store.index, id)
  const pages0 = Option.isSome(old) ? markDead(store, old.value) : store.pages
  const slot = store.rows
  const pages = append(pages0, slot, dim, id, v, raw)
  const next: VectorStore = {
    dim,
    pages,
    rows: slot + 1,
    size: Option.isSome(old) ? store.size : store.size + 1,
    index: HashMap.set(store.index, id, slot),
    ann: undefined
  }
  if (!withIndex) return next
  if (Ann.needsTraining(next.rows, store.ann)) return { ...next, ann: Ann.train(next) }
  if (store.ann === undefined) return next
  const r = slot % PAGE_ROWS
  const unit = pages[(slot / PAGE_ROWS) | 0]!.data.subarray(r * dim, (r + 1) * dim)
  return { ...next, ann: Ann.add(store.ann, slot, unit) }
}

/**
 * Removes the vector of `id` (a tombstone); a no-op when it has none.
 * Laws: `has(remove(s, id), id) == false`; `remove(remove(s, id), id) ≡ remove(s, id)`.
 * @complexity O(PAGE_ROWS + log n) amortised (an occasional O(n) compaction).
 */
export const remove = (store: VectorStore, id: string): VectorStore => {
  const old = HashMap.get(store.index, id)
  if (Option.isNone(old)) return store
  const next: VectorStore = {
    dim: store.dim,
    pages: markDead(store, old.value),
    rows: store.rows,
    size: store.size - 1,
    index: HashMap.remove(store.index, id),
    ann: store.ann
  }
  const deadRows = next.rows - next.size
  return deadRows > PAGE_ROWS && deadRows > next.size ? compact(next) : next
}

// ── equality, hashing, encoding ───────────────────────────────────────────────

/**
 * Content equality: same dimension (when non-empty), same ids, bit-identical vectors.
 * @complexity O(n · dim)
 */
export const equals = (a: VectorStore, b: VectorStore): boolean => {
  if (a.size !== b.size) return false
  if (a.size === 0) return true
  if (a.dim !== b.dim) return false
  for (const [id, va] of entries(a)) {
    const vb = get(b, id)
    if (vb === undefined) return false
    for (let i = 0; i < va.length; i++) if (!Object.is(va[i], vb[i])) return false
  }
  return true
}

/** Adds each live entry's canonical form to a fingerprint. @complexity O(n · dim) */
export const fingerprint = (store: VectorStore, into: Fingerprint): void => {
  for (const [id, v] of entries(store)) into.add("v|" + id + "|" + encodeFloat32(v))
}

/** The JSON form: dimension and base64 little-endian float32 rows, sorted by id. */
export interface Encoded {
  readonly dim: number
  readonly entries: ReadonlyArray<readonly [string, string]>
}

/** Encodes to {@link Encoded}; sorted, so equal stores encode identically. @complexity O(n log n) */
export const encode = (store: VectorStore): Encoded => ({
  dim: store.dim,
  entries: entries(store)
    .map(([id, v]) => [id, encodeFloat32(v)] as const)
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
})

/** Decodes {@link Encoded}; a message string when a row is not valid base64 of `dim` floats. */
export const decode = (enc: Encoded): VectorStore | string => {
  let store = empty(enc.dim)
  for (const [id, b64] of enc.entries) {
    const v = decodeFloat32(b64)
    if (v === undefined || v.length !== enc.dim) return `vector of ${id} is not ${enc.dim} base64 float32 values`
    if (has(store, id)) return `vector of ${id} appears twice`
    store = put(store, id, v, true, false)
  }
  return store
}
