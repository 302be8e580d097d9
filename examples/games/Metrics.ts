/**
 * Metrics — pure functions of a run's step records.
 *
 * - score: total reward of the world's success events divided by the number of opportunities
 *   (the world decides: nonsense wins / rounds, maze goals / episodes, kitchen meals / episodes);
 * - recovery after a rule change at step c: the number of steps from c until the start of the
 *   first run of `k` consecutive wins that begins at or after c (0 = winning straight away).
 *   If no such run starts before the next change (or the end), the recovery is CENSORED at the
 *   length of that segment and flagged `recovered: false`;
 * - series: cumulative score and node/edge counts per step; recalls and engrams per step.
 */
import type { StepRecord } from "./Agents.ts"

export const RECOVERY_STREAK = 3

export interface Recovery {
  readonly change: number
  readonly steps: number
  readonly recovered: boolean
}

/**
 * Recovery after each change. `wins[i]` is whether step i was a win (index = step number).
 * @example recoveries([F,F,T,T,T], [0], 3) // [{ change: 0, steps: 2, recovered: true }]
 */
export const recoveries = (wins: ReadonlyArray<boolean>, changes: ReadonlyArray<number>, k = RECOVERY_STREAK): Array<Recovery> => {
  const out: Array<Recovery> = []
  const sorted = [...changes].sort((a, b) => a - b)
  sorted.forEach((c, j) => {
    const end = j + 1 < sorted.length ? sorted[j + 1]! : wins.length
    let found: number | undefined
    let run = 0
    for (let i = c; i < wins.length; i++) {
      run = wins[i] ? run + 1 : 0
      if (run >= k) {
        const start = i - k + 1
        if (start < end) found = start
        break
      }
    }
    out.push(found !== undefined ? { change: c, steps: found - c, recovered: true } : { change: c, steps: end - c, recovered: false })
  })
  return out
}

export const mean = (xs: ReadonlyArray<number>): number => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length)

/** Per-step rates: recalls and engrams made during each step (differences of the cumulative counts). */
export const perStep = (steps: ReadonlyArray<StepRecord>): Array<{ step: number; recalls: number; engrams: number }> =>
  steps.map((s, i) => ({
    step: s.step,
    recalls: s.recalls - (i > 0 ? steps[i - 1]!.recalls : 0),
    engrams: s.engrams - (i > 0 ? steps[i - 1]!.engrams : 0)
  }))

/** Running win rate over the last `w` steps (for the nonsense game's "score over steps" chart). */
export const rollingRate = (wins: ReadonlyArray<boolean>, w: number): Array<number> => {
  const out: Array<number> = []
  let sum = 0
  for (let i = 0; i < wins.length; i++) {
    sum += wins[i] ? 1 : 0
    if (i >= w) sum -= wins[i - w] ? 1 : 0
    out.push(sum / Math.min(i + 1, w))
  }
  return out
}

/** Cumulative count of successes (reward ≥ threshold) per step. */
export const cumulative = (steps: ReadonlyArray<StepRecord>, threshold: number): Array<number> => {
  let c = 0
  return steps.map((s) => (c += s.reward >= threshold ? 1 : 0))
}
