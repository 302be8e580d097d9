import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Ivf from "../core/kernels/Ivf.ts"
import { naive } from "../core/kernels/Kernel.ts"
import * as Prng from "../core/kernels/Prng.ts"
import * as Registry from "../core/kernels/Registry.ts"
import * as Similarity from "../core/Similarity.ts"
import * as VectorStore from "../core/VectorStore.ts"

/** Score tolerance between any kernel and the float64 reference, for unit vectors (dim ≤ 300). */
const TOL = 1e-5

const arbVec = (dim: number) => fc.array(fc.float({ min: -1, max: 1, noNaN: true, noDefaultInfinity: true }), { minLength: dim, maxLength: dim })

/** A store of up to 700 vectors (several pages), with some ids removed (tombstones). */
const arbStore = fc
  .record({ dim: fc.integer({ min: 1, max: 40 }), n: fc.integer({ min: 0, max: 700 }), seed: fc.integer(), removeEvery: fc.integer({ min: 2, max: 9 }) })
  .map(({ dim, n, seed, removeEvery }) => {
    let s = Prng.init(seed)
    let store = VectorStore.empty(dim)
    const v = new Float32Array(dim)
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < dim; d++) {
        s = Prng.next(s)
        // few distinct values, so that exact score ties happen
        v[d] = (Prng.below(s, 7) - 3) / 3
      }
      store = VectorStore.set(store, `id${i}`, v)
    }
    for (let i = 0; i < n; i += removeEvery) store = VectorStore.remove(store, `id${i}`)
    s = Prng.next(s)
    const q = Array.from({ length: dim }, (_, d) => Math.sin(seed + d * 1.7))
    return { store, q }
  })

/** Same ids modulo exact ties: scores agree within TOL and every hit is truly among the best. */
const sameModuloTies = (got: Array<Similarity.Hit>, ref: Array<Similarity.Hit>, all: Array<Similarity.Hit>): void => {
  expect(got.length).toBe(ref.length)
  const truth = new Map(all.map((h) => [h.id, h.score]))
  for (let i = 0; i < ref.length; i++) {
    expect(Math.abs(got[i]!.score - ref[i]!.score)).toBeLessThanOrEqual(TOL)
    expect(Math.abs(truth.get(got[i]!.id)! - got[i]!.score)).toBeLessThanOrEqual(TOL)
  }
  if (ref.length > 0) {
    const kth = ref[ref.length - 1]!.score
    for (const h of got) expect(truth.get(h.id)!).toBeGreaterThanOrEqual(kth - 2 * TOL)
    // ids strictly above the k-th score by more than the tolerance must be present
    const ids = new Set(got.map((h) => h.id))
    for (const h of ref) if (h.score > kth + 2 * TOL) expect(ids.has(h.id)).toBe(true)
  }
  for (let i = 1; i < got.length; i++) {
    const a = got[i - 1]!
    const b = got[i]!
    expect(a.score > b.score || (a.score === b.score && a.id < b.id)).toBe(true)
  }
}

/** Seeded clustered unit data: `centres` Gaussian centres, Gaussian noise. */
const clustered = (n: number, dim: number, seed: number, centres: number, noise: number): VectorStore.VectorStore => {
  const fill = Prng.clustered(dim, seed, centres, noise)
  let store = VectorStore.empty(dim)
  const v = new Float32Array(dim)
  for (let i = 0; i < n; i++) {
    fill(v)
    store = VectorStore.set(store, `v${i}`, v)
  }
  return store
}

describe("Similarity", () => {
  it("cosine(a, b) == cosine(b, a)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }).chain((d) => fc.tuple(arbVec(d), arbVec(d))), ([a, b]) => {
        expect(Similarity.cosine(a, b)).toBe(Similarity.cosine(b, a))
      })
    )
  })

  it("cosine(a, a) == max_b cosine(a, b) (self-similarity maximal, within 1e-12)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }).chain((d) => fc.tuple(arbVec(d), fc.array(arbVec(d), { minLength: 1, maxLength: 8 }))), ([a, bs]) => {
        fc.pre(a.some((x) => x !== 0))
        const self = Similarity.cosine(a, a)
        expect(Math.abs(self - 1)).toBeLessThanOrEqual(1e-12)
        for (const b of bs) expect(Similarity.cosine(a, b)).toBeLessThanOrEqual(self + 1e-12)
      })
    )
  })

  it("|kernel.scores(m, q) − naive.scores(m, q)| ≤ 1e-5 for unit rows, every kernel here", () => {
    const names = Registry.available()
    expect(names).toContain("js-blocked")
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 300 }), fc.integer(), (dim, rows, seed) => {
        let s = Prng.init(seed)
        const m = new Float32Array(rows * dim)
        for (let r = 0; r < rows; r++) {
          let norm = 0
          for (let d = 0; d < dim; d++) {
            s = Prng.next(s)
            m[r * dim + d] = (s >>> 0) / 4294967296 - 0.5
            norm += m[r * dim + d]! ** 2
          }
          for (let d = 0; d < dim; d++) m[r * dim + d]! /= Math.sqrt(norm) || 1
        }
        const q = Similarity.normalise(Array.from({ length: dim }, (_, d) => Math.cos(seed + d)))
        const ref = new Float32Array(rows)
        naive.scores(m, rows, dim, q, ref)
        for (const name of names) {
          const out = new Float32Array(rows)
          Registry.kernel(name)!.scores(m, rows, dim, q, out)
          for (let r = 0; r < rows; r++) expect(Math.abs(out[r]! - ref[r]!)).toBeLessThanOrEqual(TOL)
        }
      }),
      { numRuns: 30 }
    )
  })

  it("topK(s, q, k) == topKReference(s, q, k) (ids modulo exact ties, scores within 1e-5), every kernel", () => {
    const kernels = Registry.available().map((n) => Registry.kernel(n)!)
    fc.assert(
      fc.property(arbStore, fc.integer({ min: 0, max: 30 }), ({ store, q }, k) => {
        const all = Similarity.topKReference(store, q, store.size)
        const ref = Similarity.topKReference(store, q, k)
        sameModuloTies(Similarity.topK(store, q, k), ref, all)
        for (const kernel of kernels) sameModuloTies(Similarity.topK(store, q, k, undefined, kernel), ref, all)
      }),
      { numRuns: 40 }
    )
  })

  it("topK(s, q, k, accept) ⊆ {live id | accept(id)} and == topKReference(s, q, k, accept)", () => {
    fc.assert(
      fc.property(arbStore, fc.integer({ min: 0, max: 30 }), fc.integer({ min: 2, max: 5 }), ({ store, q }, k, mod) => {
        const accept = (id: string) => Number(id.slice(2)) % mod !== 0
        const got = Similarity.topK(store, q, k, accept)
        for (const h of got) {
          expect(VectorStore.has(store, h.id)).toBe(true)
          expect(accept(h.id)).toBe(true)
        }
        const all = Similarity.topKReference(store, q, store.size, accept)
        expect(got.length).toBe(Math.min(k, all.length))
        sameModuloTies(got, Similarity.topKReference(store, q, k, accept), all)
      }),
      { numRuns: 40 }
    )
  })

  it("topK(s, q, k) deterministic: topK(s, q, k) == topK(s, q, k) (bit-identical)", () => {
    fc.assert(
      fc.property(arbStore, ({ store, q }) => {
        expect(Similarity.topK(store, q, 10)).toEqual(Similarity.topK(store, q, 10))
      }),
      { numRuns: 20 }
    )
  })

  it("topKApprox(build(s), s, q, k, nprobe = nlist) == topK(s, q, k) modulo ties, also after s moves on", () => {
    fc.assert(
      fc.property(arbStore, fc.integer({ min: 1, max: 20 }), fc.integer(), ({ store, q }, k, seed) => {
        const index = Similarity.buildIndex(store, { seed })
        const all = Similarity.topKReference(store, q, store.size)
        sameModuloTies(Similarity.topKApprox(index, store, q, k, { nprobe: index.nlist }), Similarity.topKReference(store, q, k), all)
        // the store moves on: removals, replacements and appends after the build
        let moved = store
        for (let i = 0; i < 40; i++) moved = VectorStore.set(moved, `new${i}`, q.map((x, d) => x + Math.sin(i * d)))
        for (let i = 1; i < 300; i += 7) moved = VectorStore.remove(moved, `id${i}`)
        const movedAll = Similarity.topKReference(moved, q, moved.size)
        sameModuloTies(Similarity.topKApprox(index, moved, q, k, { nprobe: index.nlist }), Similarity.topKReference(moved, q, k), movedAll)
        for (const h of Similarity.topKApprox(index, moved, q, k)) expect(VectorStore.has(moved, h.id)).toBe(true)
      }),
      { numRuns: 25 }
    )
  })

  it("build(s, seed) == build(s, seed) (deterministic index)", () => {
    const store = clustered(3000, 16, 5, 30, 0.3)
    const a = Ivf.build(store, { seed: 9 })
    const b = Ivf.build(store, { seed: 9 })
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids))
    expect(Array.from(a.slots)).toEqual(Array.from(b.slots))
    expect(Array.from(a.offsets)).toEqual(Array.from(b.offsets))
    expect(a.slots.length).toBe(store.size)
  })

  it("recall@10(topKApprox, topK) ≥ 0.95 on seeded clustered data (20000 × 32, default nprobe)", () => {
    const store = clustered(20000, 32, 1, 200, 0.35)
    const index = Similarity.buildIndex(store, { seed: 1 })
    let s = Prng.init(77)
    let recall = 0
    const queries = 50
    for (let j = 0; j < queries; j++) {
      s = Prng.next(s)
      const base = VectorStore.get(store, `v${Prng.below(s, store.size)}`)!
      const q = Array.from(base, (x, d) => x + 0.05 * Math.sin(j * 31 + d))
      const exact = new Set(Similarity.topK(store, q, 10).map((h) => h.id))
      recall += Similarity.topKApprox(index, store, q, 10).filter((h) => exact.has(h.id)).length / 10
    }
    expect(recall / queries).toBeGreaterThanOrEqual(0.95)
  })
})
