/**
 * Prng — the seeded PRNG (sfc32, seeded through splitmix32 and warmed up 12 rounds) that the
 * example worlds and suites draw from: never Math.random. The state is a plain 4-tuple, so a
 * world state that holds it stays a value; `Rng` is a mutable cursor for drawing many in a row.
 */

/** The PRNG state (four 32-bit words). */
export type PrngState = readonly [number, number, number, number]

/** Seeds a state from an integer (splitmix32 to spread the bits), then warms it up. */
export const seed = (s: number): PrngState => {
  let x = s >>> 0
  const next = (): number => {
    x = (x + 0x9e3779b9) >>> 0
    let z = x
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
  let st: PrngState = [next(), next(), next(), next()]
  for (let i = 0; i < 12; i++) st = nextU32(st)[1]
  return st
}

/** One step of sfc32: the 32-bit output and the next state. */
export const nextU32 = (st: PrngState): readonly [number, PrngState] => {
  let [a, b, c, d] = st
  const t = (((a + b) >>> 0) + d) >>> 0
  d = (d + 1) >>> 0
  a = b ^ (b >>> 9)
  b = (c + (c << 3)) >>> 0
  c = ((c << 21) | (c >>> 11)) >>> 0
  c = (c + t) >>> 0
  return [t, [a >>> 0, b >>> 0, c, d]]
}

/** A mutable cursor over the PRNG, for code that draws many numbers in a row. */
export class Rng {
  state: PrngState
  constructor(state: PrngState) {
    this.state = state
  }
  static of(s: number): Rng {
    return new Rng(seed(s))
  }
  u32(): number {
    const [x, st] = nextU32(this.state)
    this.state = st
    return x
  }
  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4_294_967_296
  }
  /** Uniform in [0, 1) (the same as {@link float}: the `{ next(): number }` shape the conflict generator and the tuner draw from). */
  next(): number {
    return this.float()
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n)
  }
  pick<A>(xs: ReadonlyArray<A>): A {
    return xs[this.int(xs.length)] as A
  }
  shuffle<A>(xs: ReadonlyArray<A>): Array<A> {
    const out = xs.slice()
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = out[i] as A
      out[i] = out[j] as A
      out[j] = t
    }
    return out
  }
}
