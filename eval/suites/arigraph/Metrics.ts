/**
 * Metrics — agreement of our conflict decisions with the run's labelled replacements.
 *
 * A pair is `old → replacement`, each side a **canonical fact key** ({@link canonicalKey}): the
 * triplet as the core's relation vocabulary reads it (`Relation.normalize`: synonyms and
 * families folded — "is in / is on / is at / in inventory / carried by" are all `located_in` —
 * inverse phrases turned round, negators read off), then `subject|relation|object[|not]` with
 * node keys. Ours come from `reconcile`'s `changes.superseded` (`loser → winner`), read off the
 * two fact edges ({@link edgeKey}: the same key, since engram canonicalises with the same
 * function); the run's from its `Outdated triplets:` sections (its own LLM's judgement: noisy
 * labels, not ground truth), canonicalised the same way. So a decision matches a label exactly
 * when its loser and winner facts ARE the label's outdated and replacement triplets after
 * canonicalisation — two wordings of one fact are one fact, two different facts never match.
 *
 * Matching is per attempt, on **sets** of pairs (a pair decided or labelled twice counts once),
 * regardless of the step at which it happened. Labelled pairs whose two sides are the same
 * triplet (after normalisation) say nothing and are dropped.
 *
 * - `scorePairs`: a predicted pair is a true positive iff the labels hold the same
 *   `old → replacement` pair;
 * - `scoreOutdated`: the looser, loser-only view — a triplet we ended is a true positive iff the
 *   run labelled it outdated (by whatever replacement).
 *
 * Precision is `tp / predicted` (0 when nothing was predicted but labels exist; 1 when both are
 * empty); recall `tp / labelled` (likewise); F1 their harmonic mean (0 when both are 0).
 */

import * as Key from "../../../core/Key.ts"
import * as Relation from "../../../core/Relation.ts"

/** The canonical key of a told triplet: what engram makes of it (see the module header). */
export const canonicalKey = (t: { readonly subject: string; readonly relation: string; readonly object: string }): string => {
  const n = Relation.normalize(t)
  return `${Key.node(n.subject)}|${n.relation}|${Key.node(n.object)}${n.negated ? "|not" : ""}`
}

/** The canonical key of a fact edge (its node ids are node keys when no embedding merges labels). */
export const edgeKey = (e: { readonly subject: string; readonly relation: string; readonly object: string; readonly negated: boolean }): string =>
  `${e.subject}|${e.relation}|${e.object}${e.negated ? "|not" : ""}`

/** Subject and relation of a canonical key: the slot a slot-based reconcile compares within. */
export const slotOf = (key: string): string => key.split("|").slice(0, 2).join("|")

/** An `old → replacement` pair of canonical fact keys. */
export interface Pair {
  readonly old: string
  readonly replacement: string
}

/** Counts and rates of one comparison. */
export interface Score {
  readonly tp: number
  readonly predicted: number
  readonly labelled: number
  readonly precision: number
  readonly recall: number
  readonly f1: number
}

const pairKey = (p: Pair): string => p.old + " -> " + p.replacement

/** Precision, recall and F1 from counts (see the module header for the empty cases). */
export const rates = (tp: number, predicted: number, labelled: number): Score => {
  const precision = predicted === 0 ? (labelled === 0 ? 1 : 0) : tp / predicted
  const recall = labelled === 0 ? (predicted === 0 ? 1 : 0) : tp / labelled
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
  return { tp, predicted, labelled, precision, recall, f1 }
}

const setScore = (predicted: ReadonlySet<string>, labelled: ReadonlySet<string>): Score => {
  let tp = 0
  for (const p of predicted) if (labelled.has(p)) tp++
  return rates(tp, predicted.size, labelled.size)
}

/** Labelled pairs that carry information (the two sides differ: a rewording of one fact says nothing). */
export const usefulLabels = (labelled: ReadonlyArray<Pair>): Array<Pair> => labelled.filter((p) => p.old !== p.replacement)

/** Pair agreement (old and replacement must both match). */
export const scorePairs = (predicted: ReadonlyArray<Pair>, labelled: ReadonlyArray<Pair>): Score =>
  setScore(new Set(predicted.map(pairKey)), new Set(usefulLabels(labelled).map(pairKey)))

/** Loser-only agreement (the outdated triplet must match). */
export const scoreOutdated = (predicted: ReadonlyArray<Pair>, labelled: ReadonlyArray<Pair>): Score =>
  setScore(new Set(predicted.map((p) => p.old)), new Set(usefulLabels(labelled).map((p) => p.old)))

/** Micro-average: sums the counts of several comparisons and recomputes the rates. */
export const micro = (scores: ReadonlyArray<Score>): Score => {
  let tp = 0
  let predicted = 0
  let labelled = 0
  for (const s of scores) {
    tp += s.tp
    predicted += s.predicted
    labelled += s.labelled
  }
  return rates(tp, predicted, labelled)
}
