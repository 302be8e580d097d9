/**
 * Scoring — the model-free reader of the hard MCQ: the rule of `../mcq/Scoring.ts` (strongest
 * evidence, then the most recent; ties and no evidence are a seeded guess) with what a careful
 * lexical reader of this world needs, the same for every system:
 *
 * - **cues**: a unit supports the relation when it holds one of the relation's cue words
 *   (`World.CUES`: "moved", "relocated", "joined", … as well as "lives", "works");
 * - **negation**: an option is not supported by a unit that negates it ("not Y", "quit Y",
 *   "left Y", "no longer … Y", "doesn't … Y": a negator among the 3 tokens before the option);
 * - **two hops**: for "Where does E's H live?", the *bridges* are the people's names (a reader
 *   knows a name when it sees one: the world's list) that share a unit with E and the link word
 *   (or a synonym: "boss"/"manager", "husband"/"married"); the option's subject is then a
 *   bridge, not E.
 *
 * For an option o and a unit u that holds o's tokens and does not negate o:
 *
 *     level(u, o) = 1 + [the subject ⊆ u] + [a cue ∈ u]          (1..3)
 *     subject     = E                 for an update question
 *                 = any bridge        for a two-hop question (E's own statements are not evidence)
 *     score(o)    = ( max_u level(u, o), latest time among the units reaching that level )
 *
 * then `../mcq/Scoring.ts`'s `choose`. A text reader that retrieved "Quenby lives in Varkton"
 * and, later, "She moved to Teshby" (a pronoun: no name) answers Varkton; one that has both
 * "Mopa is Quenby's sister" and "Mopa lives in Teshby" answers Teshby.
 *
 * @since 0.3.0
 */
import { tokenize } from "../../../shell/embeddings/Glove.ts"
import { type OptionScore } from "../mcq/Scoring.ts"
import type { Unit } from "../mcq/Scoring.ts"
import type { Question } from "./World.ts"

export type { Unit }

const NEGATORS = new Set(["not", "quit", "left", "longer", "t", "never"])

const has = (hay: ReadonlySet<string>, needle: ReadonlyArray<string>): boolean => needle.length > 0 && needle.every((t) => hay.has(t))

/** Whether `option` (tokens) occurs in `toks` unnegated (module header). @complexity O(|toks|) */
const supported = (toks: ReadonlyArray<string>, option: ReadonlyArray<string>): boolean => {
  for (let i = 0; i + option.length <= toks.length; i++) {
    if (!option.every((t, j) => toks[i + j] === t)) continue
    let negated = false
    for (let j = Math.max(0, i - 3); j < i; j++) if (NEGATORS.has(toks[j]!)) negated = true
    if (!negated) return true
  }
  return false
}

/**
 * The bridges of a two-hop question in `units`: names (from `names`) other than the entity that
 * share a unit with the entity and a link word.
 * @complexity O(|units| · |unit tokens| + |names|)
 */
export const bridges = (q: Question, units: ReadonlyArray<Unit>, names: ReadonlyArray<string>): Array<ReadonlyArray<string>> => {
  const e = tokenize(q.entity)
  const hops = q.hop.map((h) => tokenize(h))
  const found = new Set<string>()
  const named = names.filter((n) => n !== q.entity).map((n) => [n, tokenize(n)] as const)
  for (const u of units) {
    const toks = new Set(tokenize(u.text))
    if (!has(toks, e) || !hops.some((h) => has(toks, h))) continue
    for (const [n, t] of named) if (has(toks, t)) found.add(n)
  }
  return Array.from(found).sort().map((n) => tokenize(n))
}

/**
 * The score of every option of `q` against `units` (module header).
 * Laws: `level ∈ {0,1,2,3}`; level 0 ⇔ time −∞; unit order does not matter; a unit that only
 * negates an option adds nothing to it.
 * @complexity O(|units| · (|unit tokens| · |options| + |bridges|))
 */
export const scoreOptions = (q: Question, units: ReadonlyArray<Unit>, names: ReadonlyArray<string>): Array<OptionScore> => {
  const subjects = q.hop.length === 0 ? [tokenize(q.entity)] : bridges(q, units, names)
  const cues = new Set(q.cues)
  const opts = q.options.map((o) => tokenize(o))
  const scores: Array<OptionScore> = q.options.map(() => ({ level: 0, time: -Infinity }))
  for (const u of units) {
    const list = tokenize(u.text)
    const toks = new Set(list)
    const level = 1 + (subjects.some((s) => has(toks, s)) ? 1 : 0) + (list.some((t) => cues.has(t)) ? 1 : 0)
    for (let i = 0; i < opts.length; i++) {
      if (!supported(list, opts[i]!)) continue
      const s = scores[i]!
      if (level > s.level || (level === s.level && u.time > s.time)) scores[i] = { level, time: u.time }
    }
  }
  return scores
}
