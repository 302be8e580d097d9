/**
 * Prng — a small seeded generator (sfc32) for the conflict suite's case generator. Pure: the
 * state is an argument-owned object, never `Math.random`.
 */

/** A seeded source of uniform numbers in [0, 1). */
export interface Prng {
  /** The next number in [0, 1). */
  readonly next: () => number
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator), seeded from one integer. */
export const make = (seed: number): Prng => {
  let a = 0x9e3779b9 ^ (seed | 0)
  let b = 0x243f6a88 ^ Math.imul(seed | 0, 0x85ebca6b)
  let c = 0xb7e15162
  let d = 1
  const next = (): number => {
    a |= 0
    b |= 0
    c |= 0
    d |= 0
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 15; i++) next()
  return { next }
}

/** An integer in [0, n). */
export const int = (r: Prng, n: number): number => Math.floor(r.next() * n)

/** A uniform element of a non-empty array. */
export const pick = <A>(r: Prng, xs: ReadonlyArray<A>): A => xs[int(r, xs.length)]!

/** A real in [lo, hi), rounded to 2 decimals (confidences read like an extractor's). */
export const between = (r: Prng, lo: number, hi: number): number => Math.round((lo + r.next() * (hi - lo)) * 100) / 100

/** Two distinct elements. */
export const pickTwo = <A>(r: Prng, xs: ReadonlyArray<A>): readonly [A, A] => {
  const i = int(r, xs.length)
  let j = int(r, xs.length - 1)
  if (j >= i) j++
  return [xs[i]!, xs[j]!]
}

/** `k` distinct elements (k ≤ xs.length). */
export const pickDistinct = <A>(r: Prng, xs: ReadonlyArray<A>, k: number): Array<A> => {
  const pool = xs.slice()
  const out: Array<A> = []
  for (let i = 0; i < k; i++) out.push(pool.splice(int(r, pool.length), 1)[0]!)
  return out
}
