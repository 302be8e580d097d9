/**
 * Scoring — the documented, model-free rule that picks an option from a retrieved context.
 *
 * A context is a list of units, each a text with a world time: a history statement (base, RAG),
 * or a recalled fact rendered `subject relation object` / a recalled episode's text (MAGS). Words
 * are compared as lowercase tokens (`Glove.tokenize`, so "Quenby's" gives "quenby", "s").
 *
 * For a question about (entity E, relation R) and an option o:
 *
 *     level(u, o) = 0                                  if a token of o is missing from u
 *                 = 1 + [E's tokens ⊆ u] + [R's tokens ⊆ u]   otherwise          (1..3)
 *     score(o)    = ( max_u level(u, o),  latest time among the units reaching that level )
 *
 * Options are compared by score lexicographically: the strongest evidence wins, and between
 * equally strong evidence the more recent (so a text system that holds both "Quenby's zorple is
 * Vark" and, later, "Quenby's zorple is now Tesh" answers Tesh). If every option has level 0
 * (no evidence) or the best score is shared by several options, the answer is a GUESS: a
 * uniform draw among the tied options with the run's seeded generator (like a model guessing);
 * guesses are counted (and are right by chance only).
 *
 * @since 0.1.0
 */
import { tokenize } from "../../../shell/embeddings/Glove.ts"
import { Cursor } from "./Prng.ts"

/** One unit of retrieved context. */
export interface Unit {
  readonly text: string
  readonly time: number
}

/** An option's score: evidence level (0..3) and the time of its latest unit at that level. */
export interface OptionScore {
  readonly level: number
  readonly time: number
}

/** What the rule chose. */
export interface Choice {
  readonly index: number
  /** Whether it was a seeded guess (no evidence, or a tie at the top). */
  readonly guessed: boolean
  readonly scores: ReadonlyArray<OptionScore>
}

const NO_EVIDENCE: OptionScore = { level: 0, time: -Infinity }

/** Whether every token of `needle` is in `hay`. @complexity O(|needle|) */
const covers = (hay: ReadonlySet<string>, needle: ReadonlyArray<string>): boolean =>
  needle.length > 0 && needle.every((t) => hay.has(t))

/** Lexicographic comparison of scores (positive when `a` is stronger). */
export const compare = (a: OptionScore, b: OptionScore): number =>
  a.level !== b.level ? a.level - b.level : a.time === b.time ? 0 : a.time > b.time ? 1 : -1

/**
 * The score of every option against `units` (see the module header).
 *
 * Laws: `level ∈ {0,1,2,3}`; level 0 ⇔ time −∞; adding a unit never lowers a score; unit order
 * does not matter.
 * @complexity O(|units| · (|unit tokens| + |options|))
 */
export const scoreOptions = (
  entity: string,
  relation: string,
  options: ReadonlyArray<string>,
  units: ReadonlyArray<Unit>
): Array<OptionScore> => {
  const e = tokenize(entity)
  const r = tokenize(relation)
  const opts = options.map((o) => tokenize(o))
  const scores: Array<OptionScore> = options.map(() => NO_EVIDENCE)
  for (const u of units) {
    const toks = new Set(tokenize(u.text))
    const base = 1 + (covers(toks, e) ? 1 : 0) + (covers(toks, r) ? 1 : 0)
    for (let i = 0; i < opts.length; i++) {
      if (!covers(toks, opts[i]!)) continue
      const s: OptionScore = { level: base, time: u.time }
      if (compare(s, scores[i]!) > 0) scores[i] = s
    }
  }
  return scores
}

/**
 * The chosen option: the unique strongest score, else a seeded uniform guess among the tied
 * strongest (all options when nothing matched).
 *
 * Laws: a unique strongest option is chosen without a draw (the cursor is not advanced);
 * `index ∈ [0, options)`.
 * @complexity O(options) after scoring
 */
export const choose = (scores: ReadonlyArray<OptionScore>, rng: Cursor): Choice => {
  let best: Array<number> = []
  for (let i = 0; i < scores.length; i++) {
    if (best.length === 0) best = [i]
    else {
      const c = compare(scores[i]!, scores[best[0]!]!)
      if (c > 0) best = [i]
      else if (c === 0) best.push(i)
    }
  }
  if (best.length === 1 && scores[best[0]!]!.level > 0) return { index: best[0]!, guessed: false, scores }
  return { index: best[rng.int(best.length)]!, guessed: true, scores }
}
