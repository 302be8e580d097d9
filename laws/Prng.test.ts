/**
 * Laws of the one seeded PRNG (`core/kernels/Prng.ts`): states never reach xorshift's fixed
 * point, `sampleFirst` is a seeded permutation, `gaussian` is deterministic with mean ≈ 0 and
 * variance ≈ 1.
 */
import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import * as Prng from "../core/kernels/Prng.ts"

describe("Prng", () => {
  it("next(s) ≠ 0 when s ≠ 0; init(s) ≠ 0", () => {
    fc.assert(fc.property(fc.integer(), (seed) => {
      const s = Prng.init(seed)
      return s !== 0 && Prng.next(s) !== 0
    }))
  })

  it("sampleFirst(xs, k, seed) is a permutation of xs, the same for the same seed", () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 50 }), fc.nat(60), fc.integer(), (xs, k, seed) => {
      const a = Prng.sampleFirst(Int32Array.from(xs), k, seed)
      const b = Prng.sampleFirst(Int32Array.from(xs), k, seed)
      assert.deepStrictEqual(Array.from(a), Array.from(b))
      assert.deepStrictEqual(Array.from(a).sort((x, y) => x - y), [...xs].sort((x, y) => x - y))
    }))
  })

  it("gaussian(s) == gaussian(s); 20,000 draws have |mean| < 0.03 and |variance − 1| < 0.05", () => {
    fc.assert(fc.property(fc.integer(), (seed) => {
      const s = Prng.init(seed)
      const [a, sa] = Prng.gaussian(s)
      const [b, sb] = Prng.gaussian(s)
      return a === b && sa === sb && Number.isFinite(a) && sa !== s
    }))
    let s = Prng.init(7)
    let sum = 0
    let sq = 0
    const n = 20_000
    for (let i = 0; i < n; i++) {
      const [z, next] = Prng.gaussian(s)
      s = next
      sum += z
      sq += z * z
    }
    const mean = sum / n
    assert.isBelow(Math.abs(mean), 0.03)
    assert.isBelow(Math.abs(sq / n - mean * mean - 1), 0.05)
  })
})

describe("Prng.clustered", () => {
  it("two sources of the same arguments fill the same vectors; rows of one centre are closer than rows of two", () => {
    const a = Prng.clustered(16, 3, 4, 0.1)
    const b = Prng.clustered(16, 3, 4, 0.1)
    const rows: Array<Float32Array> = []
    for (let i = 0; i < 200; i++) {
      const x = new Float32Array(16)
      const y = new Float32Array(16)
      a(x)
      b(y)
      assert.deepStrictEqual(Array.from(x), Array.from(y))
      rows.push(x)
    }
    // with little noise, each row's nearest other row is much nearer than the median distance
    const dist = (x: Float32Array, y: Float32Array) => Math.hypot(...Array.from(x, (v, d) => v - y[d]!))
    const nearest = rows.map((x, i) => Math.min(...rows.filter((_, j) => j !== i).map((y) => dist(x, y))))
    const all = rows.flatMap((x, i) => rows.slice(i + 1).map((y) => dist(x, y))).sort((p, q) => p - q)
    const median = all[all.length >> 1]!
    assert.isBelow(Math.max(...nearest), median / 2)
  })
})
