/**
 * Laws of the store's nearest-neighbour index (core/kernels/Ann.ts) and `Similarity.nearest`:
 * the index changes how many rows are scored, never the answer — `nearest` equals the flat scan
 * `topK` bit for bit, whatever the index holds (trained at any size, forked by another version,
 * rebuilt by a decode in another row order), so results depend only on the store's content.
 */
import { HashMap, Option } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Ann from "../core/kernels/Ann.ts"
import * as Prng from "../core/kernels/Prng.ts"
import * as Registry from "../core/kernels/Registry.ts"
import * as Similarity from "../core/Similarity.ts"
import * as VectorStore from "../core/VectorStore.ts"

/** A store with an index attached even below `Ann.MIN_ROWS` (`set` keeps filing rows into it). */
const withIndex = (s: VectorStore.VectorStore): VectorStore.VectorStore => ({ ...s, ann: Ann.train(s) })

/** Vectors from a few distinct coordinates (exact score ties happen), or clustered ones. */
const vectorsOf = (seed: number, n: number, dim: number, clustered: boolean, centreCount = 6): Array<Float32Array> => {
  let s = Prng.init(seed)
  const rnd = (): number => {
    s = Prng.next(s)
    return (s >>> 0) / 4294967296
  }
  const centres = Array.from({ length: centreCount }, () => Float32Array.from({ length: dim }, () => rnd() - 0.5))
  return Array.from({ length: n }, () => {
    if (!clustered) return Float32Array.from({ length: dim }, () => Math.floor(rnd() * 5) - 2)
    const c = centres[Math.floor(rnd() * centres.length)]!
    return Float32Array.from(c, (x) => x + 0.15 * (rnd() - 0.5))
  })
}

const build = (vs: ReadonlyArray<Float32Array>, prefix = "id"): VectorStore.VectorStore => {
  let store = VectorStore.empty(vs[0]?.length ?? 0)
  vs.forEach((v, i) => (store = VectorStore.set(store, `${prefix}${i}`, v)))
  return store
}

/** `nearest`'s specification: the flat scan's hits at or above the floor. */
const spec = (
  s: VectorStore.VectorStore,
  q: ArrayLike<number>,
  k: number,
  accept: ((id: string) => boolean) | undefined,
  minScore: number,
  kernel = Registry.defaultKernel
): Array<Similarity.Hit> => Similarity.topK(s, q, k, accept, kernel).filter((h) => h.score >= minScore)

/** The answer through the index alone (never the flat-scan fallback). */
const viaIndex = (
  s: VectorStore.VectorStore,
  q: ArrayLike<number>,
  k: number,
  accept: ((id: string) => boolean) | undefined,
  minScore: number,
  kernel = Registry.defaultKernel
): Array<Similarity.Hit> | undefined =>
  s.size === 0 ? [] : Ann.search(s.ann!, s, Similarity.normalise(q), Math.min(k, s.size), accept, minScore, kernel, undefined, Infinity)

const arbCase = fc.record({
  seed: fc.integer(),
  n: fc.integer({ min: 1, max: 400 }),
  dim: fc.integer({ min: 1, max: 24 }),
  clustered: fc.boolean(),
  trainAt: fc.integer({ min: 1, max: 400 }),
  k: fc.integer({ min: 1, max: 12 }),
  removeEvery: fc.integer({ min: 2, max: 9 }),
  minScore: fc.oneof(fc.constant(-Infinity), fc.double({ min: -1, max: 1, noNaN: true })),
  mod: fc.integer({ min: 1, max: 4 })
})

describe("Ann / Similarity.nearest", () => {
  it("every kernel scores a row from that row and the query alone (bit-identical wherever the row sits)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 130 }), fc.integer({ min: 1, max: 40 }), fc.integer(), (dim, rows, seed) => {
        const vs = vectorsOf(seed, rows, dim, true)
        const m = new Float32Array(rows * dim)
        vs.forEach((v, r) => m.set(Similarity.normalise(v), r * dim))
        const q = Similarity.normalise(vs[0]!.map((x, d) => x + Math.sin(seed + d)))
        for (const name of Registry.available()) {
          const kernel = Registry.kernel(name)!
          const all = new Float32Array(rows)
          kernel.scores(m, rows, dim, q, all)
          const one = new Float32Array(1)
          for (let r = 0; r < rows; r++) {
            kernel.scores(m.subarray(r * dim, (r + 1) * dim), 1, dim, q, one)
            expect(Object.is(one[0], all[r]), `${name} row ${r}`).toBe(true)
          }
          // and at another position (row r moved to the front of a shifted matrix)
          if (rows > 1) {
            const shifted = new Float32Array(rows * dim)
            shifted.set(m.subarray(dim), 0)
            shifted.set(m.subarray(0, dim), (rows - 1) * dim)
            const out = new Float32Array(rows)
            kernel.scores(shifted, rows, dim, q, out)
            expect(Object.is(out[rows - 1], all[0]), `${name} moved row`).toBe(true)
          }
        }
      }),
      { numRuns: 25 }
    )
  })

  it("search(any index of s, s, q, k, accept, minScore, flatFraction = ∞) and nearest deep-equal topK(s, q, k, accept).filter(≥ minScore), every kernel", () => {
    const kernels = Registry.available().map((n) => Registry.kernel(n)!)
    fc.assert(
      fc.property(arbCase, (c) => {
        const vs = vectorsOf(c.seed, c.n, c.dim, c.clustered)
        // trained on a prefix, then every later row filed by `set`, then tombstones
        let store = withIndex(build(vs.slice(0, Math.min(c.trainAt, c.n))))
        for (let i = Math.min(c.trainAt, c.n); i < c.n; i++) store = VectorStore.set(store, `id${i}`, vs[i]!)
        for (let i = 0; i < c.n; i += c.removeEvery) store = VectorStore.remove(store, `id${i}`)
        const q = vs[c.n - 1]!.map((x, d) => x + 0.3 * Math.cos(c.seed + d))
        const accept = c.mod === 1 ? undefined : (id: string) => Number(id.slice(2)) % c.mod !== 0
        expect(Similarity.nearest(store, q, c.k, accept, { minScore: c.minScore })).toEqual(spec(store, q, c.k, accept, c.minScore))
        for (const kernel of kernels) {
          expect(viaIndex(store, q, c.k, accept, c.minScore, kernel)).toEqual(spec(store, q, c.k, accept, c.minScore, kernel))
        }
      }),
      { numRuns: 60 }
    )
  })

  it("persistence: a version answers the same after other versions forked from it, extended it or were rolled back", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 20, max: 300 }), fc.integer({ min: 2, max: 16 }), (seed, n, dim) => {
        const vs = vectorsOf(seed, n + 60, dim, true)
        const base = withIndex(build(vs.slice(0, n)))
        const q = vs[n + 59]!
        const before = viaIndex(base, q, 5, undefined, -Infinity)
        const listedBefore = Ann.listed(base.ann!, base.rows).map((l) => Array.from(l))
        // two branches from `base`: the first appends in place, the second forks
        let a = base
        let b = base
        for (let i = 0; i < 30; i++) a = VectorStore.set(a, `a${i}`, vs[n + i]!)
        for (let i = 0; i < 30; i++) b = VectorStore.set(b, `b${i}`, vs[n + 30 + i]!)
        const a2 = VectorStore.set(VectorStore.remove(a, "id0"), "a-late", vs[1]!)
        expect(viaIndex(base, q, 5, undefined, -Infinity)).toEqual(before)
        expect(before).toEqual(Similarity.topK(base, q, 5))
        expect(Ann.listed(base.ann!, base.rows).map((l) => Array.from(l))).toEqual(listedBefore)
        for (const s of [a, b, a2]) expect(viaIndex(s, q, 7, undefined, -Infinity)).toEqual(Similarity.topK(s, q, 7))
        // every live row is listed exactly once, in every version
        for (const s of [base, a, b, a2]) {
          const seen = new Map<number, number>()
          for (const l of Ann.listed(s.ann!, s.rows)) for (const slot of l) seen.set(slot, (seen.get(slot) ?? 0) + 1)
          for (const [id] of VectorStore.entries(s)) expect(seen.get(Option.getOrThrow(HashMap.get(s.index, id)))).toBe(1)
        }
      }),
      { numRuns: 30 }
    )
  })

  it("from Ann.MIN_ROWS rows the store trains its own index and nearest == topK; content decides, not history", () => {
    const dim = 12
    const vs = vectorsOf(11, 2600, dim, true)
    let live = VectorStore.empty(dim)
    const queries = vs.slice(0, 40).map((v, j) => v.map((x, d) => x + 0.05 * Math.sin(j + d)))
    for (let i = 0; i < vs.length; i++) {
      live = VectorStore.set(live, `id${i}`, vs[i]!)
      if (i % 3 === 2) live = VectorStore.remove(live, `id${i - 1}`)
    }
    expect(live.ann).toBeDefined()
    expect(live.ann!.trainedAt).toBe(Ann.MIN_ROWS)
    // the same content through a snapshot: decode re-orders rows by id and keeps no index, then
    // trains one (other centroids) when it reaches the next MIN_ROWS · 2^j rows
    const decoded = VectorStore.decode(VectorStore.encode(live))
    if (typeof decoded === "string") throw new Error(decoded)
    expect(decoded.ann).toBeUndefined()
    let restored = decoded
    for (let i = 0; restored.rows < 2 * Ann.MIN_ROWS; i++) restored = VectorStore.set(restored, `x${i}`, vs[i % 50]!.map((x) => -x))
    expect(restored.ann).toBeDefined()
    expect(Array.from(restored.ann!.centroids)).not.toEqual(Array.from(live.ann!.centroids))
    for (let i = 0; i < 40; i++) live = VectorStore.set(live, `x${i}`, vs[i % 50]!.map((x) => -x))
    for (let i = 40; restored.size > live.size; i++) restored = VectorStore.remove(restored, `x${i}`)
    expect(VectorStore.equals(live, restored)).toBe(true)
    for (const q of queries) {
      const exact = Similarity.topK(live, q, 9)
      expect(Similarity.nearest(live, q, 9)).toEqual(exact)
      expect(Similarity.nearest(decoded, q, 9)).toEqual(Similarity.topK(decoded, q, 9))
      expect(viaIndex(live, q, 9, undefined, -Infinity)).toEqual(exact)
      expect(viaIndex(restored, q, 9, undefined, -Infinity)).toEqual(exact)
      expect(Similarity.nearest(live, q, 3, (id) => id.endsWith("7"), { minScore: 0.5 })).toEqual(spec(live, q, 3, (id) => id.endsWith("7"), 0.5))
    }
  })

  it("the index prunes: on clustered data a search scores far fewer rows than the store holds", () => {
    const dim = 16
    const store = build(vectorsOf(3, 4000, dim, true, 60))
    expect(store.ann).toBeDefined()
    const stats = { scored: 0, lists: 0 }
    Similarity.nearest(store, VectorStore.get(store, "id5")!, 3, undefined, { stats })
    expect(stats.lists).toBeGreaterThan(0)
    expect(stats.scored).toBeGreaterThan(0)
    expect(stats.scored).toBeLessThan(store.size / 2)
  })

  it("train is deterministic and files every live row exactly once", () => {
    const store = VectorStore.remove(build(vectorsOf(5, 700, 8, true)), "id3")
    const a = Ann.train(store)
    const b = Ann.train(store)
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids))
    expect(Ann.listed(a, store.rows).map((l) => Array.from(l))).toEqual(Ann.listed(b, store.rows).map((l) => Array.from(l)))
    const all = Ann.listed(a, store.rows).flatMap((l) => Array.from(l)).sort((x, y) => x - y)
    expect(all.length).toBe(store.size)
    expect(new Set(all).size).toBe(store.size)
  })
})

