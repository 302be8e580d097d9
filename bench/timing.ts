/**
 * Timing helpers for the benchmarks: a monotonic clock, percentiles, and a loop that repeats
 * a measurement until a time budget is spent.
 */

/** Milliseconds from a monotonic clock. */
export const now = (): number => performance.now()

/** The `p`-quantile (0..1) of `xs` (nearest rank on a sorted copy). */
export const percentile = (xs: ReadonlyArray<number>, p: number): number => {
  if (xs.length === 0) throw new Error("percentile of no samples")
  const s = xs.slice().sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!
}

/** Median. */
export const median = (xs: ReadonlyArray<number>): number => percentile(xs, 0.5)

/**
 * Runs `f` until at least `minRuns` runs and `budgetMs` ms have passed (or `maxRuns` runs), and
 * returns the duration of each run in ms.
 */
export const repeat = (f: (i: number) => void, minRuns: number, budgetMs: number, maxRuns = Infinity): Array<number> => {
  const out: Array<number> = []
  const start = now()
  for (let i = 0; i < maxRuns && (i < minRuns || now() - start < budgetMs); i++) {
    const t = now()
    f(i)
    out.push(now() - t)
  }
  return out
}

/** Keeps a value alive and observable so that the optimiser cannot drop the work producing it. */
export let sink: unknown = undefined
export const consume = (x: unknown): void => {
  sink = x
}
