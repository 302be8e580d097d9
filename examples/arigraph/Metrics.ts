/**
 * Metrics — agreement of our conflict decisions with the run's labelled replacements.
 *
 * A pair is `old → replacement`, each side a triplet key (see `Parse.tripletKey`). Ours come
 * from `reconcile`'s `changes.superseded` (`loser → winner`); the run's from its
 * `Outdated triplets:` sections (its own LLM's judgement: noisy labels, not ground truth).
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

/** An `old → replacement` pair of triplet keys. */
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

/** Labelled pairs that carry information (the two sides differ). */
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
