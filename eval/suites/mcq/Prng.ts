/**
 * Prng — the MCQ world's seeded randomness: a `Cursor` is the shared sfc32 generator
 * (eval/baselines/Prng.ts) seeded from one integer.
 *
 * @since 0.1.0
 */
import { Rng, seed as seedState } from "../../baselines/Prng.ts"

/** A mutable cursor over the shared generator, seeded from `seed`. */
export class Cursor extends Rng {
  constructor(seed: number) {
    super(seedState(seed))
  }
}
