/**
 * Metric — one benchmark figure, with the baseline measured beside it in the same run.
 *
 * Every bench module exports `run(opts: BenchOptions): Promise<Array<Metric>>`. The runner
 * (`bench/run.ts`) prints each metric as one JSON line (`--json`) or as a table row.
 *
 * Naming: `<operation>.<what>_<unit>` for the headline size (10^5 facts), and the same name with
 * `@1eK` appended for any other size (`engram.us_per_fact@1e4`), see {@link sizedName}.
 * `ratio` is always oriented so that **ratio > 1 means MAGS is better than the baseline** (see
 * bench/README.md for the formula of each metric).
 */

/** One figure. `baseline` and `ratio` are present only when a baseline was measured. */
export interface Metric {
  readonly name: string
  readonly value: number
  readonly unit: string
  readonly baseline?: number
  readonly ratio?: number
}

/** What every bench's `run` receives. */
export interface BenchOptions {
  /** Short run: fewer repetitions, sizes up to 10^5. */
  readonly quick: boolean
  /** Graph sizes in facts (a fresh array each bench may keep). */
  readonly sizes: Array<number>
}

/** The size at which metrics carry their plain (unsuffixed) name. */
export const HEADLINE_SIZE = 100_000

/** `1e5` for 100000, `2.5e4` for 25000. */
export const formatSize = (n: number): string => {
  const e = Math.floor(Math.log10(n))
  const m = n / 10 ** e
  return (Math.abs(m - Math.round(m)) < 1e-9 ? String(Math.round(m)) : String(+m.toPrecision(3))) + "e" + e
}

/** The metric name for a size: plain at {@link HEADLINE_SIZE}, `name@1eK` otherwise. */
export const sizedName = (name: string, size: number): string =>
  size === HEADLINE_SIZE ? name : `${name}@${formatSize(size)}`

/** Where lower values are better (times, bytes): ratio = baseline / value. */
export const lowerIsBetter = (name: string, value: number, unit: string, baseline?: number): Metric =>
  baseline === undefined ? { name, value, unit } : { name, value, unit, baseline, ratio: baseline / value }

/** Where higher values are better (throughput): ratio = value / baseline. */
export const higherIsBetter = (name: string, value: number, unit: string, baseline?: number): Metric =>
  baseline === undefined ? { name, value, unit } : { name, value, unit, baseline, ratio: value / baseline }

/** Writes a progress line to stderr (never stdout: stdout is the machine-readable output). */
export const progress = (msg: string): void => {
  process.stderr.write(`[bench] ${msg}\n`)
}
