/**
 * Prng — the games' seeded randomness: the shared sfc32 generator (eval/baselines/Prng.ts) and the
 * made-up words the worlds name things with.
 */
import type { Rng } from "../../eval/baselines/Prng.ts"

export { nextU32, type PrngState, Rng, seed } from "../../eval/baselines/Prng.ts"

const ONSETS = ["b", "bl", "dr", "f", "gl", "k", "kr", "m", "n", "p", "pl", "qu", "sn", "t", "tr", "v", "z", "zw"]
const VOWELS = ["a", "e", "i", "o", "u", "oo", "ee", "ai"]
const CODAS = ["", "b", "g", "k", "m", "n", "p", "rf", "sh", "x", "z", "ll"]

/** A made-up word of `syllables` syllables (letters only, so it is its own node key). */
export const madeUpWord = (rng: Rng, syllables = 2): string => {
  let w = ""
  for (let i = 0; i < syllables; i++) w += rng.pick(ONSETS) + rng.pick(VOWELS) + (i === syllables - 1 ? rng.pick(CODAS) : "")
  return w
}

/** `n` distinct made-up words. */
export const madeUpWords = (rng: Rng, n: number, syllables = 2, avoid: ReadonlySet<string> = new Set()): Array<string> => {
  const out: Array<string> = []
  const seen = new Set(avoid)
  while (out.length < n) {
    const w = madeUpWord(rng, syllables)
    if (!seen.has(w)) {
      seen.add(w)
      out.push(w)
    }
  }
  return out
}
