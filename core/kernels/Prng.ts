/**
 * Prng — xorshift32, a tiny seeded generator for deterministic index builds (k-means init).
 *
 * The state is a value: `next` returns the new state, the caller threads it. Seed 0 is mapped
 * to a fixed non-zero state (xorshift's only fixed point is 0).
 *
 * @since 0.1.0
 */

/**
 * The state for `seed` (any integer).
 * Laws: `init(s) != 0`; `init(s) == init(s)`.
 * @complexity O(1)
 * @example const s0 = init(42)
 */
export const init = (seed: number): number => ((seed | 0) === 0 ? 0x9e3779b9 | 0 : seed | 0)

/**
 * The next state.
 * Laws: `next(s) != 0` when `s != 0`; deterministic.
 * @complexity O(1)
 * @example const s1 = next(init(42))
 */
export const next = (s: number): number => {
  s ^= s << 13
  s ^= s >>> 17
  s ^= s << 5
  return s | 0
}

/**
 * The state mapped to an integer in `[0, n)`.
 * Laws: `0 <= below(s, n) < n` for `n >= 1`.
 * @complexity O(1)
 * @example const i = below(next(s), 10)
 */
export const below = (s: number, n: number): number => Math.floor(((s >>> 0) / 4294967296) * n)

/**
 * A seeded uniform sample of `count` entries of `xs`: a copy of `xs` whose first `count` entries
 * are the sample (a partial Fisher–Yates shuffle driven by {@link next} from `init(seed)`).
 * Laws: the result is a permutation of `xs`; the same `xs`, `count` and `seed` give the same
 * result; `count ≥ xs.length` shuffles the whole copy.
 * @complexity O(|xs|) (the copy) + O(count)
 * @example const order = sampleFirst(Int32Array.of(0, 1, 2, 3, 4), 2, 7) // order.subarray(0, 2) is the sample
 */
export const sampleFirst = (xs: Int32Array, count: number, seed: number): Int32Array => {
  const order = xs.slice()
  const n = order.length
  let s = init(seed)
  for (let i = 0; i < Math.min(count, n); i++) {
    s = next(s)
    const j = i + below(s, n - i)
    const t = order[i]!
    order[i] = order[j]!
    order[j] = t
  }
  return order
}

/**
 * A standard normal draw (Box–Muller from two {@link next} steps) and the state after it.
 * Laws: deterministic in `s`; the value is finite; over many draws the mean is ≈ 0 and the
 * variance ≈ 1.
 * @complexity O(1)
 * @example const [z, s1] = gaussian(init(7))
 */
export const gaussian = (s: number): readonly [number, number] => {
  const s1 = next(s)
  const u = ((s1 >>> 0) + 1) / 4294967297
  const s2 = next(s1)
  const v = (s2 >>> 0) / 4294967296
  return [Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v), s2]
}

/**
 * A seeded source of clustered vectors (test and bench data for similarity search): `centres`
 * Gaussian centres in `dim` dimensions; each call fills `out` with a centre drawn uniformly plus
 * Gaussian noise of relative scale `noise` (both scaled by 1/√dim, so a vector's norm is about
 * √(1 + noise²) whatever `dim`).
 * Laws: two sources of the same arguments fill the same sequence of vectors.
 * @complexity O(centres · dim) to build; O(dim) per call
 * @example const fill = clustered(32, 7, 100, 0.35); const v = new Float32Array(32); fill(v)
 */
export const clustered = (dim: number, seed: number, centres: number, noise: number): (out: Float32Array) => void => {
  let s = init(seed)
  const gauss = (): number => {
    const [z, after] = gaussian(s)
    s = after
    return z
  }
  const scale = 1 / Math.sqrt(dim)
  const c = new Float32Array(centres * dim)
  for (let i = 0; i < c.length; i++) c[i] = gauss() * scale
  return (out) => {
    s = next(s)
    const k = below(s, centres)
    for (let d = 0; d < dim; d++) out[d] = c[k * dim + d]! + noise * gauss() * scale
  }
}
