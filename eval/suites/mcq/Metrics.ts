/**
 * Metrics — per-system figures from per-question outcomes (pure).
 *
 * @since 0.1.0
 */

/** One answered question. */
export interface Outcome {
  readonly question: string
  readonly corrected: boolean
  readonly correct: boolean
  readonly guessed: boolean
  /** Chose the outdated value of a corrected slot. */
  readonly outdated: boolean
  readonly tokens: number
}

/** A system's figures. Accuracies are fractions in [0, 1] (NaN for an empty subset). */
export interface Summary {
  readonly questions: number
  readonly accuracy: number
  readonly accuracyCorrected: number
  readonly accuracyUncorrected: number
  readonly guessRate: number
  /** Share of corrected questions answered with the outdated value. */
  readonly outdatedRate: number
  readonly meanTokens: number
  readonly maxTokens: number
}

const share = (xs: ReadonlyArray<Outcome>, p: (o: Outcome) => boolean): number =>
  xs.length === 0 ? Number.NaN : xs.filter(p).length / xs.length

/**
 * The summary of `outcomes`.
 * Laws: accuracy = (corrected share × accuracyCorrected + the rest × accuracyUncorrected) when both
 * subsets are non-empty; every rate in [0, 1].
 * @complexity O(n)
 */
export const summarise = (outcomes: ReadonlyArray<Outcome>): Summary => {
  const corrected = outcomes.filter((o) => o.corrected)
  const uncorrected = outcomes.filter((o) => !o.corrected)
  return {
    questions: outcomes.length,
    accuracy: share(outcomes, (o) => o.correct),
    accuracyCorrected: share(corrected, (o) => o.correct),
    accuracyUncorrected: share(uncorrected, (o) => o.correct),
    guessRate: share(outcomes, (o) => o.guessed),
    outdatedRate: share(corrected, (o) => o.outdated),
    meanTokens: outcomes.length === 0 ? 0 : outcomes.reduce((s, o) => s + o.tokens, 0) / outcomes.length,
    maxTokens: outcomes.reduce((m, o) => Math.max(m, o.tokens), 0)
  }
}

/** Percentage points between two accuracies (a − b) × 100. */
export const points = (a: number, b: number): number => (a - b) * 100
