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
