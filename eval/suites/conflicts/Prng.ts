/**
 * Prng — the conflict suite's draws (integers, picks, rounded reals) over the one shared seeded
 * generator of the evaluation (eval/baselines/Prng.ts), never `Math.random`.
 */
import { Rng } from "../../baselines/Prng.ts"

/** A seeded source of uniform numbers in [0, 1). */
export interface Prng {
  /** The next number in [0, 1). */
  readonly next: () => number
}

/** The shared seeded generator (eval/baselines/Prng.ts: sfc32 seeded through splitmix32), seeded from one integer. */
export const make = (seed: number): Prng => Rng.of(seed)

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
