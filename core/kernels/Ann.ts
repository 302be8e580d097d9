/**
 * Ann — the nearest-neighbour index a {@link VectorStore} keeps beside its rows: an inverted file
 * (spherical k-means centroids, one posting list of rows per centroid) searched by
 * **branch and bound**, so that its answer is the *exact* top-k, only faster.
 *
 * Why exact: engram's match-or-create decides what a new label becomes from the top hits, and
 * replay must rebuild the same graph as live, from a snapshot or from the first event. An
 * approximate answer depends on the index's layout, which depends on history (when the centroids
 * were trained, which rows came before, what a snapshot's decode re-ordered), so two versions
 * with the same content could answer differently. Here the index decides only *which rows are
 * scored*; a row is skipped only when a bound proves it cannot enter the result, so the result is
 * the exact top-k of the rows, a pure function of the store's content whatever the index holds.
 *
 * The bound. Rows `x`, centroid `c`, query `q` are unit vectors. With `a = x·c` (stored per row)
 * and `b = q·c` (computed per query per centroid), the angle between `q` and `x` is at least
 * `∠(q, c) − ∠(x, c)` (triangle inequality on the sphere), so
 * `q·x ≤ 1` when `b ≥ a`, else `q·x ≤ b·a + √(1−b²)·√(1−a²)`. A list is skipped when the bound
 * at its smallest `a` (a prefix minimum kept per list) is below the current k-th score (minus a
 * margin {@link MARGIN} that covers float32 rounding); within a list, each row is skipped on its
 * own bound, then on a second one read from the list's int8 copy of the row (stored contiguously
 * in list order, so a list reads sequentially): with `s` the row's scale and `e` the norm of
 * what its codes miss, `q·x ≤ s · (q·codes) + e`. Only rows that pass both have their float
 * vector read (scattered, from the store's pages). Candidates are scored with the same kernel as the exact
 * scan (`Similarity.topK`), so a row's score is bit-identical to the scan's (every kernel scores
 * a row from that row and the query alone; see laws/Ann.test.ts).
 *
 * Memory: per row a slot, three floats of bounds, `dim` int8 codes, scale and error (≈ dim + 24
 * bytes, up to twice that while lists have spare capacity), plus `nlist × dim` centroid floats.
 *
 * Persistence without copying (the VectorStore page scheme, applied to lists): the index object
 * is shared by the versions of one line of appends. Each list holds slots in ascending order; a
 * version with `rows` rows sees the entries with slot < rows. Only the version whose `rows`
 * equals `owner.high` (the newest of the line) appends in place; any other version that appends
 * first copies the lists it can see (a fork: O(n · dim) bytes of codes and bounds, never the
 * float vectors). Tombstoned rows stay in the lists and are skipped through the version's own
 * `dead` flags. The index is retrained from the version's live rows when its row count reaches
 * {@link MIN_ROWS}, then each time it grows {@link GROWTH}-fold (amortised O(nlist · dim) per
 * row); a store decoded from a snapshot or compacted starts without one and trains when it
 * reaches the next MIN_ROWS · 2^j rows ({@link needsTraining}), so opening a memory never pays
 * a training.
 *
 * Where the data has no cluster structure at the index's scale (the bounds leave more than
 * {@link FLAT_FRACTION} of the rows), {@link search} gives way and the caller runs the flat scan:
 * never much slower than the scan, as fast as the structure allows.
 *
 * @since 0.2.0
 */
import { argmax, centroidsFromSums, type Kernel } from "./Kernel.ts"
import * as Prng from "./Prng.ts"
import { defaultKernel } from "./Registry.ts"
import * as TopK from "./TopK.ts"

/** Rows per VectorStore page (VectorStore re-exports it). */
export const PAGE_ROWS = 256
const PAGE_SHIFT = 8
const PAGE_MASK = PAGE_ROWS - 1

/** Below this many rows a store keeps no index: the exact scan is as fast (≈ 1024 × dim floats). */
export const MIN_ROWS = 1024

/** The index is retrained when the store's rows reach this multiple of the rows it was trained at. */
export const GROWTH = 4

/** Margin below the k-th score under which a bound prunes: covers float32 rounding of bounds and scores. */
export const MARGIN = 1e-4

/** Most lists an index may have (list ids are packed into 12 bits while ordering). */
export const MAX_LISTS = 4096

/** Lloyd iterations when training. */
const ITERATIONS = 4

/** Training sample: this many rows per list (at most the live rows). */
const SAMPLE_PER_LIST = 16

/** Training seed (any fixed value: results never depend on it, only speed does). */
const SEED = 0x6d616773

/** One page of a store, as the index reads it. */
export interface PageView {
  readonly data: Float32Array
  readonly dead: Uint8Array | undefined
  readonly ids: ReadonlyArray<string | undefined>
}

/** One version of a store, as the index reads it. */
export interface StoreView {
  readonly dim: number
  readonly rows: number
  readonly pages: ReadonlyArray<PageView>
}

/** A posting list; its arrays grow (replaced by larger copies) in place, shared by a line of versions. */
interface List {
  slots: Int32Array
  /** `x·c` of each row. */
  cos: Float32Array
  /** `√(1 − (x·c)²)` of each row. */
  sin: Float32Array
  /** Prefix minimum of `cos`. */
  minCos: Float32Array
  /** Each row quantised: `dim` int8 codes `round(x / scale)`, contiguous in list order. */
  codes: Int8Array
  /** `max |x_i| / 127` of each row. */
  scale: Float32Array
  /** `‖x − scale · codes‖` of each row, rounded up: the bound on what the codes miss. */
  err: Float32Array
  len: number
}

/** The index of a store version (see the module doc). Treat as opaque. */
export interface Index {
  readonly dim: number
  readonly nlist: number
  /** `nlist × dim` unit centroids, row-major; never mutated. */
  readonly centroids: Float32Array
  /** Rows of the version it was trained on. */
  readonly trainedAt: number
  readonly lists: ReadonlyArray<List>
  /**
   * Per list, its length and its smallest `x·c` for the newest version of the line (mirrors of
   * `lists[c].len` and `lists[c].minCos[len − 1]`, kept flat so that a search reads every list's
   * bound from two arrays instead of touching `nlist` objects).
   */
  readonly lens: Int32Array
  readonly minAll: Float32Array
  /** Rows of the newest version of the line: only a version with this many rows appends in place. */
  readonly owner: { high: number }
}

// ── training ──────────────────────────────────────────────────────────────────

const liveSlots = (view: StoreView): Int32Array => {
  const out = new Int32Array(view.rows)
  let n = 0
  for (let slot = 0; slot < view.rows; slot++) {
    const page = view.pages[(slot / PAGE_ROWS) | 0]!
    const r = slot % PAGE_ROWS
    if (page.dead === undefined || page.dead[r] === 0) out[n++] = slot
  }
  return out.subarray(0, n)
}

const rowOf = (view: StoreView, slot: number): Float32Array => {
  const dim = view.dim
  const r = slot % PAGE_ROWS
  return view.pages[(slot / PAGE_ROWS) | 0]!.data.subarray(r * dim, (r + 1) * dim)
}

const newList = (capacity: number, dim: number): List => {
  const cap = Math.max(4, capacity)
  return {
    slots: new Int32Array(cap), cos: new Float32Array(cap), sin: new Float32Array(cap), minCos: new Float32Array(cap),
    codes: new Int8Array(cap * dim), scale: new Float32Array(cap), err: new Float32Array(cap), len: 0
  }
}

const grow = <A extends Int32Array | Float32Array | Int8Array>(x: A, n: number, make: (n: number) => A): A => {
  const y = make(n)
  y.set(x)
  return y
}

/** Appends row `slot` (unit vector `v`, `a = v · centroid`) to `list`, growing it when full. */
const push = (list: List, slot: number, a: number, v: Float32Array, dim: number): void => {
  if (list.len === list.slots.length) {
    const cap = list.len * 2
    list.slots = grow(list.slots, cap, (n) => new Int32Array(n))
    list.cos = grow(list.cos, cap, (n) => new Float32Array(n))
    list.sin = grow(list.sin, cap, (n) => new Float32Array(n))
    list.minCos = grow(list.minCos, cap, (n) => new Float32Array(n))
    list.codes = grow(list.codes, cap * dim, (n) => new Int8Array(n))
    list.scale = grow(list.scale, cap, (n) => new Float32Array(n))
    list.err = grow(list.err, cap, (n) => new Float32Array(n))
  }
  const i = list.len++
  const c = Math.max(-1, Math.min(1, a))
  list.slots[i] = slot
  list.cos[i] = c
  list.sin[i] = Math.sqrt(1 - c * c)
  list.minCos[i] = i === 0 ? c : Math.min(list.minCos[i - 1]!, c)
  let max = 0
  for (let d = 0; d < dim; d++) max = Math.max(max, Math.abs(v[d]!))
  const scale = Math.fround(max / 127)
  const o = i * dim
  let e = 0
  for (let d = 0; d < dim; d++) {
    const code = scale === 0 ? 0 : Math.max(-127, Math.min(127, Math.round(v[d]! / scale)))
    list.codes[o + d] = code
    const r = v[d]! - scale * code
    e += r * r
  }
  list.scale[i] = scale
  // rounded up (relative 1e-6 and an absolute 1e-7): the bound must hold after the float32 store
  list.err[i] = Math.fround(Math.sqrt(e) * (1 + 1e-6) + 1e-7)
}

/**
 * The number of lists for an index trained on `rows` rows: `2 · √(GROWTH · rows)` (lists of about half
 * the square root of the size the store reaches before the next training: at 2 · 10^4 clustered
 * 100-d rows a search scores ≈ 150 rows with 512 lists against ≈ 850 with 256), at most {@link MAX_LISTS}.
 * Laws: non-decreasing in `rows`; ≥ 1.
 * @complexity O(1)
 * @example listsFor(16384) // 512
 */
export const listsFor = (rows: number): number => Math.max(1, Math.min(MAX_LISTS, Math.round(2 * Math.sqrt(GROWTH * rows))))

/**
 * Whether a version that has just reached `rows` rows (one append) with index `index` must
 * (re)train: without an index, when `rows` is {@link MIN_ROWS} · 2^j (a store grown from empty
 * trains at MIN_ROWS; one decoded from a snapshot or compacted — which keep no index, so that
 * opening a memory never pays a training — trains once it has grown to the next such level, at
 * most twice its size); with one, at {@link GROWTH} × the rows of the last training. Each
 * training costs O(n · nlist · dim) once per doubling at least: amortised O(nlist · dim) a row.
 * Laws: `needsTraining(MIN_ROWS, undefined)`; `¬needsTraining(r, undefined)` for r < MIN_ROWS.
 * @complexity O(1)
 * @example needsTraining(1024, undefined) // true
 */
export const needsTraining = (rows: number, index: Index | undefined): boolean => {
  if (index !== undefined) return rows >= index.trainedAt * GROWTH
  if (rows < MIN_ROWS || rows % MIN_ROWS !== 0) return false
  const m = rows / MIN_ROWS
  return (m & (m - 1)) === 0
}

/**
 * The centroids in groups: group `g` holds centroids `start[g] .. start[g + 1])` (stored
 * contiguously) around the unit centre `centres[g]`. During training a sample row is assigned by
 * scoring the √nlist centres, then the centroids of the {@link PROBE_GROUPS} best groups only.
 * (Filing the store's rows this way was measured to misfile a few rows far from their centroid,
 * which ruins their lists' bounds: rows are filed against every centroid.)
 */
interface Coarse {
  readonly groups: number
  readonly centres: Float32Array
  readonly start: Int32Array
}

/** Groups a training row is assigned among (their centroids are scored). */
const PROBE_GROUPS = 3

/**
 * Groups the `nlist` centroids (k-means on the centroids themselves, seeded by every
 * `nlist / groups`-th one) and reorders `centroids` in place so that each group is contiguous.
 */
const group = (centroids: Float32Array, nlist: number, dim: number, kernel: Kernel): Coarse => {
  const groups = Math.max(1, Math.round(Math.sqrt(nlist)))
  const centres = new Float32Array(groups * dim)
  for (let g = 0; g < groups; g++) centres.set(centroids.subarray(Math.floor((g * nlist) / groups) * dim, (Math.floor((g * nlist) / groups) + 1) * dim), g * dim)
  const of = new Int32Array(nlist)
  const scores = new Float32Array(groups)
  const sums = new Float64Array(groups * dim)
  for (let it = 0; it <= ITERATIONS; it++) {
    for (let c = 0; c < nlist; c++) {
      kernel.scores(centres, groups, dim, centroids.subarray(c * dim, (c + 1) * dim), scores)
      of[c] = argmax(scores, groups)
    }
    if (it === ITERATIONS) break
    sums.fill(0)
    for (let c = 0; c < nlist; c++) for (let d = 0; d < dim; d++) sums[of[c]! * dim + d] += centroids[c * dim + d]!
    centroidsFromSums(centres, sums, groups, dim)
  }
  const start = new Int32Array(groups + 1)
  for (let c = 0; c < nlist; c++) start[of[c]! + 1]!++
  for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!
  const at = start.slice(0, groups)
  const copy = centroids.slice()
  for (let c = 0; c < nlist; c++) centroids.set(copy.subarray(c * dim, (c + 1) * dim), at[of[c]!]!++ * dim)
  return { groups, centres, start }
}

/**
 * The list for unit vector `v`: its best centroid among the groups whose centres score best
 * ({@link PROBE_GROUPS}), ties to the lowest list; returns the list and `v · centroid` in `out`.
 */
const fileRow = (coarse: Coarse, centroids: Float32Array, dim: number, v: Float32Array, kernel: Kernel, out: { c: number; score: number }): void => {
  const gs = new Float32Array(coarse.groups)
  kernel.scores(coarse.centres, coarse.groups, dim, v, gs)
  const probe = Math.min(PROBE_GROUPS, coarse.groups)
  const picked: Array<number> = []
  for (let p = 0; p < probe; p++) {
    let best = -1
    for (let g = 0; g < coarse.groups; g++) if (!picked.includes(g) && (best < 0 || gs[g]! > gs[best]!)) best = g
    picked.push(best)
  }
  picked.sort((a, b) => a - b)
  let bestC = -1
  let bestScore = -Infinity
  for (const g of picked) {
    const a = coarse.start[g]!
    const rows = coarse.start[g + 1]! - a
    if (rows === 0) continue
    const cs = new Float32Array(rows)
    kernel.scores(centroids.subarray(a * dim, (a + rows) * dim), rows, dim, v, cs)
    for (let t = 0; t < rows; t++) if (cs[t]! > bestScore) {
      bestScore = cs[t]!
      bestC = a + t
    }
  }
  out.c = bestC
  out.score = bestScore
}

/**
 * Trains an index on the live rows of `view` (unit vectors) and files every live row: k-means
 * (init: `nlist` distinct live rows drawn with xorshift32 from a fixed seed; {@link ITERATIONS}
 * Lloyd steps on a seeded sample, each sample row assigned among the centroids of the
 * {@link PROBE_GROUPS} best of √nlist groups (k-means on the centroids: training cost
 * O(√nlist) per row instead of O(nlist)); an empty cluster keeps its centroid), then each live
 * row goes to its best centroid (ties: lowest), lists in ascending slot order.
 *
 * Laws: deterministic (bit-identical for bit-identical rows and dead flags); every live slot is in
 * exactly one list; `nlist ≤ max(1, live rows)`.
 * @complexity O(ITERATIONS · sample · √nlist · dim + n · nlist · dim), nlist = {@link listsFor}(rows)
 * @example const index = train(store)
 */
export const train = (view: StoreView, kernel: Kernel = defaultKernel): Index => {
  const dim = view.dim
  const live = liveSlots(view)
  const n = live.length
  const nlist = Math.max(1, Math.min(n, listsFor(view.rows)))
  const owner = { high: view.rows }
  if (n === 0) {
    return { dim, nlist: 1, centroids: new Float32Array(dim), trainedAt: view.rows, lists: [newList(4, dim)], lens: new Int32Array(1), minAll: new Float32Array(1), owner }
  }
  const sampleSize = Math.max(nlist, Math.min(n, SAMPLE_PER_LIST * nlist))
  // the first `sampleSize` of `order` are a seeded uniform sample
  const order = Prng.sampleFirst(live, sampleSize, SEED)
  const sample = new Float32Array(sampleSize * dim)
  for (let i = 0; i < sampleSize; i++) sample.set(rowOf(view, order[i]!), i * dim)
  const centroids = sample.slice(0, nlist * dim)
  const sums = new Float64Array(nlist * dim)
  const found = { c: 0, score: 0 }
  for (let it = 0; it < ITERATIONS; it++) {
    sums.fill(0)
    const coarse = group(centroids, nlist, dim, kernel)
    for (let i = 0; i < sampleSize; i++) {
      const v = sample.subarray(i * dim, (i + 1) * dim)
      fileRow(coarse, centroids, dim, v, kernel, found)
      const c = found.c
      for (let d = 0; d < dim; d++) sums[c * dim + d] += v[d]!
    }
    centroidsFromSums(centroids, sums, nlist, dim)
  }
  const lists: Array<List> = []
  const expected = Math.ceil((GROWTH * n) / nlist)
  for (let c = 0; c < nlist; c++) lists.push(newList(expected, dim))
  const scores = new Float32Array(nlist)
  for (let i = 0; i < n; i++) {
    const v = rowOf(view, live[i]!)
    kernel.scores(centroids, nlist, dim, v, scores)
    const c = argmax(scores, nlist)
    push(lists[c]!, live[i]!, scores[c]!, v, dim)
  }
  return { dim, nlist, centroids, trainedAt: view.rows, lists, ...mirrors(lists), owner }
}

// ── appending ─────────────────────────────────────────────────────────────────

/** Entries of `list` with slot < `rows` (slots ascend): a binary search. */
const visible = (list: List, rows: number): number => {
  let lo = 0
  let hi = list.len
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (list.slots[mid]! < rows) lo = mid + 1
    else hi = mid
  }
  return lo
}

const mirrors = (lists: ReadonlyArray<List>): { lens: Int32Array; minAll: Float32Array } => {
  const lens = new Int32Array(lists.length)
  const minAll = new Float32Array(lists.length)
  lists.forEach((l, c) => {
    lens[c] = l.len
    minAll[c] = l.len > 0 ? l.minCos[l.len - 1]! : 1
  })
  return { lens, minAll }
}

const fork = (index: Index, rows: number): Index => {
  const lists = index.lists.map((l) => {
    const end = visible(l, rows)
    const copy = newList(end * 2, index.dim)
    copy.codes.set(l.codes.subarray(0, end * index.dim))
    copy.scale.set(l.scale.subarray(0, end))
    copy.err.set(l.err.subarray(0, end))
    copy.slots.set(l.slots.subarray(0, end))
    copy.cos.set(l.cos.subarray(0, end))
    copy.sin.set(l.sin.subarray(0, end))
    copy.minCos.set(l.minCos.subarray(0, end))
    copy.len = end
    return copy
  })
  return { dim: index.dim, nlist: index.nlist, centroids: index.centroids, trainedAt: index.trainedAt, lists, ...mirrors(lists), owner: { high: rows } }
}

/**
 * Files the row just appended at `slot` (the version's row count before the append) with unit
 * vector `v`: in place when the version is the newest of its line, else into a fork.
 * Laws: the returned index, read with `rows = slot + 1`, lists exactly the rows listed for `slot`
 * rows plus `slot`; the argument, read with any `rows ≤ slot`, is unchanged (persistence).
 * @complexity O(nlist · dim) (one centroid scoring); a fork O(n)
 * @example const next = add(index, store.rows, unitVector)
 */
export const add = (index: Index, slot: number, v: Float32Array, kernel: Kernel = defaultKernel): Index => {
  const ix = index.owner.high === slot ? index : fork(index, slot)
  const scores = new Float32Array(ix.nlist)
  kernel.scores(ix.centroids, ix.nlist, ix.dim, v, scores)
  const c = argmax(scores, ix.nlist)
  const list = ix.lists[c]!
  push(list, slot, scores[c]!, v, ix.dim)
  ix.lens[c] = list.len
  ix.minAll[c] = list.minCos[list.len - 1]!
  ix.owner.high = slot + 1
  return ix
}

/**
 * The rows `index` lists for a version of `rows` rows, per list (for the laws).
 * Laws: every live slot < rows is in exactly one list (dead slots may be listed).
 * @complexity O(n)
 * @example listed(index, store.rows)
 */
export const listed = (index: Index, rows: number): Array<Int32Array> =>
  index.lists.map((l) => l.slots.slice(0, index.owner.high === rows ? l.len : visible(l, rows)))

// ── searching ─────────────────────────────────────────────────────────────────

/**
 * When the lists the bounds cannot rule out after the first ones hold more than this fraction of
 * the rows, {@link search} gives up (returns `undefined`) so the caller runs the flat scan: rows
 * read scattered cost ≈ 10× rows read in order once the store outgrows the caches (10^6 facts).
 */
export const FLAT_FRACTION = 0.1

/** Rows beyond the missing ones scored first (by int8 bound) while the heap is not yet full. */
const SEED_EXTRA = 2

/** Lists visited first, best centroid score first. */
const FIRST = 3

/** Rows gathered per kernel call. */
const BATCH = 64

/** Private scratch (grows by dim); it only ever holds copies of a call's rows, so calls stay pure. */
let scratch = new Float32Array(BATCH * 128)
const scratchOut = new Float32Array(BATCH)
const scratchSlots = new Int32Array(BATCH)

/**
 * Copies the row at `slot` to gather position `n` of `buf` (its slot to `slots[n]`), unless the
 * row is deleted; the new gather count (`n + 1`, or `n` for a deleted row).
 */
const gather = (pages: ReadonlyArray<PageView>, slot: number, buf: Float32Array, slots: Int32Array, n: number, dim: number): number => {
  const page = pages[slot >> PAGE_SHIFT]!
  const r = slot & PAGE_MASK
  if (page.dead !== undefined && page.dead[r] !== 0) return n
  const data = page.data
  const from = r * dim
  const to = n * dim
  for (let d = 0; d < dim; d++) buf[to + d] = data[from + d]!
  slots[n] = slot
  return n + 1
}

/** Scores the `n` gathered rows, offers them to the heap; the new pruning limit. */
const flush = (
  heap: TopK.Heap,
  kernel: Kernel,
  buf: Float32Array,
  n: number,
  dim: number,
  q: Float32Array,
  slots: Int32Array,
  pages: ReadonlyArray<PageView>,
  accept: ((id: string) => boolean) | undefined,
  minScore: number,
  limit: number
): number => {
  const out = scratchOut
  kernel.scores(buf, n, dim, q, out)
  // offered best score first, so that `accept` (maybe costly) is asked about few rows: the heap
  // ends the same whatever the order (it keeps the k best by score, then id)
  const cand: Array<number> = []
  for (let t = 0; t < n; t++) if (out[t]! >= minScore && TopK.admits(heap, out[t]!)) cand.push(t)
  cand.sort((x, y) => out[y]! - out[x]!)
  for (const t of cand) {
    const s = out[t]!
    if (!TopK.admits(heap, s)) break
    const slot = slots[t]!
    const id = pages[slot >> PAGE_SHIFT]!.ids[slot & PAGE_MASK]!
    if (accept === undefined || accept(id)) TopK.offer(heap, s, id)
  }
  return heap.size === heap.k ? Math.max(minScore, heap.scores[0]!) - MARGIN : limit
}

/** Search counters (for benches and laws): rows scored and lists opened by the last search. */
export interface Stats {
  scored: number
  lists: number
}

/**
 * The exact top-k of the live rows of `view` for the unit query `q` among ids that `accept`
 * admits and whose score is ≥ `minScore`: best first (score desc, id asc), each score as
 * `kernel` computes it for that row; or `undefined` when the bounds cannot prune enough
 * (more than `flatFraction` of the rows left to read): then the flat scan is the faster way to
 * the same answer. `flatFraction = Infinity` always answers through the index.
 *
 * Laws: when defined, equals `Similarity.topK(store, q, k, accept, kernel)` filtered to `score ≥ minScore`
 * whenever the kernel scores each row from that row and the query alone (every registered
 * kernel does); whatever `index` holds for the version (trained at any size, forked, stale
 * bounds), only the number of rows scored changes.
 * @complexity O(nlist · dim + m · dim + l) for m rows scored and l list entries
 *   read; m ≤ live rows, typically a few lists' worth on clustered data.
 * @example search(index, store, q, 10, undefined, -Infinity, defaultKernel)
 */
export const search = (
  index: Index,
  view: StoreView,
  q: Float32Array,
  k: number,
  accept: ((id: string) => boolean) | undefined,
  minScore: number,
  kernel: Kernel = defaultKernel,
  stats?: Stats,
  flatFraction: number = FLAT_FRACTION
): Array<TopK.Hit> | undefined => {
  const dim = view.dim
  const nlist = index.nlist
  const heap = TopK.make(Math.max(1, Math.ceil(k)))
  const cs = new Float32Array(nlist)
  kernel.scores(index.centroids, nlist, dim, q, cs)
  // visit the FIRST best lists (by centroid score) first, then the others in index order: the
  // first ones raise the k-th score so that the bounds prune the rest (the order only changes speed)
  const nfirst = Math.min(FIRST, nlist)
  const order = new Int32Array(nlist)
  for (let j = 0; j < nfirst; j++) order[j] = -1
  for (let c = 0; c < nlist; c++) {
    let at = nfirst
    while (at > 0 && (order[at - 1] === -1 || cs[order[at - 1]!]! < cs[c]!)) at--
    if (at === nfirst) continue
    order.copyWithin(at + 1, at, nfirst - 1)
    order[at] = c
  }
  let o = nfirst
  for (let c = 0; c < nlist; c++) {
    let isFirst = false
    for (let j = 0; j < nfirst; j++) if (order[j] === c) isFirst = true
    if (!isFirst) order[o++] = c
  }
  if (scratch.length < BATCH * dim) scratch = new Float32Array(BATCH * dim)
  const buf = scratch
  const slots = scratchSlots
  const pages = view.pages
  const tip = index.owner.high === view.rows
  const lens = index.lens
  const minAll = index.minAll
  let limit = minScore - MARGIN
  let n = 0
  let scored = 0
  let opened = 0
  for (let j = 0; j < nlist; j++) {
    if (j === nfirst && nlist > nfirst) {
      // when the bounds cannot prune (data with no cluster structure at this index's scale),
      // scattered reads cost more than the sequential flat scan: leave it to the caller
      let pending = 0
      for (let t = nfirst; t < nlist; t++) {
        const c = order[t]!
        const l = tip ? undefined : index.lists[c]!
        const e = l === undefined ? lens[c]! : visible(l, view.rows)
        if (e === 0) continue
        const b = Math.max(-1, Math.min(1, cs[c]!))
        const m = l === undefined ? minAll[c]! : l.minCos[e - 1]!
        if (b >= m || b * m + Math.sqrt((1 - b * b) * (1 - m * m)) >= limit) pending += e
      }
      if (pending > flatFraction * view.rows) {
        if (stats !== undefined) {
          stats.scored = scored
          stats.lists = -1
        }
        return undefined
      }
    }
    const c = order[j]!
    const end = tip ? lens[c]! : visible(index.lists[c]!, view.rows)
    if (end === 0) continue
    const b = Math.max(-1, Math.min(1, cs[c]!))
    const sb = Math.sqrt(1 - b * b)
    const m = tip ? minAll[c]! : index.lists[c]!.minCos[end - 1]!
    if (b < m && b * m + sb * Math.sqrt(1 - m * m) < limit) continue
    const list = index.lists[c]!
    opened++
    const lcos = list.cos
    const lsin = list.sin
    const lslots = list.slots
    const codes = list.codes
    const lscale = list.scale
    const lerr = list.err
    let done: Uint8Array | undefined
    if (heap.size < heap.k && n === 0) {
      // no k-th score yet: score first the rows whose int8 bound is highest, so that the rest of
      // the list meets a k-th score to be pruned against
      const est = new Float64Array(end)
      for (let i = 0; i < end; i++) {
        let dot = 0
        const o = i * dim
        for (let d = 0; d < dim; d++) dot += codes[o + d]! * q[d]!
        est[i] = lscale[i]! * dot + lerr[i]!
      }
      done = new Uint8Array(end)
      const want = Math.min(end, heap.k - heap.size + SEED_EXTRA)
      for (let w = 0; w < want; w++) {
        let best = -1
        for (let i = 0; i < end; i++) if (done[i] === 0 && (best < 0 || est[i]! > est[best]!)) best = i
        done[best] = 1
        n = gather(pages, lslots[best]!, buf, slots, n, dim)
      }
      if (n > 0) {
        limit = flush(heap, kernel, buf, n, dim, q, slots, pages, accept, minScore, limit)
        scored += n
        n = 0
      }
    }
    for (let i = 0; i < end; i++) {
      if (done !== undefined && done[i] !== 0) continue
      const a = lcos[i]!
      if (b < a && b * a + sb * lsin[i]! < limit) continue
      if (limit > -1) {
        // q·x ≤ scale · (q·codes) + ‖x − scale·codes‖ (|q| = 1): read in list order, 1 byte a value
        let dot = 0
        const o = i * dim
        for (let d = 0; d < dim; d++) dot += codes[o + d]! * q[d]!
        if (lscale[i]! * dot + lerr[i]! < limit) continue
      }
      n = gather(pages, lslots[i]!, buf, slots, n, dim)
      if (n === BATCH) {
        limit = flush(heap, kernel, buf, n, dim, q, slots, pages, accept, minScore, limit)
        scored += n
        n = 0
      }
    }
    if (j < nfirst && n > 0) {
      limit = flush(heap, kernel, buf, n, dim, q, slots, pages, accept, minScore, limit)
      scored += n
      n = 0
    }
  }
  if (n > 0) {
    flush(heap, kernel, buf, n, dim, q, slots, pages, accept, minScore, limit)
    scored += n
  }
  if (stats !== undefined) {
    stats.scored = scored
    stats.lists = opened
  }
  return TopK.drain(heap)
}
