/**
 * Prng — a small seeded generator (sfc32) for the MCQ world and the seeded tie-break guesses.
 * Pure: the state is an explicit value; `next` returns the number and the next state.
 *
 * @since 0.1.0
 */

/** The generator state: four 32-bit words. */
export interface Prng {
  readonly a: number
  readonly b: number
  readonly c: number
  readonly d: number
}

/** A seeded state (the seed is mixed with splitmix32 and the generator is warmed up 12 rounds). */
export const make = (seed: number): Prng => {
  let s = seed >>> 0
  const mix = (): number => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
  let p: Prng = { a: mix(), b: mix(), c: mix(), d: mix() }
  for (let i = 0; i < 12; i++) p = next(p)[1]
  return p
}

/** A uniform float in [0, 1) and the next state. @complexity O(1) */
export const next = (p: Prng): readonly [number, Prng] => {
  let { a, b, c, d } = p
  const t = (((a + b) >>> 0) + d) >>> 0
  d = (d + 1) >>> 0
  a = b ^ (b >>> 9)
  b = (c + (c << 3)) >>> 0
  c = ((c << 21) | (c >>> 11)) >>> 0
  c = (c + t) >>> 0
  return [t / 4294967296, { a: a >>> 0, b: b >>> 0, c, d }]
}

/** A mutable cursor over a {@link Prng} for code that draws many numbers in sequence. */
export class Cursor {
  state: Prng
  constructor(seed: number) {
    this.state = make(seed)
  }
  /** Uniform float in [0, 1). */
  float(): number {
    const [x, s] = next(this.state)
    this.state = s
    return x
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n)
  }
  /** One element of a non-empty array. */
  pick<A>(xs: ReadonlyArray<A>): A {
    return xs[this.int(xs.length)]!
  }
  /** A shuffled copy (Fisher–Yates). */
  shuffle<A>(xs: ReadonlyArray<A>): Array<A> {
    const out = xs.slice()
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = out[i]!
      out[i] = out[j]!
      out[j] = t
    }
    return out
  }
}
